"""The registry in a browser: Datasette plugin, metadata, views, CJK search, charts, review."""

from .search import jieba_query, refresh_search_index
from .site import build_site, serve

__all__ = ["build_site", "jieba_query", "refresh_search_index", "serve"]
