"""Reading a rule file: YAML, validation with every problem located (RuleFileError), a cache per file version."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .rules import ReportRules, RuleFileError

DEFAULT_RULES_FILE = Path(__file__).with_name("default.yaml")


def _problems(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()))
        msg = err.get("msg", "").removeprefix("Value error, ")
        out.append(f"{loc}: {msg}" if loc else msg)
    return out


def parse_rules(data: Any, *, source: str = "<rules>") -> ReportRules:
    """Validate already-parsed YAML data; RuleFileError lists every problem."""
    if not isinstance(data, dict):
        raise RuleFileError(source, ["the file must hold a mapping (name, indicators, classification, …)"])
    try:
        return ReportRules.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(source, _problems(exc)) from None


def load_rules(path: Path | str | None = None) -> ReportRules:
    """Load and validate a rule file (default: the packaged default.yaml)."""
    path = Path(path) if path else DEFAULT_RULES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(path, [f"cannot read the file: {exc.strerror or exc}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleFileError(path, [f"not valid YAML: {exc}"]) from None
    return parse_rules(data, source=str(path))


@lru_cache(maxsize=8)
def _cached(path: str, mtime_ns: int) -> ReportRules:  # noqa: ARG001 (the mtime is part of the cache key)
    return load_rules(path)


def rules_for(path: Path | str | None) -> ReportRules:
    """The rules at `path` (default file when None), cached until the file changes."""
    resolved = Path(path) if path else DEFAULT_RULES_FILE
    try:
        mtime = resolved.stat().st_mtime_ns
    except OSError:
        return load_rules(resolved)  # raises RuleFileError with the reason
    return _cached(str(resolved), mtime)
