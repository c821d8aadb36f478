"""Project records: golden cases from the seed articles, the dev-gold figures, no crash on the corpus.

The golden cases give :func:`find_projects` hand-made inputs (the money,
capacities, dates and organisations other extractors would find), so they
test this module alone; the dev-gold and corpus tests run the real pipeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from conftest import corpus_articles, shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.capacity import find_capacities
from extract.clean import clean
from extract.models import Capacity, DateRange, Money, Organisation, Project
from extract.money import find_money
from extract.projects import find_contacts, find_projects
from extract.sentences import split_sentences

# --------------------------------------------------------------------------- golden cases


@dataclass
class Case:
    """A passage, the mentions other extractors find in it, and what must come out."""

    id: str
    text: str
    money: list[tuple[str, int, str]] = field(default_factory=list)
    capacities: list[tuple[str, float, str]] = field(default_factory=list)
    dates: list[tuple[str, str, str]] = field(default_factory=list)
    organisations: list[tuple[str, str]] = field(default_factory=list)
    projects: dict[str, dict] = field(default_factory=dict)
    """name → attributes it must have (``aliases`` checked as a subset)."""
    not_projects: list[str] = field(default_factory=list)
    indicators: list[float] = field(default_factory=list)
    only: bool = True
    """Are ``projects`` all the projects of the passage?"""


SHUANGLIAO = (
    "计划总投资50.9亿元的吉电股份风光制绿氢生物质耦合绿色甲醇、计划总投资20.3亿元的秸秆综合利用产业园、"
    "计划总投资16.5亿元的悦如火山温泉文化旅游博览园、计划总投资7.52亿元的双辽市绿电产业示范园区15万千瓦风电"
    "等项目加速实施，重点项目数量增多，投资规模扩大，为四平市经济高质量发展注入强劲动力。\n"
    "双辽市绿电产业示范园区15万千瓦风电项目，总投资7.52亿元，新建单机容量7.5兆瓦风电机组20台，"
    "总装机容量为150兆瓦，配套建设1座220kV升压站、箱变、集电线路、道路等附属设施。项目建成后，"
    "预计年可实现产值1.48亿元、利税0.18亿元。目前，进场道路已铺设完成，正在进行升压站主体工程施工。"
    "站在项目现场，只见施工人员各司其职，有的在绑扎钢筋，有的在调试设备，一派繁忙景象。"
    "项目负责人林巍介绍：“我们每天都在跟时间赛跑，争取尽快完成建设，让清洁能源早日惠及更多居民。”"
)

SIGNING_LIST = (
    "1月至6月，全市新签约转垦种禽孵化二期建设、桦森年产1G低温锂电池、河北润顿年产5000吨吊炉花生生产线建设、"
    "合禾美食年产420万箱玉米汁300吨玉米花生生产、吉成医药成品药及医疗器械仓库等74个项目，计划总投资560.84亿元。"
)

CASES = [
    Case(
        id="shuangliao wind farm: list item and its own paragraph, every attribute",
        text=SHUANGLIAO,
        money=[
            ("50.9亿元", 5090000000, "planned_investment"),
            ("20.3亿元", 2030000000, "planned_investment"),
            ("16.5亿元", 1650000000, "planned_investment"),
            ("7.52亿元", 752000000, "planned_investment"),
            ("7.52亿元", 752000000, "total_investment"),
            ("1.48亿元", 148000000, "output_value"),
            ("0.18亿元", 18000000, "tax"),
        ],
        capacities=[
            ("15万千瓦", 150000, "kW"),
            ("15万千瓦", 150000, "kW"),
            ("7.5兆瓦", 7500, "kW"),
            ("150兆瓦", 150000, "kW"),
        ],
        organisations=[("吉电股份", "company")],
        projects={
            "双辽市绿电产业示范园区15万千瓦风电项目": {
                "investment_yuan": 752000000,
                "stage": "under_construction",
                "place": "双辽市",
                "capacities": [(150000, "kW")],
                "output_value_yuan": 148000000,
                "tax_yuan": 18000000,
                "contact": "林巍",
                "aliases": ["双辽市绿电产业示范园区15万千瓦风电"],
            },
            "吉电股份风光制绿氢生物质耦合绿色甲醇": {
                "investment_yuan": 5090000000,
                "stage": "under_construction",
                "companies": ["吉电股份"],
            },
            "秸秆综合利用产业园": {"investment_yuan": 2030000000, "stage": "under_construction"},
            "悦如火山温泉文化旅游博览园": {"investment_yuan": 1650000000, "stage": "under_construction"},
        },
        not_projects=["升压站主体工程", "重点项目"],
    ),
    Case(
        id="74-item signing list: items are projects, the total is an indicator",
        text=SIGNING_LIST,
        money=[("560.84亿元", 56084000000, "planned_investment")],
        capacities=[("年产5000吨", 5000, "t"), ("年产420万箱", 4200000, "箱"), ("300吨", 300, "t")],
        dates=[("1月至6月", "2025-01-01", "2025-06-30")],
        organisations=[("河北润顿", "company"), ("合禾美食", "company")],
        projects={
            "转垦种禽孵化二期建设": {"stage": "signed", "investment_yuan": None},
            "桦森年产1G低温锂电池": {"stage": "signed", "investment_yuan": None},
            "河北润顿年产5000吨吊炉花生生产线建设": {
                "stage": "signed",
                "investment_yuan": None,
                "companies": ["河北润顿"],
                "capacities": [(5000, "t")],
            },
            "合禾美食年产420万箱玉米汁300吨玉米花生生产": {
                "stage": "signed",
                "capacities": [(4200000, "箱"), (300, "t")],
            },
            "吉成医药成品药及医疗器械仓库": {"stage": "signed", "investment_yuan": None},
        },
        not_projects=["74个项目"],
        indicators=[74, 56084000000],
    ),
    Case(
        id="titles in book marks before 等合作项目",
        text="会上签署《未来城科技产业园》《梨树风光制绿氢生物质耦合绿色甲醇项目》《肉牛产业示范基地建设项目》等合作项目；",
        projects={
            "未来城科技产业园": {"stage": "signed"},
            "梨树风光制绿氢生物质耦合绿色甲醇项目": {"stage": "signed"},
            "肉牛产业示范基地建设项目": {"stage": "signed"},
        },
        not_projects=["合作项目"],
    ),
    Case(
        id="该项目 and 项目负责人 refer back to the project last named",
        text=(
            "狠抓项目开工，坚持抢抓早、先谋快动，对计划开工项目，建立清单、动态管理、分类推进。"
            "在国网四平供电公司电力设施维修综合楼项目现场，塔吊林立、机器轰鸣，施工人员正紧张有序地忙碌着。"
            "该项目建成后，预计年可实现产值500万元、利税70万元。目前，项目正在进行主体施工。"
            "“项目自开工以来，进展十分顺利，这离不开红开区政府的大力支持。”项目负责人王成感慨道。"
        ),
        money=[("500万元", 5000000, "output_value"), ("70万元", 700000, "tax")],
        organisations=[("国网四平供电公司", "company"), ("红开区政府", "government")],
        projects={
            "国网四平供电公司电力设施维修综合楼项目": {
                "stage": "under_construction",
                "output_value_yuan": 5000000,
                "tax_yuan": 700000,
                "contact": "王成",
                "companies": ["国网四平供电公司"],
            }
        },
        not_projects=["计划开工项目"],
    ),
    Case(
        id="a short name and the full name are one project",
        text=(
            "对顺邦智慧农机生产制造基地等新开工项目，加快前期工作，夯实要素保障，力争提前开工。"
            "四平市顺邦农机制造有限公司智慧农机生产制造基地项目，总投资3.5亿元，改扩建5.1万平方米联合厂房1座。"
        ),
        money=[("3.5亿元", 350000000, "total_investment")],
        organisations=[("四平市顺邦农机制造有限公司", "company")],
        projects={
            "四平市顺邦农机制造有限公司智慧农机生产制造基地项目": {
                "investment_yuan": 350000000,
                "stage": "started",
                "aliases": ["顺邦智慧农机生产制造基地"],
                "companies": ["四平市顺邦农机制造有限公司"],
            }
        },
    ),
    Case(
        id="counts and categories of projects are indicators, not projects",
        text=(
            "截至目前，全市累计开工复工5000万元以上项目196个(新开工80个、续建116个)，计划总投资750.4亿元。"
            "从投资规模看，亿元以上项目115个，计划总投资700.3亿元；工业项目67个，占比34.2%。"
        ),
        money=[
            ("5000万元", 50000000, "threshold"),
            ("750.4亿元", 75040000000, "planned_investment"),
            ("700.3亿元", 70030000000, "planned_investment"),
        ],
        indicators=[196, 75040000000, 70030000000],
    ),
    Case(
        id="a plan is no stage: 确保按时投产 (written for this test)",
        text="华信新材料年产5万吨薄膜项目进展顺利，企业确保年底投产。另一家企业的年产3万吨纸浆项目已于3月正式投产。",
        capacities=[("年产5万吨", 50000, "t"), ("年产3万吨", 30000, "t")],
        projects={
            "华信新材料年产5万吨薄膜项目": {"stage": None, "capacities": [(50000, "t")]},
            "年产3万吨纸浆项目": {"stage": "operational", "capacities": [(30000, "t")]},
        },
    ),
    Case(
        id="references and categories name no project (written for this test)",
        text="今年全市重点项目进展顺利，这些项目大多已经开工，该项目负责人表示将加快工业项目建设。",
    ),
]


def _occurrences(text: str, items: list[tuple]) -> Iterator[tuple[int, int, tuple]]:
    """Spans of the listed texts in order: a text listed twice is its first, then its second occurrence."""
    after: dict[str, int] = {}
    for item in items:
        start = text.index(item[0], after.get(item[0], 0))
        after[item[0]] = start + 1
        yield start, start + len(item[0]), item


def _inputs(case: Case) -> tuple:
    text = case.text
    money = [
        Money(start=s, end=e, text=t, yuan=yuan, role=role)
        for s, e, (t, yuan, role) in _occurrences(text, case.money)
    ]
    capacities = [
        Capacity(start=s, end=e, text=t, value=v, unit=u, period="year" if t.startswith("年产") else None)
        for s, e, (t, v, u) in _occurrences(text, case.capacities)
    ]
    dates = [
        DateRange(
            start=s, end=e, text=t, start_date=dt.date.fromisoformat(a), end_date=dt.date.fromisoformat(b)
        )
        for s, e, (t, a, b) in _occurrences(text, case.dates)
    ]
    orgs = [
        Organisation(start=s, end=e, text=t, name=t, kind=kind)
        for s, e, (t, kind) in _occurrences(text, case.organisations)
    ]
    sentences = _sentences(text)
    return text, sentences, money, capacities, dates, orgs


def _sentences(text: str) -> list[tuple[int, int]]:
    return split_sentences(text)


def _by_name(projects: list[Project]) -> dict[str, Project]:
    return {p.name: p for p in projects}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden_case(case: Case):
    projects, indicators, _, _ = find_projects(*_inputs(case))
    found = _by_name(projects)
    names = {n for p in projects for n in [p.name, *p.aliases]}
    for name, attrs in case.projects.items():
        assert name in names, f"{name} not found; got {sorted(found)}"
        project = next(p for p in projects if name in (p.name, *p.aliases))
        for key, want in attrs.items():
            got = getattr(project, key)
            if key == "capacities":
                got = sorted((c.value, c.unit) for c in got)
                want = sorted(want)
            if key == "aliases":
                assert set(want) <= {project.name, *got}, f"{name}: aliases {got}"
                continue
            assert got == want, f"{name}.{key}: {got!r} != {want!r}"
    if case.only:
        assert len(projects) == len(case.projects), sorted(found)
    for name in case.not_projects:
        assert name not in names
    values = {i.value for i in indicators}
    for value in case.indicators:
        assert value in values, f"indicator {value} missing from {sorted(values)}"


def test_evidence_spans_point_at_the_text():
    case = CASES[0]
    text = case.text
    projects, _, _, _ = find_projects(*_inputs(case))
    shuangliao = _by_name(projects)["双辽市绿电产业示范园区15万千瓦风电项目"]
    assert text[shuangliao.start : shuangliao.end] == shuangliao.text
    assert {m.text for m in shuangliao.mentions} >= {"双辽市绿电产业示范园区15万千瓦风电"}
    evidence = shuangliao.evidence
    assert evidence["investment_yuan"].text == "7.52亿元"
    assert evidence["contact"].text == "林巍"
    assert evidence["stage"].text == "加速实施"
    for mention in evidence.values():
        assert text[mention.start : mention.end] == mention.text


def test_aggregate_amount_goes_to_no_project():
    projects, _, _, _ = find_projects(*_inputs(CASES[1]))
    assert all(p.investment_yuan is None for p in projects)


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("项目负责人林巍介绍：“我们每天都在跟时间赛跑。”", ["林巍"]),
        ("“项目推进十分顺利。”项目负责人王成感慨道。", ["王成"]),
        ("项目负责人赵宝良表示：我们会严格按照时间节点推进项目建设。", ["赵宝良"]),
        ("本报记者 高鸿 王纪佳 王秀", []),
        ("企业负责人张辉告诉记者，企业是依托研究团队成立的。", []),
        ("福田汽车驻外项目负责人介绍说，工厂占地6公顷。", []),
    ],
)
def test_contacts(text, persons):
    assert [c.text for c in find_contacts(text)] == persons


NAMEY = [
    "年产",
    "5万吨",
    "项目",
    "、",
    "等",
    "个",
    "，",
    "总投资",
    "的",
    "签约",
    "开工",
    "基地",
    "该",
    "建成后",
    "产业园",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([*NAMEY, "华信", "新材料", "薄膜", "。", "\n"]), max_size=40))
def test_any_text_gives_well_formed_records(words):
    text = "".join(words)
    projects, indicators, contacts, _ = find_projects(text, _sentences(text), [], [], [], [])
    for record in [*projects, *indicators, *contacts]:
        assert 0 <= record.start <= record.end <= len(text)
        assert text[record.start : record.end] == record.text
    for p in projects:
        assert p.name and not any(ch in p.name for ch in "《》“”")


# --------------------------------------------------------------------------- real pipeline


def _pipeline_inputs(article: dict) -> tuple:
    """Clean text, sentences, money and capacities (no dates or organisations, for speed:
    tests/test_gold_scores.py runs the whole pipeline on the dev gold)."""
    text = clean(article["text"]).text
    return text, _sentences(text), find_money(text), find_capacities(text), [], []


@pytest.mark.shared
@pytest.mark.slow
def test_no_crash_over_the_corpus():
    """Every corpus article goes through (no dates or organisations, for speed: the dev test has them)."""
    shared_path("corpus")
    count = 0
    for article in corpus_articles().values():
        text, *rest = _pipeline_inputs(article)
        projects, indicators, _, _ = find_projects(text, *rest)
        for record in [*projects, *indicators]:
            assert text[record.start : record.end] == record.text
        count += len(projects)
    assert count > 100
