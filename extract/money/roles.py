"""The role of each amount, from the words around it in its sentence: the nearest before it, carried
over a list, or one just after it, the higher priority winning; size classes and prices first."""

from __future__ import annotations

from extract.models import MoneyRole

from .grammar import CLAUSE_BREAK, Amount, Grammar, Trigger

#: How many tokens _left_trigger looks back over at most (a bound on long lists and tables).
_MAX_WALK = 40


def role_of(text: str, tokens: list, i: int, g: Grammar) -> MoneyRole:
    """Size class, unit price, or the role of the words that govern the amount.

    An amount and its conversion (1亿英镑，约合9.3亿元人民币资金) are one sum: the words
    around either govern both."""
    amount: Amount = tokens[i]
    if is_threshold(text, amount, g):
        return "threshold"
    if _is_price(text, amount, g):
        return "other"
    candidates = _triggers_around(text, tokens, i, g)
    pair = _conversion_partner(text, tokens, i, g)
    if pair is not None:
        first, second = sorted((i, pair))
        candidates = _triggers_around(text, tokens, first, g) + _triggers_around(text, tokens, second, g)[1:]
    return _resolve(candidates)


def _is_price(text: str, amount: Amount, g: Grammar) -> bool:
    """A price per unit: 3000元/吨, 15元一斤, 每吨3000元, 每千瓦时1元 (not 每年5亿元)."""
    if g.price_after.match(text, amount.end):
        return True
    return g.price_before.search(text, max(0, amount.start - 5), amount.start) is not None


def _triggers_around(text: str, tokens: list, i: int, g: Grammar) -> list[Trigger | None]:
    """The words that may govern an amount: the one before it, then the one after it."""
    j = _left_trigger(text, tokens, i, g)
    left = None if j is None else _respective(text, tokens, i, j, g)
    return [left, _right_trigger(text, tokens, i, g)]


def _respective(text: str, tokens: list, i: int, j: int, g: Grammar) -> Trigger:
    """营业收入和利润总额分别为48.9亿元和5.3亿元: after 分别, the n-th amount goes with the n-th
    of the words listed before it; otherwise the word before (tokens[j]) governs them all."""
    first = j
    while first > 0 and isinstance(tokens[first - 1], Trigger) and tokens[first - 1].left:
        if not g.word_joint.fullmatch(text, tokens[first - 1].end, tokens[first].start):
            break
        first -= 1
    n = sum(isinstance(t, Amount) for t in tokens[j + 1 : i])
    if first < j and n <= j - first and "分别" in text[tokens[j].end : tokens[i].start]:
        return tokens[first + n]
    return tokens[j]


def _conversion_partner(text: str, tokens: list, i: int, g: Grammar) -> int | None:
    """The index of the amount this one converts (or is converted by), written right beside it."""
    for a, b in ((i - 1, i), (i, i + 1)):
        if a < 0 or b >= len(tokens):
            continue
        first, second = tokens[a], tokens[b]
        if (
            isinstance(first, Amount)
            and isinstance(second, Amount)
            and second.converted
            and g.conversion_gap.fullmatch(text, first.end, second.start)
        ):
            return b if a == i else a
    return None


def _resolve(candidates: list[Trigger | None]) -> MoneyRole:
    """The highest-priority candidate; on a tie the earliest listed (the word before)."""
    best: Trigger | None = None
    for c in candidates:
        if c is not None and (best is None or c.priority > best.priority):
            best = c
    return best.role if best else "other"


def _left_trigger(text: str, tokens: list, i: int, g: Grammar) -> int | None:
    """Where the nearest word before the amount is, in its sentence, reaching over a list of amounts.

    A list may run on over commas (A项目总投资5亿元，B项目3亿元). The word must be close
    before the list's first amount and, where a comma parts them, the amount must open its
    clause (交通投资高位运行，达16474亿元): in 境外投资项目未遵守规定，并...导致184.68万元
    the 投资 governs nothing."""
    first = tokens[i]
    for j in range(i - 1, max(-1, i - 1 - _MAX_WALK), -1):
        tok = tokens[j]
        if g.sentence_break.search(text, tok.end, first.start):
            return None
        if isinstance(tok, Amount):
            if _inside_aside(text, tok.end, first.start):
                return None
            first = tok
        elif tok.left and not _after_aside(text, tok.end, first.start):
            return j if _reaches(text, tok.end, first.start, g) else None
    return None


def _reaches(text: str, start: int, end: int, g: Grammar) -> bool:
    """Whether a word ending at start governs an amount at end (see _left_trigger)."""
    if end - start > g.rules.left_max_gap or _inside_aside(text, start, end):
        return False
    last_comma = max(text.rfind(c, start, end) for c in "，,")
    return last_comma < 0 or end - last_comma - 1 <= g.rules.left_clause_tail


def _inside_aside(text: str, start: int, end: int) -> bool:
    """Whether a bracket opens between start and end and is still open at end (拨款2.56亿加元（1美元)."""
    opened = max(text.rfind("(", start, end), text.rfind("（", start, end))
    closed = max(text.rfind(")", start, end), text.rfind("）", start, end))
    return opened > closed


def _after_aside(text: str, start: int, end: int) -> bool:
    """Whether a bracket closes between start and end that opened before start: the word at
    start is inside an aside (总成本(含税金)为1595.6亿元) and governs nothing outside it."""
    opened = max(text.rfind("(", start, end), text.rfind("（", start, end))
    closed = max(text.rfind(")", start, end), text.rfind("）", start, end))
    return closed > opened


def _right_trigger(text: str, tokens: list, i: int, g: Grammar) -> Trigger | None:
    """A word just after the amount in its clause that governs it (9.3亿元人民币资金, 两千万投资的)."""
    amount: Amount = tokens[i]
    clause_end = g.clause_gap.match(text, amount.end).end()
    for j in range(i + 1, len(tokens)):
        tok = tokens[j]
        if not isinstance(tok, Trigger) or tok.start > clause_end:
            return None
        if tok.start - amount.end > g.rules.right_max_gap:
            return None
        if tok.right and not _governs_next(text, tokens, j, g):
            return tok
    return None


def _governs_next(text: str, tokens: list, j: int, g: Grammar) -> bool:
    """Whether a word is the word before the next amount (计划总投资 in a list of projects)."""
    tok: Trigger = tokens[j]
    if not tok.left or j + 1 >= len(tokens) or not isinstance(tokens[j + 1], Amount):
        return False
    nxt: Amount = tokens[j + 1]
    return g.clause_gap.match(text, tok.end, nxt.start).end() == nxt.start and nxt.start - tok.end <= 6


def is_threshold(text: str, amount: Amount, g: Grammar) -> bool:
    """A size class, not an amount of anything: 亿元以上项目, 5000万元以上项目, 百亿级, 亿元村,
    产值超千亿元的企业有3家, 20家年销售额过百亿元的企业, 2～3个具有国际影响力的超千亿元产值的基地."""
    end = amount.end
    if g.class_after_above.match(text, end) or g.grade_after.match(text, end):
        return True
    if amount.magnitude_only and g.class_after_magnitude.match(text, end):
        return True
    if not (amount.bound or g.above_after.match(text, end)):
        return False  # 40多亿元 is an estimate of one sum, 超40亿元 a bound
    if g.count_after.match(text, end):
        return True
    clause_end = g.clause_gap.match(text, end).end()
    if "的" not in text[end : min(clause_end, end + 8)]:
        return False
    window = max(0, amount.start - 40)  # a count farther back does not count this amount
    clause_start = max(window, *(text.rfind(c, window, amount.start) + 1 for c in CLAUSE_BREAK))
    return g.count_before.search(text, clause_start, amount.start) is not None
