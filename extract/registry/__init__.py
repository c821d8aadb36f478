"""The SQLite registry: schema (as migrations), writes per article, reads for export."""

from .schema import MENTION_TABLES, open_registry

__all__ = ["MENTION_TABLES", "open_registry"]
