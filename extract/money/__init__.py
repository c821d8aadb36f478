"""Amounts of money in Chinese press text, with value, currency, qualifier and role.

RECORDS.md "money" is the contract. One compiled pattern scans the text once and
yields, in order, the amounts (``计划总投资50.9亿元``, ``十几个亿``, ``1亿美元``) and
the words that give an amount its role (``到位资金``, ``产值``, ``利税``); the role
of each amount is then read from the words around it in its sentence: the
nearest before it, carried over a list (``产值1.48亿元、利税0.18亿元``), or one just
after it (``约合9.3亿元人民币资金``), the higher priority winning. Size classes
(``5000万元以上项目``, ``百亿级``) and unit prices (``3000元/吨``) are told apart
first. Everything that is language rather than logic (currencies, qualifiers,
trigger words and their roles, size-class nouns) lives in ``rules/money.yml``.
The package reads one way: :mod:`.grammar` compiles the rules, :mod:`.amounts`
reads the amounts, :mod:`.roles` gives each its role, and here the records.

The standard ``re`` engine is used rather than ``regex``: on this pattern (a
trie of a few hundred words beside the amount grammar) it runs several times
faster, and nothing here needs ``regex``'s extensions.

Text is expected cleaned (NFKC-folded digits, column breaks rejoined); Chinese
punctuation may or may not be folded to ASCII, so both forms are handled.
"""

from __future__ import annotations

from extract.models import Money, MoneyRole
from extract.numbers import to_yuan

from .amounts import licensed, scan
from .grammar import Amount, MoneyRules, grammar
from .roles import role_of

__all__ = ["MoneyRules", "find_money", "role_words"]


def find_money(text: str) -> list[Money]:
    """Every amount of money in text, in order, with yuan, role, qualifier (RECORDS.md "money")."""
    g = grammar()
    tokens = licensed(text, list(scan(text, g)), g)
    out: list[Money] = []
    for i, tok in enumerate(tokens):
        if isinstance(tok, Amount):
            out.append(_to_money(text, tok, role_of(text, tokens, i, g)))
    return out


def role_words(text: str, start: int, end: int) -> list[tuple[MoneyRole, bool, bool]]:
    """The words of ``text[start:end]`` that give amounts a role, each as (role, written before
    amounts, written after them): what a learned role reads beside the rule's one guess."""
    g = grammar()
    triggers = (
        g.triggers[m.group()] for m in g.scanner.finditer(text, start, end) if m.lastgroup == "trigger"
    )
    return [(t.role, t.left, t.right) for t in triggers]


def _to_money(text: str, amount: Amount, role: MoneyRole) -> Money:
    """The record: yuan for CNY (whole, or to the fen below one yuan), the amount in its own currency
    otherwise."""
    cny = amount.currency == "CNY"
    return Money(
        start=amount.start,
        end=amount.end,
        text=text[amount.start : amount.end],
        yuan=to_yuan(amount.low) if cny else None,
        yuan_max=to_yuan(amount.high) if cny and amount.high is not None else None,
        currency=amount.currency or "CNY",
        amount=None if cny else float(amount.low),
        role=role,
        qualifier=amount.qualifier,
    )
