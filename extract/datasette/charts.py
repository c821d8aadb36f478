"""Charts as inline SVG drawn on the server: no JavaScript, nothing fetched from a CDN."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Chart:
    """A bar chart: its title, the unit of its values, and the SQL that yields (label, value) rows."""

    slug: str
    title: str
    unit: str
    sql: str


CHARTS = [
    Chart(
        "investment-by-year",
        "Investment by year of report",
        "亿元",
        "select year, round(sum(investment_yuan) / 1e8, 2) from project_overview"
        " where investment_yuan is not null and year is not null group by year order by year",
    ),
    Chart(
        "investment-by-stage",
        "Investment by stage",
        "亿元",
        "select coalesce(stage, '(not said)'), round(sum(investment_yuan) / 1e8, 2) from project_overview"
        " where investment_yuan is not null group by stage order by 2 desc",
    ),
    Chart(
        "top-places",
        "Top places by number of projects",
        "projects",
        "select place, count(*) from project_overview where place is not null"
        " group by place order by 2 desc, place limit 15",
    ),
]

BAR_HEIGHT = 22
LABEL_WIDTH = 170
BAR_WIDTH = 420


def bar_chart_svg(chart: Chart, rows: list[tuple[str, float]]) -> Markup:
    """A horizontal bar chart of ``rows`` as an SVG element (labels escaped)."""
    if not rows:
        return Markup("<p>No data for this chart yet.</p>")
    top = max(float(value or 0) for _, value in rows) or 1.0
    height = BAR_HEIGHT * len(rows) + 10
    width = LABEL_WIDTH + BAR_WIDTH + 110
    bars = []
    for i, (label, value) in enumerate(rows):
        y = 5 + i * BAR_HEIGHT
        length = max(1.0, BAR_WIDTH * float(value or 0) / top)
        bars.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{escape(str(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{BAR_HEIGHT - 6}"'
            ' fill="#3d7ab8">'
            f"<title>{escape(str(label))}: {value:g} {escape(chart.unit)}</title></rect>"
            f'<text x="{LABEL_WIDTH + length + 5:.1f}" y="{y + 15}">{value:g} {escape(chart.unit)}</text>'
        )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart.slug}" class="projreg-chart" role="img" '
        f'aria-label="{escape(chart.title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-size="13">{"".join(bars)}</svg>'
    )
