"""The benchmark scripts still run against the pipeline they measure (on a few stories, not for figures)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest
from conftest import ROOT, shared_path

from extract.nlp import build_pipeline

sys.path.insert(0, str(ROOT / "benchmarks"))  # the scripts import each other by name, as when run

import companies_cluener
import ingest  # benchmarks/ingest.py
import segmenters
import throughput


def test_the_segmenter_benchmark_reaches_jiebas_words():
    cut = segmenters.segment_function(build_pipeline(ner=False))
    assert "计划总投资" in cut("计划总投资7.52亿元的风电项目")


@pytest.mark.shared
def test_the_throughput_benchmark_extracts_stories_through_the_pool():
    shared_path("bench", "xwlb-stories.jsonl.gz")
    run = throughput.pipeline_pass(limit=6, workers=1)
    assert run["articles"] == 5 and run["chars"] > 0 and run["first_article_s"] > 0


@pytest.mark.shared
def test_the_ingest_benchmark_cuts_the_first_stories(tmp_path):
    shared_path("bench", "xwlb-stories.jsonl.gz")
    with gzip.open(ingest.stories_file(7, tmp_path), "rt", encoding="utf-8") as lines:
        assert len(lines.readlines()) == 7


@pytest.mark.shared
def test_the_cluener_benchmark_scores_the_shipped_pipeline_and_its_parts():
    path = shared_path("bench", "cluener-dev.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()[:20]
    results = companies_cluener.evaluate([json.loads(line) for line in lines])
    by_name = {r.name: r for r in results}
    assert {"projreg", "projreg, rules + LAC only", "gazetteer alone"} <= by_name.keys()
    gold = sum(len(companies_cluener.gold_spans(json.loads(line))) for line in lines)
    assert all(r.tp + r.fn == gold for r in results)


@pytest.mark.shared
def test_the_cluener_benchmark_prints_each_systems_scores_as_json(capsys):
    path = shared_path("bench", "cluener-dev.jsonl")
    assert companies_cluener.main([str(path), "--limit", "20", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"p", "r", "f1", "tp", "fp", "fn"} <= report["projreg"].keys()
    gold = report["projreg"]["tp"] + report["projreg"]["fn"]
    assert all(scores["tp"] + scores["fn"] == gold for scores in report.values())


@pytest.mark.shared
def test_the_incremental_benchmark_times_a_batch_and_finds_it_equal_to_a_full_relink(tmp_path):
    shared_path("bench", "xwlb-stories.jsonl.gz")
    script = ROOT / "benchmarks" / "incremental.py"
    options = ["--sizes", "0", "8", "--batch", "3", "--repeat", "1", "--db", str(tmp_path / "r.db"), "--json"]
    done = subprocess.run([sys.executable, script, *options], check=True, capture_output=True, text=True)
    rows = json.loads(done.stdout)
    assert [r["articles"] for r in rows] == [0, 8]
    assert all(r["batch_s"] > r["link_s"] > 0 and r["link_started_from"] == 3 for r in rows)
    assert [r["rows_differing_from_full_relink"] for r in rows] == [0, 0]
