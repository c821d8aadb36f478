"""The extractors' one segmenter: jieba's words plus the words of rules/lexicon.yml and those it names."""

from __future__ import annotations

import shutil

import pytest
import yaml

from extract import rules, words
from extract.dictionary import tokenizer
from extract.projects import grammar
from extract.rules import RulesError


def test_lexicon_words_and_the_project_grammars_words_are_kept_whole():
    text = "计划总投资7.52亿元的风电项目，项目总指挥王强，位于综合保税区"
    cut = words.extraction_words().cut(text)
    assert {"计划总投资", "项目总指挥", "综合保税区"} <= set(cut)
    # jieba alone cuts them: the words come from the rules.
    assert not {"计划总投资", "项目总指挥", "综合保税区"} & set(tokenizer().cut(text))


def test_kept_words_are_each_once_and_borrowed_ones_never_one_character():
    kept = words.kept_words()
    assert len(kept) == len(set(kept))
    g = grammar().rules
    borrowed = {*g.heads.strong, *g.heads.weak, *g.boundaries, *g.contact_titles, *g.zones}
    assert {w for w in borrowed if len(w) > 1} <= set(kept)
    assert not {w for w in borrowed if len(w) == 1} & set(kept)


@pytest.fixture
def rules_copy(tmp_path, monkeypatch):
    """A copy of rules/ to break, read instead of the real one; the caches forget it afterwards."""
    copy = shutil.copytree(rules.rules_dir(), tmp_path / "rules")
    monkeypatch.setenv("PROJREG_RULES", str(copy))
    rules.raw_rules.cache_clear()
    words.kept_words.cache_clear()
    yield copy
    rules.raw_rules.cache_clear()
    words.kept_words.cache_clear()


def test_a_lexicon_naming_no_list_of_words_stops_start_up(rules_copy):
    lexicon = yaml.safe_load((rules_copy / "lexicon.yml").read_text(encoding="utf-8"))
    lexicon["from_rules"] = {"projects": ["heads.strong", "heads.nowhere"]}
    (rules_copy / "lexicon.yml").write_text(yaml.safe_dump(lexicon, allow_unicode=True), encoding="utf-8")
    with pytest.raises(
        RulesError, match=r"lexicon\.yml: from_rules: projects\.yml has no list of words at heads\.nowhere"
    ):
        words.kept_words()
