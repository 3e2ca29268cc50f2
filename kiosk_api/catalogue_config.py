"""The catalogue as this commune configures it: the province's fee overrides, the desk's name, and the procedures the
commune's desk handles (KIOSK_OFFERED_PROCEDURES; the others are answered "not done here")."""

from __future__ import annotations

from pathlib import Path

from procedures_kb.catalogue import Catalogue, CatalogueError, Problem, load_catalogue
from procedures_kb.schema import CODE_RE

from .settings import Settings


def read_offered(path: Path) -> frozenset[str]:
    """National codes, one per line (anything after # is a comment); CatalogueError naming bad lines."""
    codes: set[str] = set()
    problems = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CatalogueError([Problem(str(path), f"cannot read the list of offered procedures: {exc}")]) from None
    for n, line in enumerate(lines, 1):
        code = line.split("#", 1)[0].strip()
        if not code:
            continue
        if not CODE_RE.match(code):
            problems.append(Problem(f"{path.name}:{n}", f"not a procedure code: {code!r}"))
            continue
        codes.add(".".join(code.split(".")[:2]))
    if problems:
        raise CatalogueError(problems)
    return frozenset(codes)


def catalogue_for(settings: Settings) -> Catalogue:
    catalogue = load_catalogue(province=settings.province, desk_name=settings.desk_name)
    if settings.offered_procedures is not None:
        catalogue.offered = read_offered(settings.offered_procedures)
        unknown = sorted(code for code in catalogue.offered if catalogue.get(code) is None)
        if unknown:
            raise CatalogueError(
                [Problem(settings.offered_procedures.name, f"not in the catalogue: {', '.join(unknown)}")]
            )
    return catalogue
