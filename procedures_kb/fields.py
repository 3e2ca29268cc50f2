"""The catalogue's fields (lĩnh vực) and the national portal's field names each one gathers (`data/fields.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .text import fold

FIELDS_FILE = Path(__file__).parent / "data" / "fields.yaml"


@dataclass(frozen=True)
class Fields:
    """Catalogue field names in display order, and the portal's names (folded) → catalogue field."""

    names: tuple[str, ...]
    by_portal_name: dict[str, str]

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def for_portal(self, portal_name: str) -> str | None:
        """The catalogue field for a portal field name (accents, case and spacing ignored); None if unlisted."""
        return self.by_portal_name.get(_key(portal_name))


def _key(name: str) -> str:
    return " ".join(fold(name).split())


def parse_fields(data: object) -> Fields:
    if not isinstance(data, dict) or not data:
        raise ValueError("the fields file must map each catalogue field to a list of portal field names")
    by_portal: dict[str, str] = {}
    for name, portal_names in data.items():
        if not isinstance(portal_names, list) or not all(isinstance(x, str) for x in portal_names):
            raise ValueError(f"field {name!r}: expected a list of portal field names")
        for portal in [name, *portal_names]:
            other = by_portal.setdefault(_key(portal), str(name))
            if other != name:
                raise ValueError(f"portal field {portal!r} is listed under both {other!r} and {name!r}")
    return Fields(tuple(str(n) for n in data), by_portal)


@cache
def load_fields(path: Path = FIELDS_FILE) -> Fields:
    return parse_fields(yaml.safe_load(path.read_text(encoding="utf-8")))
