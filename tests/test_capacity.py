"""Capacities (extract/capacity.py): golden cases, traps, properties, the dev gold, speed."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from conftest import corpus_articles, gold_articles
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from extract.capacity import UnitRules, find_areas, find_capacities, same_capacity, unit_rules
from extract.models import Capacity

# Golden cases as data: the first group is from the seed articles (corpus/003_*.txt),
# the rest are written for this module. Each expected mention gives text, value,
# unit, period and product, in order of appearance.
GOLDEN = [
    {
        "input": "吉林省众合钙业制品年产30万吨氧化钙10万吨氢氧化钙项目施工现场。",
        "expected": [
            ("年产30万吨", 300000, "t", "year", "氧化钙"),
            ("10万吨", 100000, "t", "year", "氢氧化钙"),
        ],
        "comment": "seed 003: the second item inherits 年产",
    },
    {
        "input": "双辽市绿电产业示范园区15万千瓦风电项目，总投资7.52亿元，新建单机容量7.5兆瓦风电机组20台，"
        "总装机容量为150兆瓦，配套建设1座220kV升压站",
        "expected": [
            ("15万千瓦", 150000, "kW", None, "风电"),
            ("总装机容量为150兆瓦", 150000, "kW", None, None),
        ],
        "comment": "seed 003: the per-turbine 7.5兆瓦 is a spec, 220kV a voltage",
    },
    {
        "input": "对年产1GWh方形锂离子电池等招商项目，主动靠前",
        "expected": [("年产1GWh", 1, "GWh", "year", "方形锂离子电池")],
        "comment": "seed 003: energy kept in the unit written",
    },
    {
        "input": "对农业大数据2000P智算中心等重大项目，实行领导包保制度",
        "expected": [("2000P", 2000, "P", None, None)],
        "comment": "seed 003: compute; 智算中心 is the project, not a product",
    },
    {
        "input": "河北润顿年产5000吨吊炉花生生产线建设、合禾美食年产420万箱玉米汁300吨玉米花生生产、"
        "吉成医药成品药及医疗器械仓库等74个项目",
        "expected": [
            ("年产5000吨", 5000, "t", "year", "吊炉花生"),
            ("年产420万箱", 4200000, "箱", "year", "玉米汁"),
            ("300吨", 300, "t", "year", "玉米花生"),
        ],
        "comment": "seed 003: list of projects; 74个项目 is a count",
    },
    {
        "input": "海润光伏一期1.3GW太阳能电池及组件项目，目前实现60MW产能",
        "expected": [("1.3GW", 1300000, "kW", None, "太阳能电池及组件")],
        "comment": "an achieved capacity (已实现/目前实现) is progress, not the design capacity",
    },
    {
        "input": "中南光电100MW太阳能电池及50MW配套电池组件生产线项目",
        "expected": [
            ("100MW", 100000, "kW", None, "太阳能电池"),
            ("50MW", 50000, "kW", None, "配套电池组件"),
        ],
        "comment": "及 before a number ends the first product",
    },
    {
        "input": "该面板项目设计产能10万张/月，建成后日供水能力20万吨。",
        "expected": [
            ("设计产能10万张/月", 100000, "张", "month", None),
            ("日供水能力20万吨", 200000, "t", "day", None),
        ],
        "comment": "a period after the unit goes to period, never to the unit",
    },
    {
        "input": "项目包括每年炼油2000万吨、年生产乙烯120万吨以及30万吨级原油码头等工程。",
        "expected": [
            ("每年炼油2000万吨", 20000000, "t", "year", "炼油"),
            ("年生产乙烯120万吨", 1200000, "t", "year", "乙烯"),
        ],
        "comment": "product between trigger and number; 万吨级 is a berth class",
    },
    {
        "input": "电站装机容量1.3吉瓦，年发电量10亿千瓦时。",
        "expected": [
            ("装机容量1.3吉瓦", 1300000, "kW", None, None),
            ("年发电量10亿千瓦时", 1000000000, "kWh", "year", None),
        ],
        "comment": "吉瓦 to kW; 亿 read with the number before 千瓦时",
    },
    {
        "input": "华润热电2×350兆瓦热电联产工程正在紧张施工。",
        "expected": [("2×350兆瓦", 700000, "kW", None, "热电联产")],
        "comment": "units × size: the plant's total",
    },
    {
        "input": "水库建成后改善灌溉面积2.09万亩，新增灌溉面积1.42万亩。",
        "expected": [
            ("灌溉面积2.09万亩", 20900, "mu", None, None),
            ("灌溉面积1.42万亩", 14200, "mu", None, None),
        ],
        "comment": "irrigated area is a service capacity (亩 only with 灌溉)",
    },
    {
        "input": "青岛啤酒年产60万千升生产基地项目落户揭阳，一期年产能30万千升。",
        "expected": [
            ("年产60万千升", 600000, "千升", "year", None),
            ("年产能30万千升", 300000, "千升", "year", None),
        ],
        "comment": "千升 is a unit of its own, not 千 × 升",
    },
    {
        "input": "在山西太原，20万吨电子铜箔一期项目投产。",
        "expected": [("20万吨", 200000, "t", None, "电子铜箔")],
        "comment": "inside a project name, with no trigger",
    },
    {
        "input": "公司具有年产锌产品18万吨、铅产品10万吨的生产能力。",
        "expected": [
            ("年产锌产品18万吨", 180000, "t", "year", "锌产品"),
            ("10万吨", 100000, "t", "year", "铅产品"),
        ],
        "comment": "list items naming their product before the number",
    },
    {
        "input": "三峡新能源光伏发电基地二号十万千瓦工程全面复工，港区年吞吐能力超过1400万吨。",
        "expected": [
            ("十万千瓦", 100000, "kW", None, None),
            ("年吞吐能力超过1400万吨", 14000000, "t", "year", None),
        ],
        "comment": "Chinese numerals; throughput",
    },
    {
        "input": "棉纺厂建成11万锭棉纺生产能力，每天处理污水20万方。",
        "expected": [
            ("11万锭", 110000, "锭", None, "棉纺"),
            ("每天处理污水20万方", 200000, "立方米", "day", "污水"),
        ],
        "comment": "capacity word after the number; 方 = 立方米",
    },
    {
        "input": "数据中心集群算力规模达到5万P。",
        "expected": [("算力规模达到5万P", 50000, "P", None, None)],
        "comment": "compute with a magnitude",
    },
]

NOT_CAPACITIES = [
    ("占地面积10万平方米", "land area"),
    ("新建5.1万平方米联合厂房1座", "floor area"),
    ("带动就业3万人", "people"),
    ("新签约转垦种禽孵化二期建设等74个项目", "count of projects"),
    ("每吨3000元", "price"),
    ("售价3000元/吨", "price per unit"),
    ("以及30万吨级原油码头等工程", "size class"),
    ("到2017年全省要压减钢铁产能6000万吨", "capacity cut"),
    ("新建单机容量7.5兆瓦风电机组20台", "per-machine size"),
    ("习水二郎电厂4台66万千瓦机组取得路条", "machines counted by size"),
    ("预计年可实现产值1.48亿元、利税0.18亿元", "money"),
    ("计划2011年试产3台，2012年产量15台", "a year, not 年产"),
    ("千方百计稳就业", "idiom, not 千 立方米"),
    ("政府、银行、保险公司三方合作", "三方 is not a volume"),
    ("全村修建道路12公里", "road length"),
    ("每年可减少二氧化碳排放48万吨", "emissions saved"),
    ("全国风电累计装机2580万千瓦", "national aggregate"),
    ("工业项目67个，占比34.2%", "percentage"),
    ("1月至7月，全市争取到专项债券资金37.6亿元", "dates and money"),
    ("建设两条生产线", "number of lines"),
]

# (Chinese unit, normalised unit, factor) for the property test.
UNIT_TABLE = [
    ("吨", "t", 1),
    ("万吨", "t", 10_000),
    ("千吨", "t", 1_000),
    ("亿吨", "t", 100_000_000),
    ("千瓦", "kW", 1),
    ("万千瓦", "kW", 10_000),
    ("兆瓦", "kW", 1_000),
    ("MW", "kW", 1_000),
    ("GW", "kW", 1_000_000),
    ("吉瓦", "kW", 1_000_000),
    ("千瓦时", "kWh", 1),
    ("亿千瓦时", "kWh", 100_000_000),
    ("GWh", "GWh", 1),
    ("箱", "箱", 1),
    ("万箱", "箱", 10_000),
    ("千升", "千升", 1),
    ("万千升", "千升", 10_000),
    ("锭", "锭", 1),
    ("立方米", "立方米", 1),
    ("亿立方米", "立方米", 100_000_000),
    ("台", "台", 1),
    ("万辆", "辆", 10_000),
    ("万套", "套", 10_000),
    ("标箱", "标箱", 1),
]


def _row(c: Capacity) -> tuple:
    return (c.text, c.value, c.unit, c.period, c.product)


@pytest.mark.parametrize("case", GOLDEN, ids=[c["comment"] for c in GOLDEN])
def test_golden(case):
    found = find_capacities(case["input"])
    assert [_row(c) for c in found] == [tuple(e) for e in case["expected"]]
    for c in found:
        assert case["input"][c.start : c.end] == c.text


@pytest.mark.parametrize(("text", "why"), NOT_CAPACITIES, ids=[w for _, w in NOT_CAPACITIES])
def test_not_capacities(text, why):
    assert find_capacities(text) == [], why


@settings(max_examples=300, deadline=None)
@given(
    n=st.one_of(
        st.integers(min_value=1, max_value=10**6).map(str),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal(9999), places=2).map(str),
    ),
    row=st.sampled_from(UNIT_TABLE),
)
def test_year_rate_property(n, row):
    surface, unit, factor = row
    found = find_capacities(f"年产{n}{surface}")
    assert len(found) == 1
    (c,) = found
    assert c.unit == unit and c.period == "year"
    assert c.value == pytest.approx(float(Decimal(n) * factor))
    assert c.text == f"年产{n}{surface}"


#: Characters the rules react to, so random text often looks like a capacity.
CAPACITY_ALPHABET = (
    "0123456789.,万亿千百十两一二年产能日月每天装机容量吨瓦兆时GWMhP台套级项目，。、/ 的×占地面积亩灌溉方"
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=CAPACITY_ALPHABET, max_size=60)))
def test_arbitrary_text_spans_index_the_text(text):
    for c in find_capacities(text) + find_areas(text):
        assert 0 <= c.start <= c.end <= len(text)
        assert text[c.start : c.end] == c.text


def test_same_capacity_across_units():
    kw = find_capacities("15万千瓦风电项目")[0]
    mw = find_capacities("总装机容量为150兆瓦")[0]
    gwh = find_capacities("年产1GWh电池")[0]
    kwh = find_capacities("年产100万千瓦时电池")[0]
    tonnes = find_capacities("年产15万吨钢")[0]
    assert same_capacity(kw, mw)
    assert same_capacity(gwh, kwh)
    assert not same_capacity(kw, tonnes)
    assert not same_capacity(kw, find_capacities("16万千瓦风电项目")[0])
    daily = find_capacities("日产15万吨钢")[0]
    assert not same_capacity(tonnes, daily)


def test_areas_are_kept_apart():
    text = "项目占地面积10万平方米，改善灌溉面积2.09万亩。"
    assert [(a.text, a.value, a.unit) for a in find_areas(text)] == [("10万平方米", 100000, "平方米")]
    assert [c.unit for c in find_capacities(text)] == ["mu"]


def test_seed_article_capacities(seed_texts):
    text = unicodedata.normalize("NFKC", seed_texts["003_a2ea863acaabccfd"])
    keys = {(c.value, c.unit) for c in find_capacities(text)}
    expected = {(150000, "kW"), (5000, "t"), (4200000, "箱"), (300, "t"), (300000, "t")}
    expected |= {(100000, "t"), (2000, "P"), (1, "GWh")}
    assert expected <= keys
    assert (7500, "kW") not in keys  # 单机容量7.5兆瓦


def test_rules_are_validated():
    data = unit_rules().model_dump(by_alias=True)
    data["units"].append(dict(data["units"][0]))
    with pytest.raises(ValidationError, match="listed twice"):
        UnitRules.model_validate(data)
    data = unit_rules().model_dump(by_alias=True)
    data["negative_in_item"] = ["(unclosed"]
    with pytest.raises(ValidationError, match="bad regex"):
        UnitRules.model_validate(data)


def _cap_key(value: float, unit: str) -> tuple:
    """As score.py's cap_key."""
    return (round(float(value), 6), unicodedata.normalize("NFKC", unit).lower())


@pytest.mark.shared
def test_dev_gold_article_level():
    """Union of gold project capacities per article vs every mention found (attachment comes later)."""
    articles = corpus_articles()
    tp = fp = fn = 0
    for gold in gold_articles():
        caps = [c for p in gold["projects"] for c in p.get("capacities", [])]
        expected = {_cap_key(c["value"], c["unit"]) for c in caps}
        text = unicodedata.normalize("NFKC", articles[gold["article_id"]]["text"])
        found = {_cap_key(c.value, c.unit) for c in find_capacities(text)}
        tp, fp, fn = tp + len(found & expected), fp + len(found - expected), fn + len(expected - found)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\ndev gold capacities: precision {precision:.3f} recall {recall:.3f} (tp {tp} fp {fp} fn {fn})")
    assert recall >= 0.95
    assert precision >= 0.5
