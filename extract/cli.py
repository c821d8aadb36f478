"""``projreg``: thin click commands over the library (ingest, export, eval).

Each command parses options and calls one library function; library errors
become one clear line with a hint and a documented exit code:
0 success, 1 usage or registry error, 3 a ``--strict`` run with failed inputs.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from .registry.schema import RegistryError
from .rules import RulesError

DEFAULT_DB = "outputs/registry.db"
EXIT_FAILED_INPUTS = 3


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
        except (RegistryError, RulesError) as exc:
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
    "--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal)."
)
@click.option(
    "--segmenter",
    type=click.Choice(["jieba", "pkuseg"]),
    default="jieba",
    show_default=True,
    help="Word segmenter of the spaCy tokens (pkuseg needs 'make pkuseg').",
)
@friendly_errors
def ingest(
    paths: tuple[str, ...], db_path: Path, strict: bool, progress: bool | None, segmenter: str
) -> None:
    """Read articles (files, folders, or - for JSONL on stdin) into the registry.

    \b
    Folders are read recursively for .txt, .md, .html/.htm and .jsonl files;
    a *.meta.jsonl file beside .txt/.html files gives their title and date.
    Bad inputs are reported and recorded (table failures); the run goes on.

    \b
    Example:
        projreg ingest corpus/ --db outputs/registry.db
    """
    from .batch import ingest as run_ingest
    from .nlp import SegmenterError

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
        )
    except SegmenterError as exc:
        raise click.ClickException(str(exc)) from exc
    for failure in summary.failures:
        where = f"{failure.path}:{failure.line}" if failure.line else failure.path
        click.echo(f"failed: {where}: {failure.reason}", err=True)
    records = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.records.items())) or "nothing new"
    click.echo(
        f"run {summary.run_id}: {summary.new} new, {summary.changed} changed, {summary.unchanged} unchanged, "
        f"{summary.failed} failed articles in {summary.seconds:.1f} s; extracted {records} -> {db_path}"
    )
    if strict and summary.failed:
        sys.exit(EXIT_FAILED_INPUTS)


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
        with open(out, "w", encoding="utf-8") as handle:
            count = write_jsonl(db, handle)
        click.echo(f"{count} articles -> {out}", err=True)


@main.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--show-errors", is_flag=True, help="List every missed and spurious fact.")
@click.option("--strict-names", is_flag=True, help="Match project names exactly (no containment rule).")
@friendly_errors
def eval_command(gold_dir: Path, db_path: Path, as_json: bool, show_errors: bool, strict_names: bool) -> None:
    """Score the registry against gold records: P/R/F1 per slot and micro average.

    \b
    Example:
        projreg eval ../shared/gold/dev --db outputs/registry.db
    """
    from .evaluate import evaluate, format_report, load_gold
    from .export import export_records

    db = _existing_registry(db_path)
    report, tally = evaluate(load_gold(gold_dir), export_records(db), lenient=not strict_names)
    click.echo(json.dumps(report, ensure_ascii=False) if as_json else format_report(report))
    if show_errors:
        for error in tally.errors:
            click.echo("   " + " ".join(map(str, error)))


def _existing_registry(db_path: Path):
    from .registry import open_registry

    if not db_path.exists():
        raise click.ClickException(
            f"no registry at {db_path}. Hint: run 'projreg ingest PATH --db {db_path}' first."
        )
    return open_registry(db_path)
