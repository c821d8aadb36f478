"""Read a batch of inputs (files, folders, JSONL on stdin) into Articles, never losing one silently.

Each input becomes either an :class:`Article` or an :class:`IngestFailure`
with its path (and line for JSONL) and a one-line reason, so a batch with junk
in it still ingests every good article and tells the user about every bad one.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ValidationError

from .encoding import DecodeError, decode_bytes
from .models import Article, IngestFailure

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
#: A gzip-compressed JSONL batch (an archive as shipped), streamed through gzip.
JSONL_GZ_SUFFIX = ".jsonl.gz"
#: What a truncated or damaged gzip stream raises part-way through.
GZIP_ERRORS = (OSError, EOFError, zlib.error)
#: ``*.meta.jsonl`` beside .txt/.html files gives their title/date/source/url by id.
META_SUFFIX = ".meta.jsonl"
METADATA_FIELDS = ("title", "date", "source", "url")
#: Longest article read, in characters: ten times a long government work report. A longer text is
#: refused with a failure rather than processed, so one stray dump cannot stall a batch for minutes.
MAX_ARTICLE_CHARS = 200_000
#: A text or HTML file larger than this is refused unread (4 bytes a character at most).
MAX_FILE_BYTES = 4 * MAX_ARTICLE_CHARS
#: Longest JSONL line read, in bytes: an article at the limit written with JSON's ``\uXXXX`` escapes
#: (6 bytes a character) and its metadata. A longer line is skipped unread and is a failure, so a
#: compressed line of billions of characters never sits in memory.
MAX_LINE_BYTES = 6 * MAX_ARTICLE_CHARS + (1 << 16)
#: Bytes read at a time while skipping the rest of a line that is too long.
SKIP_PIECE_BYTES = 1 << 20
#: Bytes of a JSONL file read to decide its encoding before it is streamed.
JSONL_HEAD_BYTES = 1 << 20
#: Bytes read at a time for that head (a broken gzip stream loses the piece it breaks in).
HEAD_PIECE_BYTES = 1 << 16


class Unchanged(BaseModel):
    """An article the registry already holds as is, or given twice in one batch with the same text:
    only its id travels on, and the run counts it unchanged."""

    id: str


Item = Article | IngestFailure | Unchanged


def iter_inputs(paths: Iterable[str | Path], stdin: IO[str] | None = None) -> Iterator[Item]:
    """Yield every article (or failure) found under ``paths`` in a stable order.

    ``-`` reads JSONL from ``stdin``; a folder is walked recursively for
    .txt/.md/.html/.htm/.jsonl/.jsonl.gz files (other files are ignored); a
    file is read whatever its extension says about its encoding. An id seen
    again in one batch with the same text (white space aside: an HTML page
    and a JSONL line of one article) is unchanged; with another text it is a
    failure, so one article never silently replaces another.
    """
    seen: dict[str, tuple[str, bytes]] = {}
    for item in _iter_raw(paths, stdin):
        if isinstance(item, Article):
            where = f"{item.path}:{item.line}" if item.line else str(item.path)
            text = hashlib.blake2b("".join(item.text.split()).encode(), digest_size=16).digest()
            first, first_text = seen.setdefault(item.id, (where, text))
            if first != where and first_text == text:
                yield Unchanged(id=item.id)
                continue
            if first != where:
                yield IngestFailure(
                    path=item.path or "",
                    line=item.line,
                    article_id=item.id,
                    reason=f"duplicate article id (first in {first})",
                )
                continue
        yield item


def _iter_raw(paths: Iterable[str | Path], stdin: IO[str] | None) -> Iterator[Item]:
    for raw in paths:
        if str(raw) == "-":
            yield from read_jsonl_lines(bounded_lines(stdin or sys.stdin, MAX_LINE_BYTES), "<stdin>")
            continue
        path = Path(raw)
        if path.is_dir():
            meta = _folder_metadata(path)
            for file in _article_files(path):
                yield from read_file(file, meta)
        elif path.exists():
            yield from read_file(path, _folder_metadata(path.parent, recursive=False))
        else:
            yield IngestFailure(path=str(path), reason="no such file or directory")


def passed_over(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """What a batch will not read, for telling the user: files of a kind it does not read inside the
    given folders (``.pdf``, ``.docx``; hidden files and metadata sidecars aside), and given folders
    that hold no file it reads."""
    unsupported: list[Path] = []
    empty: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if str(raw) == "-" or not path.is_dir():
            continue
        files = sorted(p for p in path.rglob("*") if p.is_file())
        readable = [f for f in files if _is_article_file(f)]
        unsupported += [
            f for f in files if f not in readable and not f.name.startswith(".") and not _is_sidecar(f)
        ]
        if not readable:
            empty.append(path)
    return unsupported, empty


def count_inputs(paths: Iterable[str | Path]) -> int | None:
    """About how many items :func:`iter_inputs` will yield, for a progress bar; None for stdin.

    Cheap: folders are listed and JSONL files counted by their non-blank
    lines, nothing is decoded or parsed.
    """
    total = 0
    for raw in paths:
        if str(raw) == "-":
            return None
        path = Path(raw)
        files = _article_files(path) if path.is_dir() else [path]
        total += sum(_count_file(file) for file in files)
    return total


def _count_file(path: Path) -> int:
    if not _is_jsonl(path):
        return 1
    try:
        with _open_jsonl(path) as handle:
            return sum(1 for line in bounded_lines(handle, MAX_LINE_BYTES) if line is None or line.strip())
    except GZIP_ERRORS:
        return 1


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in JSONL_SUFFIXES or path.name.lower().endswith(JSONL_GZ_SUFFIX)


def _open_jsonl(path: Path) -> IO[bytes]:
    """A JSONL file's bytes, decompressed on the fly where it is gzipped."""
    return gzip.open(path, "rb") if path.name.lower().endswith(JSONL_GZ_SUFFIX) else path.open("rb")


def _article_files(folder: Path) -> list[Path]:
    """The article files under ``folder``, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and _is_article_file(p))


def _is_sidecar(path: Path) -> bool:
    return path.name.lower().endswith(META_SUFFIX)


def _is_article_file(path: Path) -> bool:
    if _is_sidecar(path) or path.name.startswith("."):
        return False
    return path.suffix.lower() in TEXT_SUFFIXES | HTML_SUFFIXES or _is_jsonl(path)


def _folder_metadata(folder: Path, recursive: bool = True) -> dict[str, dict]:
    """Metadata sidecars (``*.meta.jsonl``) of a folder, by article id."""
    meta: dict[str, dict] = {}
    files = folder.rglob(f"*{META_SUFFIX}") if recursive else folder.glob(f"*{META_SUFFIX}")
    for file in sorted(files):
        for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                meta[record["id"]] = {k: record[k] for k in METADATA_FIELDS if record.get(k) is not None}
    return meta


def read_file(path: Path, meta: dict[str, dict] | None = None) -> Iterator[Item]:
    """One file: a JSONL batch, an HTML page, or a plain text article."""
    suffix = path.suffix.lower()
    if _is_jsonl(path):
        yield from _read_jsonl_file(path)
        return
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield IngestFailure(path=str(path), article_id=path.stem, reason=_too_long(f"{size:,} bytes"))
            return
        text, encoding = decode_bytes(path.read_bytes())
    except OSError as exc:
        yield IngestFailure(path=str(path), reason=f"cannot read file: {exc.strerror or exc}")
        return
    except DecodeError as exc:
        yield IngestFailure(path=str(path), reason=str(exc))
        return
    article_id = path.stem
    fields = dict((meta or {}).get(article_id, {}))
    if suffix in HTML_SUFFIXES:
        from .html import extract_html  # trafilatura takes 0.3 s to import; most batches hold no HTML

        page = extract_html(text)
        text = page.body
        fields.setdefault("title", page.title)
        fields.setdefault("date", page.date)
    problem = _text_problem(text)
    if problem:
        yield IngestFailure(path=str(path), article_id=article_id, reason=problem)
        return
    yield article_from_fields(str(path), None, dict(fields, id=article_id, text=text, encoding=encoding))


def _read_jsonl_file(path: Path) -> Iterator[Item]:
    """A JSONL batch streamed line by line, so a file of 100k articles is never held whole.

    A file that cannot be read, or a gzip stream that breaks off, ends in a
    failure naming the last line read; the articles before it are kept.
    """
    last = 0
    try:
        for item in _jsonl_items(path):
            last = item.line or last
            yield item
    except DecodeError as exc:
        yield IngestFailure(path=str(path), reason=str(exc))
    except GZIP_ERRORS as exc:
        where = f" after line {last}" if last else ""
        reason = getattr(exc, "strerror", None) or exc
        yield IngestFailure(path=str(path), reason=f"cannot read file{where}: {reason}")


def _jsonl_items(path: Path) -> Iterator[Item]:
    """The items of a JSONL file.

    The encoding is decided on the file's first lines (the whole file when it
    is small); a later line that does not decode in it is a failure of its own.
    UTF-16/32 files, whose newlines are not single bytes, are decoded whole.
    """
    with _open_jsonl(path) as handle:
        _, encoding = decode_bytes(_head(handle))
        handle.seek(0)
        if encoding.startswith(("utf-16", "utf-32")):
            text, _ = decode_bytes(handle.read())
            yield from read_jsonl_lines(text.splitlines(), str(path), encoding)
            return
        for number, raw in enumerate(bounded_lines(handle, MAX_LINE_BYTES), start=1):
            if raw is None:
                yield IngestFailure(path=str(path), line=number, reason=_line_too_long())
                continue
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError:
                yield IngestFailure(path=str(path), line=number, reason=f"line is not valid {encoding}")
                continue
            yield from read_jsonl_lines([line], str(path), encoding, first_line=number)


def _head(handle: IO[bytes]) -> bytes:
    """What the encoding of a JSONL file is decided on: its first whole lines, up to JSONL_HEAD_BYTES.

    A smaller file is read whole, and so is a first line longer than that. A
    gzip stream that breaks off gives the lines before the break (read in
    pieces, so little is lost with the broken one); reading the lines meets
    the break again and reports it.
    """
    data = bytearray()
    try:
        while len(data) < JSONL_HEAD_BYTES and (piece := handle.read(HEAD_PIECE_BYTES)):
            data += piece
        if len(data) < JSONL_HEAD_BYTES:
            return bytes(data)
    except GZIP_ERRORS:
        pass
    if b"\n" in data:
        return bytes(data[: data.rindex(b"\n") + 1])
    # A first line longer than the head is judged on the head, cut after its last byte below 0x30:
    # such a byte is a whole character in UTF-8 and GB18030 alike, never part of a longer one.
    cut = max(data.rfind(bytes([b])) for b in range(0x30))
    return bytes(data[: cut + 1]) if cut >= 0 else bytes(data)


def bounded_lines(handle: IO, limit: int) -> Iterator:
    """The lines of ``handle`` (bytes or text), ``None`` for each longer than ``limit``: that one is
    skipped a piece at a time, so memory stays flat whatever a line's length."""
    while line := handle.readline(limit + 1):
        newline = "\n" if isinstance(line, str) else b"\n"
        if len(line) <= limit or line.endswith(newline):
            yield line
            continue
        while (rest := handle.readline(SKIP_PIECE_BYTES)) and not rest.endswith(newline):
            pass
        yield None


def _line_too_long() -> str:
    return _too_long(f"a line over {MAX_LINE_BYTES:,} bytes, skipped unread")


def read_jsonl_lines(
    lines: Iterable[str | None], origin: str, encoding: str | None = None, first_line: int = 1
) -> Iterator[Item]:
    """JSONL articles (id, text, title, date, source, url); each bad line (``None``: one too long to
    read) is a failure."""
    for number, line in enumerate(lines, start=first_line):
        if line is None:
            yield IngestFailure(path=origin, line=number, reason=_line_too_long())
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestFailure(
                path=origin, line=number, reason=f"malformed JSON: {exc.msg} at column {exc.colno}"
            )
            continue
        if not isinstance(record, dict):
            yield IngestFailure(path=origin, line=number, reason="a JSONL line must be an object")
            continue
        problem = _record_problem(record)
        if problem:
            yield IngestFailure(
                path=origin, line=number, article_id=_str_or_none(record.get("id")), reason=problem
            )
            continue
        fields = {k: record.get(k) for k in ("id", "text", *METADATA_FIELDS)}
        yield article_from_fields(origin, number, dict(fields, encoding=encoding))


def _record_problem(record: dict) -> str | None:
    """Why a JSONL record is not an article, or None."""
    for key in ("id", "text"):
        if key not in record:
            return f"missing field {key!r}"
        if not isinstance(record[key], str):
            return f"field {key!r} must be a string, not {type(record[key]).__name__}"
    if not record["id"].strip():
        return "empty id"
    problem = _text_problem(record["text"])
    if problem:
        return problem
    for key in METADATA_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            return f"field {key!r} must be a string, not {type(record[key]).__name__}"
    return None


def _text_problem(text: str) -> str | None:
    """Why an article text cannot be extracted (empty or too long), or None."""
    if len(text) > MAX_ARTICLE_CHARS:
        return _too_long(f"{len(text):,} characters")
    if not text.strip():
        return "empty article: no text to extract"
    return None


def _too_long(size: str) -> str:
    return f"article too long: {size} (limit {MAX_ARTICLE_CHARS:,} characters); split it into articles"


def article_from_fields(path: str, line: int | None, fields: dict) -> Item:
    fields = dict(fields, date=_parse_date(fields.get("date")))
    try:
        return Article(path=path, line=line, **fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        return IngestFailure(
            path=path,
            line=line,
            article_id=fields.get("id"),
            reason=f"invalid {first['loc'][0]}: {first['msg']}",
        )


def _parse_date(value: object) -> dt.date | None:
    """Publication dates come as ``2011-05-20`` or ``2011-05-20T08:00``; anything else is unknown."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
