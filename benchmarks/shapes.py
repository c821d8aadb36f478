"""Article shapes that ordinary news does not show, at four sizes each: does the cost grow with the length?

    .venv/bin/python benchmarks/shapes.py [--shapes list,repeat,unpunctuated,amounts,heads] [--scale 1]

Each shape is generated at four sizes; each size is extracted alone in a
child process (pipeline built and warmed first: start-up is not counted) as
``projreg ingest`` extracts it. Prints, per shape and size: characters,
seconds, peak memory of the child (resident set), seconds per 1,000
characters, and per shape the exponent fitted to seconds against characters
(1 is linear, 2 quadratic). The last line is all of it as JSON.

Shapes (issue "Nothing slow, nothing lost"):

- ``list``: a 重点项目名单 one row a project (number, name, investment, builder);
- ``repeat``: one project sentence repeated on one line;
- ``unpunctuated``: an e-paper page pasted as one line without punctuation;
- ``amounts``: one article with many amounts in one paragraph;
- ``companies``: a 企业名单 one row a company (its registered name and its brand with 公司): each
  name is one company written twice, and names are compared by key, never all pairs (2026-12-08);
- ``heads``: a line of nothing but a project head word (``项目项目…``): every offset ends a
  candidate name, the most candidates a text of its length can hold (found 2026-12-07; it held
  every candidate's features at once, 791 MB at 32k characters, before they were streamed).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time

SENTENCE = "计划总投资7.52亿元的双辽市绿电产业示范园区15万千瓦风电项目近日开工建设，年产值1.48亿元。"
PLACES = ("长春新区", "白城经开区", "梅河口市", "双辽市", "四平市", "松原市", "延吉市", "通化县")
KINDS = ("风电项目", "光伏电站项目", "污水处理厂工程", "物流园项目", "产业园项目", "热电联产项目")
BUILDERS = ("城建投资有限公司", "能源集团有限公司", "交通建设有限公司", "实业发展有限公司")
FILLER = "记者从市发改委获悉全市重点项目建设进展顺利各地抓住有利时机加快推进项目建设开工复工"


def project_list(rows: int) -> str:
    lines = ["2025年全省重点建设项目名单", "序号  项目名称  总投资  建设单位"]
    for i in range(1, rows + 1):
        place, kind = PLACES[i % len(PLACES)], KINDS[i % len(KINDS)]
        builder = PLACES[(i + 3) % len(PLACES)][:3] + BUILDERS[i % len(BUILDERS)]
        lines.append(f"{i}  {place}{i}号{kind}  总投资{i % 90 + 5}亿元  建设单位：{builder}")
    return "\n".join(lines)


def repeated(times: int) -> str:
    return SENTENCE * times


def unpunctuated(chars: int) -> str:
    body = (FILLER + "双辽市绿电产业示范园区风电项目总投资7亿元") * (chars // 60 + 1)
    return body[:chars]


def amounts(count: int) -> str:
    parts = [f"第{i}项投资{i % 97 + 1}.{i % 10}亿元" for i in range(1, count + 1)]
    return "今年全市安排项目资金，" + "，".join(parts) + "。"


def heads(times: int) -> str:
    return "项目" * times


#: Characters of made-up brands (two of them a brand: 2,401 distinct names).
BRAND_CHARS = (
    "鑫瑞恒泰华盛宏达兴隆昌顺丰源通汇德嘉和信博远天宇金辉腾飞安康永新晨星海润东方佳美中科创智云峰凯旋乐"
)
TRADES = ("科技", "机械制造", "新材料", "食品", "物流", "建设")


def company_list(rows: int) -> str:
    lines = ["2025年全省入库企业名单", "序号  企业名称  简称"]
    for i in range(1, rows + 1):
        n = len(BRAND_CHARS)
        brand = BRAND_CHARS[i % n] + BRAND_CHARS[(i // n) % n]
        lines.append(f"{i}  {PLACES[i % len(PLACES)]}{brand}{TRADES[i % len(TRADES)]}有限公司  {brand}公司")
    return "\n".join(lines)


SHAPES = {
    "list": (project_list, (200, 400, 800, 1600)),
    "repeat": (repeated, (50, 100, 200, 400)),
    "unpunctuated": (unpunctuated, (5_000, 10_000, 20_000, 40_000)),
    "amounts": (amounts, (100, 200, 400, 800)),
    "heads": (heads, (2_000, 4_000, 8_000, 16_000)),
    "companies": (company_list, (200, 400, 800, 1600)),
}


def one(shape: str, size: int) -> None:
    """In the child: build the pipeline, warm it, extract one article of the shape; print JSON figures."""
    from extract.models import Article
    from extract.pipeline import Extractor

    extractor = Extractor()
    extractor(Article(id="warm", text=SENTENCE))
    text = SHAPES[shape][0](size)
    started = time.perf_counter()
    extraction = extractor(Article(id=f"{shape}-{size}", text=text))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {"chars": len(text), "seconds": seconds, "peak_mb": peak, "projects": len(extraction.projects)}
    print(json.dumps(figures))


def exponent(points: list[tuple[int, float]]) -> float:
    """The slope of log seconds against log characters (least squares)."""
    xs = [math.log(c) for c, _ in points]
    ys = [math.log(max(s, 1e-4)) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shapes", default=",".join(SHAPES), help="Comma-separated shapes to run.")
    parser.add_argument("--one", nargs=2, metavar=("SHAPE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one[0], int(args.one[1]))
        return
    report: dict[str, dict] = {}
    for shape in args.shapes.split(","):
        rows = []
        for size in SHAPES[shape][1]:
            command = [sys.executable, __file__, "--one", shape, str(size)]
            child = subprocess.run(command, capture_output=True, text=True, check=True)
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            rows.append({"size": size, **figures})
            per_k = 1000 * figures["seconds"] / figures["chars"]
            print(
                f"{shape:13} {size:>6}: {figures['chars']:>7,} chars {figures['seconds']:7.2f} s "
                f"{figures['peak_mb']:6.0f} MB {per_k:7.3f} s/1k chars {figures['projects']:>5} projects",
                flush=True,
            )
        fitted = exponent([(r["chars"], r["seconds"]) for r in rows])
        print(f"{shape:13} exponent {fitted:.2f}")
        report[shape] = {"sizes": rows, "exponent": round(fitted, 2)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
