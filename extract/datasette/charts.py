"""Charts as inline SVG drawn on the server: no JavaScript, nothing fetched from a CDN.

By default a chart counts confident records only (``project_overview.confident``: reviewed, or
an investment the model is sure is the project's own), so a national total read as one project
does not make a year's bar; ``?all=1`` counts every record. Every bar links to the records it
counts, in ``project_overview`` with the same filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from markupsafe import Markup


@dataclass(frozen=True)
class Chart:
    """A bar chart: its title, the unit of its values, the SQL that yields (label, value, key) rows
    (``{where}`` is where the confident-only filter goes), and the ``project_overview`` column the
    key filters for the drill-down."""

    slug: str
    title: str
    unit: str
    sql: str
    column: str
    measure: str

    def query(self, confident_only: bool) -> str:
        return self.sql.format(where="confident = 1" if confident_only else "1")

    def records(self, database: str, key: object, confident_only: bool) -> str:
        """The path of the records behind one bar, largest investment first."""
        args = {f"{self.column}__isnull": "1"} if key is None else {self.column: str(key)}
        args |= {"confident": "1"} if confident_only else {}
        args |= {"_sort_desc": "investment_yuan"}
        if self.measure == "investment":
            args["investment_yuan__notblank"] = "1"
        return f"/{database}/project_overview?" + urlencode(args)


CHARTS = [
    Chart(
        "investment-by-year",
        "Investment by year of report",
        "亿元",
        "select year, round(sum(investment_yuan) / 1e8, 2), year from project_overview"
        " where investment_yuan is not null and year is not null and {where} group by year order by year",
        "year",
        "investment",
    ),
    Chart(
        "investment-by-stage",
        "Investment by stage",
        "亿元",
        "select coalesce(stage, '(not said)'), round(sum(investment_yuan) / 1e8, 2), stage"
        " from project_overview where investment_yuan is not null and {where} group by stage order by 2 desc",
        "stage",
        "investment",
    ),
    Chart(
        "top-places",
        "Top places by number of projects",
        "projects",
        "select place, count(*), place from project_overview where place is not null and {where}"
        " group by place order by 2 desc, place limit 15",
        "place",
        "count",
    ),
]

BAR_HEIGHT = 22
LABEL_WIDTH = 170
BAR_WIDTH = 420


def bar_chart_svg(chart: Chart, rows: list[tuple[str, float, str]], links: list[str]) -> Markup:
    """A horizontal bar chart of ``rows`` as an SVG element (labels escaped), each bar a link."""
    if not rows:
        return Markup("<p>No data for this chart yet.</p>")
    top = max(float(value or 0) for _, value, _ in rows) or 1.0
    height = BAR_HEIGHT * len(rows) + 10
    width = LABEL_WIDTH + BAR_WIDTH + 110
    bars = []
    for i, ((label, value, _), link) in enumerate(zip(rows, links, strict=True)):
        y = 5 + i * BAR_HEIGHT
        length = max(1.0, BAR_WIDTH * float(value or 0) / top)
        bars.append(
            f'<a href="{escape(link)}" class="projreg-bar">'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{escape(str(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{BAR_HEIGHT - 6}"'
            ' fill="#3d7ab8">'
            f"<title>{escape(str(label))}: {value:g} {escape(chart.unit)} (open the records)</title></rect>"
            f'<text x="{LABEL_WIDTH + length + 5:.1f}" y="{y + 15}">{value:g} {escape(chart.unit)}</text></a>'
        )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart.slug}" class="projreg-chart" role="img" '
        f'aria-label="{escape(chart.title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-size="13">{"".join(bars)}</svg>'
    )
