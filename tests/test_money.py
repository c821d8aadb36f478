"""Money: golden cases from the seeds and hand-written sentences, dev-gold figures, properties.

Print the dev-gold figures (counted as ../shared/tools/score.py counts them) and every miss
(throughput is measured in benchmarks/extractors.py):
    .venv/bin/python tests/test_money.py [--errors]
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter

import pytest
import yaml
from conftest import corpus_articles, gold_articles
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from extract.money import MoneyRules, find_money
from extract.rules import rules_dir

# A column break inside an amount (37.6\n\n亿元), joined the naive way the cleaner does.
_SPLIT_AMOUNT = re.compile(r"(?<=[\d.])\n+(?=[万亿千百]?元)")


def clean_for_money(text: str) -> str:
    """Stand-in for the cleaner, so these figures do not move with it: NFKC, blank lines
    collapsed, amounts split by a column break joined."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\n\s*\n+", "\n", text)
    return _SPLIT_AMOUNT.sub("", text)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def dev_scores(show_errors: bool = False) -> dict[str, tuple[float, float, float]]:
    """money and money_role P/R/F1 over the dev gold: multisets of yuan and of (yuan, role)."""
    texts = corpus_articles()
    keys = {"money": lambda m: m["yuan"], "money_role": lambda m: (m["yuan"], m["role"])}
    tally = {slot: Counter() for slot in keys}
    for gold in gold_articles():
        found = [m.model_dump() for m in find_money(clean_for_money(texts[gold["article_id"]]["text"]))]
        for slot, key in keys.items():
            want = Counter(key(m) for m in gold.get("money", []) if m.get("yuan") is not None)
            got = Counter(key(m) for m in found if m["yuan"] is not None)
            tp = sum((want & got).values())
            tally[slot].update(tp=tp, fp=sum(got.values()) - tp, fn=sum(want.values()) - tp)
            if show_errors and want != got:
                print(gold["article_id"], slot, "missed", dict(want - got), "spurious", dict(got - want))
    return {slot: _prf(c["tp"], c["fp"], c["fn"]) for slot, c in tally.items()}


def case(sentence: str, *amounts: tuple) -> tuple[str, list[tuple]]:
    """A golden case: each amount as (text, yuan, yuan_max, role, qualifier, currency)."""
    return sentence, list(amounts)


CNY, Y = "CNY", 100_000_000  # Y: one 亿

GOLDEN = [
    # seed 003
    case(
        "截至目前，全市累计开工复工5000万元以上项目196个(新开工80个、续建116个)，计划总投资750.4亿元。",
        ("5000万元", 50_000_000, None, "threshold", "over", CNY),
        ("750.4亿元", 75_040_000_000, None, "planned_investment", None, CNY),
    ),
    case(
        "从投资规模看，亿元以上项目115个，计划总投资700.3亿元；10亿元以上项目19个，计划总投资407.9亿元。",
        ("亿元", Y, None, "threshold", "over", CNY),
        ("700.3亿元", 70_030_000_000, None, "planned_investment", None, CNY),
        ("10亿元", 10 * Y, None, "threshold", "over", CNY),
        ("407.9亿元", 40_790_000_000, None, "planned_investment", None, CNY),
    ),
    case(
        "计划总投资50.9亿元的吉电股份风光制绿氢生物质耦合绿色甲醇、计划总投资20.3亿元的秸秆综合利用产业园",
        ("50.9亿元", 5_090_000_000, None, "planned_investment", None, CNY),
        ("20.3亿元", 2_030_000_000, None, "planned_investment", None, CNY),
    ),
    case(
        "双辽市绿电产业示范园区15万千瓦风电项目，总投资7.52亿元，新建单机容量7.5兆瓦风电机组20台。"
        "项目建成后，预计年可实现产值1.48亿元、利税0.18亿元。",
        ("7.52亿元", 752_000_000, None, "total_investment", None, CNY),
        ("1.48亿元", 148_000_000, None, "output_value", None, CNY),
        ("0.18亿元", 18_000_000, None, "tax", None, CNY),
    ),
    case(
        "该项目建成后，预计年可实现产值500万元、利税70万元。",
        ("500万元", 5_000_000, None, "output_value", None, CNY),
        ("70万元", 700_000, None, "tax", None, CNY),
    ),
    case(
        "1月至7月，全市争取到超长期特别国债、中央预算、专项债券资金37.6亿元，较2024年全年增长103%",
        ("37.6亿元", 3_760_000_000, None, "funds", None, CNY),
    ),
    # seed 000
    case(
        "1月至8月，全市纳入省调度系统省外1000万元以上有资金到位的项目329个，到位资金211.60亿元，同比增长34.50%。",
        ("1000万元", 10_000_000, None, "threshold", "over", CNY),
        ("211.60亿元", 21_160_000_000, None, "funds_in_place", None, CNY),
    ),
    case(
        "截至8月末，共签约26个项目和15个战略合作框架协议，合同引资额为238.72亿元。",
        ("238.72亿元", 23_872_000_000, None, "contract_investment", None, CNY),
    ),
    case(
        "四平市收集招商线索6条，达成粮食销售合作意向1.2万吨，金额达3500万元；",
        ("3500万元", 35_000_000, None, "deal_value", None, CNY),
    ),
    # written for these tests: the forms RECORDS.md names
    case("集团的销售收入为201亿元人民币", ("201亿元人民币", 201 * Y, None, "output_value", None, CNY)),
    case("公司募资13亿，投向光棒扩建。", ("13亿", 13 * Y, None, "funds", None, CNY)),
    case("项目总投资约5亿，年底开工。", ("约5亿", 5 * Y, None, "total_investment", "approx", CNY)),
    case("园区到位资金20亿，同比增长一成。", ("20亿", 20 * Y, None, "funds_in_place", None, CNY)),
    case("该市投资三千五百万元建污水厂。", ("三千五百万元", 35_000_000, None, "total_investment", None, CNY)),
    case("炒股浮亏数千万元。", ("数千万元", 10_000_000, None, "other", "several", CNY)),
    case("总共投资才几百万元。", ("几百万元", 1_000_000, None, "total_investment", "several", CNY)),
    case("一个十几个亿的项目找上门。", ("十几个亿", 10 * Y, None, "total_investment", "over", CNY)),
    case("只有两千万投资的企业。", ("两千万", 20_000_000, None, "total_investment", None, CNY)),
    case("年产值近百亿元的大产业。", ("近百亿元", 100 * Y, None, "output_value", "nearly", CNY)),
    case("被合作方套款40多亿元。", ("40多亿元", 40 * Y, None, "other", "over", CNY)),
    case("累计投资超2300亿元。", ("超2300亿元", 2300 * Y, None, "total_investment", "over", CNY)),
    case("社会生产总值83亿多元。", ("83亿多元", 83 * Y, None, "other", "over", CNY)),
    case("达成投资协议4千多亿元。", ("4千多亿元", 4000 * Y, None, "total_investment", "over", CNY)),
    case("能源成本约为2亿3000万元。", ("2亿3000万元", 230_000_000, None, "other", None, CNY)),
    case("该村投入一二百万元修路。", ("一二百万元", 1_000_000, 2_000_000, "total_investment", "range", CNY)),
    case("项目投资3-5亿元。", ("3-5亿元", 3 * Y, 5 * Y, "total_investment", "range", CNY)),
    case("项目投资3至5亿元。", ("3至5亿元", 3 * Y, 5 * Y, "total_investment", "range", CNY)),
    case("项目投资5000万-1亿元。", ("5000万-1亿元", 50_000_000, Y, "total_investment", "range", CNY)),
    case("维保费用为7000到1万元。", ("7000到1万元", 7_000, 10_000, "other", "range", CNY)),
    case("打造百亿级产业集群。", ("百亿", 100 * Y, None, "threshold", None, CNY)),
    case("新开工亿元以上项目390个。", ("亿元", Y, None, "threshold", "over", CNY)),
    case("年产值超过300亿元的企业不少于五家", ("超过300亿元", 300 * Y, None, "threshold", "over", CNY)),
    case("其中产值超千亿元的3家。", ("超千亿元", 1000 * Y, None, "threshold", "over", CNY)),
    case("全年谋划1700个亿元以上投资项目。", ("亿元", Y, None, "threshold", "over", CNY)),
    case("IPO融资总额超过20亿美元。", ("超过20亿美元", None, None, "funds", "over", "USD")),
    case(
        "收购价为3亿欧元，另付5000万港币。",
        ("3亿欧元", None, None, "deal_value", None, "EUR"),
        ("5000万港币", None, None, "deal_value", None, "HKD"),
    ),
    case(
        "美国国家安全局提供了至少1亿英镑，约合9.3亿元人民币资金。",
        ("至少1亿英镑", None, None, "funds", "over", "GBP"),
        ("约合9.3亿元人民币", 930_000_000, None, "funds", "approx", CNY),
    ),
    case("平均一亩地可让姜农增收2000元。", ("2000元", 2_000, None, "other", None, CNY)),
    case(
        "煤炭价格为每吨3000元，焦炭2500元/吨。",
        ("3000元", 3_000, None, "other", None, CNY),
        ("2500元", 2_500, None, "other", None, CNY),
    ),
    case("电价降到每千瓦时1元以下时就不需要补贴了", ("1元", 1, None, "other", "at_most", CNY)),
    case("财政每年投入5亿元。", ("5亿元", 5 * Y, None, "total_investment", None, CNY)),
    case(
        "营业收入和利润总额分别为48.9亿元和5.3亿元。",
        ("48.9亿元", 4_890_000_000, None, "output_value", None, CNY),
        ("5.3亿元", 530_000_000, None, "other", None, CNY),
    ),
    # below one yuan's precision the amount keeps its fen, as the gold writes prices
    case("当天收于33.40元/股。", ("33.40元", 33.4, None, "other", None, CNY)),
    case("每度电成本增加了0.12元。", ("0.12元", 0.12, None, "other", None, CNY)),
    case("总投资12.5亿元。", ("12.5亿元", 1_250_000_000, None, "total_investment", None, CNY)),
    # a minus sign right before the number (not a range's dash, nor a code's hyphen: A-10)
    case(
        "公司每股经营性现金流为-1.46元，现金流量净额约为-10.3亿元、13.48亿元。",
        ("-1.46元", -1.46, None, "other", None, CNY),
        ("-10.3亿元", -1_030_000_000, None, "other", None, CNY),
        ("13.48亿元", 1_348_000_000, None, "other", None, CNY),
    ),
    # 个亿 counts money only, with or without a word that governs it
    case(
        "牙膏已达到12个亿，区财政将拿2个多亿对试点村进行补偿。",
        ("12个亿", 1_200_000_000, None, "other", None, CNY),
        ("2个多亿", 200_000_000, None, "other", "over", CNY),
    ),
    case("3500家门店和6800亿的销售规模。", ("6800亿", 680_000_000_000, None, "output_value", None, CNY)),
    case("总投资金额60亿，用于扩建。", ("60亿", 6_000_000_000, None, "total_investment", None, CNY)),
    # a word after the amount licenses it; a word written only after amounts (项目) licenses nothing after it
    case(
        "签署80亿中期票据主承销协议，新增发债项目储备1000亿。",
        ("80亿", 8_000_000_000, None, "funds", None, CNY),
        ("1000亿", 100_000_000_000, None, "funds", None, CNY),
    ),
    case("“千万工程”持续迈向纵深。"),
    # a size class written with 级 is money wherever it stands (not 千亿级别, a level of a quantity)
    case(
        "百亿级的中国电信临港信息园区，5个集群规模突破万亿级。",
        ("百亿", 10_000_000_000, None, "threshold", None, CNY),
        ("万亿", 1_000_000_000_000, None, "threshold", None, CNY),
    ),
    # coins below one yuan, where nothing else can be meant
    case(
        "娃娃吃的5角钱零食，用电每度只需要3角6分，奖励茶农五分钱。",
        ("5角钱", 0.5, None, "other", None, CNY),
        ("3角6分", 0.36, None, "other", None, CNY),
        ("五分钱", 0.05, None, "other", None, CNY),
    ),
    # a few coins: at least one (几分钱 crashed the money reader, losing the whole article)
    case(
        "电价每年都提高几分钱，几角钱的东西。",
        ("几分钱", 0.01, None, "other", "several", CNY),
        ("几角钱", 0.1, None, "other", "several", CNY),
    ),
    # not money
    case("不让果农花一分钱，推进长三角一体化，一毛不拔，得3分，我国7个千万千瓦级基地。"),
    case("我国有13亿人口，年产1.2万吨，吸纳3万人就业，年发电10亿千瓦时。"),
    case("投资建设年产10万吨的生产线，同比增长15%。"),
    case("元旦期间，三元集团推进一元化管理。"),
    case("2021年全国万元GDP能耗比上年下降2.7%。"),
    case("LED年产量将会达到千亿级别。"),
]


@pytest.mark.parametrize(("sentence", "expected"), GOLDEN, ids=[s[:14] for s, _ in GOLDEN])
def test_golden(sentence: str, expected: list[tuple]) -> None:
    found = find_money(sentence)
    assert [(m.text, m.yuan, m.yuan_max, m.role, m.qualifier, m.currency) for m in found] == expected


def test_foreign_amount_keeps_its_currency() -> None:
    (m,) = find_money("亚投行为其第一批投资项目融资共计17亿美元。")
    assert (m.yuan, m.currency, m.amount, m.role) == (None, "USD", 1_700_000_000, "funds")


def test_chinese_and_folded_punctuation_read_alike() -> None:
    """The cleaner may or may not fold ，；： to ASCII."""
    chinese = "项目总投资：5亿，年产值3亿；其中，国债资金2亿元、贷款1亿元。"
    folded = chinese.translate(str.maketrans("，；：", ",;:"))
    expected = [
        (5 * Y, "total_investment"),
        (3 * Y, "output_value"),
        (2 * Y, "funds"),
        (Y, "funds"),
    ]
    for text in (chinese, folded):
        assert [(m.yuan, m.role) for m in find_money(text)] == expected


def test_never_inside_a_number() -> None:
    """Full-width digits are the cleaner's to fold; until then no amount starts inside them."""
    assert find_money("项目总投资５亿，年产值３亿。") == []


def test_seed_money_in_order(seed_texts: dict[str, str]) -> None:
    """The seed 003 amounts come out in text order, each span indexing the text."""
    text = clean_for_money(seed_texts["003_a2ea863acaabccfd"])
    found = find_money(text)
    assert [m.start for m in found] == sorted(m.start for m in found)
    assert all(text[m.start : m.end] == m.text for m in found)
    assert [m.text for m in found].count("7.52亿元") == 2
    assert "37.6亿元" in [m.text for m in found]


def test_rules_reject_a_word_with_two_roles() -> None:
    raw = yaml.safe_load((rules_dir() / "money.yml").read_text(encoding="utf-8"))
    twice = {**raw, "triggers": [*raw["triggers"], {"role": "other", "left": ["计划总投资"]}]}
    with pytest.raises(ValidationError, match="计划总投资"):
        MoneyRules.model_validate(twice)


@pytest.mark.shared
def test_dev_gold_figures() -> None:
    scores = dev_scores()
    assert scores["money"][2] >= 0.97
    assert scores["money_role"][2] >= 0.85


UNITS = {"元": 1, "万元": 10_000, "亿元": Y}


@given(n=st.integers(min_value=0, max_value=10**12), unit=st.sampled_from(sorted(UNITS)))
def test_property_invested_amount(n: int, unit: str) -> None:
    text = f"投资{n}{unit}"
    (m,) = find_money(text)
    assert m.yuan == n * UNITS[unit]
    assert (m.start, m.end, m.role) == (2, len(text), "total_investment")


@given(yuan=st.integers(min_value=0, max_value=10**6), fen=st.integers(min_value=0, max_value=99))
def test_property_fen_are_kept_and_whole_yuan_stay_integers(yuan: int, fen: int) -> None:
    (m,) = find_money(f"收于{yuan}.{fen:02d}元。")
    assert m.yuan == (yuan if fen == 0 else round(yuan + fen / 100, 2))
    assert isinstance(m.yuan, int) == (fen == 0)


MONEYISH = st.sampled_from(
    list("0123456789.,-~至到约近超多余几数个十百千万亿元美欧投资产值的以上项目人吨，。、(（\n ")
)


@settings(max_examples=300)
@given(st.text(alphabet=MONEYISH, max_size=40))
def test_property_moneyish_text_never_crashes(text: str) -> None:
    for m in find_money(text):
        assert text[m.start : m.end] == m.text
        assert m.yuan is None or m.yuan >= 0 or m.text.startswith("-")
        assert m.yuan_max is None or m.yuan_max > m.yuan


@given(st.text(max_size=200))
def test_property_spans_index_any_text(text: str) -> None:
    for m in find_money(text):
        assert text[m.start : m.end] == m.text


if __name__ == "__main__":
    for slot, (p, r, f) in dev_scores(show_errors="--errors" in sys.argv).items():
        print(f"{slot:12} P={p:.3f} R={r:.3f} F1={f:.3f}")
