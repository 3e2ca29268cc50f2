"""The FastAPI application factory.

The app never creates tables: run `kiosk db upgrade` (or `kiosk serve`, which does it) first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from procedures_kb.catalogue import Catalogue
from procedures_kb.workdays import WorkingCalendar

from . import errors
from .access_log import AccessLogMiddleware
from .catalogue_config import catalogue_for
from .clock import Clock
from .db import make_engine, make_sessionmaker
from .domain import qa
from .domain.units import OutOfScope
from .petitions import pages as petition_pages
from .petitions import router as petitions_router
from .ratings import pages as rating_pages
from .ratings import router as ratings_router
from .ratings import slip_router as rating_slips
from .routers import (
    assistant,
    chat,
    docs,
    dossiers,
    handoffs,
    health,
    kiosk,
    kiosk_sessions,
    procedures,
    reports,
    speech,
    staff,
    staff_pages,
)
from .security_headers import SecurityHeadersMiddleware
from .services.rasa_client import RasaClient
from .settings import Settings
from .speech.service import SpeechService
from .templating import STATIC_DIR
from .workcalendar import load_calendar
from .zalo import router as zalo_router
from .zalo.worker import ZaloWorker

log = logging.getLogger(__name__)

DESCRIPTION = """\
API of **Trợ lý Một cửa**, the assistant of a commune one-stop desk: procedure catalogue search, fees and
time limits, dossier status lookup for citizens, dossier management for staff, the chat assistant (Rasa,
with a catalogue fallback), satisfaction ballots, petitions (phản ánh, kiến nghị) and requests for an officer.

Every error answers JSON `{"error": "<code>", "detail": ...}`.
"""


def create_app(
    settings: Settings | None = None,
    catalogue: Catalogue | None = None,
    *,
    clock: Clock | None = None,
    calendar: WorkingCalendar | None = None,
) -> FastAPI:
    """Build the app for `settings` (default: from the environment), `catalogue` (default: loaded), `clock`
    (default: the machine's, or KIOSK_CLOCK_START) and the working-day `calendar` (default: the law's, with the
    packaged and KIOSK_CALENDAR_FILE overrides; a bad override file stops the start with its problems)."""
    settings = settings or Settings()
    catalogue = catalogue if catalogue is not None else catalogue_for(settings)
    clock = clock or settings.make_clock()
    calendar = calendar or load_calendar(settings)
    engine = make_engine(settings.resolved_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        # One HTTP client to Rasa per running server, handed to requests as request.state.rasa.
        rasa = RasaClient(settings.rasa_url, settings.rasa_timeout, token=settings.resolved_rasa_token())
        # The Zalo worker answers webhook events in the background (only when Zalo is configured).
        zalo_worker = ZaloWorker(app.state, rasa) if settings.zalo_enabled else None
        if zalo_worker is not None:
            await zalo_worker.start()
        app.state.zalo_worker = zalo_worker
        # The assistant's question index embeds the catalogue's questions once (read from disk after the first
        # time): in the background, so the server answers at once and the first question does not wait.
        threading.Thread(target=lambda: qa.index_for(catalogue).warm(), name="warm-assistant", daemon=True).start()
        try:
            yield {"rasa": rasa, "zalo_worker": zalo_worker}
        finally:
            app.state.zalo_worker = None
            if zalo_worker is not None:
                await zalo_worker.stop()
            app.state.speech.close()  # stops the speech synthesis worker process, if one was started
            await rasa.aclose()
            engine.dispose()

    app = FastAPI(
        title="Trợ lý Một cửa — kiosk API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by routers.docs with local assets (no CDN)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.secret = settings.resolved_secret_key()
    app.state.internal_token = settings.resolved_internal_token()
    app.state.engine = engine
    app.state.clock = clock
    app.state.calendar = calendar
    app.state.sessionmaker = make_sessionmaker(engine, clock, settings.unit)
    app.state.catalogue = catalogue
    # KIOSK_REPORT_RULES is validated at start-up (RuleFileError lists the problems).
    reports.load_report_rules(settings)
    # Speech engines load lazily on first use: the app starts (and answers touch) without any.
    app.state.speech = SpeechService(settings, catalogue)
    errors.install(app)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(AccessLogMiddleware)
    # Pages, scripts and JSON go compressed over the commune Wi-Fi (the kiosk page: 100 KiB raw, 29 KiB gzipped).
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount(docs.ASSETS_URL, StaticFiles(directory=docs.ASSETS), name="static-docs")
    app.include_router(docs.router)
    app.include_router(health.router)
    app.include_router(procedures.router)
    app.include_router(dossiers.router)
    app.include_router(staff.public)
    app.include_router(staff.router)
    app.include_router(assistant.router)
    app.include_router(chat.router)
    app.include_router(ratings_router.router)
    app.include_router(rating_pages.router)
    app.include_router(rating_slips.router)
    app.include_router(petitions_router.router)
    app.include_router(petitions_router.staff)
    app.include_router(staff_pages.router)
    app.include_router(petition_pages.router)
    app.add_exception_handler(staff_pages.LoginRequired, staff_pages.redirect_to_login)
    app.add_exception_handler(OutOfScope, staff_pages.other_unit)  # another unit's data: 403, page or JSON
    app.include_router(handoffs.public)
    app.include_router(handoffs.staff)
    app.include_router(kiosk.router)
    app.include_router(kiosk_sessions.router)
    app.include_router(zalo_router.router)
    app.include_router(speech.router)
    app.include_router(reports.router)
    log.info(
        "kiosk API ready: %d procedures (catalogue %s), database %s",
        len(catalogue),
        catalogue.fingerprint[:12],
        engine.url.render_as_string(hide_password=True),
    )
    return app
