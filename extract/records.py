"""Extractions as the export record of RECORDS.md, without a registry.

Cross-validation and training score extractions straight from the pipeline;
the registry's export (:mod:`extract.export`) adds what only a registry knows
(canonical ids, names learnt from other articles, review decisions).
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import DateRange, Mention, Money, Organisation, Project


def record(
    article_id: str,
    projects: Sequence[Project],
    money: Sequence[Money],
    organisations: Sequence[Organisation],
    dates: Sequence[DateRange],
    contacts: Sequence[Mention],
) -> dict:
    """The scored keys of one article's export record; spans may be in any coordinates."""
    companies: list[str] = []
    written = {o.name for o in organisations if o.kind == "company"}
    for o in organisations:
        if o.kind != "company":
            continue
        name = o.refers_to if o.refers_to in written else o.name
        if name not in companies:
            companies.append(name)
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
