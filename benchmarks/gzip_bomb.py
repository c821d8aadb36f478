"""A decompression bomb between two good articles: the good ones are kept, the bomb is one failure.

    .venv/bin/python benchmarks/gzip_bomb.py [--chars 1500000000]

Writes a ``.jsonl.gz`` whose second line is one article of ``--chars``
ASCII characters (1.5 billion compress to about 1.5 MB), then runs
``projreg ingest`` on it in a child process and prints the child's seconds,
peak memory (resident set), and what the run reported. The issue asks for
peak memory under 500 MB: lines are read with a bound and the rest of a
long one is skipped a piece at a time, never held.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOOD = "计划总投资7.52亿元的双辽市绿电产业示范园区15万千瓦风电项目近日开工建设。"
PIECE = 1 << 24


def write_bomb(path: Path, chars: int) -> None:
    """Two good articles around one of ``chars`` characters, gzipped."""
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write((json.dumps({"id": "good-1", "text": GOOD}, ensure_ascii=False) + "\n").encode())
        out.write(b'{"id": "bomb", "text": "')
        piece = b"a" * PIECE
        for _ in range(chars // PIECE):
            out.write(piece)
        out.write(b"a" * (chars % PIECE) + b'"}\n')
        out.write((json.dumps({"id": "good-2", "text": GOOD + "二期"}, ensure_ascii=False) + "\n").encode())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chars", type=int, default=1_500_000_000, help="Characters of the bomb's article.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "bomb.jsonl.gz"
        write_bomb(bomb, args.chars)
        projreg = Path(sys.executable).with_name("projreg")
        started = time.perf_counter()
        run = subprocess.run(
            [str(projreg), "ingest", str(bomb), "--db", str(Path(tmp) / "registry.db")],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(run.stderr.strip())
        print(
            f"bomb of {args.chars:,} characters, {bomb.stat().st_size / 1e6:.1f} MB gzipped: "
            f"exit {run.returncode}, {seconds:.1f} s, peak memory {peak_mb:.0f} MB"
        )


if __name__ == "__main__":
    main()
