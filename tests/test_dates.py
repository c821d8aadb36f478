"""Dates: golden cases from the seeds and written here, the dev gold, properties, speed."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections import Counter

import pytest
from conftest import CORPUS, corpus_articles, gold_articles
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.dates import date_rules, find_dates

D = dt.date.fromisoformat

# (text, publication date, expected [(text, start, end)], why). Seed sentences
# come from corpus/000_* (published 2023-09-15) and corpus/003_* (2025-08-15).
GOLDEN: list[tuple[str, str | None, list[tuple[str, str | None, str]], str]] = [
    # --- from the seeds
    ("1月至8月，全市纳入省调度系统", "2023-09-15", [("1月至8月", "2023-01-01", "2023-08-31")], "month range"),
    ("截至8月末，共签约26个项目", "2023-09-15", [("截至8月末", None, "2023-08-31")], "截至: no start"),
    (
        "8月26日至28日，第五届中国粮食交易大会",
        "2023-09-15",
        [("8月26日至28日", "2023-08-26", "2023-08-28")],
        "",
    ),
    ("3月5日至12日，南下广东", "2023-09-15", [("3月5日至12日", "2023-03-05", "2023-03-12")], ""),
    ("今年年初，国家发改委批复", "2023-09-15", [("今年年初", "2023-01-01", "2023-01-31")], "年初: month 1"),
    (
        "3月初，经开区招商小分队抵达北京",
        "2023-09-15",
        [("3月初", "2023-03-01", "2023-03-31")],
        "月初: the month",
    ),
    ("截至目前，全市累计开工复工", "2025-08-15", [], "截至目前 names no calendar time"),
    ("较2024年全年增长103%", "2025-08-15", [("2024年全年", "2024-01-01", "2024-12-31")], ""),
    ("预计2026年实现批量生产", "2025-08-15", [("2026年", "2026-01-01", "2026-12-31")], "expected time"),
    ("天茂水泥1号水泥磨节能减排", "2025-08-15", [], "1号 naming a machine"),
    ("制定《2023年度全市招商引资考核评价办法》", "2023-09-15", [], "a document title"),
    ("制定《近三年招商项目“大起底”行动方案》，对三年来的招商项目", "2023-09-15", [], "durations"),
    ("将招商引资作为“一号工程”", "2025-08-15", [], ""),
    # --- written here
    ("2015年6月18日，项目正式签约", None, [("2015年6月18日", "2015-06-18", "2015-06-18")], ""),
    ("报告回顾了2007-2009年的销售情况", "2011-05-24", [("2007-2009年", "2007-01-01", "2009-12-31")], ""),
    (
        "这份规划覆盖2011～2020年",
        "2011-02-23",
        [("2011～2020年", "2011-01-01", "2020-12-31")],
        "full-width ～",
    ),
    ("2020年至2025年，全省", "2020-03-01", [("2020年至2025年", "2020-01-01", "2025-12-31")], ""),
    (
        "二〇一一年五月二十日",
        None,
        [("二〇一一年五月二十日", "2011-05-20", "2011-05-20")],
        "Chinese numerals",
    ),
    ("发布日期2011-05-20", None, [("2011-05-20", "2011-05-20", "2011-05-20")], "ISO"),
    ("2011年5月，公司成立", None, [("2011年5月", "2011-05-01", "2011-05-31")], ""),
    ("今年上半年，项目启动", "2018-06-18", [("今年上半年", "2018-01-01", "2018-06-30")], ""),
    ("去年上半年，园区新增企业12家", "2011-02-23", [("去年上半年", "2010-01-01", "2010-06-30")], ""),
    ("2009年下半年，工厂扩建", None, [("2009年下半年", "2009-07-01", "2009-12-31")], ""),
    ("一季度，全县完成投资", "2024-04-10", [("一季度", "2024-01-01", "2024-03-31")], ""),
    ("2011年前三季度，企业亏损收窄", None, [("2011年前三季度", "2011-01-01", "2011-09-30")], "not 年前"),
    ("今年前8个月，全市外贸增长", "2023-09-19", [("今年前8个月", "2023-01-01", "2023-08-31")], ""),
    ("1—8月，全县工业投资", "2023-09-19", [("1—8月", "2023-01-01", "2023-08-31")], ""),
    ("2014年一至十月，全省出口", None, [("2014年一至十月", "2014-01-01", "2014-10-31")], ""),
    ("展会将于5月13-16日举办", "2017-05-01", [("5月13-16日", "2017-05-13", "2017-05-16")], ""),
    ("27日发布的统计显示", "2011-02-23", [("27日", "2011-01-27", "2011-01-27")], "after the publication day"),
    ("比赛当地时间21日开幕", "2017-04-23", [("21日", "2017-04-21", "2017-04-21")], ""),
    ("该报1号再次发文称", "2013-08-03", [("1号", "2013-08-01", "2013-08-01")], "号 as a day"),
    ("8月2号，公司宣布停产", "2013-08-03", [("8月2号", "2013-08-02", "2013-08-02")], ""),
    ("地铁8号线二期和2号楼", "2020-01-01", [], "号 in names"),
    (
        "活动于11月5日和12日分两场举行",
        "2011-12-20",
        [("11月5日", "2011-11-05", "2011-11-05"), ("12日", "2011-11-12", "2011-11-12")],
        "the sentence's month",
    ),
    (
        "三年前的小村，比去年同期增长，去年冬季以来，2012年夏天",
        "2018-06-18",
        [],
        "years ago, a comparison, seasons: the gold keeps them optional",
    ),
    (
        "争取在今年年底前完成，到去年底",
        "2018-06-18",
        [("今年年底", "2018-12-01", "2018-12-31"), ("到去年底", None, "2017-12-31")],
        "this year's end is vague",
    ),
    ("去年底，园区升级", "2011-04-19", [("去年底", "2010-12-01", "2010-12-31")], "年底: month 12"),
    ("截至2009年12月31日，累计装机", None, [("截至2009年12月31日", None, "2009-12-31")], ""),
    ("截至今年3月，基金累计投入", "2023-06-13", [("截至今年3月", None, "2023-03-31")], ""),
    ("从2004年末到2008年末，产能翻番", None, [("2004年末到2008年末", "2004-12-01", "2008-12-31")], ""),
    (
        "2008年亏损，次年2月，董事会改组",
        None,
        [("2008年", "2008-01-01", "2008-12-31"), ("次年2月", "2009-02-01", "2009-02-28")],
        "",
    ),
    ("今天(4月9日)，省里召开会议", "2019-04-09", [("今天(4月9日)", "2019-04-09", "2019-04-09")], "one date"),
    (
        "昨天，项目集中开工",
        "2020-03-01",
        [("昨天", "2020-02-29", "2020-02-29")],
        "a day back, over a leap day",
    ),
    (
        "今日签约，明天开工",
        "2019-12-31",
        [("今日", "2019-12-31", "2019-12-31"), ("明天", "2020-01-01", "2020-01-01")],
        "",
    ),
    ("昨天签约的项目", None, [], "no publication date: no day to count from"),
    ("本月17~19日，博览会在此举办", "2011-06-10", [("本月17~19日", "2011-06-17", "2011-06-19")], ""),
    ("增速比上月提高1个百分点", "2019-12-15", [("上月", "2019-11-01", "2019-11-30")], ""),
    ("生产计划排到了6月份", "2024-03-19", [("6月份", "2024-06-01", "2024-06-30")], ""),
    ("明年产能翻番", "2011-08-17", [("明年", "2012-01-01", "2012-12-31")], ""),
    ("公司自2015年成立以来", "2017-03-25", [("2015年", "2015-01-01", "2015-12-31")], "X年以来: the year X"),
    (
        "2010年，全县产值翻番；今年，新建三条产线",
        None,
        [("2010年", "2010-01-01", "2010-12-31"), ("今年", "2010-01-01", "2010-12-31")],
        "no publication date",
    ),
    ("建设周期3年，工期5个月，30天内，两年多，100年，20年", "2020-01-01", [], "durations and counts"),
    ("“十四五”期间，“十二五”规划", "2020-01-01", [], "plan names"),
    ("审批材料2日内办结", "2020-01-01", [], "a count of days"),
    ("每年3月底，果园开花", "2020-05-01", [], "recurring"),
    ("需提前3个月公示", "2014-05-01", [], "not the first 3 months"),
    ("论坛2017年年会召开，2017年度国际泳联跳水系列赛", "2017-03-25", [], "part of a name"),
    ("2010年度家电产品销售额", "2011-06-01", [("2010年", "2010-01-01", "2010-12-31")], "a fiscal year"),
    (
        "联想从08年正式发展电子商务",
        "2011-06-01",
        [("08年", "2008-01-01", "2008-12-31")],
        "a year of two digits",
    ),
    (
        "到2010年底，产能已达；争取在2015年底前完成。于5月15日前上报",
        "2011-06-01",
        [
            ("到2010年底", None, "2010-12-31"),
            ("2015年底前", None, "2015-12-31"),
            ("5月15日前", None, "2011-05-15"),
        ],
        "deadlines: no start",
    ),
    (
        "到2020年，全面建成",
        "2017-06-01",
        [("2020年", "2020-01-01", "2020-12-31")],
        "not a deadline",
    ),
    (
        "1984年至今，仅在宁波一地",
        "2011-03-29",
        [("1984年至今", "1984-01-01", "2011-03-29")],
        "up to publication",
    ),
    (
        "5、6月份迎峰度夏，今年前两月",
        "2011-06-01",
        [("5、6月份", "2011-05-01", "2011-06-30"), ("今年前两月", "2011-01-01", "2011-02-28")],
        "a list of two months; 前两月",
    ),
    (
        "就在上周五，本周二，上世纪80年代，上世纪五六十年代",
        "2011-07-12",
        [
            ("上周五", "2011-07-08", "2011-07-08"),
            ("本周二", "2011-07-12", "2011-07-12"),
            ("上世纪80年代", "1980-01-01", "1989-12-31"),
            ("上世纪五六十年代", "1950-01-01", "1969-12-31"),
        ],
        "weekdays of a week, decades",
    ),
    (
        "力拓上个月表示，这个月",
        "2011-05-10",
        [("上个月", "2011-04-01", "2011-04-30"), ("这个月", "2011-05-01", "2011-05-31")],
        "",
    ),
    (
        "截至今天中午，今天的《走基层》",
        "2020-11-30",
        [("截至今天", None, "2020-11-30"), ("今天", "2020-11-30", "2020-11-30")],
        "a programme's day",
    ),
    ("今天的城市面貌焕然一新，时至今日", "2020-01-01", [], "figurative"),
    ("近2000年的古城，1700年来", "2020-01-01", [], "counts of years"),
    ("他今年55岁，目前年产200吨", "2020-01-01", [], "an age; 目前 + 年产"),
    ("当年，他还是学生；不同年级的学生", "2020-01-01", [], "当年 alone is often 'back then'"),
    (
        "上半年，今年以来，2000年以来",
        "2012-08-12",
        [
            ("上半年", "2012-01-01", "2012-06-30"),
            ("今年", "2012-01-01", "2012-12-31"),
            ("2000年", "2000-01-01", "2000-12-31"),
        ],
        "X以来: from the year X",
    ),
]


@pytest.mark.parametrize(("text", "published", "expected", "why"), GOLDEN, ids=[g[0][:12] for g in GOLDEN])
def test_golden(text: str, published: str | None, expected: list, why: str) -> None:
    got = [
        (d.text, d.start_date and d.start_date.isoformat(), d.end_date and d.end_date.isoformat())
        for d in find_dates(text, published and D(published))
    ]
    assert got == expected, why


def _seed_dates() -> dict[str, str]:
    lines = (CORPUS / "seeds.meta.jsonl").read_text(encoding="utf-8").splitlines()
    return {m["id"]: m["date"] for m in map(json.loads, filter(None, lines))}


SEED_EXPECTED = {
    "000_8737681036cd964a": [
        ("今年", "2023-01-01", "2023-12-31"),  # 今年以来
        ("1月至8月", "2023-01-01", "2023-08-31"),
        ("截至8月末", None, "2023-08-31"),
        ("3月8日", "2023-03-08", "2023-03-08"),
        ("5月24日", "2023-05-24", "2023-05-24"),
        ("8月23日", "2023-08-23", "2023-08-23"),
        ("截至8月末", None, "2023-08-31"),
        ("8月26日至28日", "2023-08-26", "2023-08-28"),
        ("8月8日", "2023-08-08", "2023-08-08"),
        ("今年年初", "2023-01-01", "2023-01-31"),
        ("3月初", "2023-03-01", "2023-03-31"),
        ("3月5日至12日", "2023-03-05", "2023-03-12"),
    ],
    "003_a2ea863acaabccfd": [
        ("1月至6月", "2025-01-01", "2025-06-30"),
        ("1月至7月", "2025-01-01", "2025-07-31"),
        ("2024年全年", "2024-01-01", "2024-12-31"),
        ("2020年", "2020-01-01", "2020-12-31"),
        ("2026年", "2026-01-01", "2026-12-31"),
    ],
}


@pytest.mark.parametrize("article_id", sorted(SEED_EXPECTED))
def test_seed_articles(seed_texts: dict[str, str], article_id: str) -> None:
    text = seed_texts[article_id]
    found = find_dates(text, D(_seed_dates()[article_id]))
    got = [(d.text, d.start_date and d.start_date.isoformat(), d.end_date.isoformat()) for d in found]
    assert got == SEED_EXPECTED[article_id]
    assert all(text[d.start : d.end] == d.text for d in found)


def _date_key(start: dt.date | str | None, end: dt.date | str | None) -> tuple[str | None, str | None]:
    return (start and str(start), end and str(end))


@pytest.mark.shared
def test_dev_gold_f1() -> None:
    """Dates scored on the dev gold as shared/tools/score.py scores them (optional items neutral)."""
    articles = corpus_articles()
    tp = fp = fn = 0
    for gold in gold_articles():
        if "dates" not in gold:
            continue
        article = articles[gold["article_id"]]
        published = D(article["date"]) if article.get("date") else None
        got = Counter(_date_key(d.start_date, d.end_date) for d in find_dates(article["text"], published))
        required = Counter(_date_key(d["start"], d["end"]) for d in gold["dates"] if not d.get("optional"))
        optional = Counter(_date_key(d["start"], d["end"]) for d in gold["dates"] if d.get("optional"))
        hits = sum((required & got).values())
        tp += hits
        fn += sum(required.values()) - hits
        fp += sum(((got - required) - optional).values())
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.90, f"date F1 {f1:.3f} (P {precision:.3f} R {recall:.3f}, tp/fp/fn {tp}/{fp}/{fn})"


# --- properties

valid_days = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2199, 12, 31))


@given(valid_days)
def test_full_date_is_that_day(day: dt.date) -> None:
    text = f"{day.year}年{day.month}月{day.day}日"
    [found] = find_dates(text, None)
    assert (found.start_date, found.end_date) == (day, day)
    assert (found.start, found.end) == (0, len(text))


@given(st.integers(1, 12), st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_month_is_in_publication_year(month: int, published: dt.date) -> None:
    [found] = find_dates(f"{month}月", published)
    last = calendar.monthrange(published.year, month)[1]
    assert (found.start_date, found.end_date) == (
        dt.date(published.year, month, 1),
        dt.date(published.year, month, last),
    )


DATE_CHARS = (
    "0123456789年月日号至到-~—～今去明前本上下半季度初底末截止个第"
    + "一二三四五六七八九十两〇元昨天(（)）《》,，。、每当次以来"
)
text_with_dates = st.text(alphabet=st.sampled_from(DATE_CHARS) | st.characters(), max_size=60)


@settings(max_examples=300)
@given(text_with_dates, st.none() | st.dates())
def test_spans_index_text_and_ranges_are_ordered(text: str, published: dt.date | None) -> None:
    for d in find_dates(text, published):
        assert text[d.start : d.end] == d.text
        assert d.end_date is not None
        assert d.start_date is None or d.start_date <= d.end_date


def test_rules_load() -> None:
    rules = date_rules()
    assert rules.relative_years["去年"] == -1
    assert any(p.pattern == "上半年" and p.months == (1, 6) for p in rules.year_parts)
