"""Traditional Chinese: extracted as its simplified form would be, every span and name in the original."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.models import Article
from extract.pipeline import Extractor
from extract.script import simplified

TRADITIONAL = "計劃總投資52億元的雙遼市綠電產業示範園區15萬千瓦風電項目近日開工建設。"
SIMPLIFIED = "计划总投资52亿元的双辽市绿电产业示范园区15万千瓦风电项目近日开工建设。"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def test_a_traditional_article_gives_what_its_simplified_form_gives(extractor):
    ours, theirs = extractor(Article(id="t", text=TRADITIONAL)), extractor(Article(id="s", text=SIMPLIFIED))
    assert [(p.start, p.end, p.investment_yuan, p.stage) for p in ours.projects] == [
        (p.start, p.end, p.investment_yuan, p.stage) for p in theirs.projects
    ]
    [project] = ours.projects
    assert project.name == TRADITIONAL[project.start : project.end]
    assert project.name == "雙遼市綠電產業示範園區15萬千瓦風電項目"
    assert [(m.text, m.yuan) for m in ours.money] == [("52億元", 5_200_000_000)]
    assert all(TRADITIONAL[m.start : m.end] == m.text for m in [*ours.money, *ours.capacities])
    assert ours.clean_text == TRADITIONAL and project.sentence == TRADITIONAL


def test_a_traditional_quote_in_a_simplified_article(extractor):
    text = "这片森林覆盖率高。他说：「我們將在長春投資20億元建設一汽新能源汽車項目。」"
    extraction = extractor(Article(id="m", text=text))
    [project] = extraction.projects
    assert project.investment_yuan == 2_000_000_000
    assert text[project.start : project.end] == project.text and "車項目" in project.text
    assert "覆盖" in extraction.clean_text, "a simplified passage is left as written"


def test_simplified_text_is_left_alone():
    text = "这片森林覆盖率达到百分之六十，乾隆年间的古桥修复完工。"
    assert simplified(text) == text


@given(st.text(alphabet="計劃總投資億元雙遼風電項目开工覆盖乾。！\n ，", max_size=60))
def test_conversion_keeps_the_length(text):
    assert len(simplified(text)) == len(text)
