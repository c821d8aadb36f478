"""Issue 18: a batch links what it brings, and the registry it leaves is the full relink's."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import shared_path
from test_lexicon import LATER, write_jsonl
from test_linking import BUILDING_2025, METHANOL_CORE, SIGNED_2023, content, copy_registry, seed_copy

from extract.batch import ingest
from extract.registry import linking, open_registry
from extract.registry.changes import articles_containing, changed_articles
from extract.registry.lexicon import SOURCE
from extract.registry.linking import link_registry
from extract.registry.review import accept, merge, reject, split, undo, unreject


@pytest.fixture
def incremental(monkeypatch) -> list[set[str] | None]:
    """Every link incremental, however large the batch; records what each link was given."""
    monkeypatch.setattr(linking, "FULL_SHARE", 1.0)
    given: list[set[str] | None] = []
    link_projects = linking.link_projects

    def spy(db, changed=None):
        given.append(None if changed is None else set(changed))
        link_projects(db, changed)

    monkeypatch.setattr(linking, "link_projects", spy)
    return given


def relinked(db_path: Path, tmp_path: Path) -> dict[str, list[tuple]]:
    """The content of a copy of the registry after a full relink."""
    copy = tmp_path / "full.db"
    copy_registry(db_path, copy)
    link_registry(open_registry(copy))
    return content(copy)


def assert_same(db_path: Path, tmp_path: Path) -> None:
    incremental, full = content(db_path), relinked(db_path, tmp_path)
    assert incremental.keys() == full.keys()
    for table in full:
        assert incremental[table] == full[table], table


def test_a_short_form_learnt_later_is_found_in_earlier_articles(tmp_path, incremental):
    db_path = tmp_path / "r.db"
    ingest([write_jsonl(tmp_path / "later.jsonl", LATER)], db_path, workers=1)
    ingest([seed_copy(tmp_path / "seed", SIGNED_2023)], db_path, workers=1)
    assert incremental[-1] is not None  # the second batch linked incrementally
    db = open_registry(db_path)
    learnt = {
        r[0]
        for r in db.execute(
            "select name from organisations where article_id = 'later' and source = ?", [SOURCE]
        )
    }
    assert learnt == {"北京首旺", "广东睿氢"}
    assert "later" in incremental[-1]  # reached through the trigram index, not by a scan of every text
    assert changed_articles(db) == set()
    assert_same(db_path, tmp_path)


def test_a_changed_article_takes_its_names_and_links_with_it(tmp_path, incremental):
    db_path = tmp_path / "r.db"
    ingest([seed_copy(tmp_path / "seed", SIGNED_2023)], db_path, workers=1)
    ingest([write_jsonl(tmp_path / "later.jsonl", LATER)], db_path, workers=1)
    seed = tmp_path / "seed" / f"{SIGNED_2023}.txt"
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("北京首旺科技有限公司", "北京某科技公司"), encoding="utf-8"
    )
    ingest([tmp_path / "seed"], db_path, workers=1)
    assert incremental[-1] is not None
    db = open_registry(db_path)
    later = {r[0] for r in db.execute("select name from organisations where article_id = 'later'")}
    assert "北京首旺" not in later and "广东睿氢" in later
    assert articles_containing(db, "北京首旺科技有限公司") == set()  # the changed text indexed anew
    assert_same(db_path, tmp_path)


def test_review_decisions_hold_through_incremental_batches(tmp_path, incremental):
    db_path = tmp_path / "r.db"
    ingest([seed_copy(tmp_path / "seed", SIGNED_2023)], db_path, workers=1)
    db = open_registry(db_path)
    project_id, project = db.execute("select id, review_key from projects order by id limit 1").fetchone()
    reject(db, project_id, "test")
    ingest([write_jsonl(tmp_path / "later.jsonl", LATER)], db_path, workers=1)
    assert project not in {r[0] for r in open_registry(db_path).execute("select review_key from projects")}
    assert_same(db_path, tmp_path)


def test_each_review_decision_links_what_it_changes_as_a_full_relink_would(tmp_path, incremental):
    db_path = tmp_path / "r.db"
    ingest([seed_copy(tmp_path / "seed", SIGNED_2023, BUILDING_2025)], db_path, workers=1)
    ingest([write_jsonl(tmp_path / "later.jsonl", LATER)], db_path, workers=1)
    db = open_registry(db_path)

    def project(pattern: str) -> str:
        return db.execute("select id from projects where name like ? order by id", [pattern]).fetchone()[0]

    def canonical(project_id: str) -> str:
        return db["project_links"].get(project_id)["canonical_id"]

    lishu, jidian = project(f"梨树{METHANOL_CORE}%"), project(f"吉电股份{METHANOL_CORE}%")
    other = db.execute(
        "select id from projects where id not in (?, ?) order by id", [lishu, jidian]
    ).fetchone()[0]
    first, second = (r[0] for r in db.execute("select id from canonical_companies order by id limit 2"))
    company = db.execute("select name from company_links where canonical_id = ?", [second]).fetchone()[0]
    decisions = [
        lambda: split(db, lishu, "ana"),
        lambda: merge(db, canonical(lishu), canonical(jidian), "ana"),
        lambda: accept(db, f"link:{jidian}", "bo"),
        lambda: reject(db, other, "bo"),
        lambda: unreject(db, other, "bo"),
        lambda: merge(db, first, second, "ana"),
        lambda: reject(db, f"company:{company}", "bo"),
        lambda: undo(db, "ana"),
    ]
    for decide in decisions:
        before = len(incremental)
        decide()
        assert incremental[before:] and all(given is not None for given in incremental[before:])
        assert_same(db_path, tmp_path)


def test_the_trigram_index_finds_every_article_holding_a_name(tmp_path):
    db_path = tmp_path / "r.db"
    ingest(
        [write_jsonl(tmp_path / "a.jsonl", LATER, {"id": "other", "text": "首旺在北京。"})],
        db_path,
        workers=1,
    )
    db = open_registry(db_path)
    assert articles_containing(db, "北京首旺") == {"later"}
    assert articles_containing(db, "首旺") == {"later", "other"}  # two characters: read from the texts
    assert articles_containing(db, "北京首旺科技") == set()


def test_batches_of_real_articles_in_any_order_give_the_full_relink(tmp_path, incremental):
    """300 articles of the shared corpus, shuffled, in batches of 50: projects, companies and learnt
    names cross batches both ways (a later full name teaches a short form of an earlier article)."""
    articles = [
        json.loads(line)
        for name in ("press-2011-projects.jsonl", "xwlb-projects.jsonl")
        for line in shared_path("corpus", name).read_text(encoding="utf-8").splitlines()
    ]
    random.Random(18).shuffle(articles)
    db_path = tmp_path / "r.db"
    for first in range(0, 300, 50):
        ingest([write_jsonl(tmp_path / f"{first}.jsonl", *articles[first : first + 50])], db_path, workers=1)
    assert all(given is not None for given in incremental[1:])
    db = open_registry(db_path)
    linked = "select count(*) from canonical_projects where members > 1"
    assert db.execute(linked).fetchone()[0] > 0
    assert_same(db_path, tmp_path)
