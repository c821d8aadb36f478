"""Extraction on a ``dask.distributed`` cluster, the one writer kept: ``projreg ingest --engine dask``.

Extraction is a pure function of the article, so it can run anywhere projreg is installed: chunks
of articles go to Dask workers, which run the chunk function of ``--workers``
(:func:`extract.batch._process`, the pipeline built once per worker process on its first
chunk), and their results come back through ``as_completed`` to the main process, which yields
them in input order to the one SQLite writer, exactly as the pool does. Without a scheduler
address a ``LocalCluster`` of ``workers`` processes runs on this machine.

What the engine gives: a worker that dies has its chunks re-run elsewhere (the scheduler's
retries); a lost client leaves a registry the same command resumes (committed articles are
unchanged). Back-pressure: at most ``IN_FLIGHT_PER_WORKER`` chunks per worker are submitted or
waiting to be written, so memory does not grow with the archive.

Every worker checks at registration that it runs the client's ``pipeline_version`` and refuses
to work otherwise: an older projreg on one machine would write other records.

Installed with ``pip install projreg[dask]``; the default install does not pull Dask.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from . import batch
from .nlp import Segmenter

#: Chunks per worker that may be submitted but not yet written (running, queued or buffered).
IN_FLIGHT_PER_WORKER = 3
#: Articles a Dask task extracts: more than the pool's 16, so the scheduler's cost per task and the
#: round trip are spread over more articles.
CHUNK_SIZE = 128
#: How often a chunk whose task raised (a worker out of memory) is tried again. A worker that dies
#: has its chunks re-run by the scheduler itself (distributed's ``allowed-failures``, 3).
RETRIES = 2


class DaskUnavailable(RuntimeError):
    """``--engine dask`` without Dask installed."""


class VersionMismatch(RuntimeError):
    """A worker runs another projreg pipeline than the client."""


def _distributed():
    try:
        import distributed
    except ImportError as exc:
        raise DaskUnavailable(
            "--engine dask needs Dask. Hint: pip install 'projreg[dask]' (on every machine of the cluster)"
        ) from exc
    return distributed


def check_version(version: str, where: str) -> None:
    """Refuse to extract with another pipeline than the client's."""
    from .pipeline import pipeline_version

    theirs = pipeline_version()
    if theirs != version:
        raise VersionMismatch(
            f"worker {where} runs projreg pipeline {theirs}, the client {version}: "
            "install the same projreg version on every machine"
        )


def extract_chunk(chunk: list[batch.Task], version: str) -> list[batch.Result]:
    """The pool's chunk function, on a worker that runs the client's pipeline (a worker that joined
    after registration is checked here too)."""
    check_version(version, "this worker")
    return batch._process(chunk)


def worker_plugin(version: str, segmenter: Segmenter, article_timeout: float):
    """The plugin every worker runs when it joins: check the version, set up extraction."""
    distributed = _distributed()

    class ProjregWorker(distributed.WorkerPlugin):
        name = "projreg"
        idempotent = False

        def setup(self, worker) -> None:
            check_version(version, worker.address)
            batch._init_worker(segmenter, article_timeout, in_process=True)

    return ProjregWorker()


@contextmanager
def dask_extractions(
    tasks: Iterable[batch.Task],
    segmenter: Segmenter,
    workers: int,
    article_timeout: float = batch.ARTICLE_TIMEOUT,
    scheduler: str | None = None,
    version: str | None = None,
) -> Iterator[Iterator[batch.Result]]:
    """Results of ``tasks`` in input order, extracted on the cluster at ``scheduler`` (or a local one
    of ``workers`` processes). ``version`` is what workers must run (default: this process's)."""
    distributed = _distributed()
    from .pipeline import pipeline_version

    cluster = None
    if scheduler is None:
        import dask

        # Workers sample their own stacks every 10 ms for the dashboard: CPU a 2-core machine lacks.
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
    client = distributed.Client(scheduler or cluster, set_as_default=False)
    try:
        version = version or pipeline_version()
        client.register_plugin(worker_plugin(version, segmenter, article_timeout))
        size = max(1, len(client.scheduler_info()["workers"])) if scheduler else workers
        yield _in_order(client, batch._chunks(tasks, CHUNK_SIZE), IN_FLIGHT_PER_WORKER * size, version)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _in_order(client, chunks: Iterator[list[batch.Task]], limit: int, version: str) -> Iterator[batch.Result]:
    """Submit chunks (at most ``limit`` not yet yielded), and yield their results in input order.

    The articles travel as scattered data, not inside the task: a task's arguments stay in the
    scheduler's records of the run (the client's memory grew 4 KB an article), data is dropped once
    released. Data dies with its worker, so a chunk whose task is cancelled for it is sent again
    (the client holds the chunks in flight, at most ``limit``).
    """
    distributed = _distributed()
    run = uuid.uuid4().hex[:8]
    sending: dict[str, tuple[int, list[batch.Task], object]] = {}  # key → (index, chunk, its data)
    ready: dict[int, list[batch.Result]] = {}
    finished = distributed.as_completed(loop=client.loop)
    sent = taken = written = resent = 0

    def send(index: int, chunk: list[batch.Task]) -> None:
        nonlocal sent
        [data] = client.scatter([chunk], hash=False)
        key = f"projreg-{run}-{sent}"
        future = client.submit(extract_chunk, data, version, key=key, pure=False, retries=RETRIES)
        sending[future.key] = (index, chunk, data)
        finished.add(future)
        sent += 1

    def fill() -> None:
        nonlocal taken
        while taken - written < limit and (chunk := next(chunks, None)) is not None:
            send(taken, chunk)
            taken += 1

    fill()
    for future in finished:
        index, chunk, data = sending.pop(future.key)
        data.release()  # type: ignore[attr-defined]
        if future.status == "cancelled":  # its data was lost with a worker: send it again
            future.release()
            resent += 1
            if resent > RETRIES * limit:
                raise RuntimeError(f"the cluster lost {resent} chunks; is it losing workers?")
            send(index, chunk)
            continue
        ready[index] = future.result()
        future.release()
        while written in ready:
            yield from ready.pop(written)
            written += 1
        fill()
