"""Shared fixtures: the seeds in corpus/, and ../shared where it exists (CI has it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "corpus"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test cleanly where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available (../shared is absent)")
    return path


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The two seed articles, by article id."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def seed_meta() -> dict[str, dict]:
    lines = (CORPUS / "seeds.meta.jsonl").read_text(encoding="utf-8").splitlines()
    return {m["id"]: m for m in map(json.loads, filter(None, lines))}


def gold_articles() -> list[dict]:
    """Gold dev records (skips where ../shared is absent)."""
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(shared_path("gold", "dev").glob("*.json"))
    ]


def corpus_articles() -> dict[str, dict]:
    """Every article of ../shared/corpus/*.jsonl plus the seeds, by id."""
    out: dict[str, dict] = {}
    for p in sorted(shared_path("corpus").glob("*.jsonl")):
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                a = json.loads(line)
                out[a["id"]] = a
    meta = {
        m["id"]: m
        for m in map(json.loads, filter(None, (CORPUS / "seeds.meta.jsonl").read_text().splitlines()))
    }
    for p in CORPUS.glob("*.txt"):
        out[p.stem] = dict(meta.get(p.stem, {}), id=p.stem, text=p.read_text(encoding="utf-8"))
    return out
