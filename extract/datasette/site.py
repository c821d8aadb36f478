"""Build and run the Datasette site of a registry: the library behind ``projreg serve``."""

from __future__ import annotations

import asyncio
import copy
import functools
import os
from pathlib import Path

import yaml
from datasette.app import Datasette
from datasette.plugins import pm

from ..registry import open_registry
from . import plugin

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


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001, public_sql: bool = False) -> None:
    """Prepare the site (views, search index) and serve it until interrupted."""
    import uvicorn

    site = build_site(db_path, public_sql=public_sql)
    asyncio.run(site.invoke_startup())
    uvicorn.run(site.app(), host=host, port=port, log_level="warning")
