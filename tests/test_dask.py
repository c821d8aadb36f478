"""``projreg ingest --engine dask``: the same registry as the worker pool, faults left to Dask."""

from __future__ import annotations

import gzip
import itertools
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_batch import committed, content

from extract.batch import ingest
from extract.cli import main
from extract.dask_engine import VersionMismatch, dask_extractions
from extract.models import Article

distributed = pytest.importorskip("distributed", reason="needs projreg[dask]")

STORIES = Path(__file__).resolve().parents[2] / "shared" / "bench" / "xwlb-stories.jsonl.gz"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.shared,
    pytest.mark.skipif(not STORIES.exists(), reason="needs ../shared/bench"),
]


def stories(folder: Path, count: int) -> Path:
    path = folder / "stories.jsonl"
    with gzip.open(STORIES, "rt", encoding="utf-8") as source:
        path.write_text("".join(itertools.islice(source, count)), encoding="utf-8")
    return path


def test_dask_writes_the_registry_the_pool_writes(tmp_path):
    source = stories(tmp_path, 200)
    pool = ingest([source], tmp_path / "pool.db", workers=2)
    result = CliRunner().invoke(
        main, ["ingest", str(source), "--db", str(tmp_path / "dask.db"), "--workers", "2", "--engine", "dask"]
    )
    assert result.exit_code == 0, result.output
    assert f"{pool.new} new" in result.output and pool.new == 200
    assert content(tmp_path / "dask.db") == content(tmp_path / "pool.db")


def test_a_worker_with_another_pipeline_is_refused():
    tasks = iter([Article(id="a", text="某某项目开工。")])
    with (
        pytest.raises(VersionMismatch, match="install the same projreg version on every machine"),
        dask_extractions(tasks, "jieba", 1, version="0ther") as results,
    ):
        list(results)


def test_a_worker_killed_mid_run_has_its_chunks_run_elsewhere(tmp_path):
    source = stories(tmp_path, 600)
    ingest([source], tmp_path / "whole.db", workers=2)
    killed_db = tmp_path / "killed.db"
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        run = threading.Thread(
            target=ingest,
            args=([source], killed_db),
            kwargs={"workers": 2, "engine": "dask", "scheduler": cluster.scheduler_address},
        )
        run.start()
        deadline = time.monotonic() + 120
        while committed(killed_db) == 0 and run.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run.is_alive(), "the run ended before a worker could be killed"
        victim = next(iter(client.run(os.getpid).values()))
        os.kill(victim, signal.SIGKILL)
        run.join(timeout=300)
        assert not run.is_alive()
        assert victim not in client.run(os.getpid).values(), "the nanny started a new worker"
    assert committed(killed_db) == 600
    assert content(killed_db) == content(tmp_path / "whole.db")
