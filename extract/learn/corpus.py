"""Articles as the learned decisions read them: each one's rule output, from gold folders or a registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..models import Article
from .view import View


def rule_views(articles: Sequence[Article]) -> dict[str, View]:
    """Each article's rule output (cleaned text), by id."""
    from ..pipeline import Extractor  # spaCy and the NER model load only when texts are extracted

    extractor = Extractor(learned=False)
    views: dict[str, View] = {}
    for first in range(0, len(articles), 16):
        chunk = articles[first : first + 16]
        for article, rules in zip(chunk, extractor.rule_outputs(chunk), strict=True):
            views[article.id] = View(rules)
    return views


def gold_views(
    folders: Sequence[str], report: Callable[[str], None] = lambda line: None
) -> tuple[dict, dict]:
    """The gold records of ``folders`` and the rule output of each of their articles."""
    from ..gold import gold_articles, load_golds

    golds = load_golds(folders)
    articles = gold_articles(folders, golds)
    report(f"{len(golds)} gold articles; running the rules over them")
    views = rule_views([articles[a] for a in sorted(articles)])
    return golds, views
