"""The layering contracts of pyproject.toml ([tool.importlinter]), run by `lint-imports` in scripts/test: the tree
keeps them, and a copy of it with one forbidden import breaks them (so the check is known to bite)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.constants import ROOT

LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def source_copy(tmp_path: Path) -> Path:
    for package in ("kiosk_api", "procedures_kb"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.yaml", "static", "templates")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_every_layering_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("kiosk_api/services/audit.py", "from ..routers import staff", "Routers only translate HTTP"),
        ("kiosk_api/routers/reports.py", "from .staff import login", "No router imports another router"),
        ("kiosk_api/ratings/pages.py", "from ..routers import staff", "No router imports another router"),
        ("kiosk_api/schemas/reports.py", "from ..services import reports", "Schemas are shapes"),
        ("kiosk_api/domain/scoring.py", "import sqlalchemy", "The domain is pure"),
        ("kiosk_api/zalo/rules.py", "import httpx", "The domain is pure"),
        ("kiosk_api/zalo/rules.py", "from . import worker", "Inside the Zalo package"),
        ("kiosk_api/ratings/token.py", "import sqlalchemy", "The domain is pure"),
        ("kiosk_api/ratings/wording.py", "from ..settings import Settings", "The domain is pure"),
        ("kiosk_api/ratings/form.py", "from . import service", "Inside the ratings package"),
        ("kiosk_api/ratings/service.py", "from . import pages", "Inside the ratings package"),
        ("kiosk_api/services/chat.py", "from ..ratings import router", "The ratings use cases are services"),
        ("kiosk_api/ratings/service.py", "from ..routers import dossiers", "The ratings use cases are services"),
        ("kiosk_api/ratings/schemas.py", "from . import service", "Schemas are shapes"),
        ("kiosk_api/views/charts.py", "from ..routers import staff", "Views only present"),
        ("kiosk_api/domain/status.py", "from ..views import qr", "The domain is pure"),
        ("kiosk_api/petitions/rules.py", "import sqlalchemy", "The domain is pure"),
        ("kiosk_api/petitions/rules.py", "from . import service", "Inside the petitions package"),
        ("kiosk_api/petitions/schemas.py", "from . import service", "Schemas are shapes"),
        ("kiosk_api/services/dashboard.py", "from ..petitions import router", "The petition use cases are services"),
        ("kiosk_api/petitions/service.py", "from ..routers import handoffs", "The petition use cases are services"),
        ("kiosk_api/routers/handoffs.py", "from ..petitions import router", "No router imports another router"),
        ("kiosk_api/petitions/router.py", "from ..routers import handoffs", "No router imports another router"),
        ("procedures_kb/fees.py", "import kiosk_api.settings", "The catalogue stands alone"),
    ],
)
def test_one_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    root = source_copy(tmp_path)
    path = root / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    result = lint_imports(root)
    assert result.returncode == 1, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in broken
    assert module.removesuffix(".py").replace("/", ".") in broken
