"""The tools agree with each other: the pre-commit hooks run the ruff that make lint runs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pin(text: str, package: str) -> str:
    match = re.search(rf"{package}==([\w.]+)", text)
    assert match, f"{package} is not pinned"
    return match[1]


def test_pre_commit_runs_the_pinned_ruff() -> None:
    hooks = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    pinned = _pin((ROOT / "requirements-dev.txt").read_text(encoding="utf-8"), "ruff")
    assert re.findall(r"ruff==([\w.]+)", hooks) == [pinned, pinned]


def test_complexity_is_checked() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]
    assert "C901" in config["lint"]["select"]
    assert config["lint"]["mccabe"]["max-complexity"] <= 12
