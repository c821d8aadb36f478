"""Project records: each project named in an article, with the facts tied to it.

Chinese press names a project in a few ways: a name ending in a head word
(``…风电项目``, ``…产业园``, ``…智算中心``), an item of a list closed by
``等N个项目`` (``新签约A、B、C等74个项目``, with or without 项目 of its own),
or a title in 《》 before ``等合作项目``. A name runs left from its head over
words until a governing word (签约, 推进, 对, 总投资X亿元的 …), punctuation,
money or a date; the name is what lies between, as written.

Facts are tied to a name by position, the way a reader ties them:

- in its own clause (``计划总投资7.52亿元的X``, ``X，总投资7.52亿元``, ``X加速实施``);
- in the predicate that governs it (``新签约A、B等…``, ``…等续建项目``, the
  clauses that go on after ``X，``);
- in the later sentences about it (the paragraph it opens, or sentences that
  refer back to it: ``该项目``, ``项目建成后``, ``项目负责人X``).

An amount after a list or a count (``等74个项目，计划总投资560.84亿元``)
belongs to no single project: it becomes an :class:`Indicator`. A project
named twice, in full and in short, is one record with aliases.

Everything works in the coordinates of the cleaned text; the inputs are the
outputs of the money, capacity, date and organisation extractors.

The package, in the order data flows: :mod:`.grammar` (rules), :mod:`.contacts`, :mod:`.article`
(lookups), :mod:`.namings` (candidate names and their judging), :mod:`.scopes`, :mod:`.facts`,
:mod:`.grouping`, :mod:`.records` (the run).
"""

from .article import rows_apart
from .contacts import find_contacts
from .grammar import INVESTMENT_ROLES, grammar
from .grouping import same_project
from .namings import strip_name
from .records import RuleProjects, find_projects

__all__ = [
    "INVESTMENT_ROLES",
    "RuleProjects",
    "find_contacts",
    "find_projects",
    "grammar",
    "rows_apart",
    "same_project",
    "strip_name",
]
