"""Issue 4: a lexicon grown from the registry makes a company's short forms known in other articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex
from ahocorasick_rs import AhoCorasick, MatchKind
from hypothesis import given, settings
from hypothesis import strategies as st
from test_linking import SIGNED_2023, content, copy_registry, seed_copy

from extract.batch import ingest
from extract.export import export_records
from extract.registry import open_registry
from extract.registry.lexicon import SOURCE, _brand, apply_lexicon

#: A later report that writes only the short form of a company seed 000 names in full.
LATER = {
    "id": "later",
    "date": "2024-03-01",
    "text": "经开区招商小分队再赴北京首旺，商谈智能制造项目。广东睿氢将在四平建设制氢项目。",
}


def write_jsonl(path: Path, *articles: dict) -> Path:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Path:
    """Seed 000 (full names), then the later short-form report, in two runs."""
    base = tmp_path_factory.mktemp("lexicon")
    db_path = base / "r.db"
    ingest([seed_copy(base / "seed", SIGNED_2023)], db_path, workers=1)
    ingest([write_jsonl(base / "later.jsonl", LATER)], db_path, workers=1)
    return db_path


def test_full_names_teach_their_short_forms(registry):
    db = open_registry(registry)
    learnt = {r["short_form"]: r for r in db["lexicon"].rows}
    assert learnt["北京首旺"]["full_name"] == "北京首旺科技有限公司"
    assert learnt["北京首旺"]["learnt_from"] == SIGNED_2023
    assert learnt["广东睿氢"]["full_name"] == "广东睿氢新能源有限公司"


def test_a_later_article_gets_the_short_forms_with_evidence(registry):
    db = open_registry(registry)
    rows = list(db.query("select * from organisations where article_id = 'later' and source = ?", [SOURCE]))
    assert {(r["name"], r["refers_to"]) for r in rows} == {
        ("北京首旺", "北京首旺科技有限公司"),
        ("广东睿氢", "广东睿氢新能源有限公司"),
    }
    for r in rows:
        assert LATER["text"][r["start"] : r["end"]] == r["name"]
        assert r["name"] in r["sentence"] and r["sentence"] in LATER["text"]


def test_the_export_lists_them_as_written_and_linked_to_the_full_name(registry):
    db = open_registry(registry)
    later = next(r for r in export_records(db) if r["article_id"] == "later")
    names = {c["name"]: c["canonical_id"] for c in later["companies"]}
    assert "北京首旺" in names and "北京首旺科技有限公司" not in names
    full = db.execute("select canonical_id from company_links where name = '北京首旺科技有限公司'").fetchone()
    assert names["北京首旺"] == full[0]


def test_the_seed_gets_no_mention_from_its_own_names(registry):
    db = open_registry(registry)
    assert not list(
        db.query("select * from organisations where article_id = ? and source = ?", [SIGNED_2023, SOURCE])
    )


def test_common_words_and_shared_short_forms_are_not_learnt(registry):
    db = open_registry(registry)
    learnt = {r["short_form"] for r in db["lexicon"].rows}
    assert not learnt & {"山东", "广东", "四平", "中国"}
    assert all(len(s) >= 3 for s in learnt)


def test_the_lexicon_does_not_depend_on_ingest_order(registry, tmp_path):
    db_path = tmp_path / "backward.db"
    ingest([write_jsonl(tmp_path / "later.jsonl", LATER)], db_path, workers=1)
    ingest([seed_copy(tmp_path / "seed", SIGNED_2023)], db_path, workers=1)
    forward, backward = content(registry), content(db_path)
    for table in ("lexicon", "organisations", "company_links", "canonical_companies"):
        assert forward[table] == backward[table], table


def test_learnt_mentions_go_when_the_full_name_goes(registry, tmp_path):
    db_path = tmp_path / "r.db"
    copy_registry(registry, db_path)
    db = open_registry(db_path)
    db.execute("delete from organisations where name = '北京首旺科技有限公司'")
    apply_lexicon(db)
    assert "北京首旺" not in {r["short_form"] for r in db["lexicon"].rows}
    later = {r["name"] for r in db.query("select name from organisations where article_id = 'later'")}
    assert "北京首旺" not in later and "广东睿氢" in later


@pytest.mark.parametrize(
    ("short", "learnt"),
    [
        ("吉林世宝", True),  # 世宝: no word of jieba's dictionary
        ("特斯拉", True),  # a transliterated name
        ("中国五矿", True),  # an abbreviation
        ("ABB", True),
        ("城际铁路", False),  # ← 城际铁路公司 (a description), 城际 a rare common noun
        ("LED照明", False),
        ("中国海洋", False),  # ← 中国海洋石油公司
        ("创业板", False),
    ],
)
def test_only_short_forms_holding_a_brand_are_learnt(short, learnt):
    """Cases from the corpus: the left column was learnt from a full name in some article."""
    assert _brand(short) is learnt


@settings(max_examples=300, deadline=None)
@given(
    words=st.sets(st.text(alphabet="吉林世宝中国铁建𠀀a", min_size=1, max_size=4), min_size=1, max_size=12),
    text=st.text(alphabet="吉林世宝中国铁建𠀀a，", max_size=60),
)
def test_the_automaton_finds_what_the_alternation_of_the_short_forms_finds(words, text):
    """apply_lexicon's Aho-Corasick search: leftmost-longest, in characters (not bytes), like the regex."""
    automaton = AhoCorasick(sorted(words), matchkind=MatchKind.LeftmostLongest)
    alternation = regex.compile("|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True)))
    found = [(start, end) for _, start, end in automaton.find_matches_as_indexes(text)]
    assert found == [m.span() for m in alternation.finditer(text)]


def test_a_known_name_that_begins_a_place_name_is_no_mention(tmp_path):
    """A short form the registry learnt (北京首旺, from seed 000) and a gazetteer name (深圳华强) name
    the company before 投资, not where they begin a street's or a road's name (深圳华强|北, X|路)."""
    later = {
        "id": "later",
        "date": "2024-03-01",
        "text": "深圳华强北商圈客流回升。北京首旺路正在改造。深圳华强投资5亿元建设新厂房，北京首旺也来投资。",
    }
    db_path = tmp_path / "r.db"
    ingest([seed_copy(tmp_path / "seed", SIGNED_2023)], db_path, workers=1)
    ingest([write_jsonl(tmp_path / "later.jsonl", later)], db_path, workers=1)
    db = open_registry(db_path)
    rows = db.query(
        "select name, source from organisations where article_id = 'later' and kind = 'company' "
        "order by start"
    )
    assert [(r["name"], r["source"]) for r in rows] == [("深圳华强", "gazetteer"), ("北京首旺", SOURCE)]
