"""Word classes: words used alike share a class, and a broken file is said clearly."""

import pytest

from extract.learn import clusters
from extract.rules import RulesError


def test_words_used_alike_share_a_class_and_others_do_not():
    classes = clusters.word_classes()
    assert classes["铁路"][0] == classes["公路"][0]
    assert classes["开工"][1] == classes["投产"][1]
    assert classes["铁路"][0] != classes["开工"][0]


def test_class_features_name_both_classes_and_skip_unknown_words():
    out: dict[str, float] = {}
    clusters.class_features("prev", "铁路", out)
    coarse, fine = clusters.word_classes()["铁路"]
    assert out == {f"prev~{coarse}": 1.0, f"prev~~{fine}": 1.0}
    clusters.class_features("prev", "没有这个词的词", out)
    assert len(out) == 2


def test_a_broken_classes_file_is_named_with_its_line(tmp_path, monkeypatch):
    (tmp_path / "clusters").mkdir()
    (tmp_path / "clusters" / "words.tsv").write_text("word\tc128\tc1024\n铁路\t3\n", encoding="utf-8")
    monkeypatch.setattr(clusters, "rules_dir", lambda: tmp_path)
    clusters.word_classes.cache_clear()
    try:
        with pytest.raises(RulesError, match=r"words.tsv:2: expected a word and two class numbers"):
            clusters.word_classes()
        (tmp_path / "clusters" / "words.tsv").unlink()
        clusters.word_classes.cache_clear()
        with pytest.raises(RulesError, match=r"missing\. Hint: tools/build_clusters\.py"):
            clusters.word_classes()
    finally:
        clusters.word_classes.cache_clear()
