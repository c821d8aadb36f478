"""Namings of one project together (full and short names), through keys: never all pairs."""

from __future__ import annotations

from functools import lru_cache

import regex

from .article import _Article, rows_apart
from .facts import _Facts
from .grammar import PHASE, grammar
from .namings import _is_specific, _Naming


@lru_cache(maxsize=1 << 14)
def _key(name: str) -> str:
    """A name without the suffixes that do not tell projects apart (项目, 建设, 工程), longest first."""
    s = name
    changed = True
    while changed:
        changed = False
        for suffix in grammar().rules.name_suffixes:
            if s.endswith(suffix) and len(s) > len(suffix) + 1:
                s, changed = s[: -len(suffix)], True
    return s


#: Numbers in a name: a short form may leave one out, never write another.
DIGITS = regex.compile(r"\d+(?:\.\d+)?")


def _phases(s: str) -> set[str]:
    return set(PHASE.findall(s))


def same_project(a: str, b: str) -> bool:
    """Full and short names of one project: equal keys, or the short one inside or spread through it."""
    ka, kb = _key(a), _key(b)
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    if _phases(short) != _phases(long_) or len(short) < 2:
        return False
    if not set(DIGITS.findall(short)) <= set(DIGITS.findall(long_)):
        return False  # 梅河口市2号污水处理厂 is not 梅河口市26号污水处理厂
    if long_.startswith(short) or (len(short) >= 4 and short in long_):
        return True
    if len(short) < 4:
        return False
    return _subsequence(short, long_) and short[:2] in long_ and short[-2:] == long_[-2:]


def _subsequence(short: str, long_: str) -> bool:
    it = iter(long_)
    return all(ch in it for ch in short)


#: Earlier groups a naming is compared with, per way of finding them (bounded: grouping stays linear).
GROUP_REACH = 30


def _group(art: _Article, namings: list[_Naming], facts_of: dict[int, _Facts]) -> list[list[_Naming]]:
    """Namings of one project together: same or short names, unless their owners differ.

    A name without anything specific that ends another name is a short reference
    to it (``此次收购的风电项目`` after ``加拿大梅兰克森电力公司风电项目``).

    Each naming joins the first group holding a name of its project. The
    groups compared are those a name of the project must share two
    characters with (the shorter name's first two stand in the longer, or both
    end alike), the last ``GROUP_REACH`` of each, and the latest ones: never all.
    """
    keys = {id(n): _key(n.name) for n in namings}
    numbers = {id(n): frozenset(DIGITS.findall(keys[id(n)])) for n in namings}

    def same(a: _Naming, b: _Naming) -> bool:
        na, nb = numbers[id(a)], numbers[id(b)]
        if not (na <= nb or nb <= na) or _other_owners(facts_of[id(a)], facts_of[id(b)]):
            return False  # a name never writes a number the other lacks (2号 is not 26号)
        if keys[id(a)] != keys[id(b)] and rows_apart(art.text, a.start, b.start):
            return False
        if same_project(a.name, b.name):
            return True
        short, long_ = sorted((a, b), key=lambda n: len(keys[id(n)]))
        return keys[id(long_)].endswith(keys[id(short)]) and not _is_specific(art, short)

    groups: list[list[_Naming]] = []
    index: dict[str, list[int]] = {}  # "=key", "<first two", "~two inside", ">last two" -> groups
    for n in namings:
        k = keys[id(n)]
        pairs = {k[i : i + 2] for i in range(len(k) - 1)}
        looks = [f"={k}", f"~{k[:2]}", f">{k[-2:]}", *(f"<{p}" for p in pairs)]
        nearby = {g for look in looks for g in index.get(look, [])[-GROUP_REACH:]}
        nearby.update(range(max(len(groups) - GROUP_REACH, 0), len(groups)))
        found = next((g for g in sorted(nearby) if any(same(n, o) for o in groups[g])), None)
        if found is None:
            found = len(groups)
            groups.append([])
        groups[found].append(n)
        for look in [f"={k}", f"<{k[:2]}", f">{k[-2:]}", *(f"~{p}" for p in pairs)]:
            index.setdefault(look, []).append(found)
    return groups


def _other_owners(a: _Facts, b: _Facts) -> bool:
    """Do two namings name different companies (two 300万吨特钢项目 of two steel groups)?"""
    ours = {o.refers_to or o.name for o in a.companies}
    theirs = {o.refers_to or o.name for o in b.companies}
    return bool(ours and theirs and not ours & theirs)
