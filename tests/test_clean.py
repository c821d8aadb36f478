"""Layout repair (extract/clean.py): seeds, written cases, properties, and the whole corpus."""

from __future__ import annotations

import re
import unicodedata

import pytest
import yaml
from conftest import ROOT, corpus_articles
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from extract.clean import _COMMON_BLOCKS, CleanRules, CleanText, _plain, clean, fold_char

SEED_000 = "000_8737681036cd964a"
SEED_003 = "003_a2ea863acaabccfd"


def assert_maps_back(original: str, cleaned: CleanText) -> None:
    """Every cleaned character comes from an original character that folds to it (as written: the text
    read in simplified characters has the same length)."""
    text, offsets = cleaned.shown or cleaned.text, cleaned.offsets
    assert len(cleaned.text) == len(text)
    assert len(offsets) == len(text) + 1
    assert offsets[-1] == len(original)
    assert all(0 <= o < len(original) for o in offsets[:-1])
    sources = "".join(map(original.__getitem__, offsets[:-1]))
    for i, (ch, source) in enumerate(zip(text, sources, strict=True)):
        if ch != source:
            assert ch in fold_char(source) or ch in unicodedata.normalize("NFKC", source), (i, ch, source)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


# ------------------------------------------------------------------ seeds ----


def test_seed_company_split_by_a_column_break_is_whole(seed_texts: dict[str, str]) -> None:
    original = seed_texts[SEED_000]
    assert "长信新型显示器件有限公司" not in original
    assert "长信新型显示器件有限公司等，围绕产业集群建设" in clean(original).text


def test_seed_amount_split_by_a_column_break_is_whole(seed_texts: dict[str, str]) -> None:
    original = seed_texts[SEED_003]
    cleaned = clean(original)
    start = cleaned.text.index("37.6亿元")
    a, b = cleaned.to_original(start, start + len("37.6亿元"))
    assert re.fullmatch(r"37\.6\s+亿元", original[a:b])


def test_seed_words_split_around_a_photo_block_are_rejoined(seed_texts: dict[str, str]) -> None:
    text = clean(seed_texts[SEED_003]).text
    assert "推动招商线索向落地项目转化。1月至6月，全市新签约" in text
    assert "全年谋划10场重大招商活动" in text
    assert "坐不住、等不起、慢不得”的紧迫感" in clean(seed_texts[SEED_000]).text


def test_seed_paragraph_cut_before_captions_continues_after_them(seed_texts: dict[str, str]) -> None:
    text = clean(seed_texts[SEED_000]).text
    assert "对全市重点推动的项目进行可行性、盈利性等方面研判、论证，为项目审批落地做好前期准备。" in text
    # The headline and captions that stood between the halves are still there, on their own.
    for line in ("按下高质量发展“加速键”", "四平市招商引资工作记事", "发展中的四平。"):
        assert line in paragraphs(text)


def test_seed_credits_and_bylines_go_captions_stay(seed_texts: dict[str, str]) -> None:
    text_000 = clean(seed_texts[SEED_000]).text
    text_003 = clean(seed_texts[SEED_003]).text
    for credit in ("蔡威", "李刚", "航拍", "资料图片", "张舰", " 摄"):
        assert credit not in text_000
    for credit in ("本报记者", "高鸿", "王纪佳", "梁永军", "▲", "▶", "▼"):
        assert credit not in text_003
    assert "8月23日，第十四届中国—东北亚博览会四平市—企业家座谈交流会在长春举行。" in paragraphs(text_000)
    assert "四平经济开发区的工作人员，赴山东迈拓啤酒设备有限公司，开展招商洽谈活动。" in paragraphs(text_000)
    assert "吉林世宝转向管柱自动装配生产线。" in paragraphs(text_003)


@pytest.mark.parametrize("seed", [SEED_000, SEED_003])
def test_seed_paragraphs_ending_a_sentence_stay_apart(seed_texts: dict[str, str], seed: str) -> None:
    cleaned = paragraphs(clean(seed_texts[seed]).text)
    ends = [p for p in paragraphs(seed_texts[seed]) if p.endswith(("。", "。”", "！”", "？”"))]
    assert len(ends) > 15
    for paragraph in ends:
        assert any(p.endswith(paragraph[-12:]) for p in cleaned), paragraph


@pytest.mark.parametrize("seed", [SEED_000, SEED_003])
def test_seed_maps_back_and_is_stable(seed_texts: dict[str, str], seed: str) -> None:
    original = seed_texts[seed]
    cleaned = clean(original)
    assert_maps_back(original, cleaned)
    assert clean(cleaned.text).text == cleaned.text
    assert len(cleaned.text) > 0.95 * len(re.sub(r"\s", "", original))


# --------------------------------------------------------- written cases ----


def test_full_width_forms_fold_chinese_punctuation_stays() -> None:
    original = "总投资１２０亿元，占比３４．５％（同比）：增长"
    cleaned = clean(original)
    assert cleaned.text == "总投资120亿元，占比34.5%(同比)：增长"
    assert_maps_back(original, cleaned)


def test_expansions_map_every_character_to_their_source() -> None:
    original = "厂房5万㎡，Ⅱ期"
    cleaned = clean(original)
    assert cleaned.text == "厂房5万m2，II期"
    m2 = cleaned.text.index("m2")
    assert cleaned.offsets[m2] == cleaned.offsets[m2 + 1] == original.index("㎡")
    assert cleaned.to_original(m2 + 1, m2 + 2) == (original.index("㎡"), original.index("㎡") + 1)


def test_full_width_thousands_separator_folds_list_commas_do_not() -> None:
    assert clean("营业利润2，645万元，同比增长").text == "营业利润2,645万元，同比增长"
    assert clean("分别为1，2，3家").text == "分别为1，2，3家"


def test_circled_list_numbers_are_not_folded_into_digits() -> None:
    assert clean("①3个项目开工").text == "①3个项目开工"


def test_layout_spaces_go_phrase_spaces_stay() -> None:
    assert clean("计划投资30 亿元，建设农村公路项目745 个").text == "计划投资30亿元，建设农村公路项目745个"
    assert clean("液 晶 面 板 ， 金 额 达 8 .5 亿 元").text == "液晶面板，金额达8.5亿元"
    assert clean("\u3000\u3000摸清底数 夯实基础\xa0\xa0强化考核  ").text == "摸清底数 夯实基础 强化考核"


def test_dateline_keeps_its_date_loses_the_reporter() -> None:
    original = "新华社北京4月21日电\u3000\u3000（记者于晓泉）国务委员21日在京会见外宾。"
    assert clean(original).text == "新华社北京4月21日电国务委员21日在京会见外宾。"


def test_bylines_and_credit_lines_are_dropped() -> None:
    original = "\n".join(
        [
            "本报记者  李  舸",
            "项目建成后年产值3亿元。",
            "厂区一角。张三 摄",
            "新华社记者  王  磊摄",
            "（责任编辑：李四）",
            "刘一  陈  二",
        ]
    )
    assert clean(original).text == "项目建成后年产值3亿元。\n厂区一角。"


def test_web_paragraphs_without_a_final_stop_are_not_glued() -> None:
    # One paragraph a line and no blank lines: a missing full stop is sloppiness, not a cut.
    original = "全年完成投资20亿元，轻轨完成投资8亿元\n相关资料显示，今年在建工程共有37个。"
    assert paragraphs(clean(original).text) == paragraphs(original)


def test_headline_lines_are_not_glued_to_the_text() -> None:
    original = "科学统筹为先导——\n重点项目量多质高\n\n四平市以科学统筹为先导，推动重点项目建设提速增效。"
    assert paragraphs(clean(original).text) == paragraphs(original)


def test_hard_wrapped_text_is_unwrapped(seed_texts: dict[str, str]) -> None:
    """A PDF dump wraps every line at the column width and indents paragraph starts."""
    body = [p for p in paragraphs(seed_texts[SEED_003]) if len(p) > 80][:4]
    wrapped = "\n".join(
        "\n".join(("\u3000\u3000" + p)[i : i + 22] for i in range(0, len(p) + 2, 22)) for p in body
    )
    cleaned = clean(wrapped)
    assert paragraphs(cleaned.text) == body
    assert_maps_back(wrapped, cleaned)


def test_windows_line_breaks_and_zero_width_characters() -> None:
    original = "第一段\u200b。\r\n\r\n第二段\ufeff。"
    cleaned = clean(original)
    assert cleaned.text == "第一段。\n第二段。"
    assert_maps_back(original, cleaned)


def test_to_original_rejects_spans_outside_the_text() -> None:
    cleaned = clean("项目开工。")
    assert cleaned.to_original(0, 0) == (0, 0)
    assert cleaned.to_original(5, 5) == (5, 5)
    with pytest.raises(IndexError):
        cleaned.to_original(3, 6)
    with pytest.raises(IndexError):
        cleaned.to_original(3, 2)


def test_a_bad_rule_is_reported_by_name() -> None:
    rules = yaml.safe_load((ROOT / "rules" / "clean.yml").read_text(encoding="utf-8"))
    rules["deletions"][0]["pattern"] = "(${han}"
    rules["deletions"][1]["pattern"] = "${no_such_fragment}"
    with pytest.raises(ValidationError) as error:
        CleanRules.model_validate(rules)
    assert rules["deletions"][0]["name"] in str(error.value)
    assert "no_such_fragment" in str(error.value)


# ------------------------------------------------------------ properties ----

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
LAYOUT = [" ", "  ", "\u3000", "\xa0", "\t", "\n", "\n\n", "\n\n\n\n", "\r\n", "\u200b"]
WORDS = ["亿元", "万吨", "有限公", "司", "项", "目", "㎡", "Ⅱ", "ｍ", "——", "（下转第二版）", "[5.30 -2.70%]"]
CREDITS = ["张三 摄", "李刚 航拍(资料图片)", "本报记者 高鸿 王纪佳", "（记者王五）", "新华社记者 赵六 摄"]
PIECES = st.one_of(
    st.text(HAN, min_size=1, max_size=12),
    st.text(st.sampled_from("0123456789０１２３４５６７８９.．%％"), min_size=1, max_size=5),
    st.sampled_from([*"，。、：“”（）《》…！？①▲▼●", *LAYOUT, *WORDS, *CREDITS]),
)
PRESS_TEXT = st.lists(PIECES, max_size=40).map("".join)


def check_properties(original: str, data: st.DataObject) -> None:
    cleaned = clean(original)
    assert_maps_back(original, cleaned)
    start = data.draw(st.integers(0, len(cleaned.text)))
    end = data.draw(st.integers(start, len(cleaned.text)))
    a, b = cleaned.to_original(start, end)
    assert 0 <= a <= b <= len(original)
    if start < end:
        assert b > a
    again = clean(cleaned.text)
    assert again.text == cleaned.text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(original=st.text(), data=st.data())
def test_properties_on_any_text(original: str, data: st.DataObject) -> None:
    check_properties(original, data)


def test_a_compatibility_ideograph_folded_beyond_the_basic_plane_cleans_alike_twice() -> None:
    """NFKC folds U+2F803 to U+20122 (extension B): the letter-spacing rule must take it for Han in
    both passes, or a second cleaning drops a space the first one kept (found by hypothesis)."""
    once = clean("\U0002f803一 一一").text
    assert once == "\U00020122一 一一"
    assert clean(once).text == once


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(original=PRESS_TEXT, data=st.data())
def test_properties_on_press_like_text(original: str, data: st.DataObject) -> None:
    check_properties(original, data)


# ---------------------------------------------------------------- corpus ----


@pytest.mark.shared
def test_whole_corpus_cleans_without_losing_content() -> None:
    articles = corpus_articles()
    short = []
    for article_id, article in articles.items():
        original = article["text"]
        cleaned = clean(original)
        assert_maps_back(original, cleaned)
        if len(cleaned.text) < 0.9 * len(re.sub(r"\s", "", original)):
            short.append(article_id)
    assert len(articles) > 2000
    assert len(short) <= 0.01 * len(articles), short[:20]


def test_the_quick_test_of_unchanged_characters_agrees_with_the_fold():
    """Where the quick test says a common character stays as it is, the fold leaves it so."""
    chars = [chr(cp) for a, b in _COMMON_BLOCKS for cp in range(a, b + 1)]
    assert all(fold_char(ch) == ch for ch in chars if _plain(ch))
    assert sum(map(_plain, chars)) > 27_000
    assert not _plain("\u3000") and fold_char("\u3000") == " "


def test_rows_of_a_list_are_never_joined_and_lose_their_numbers() -> None:
    original = "\n".join(
        ["2025年全省重点建设项目名单", "序号  项目名称  总投资  建设单位"]
        + [
            f"{i}  长春新区{i}号风电项目  总投资{i + 5}亿元  建设单位：长春城建投资有限公司"
            for i in range(1, 5)
        ]
    )
    cleaned = clean(original)
    lines = cleaned.text.split("\n")
    assert lines[2:] == [
        f"长春新区{i}号风电项目 总投资{i + 5}亿元 建设单位：长春城建投资有限公司" for i in range(1, 5)
    ]
    assert_maps_back(original, cleaned)


def test_years_opening_lines_are_no_row_numbers() -> None:
    original = "2009 年投资3亿元建成一期\n2010 年投资5亿元建成二期\n2011 年投资8亿元建成三期\n"
    assert clean(original).text.split("\n")[:3] == [
        "2009年投资3亿元建成一期",
        "2010年投资5亿元建成二期",
        "2011年投资8亿元建成三期",
    ]
