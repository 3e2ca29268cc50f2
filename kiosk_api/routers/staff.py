"""Staff endpoints: login/logout and dossier management. Everything but login needs a bearer token."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile

from ..deps import (
    CalendarDep,
    CatalogueDep,
    ScopeDep,
    SecretDep,
    SessionDep,
    SettingsDep,
    StaffDep,
    TodayDep,
    TokenDep,
    client_address,
    current_staff,
)
from ..domain.status import DossierStatus
from ..errors import ApiError, login_error
from ..schemas.common import PageNumber, error_responses
from ..schemas.dossiers import (
    ImportReportOut,
    RowProblemOut,
    StaffDossierDetail,
    StaffDossierPage,
    StatusChange,
)
from ..schemas.staff import LoginRequest, Message, StaffMe, TokenResponse
from ..services import dossier_import
from ..services import dossiers as dossier_service
from ..services import staff as staff_service

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

public = APIRouter(prefix="/api/staff", tags=["staff"])
router = APIRouter(
    prefix="/api/staff",
    tags=["staff"],
    dependencies=[Depends(current_staff)],
    responses=error_responses(401),
)


@public.post("/login", response_model=TokenResponse, responses=error_responses(401, 422, 429))
def login(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep, secret: SecretDep
) -> TokenResponse:
    """Exchange a username and password for an opaque bearer token (valid KIOSK_STAFF_TOKEN_TTL_HOURS). Wrong
    passwords are counted per account and address, and per account from anywhere (then an admin can unlock it)."""
    try:
        issued = staff_service.log_in(
            session,
            settings=settings,
            secret=secret,
            username=body.username,
            password=body.password,
            address=client_address(request),
        )
    except staff_service.LoginRefused as refused:
        raise login_error(refused.wait, refused.scope) from None
    return TokenResponse(token=issued.token, expires_at=issued.expires_at)


@router.post("/users/{username}/unlock", response_model=Message, responses=error_responses(403, 422))
def unlock_user(
    username: Annotated[str, Path(max_length=64)], user: StaffDep, session: SessionDep, secret: SecretDep
) -> Message:
    """Admin only: lift the lock wrong passwords put on an account."""
    if user.role != "admin":
        raise ApiError(403, "forbidden", "Chỉ quản trị viên được mở khóa tài khoản.")
    lifted = staff_service.unlock(session, username, secret=secret, actor=user.username)
    return Message(detail="Đã mở khóa tài khoản." if lifted else "Tài khoản không bị khóa.")


@router.post("/logout", response_model=Message)
def logout(token: TokenDep, user: StaffDep, session: SessionDep, secret: SecretDep) -> Message:
    """Revoke the token used for this request."""
    staff_service.revoke_token(session, token, secret=secret, actor=user.username)
    return Message(detail="Đã đăng xuất.")


@router.get("/me", response_model=StaffMe)
def me(user: StaffDep) -> StaffMe:
    """The logged-in staff member."""
    return StaffMe(username=user.username, full_name=user.full_name, role=user.role)


@router.get("/dossiers", response_model=StaffDossierPage, responses=error_responses(422))
def list_dossiers(
    session: SessionDep,
    scope: ScopeDep,
    settings: SettingsDep,
    catalogue: CatalogueDep,
    today: TodayDep,
    status: Annotated[list[DossierStatus] | None, Query(description="Repeat to select several")] = None,
    overdue: Annotated[bool | None, Query(description="Only overdue (true) or not overdue (false)")] = None,
    field: Annotated[str | None, Query(max_length=200)] = None,
    procedure_code: Annotated[str | None, Query(max_length=32)] = None,
    received_from: Annotated[date | None, Query(alias="from", description="Received on or after")] = None,
    received_to: Annotated[date | None, Query(alias="to", description="Received on or before")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the code or applicant name")] = None,
    page: PageNumber = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> StaffDossierPage:
    """Dossiers, newest first, of the officer's unit (a province officer: every unit, or `?unit=`). Staff see the
    applicant's name, never the phone number."""
    filters = dossier_service.DossierFilter(
        status=status,
        overdue=overdue,
        field=field,
        procedure_code=procedure_code,
        received_from=received_from,
        received_to=received_to,
        q=q,
        unit=scope.unit,
    )
    total, rows = dossier_service.list_dossiers(session, filters, today=today, page=page, page_size=page_size)
    items = [
        dossier_service.staff_view(d, catalogue=catalogue, today=today, commune_name=settings.commune_name)
        for d in rows
    ]
    return StaffDossierPage(total=total, page=page, page_size=page_size, items=items)


def _dossier_in_scope(session: SessionDep, code: str, scope: ScopeDep, *, with_history: bool = False):
    try:
        dossier = dossier_service.get_by_code(session, code, with_history=with_history)
    except dossier_service.DossierNotFound:
        raise ApiError(404, "not_found", f"Không có hồ sơ mã {code}.") from None
    scope.check(dossier.unit_code)
    return dossier


@router.get("/dossiers/{code}", response_model=StaffDossierDetail, responses=error_responses(403, 404))
def get_dossier(
    code: str, session: SessionDep, scope: ScopeDep, settings: SettingsDep, catalogue: CatalogueDep, today: TodayDep
) -> StaffDossierDetail:
    """One dossier with its status history (403 for another unit's)."""
    dossier = _dossier_in_scope(session, code, scope, with_history=True)
    return dossier_service.staff_detail(dossier, catalogue=catalogue, today=today, commune_name=settings.commune_name)


@router.patch("/dossiers/{code}", response_model=StaffDossierDetail, responses=error_responses(403, 404, 409, 422))
def update_dossier(
    code: str,
    change: StatusChange,
    user: StaffDep,
    session: SessionDep,
    scope: ScopeDep,
    settings: SettingsDep,
    catalogue: CatalogueDep,
    today: TodayDep,
) -> StaffDossierDetail:
    """Change a dossier's status (403 for another unit's); the history row and the audit entry are written in the
    same transaction."""
    _dossier_in_scope(session, code, scope)
    try:
        dossier_service.change_status(session, code, change, user=user, today=today)
    except dossier_service.DossierNotFound:
        raise ApiError(404, "not_found", f"Không có hồ sơ mã {code}.") from None
    except dossier_service.StatusChangeError as exc:
        raise ApiError(409, "invalid_status_change", str(exc)) from None
    dossier = dossier_service.get_by_code(session, code, with_history=True)
    session.refresh(dossier, ["history"])
    return dossier_service.staff_detail(dossier, catalogue=catalogue, today=today, commune_name=settings.commune_name)


@router.post("/dossiers/import", response_model=ImportReportOut, responses=error_responses(413, 422))
def import_dossiers(
    user: StaffDep,
    session: SessionDep,
    scope: ScopeDep,
    secret: SecretDep,
    catalogue: CatalogueDep,
    calendar: CalendarDep,
    file: Annotated[UploadFile, File(description="CSV export, UTF-8, header as documented")],
    partial: Annotated[bool, Form(description="Write the good rows even when some rows are bad")] = False,
) -> ImportReportOut:
    """Import (upsert) dossiers from a CSV file into the officer's unit (a province officer: `?unit=`, else each
    code's unit by its prefix). With bad rows and partial=false nothing is written; the report lists every bad row
    with its line number (header = line 1), including a dossier that belongs to another unit."""
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "too_large", f"Tệp quá lớn (tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB).")
    report = dossier_import.import_csv(
        session,
        data,
        secret=secret,
        catalogue=catalogue,
        calendar=calendar,
        partial=partial,
        actor=user.username,
        source=(file.filename or "upload.csv")[:200],
        unit=scope.unit,
    )
    return report_out(report)


def report_out(report: dossier_import.ImportReport) -> ImportReportOut:
    def problems(items):
        return [RowProblemOut(line=p.line, code=p.code, message=p.message) for p in items]

    return ImportReportOut(
        rows=report.rows,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        written=report.written,
        partial=report.partial,
        computed_appointments=report.computed_appointments,
        errors=problems(report.errors),
        warnings=problems(report.warnings),
        summary=report.summary(),
    )
