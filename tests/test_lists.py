"""Lists and tables of projects (重点项目名单): each row one project, with its name and investment.

The lists are generated in several layouts (space- or tab-separated, with and
without row numbers, amounts in 亿元 and 万元, numbered items with 、, an HTML
table through the HTML reader); names repeat places and kinds, so rows look
alike and must neither be joined by layout repair nor merged as one project.
"""

from __future__ import annotations

import random

import pytest

from extract.evaluate import norm_project
from extract.html import extract_html
from extract.models import Article
from extract.pipeline import Extractor

PLACES = (
    "长春新区",
    "白城经开区",
    "梅河口市",
    "双辽市",
    "四平市",
    "松原市",
    "延吉市",
    "通化县",
    "公主岭市",
    "珲春市",
)
KINDS = (
    *("风电项目", "光伏电站项目", "污水处理厂工程", "物流园项目", "热电联产项目", "产业园项目"),
    *("医院门诊楼建设项目", "高速公路改扩建工程", "新材料产业化项目", "冷链仓储中心项目"),
)
BUILDERS = (
    "城建投资有限公司",
    "能源集团有限公司",
    "交通建设有限公司",
    "实业发展有限公司",
    "新材料科技有限公司",
)


def rows(n: int, seed: int) -> list[tuple[int, str, float, str]]:
    """``n`` rows (number, name, investment in 亿元, builder), names unique."""
    r, out, seen = random.Random(seed), [], set()
    for i in range(1, n + 1):
        middle = r.choice(["", f"{i}号", f"年产{r.randint(2, 90)}万吨"])
        name = f"{r.choice(PLACES)}{middle}{r.choice(KINDS)}"
        while name in seen:
            name = f"{r.choice(PLACES)}{i}号{r.choice(KINDS)}"
        seen.add(name)
        amount = r.randint(3, 900) / 10 if r.random() < 0.5 else r.randint(3, 900)
        out.append((i, name, amount, r.choice(PLACES)[:2] + r.choice(BUILDERS)))
    return out


def _n(x: float) -> str:
    return f"{x:.12g}"


def _html(rs) -> str:
    cells = "".join(f"<tr><td>{i}</td><td>{n}</td><td>{_n(a)}亿元</td><td>{b}</td></tr>" for i, n, a, b in rs)
    head = "<tr><th>序号</th><th>项目名称</th><th>总投资</th><th>建设单位</th></tr>"
    return f"<html><body><h1>2025年重点项目名单</h1><table>{head}{cells}</table></body></html>"


LAYOUTS = {
    "spaces, numbered": lambda rs: "\n".join(
        ["2025年重点项目名单", "序号  项目名称  总投资  建设单位"]
        + [f"{i}  {n}  总投资{_n(a)}亿元  建设单位：{b}" for i, n, a, b in rs]
    ),
    "tabs, 万元": lambda rs: "\n".join(
        ["序号\t项目名称\t总投资(万元)\t建设单位"]
        + [f"{i}\t{n}\t{_n(a * 10000)}万元\t{b}" for i, n, a, b in rs]
    ),
    "no numbers": lambda rs: "\n".join(
        ["今年全市重点项目如下："] + [f"{n}  总投资{_n(a)}亿元  {b}" for i, n, a, b in rs]
    ),
    "numbered with 、": lambda rs: "\n".join(
        ["全市重点项目名单"] + [f"{i}、{n}，总投资{_n(a)}亿元，建设单位：{b}。" for i, n, a, b in rs]
    ),
    "HTML table": lambda rs: extract_html(_html(rs)).body,
}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_rows_of_a_list_are_projects_with_their_investment(extractor, layout):
    found = total = 0
    for seed in range(3):
        rs = rows(40, seed)
        extraction = extractor(Article(id=f"list-{seed}", text=LAYOUTS[layout](rs)))
        projects = {norm_project(p.name): p for p in extraction.projects}
        for _, name, amount, _ in rs:
            p = projects.get(norm_project(name))
            found += p is not None and p.investment_yuan == round(amount * 10**8)
            total += 1
    assert found / total >= 0.95, f"{found} of {total} rows"
