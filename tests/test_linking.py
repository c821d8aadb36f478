"""Issue 5: one registry across articles — canonical projects and companies, timeline, idempotent batches."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.batch import ingest
from extract.registry import open_registry
from extract.registry.clusters import Edge, cluster
from extract.registry.linking import link_registry, review_key

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SIGNED_2023 = "000_8737681036cd964a"
BUILDING_2025 = "003_a2ea863acaabccfd"
METHANOL_CORE = "风光制绿氢生物质耦合绿色甲醇"
#: What a run writes that is not content: timestamps and run bookkeeping.
VOLATILE = {"runs", "failures", "_sqlite_migrations", "audit", "decisions"}
VOLATILE_COLUMNS = {"run_id", "ingested_at", "at"}


def seed_copy(folder: Path, *ids: str) -> Path:
    """A folder with the named seed articles and their metadata (dates)."""
    folder.mkdir(parents=True, exist_ok=True)
    for aid in ids:
        shutil.copy(CORPUS / f"{aid}.txt", folder)
    shutil.copy(CORPUS / "seeds.meta.jsonl", folder)
    return folder


def copy_registry(source: Path, target: Path) -> None:
    """A consistent copy of a registry (its write-ahead log included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def content(db_path: Path) -> dict[str, list[tuple]]:
    """Every content table, rows sorted, without timestamps and run ids."""
    db = open_registry(db_path)
    out = {}
    for table in sorted(set(db.table_names()) - VOLATILE):
        if table.endswith(("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config")):
            continue
        columns = [c.name for c in db[table].columns if c.name not in VOLATILE_COLUMNS]
        out[table] = sorted(
            db.execute(f"select {', '.join(f'[{c}]' for c in columns)} from [{table}]").fetchall(), key=repr
        )
    return out


@pytest.fixture(scope="module")
def both_orders(tmp_path_factory) -> tuple[Path, Path]:
    """The seeds ingested 2023 first, and 2025 first, into two registries."""
    base = tmp_path_factory.mktemp("orders")
    forward, backward = base / "forward.db", base / "backward.db"
    ingest([seed_copy(base / "a", SIGNED_2023)], forward)
    ingest([seed_copy(base / "b", BUILDING_2025)], forward)
    ingest([seed_copy(base / "c", BUILDING_2025)], backward)
    ingest([seed_copy(base / "d", SIGNED_2023)], backward)
    return forward, backward


def methanol(db_path: Path) -> dict:
    db = open_registry(db_path)
    rows = [r for r in db.query("select * from canonical_projects") if METHANOL_CORE in r["name"]]
    assert len(rows) == 1, rows
    return rows[0]


def test_green_methanol_is_one_canonical_project_with_a_timeline(both_orders):
    forward, _ = both_orders
    canonical = methanol(forward)
    assert canonical["members"] == 2 and canonical["articles"] == 2
    assert canonical["name"] == "梨树风光制绿氢生物质耦合绿色甲醇项目"  # the earliest member names it
    assert canonical["latest_stage"] == "under_construction"
    assert canonical["latest_stage_article"] == BUILDING_2025
    assert canonical["latest_investment_yuan"] == 5_090_000_000
    assert canonical["latest_investment_article"] == BUILDING_2025
    db = open_registry(forward)
    timeline = list(db.query("select * from project_timeline where canonical_id = ?", [canonical["id"]]))
    assert [(t["date"], t["stage"], t["article_id"]) for t in timeline] == [
        ("2023-09-15", "signed", SIGNED_2023),
        ("2025-08-15", "under_construction", BUILDING_2025),
    ]
    links = list(db.query("select * from project_links where canonical_id = ?", [canonical["id"]]))
    evidence = json.loads(links[0]["evidence"])
    assert {link["method"] for link in links} == {"core"} and evidence["core"] == METHANOL_CORE
    assert 0 < links[0]["confidence"] < 1


def test_ingest_order_does_not_change_canonical_records(both_orders):
    forward, backward = both_orders
    assert methanol(forward)["id"] == methanol(backward)["id"]
    for table in ("canonical_projects", "project_links", "canonical_companies", "company_links"):
        assert content(forward)[table] == content(backward)[table], table


def test_ingest_twice_leaves_identical_content(both_orders, tmp_path):
    db_path = tmp_path / "r.db"
    copy_registry(both_orders[0], db_path)
    first = content(db_path)
    summary = ingest([seed_copy(tmp_path / "in", SIGNED_2023, BUILDING_2025)], db_path)
    assert summary.unchanged == 2
    assert content(db_path) == first
    link_registry(open_registry(db_path))
    assert content(db_path) == first


def test_unrelated_projects_stay_apart(both_orders):
    forward, _ = both_orders
    db = open_registry(forward)
    for row in db.query("select * from canonical_projects where members > 1"):
        assert METHANOL_CORE in row["name"], row


def test_company_short_form_links_to_full_name_seen_elsewhere(tmp_path):
    """吉林世宝 (a seed's short form) and its full registered name in another article: one company."""
    db = open_registry(tmp_path / "r.db")
    db["articles"].insert_all(
        [{"id": "a1", "date": "2024-01-01", "text": ""}, {"id": "a2", "text": ""}], pk="id"
    )
    rows = [
        ("a1", "吉林世宝", None),
        ("a2", "吉林世宝机械制造有限公司", None),
        ("a2", "世宝", "吉林世宝机械制造有限公司"),
        ("a1", "吉林化纤", None),
        ("a1", "吉林化纤集团有限责任公司", None),
        ("a2", "吉林化纤股份有限公司", None),
    ]
    db["organisations"].insert_all(
        [
            {"id": f"{a}:{i}-{i + 1}", "article_id": a, "start": i, "end": i + 1, "text": n, "name": n}
            | {"kind": "company", "refers_to": r}
            for i, (a, n, r) in enumerate(rows)
        ],
        pk="id",
    )
    link_registry(db)
    links = {r["name"]: r for r in db.query("select * from company_links")}
    shibao = {links[n]["canonical_id"] for n in ("吉林世宝", "吉林世宝机械制造有限公司")}
    assert len(shibao) == 1
    # 世宝 without the place of its full name is too short to stand for it in every article
    assert links["世宝"]["canonical_id"] not in shibao
    assert links["吉林世宝"]["method"] == "prefix"
    canonical = db["canonical_companies"].get(shibao.pop())
    assert canonical["name"] == "吉林世宝机械制造有限公司" and canonical["articles"] == 2
    # 吉林化纤 opens two different full names: ambiguous, so it stays alone
    assert links["吉林化纤"]["method"] == "singleton"


def test_review_key_survives_span_shifts():
    assert review_key(SIGNED_2023, "“梨树风光制绿氢生物质耦合绿色甲醇项目”") == review_key(
        SIGNED_2023, "梨树风光制绿氢生物质耦合绿色 甲醇"
    )


@given(st.permutations(range(6)))
def test_clusters_do_not_depend_on_edge_order(order):
    """Union order never changes the clusters: the same-article guard is applied strongest edge first."""
    ids = ["a1:1", "a1:2", "a2:1", "a3:1", "a4:1", "a5:1"]
    article_of = {i: i.split(":")[0] for i in ids}
    pairs = [
        ("a1:1", "a2:1"),
        ("a2:1", "a1:2"),
        ("a3:1", "a4:1"),
        ("a4:1", "a1:2"),
        ("a5:1", "a3:1"),
        ("a2:1", "a3:1"),
    ]
    edges = [Edge(a, b, 0.5 + 0.05 * k, "core", {}) for k, (a, b) in enumerate(pairs)]
    groups, _ = cluster(ids, article_of, [edges[i] for i in order], [])
    expected, _ = cluster(ids, article_of, edges, [])
    assert sorted(map(sorted, groups.values())) == sorted(map(sorted, expected.values()))
