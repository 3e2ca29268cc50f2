"""Liveness and readiness."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..deps import CatalogueDep, SessionDep
from ..domain import qa
from ..schemas.health import CatalogueHealth, Health

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


@router.get(
    "/healthz",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database cannot be reached"}},
)
def healthz(request: Request, session: SessionDep, catalogue: CatalogueDep):
    """Service status: database reachability, the loaded catalogue, the assistant's state and who reads aloud."""
    database: Literal["ok", "error"]
    try:
        session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:
        log.error("health check: database error %s", type(exc).__name__)
        database = "error"
    body = Health(
        status="ok" if database == "ok" else "degraded",
        database=database,
        catalogue=CatalogueHealth(procedures=len(catalogue), fingerprint=catalogue.fingerprint),
        assistant=qa.index_for(catalogue).meaning_state,
        voice=request.app.state.speech.voice_choice.label,
    )
    if database != "ok":
        return JSONResponse(status_code=503, content=body.model_dump(mode="json"))
    return body
