"""Companies judged by the learned check: gazetteer names in press sentences, ordinary words left alone."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.learn.companies import gazetteer
from extract.models import Article
from extract.orgs import company_form, same_company
from extract.pipeline import Extractor
from extract.records import company_names

#: Press-style frames a registered name is put into (the name replaces {}).
FRAMES = (
    "该项目由{}承建。",
    "近日，{}与市政府签署战略合作协议。",
    "{}投资建设的新能源项目今天开工。",
    "据了解，{}计划总投资20亿元建设生产基地。",
)
LEGAL = ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司")


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _companies(extractor: Extractor, text: str) -> list[str]:
    return [o.name for o in extractor(Article(id="t", text=text)).organisations if o.kind == "company"]


def _missed_in_frames(extractor: Extractor, names: Sequence[str]) -> list[str]:
    """The names not found whole, each put in the next press frame."""
    return [
        name
        for i, name in enumerate(names)
        if name not in _companies(extractor, FRAMES[i % len(FRAMES)].format(name))
    ]


def test_gazetteer_holds_short_and_full_names_of_central_soes():
    names = gazetteer().names
    assert {"中国石油化工集团有限公司", "中国石化", "中石化", "三一重工", "西门子"} <= names


def test_registered_names_of_the_gazetteer_are_found_whole_in_press_sentences(extractor):
    names = gazetteer().names
    registered = sorted(n for n in names if n.endswith(LEGAL) and len(n) >= 8 and n.isascii() is False)
    sample = random.Random(7).sample(registered, 80)
    found = len(sample) - len(_missed_in_frames(extractor, sample))
    assert found / len(sample) >= 0.97, found


#: Registered names no list holds, made of a place, ordinary words and a legal form: the words a
#: description is made of (能源建设, 文化旅游), so only the registration says they are a name.
PLACES = ("吉林", "浙江", "湖南长沙", "四川", "广东佛山", "中国", "江苏南通", "山东", "新疆", "大连")
WORDS = ("能源建设", "电力建设", "建筑", "水利水电", "交通投资", "城市发展", "农业科技", "文化旅游")
FORMS = ("集团有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团股份有限公司")


def test_registered_names_made_of_ordinary_words_are_found_whole(extractor):
    rng = random.Random(3)
    names = sorted({rng.choice(PLACES) + rng.choice(WORDS) + rng.choice(FORMS) for _ in range(120)})
    missed = _missed_in_frames(extractor, names)
    assert len(missed) / len(names) <= 0.03, missed


#: Registered names with their place (or 集团) in brackets after the brand: LAC reads
#: 锦辉|(荆州)|硅能科技有限公司 as a person, a place and a company; no list holds these made-up brands.
BRANDS = ("麒麟", "惠生", "锦辉", "台泥", "北美枫情", "泓远", "锦懋", "润顿", "禾美", "鑫源")
BRACKETED = ("中国", "上海", "南京", "荆州", "安顺", "香港", "苏州", "天津", "集团")
TRADES = ("投资", "商贸", "硅能科技", "清洁能源", "水泥", "轮胎销售", "装备技术", "")
BRACKETED_FORMS = ("有限公司", "股份有限公司", "有限责任公司", "公司")


def test_registered_names_with_a_place_in_brackets_are_found_whole(extractor):
    rng = random.Random(5)
    names = sorted(
        {
            f"{rng.choice(BRANDS)}({rng.choice(BRACKETED)}){rng.choice(TRADES)}{rng.choice(BRACKETED_FORMS)}"
            for _ in range(120)
        }
    )
    missed = _missed_in_frames(extractor, names)
    assert len(missed) / len(names) <= 0.03, missed  # 69 % were missed before


#: Registered names of well-known groups and their subsidiaries, written as their registrations give them.
WELL_KNOWN = (
    "中国建筑集团有限公司",
    "中国能源建设集团有限公司",
    "华为技术有限公司",
    "比亚迪股份有限公司",
    "宁德时代新能源科技股份有限公司",
    "腾讯科技(深圳)有限公司",
    "阿里巴巴(中国)有限公司",
    "北京京东世纪贸易有限公司",
    "小米科技有限责任公司",
    "三星(中国)投资有限公司",
    "特斯拉(上海)有限公司",
    "英特尔(中国)有限公司",
    "SK海力士半导体(中国)有限公司",
    "上汽通用五菱汽车股份有限公司",
    "中国第一汽车集团有限公司",
    "东风汽车集团有限公司",
    "国家电网有限公司",
    "中国南方电网有限责任公司",
    "中国华能集团有限公司",
    "国家电力投资集团有限公司",
    "中国长江三峡集团有限公司",
    "中国中车股份有限公司",
    "中国交通建设股份有限公司",
    "中国铁建股份有限公司",
    "中国移动通信集团有限公司",
    "中国宝武钢铁集团有限公司",
    "鞍钢集团有限公司",
    "首钢集团有限公司",
    "华润(集团)有限公司",
    "招商局集团有限公司",
    "中国远洋海运集团有限公司",
    "中国商用飞机有限责任公司",
    "京东方科技集团股份有限公司",
    "隆基绿能科技股份有限公司",
    "珠海格力电器股份有限公司",
    "贵州茅台酒股份有限公司",
    "万华化学集团股份有限公司",
    "浙江吉利控股集团有限公司",
    "蔚来汽车(安徽)有限公司",
    "上海国际港务(集团)股份有限公司",
    "中国中化控股有限责任公司",
    "中国电子科技集团有限公司",
    "中国广核集团有限公司",
    "阳光电源股份有限公司",
    "明阳智慧能源集团股份公司",
    "徐工集团工程机械股份有限公司",
    "中国平安保险(集团)股份有限公司",
    "中国电力建设集团有限公司",
    "吉林能源建设集团有限公司",
    "LG化学(南京)信息电子材料有限公司",
    "中国化学工程集团有限公司",
    "中国节能环保集团有限公司",
    "中国电气装备集团有限公司",
    "中国稀土集团有限公司",
)


def test_registered_names_of_well_known_groups_are_found_whole(extractor):
    missed = _missed_in_frames(extractor, WELL_KNOWN)
    assert len(missed) / len(WELL_KNOWN) <= 0.03, missed


def test_a_description_is_no_registered_name(extractor):
    assert _companies(extractor, "该市有一家有限公司。") == []


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("该项目由中国能源建设集团有限公司承建。", "中国能源建设集团有限公司"),
        ("中石化和西门子在南京签约。", "中石化"),
        ("中石化和西门子在南京签约。", "西门子"),
    ],
)
def test_names_no_grammar_derives(extractor, text, company):
    assert company in _companies(extractor, text)


def test_ordinary_words_in_the_gazetteer_are_not_companies(extractor):
    assert _companies(extractor, "统一规划、联合推进，民生工程加快建设，不同地区有利条件各异。") == []


def test_items_of_a_list_of_companies_are_candidates_a_name_at_a_time():
    from extract.learn.companies import company_candidates
    from extract.learn.view import RuleOutput, View

    text = "其中，惠普、佳能、爱普生、兄弟和三星等国外品牌凭借技术占据市场。"
    view = View(RuleOutput(text, [(0, len(text))], [], [], [], [], [], [], []))
    found, listed = company_candidates(view)
    items = {text[s:e]: tail for (s, e), (tail, _) in listed.items()}
    assert items == dict.fromkeys(["惠普", "佳能", "爱普生", "兄弟", "三星"], "品牌")
    assert "爱普生" in {o.name for o in found if o.source == "list"}, "a name no list knows is offered"


def test_names_of_one_company_in_the_gazetteer_are_one_record(extractor):
    """中石化 after 中国石化 is the same company (one line of the curated list): the export lists it once,
    under the name the article wrote first, as the gold and a reader count it."""
    text = "中国石化在南京投资建设炼化一体化项目。中石化有关负责人表示，项目明年投产。"
    article = Article(id="t", text=text)
    organisations = [o for o in extractor(article).organisations if o.kind == "company"]
    assert [o.name for o in organisations] == ["中国石化", "中石化"]
    assert organisations[1].refers_to == "中国石化"
    assert company_names([(o.name, o.refers_to) for o in organisations]) == ["中国石化"]


def test_a_company_written_again_with_other_forms_is_one_record(extractor):
    """奇瑞汽车有限公司 after 奇瑞汽车股份公司 is the same company (other forms, the same words before them):
    one record, under the name written first, with the short form pointing at it too."""
    text = (
        "奇瑞汽车股份公司与芜湖市签约新能源整车项目。奇瑞汽车有限公司有关负责人表示，"
        "奇瑞将追加投资。中国五矿集团公司与当地签约；五矿集团将投资建设稀土深加工项目。"
    )
    assert _company_records(extractor, text) == ["奇瑞汽车股份公司", "中国五矿集团公司"]


def _company_records(extractor: Extractor, text: str) -> list[str]:
    """The companies an article's export lists, one name per company."""
    organisations = [o for o in extractor(Article(id="t", text=text)).organisations if o.kind == "company"]
    return company_names([(o.name, o.refers_to) for o in organisations])


@pytest.mark.parametrize(
    ("name", "other", "same"),
    [
        ("奇瑞汽车有限公司", "奇瑞汽车股份公司", True),  # other forms of the same words
        ("光明集团", "光明食品(集团)有限公司", True),  # a trade word after the words, groups both
        ("五矿集团", "中国五矿集团公司", True),  # a place before them
        ("建龙集团", "北京建龙重工集团", True),
        ("中石油集团公司", "中国石油天然气集团公司", True),  # an abbreviation
        ("卓群公司", "江苏卓群纳米稀土股份有限公司", True),  # a brand and 公司 after the full name
        ("沃茨公司", "美国沃茨工业集团", True),
        ("科技公司", "北京科技发展有限公司", False),  # a common word is no brand
        ("鞍钢股份", "鞍钢集团", False),  # a group and its listed company
        ("国药控股", "国药集团", False),
        ("中核新能源公司", "中核集团", False),  # a group and its company in a trade
        ("华润雪花啤酒(铁岭)有限公司", "华润雪花啤酒(中国)有限公司", False),  # companies of two places
        ("中国石化", "中国石化集团", False),  # no form: short forms are linked elsewhere
    ],
)
def test_same_company_by_its_forms(name, other, same):
    assert same_company(name, other) is same
    assert same_company(other, name) is same
    assert not same or company_form(name).keys & company_form(other).keys


_PARTS = ["中国", "北京", "江苏", "五矿", "卓群", "奇瑞", "汽车", "纳米", "稀土", "重工", "科技", "(中国)"]
_FORMS = ["", "公司", "集团", "有限公司", "股份有限公司", "集团公司", "控股", "股份公司", "(集团)有限公司"]


@given(
    st.lists(st.sampled_from(_PARTS), min_size=1, max_size=4),
    st.sampled_from(_FORMS),
    st.lists(st.sampled_from(_PARTS), min_size=1, max_size=4),
    st.sampled_from(_FORMS),
)
def test_same_company_is_symmetric_and_needs_company_forms(words, form, other_words, other_form):
    name, other = "".join(words) + form, "".join(other_words) + other_form
    assert same_company(name, other) == same_company(other, name)
    if same_company(name, other):
        assert company_form(name).keys & company_form(other).keys, "the pass compares names by key"
    if not form or not other_form:
        assert not same_company(name, other), "a name without a company form is linked elsewhere"


def test_a_group_and_its_local_company_or_arm_are_two_companies(extractor):
    """青岛啤酒 opens 青岛啤酒揭阳公司, and the group is still another company than its company in 揭阳
    (f80160 of the gold): both are listed. A name going on with its trade is one company (锦湖|轮胎)."""
    text = (
        "青岛啤酒揭阳公司年产60万千升生产基地项目日前开工。青岛啤酒在市场布局方面又有新动作，"
        "青岛啤酒有关负责人表示，项目明年投产。"
    )
    assert _company_records(extractor, text) == ["青岛啤酒揭阳公司", "青岛啤酒"]
    assert company_names([("锦湖", None), ("锦湖轮胎", None)]) == ["锦湖轮胎"]
    assert company_names([("中电投", None), ("中电投新疆公司", None)]) == ["中电投", "中电投新疆公司"]
    assert company_names([("格力", None), ("格力地产", None)]) == ["格力", "格力地产"], (
        "an arm in another trade"
    )
