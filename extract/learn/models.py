"""The trained models as one bundle: loaded once from ``models/``, saved there by ``projreg train``.

Each model is a :class:`~extract.learn.linear.LinearModel` in its own JSON
file; ``manifest.json`` holds the candidate heads learnt from gold and what
the models were trained on. The files are versioned data like ``rules/``:
their digest is part of the pipeline version, so new models re-extract.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

from .linear import LinearModel


class ModelsError(RuntimeError):
    """The models folder is missing a file or holds one that does not load."""


class TrainError(ValueError):
    """Training asked of nothing to learn from."""


@dataclass(frozen=True)
class Models:
    """Every learned decision of the pipeline."""

    heads: tuple[str, ...]
    """Where a candidate project name may end (rules' heads and the last words of gold names)."""
    project_start: LinearModel
    """Of the candidates ending at one offset, which start is the name's."""
    project_accept: LinearModel
    """Is a candidate span a project's name?"""
    money_role: LinearModel
    """An amount's role (total_investment, output_value, threshold …)."""
    stage: LinearModel
    """A project's stage, or none."""
    money_owner: LinearModel
    """Is an amount this project's investment, output value or tax, or none of them?"""
    capacity_owner: LinearModel
    """Is a capacity this project's?"""
    company_owner: LinearModel
    """Is a company this project's investor, owner or builder?"""
    company_accept: LinearModel
    """Is a name the rules, LAC or the gazetteer found a company?"""


MODEL_FILES = tuple(f.name for f in fields(Models) if f.name != "heads")


def models_dir() -> Path:
    """``$PROJREG_MODELS`` or ``models/`` beside the package."""
    env = os.environ.get("PROJREG_MODELS")
    return Path(env) if env else Path(__file__).resolve().parent.parent.parent / "models"


def save_models(models: Models, folder: Path, manifest: dict) -> None:
    """Write every model and the manifest (heads, training summary) to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        getattr(models, name).save(folder / f"{name}.json")
    data = {**manifest, "heads": list(models.heads)}
    (folder / "manifest.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def read_models(folder: Path) -> Models:
    """The bundle in ``folder``; a clear error naming the file that is missing or broken."""
    loaded: dict[str, object] = {}
    for name in (*MODEL_FILES, "manifest"):
        path = folder / f"{name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            loaded[name] = data if name == "manifest" else LinearModel.from_json(data)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelsError(
                f"model file {path} is missing or broken ({exc}). Hint: 'projreg train' rebuilds the models."
            ) from exc
    manifest = loaded.pop("manifest")
    return Models(heads=tuple(manifest["heads"]), **loaded)  # type: ignore[arg-type, index]


@cache
def shipped_models() -> Models:
    """The models of :func:`models_dir`, loaded once per process."""
    return read_models(models_dir())


def model_files() -> list[Path]:
    """The files whose content is part of the pipeline version."""
    folder = models_dir()
    return sorted(folder.glob("*.json")) if folder.is_dir() else []
