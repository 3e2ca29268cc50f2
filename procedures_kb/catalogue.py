"""Loading and validating the catalogue files (YAML) into typed procedures."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import BaseModel, StringConstraints, TypeAdapter, ValidationError

from .fees import FeeQuote, compute_fee
from .fields import FIELDS_FILE, load_fields
from .quality import garbled
from .schema import CasesFee, ChannelKind, Fact, FeeRule, Procedure, ProvinceFee, ReferralTopic
from .text import fold

DATA_DIR = Path(__file__).parent / "data"
PROCEDURES_DIR = DATA_DIR / "procedures"  # curated and referral entries, written by the team
IMPORTED_DIR = DATA_DIR / "imported"  # facts parsed from the national portal (`kiosk catalogue import`)
PROVINCES_DIR = DATA_DIR / "provinces"
FACTS_DIR = DATA_DIR / "facts"  # short facts with the questions they answer, one file per field
REFERRALS_FILE = DATA_DIR / "referrals.yaml"  # what the commune does not do: who does, where
PACKAGED = Path("<packaged>")  # "the packaged facts / referrals when the catalogue directory is the packaged one"

_FEE_ADAPTER: TypeAdapter[FeeRule] = TypeAdapter(FeeRule)
# Where the catalogue says "{desk}", the commune's one-stop desk is meant; its name differs between provinces.
DESK = "{desk}"
DEFAULT_DESK_NAME = "Trung tâm Phục vụ hành chính công"
M = TypeVar("M", bound=BaseModel)


def with_desk(item: M, desk_name: str) -> M:
    """The procedure (or referral topic) with "{desk}" replaced by the desk's name in every text a citizen reads."""
    raw = item.model_dump(mode="json")

    def walk(value):
        if isinstance(value, str):
            return value.replace(DESK, desk_name)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return type(item).model_validate(walk(raw)) if DESK in item.model_dump_json() else item


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


class ProvinceFees(dict):
    """A province's fee overrides (key → rule) and whether the province file was verified."""

    def __init__(self, fees: Mapping[str, FeeRule], *, verified: bool) -> None:
        super().__init__(fees)
        self.verified = verified


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
    # National codes the commune's desk handles (its province's list); None: every procedure.
    offered: frozenset[str] | None = None
    referrals: list[ReferralTopic] = field(default_factory=list)

    def offers(self, procedure: Procedure) -> bool:
        return self.offered is None or procedure.national_code in self.offered

    @property
    def offered_procedures(self) -> list[Procedure]:
        """The procedures this commune's desk handles (all when its province publishes no list)."""
        return [p for p in self.procedures if self.offers(p)]

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
        """The province's fee overrides; `.verified` says whether its amounts were checked (shown with a caveat
        otherwise)."""
        if self.province is None:
            return ProvinceFees({}, verified=True)
        return ProvinceFees(self.province.fees, verified=self.province.verified)

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


def _validate_entries(entries: Iterable[tuple[str, object]]) -> tuple[list[Procedure], list[Problem]]:
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
    return procedures, problems


def parse_procedures(entries: Iterable[tuple[str, object]]) -> tuple[list[Procedure], list[Problem]]:
    """Validate raw entries (where, data) into procedures, collecting every problem."""
    procedures, problems = _validate_entries(entries)
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
                problems.append(Problem(p.code, f"alias {label!r} also points at {owner[key]}"))
            owner.setdefault(key, p.code)
    return problems


def _read_entries(
    directory: Path,
    problems: list[Problem],
    digest,
    not_a_list: str = "a catalogue file must be a YAML list of procedures",
) -> list[tuple[str, object]]:
    """("file#n", item) for every item of every YAML list in `directory`, each file fed to `digest`."""
    entries: list[tuple[str, object]] = []
    for path in _yaml_files(directory):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
        data = _read_yaml(path, problems)
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(Problem(path.name, not_a_list))
            continue
        entries.extend((f"{path.name}#{i + 1}", item) for i, item in enumerate(data))
    return entries


def load_procedures(
    directory: Path = PROCEDURES_DIR,
    imported_dir: Path | None = IMPORTED_DIR,
    fields_file: Path = FIELDS_FILE,
    facts_dir: Path | None = PACKAGED,
) -> tuple[list[Procedure], list[Problem], str]:
    """The curated entries of `directory` and the imported ones of `imported_dir`. A procedure curated by the team
    replaces its imported entry (same national code); imported entries must hold facts only, readable ones; every
    procedure's field is one of the catalogue's fields (`fields_file`). The facts of `facts_dir` (default: the
    packaged ones, for the packaged catalogue) are attached to their procedures."""
    problems: list[Problem] = []
    digest = hashlib.sha256()
    entries = _read_entries(directory, problems, digest)
    if not entries and not problems:
        problems.append(Problem(str(directory), "no catalogue files (*.yaml)"))
    curated, more = _validate_entries(entries)
    problems += more
    imported: list[Procedure] = []
    if imported_dir is not None and imported_dir.is_dir():
        digest.update(b"\x00imported\x00")
        raw, more = _validate_entries(_read_entries(imported_dir, problems, digest))
        problems += more
        taken = {p.national_code for p in curated}
        for p in raw:
            if not p.imported:
                problems.append(Problem(p.code, f"an entry in {imported_dir.name}/ must have status: imported"))
            elif p.national_code not in taken:
                problems.extend(Problem(p.code, message) for message in garbled(p))
                imported.append(p)
    procedures = curated + imported
    fields = load_fields(fields_file)
    problems.extend(
        Problem(p.code, f"field {p.field!r} is not a catalogue field (see {fields_file.name})")
        for p in procedures
        if p.field not in fields
    )
    facts_dir = _packaged(facts_dir, directory, FACTS_DIR)
    if facts_dir is not None and facts_dir.is_dir():
        digest.update(b"\x00facts\x00")
        facts, more = _read_facts(facts_dir, digest)
        problems += more
        by_code = {p.national_code: i for i, p in enumerate(procedures)}
        for code, (where, items, names) in facts.items():
            if code not in by_code:
                problems.append(Problem(where, f"facts for {code}, which is not in the catalogue"))
                continue
            i = by_code[code]
            known = {fold(a) for a in procedures[i].aliases}
            problems += [Problem(where, f"alias {a!r} of {code} is in its entry") for a in names if fold(a) in known]
            update = {"facts": items, "aliases": [*procedures[i].aliases, *names]}
            procedures[i] = procedures[i].model_copy(update=update)
    problems.extend(cross_check(procedures))
    return procedures, problems, digest.hexdigest()


def _packaged(path: Path | None, directory: Path, packaged: Path) -> Path | None:
    if path is PACKAGED:
        return packaged if directory == PROCEDURES_DIR else None
    return path


_FACTS_ADAPTER: TypeAdapter[list[Fact]] = TypeAdapter(list[Fact])


_Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=120)]
_ALIASES_ADAPTER: TypeAdapter[list[str]] = TypeAdapter(list[_Alias])


def _read_facts(directory: Path, digest) -> tuple[dict[str, tuple[str, list[Fact], list[str]]], list[Problem]]:
    """code → (where, facts, aliases) from every facts file: a list of {code, aliases?, facts?}; `aliases` are
    more ways citizens name the procedure (an imported entry has none of its own)."""
    problems: list[Problem] = []
    out: dict[str, tuple[str, list[Fact], list[str]]] = {}
    shape = "a facts file is a YAML list of {code, aliases, facts}"
    for where, item in _read_entries(directory, problems, digest, shape):
        keys = set(item) - {"code"} if isinstance(item, dict) and "code" in item else set()
        if not isinstance(item, dict) or not keys or not keys <= {"aliases", "facts"}:
            problems.append(Problem(where, "expected the key code with facts, aliases or both"))
            continue
        code = ".".join(str(item["code"]).split(".")[:2])
        try:
            facts = _FACTS_ADAPTER.validate_python(item.get("facts") or [])
            names = _ALIASES_ADAPTER.validate_python(item.get("aliases") or [])
        except ValidationError as exc:
            problems.append(Problem(f"{where} [{code}]", _format_validation_error(exc)))
            continue
        if code in out:
            problems.append(Problem(where, f"facts for {code} are also in {out[code][0]}"))
            continue
        out[code] = (where, facts, names)
    return out, problems


_REFERRALS_ADAPTER: TypeAdapter[list[ReferralTopic]] = TypeAdapter(list[ReferralTopic])


def load_referrals(path: Path = REFERRALS_FILE) -> tuple[list[ReferralTopic], list[Problem]]:
    """The referral table: what citizens ask the commune that it does not do."""
    problems: list[Problem] = []
    if not path.exists():
        return [], problems
    data = _read_yaml(path, problems)
    if data is None:
        return [], problems
    try:
        topics = _REFERRALS_ADAPTER.validate_python(data)
    except ValidationError as exc:
        return [], [Problem(path.name, _format_validation_error(exc))]
    ids = [t.id for t in topics]
    problems += [
        Problem(path.name, f"referral id {i!r} is listed twice") for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    return topics, problems


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


def province_keys(rule: FeeRule) -> list[str]:
    """The province fee keys a rule refers to, including those inside its cases."""
    if isinstance(rule, ProvinceFee):
        return [rule.key]
    if isinstance(rule, CasesFee):
        return [key for case in rule.cases for key in province_keys(case.fee)]
    return []


def validate(
    directory: Path = PROCEDURES_DIR,
    provinces_dir: Path = PROVINCES_DIR,
    imported_dir: Path | None = IMPORTED_DIR,
    fields_file: Path = FIELDS_FILE,
) -> list[Problem]:
    """Every problem in the catalogue (curated and imported entries) and province files (empty list = valid)."""
    procedures, problems, _ = load_procedures(directory, imported_dir, fields_file)
    referrals_file = _packaged(PACKAGED, directory, REFERRALS_FILE)
    if referrals_file is not None:
        problems += load_referrals(referrals_file)[1]
    keys_used = {key for p in procedures for ch in p.channels for key in province_keys(ch.fee)}
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
    *,
    imported_dir: Path | None = IMPORTED_DIR,
    desk_name: str = DEFAULT_DESK_NAME,
) -> Catalogue:
    """Load and validate the catalogue (curated, then imported entries), naming the desk `desk_name`; raise
    CatalogueError listing every problem."""
    procedures, problems, digest = load_procedures(directory, imported_dir)
    if problems:
        raise CatalogueError(problems)
    procedures = [with_desk(p, desk_name) for p in procedures]
    prov = load_province(province, provinces_dir) if province else None
    referrals_file = _packaged(PACKAGED, directory, REFERRALS_FILE)
    referrals, more = load_referrals(referrals_file) if referrals_file else ([], [])
    referrals = [with_desk(t, desk_name) for t in referrals]
    if more:
        raise CatalogueError(more)
    return Catalogue(procedures=procedures, province=prov, fingerprint=digest, referrals=referrals)
