"""Score an export against gold records: precision, recall, F1 per slot and micro-averaged.

The rules are those of RECORDS.md "Scoring" and must give the same figures
as the reference scorer (``shared/tools/score.py``); a test checks that on
the dev gold. Facts are counted per article and summed over articles.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

QUOTES = set("《》〈〉“”‘’\"'「」『』【】()（）")
PROJECT_SUFFIXES = ("建设项目", "项目", "工程")
SCALAR_SLOTS = ("investment_yuan", "output_value_yuan", "tax_yuan", "stage", "contact")
SLOTS = (
    "project",
    "investment_yuan",
    "stage",
    "output_value_yuan",
    "tax_yuan",
    "contact",
    "project_capacities",
    "project_companies",
    "company",
    "money",
    "money_role",
    "contact_person",
    "date",
)


def norm(s: str | None) -> str:
    """NFKC, no white space, no quotes or brackets."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))
    return "".join(ch for ch in s if ch not in QUOTES)


def norm_project(s: str | None) -> str:
    """As :func:`norm`, with trailing 项目/建设项目/工程 dropped (repeatedly)."""
    s = norm(s)
    while True:
        suffix = next((x for x in PROJECT_SUFFIXES if s.endswith(x) and len(s) > len(x) + 1), None)
        if suffix is None:
            return s
        s = s[: -len(suffix)]


def contained(a: str, b: str) -> bool:
    """One name inside the other, the shorter at least 60 % of the longer (the scorer's lenient match)."""
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) >= 0.6 * len(long_)


def align(
    gold: list[dict], pred: list[dict], normf: Callable[[str], str], lenient: bool
) -> list[tuple[int, int]]:
    """Greedy one-to-one (gold index, predicted index) pairs: exact names first, then containment."""
    pairs: list[tuple[int, int]] = []
    used_g: set[int] = set()
    used_p: set[int] = set()
    for exact in (True, False) if lenient else (True,):
        for pi, p in enumerate(pred):
            if pi in used_p:
                continue
            pn = normf(p.get("name", ""))
            for gi, g in enumerate(gold):
                if gi in used_g:
                    continue
                names = [normf(n) for n in [g["name"], *g.get("aliases", [])]]
                if pn in names if exact else any(contained(pn, n) for n in names):
                    pairs.append((gi, pi))
                    used_g.add(gi)
                    used_p.add(pi)
                    break
    return pairs


@dataclass
class Tally:
    """True/false positives and negatives per slot, and the errors behind them."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, slot: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.tp[slot] += tp
        self.fp[slot] += fp
        self.fn[slot] += fn

    def prf(self, slot: str | None = None) -> dict[str, float]:
        if slot is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp[slot], self.fp[slot], self.fn[slot]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": p, "r": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _close(a: object, b: object) -> bool:
    if a is None or b is None:
        return False
    return abs(float(a) - float(b)) <= max(1.0, 1e-6 * abs(float(b)))


def _cap_key(c: dict) -> tuple[float, str]:
    return (round(float(c.get("value", 0)), 6), norm(c.get("unit", "")).lower())


def _multiset_slot(t: Tally, slot: str, gold: Iterable, pred: Iterable) -> tuple[Counter, Counter]:
    g, p = Counter(gold), Counter(pred)
    tp = sum((g & p).values())
    t.add(slot, tp=tp, fp=sum(p.values()) - tp, fn=sum(g.values()) - tp)
    return g, p


def score_article(gold: dict, pred: dict, t: Tally, lenient: bool = True) -> None:
    """Add one article's facts to ``t``."""
    aid = gold["article_id"]
    gp, pp = gold.get("projects", []), pred.get("projects", [])
    pairs = align(gp, pp, norm_project, lenient)
    gold_of = {pi: gi for gi, pi in pairs}
    pred_of = {gi: pi for gi, pi in pairs}
    _score_names(t, aid, "project", gp, pp, pairs)
    for slot in SCALAR_SLOTS:
        _score_scalar(t, aid, slot, gp, pp, pred_of, gold_of)
    for slot, keyf in (("capacities", _cap_key), ("companies", norm)):
        _score_project_sets(t, aid, slot, keyf, gp, pp, pred_of, gold_of)
    gc = gold.get("companies", [])
    pc = [{"name": c["name"] if isinstance(c, dict) else c} for c in pred.get("companies", [])]
    _score_names(t, aid, "company", gc, pc, align(gc, pc, norm, False))
    _score_money(t, aid, gold.get("money", []), pred.get("money", []))
    gct, pct = set(gold.get("contacts", [])), set(pred.get("contacts", []))
    t.add("contact_person", tp=len(gct & pct), fp=len(pct - gct), fn=len(gct - pct))
    if "dates" in gold:
        _score_dates(t, aid, gold["dates"], pred.get("dates", []))


def _score_names(t: Tally, aid: str, slot: str, gold: list, pred: list, pairs: list[tuple[int, int]]) -> None:
    matched_g = {gi for gi, _ in pairs}
    gold_of = {pi: gi for gi, pi in pairs}
    for gi, g in enumerate(gold):
        if not g.get("optional") and gi not in matched_g:
            t.add(slot, fn=1)
            t.errors.append((aid, slot, "missed", g["name"]))
    for pi, p in enumerate(pred):
        if pi not in gold_of:
            t.add(slot, fp=1)
            t.errors.append((aid, slot, "spurious", p.get("name")))
        elif not gold[gold_of[pi]].get("optional"):
            t.add(slot, tp=1)


def _score_scalar(t: Tally, aid: str, slot: str, gp: list, pp: list, pred_of: dict, gold_of: dict) -> None:
    numeric = slot.endswith("_yuan")
    for gi, g in enumerate(gp):
        if g.get("optional"):
            continue
        pv = pp[pred_of[gi]].get(slot) if gi in pred_of else None
        gv = g.get(slot)
        same = _close(pv, gv) if numeric else (gv is not None and norm(str(pv or "")) == norm(str(gv)))
        if gv is not None and same:
            t.add(slot, tp=1)
            continue
        if gv is not None:
            t.add(slot, fn=1)
            t.errors.append((aid, slot, "missed/wrong", f"{g['name']}: gold={gv} got={pv}"))
        if pv not in (None, ""):
            t.add(slot, fp=1)
    for pi, p in enumerate(pp):
        if pi not in gold_of and p.get(slot) not in (None, ""):
            t.add(slot, fp=1)


def _score_project_sets(
    t: Tally, aid: str, slot: str, keyf: Callable, gp: list, pp: list, pred_of: dict, gold_of: dict
) -> None:
    name = "project_" + slot
    for gi, g in enumerate(gp):
        if g.get("optional"):
            continue
        predicted = pp[pred_of[gi]].get(slot, []) if gi in pred_of else []
        gset, pset = _multiset_slot(t, name, map(keyf, g.get(slot, [])), map(keyf, predicted))
        if gset - pset:
            t.errors.append((aid, name, "missed", f"{g['name']}: {dict(gset - pset)}"))
    for pi, p in enumerate(pp):
        if pi not in gold_of:
            t.add(name, fp=len(p.get(slot, [])))


def _score_money(t: Tally, aid: str, gold: list, pred: list) -> None:
    g, p = _multiset_slot(
        t,
        "money",
        (m["yuan"] for m in gold if m.get("yuan") is not None),
        (m.get("yuan") for m in pred if m.get("yuan") is not None),
    )
    t.errors.extend((aid, "money", "missed", f"{v} x{n}") for v, n in (g - p).items())
    t.errors.extend((aid, "money", "spurious", f"{v} x{n}") for v, n in (p - g).items())
    _multiset_slot(
        t,
        "money_role",
        ((m["yuan"], m["role"]) for m in gold if m.get("yuan") is not None),
        ((m.get("yuan"), m.get("role")) for m in pred if m.get("yuan") is not None),
    )


def _score_dates(t: Tally, aid: str, gold: list, pred: list) -> None:
    def key(d: dict) -> tuple:
        return (d.get("start"), d.get("end"))

    required = Counter(key(d) for d in gold if not d.get("optional"))
    optional = Counter(key(d) for d in gold if d.get("optional"))
    got = Counter(key(d) for d in pred)
    tp = sum((required & got).values())
    spurious = (got - required) - optional
    t.add("date", tp=tp, fn=sum(required.values()) - tp, fp=sum(spurious.values()))
    t.errors.extend((aid, "date", "missed", f"{k} x{n}") for k, n in (required - got).items())
    t.errors.extend((aid, "date", "spurious", f"{k} x{n}") for k, n in spurious.items())


def load_gold(gold_dir: str | Path) -> dict[str, dict]:
    """Gold records by article id (one ``<article_id>.json`` per article)."""
    golds = {}
    for path in sorted(Path(gold_dir).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        golds[record["article_id"]] = record
    return golds


def evaluate(golds: dict[str, dict], predictions: Iterable[dict], lenient: bool = True) -> tuple[dict, Tally]:
    """Per-slot and micro P/R/F1 of ``predictions`` (export objects) against ``golds``."""
    preds = {p["article_id"]: p for p in predictions}
    t = Tally()
    for aid, gold in golds.items():
        score_article(gold, preds.get(aid, {"article_id": aid}), t, lenient)
    report = {slot: t.prf(slot) for slot in SLOTS}
    report["micro"] = t.prf()
    return {
        "articles": len(golds),
        "missing_articles": [a for a in golds if a not in preds],
        "slots": report,
    }, t


def format_report(report: dict) -> str:
    """The table the reference scorer prints."""
    lines = [
        f"articles: {report['articles']}  missing from predictions: {len(report['missing_articles'])}",
        f"{'slot':22} {'P':>6} {'R':>6} {'F1':>6}  tp/fp/fn",
    ]
    for slot, r in report["slots"].items():
        lines.append(f"{slot:22} {r['p']:6.3f} {r['r']:6.3f} {r['f1']:6.3f}  {r['tp']}/{r['fp']}/{r['fn']}")
    return "\n".join(lines)
