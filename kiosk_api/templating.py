"""Server-rendered pages: one Jinja2 environment (autoescaped) for every template under kiosk_api/templates/,
and the folder of static files served at /static (no CDN: everything a page loads comes from this server)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
# Jinja2Templates autoescapes .html/.xml by default; say it explicitly for every template we render.
templates.env.autoescape = True
