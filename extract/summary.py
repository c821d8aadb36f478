"""A short human summary of what the registry holds (``python -m extract.summary --db DB``)."""

from __future__ import annotations

import argparse

import sqlite_utils

from .registry import MENTION_TABLES


def summary_lines(db: sqlite_utils.Database) -> list[str]:
    """Counts per table, money per role, and the companies mentioned most."""
    articles = db["articles"].count
    failures = db["failures"].count
    lines = [f"registry: {articles} articles, {failures} failed inputs recorded"]
    lines.append("  " + ", ".join(f"{db[t].count} {t}" for t in (*MENTION_TABLES, "projects")))
    canonical = db["canonical_projects"].count if db["canonical_projects"].exists() else 0
    lines.append(f"  {canonical} distinct projects across articles; the largest:")
    largest = db.execute(
        "select name, investment_yuan, coalesce(stage, '-'), article_id from projects "
        "where investment_yuan is not null order by investment_yuan desc limit 5"
    ).fetchall()
    for name, yuan, stage, article in largest:
        lines.append(f"    {name}  {yuan / 1e8:,.2f} 亿元  {stage}  ({article})")
    roles = db.execute(
        "select role, count(*), sum(yuan) from money where yuan is not null group by role order by 3 desc"
    ).fetchall()
    for role, n, total in roles:
        lines.append(f"  money {role:20} {n:5} amounts, {total / 1e8:12,.2f} 亿元 in all")
    top = db.execute(
        "select coalesce(refers_to, name) company, count(distinct article_id) n from organisations "
        "where kind = 'company' group by company order by n desc, company limit 10"
    ).fetchall()
    if top:
        lines.append("  companies: " + "、".join(f"{name}({n})" for name, n in top))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="outputs/registry.db")
    args = parser.parse_args()
    print("\n".join(summary_lines(sqlite_utils.Database(args.db))))


if __name__ == "__main__":
    main()
