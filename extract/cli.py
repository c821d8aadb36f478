"""``projreg``: thin click commands over the library (ingest, export, eval).

Each command parses options and calls one library function; library errors
become one clear line with a hint and a documented exit code:
0 success, 1 usage or registry error (or nothing could be read), 3 a ``--strict`` run with
failed inputs, 4 ``serve`` on a port in use.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from .gold import GoldError
from .learn.models import ModelsError, TrainError
from .registry.schema import RegistryError
from .rules import RulesError

DEFAULT_DB = "outputs/registry.db"
EXIT_FAILED_INPUTS = 3
EXIT_PORT_IN_USE = 4
#: What ``ingest`` reads in a folder, for its messages; and how many passed-over files it names.
READ_KINDS = ".txt, .md, .html, .htm, .jsonl, .jsonl.gz"
LISTED = 10


def db_option(func: Callable) -> Callable:
    """The shared ``--db`` option."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        show_default=True,
        help="The registry (SQLite) file.",
    )(func)


def friendly_errors(func: Callable) -> Callable:
    """Turn the library's known errors into one line and exit 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (RegistryError, RulesError, GoldError, ModelsError, TrainError) as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="projreg")
def main() -> None:
    """Build a registry of investment projects from Chinese press reports.

    \b
    Example:
        projreg ingest corpus/ --db outputs/registry.db
        projreg export --db outputs/registry.db --jsonl outputs/export.jsonl
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--strict", is_flag=True, help="Exit with code 3 if any input failed.")
@click.option(
    "--article-timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds one article may take; a slower one is a recorded failure and the batch goes on (0: none).",
)
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal)."
)
@click.option(
    "--segmenter",
    type=click.Choice(["jieba", "pkuseg"]),
    default="jieba",
    show_default=True,
    help="Word segmenter of the spaCy tokens (pkuseg needs 'make pkuseg').",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Extraction processes (default: one per core); 1 extracts in-process.",
)
@click.option(
    "--engine",
    type=click.Choice(["pool", "dask"]),
    default="pool",
    show_default=True,
    help="Where extraction runs: this machine's worker pool, or a Dask cluster (needs 'projreg[dask]').",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="With --engine dask: the scheduler (tcp://HOST:8786); default: a local cluster of --workers.",
)
@friendly_errors
def ingest(
    paths: tuple[str, ...],
    db_path: Path,
    strict: bool,
    progress: bool | None,
    segmenter: str,
    workers: int | None,
    article_timeout: float,
    engine: str,
    scheduler: str | None,
) -> None:
    """Read articles (files, folders, or - for JSONL on stdin) into the registry.

    \b
    Folders are read recursively for .txt, .md, .html/.htm, .jsonl and
    .jsonl.gz files (gzipped JSONL is streamed, never unpacked to disk);
    a *.meta.jsonl file beside .txt/.html files gives their title and date.
    Bad inputs are reported and recorded (table failures); the run goes on.
    A killed run can be run again: committed articles are skipped as unchanged.

    \b
    Example:
        projreg ingest corpus/ --db outputs/registry.db --workers 2
        projreg ingest archive.jsonl.gz --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from .batch import ingest as run_ingest
    from .dask_engine import DaskUnavailable, VersionMismatch
    from .ingest import passed_over
    from .nlp import SegmenterError

    unsupported, empty = passed_over(paths)
    if unsupported:
        names = ", ".join(str(f) for f in unsupported[:LISTED])
        more = f" and {len(unsupported) - LISTED} more" if len(unsupported) > LISTED else ""
        count = len(unsupported)
        click.echo(
            f"skipped {count} file(s) projreg does not read (it reads {READ_KINDS}): {names}{more}", err=True
        )
    for folder in empty:
        click.echo(f"no file to read in {folder} (reads {READ_KINDS})", err=True)
    if progress is None:
        progress = sys.stderr.isatty()
    try:
        summary = run_ingest(
            paths,
            db_path,
            stdin=sys.stdin,
            command="ingest " + " ".join(paths),
            progress=progress,
            segmenter=segmenter,
            workers=workers,
            article_timeout=article_timeout,
            engine=engine,  # type: ignore[arg-type]
            scheduler=scheduler,
        )
    except (SegmenterError, DaskUnavailable, VersionMismatch) as exc:
        raise click.ClickException(str(exc)) from exc
    if summary.interrupted:
        click.echo(f"{summary.interrupted} earlier run(s) had been killed: marked interrupted", err=True)
    for failure in summary.failures:
        where = f"{failure.path}:{failure.line}" if failure.line else failure.path
        click.echo(f"failed: {where}: {failure.reason}", err=True)
    records = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.records.items())) or "nothing new"
    click.echo(
        f"run {summary.run_id}: {summary.new} new, {summary.changed} changed, {summary.unchanged} unchanged, "
        f"{summary.failed} failed articles in {summary.seconds:.1f} s ({summary.per_second} articles/s, "
        f"workers: {summary.workers}); extracted {records} -> {db_path}"
    )
    if strict and summary.failed:
        sys.exit(EXIT_FAILED_INPUTS)
    if not (summary.new or summary.changed or summary.unchanged):
        raise click.ClickException(f"nothing could be read from {' '.join(paths)}")


@main.command()
@db_option
@friendly_errors
def relink(db_path: Path) -> None:
    """Link the whole registry again: review decisions, company short forms, canonical records.

    \b
    Every ingest links what its articles reach already, with the same result;
    this command links everything from scratch: after a hand edit of the
    database, or to check that result. Prints the canonical projects and
    companies it leaves, and how long it took.

    \b
    Example:
        projreg relink --db outputs/registry.db
    """
    import time

    from .registry.linking import link_registry

    db = _existing_registry(db_path)
    started = time.perf_counter()
    link_registry(db)
    projects, companies = (db[t].count for t in ("canonical_projects", "canonical_companies"))
    seconds = time.perf_counter() - started
    click.echo(f"relinked {db_path}: {projects} canonical projects, {companies} companies in {seconds:.1f} s")


@main.command()
@db_option
@click.option("--jsonl", "out", required=True, help="Output file, or - for stdout.")
@friendly_errors
def export(db_path: Path, out: str) -> None:
    """Write one JSON object per article in the RECORDS.md export format.

    \b
    Example:
        projreg export --db outputs/registry.db --jsonl outputs/export.jsonl
    """
    from .export import write_jsonl

    db = _existing_registry(db_path)
    if out == "-":
        count = write_jsonl(db, sys.stdout)
    else:
        try:
            with open(out, "w", encoding="utf-8") as handle:
                count = write_jsonl(db, handle)
        except OSError as exc:
            raise click.ClickException(f"cannot write {out}: {exc.strerror}") from exc
        click.echo(f"{count} articles -> {out}", err=True)


@main.command(name="eval")
@click.argument("gold_dirs", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--show-errors", is_flag=True, help="List every missed and spurious fact.")
@click.option("--strict-names", is_flag=True, help="Match project names exactly (no containment rule).")
@click.option(
    "--cv",
    "folds",
    type=click.IntRange(min=2),
    default=None,
    help="Cross-validate the learned decisions over the gold articles in K folds (no registry needed).",
)
@click.option("--seed", default=0, show_default=True, help="Seed of the folds (with --cv).")
@click.option(
    "--train-fraction",
    type=click.FloatRange(0.01, 1.0),
    default=1.0,
    show_default=True,
    help="Train each fold on this share of its training articles (with --cv): a learning curve.",
)
@friendly_errors
def eval_command(
    gold_dirs: tuple[Path, ...],
    db_path: Path,
    as_json: bool,
    show_errors: bool,
    strict_names: bool,
    folds: int | None,
    seed: int,
    train_fraction: float,
) -> None:
    """Score the registry (or, with --cv, held-out extractions) against gold records.

    \b
    P/R/F1 per slot and micro average. With --cv K, the gold articles are
    dealt into K folds by article; every model is trained on K-1 folds and
    extracts the held-out one, and the pooled scores are printed beside the
    rules-only figures (the same table with learning switched off).

    \b
    Example:
        projreg eval ../shared/gold/dev --db outputs/registry.db
        projreg eval --cv 5 ../shared/gold/train ../shared/gold/dev
        projreg eval --cv 5 --train-fraction 0.5 --json ../shared/gold/train
    """
    from .evaluate import evaluate, format_report
    from .gold import load_golds

    if folds is not None:
        from .learn.corpus import gold_views
        from .learn.crossval import cross_validate, format_cv
        from .learn.settings import settings

        def progress(line: str) -> None:
            click.echo(line, err=True)

        golds, views = gold_views([str(d) for d in gold_dirs], progress)
        report, predictions = cross_validate(views, golds, settings(), folds, seed, train_fraction, progress)
        click.echo(json.dumps(report, ensure_ascii=False) if as_json else format_cv(report))
        _, tally = evaluate(golds, predictions, lenient=not strict_names)
    else:
        golds = load_golds(gold_dirs)  # a missing gold folder is said before a missing registry
        db = _existing_registry(db_path)
        from .export import export_records

        report, tally = evaluate(golds, export_records(db), lenient=not strict_names)
        click.echo(json.dumps(report, ensure_ascii=False) if as_json else format_report(report))
    if show_errors:
        for error in tally.errors:
            click.echo("   " + " ".join(map(str, error)))


@main.command()
@click.option(
    "--gold",
    "gold_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A gold folder to learn from (repeatable).",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A registry whose review decisions to learn from (accepted, rejected, edited records).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the models (default: the models/ folder the pipeline reads).",
)
@friendly_errors
def train(gold_dirs: tuple[Path, ...], db_path: Path | None, out: Path | None) -> None:
    """Rebuild every learned model from gold folders and a registry's review decisions.

    \b
    Deterministic: the same gold and decisions give the same model files.
    The models are part of the pipeline version, so the next ingest
    re-extracts every article with them.

    \b
    Example:
        projreg train --gold ../shared/gold/train --gold ../shared/gold/dev
        projreg train --gold ../shared/gold/train --gold ../shared/gold/dev --db outputs/registry.db
        git checkout models/        # back to the shipped models
    """
    from .learn.models import models_dir
    from .learn.train import retrain

    if db_path is not None and not db_path.exists():
        raise click.ClickException(f"no registry at {db_path}")
    target = out or models_dir()

    def progress(line: str) -> None:
        click.echo(line, err=True)

    manifest = retrain([str(d) for d in gold_dirs], db_path, target, progress)["trained_on"]
    examples = ", ".join(f"{name} {n}" for name, n in manifest["examples"].items())
    click.echo(
        f"trained on {manifest['articles']} articles "
        f"({manifest['reviewed_articles']} with review decisions only, "
        f"{manifest['review_decisions']} decisions used); examples: {examples} -> {target}"
    )


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port.")
@click.option(
    "--public-sql",
    is_flag=True,
    help="Let anonymous visitors run arbitrary SQL (default: reviewers only; tables, views and canned "
    "queries stay public).",
)
@friendly_errors
def serve(db_path: Path, host: str, port: int, public_sql: bool) -> None:
    """Browse, search, chart and review the registry in a browser (Datasette).

    \b
    Reading is open; reviewing needs a sign-in with the password in
    $PROJREG_REVIEW_PASSWORD (12 characters or more). Set $DATASETTE_SECRET
    to keep sign-ins valid across restarts; a session lasts
    $PROJREG_SESSION_HOURS (default 8) and ends when the password changes.
    The first start indexes the articles for search (progress on stderr).
    Exit codes: 1 no registry or a short password, 4 the port is in use.

    \b
    Example:
        PROJREG_REVIEW_PASSWORD=... projreg serve --db outputs/registry.db --port 8001
    """
    import os

    from .datasette import serve as run_site
    from .datasette.signin import MIN_PASSWORD, PASSWORD_ENV
    from .datasette.site import port_in_use

    _existing_registry(db_path).close()
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        click.echo(f"review sign-in disabled. Hint: set {PASSWORD_ENV} to enable it.", err=True)
    elif len(password) < MIN_PASSWORD:
        raise click.UsageError(
            f"{PASSWORD_ENV} has {len(password)} characters; a review password needs at least "
            f"{MIN_PASSWORD}. Hint: a few unrelated words make a long one."
        )
    if port_in_use(host, port):
        click.echo(
            f"Error: port {port} on {host} is in use. Hint: stop what serves there, or pick another "
            "with --port.",
            err=True,
        )
        sys.exit(EXIT_PORT_IN_USE)

    def progress(done: int, total: int) -> None:
        click.echo(f"indexing articles for search: {done:,} of {total:,}", err=True)

    def ready() -> None:
        click.echo(f"serving {db_path} on http://{host}:{port}/", err=True)

    run_site(db_path, host=host, port=port, public_sql=public_sql, progress=progress, ready=ready)


def _existing_registry(db_path: Path):
    from .registry import open_registry

    if not db_path.exists():
        raise click.ClickException(
            f"no registry at {db_path}. Hint: run 'projreg ingest PATH --db {db_path}' first."
        )
    return open_registry(db_path)


# --------------------------------------------------------------------------- review


def review_errors(func: Callable) -> Callable:
    """Turn a review action's error (unknown id, bad field) into one line and exit 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .registry.review import ReviewError

        try:
            return func(*args, **kwargs)
        except ReviewError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def _registry_here(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """``--db`` given after a review action (``projreg review accept ID --db X``), as users type it."""
    if value is not None:
        ctx.obj["db_path"] = value


def actor_options(func: Callable) -> Callable:
    """The shared ``--actor``, ``--note`` and ``--db`` options of review actions."""
    func = click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        callback=_registry_here,
        help="The registry (SQLite) file, here or before the action.",
    )(func)
    func = click.option("--note", default=None, help="Why (kept in the audit table).")(func)
    return click.option(
        "--actor",
        default=lambda: os.environ.get("USER") or "cli",
        show_default="$USER or cli",
        help="Who decides (kept in the audit table).",
    )(func)


def _review_db(ctx: click.Context):
    return _existing_registry(ctx.obj["db_path"])


@main.group(invoke_without_command=True)
@db_option
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1), help="Items to list.")
@click.pass_context
@friendly_errors
def review(ctx: click.Context, db_path: Path, limit: int) -> None:
    """List what needs a look (least confident first), or decide on one record.

    \b
    Each line: id, kind, confidence, label, then the evidence sentence with
    the span marked 【…】. Decisions survive re-ingest and land in the
    audit table.

    \b
    Example:
        projreg review --db outputs/registry.db --limit 20
        projreg review --db outputs/registry.db accept link:003_a2ea863acaabccfd:417-435
        projreg review edit 003_a2ea863acaabccfd:417-435 investment_yuan 5090000000 --note "checked"
        projreg review accept 003_a2ea863acaabccfd:2066-2080 --db outputs/registry.db
    """
    ctx.obj = {"db_path": db_path}
    if ctx.invoked_subcommand is not None:
        return
    from .registry.review import review_queue

    for item in review_queue(_review_db(ctx), limit=limit):
        click.echo(f"{item['id']}\t{item['kind']}\t{item['confidence']:.2f}\t{item['label']}")
        click.echo(f"    {item['article_id']}: {item['marked']}")


def _decision_command(action: str, done: str, help_text: str) -> None:
    """A review command that decides on one record: accept, reject, unreject."""

    @review.command(name=action, help=help_text)
    @click.argument("record_id")
    @actor_options
    @click.pass_context
    @friendly_errors
    @review_errors
    def command(ctx: click.Context, record_id: str, actor: str, note: str | None) -> None:
        from .registry import review as decisions

        getattr(decisions, action)(_review_db(ctx), record_id, actor, note)
        click.echo(f"{done} {record_id}")


_decision_command(
    "accept",
    "accepted",
    """Confirm a project record, a link:PROJECT_ID or a company:NAME link.

    \b
    Example:
        projreg review accept link:003_a2ea863acaabccfd:417-435 --actor ana
    """,
)
_decision_command(
    "reject",
    "rejected",
    """Reject a project record (gone for good) or a link (the record stands alone).

    \b
    Example:
        projreg review reject 000_8737681036cd964a:4142-4150 --note "a category, not a project"
    """,
)
_decision_command(
    "unreject",
    "unrejected",
    """Take back the rejection of a project record or a link: the record comes back from its article.

    \b
    Example:
        projreg review unreject 000_8737681036cd964a:4142-4150 --note "a project after all"
    """,
)


@review.command(name="edit")
@click.argument("record_id")
@click.argument("field")
@click.argument("value")
@actor_options
@click.pass_context
@friendly_errors
@review_errors
def review_edit(
    ctx: click.Context, record_id: str, field: str, value: str, actor: str, note: str | None
) -> None:
    """Set FIELD of a project record to VALUE (name, investment_yuan, stage, place, contact, ...).

    \b
    Example:
        projreg review edit 003_a2ea863acaabccfd:417-435 stage operational
    """
    from .registry.review import edit

    edit(_review_db(ctx), record_id, field, value, actor, note)
    click.echo(f"edited {record_id} {field} = {value}")


@review.command(name="merge")
@click.argument("canonical_a")
@click.argument("canonical_b")
@actor_options
@click.pass_context
@friendly_errors
@review_errors
def review_merge(
    ctx: click.Context, canonical_a: str, canonical_b: str, actor: str, note: str | None
) -> None:
    """Join two canonical projects (cp_…) or companies (cc_…); prints the surviving id.

    \b
    Example:
        projreg review merge cp_7cd86d6bcd4d cp_0123456789ab
    """
    from .registry.review import merge

    click.echo(merge(_review_db(ctx), canonical_a, canonical_b, actor, note))


@review.command(name="split")
@click.argument("project_id")
@actor_options
@click.pass_context
@friendly_errors
@review_errors
def review_split(ctx: click.Context, project_id: str, actor: str, note: str | None) -> None:
    """Detach a project record from its canonical project; prints the new canonical id.

    \b
    Example:
        projreg review split 000_8737681036cd964a:2619-2637
    """
    from .registry.review import split

    click.echo(split(_review_db(ctx), project_id, actor, note))


@review.command(name="undo")
@actor_options
@click.pass_context
@friendly_errors
@review_errors
def review_undo(ctx: click.Context, actor: str, note: str | None) -> None:
    """Take back your last decision (accept, reject, edit, merge or split); prints its record.

    \b
    Example:
        projreg review undo --actor ana
    """
    from .registry.review import undo

    click.echo(f"took back the last decision on {undo(_review_db(ctx), actor, note)}")
