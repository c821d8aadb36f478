"""The article of a news page: its body text without the site around it, its title and date.

trafilatura does the work (readability-lxml was measured too: lower F1, and it
kept the byline and template code). ``rules/html.yml`` only removes what
trafilatura can mistake for the body of a *short* article (menus, headline,
byline, server template code) and sets two of its options, each with the
reason there. The page comes in as ``str``, decoded by
:func:`extract.encoding.decode_bytes`, so a ``charset=gbk`` declaration in it
is ignored rather than applied a second time.
"""

from __future__ import annotations

import datetime
import re
from configparser import ConfigParser
from dataclasses import dataclass
from functools import cache

import trafilatura
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, field_validator
from trafilatura.settings import use_config

from .rules import load_rules


class StripRule(BaseModel):
    """A regex removed from the page source before parsing."""

    model_config = ConfigDict(extra="forbid")
    pattern: re.Pattern[str]
    why: str


class PruneRule(BaseModel):
    """An XPath of elements dropped before extraction."""

    model_config = ConfigDict(extra="forbid")
    xpath: str
    why: str

    @field_validator("xpath")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            etree.XPath(value)
        except etree.XPathSyntaxError as exc:
            raise ValueError(f"not a valid XPath: {exc}") from exc
        return value


class HtmlRules(BaseModel):
    """``rules/html.yml``."""

    model_config = ConfigDict(extra="forbid")
    strip: list[StripRule]
    prune: list[PruneRule]
    min_extracted_size: int = Field(ge=1)
    extensive_date_search: bool


@dataclass(frozen=True)
class HtmlArticle:
    """What a news page says about its article; empty body when it has none."""

    title: str | None
    date: datetime.date | None
    body: str  # paragraphs separated by "\n"


@cache
def _rules() -> HtmlRules:
    return load_rules("html", HtmlRules)


@cache
def _config() -> ConfigParser:
    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(_rules().min_extracted_size))
    return config


def extract_html(html: str) -> HtmlArticle:
    """Title, date and body of the article in ``html``; a page without one gives an empty body."""
    rules = _rules()
    for rule in rules.strip:
        html = rule.pattern.sub("", html)
    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        prune_xpath=[rule.xpath for rule in rules.prune],
        date_extraction_params={"extensive_search": rules.extensive_date_search, "original_date": True},
        config=_config(),
    )
    if document is None:
        return HtmlArticle(title=None, date=None, body="")
    return HtmlArticle(
        title=document.title or None, date=_date(document.date), body=_paragraphs(document.text)
    )


def _date(value: str | None) -> datetime.date | None:
    """trafilatura gives ISO dates as text; anything else is no date."""
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _paragraphs(text: str | None) -> str:
    """One paragraph a line, without the indentation (``\\u3000``, ``&nbsp;``) pages put before them."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())
