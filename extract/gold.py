"""Gold folders as training and evaluation data: the records, and the article texts they were made from.

A gold folder (``shared/gold/train``) holds one ``<article_id>.json`` per
article; the texts are in the folder's ``articles.jsonl`` where it has one,
else in the shared corpus beside it (``shared/corpus/*.jsonl``,
``shared/seeds``, ``shared/bench/xwlb-stories.jsonl.gz``), as
``shared/gold/README.md`` says. Reading them needs no registry.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from .evaluate import load_gold
from .ingest import article_from_fields
from .models import Article


class GoldError(RuntimeError):
    """A gold folder that cannot be used: missing, empty, or naming articles whose text is nowhere."""


def load_golds(folders: Iterable[str | Path]) -> dict[str, dict]:
    """Gold records of every folder, by article id (a later folder's record of an id wins)."""
    golds: dict[str, dict] = {}
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise GoldError(f"gold folder {folder} does not exist")
        found = load_gold(folder)
        if not found:
            raise GoldError(f"gold folder {folder} holds no <article_id>.json file")
        golds.update(found)
    return golds


def gold_articles(folders: Iterable[str | Path], ids: Iterable[str]) -> dict[str, Article]:
    """The articles ``ids`` name, read from the gold folders' ``articles.jsonl`` and the shared corpus.

    The bench archive (100k stories) is read only when an id is still missing.
    """
    folders = [Path(f) for f in folders]
    wanted = set(ids)
    found: dict[str, Article] = {}
    for path in _text_sources(folders):
        for fields in _records(path):
            if fields.get("id") in wanted and fields["id"] not in found:
                article = article_from_fields(str(path), None, fields)
                if isinstance(article, Article):
                    found[article.id] = article
        if wanted <= found.keys():
            break
    missing = sorted(wanted - found.keys())
    if missing:
        raise GoldError(f"no text found for {len(missing)} gold article(s), e.g. {missing[:3]}")
    return found


def _text_sources(folders: list[Path]) -> Iterator[Path]:
    """Where texts may be, cheapest first: the folders' own lists, the corpus, the seeds, the bench."""
    for folder in folders:
        if (folder / "articles.jsonl").is_file():
            yield folder / "articles.jsonl"
    shared = {folder.resolve().parent.parent for folder in folders}
    for root in sorted(shared):
        yield from sorted((root / "corpus").glob("*.jsonl"))
        yield from sorted((root / "seeds").glob("*.txt"))
        yield from sorted((root / "bench").glob("xwlb-stories.jsonl.gz"))


def _records(path: Path) -> Iterator[dict]:
    """JSONL records of a file, or one record for a seed ``.txt`` (its metadata from ``*.meta.jsonl``)."""
    if path.suffix == ".txt":
        meta = {}
        for meta_path in path.parent.glob("*.meta.jsonl"):
            for line in meta_path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    meta[record["id"]] = record
        keys = ("title", "date", "source", "url")
        extra = {k: v for k, v in meta.get(path.stem, {}).items() if k in keys}
        yield {"id": path.stem, "text": path.read_text(encoding="utf-8"), **extra}
        return
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
