"""`kiosk serve`: run the kiosk API."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from .common import load_catalogue, load_settings, open_session, safe_url


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default KIOSK_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default KIOSK_PORT)")] = None,
) -> None:
    """Upgrade the database, sync the catalogue, then run the API with uvicorn."""
    import uvicorn

    from .. import migrate
    from ..app import create_app
    from ..services.catalogue_sync import sync_catalogue
    from ..serving import uvicorn_options

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    url = settings.resolved_database_url
    migrate.upgrade(url)
    catalogue = load_catalogue(settings)
    with open_session(settings) as session:
        report = sync_catalogue(session, catalogue, actor="serve")
    typer.echo(f"Database {safe_url(url)} ready; catalogue: {report.summary()}.")
    application = create_app(settings, catalogue)
    uvicorn.run(application, host=host or settings.host, port=port or settings.port, **uvicorn_options(settings))
