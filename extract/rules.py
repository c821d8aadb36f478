"""Load the rule files in ``rules/`` once, validated, with errors that name the file.

Rules, lexicons and unit tables are data: each extractor declares a pydantic
model for its file and calls :func:`load_rules`, so a typo in a YAML file stops
start-up with the file name and the field at fault instead of silently
changing what is extracted.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TypeVar

import regex
import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
#: libyaml's safe loader where PyYAML was built with it (5x faster start-up), else the Python one.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RulesError(RuntimeError):
    """A rule file is missing or does not validate."""


def rules_dir() -> Path:
    """Where the rule files live: ``$PROJREG_RULES`` or ``rules/`` beside the package."""
    env = os.environ.get("PROJREG_RULES")
    path = Path(env) if env else Path(__file__).resolve().parent.parent / "rules"
    if not path.is_dir():
        raise RulesError(
            f"rules directory not found at {path}. Hint: install projreg from its checkout "
            "(pip install -e .) or set PROJREG_RULES to the rules/ folder."
        )
    return path


@cache
def raw_rules(name: str) -> object:
    """``rules/<name>.yml`` as parsed YAML, before any model validates it (read once per process)."""
    path = rules_dir() / f"{name}.yml"
    if not path.is_file():
        raise RulesError(f"rule file {path} is missing")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not valid YAML: {exc}") from exc


def load_rules(name: str, model: type[M]) -> M:
    """Parse ``rules/<name>.yml`` into ``model``; every error is reported with the file."""
    try:
        return model.model_validate(raw_rules(name))
    except ValidationError as exc:
        raise RulesError(f"{rules_dir() / (name + '.yml')}: {exc}") from exc


def alternation(words: Iterable[str], after: Mapping[str, str] | None = None) -> str:
    """A regex alternation of literal words, longest first, so a compound wins over its parts.

    (有限公司 over 公司, 装机容量 over 容量.) ``after`` adds a pattern behind
    some words (a guard such as ``(?![A-Za-z])``). Ties in length are ordered
    too, so the pattern is the same in every process.
    """
    after = after or {}
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(regex.escape(w) + after.get(w, "") for w in ordered)
