"""How the site writes values for people: stages and roles in Chinese with the code beside, amounts
in 亿元 or 万元 with separators, dates as dates, companies as links. HTML only: the JSON keeps the
stored values."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from markupsafe import Markup, escape

STAGES = {
    "negotiating": "洽谈",
    "signed": "签约",
    "planned": "计划",
    "started": "开工",
    "under_construction": "在建",
    "trial_operation": "试运行",
    "operational": "投产运营",
}
ROLES = {
    "total_investment": "总投资",
    "planned_investment": "计划投资",
    "contract_investment": "签约投资",
    "funds_in_place": "到位资金",
    "funds": "资金",
    "output_value": "产值",
    "tax": "税收",
    "deal_value": "交易额",
    "threshold": "门槛",
    "other": "其他",
}
DATE_COLUMNS = frozenset({"signed_on", "started_on", "expected_operation"})
YI, WAN = 100_000_000, 10_000


def coded(label: str, code: str) -> Markup:
    return Markup(f'{escape(label)} <small class="projreg-code">{escape(code)}</small>')


def amount(yuan: int) -> str:
    """``7.52 亿元``, ``500 万元`` or ``3,000 元``: the unit the press would write."""
    if abs(yuan) >= YI:
        return f"{yuan / YI:,.2f} 亿元".replace(".00 ", " ")
    if abs(yuan) >= WAN:
        return f"{yuan / WAN:,.2f} 万元".replace(".00 ", " ")
    return f"{yuan:,} 元"


def date_range(value: str) -> str | None:
    """A stored date range (JSON with start_date and end_date) as ``2025-03-01`` or ``2025-03 – 2025-06``."""
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or not data.get("start_date"):
        return None
    start, end = data["start_date"], data.get("end_date") or data["start_date"]
    return start if start == end else f"{start} – {end}"


def company_links(value: str) -> Markup | None:
    """A JSON list of company names as links to all their projects, under every name the company goes
    by (``/-/projreg/company`` finds its canonical record)."""
    try:
        names = json.loads(value)
    except (TypeError, ValueError):
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    links = [f'<a href="/-/projreg/company?{escape(urlencode({"name": n}))}">{escape(n)}</a>' for n in names]
    return Markup("、".join(links))


def label_cell(value: object, column: str) -> Markup | str | None:
    """The HTML of a cell where the site writes it for people, or None to leave it to Datasette."""
    if column == "stage" and value in STAGES:
        return coded(STAGES[value], value)
    if column == "role" and value in ROLES:
        return coded(ROLES[value], value)
    if column.endswith("_yuan") and isinstance(value, int) and not isinstance(value, bool):
        return amount(value)
    if column in DATE_COLUMNS and isinstance(value, str):
        return date_range(value)
    if column == "companies" and isinstance(value, str):
        return company_links(value)
    return None
