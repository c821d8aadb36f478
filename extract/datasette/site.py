"""Build and run the Datasette site of a registry: the library behind ``projreg serve``."""

from __future__ import annotations

import asyncio
import copy
import functools
import os
import socket
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import sqlite_utils
import yaml
from datasette.app import Datasette
from datasette.plugins import pm

from ..registry import open_registry
from . import plugin
from .search import refresh_search_index
from .views import create_views

HERE = Path(__file__).resolve().parent
METADATA = HERE / "metadata.yml"
TEMPLATES = HERE / "templates"
SECRET_ENV = "DATASETTE_SECRET"


@functools.cache
def _metadata_template() -> dict:
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def site_metadata(database: str, public_sql: bool = False) -> dict:
    """The repo's metadata with its ``registry`` entries renamed to the served database's name."""
    metadata = copy.deepcopy(_metadata_template())
    metadata["databases"] = {database: metadata["databases"]["registry"]}
    metadata["plugins"]["projreg"]["database"] = database
    metadata["plugins"]["projreg"]["public_sql"] = public_sql
    return metadata


def register_plugin() -> None:
    """Register the projreg plugin with Datasette's plugin manager (once per process)."""
    if not pm.is_registered(plugin):
        pm.register(plugin, name="projreg")


def build_site(db_path: str | Path, secret: str | None = None, public_sql: bool = False) -> Datasette:
    """A Datasette instance serving the registry at ``db_path`` (schema migrated first).

    ``secret`` signs the sign-in cookies; it defaults to ``$DATASETTE_SECRET``
    (Datasette picks a random one when neither is set, which signs everyone
    out at each restart). Arbitrary SQL is for reviewers unless ``public_sql``:
    anonymous visitors have the tables, views and canned queries, and cannot
    starve the site with runaway queries.
    """
    db_path = Path(db_path)
    open_registry(db_path).close()
    register_plugin()
    return Datasette(
        [str(db_path)],
        metadata=site_metadata(db_path.stem, public_sql),
        template_dir=str(TEMPLATES),
        secret=secret or os.environ.get(SECRET_ENV),
        settings={"sql_time_limit_ms": 5000, "facet_time_limit_ms": 500},
    )


def port_in_use(host: str, port: int) -> bool:
    """Whether another program listens on ``host:port`` (checked before preparing, so nothing is
    announced that cannot be served)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def serve(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8001,
    public_sql: bool = False,
    progress: Callable[[int, int], None] | None = None,
    ready: Callable[[], None] | None = None,
) -> None:
    """Prepare the site (views, search index, with ``progress`` of a long index build; connections
    are refused meanwhile), call ``ready``, and serve it until interrupted."""
    import uvicorn

    with closing(open_registry(db_path).conn) as conn:
        db = sqlite_utils.Database(conn)
        create_views(db)
        refresh_search_index(db, progress)
    site = build_site(db_path, public_sql=public_sql)
    asyncio.run(site.invoke_startup())
    if ready is not None:
        ready()
    uvicorn.run(site.app(), host=host, port=port, log_level="warning")
