"""Issue 5: review from the command line and the library; human decisions outlive re-ingest."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from test_linking import BUILDING_2025, METHANOL_CORE, SIGNED_2023, copy_registry, seed_copy

from extract.batch import ingest
from extract.cli import main
from extract.export import export_records
from extract.registry import open_registry
from extract.registry.review import (
    ReviewError,
    accept,
    edit,
    merge,
    parse_yuan,
    reject,
    review_queue,
    split,
)

WIND = "双辽市绿电产业示范园区15万千瓦风电项目"
STRAW = "秸秆资源利用项目"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("seeded")
    ingest([seed_copy(base / "in", SIGNED_2023, BUILDING_2025)], base / "r.db")
    return base / "r.db"


@pytest.fixture
def registry(seeded, tmp_path) -> Path:
    path = tmp_path / "r.db"
    copy_registry(seeded, path)
    return path


def project_id(db, name: str) -> str:
    return db.execute("select id from projects where name = ?", [name]).fetchone()[0]


def correct_article(folder: Path) -> None:
    """A corrected 2025 article: a line added on top, so every span shifts."""
    path = folder / f"{BUILDING_2025}.txt"
    path.write_text("（本文有更正）\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def exported(db, name: str) -> list[dict]:
    return [p for record in export_records(db) for p in record["projects"] if p["name"] == name]


def test_queue_lists_most_at_stake_first_with_the_span_marked(registry):
    queue = review_queue(open_registry(registry), limit=500)
    assert [q["stake"] for q in queue] == sorted((q["stake"] for q in queue), reverse=True)
    for confidence in {q["confidence"] for q in queue}:  # among equally doubtful ones, larger amounts first
        amounts = [q["yuan"] or 0 for q in queue if q["confidence"] == confidence]
        assert amounts == sorted(amounts, reverse=True)
    big = [q for q in queue if (q["yuan"] or 0) >= 100_000_000 and q["confidence"] < 1]
    small = [q for q in queue if not q["yuan"] and q["confidence"] < 1]
    assert big and small and queue.index(big[0]) < queue.index(small[0])
    kinds = {q["kind"] for q in queue}
    assert {"project", "project_link", "company_link"} <= kinds
    link = next(
        q for q in queue if q["id"].startswith(f"link:{BUILDING_2025}") and METHANOL_CORE in q["label"]
    )
    assert link["kind"] == "project_link" and "【吉电股份风光制绿氢生物质耦合绿色甲醇】" in link["marked"]
    assert len(review_queue(open_registry(registry), limit=3)) == 3


def test_edit_survives_a_corrected_article(registry, tmp_path):
    db = open_registry(registry)
    pid = project_id(db, WIND)
    edit(db, pid, "investment_yuan", "760000000", "ana", note="checked with the county")
    edit(db, pid, "stage", "operational", "ana")
    folder = seed_copy(tmp_path / "in", SIGNED_2023, BUILDING_2025)
    correct_article(folder)
    summary = ingest([folder], registry)
    assert summary.changed == 1
    db = open_registry(registry)
    row = db.execute(
        "select id, investment_yuan, stage, review_status from projects where name = ?", [WIND]
    ).fetchone()
    assert row[0] != pid  # the span moved
    assert row[1:] == (760_000_000, "operational", "edited")
    [project] = exported(db, WIND)
    assert project["investment_yuan"] == 760_000_000 and project["canonical_id"].startswith("cp_")
    audit = list(db.query("select * from audit where record = ? order by id", [pid]))
    assert [(a["actor"], a["field"], a["old_value"], a["new_value"]) for a in audit] == [
        ("ana", "investment_yuan", "752000000", "760000000"),
        ("ana", "stage", "under_construction", "operational"),
    ]
    assert audit[0]["note"] == "checked with the county"


def test_rejected_project_never_comes_back(registry, tmp_path):
    db = open_registry(registry)
    reject(db, project_id(db, STRAW), "ana", note="a programme, not a project")
    assert not exported(db, STRAW)
    folder = seed_copy(tmp_path / "in", SIGNED_2023, BUILDING_2025)
    (folder / f"{SIGNED_2023}.txt").write_text(
        (folder / f"{SIGNED_2023}.txt").read_text(encoding="utf-8") + "\n（完）\n", encoding="utf-8"
    )
    assert ingest([folder], registry).changed == 1
    db = open_registry(registry)
    assert db.execute("select count(*) from projects where name = ?", [STRAW]).fetchone()[0] == 0
    assert not exported(db, STRAW)
    assert all(q["label"] != STRAW for q in review_queue(db, limit=500))


def test_split_then_merge_and_their_audit(registry):
    db = open_registry(registry)
    old = db.execute(
        "select project_id, canonical_id from project_links where project_id like ?",
        [f"{BUILDING_2025}:417-%"],
    ).fetchone()
    pid, cid = old
    new = split(db, pid, "ana", note="different phase")
    assert new != cid
    assert db["canonical_projects"].get(cid)["members"] == 1
    assert (
        db.execute("select canonical_id from project_links where project_id = ?", [pid]).fetchone()[0] == new
    )
    survivor = merge(db, cid, new, "bo")
    assert survivor == cid and db["canonical_projects"].get(cid)["members"] == 2
    link = db["project_links"].get(pid)
    assert link["canonical_id"] == cid
    actions = [(a["action"], a["actor"], a["record"]) for a in db.query("select * from audit order by id")]
    assert actions == [("split", "ana", pid), ("merge", "bo", f"{cid}+{new}")]


def test_splitting_the_earliest_member_gives_it_a_new_id(registry):
    db = open_registry(registry)
    pid = db.execute("select id from projects where name like ?", [f"梨树{METHANOL_CORE}%"]).fetchone()[0]
    cid = db["project_links"].get(pid)["canonical_id"]
    new = split(db, pid, "ana")
    assert new != cid and db["canonical_projects"].get(new)["members"] == 1
    assert db["canonical_projects"].get(new)["name"].startswith("梨树")
    rest = [
        r
        for r in db.query("select * from canonical_projects")
        if METHANOL_CORE in r["name"] and r["id"] != new
    ]
    assert [r["name"] for r in rest] == [f"吉电股份{METHANOL_CORE}"]


def test_accepted_link_leaves_the_queue_and_holds(registry):
    db = open_registry(registry)
    pid = db.execute("select id from projects where name like ?", [f"吉电股份{METHANOL_CORE}%"]).fetchone()[0]
    accept(db, f"link:{pid}", "ana")
    link = db["project_links"].get(pid)
    assert (link["status"], link["confidence"]) == ("accepted", 1.0)
    assert all(q["id"] != f"link:{pid}" for q in review_queue(db, limit=500))


def test_bad_requests_raise_one_clear_error(registry):
    db = open_registry(registry)
    pid = project_id(db, WIND)
    with pytest.raises(ReviewError, match="no record"):
        accept(db, "nope:1-2", "ana")
    with pytest.raises(ReviewError, match="editable fields"):
        edit(db, pid, "colour", "red", "ana")
    with pytest.raises(ReviewError, match="stage must be one of"):
        edit(db, pid, "stage", "finished", "ana")
    with pytest.raises(ReviewError, match="takes an amount"):
        edit(db, pid, "investment_yuan", "七亿多", "ana")
    with pytest.raises(ReviewError, match="two canonical"):
        merge(db, pid, pid, "ana")
    assert db["audit"].count == 0


def test_cli_review_commands(registry):
    runner = CliRunner()
    db_args = ["review", "--db", str(registry)]
    listed = runner.invoke(main, [*db_args, "--limit", "5"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("【") == 5
    pid = project_id(open_registry(registry), WIND)
    result = runner.invoke(main, [*db_args, "edit", pid, "place", "双辽市", "--actor", "cy", "--note", "n"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, [*db_args, "accept", pid], env={"USER": "dee"})
    assert result.exit_code == 0, result.output
    cid = open_registry(registry)["project_links"].get(pid)["canonical_id"]
    other = open_registry(registry)["project_links"].get(project_id(open_registry(registry), STRAW))[
        "canonical_id"
    ]
    result = runner.invoke(main, [*db_args, "merge", cid, other])
    assert result.exit_code == 0 and result.output.strip().startswith("cp_")
    result = runner.invoke(main, [*db_args, "split", pid])
    assert result.exit_code == 0 and result.output.strip().startswith("cp_")
    bad = runner.invoke(main, [*db_args, "reject", "nope"])
    assert bad.exit_code == 1 and "Error: no record 'nope'" in bad.output
    actors = [a["actor"] for a in open_registry(registry).query("select actor from audit order by id")]
    assert actors[:2] == ["cy", "dee"] and len(actors) == 4


def test_a_rejected_record_comes_back_on_unreject_and_an_edit_is_undone(registry):
    db = open_registry(registry)
    straw = project_id(db, STRAW)
    reject(db, straw, "ana")
    assert not exported(db, STRAW)
    runner = CliRunner()
    result = runner.invoke(main, ["review", "unreject", straw, "--db", str(registry), "--actor", "bo"])
    assert result.exit_code == 0, result.output
    db = open_registry(registry)
    assert [p["name"] for p in exported(db, STRAW)] == [STRAW], "read again from its article"
    assert project_id(db, STRAW) == straw
    wind = project_id(db, WIND)
    before = exported(db, WIND)[0]["investment_yuan"]
    edit(db, wind, "investment_yuan", "1", "ana")
    assert exported(db, WIND)[0]["investment_yuan"] == 1
    result = runner.invoke(main, ["review", "undo", "--db", str(registry), "--actor", "ana"])
    assert result.exit_code == 0 and wind in result.output
    db = open_registry(registry)
    assert exported(db, WIND)[0]["investment_yuan"] == before, "the extracted value is back"
    actions = [a["action"] for a in db.query("select action from audit order by id")]
    assert actions == ["reject", "unreject", "edit", "undo"]
    nothing = runner.invoke(main, ["review", "undo", "--db", str(registry), "--actor", "nobody"])
    assert nothing.exit_code == 1 and "no decision to take back" in nothing.output
    again = runner.invoke(main, ["review", "unreject", straw, "--db", str(registry)])
    assert again.exit_code == 1 and "is not rejected" in again.output


@given(st.integers(min_value=0, max_value=10**14))
def test_an_amount_in_yuan_reads_back_whole(yuan):
    assert parse_yuan("investment_yuan", str(yuan)) == yuan
    assert parse_yuan("investment_yuan", f"{yuan:,}") == yuan


@given(st.integers(min_value=1, max_value=10**6), st.sampled_from([("亿", 10**8), ("万", 10**4)]))
def test_an_amount_as_people_type_it_reads_as_yuan(hundredths, unit):
    word, scale = unit
    typed = f"{hundredths / 100:g}{word}"
    assert parse_yuan("investment_yuan", typed) == hundredths * scale // 100
    assert parse_yuan("investment_yuan", typed + "元") == hundredths * scale // 100


def test_an_edit_typed_in_yi_is_stored_in_yuan(registry):
    db = open_registry(registry)
    pid = project_id(db, WIND)
    edit(db, pid, "investment_yuan", "2.45亿", "ana")
    assert exported(db, WIND)[0]["investment_yuan"] == 245_000_000


def test_companies_and_dates_are_edited_as_typed_and_exported(registry):
    db = open_registry(registry)
    pid = project_id(db, WIND)
    edit(db, pid, "companies", "吉林世宝、一汽解放, 吉林世宝", "ana")
    edit(db, pid, "started_on", "2025-02", "ana")
    [project] = exported(db, WIND)
    assert project["companies"] == ["吉林世宝", "一汽解放"]
    assert project["started_on"] == {"text": "2025-02", "start": "2025-02-01", "end": "2025-02-28"}
    with pytest.raises(ReviewError, match="takes a date"):
        edit(db, pid, "signed_on", "二月", "ana")
