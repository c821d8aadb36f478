"""Files derived from installed packages, kept in the user's cache folder so later processes start fast.

Nothing here is downloaded: each file is built from a package on this
machine (jieba's dictionary, LAC's network) the first time it is needed. The
folder (``$XDG_CACHE_HOME/projreg``) is private to the user, because a file
such as a pickle must never come from a folder others can write. Files are
written atomically, so parallel workers read the old file or the new one;
an unreadable file is rebuilt, and an unwritable folder only costs the build
each time. A file's name changes with what it is built from (a version, a
digest), so each build also removes the files of its kind under other names
(other versions') once they are a week old (:data:`STALE_AFTER_S`).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: A file of the same kind under another name (another version's) is removed once it is this old:
#: an install still using it rebuilds it once, so two installs never remove each other's files in turn.
STALE_AFTER_S = 7 * 24 * 3600


def cache_folder() -> Path:
    """Where projreg keeps data derived from installed packages (never anything downloaded)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "projreg"


def cached(name: str, build: Callable[[], bytes], load: Callable[[bytes], T]) -> T:
    """``load`` of the cached file ``name``, built by ``build`` and cached first if missing or unreadable."""
    path = cache_folder() / name
    try:
        return load(path.read_bytes())
    except FileNotFoundError:
        pass
    except Exception as err:  # whatever the loader raises on a damaged file: it is rebuilt
        logger.warning("rebuilding the unreadable cache file %s: %s", path, err)
    data = build()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)  # atomic: a parallel process reads the old file or the new one
    except OSError as err:
        logger.warning("cannot cache %s (%s); it is built afresh in every process", path, err)
    else:
        _remove_stale(path)
    return load(data)


def _remove_stale(path: Path) -> None:
    """Remove the week-old files of ``path``'s kind (its name up to the first ``-``) under other names."""
    cutoff = time.time() - STALE_AFTER_S
    for other in path.parent.glob(f"{path.name.split('-', 1)[0]}-*"):
        try:
            if other != path and other.stat().st_mtime < cutoff:
                other.unlink()
                logger.info("removed the stale cache file %s", other)
        except OSError:  # another process removed it first, or it is not ours to remove
            pass
