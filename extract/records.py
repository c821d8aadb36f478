"""Extractions as the export record of RECORDS.md, without a registry.

Cross-validation and training score extractions straight from the pipeline;
the registry's export (:mod:`extract.export`) adds what only a registry knows
(canonical ids, names learnt from other articles, review decisions).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from .models import DateRange, Mention, Money, Organisation, Project
from .orgs import group_member


def record(
    article_id: str,
    projects: Sequence[Project],
    money: Sequence[Money],
    organisations: Sequence[Organisation],
    dates: Sequence[DateRange],
    contacts: Sequence[Mention],
) -> dict:
    """The scored keys of one article's export record; spans may be in any coordinates."""
    companies = company_names([(o.name, o.refers_to) for o in organisations if o.kind == "company"])
    return {
        "article_id": article_id,
        "projects": [
            {
                "name": p.name,
                "aliases": p.aliases,
                "investment_yuan": p.investment_yuan,
                "stage": p.stage,
                "place": p.place,
                "companies": p.companies,
                "capacities": [{"value": c.value, "unit": c.unit} for c in p.capacities],
                "output_value_yuan": p.output_value_yuan,
                "tax_yuan": p.tax_yuan,
                "contact": p.contact,
            }
            for p in projects
        ],
        "companies": [{"name": n} for n in companies],
        "money": [{"text": m.text, "yuan": m.yuan, "role": m.role} for m in money],
        "contacts": list(dict.fromkeys(c.text for c in contacts)),
        "dates": [
            {"start": d.start_date and str(d.start_date), "end": d.end_date and str(d.end_date)}
            for d in dates
        ],
    }


def company_names(mentions: Sequence[tuple[str, str | None]]) -> list[str]:
    """Distinct companies of an article, in order of first mention, one name each.

    A short form is folded into the name it stands for (``refers_to``) where
    the article writes that name, and a name that opens another company name
    of the article (一汽 before 一汽集团, 吉林世宝 before its registered name) is
    that company: the gold, like a reader, lists one company once. A group is
    not its local company nor its arm in another trade (青岛啤酒 and 青岛啤酒揭阳公司,
    格力 and 格力地产 are two).
    """
    written = {name for name, _ in mentions}
    names = list(dict.fromkeys(ref if ref in written else name for name, ref in mentions))
    # A name that opens others sorts right before them: each name looks at its successor only.
    ordered = sorted(names)
    pairs = itertools.pairwise(ordered)
    opens = {a for a, b in pairs if len(a) >= 2 and b.startswith(a) and not group_member(a, b)}
    return [n for n in names if n not in opens]
