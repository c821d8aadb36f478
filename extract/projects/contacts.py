"""Contact persons of projects (``项目负责人林巍``), found in the text before any project is."""

from __future__ import annotations

from ..models import Mention
from .grammar import FOREIGN_NAME, HAN, grammar


def find_contacts(text: str) -> list[Mention]:
    """The persons named as responsible for a project (``项目负责人林巍介绍``), article-wide."""
    g = grammar()
    return [p for m in g.contact_re.finditer(text) if (p := _person_after(text, m.end()))]


def _person_after(text: str, pos: int) -> Mention | None:
    """A personal name at ``pos``: a surname, one or two more characters, then a verb or punctuation."""
    g = grammar()
    rules = g.rules
    foreign = FOREIGN_NAME.match(text, pos, pos + 14)
    if foreign:
        for end in range(foreign.end() - len(foreign.group("last")) + 1, foreign.end() + 1):
            if g.contact_follow_re.match(text, end):
                return Mention(start=pos, end=end, text=text[pos:end])
        return None
    surname = next((s for s in rules.compound_surnames if text.startswith(s, pos)), None)
    if surname is None and pos < len(text) and text[pos] in rules.surnames:
        surname = text[pos]
    if surname is None:
        return None
    for given in (1, 2):
        end = pos + len(surname) + given
        name = text[pos:end]
        if HAN.fullmatch(name) and end <= len(text) and g.contact_follow_re.match(text, end):
            return Mention(start=pos, end=end, text=name)
    return None
