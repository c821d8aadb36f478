"""``rules/learning.yml``: candidate heads and training settings of the learned decisions."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..rules import load_rules


class Settings(BaseModel):
    """See the comments in ``rules/learning.yml``."""

    model_config = ConfigDict(extra="forbid")

    heads: list[str] = Field(min_length=1)
    start_after: str
    max_name: int = Field(ge=4)
    never_first_char: list[str]
    never_first_word: list[str]
    l2: dict[str, float]
    iterations: int = Field(ge=1)
    min_count: int = Field(ge=1)
    accept: float = Field(gt=0, lt=1)
    attach: float = Field(gt=0, lt=1)
    attach_company: float = Field(gt=0, lt=1)
    stage_min: float = Field(ge=0, lt=1)
    veto: float = Field(ge=0, lt=1)
    head_min_count: int = Field(ge=1)
    head_min_positives: int = Field(ge=1)
    head_min_precision: float = Field(ge=0, lt=1)
    review_weight: float = Field(gt=0)
    planned_words: frozenset[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_model_has_l2(self) -> Settings:
        from .models import MODEL_FILES

        missing = sorted(set(MODEL_FILES) - self.l2.keys())
        unknown = sorted(self.l2.keys() - set(MODEL_FILES))
        if missing or unknown:
            raise ValueError(f"l2 must name each model once: missing {missing}, unknown {unknown}")
        return self


@cache
def settings() -> Settings:
    return load_rules("learning", Settings)
