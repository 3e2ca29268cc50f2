"""Loading and validating the catalogue files (YAML) into typed procedures."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from .fees import FeeQuote, compute_fee
from .schema import ChannelKind, FeeRule, Procedure
from .text import fold

DATA_DIR = Path(__file__).parent / "data"
PROCEDURES_DIR = DATA_DIR / "procedures"
PROVINCES_DIR = DATA_DIR / "provinces"

_FEE_ADAPTER: TypeAdapter[FeeRule] = TypeAdapter(FeeRule)


@dataclass(frozen=True)
class Problem:
    where: str  # file (and entry) the problem is in
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class CatalogueError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Province:
    id: str
    name: str
    fees: Mapping[str, FeeRule]
    sources: list[str] = field(default_factory=list)
    verified: bool = False


@dataclass
class Catalogue:
    procedures: list[Procedure]
    province: Province | None = None
    fingerprint: str = ""

    def __post_init__(self) -> None:
        self._by_code = {p.code: p for p in self.procedures}
        self._by_national = {p.national_code: p for p in self.procedures}

    def get(self, code: str) -> Procedure | None:
        code = code.strip()
        return self._by_code.get(code) or self._by_national.get(".".join(code.split(".")[:2]))

    def __len__(self) -> int:
        return len(self.procedures)

    def __iter__(self):
        return iter(self.procedures)

    @property
    def fields(self) -> list[str]:
        seen: dict[str, None] = {}
        for p in self.procedures:
            seen.setdefault(p.field, None)
        return list(seen)

    @property
    def province_fees(self) -> Mapping[str, FeeRule]:
        return self.province.fees if self.province else {}

    def fee(
        self,
        procedure: Procedure,
        channel: ChannelKind | None = None,
        **inputs,
    ) -> FeeQuote:
        ch = procedure.channel(channel) if channel else procedure.default_channel
        if ch is None:
            raise KeyError(f"procedure {procedure.code} has no channel {channel}")
        return compute_fee(ch.fee, province_fees=self.province_fees, **inputs)

    @cached_property
    def search_index(self):
        from .search import SearchIndex

        return SearchIndex(self.procedures)

    def search(self, query: str, *, limit: int = 5, field: str | None = None):
        return self.search_index.search(query, limit=limit, field=field)


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def _read_yaml(path: Path, problems: list[Problem]):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(Problem(path.name, f"not valid YAML: {exc}"))
        return None


def _format_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"])
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "missing field"
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


def parse_procedures(entries: Iterable[tuple[str, object]]) -> tuple[list[Procedure], list[Problem]]:
    """Validate raw entries (where, data) into procedures, collecting every problem."""
    procedures: list[Procedure] = []
    problems: list[Problem] = []
    for where, raw in entries:
        label = where
        if isinstance(raw, dict) and raw.get("code"):
            label = f"{where} [{raw['code']}]"
        try:
            procedures.append(Procedure.model_validate(raw))
        except ValidationError as exc:
            problems.append(Problem(label, _format_validation_error(exc)))
    problems.extend(cross_check(procedures))
    return procedures, problems


def cross_check(procedures: list[Procedure]) -> list[Problem]:
    """Catalogue-wide rules: unique codes, an alias or name never pointing at two procedures."""
    problems: list[Problem] = []
    by_code: dict[str, str] = {}
    for p in procedures:
        if p.national_code in by_code:
            problems.append(Problem(p.code, f"duplicate code (also {by_code[p.national_code]})"))
        by_code[p.national_code] = p.code
    owner: dict[str, str] = {}
    for p in procedures:
        own: set[str] = set()
        for label in [p.name, *p.aliases]:
            key = " ".join(fold(label).split())
            if key in own:
                continue
            own.add(key)
            if key in owner and owner[key] != p.code:
                problems.append(
                    Problem(p.code, f"alias {label!r} also points at {owner[key]}")
                )
            owner.setdefault(key, p.code)
    return problems


def load_procedures(directory: Path = PROCEDURES_DIR) -> tuple[list[Procedure], list[Problem], str]:
    problems: list[Problem] = []
    entries: list[tuple[str, object]] = []
    digest = hashlib.sha256()
    files = _yaml_files(directory)
    if not files:
        problems.append(Problem(str(directory), "no catalogue files (*.yaml)"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
        data = _read_yaml(path, problems)
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(Problem(path.name, "a catalogue file must be a YAML list of procedures"))
            continue
        entries.extend((f"{path.name}#{i + 1}", item) for i, item in enumerate(data))
    procedures, more = parse_procedures(entries)
    return procedures, problems + more, digest.hexdigest()


def load_province(province_id: str, directory: Path = PROVINCES_DIR) -> Province:
    path = directory / f"{province_id}.yaml"
    if not path.exists():
        known = ", ".join(p.stem for p in _yaml_files(directory)) or "none"
        raise CatalogueError([Problem(path.name, f"unknown province {province_id!r} (known: {known})")])
    problems: list[Problem] = []
    data = _read_yaml(path, problems)
    if problems:
        raise CatalogueError(problems)
    if not isinstance(data, dict) or "name" not in data or not isinstance(data.get("fees", {}), dict):
        raise CatalogueError([Problem(path.name, "a province file needs 'name' and a 'fees' mapping")])
    fees: dict[str, FeeRule] = {}
    for key, raw in (data.get("fees") or {}).items():
        try:
            fees[key] = _FEE_ADAPTER.validate_python(raw)
        except ValidationError as exc:
            problems.append(
                Problem(f"{path.name} [{key}]", f"fee rule does not parse: {_format_validation_error(exc)}")
            )
    if problems:
        raise CatalogueError(problems)
    return Province(
        id=province_id,
        name=data["name"],
        fees=fees,
        sources=list(data.get("sources") or []),
        verified=bool(data.get("verified", False)),
    )


def validate(directory: Path = PROCEDURES_DIR, provinces_dir: Path = PROVINCES_DIR) -> list[Problem]:
    """Every problem in the catalogue and province files (empty list = valid)."""
    procedures, problems, _ = load_procedures(directory)
    keys_used = {
        ch.fee.key for p in procedures for ch in p.channels if getattr(ch.fee, "kind", None) == "province"
    }
    for path in _yaml_files(provinces_dir):
        try:
            prov = load_province(path.stem, provinces_dir)
        except CatalogueError as exc:
            problems.extend(exc.problems)
            continue
        for key in prov.fees:
            if key not in keys_used:
                problems.append(Problem(path.name, f"fee key {key!r} is not used by any procedure"))
    return problems


def load_catalogue(
    directory: Path = PROCEDURES_DIR,
    province: str | None = None,
    provinces_dir: Path = PROVINCES_DIR,
) -> Catalogue:
    """Load and validate the catalogue; raise CatalogueError listing every problem."""
    procedures, problems, digest = load_procedures(directory)
    if problems:
        raise CatalogueError(problems)
    prov = load_province(province, provinces_dir) if province else None
    return Catalogue(procedures=procedures, province=prov, fingerprint=digest)
