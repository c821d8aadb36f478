"""Records that cross a stage boundary (ingest → clean → extract → registry → export).

Every extracted value is a *mention*: it carries the character span
(``start``/``end``, end exclusive) of the text it came from. Extractors
produce spans in the coordinates of the text they were given (the cleaned
text); the pipeline maps them to the original article text before they are
stored, so a stored span always indexes ``articles.text``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MoneyRole = Literal[
    "total_investment",
    "planned_investment",
    "contract_investment",
    "funds_in_place",
    "funds",
    "output_value",
    "tax",
    "deal_value",
    "threshold",
    "other",
]
Qualifier = Literal["approx", "nearly", "over", "at_most", "several", "range"]
Stage = Literal[
    "negotiating",
    "signed",
    "planned",
    "started",
    "under_construction",
    "trial_operation",
    "operational",
]
Period = Literal["year", "month", "day", "hour"]


class Article(BaseModel):
    """One input article as read from disk, before cleaning."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    text: str
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = Field(None, description="file the article came from")
    line: int | None = Field(None, description="line of a JSONL file")
    encoding: str | None = None


class IngestFailure(BaseModel):
    """An input that could not be read as an article: kept, with why."""

    path: str
    line: int | None = None
    article_id: str | None = None
    reason: str


class Mention(BaseModel):
    """A value found in text: its span there and the text it covers."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    sentence: str | None = Field(None, description="the sentence it came from, filled by the pipeline")

    @model_validator(mode="after")
    def _span_is_ordered(self) -> Mention:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} before start {self.start}")
        return self


class Money(Mention):
    """An amount of money. ``yuan`` is the lower bound for vague amounts; a float only where the
    amount has a fraction of a yuan (35.55元/股)."""

    yuan: int | float | None
    yuan_max: int | float | None = None
    currency: str = "CNY"
    amount: float | None = Field(None, description="amount in its own currency (non-CNY)")
    role: MoneyRole = "other"
    qualifier: Qualifier | None = None


class Capacity(Mention):
    """A production / installed / service capacity, normalised per RECORDS.md."""

    value: float
    unit: str
    period: Period | None = None
    product: str | None = None


class DateRange(Mention):
    """A calendar expression resolved to a range; ``start_date`` None for 截至X."""

    start_date: dt.date | None
    end_date: dt.date | None


class Sentence(Mention):
    """A sentence of the cleaned text (span in cleaned coordinates until mapped)."""


OrgKind = Literal["company", "government", "association", "park", "institution", "media", "other"]


class Organisation(Mention):
    """A named organisation; only ``kind == "company"`` is exported as a company.

    ``name`` is the name as it should be listed (layout breaks removed, a
    ``（以下简称“X”）`` short form resolved to itself), ``text`` the span as written.
    """

    name: str
    kind: OrgKind = "company"
    source: str = Field("rule", description="what found it: rule, ner, lexicon, alias")
    refers_to: str | None = Field(None, description="the fuller name a short form stands for (article)")


class Project(Mention):
    """One investment or construction project of an article (RECORDS.md "projects").

    The span is the first full naming mention; ``mentions`` holds every span
    that names it (full and short names), ``evidence`` the span each attribute
    came from (``"investment_yuan"`` → the money span, ``"stage"`` → the stage
    keyword, ``"contact"`` → the person's name).
    """

    name: str
    aliases: list[str] = []
    investment_yuan: int | float | None = None
    stage: Stage | None = None
    place: str | None = None
    companies: list[str] = []
    capacities: list[Capacity] = []
    output_value_yuan: int | float | None = None
    tax_yuan: int | float | None = None
    contact: str | None = None
    signed_on: DateRange | None = None
    started_on: DateRange | None = None
    expected_operation: DateRange | None = None
    mentions: list[Mention] = []
    evidence: dict[str, Mention] = {}
    #: The learned models' probability that the name is a project's (the best of its mentions they
    #: scored), and that ``investment_yuan`` is this project's own amount (not a total over many):
    #: what "confident records only" and the review queue's order read. None where no model scored it.
    name_score: float | None = None
    investment_score: float | None = None


class Indicator(Mention):
    """An aggregate figure over many projects (``等74个项目，计划总投资560.84亿元``): never a project fact."""

    region: str | None = None
    period: str | None = None
    metric: str
    value: float
    unit: str
