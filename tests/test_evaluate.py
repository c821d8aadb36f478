"""The eval command must give the reference scorer's figures (shared/tools/score.py)."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys

import pytest
from conftest import gold_articles, shared_path

from extract.evaluate import evaluate, norm_project


def perturbed(gold: dict, rng: random.Random) -> dict:
    """A plausible wrong prediction: items dropped, values changed, names shortened, extras added."""
    pred = copy.deepcopy(gold)
    for key in ("projects", "companies", "money", "dates"):
        items = [x for x in pred.get(key, []) if rng.random() > 0.25]
        for item in items:
            if "yuan" in item and rng.random() < 0.2:
                item["yuan"] = (item["yuan"] or 0) + 1000
            if "role" in item and rng.random() < 0.2:
                item["role"] = "other"
            if key == "projects" and rng.random() < 0.3:
                item["name"] = item["name"][1:]
                item.pop("stage", None)
        if items and rng.random() < 0.5:
            items.append(copy.deepcopy(items[0]))
        pred[key] = items
    pred["contacts"] = [*pred.get("contacts", [])[:1], "某人"]
    return pred


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_eval_matches_reference_scorer(tmp_path, seed):
    scorer = shared_path("tools", "score.py")
    golds = gold_articles()
    rng = random.Random(seed)
    preds = [perturbed(g, rng) for g in golds[1:]]  # one article missing on purpose
    export = tmp_path / "pred.jsonl"
    export.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), encoding="utf-8")
    reference = json.loads(
        subprocess.run(
            [sys.executable, str(scorer), str(shared_path("gold", "dev")), str(export), "--json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    ours, _ = evaluate({g["article_id"]: g for g in golds}, preds)
    assert ours["missing_articles"] == reference["missing_articles"]
    assert ours["slots"] == reference["slots"]


def test_gold_scores_perfectly_against_itself():
    golds = gold_articles()
    report, tally = evaluate({g["article_id"]: g for g in golds}, golds)
    assert report["slots"]["micro"]["f1"] == 1.0, tally.errors[:5]


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("双辽市绿电产业示范园区15万千瓦风电项目", "双辽市绿电产业示范园区15万千瓦风电"),
        ("《转垦种禽孵化二期建设项目》", "转垦种禽孵化二期"),
        ("某某工程项目", "某某"),
        ("项目", "项目"),
    ],
)
def test_project_names_are_normalised_like_the_contract(name, normalised):
    assert norm_project(name) == normalised
