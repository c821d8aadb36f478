"""extract_html on the 30 real news pages of ../shared (against their gold bodies) and on pages built here.

Char F1 is the difflib figure over non-whitespace characters: the matching
blocks of :class:`difflib.SequenceMatcher` (no autojunk) between the extracted
body and the gold body count as matched characters; precision is matched /
extracted, recall matched / gold. Order matters, unlike a bag-of-characters
overlap, so a body with paragraphs shuffled or duplicated scores lower.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
from functools import cache

import lxml.html
import pytest
from conftest import shared_path

from extract.encoding import decode_bytes
from extract.html import HtmlArticle, extract_html

MIN_AVERAGE_F1 = 0.95
#: Code that must never reach a body, whatever the site: server templates, jQuery, JavaScript.
CODE_TELLTALES = re.compile(r"<%|%>|\$\(|function\s*\(|document\.|\bvar\s+\w+\s*=|</?[a-z]+[ >]")
#: An innermost <p> element of a served page (some pages write <p><P>...</P></p>).
PARAGRAPH = re.compile(r"<p\b[^>]*>(?:(?!<p\b).)*?</p>", re.IGNORECASE | re.DOTALL)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def char_f1(extracted: str, gold: str) -> float:
    """The difflib char F1 of the module docstring."""
    a, b = squeeze(extracted), squeeze(gold)
    if not a or not b:
        return float(a == b)
    matched = sum(
        block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    )
    return 2 * matched / (len(a) + len(b))


@cache
def pages() -> dict[str, tuple[str, dict]]:
    """Page source and gold record, by article id (the page's file name without extension)."""
    gold_lines = shared_path("gold", "html-bodies.jsonl").read_text(encoding="utf-8").splitlines()
    gold = {record["id"]: record for record in map(json.loads, filter(None, gold_lines))}
    folder = shared_path("corpus", "html")
    return {p.stem: (decode_bytes(p.read_bytes())[0], gold[p.stem]) for p in sorted(folder.glob("*.html"))}


@cache
def extracted(article_id: str) -> HtmlArticle:
    return extract_html(pages()[article_id][0])


def chrome_strings(html: str, gold_body: str) -> set[str]:
    """Every text line of the page (scripts, menus, headline, byline, template code) that is not gold body."""
    tree = lxml.html.document_fromstring(html)
    lines = {line.strip() for text in tree.itertext() for line in text.splitlines()}
    lines |= set(re.findall(r"<%.*?%>", html, re.DOTALL))
    body = squeeze(gold_body)
    return {line for line in lines if len(squeeze(line)) >= 2 and squeeze(line) not in body}


def test_thirty_pages_with_gold():
    assert len(pages()) == 30


def test_average_char_f1():
    scores = {i: char_f1(extracted(i).body, gold["text"]) for i, (_, gold) in pages().items()}
    average = sum(scores.values()) / len(scores)
    worst = min(scores, key=scores.__getitem__)
    print(f"\nhtml body char F1 (difflib): average {average:.4f}, minimum {scores[worst]:.4f} ({worst})")
    assert average >= MIN_AVERAGE_F1


@pytest.mark.parametrize("index", range(30))
def test_no_chrome_or_code_in_body(index):
    article_id = sorted(pages())[index]
    html, gold = pages()[article_id]
    body = squeeze(extracted(article_id).body)
    assert body, "no body extracted"
    leaked = {line for line in chrome_strings(html, gold["text"]) if squeeze(line) in body}
    assert not leaked
    assert not CODE_TELLTALES.search(extracted(article_id).body)


def test_title_and_date_agree_with_gold():
    for article_id, (_, gold) in pages().items():
        article = extracted(article_id)
        assert article.title == gold["title"], article_id
        assert article.date == datetime.date.fromisoformat(gold["date"]), article_id


def without_paragraphs_after(html: str, gold_body: str, keep: int) -> tuple[str, list[str]]:
    """The served page with only its first ``keep`` gold paragraphs left, and those paragraphs."""
    paragraphs = {squeeze(p) for p in gold_body.splitlines()}
    found = [m for m in PARAGRAPH.finditer(html) if squeeze(_text(m.group())) in paragraphs]
    for match in reversed(found[keep:]):
        html = html[: match.start()] + html[match.end() :]
    return html, [_text(m.group()).strip() for m in found[:keep]]


def _text(fragment: str) -> str:
    return lxml.html.fragment_fromstring(fragment, create_parent="div").text_content()


@pytest.mark.parametrize("keep", [0, 1])
def test_short_article_gets_no_chrome(keep):
    """With one paragraph or none, trafilatura alone falls back to the text around it: not here."""
    for article_id, (html, gold) in pages().items():
        page, kept = without_paragraphs_after(html, gold["text"], keep)
        body = extract_html(page).body
        assert all(squeeze(p) in squeeze(body) for p in kept), article_id
        assert all(squeeze(line) in squeeze(gold["text"]) for line in body.splitlines()), article_id


@pytest.mark.parametrize(
    "declare",
    [
        lambda h: h.replace("charset=UTF-8", "charset=gbk"),
        lambda h: h.replace(
            '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />', '<meta charset="gbk">'
        ),
        lambda h: '<?xml version="1.0" encoding="gbk"?>\n' + h.replace("charset=UTF-8", "charset=gbk"),
    ],
    ids=["http-equiv", "meta-charset", "xml-declaration"],
)
def test_page_declaring_gbk_decoded_first(declare):
    """A GBK page, decoded by decode_bytes, is not decoded again by its charset declaration."""
    tested = 0
    for article_id, (html, _) in pages().items():
        if "charset=UTF-8" not in html:
            continue
        try:
            data = declare(html).encode("gbk")
        except UnicodeEncodeError:
            continue
        text, encoding = decode_bytes(data)
        assert encoding == "gb18030"
        assert extract_html(text) == extracted(article_id)
        tested += 1
    assert tested >= 10


def test_page_without_body():
    assert extract_html("<html><body><script>x()</script></body></html>") == HtmlArticle(None, None, "")


def test_empty_and_not_html():
    assert extract_html("").body == ""
    assert extract_html("   ").body == ""


def built_page(paragraphs: list[str]) -> str:
    """A news page written here around ``paragraphs``: menu, headline, byline, sidebar, footer, scripts."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html><head><meta charset="gbk"><title>四平招商引资 - 示例新闻网</title>
<script>var menu = $("#nav"); function show() {{ menu.show(); }}</script></head>
<body><div class="topNav"><a href="/">网站首页</a> <a href="/news">新闻中心</a>
<a href="/about">关于我们</a></div>
<div id="main"><h1>四平招商引资</h1>
<div class="source">来源：示例新闻网 发布时间：2023-09-12</div>{body}</div>
<div class="sidebar"><h3>热点新闻</h3><ul><li><a href="/1">长春新区再添重点项目</a></li>
<li><a href="/2">吉林省重大项目集中开工</a></li></ul></div>
<div class="footer"><p>版权所有 示例新闻网 备案号00000000</p><p>联系我们 | 网站地图</p></div>
<script>show();</script></body></html>"""


@pytest.mark.parametrize("count", [1, 6], ids=["one-paragraph", "six-paragraphs"])
def test_seed_article_in_a_page_built_here(seed_texts, count):
    """Runs without ../shared. One short paragraph is where trafilatura's defaults take the sidebar too."""
    text = next(iter(seed_texts.values()))
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()][:count]
    page = decode_bytes(built_page(paragraphs).encode("gb18030"))[0]
    assert extract_html(page) == HtmlArticle(
        "四平招商引资", datetime.date(2023, 9, 12), "\n".join(paragraphs)
    )
