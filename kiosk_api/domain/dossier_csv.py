"""Parsing the dossier CSV export of the provincial one-stop software (pure: bytes in, rows and problems out).

Format: UTF-8 (with or without BOM), comma-separated, the header below exactly, one dossier per row.
Dates are `dd/mm/yyyy` or `yyyy-mm-dd`; the result and return dates may be empty. The appointment date
(ngay_hen_tra) may be empty too when the caller can compute it (`appointment_for`: from the procedure's time limit
for the channel, on the working-day calendar, the file counted as received in the morning of ngay_tiep_nhan).

Errors (the row is not imported): a missing required field, a bad date, an appointment, result or return
date before the date received, a return date before the result date, a status that needs a date it does
not have (`co_ket_qua` needs ngay_co_ket_qua; `da_tra_ket_qua` needs both), an unknown channel or status,
a phone number without 9–11 digits, a malformed procedure code, the same ma_ho_so twice in one file, an empty
ngay_hen_tra that cannot be computed (the procedure is not in the catalogue).

Warnings (the row is imported): a well-formed procedure code that is not in the catalogue — dossiers are
facts recorded by the provincial software, and the local catalogue may not list every procedure yet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from motcua.codes import PROCEDURE_CODE

from .channels import DossierChannel
from .dates import parse_date
from .phones import PhoneError, normalise_phone
from .status import DossierStatus

HEADER: tuple[str, ...] = (
    "ma_ho_so",
    "ma_thu_tuc",
    "ten_nguoi_nop",
    "so_dien_thoai",
    "kenh_nop",
    "ngay_tiep_nhan",
    "ngay_hen_tra",
    "ngay_co_ket_qua",
    "ngay_tra_ket_qua",
    "trang_thai",
)
OPTIONAL = ("ngay_hen_tra", "ngay_co_ket_qua", "ngay_tra_ket_qua")
REQUIRED: tuple[str, ...] = tuple(h for h in HEADER if h not in OPTIONAL)
MAX_CODE_LENGTH = 64
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class DossierRow:
    line: int
    code: str
    procedure_code: str  # national code X.YYYYYY
    applicant_name: str
    phone: str  # normalised; only ever hashed, never stored
    channel: DossierChannel
    received_date: date
    appointment_date: date
    result_date: date | None
    returned_date: date | None
    status: DossierStatus
    appointment_computed: bool = False  # ngay_hen_tra was empty: computed from the procedure's time limit


# (national procedure code, channel, day received) → the appointment date, or None when it cannot be computed.
AppointmentFor = Callable[[str, DossierChannel, date], date | None]


@dataclass(frozen=True)
class RowProblem:
    line: int  # line in the file, header = line 1
    message: str
    code: str | None = None  # ma_ho_so when known (an opaque identifier, not personal data)


@dataclass
class ParsedFile:
    rows: list[DossierRow] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; raises UnicodeDecodeError for anything else."""
    return data.decode("utf-8-sig")


def parse_dossier_csv(
    data: bytes | str,
    is_known_procedure: Callable[[str], bool] | None = None,
    appointment_for: AppointmentFor | None = None,
) -> ParsedFile:
    """Parse and validate a dossier CSV file; every problem is reported with its line number. An empty
    ngay_hen_tra is computed with `appointment_for` when given (else it is a missing field)."""
    result = ParsedFile()
    if isinstance(data, bytes):
        try:
            text = decode(data)
        except UnicodeDecodeError as exc:
            result.errors.append(RowProblem(1, f"file is not UTF-8 text (byte {exc.start})"))
            return result
    else:
        text = data.removeprefix("\ufeff")

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        result.errors.append(RowProblem(1, f"cannot read the header: {exc}"))
        return result
    if header is None:
        result.errors.append(RowProblem(1, "empty file: no header"))
        return result
    if tuple(h.strip() for h in header) != HEADER:
        result.errors.append(RowProblem(1, "header must be exactly: " + ",".join(HEADER)))
        return result

    first_seen: dict[str, int] = {}
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.errors.append(RowProblem(start, f"malformed CSV: {exc}"))
            break
        previous_end = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # blank line
        row, problems, warnings = _parse_row(start, cells, is_known_procedure, appointment_for)
        result.warnings.extend(warnings)
        code = cells[0].strip() or None
        if code is not None:
            if code in first_seen:
                problems.append(f"duplicate ma_ho_so {code!r} (first on line {first_seen[code]})")
            else:
                first_seen[code] = start
        if problems or row is None:
            result.errors.append(RowProblem(start, "; ".join(problems), code))
            continue
        result.rows.append(row)
    return result


def _parse_row(
    line: int,
    cells: list[str],
    is_known_procedure: Callable[[str], bool] | None,
    appointment_for: AppointmentFor | None,
) -> tuple[DossierRow | None, list[str], list[RowProblem]]:
    problems: list[str] = []
    warnings: list[RowProblem] = []
    if len(cells) != len(HEADER):
        return None, [f"expected {len(HEADER)} columns, found {len(cells)}"], warnings
    values = {name: cell.strip() for name, cell in zip(HEADER, cells, strict=True)}
    required = REQUIRED if appointment_for is not None else (*REQUIRED, "ngay_hen_tra")
    missing = [name for name in HEADER if name in required and not values[name]]
    if missing:
        problems.append("missing " + ", ".join(missing))

    code = values["ma_ho_so"]
    if len(code) > MAX_CODE_LENGTH:
        problems.append(f"ma_ho_so longer than {MAX_CODE_LENGTH} characters")

    procedure_code = values["ma_thu_tuc"]
    if procedure_code:
        if not PROCEDURE_CODE.match(procedure_code):
            problems.append(f"bad ma_thu_tuc {procedure_code!r} (expected X.YYYYYY)")
        else:
            procedure_code = ".".join(procedure_code.split(".")[:2])
            if is_known_procedure is not None and not is_known_procedure(procedure_code):
                warnings.append(RowProblem(line, f"procedure {procedure_code} is not in the catalogue", code or None))

    if len(values["ten_nguoi_nop"]) > MAX_NAME_LENGTH:
        problems.append(f"ten_nguoi_nop longer than {MAX_NAME_LENGTH} characters")

    phone = ""
    if values["so_dien_thoai"]:
        try:
            phone = normalise_phone(values["so_dien_thoai"])
        except PhoneError as exc:
            problems.append(str(exc))  # the message never repeats the number itself

    channel: DossierChannel | None = None
    if values["kenh_nop"]:
        try:
            channel = DossierChannel(values["kenh_nop"])
        except ValueError:
            allowed = ", ".join(c.value for c in DossierChannel)
            problems.append(f"unknown kenh_nop {values['kenh_nop']!r} (allowed: {allowed})")

    status: DossierStatus | None = None
    if values["trang_thai"]:
        try:
            status = DossierStatus(values["trang_thai"])
        except ValueError:
            allowed = ", ".join(s.value for s in DossierStatus)
            problems.append(f"unknown trang_thai {values['trang_thai']!r} (allowed: {allowed})")

    dates: dict[str, date | None] = {}
    for name in ("ngay_tiep_nhan", "ngay_hen_tra", "ngay_co_ket_qua", "ngay_tra_ket_qua"):
        dates[name] = None
        if values[name]:
            try:
                dates[name] = parse_date(values[name])
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
    received, due = dates["ngay_tiep_nhan"], dates["ngay_hen_tra"]
    result_day, returned = dates["ngay_co_ket_qua"], dates["ngay_tra_ket_qua"]
    if received:
        for name, value in (
            ("ngay_hen_tra", due),
            ("ngay_co_ket_qua", result_day),
            ("ngay_tra_ket_qua", returned),
        ):
            if value and value < received:
                problems.append(f"{name} is before ngay_tiep_nhan")
    if result_day and returned and returned < result_day:
        problems.append("ngay_tra_ket_qua is before ngay_co_ket_qua")
    if status is DossierStatus.RESULT_READY and not result_day and not values["ngay_co_ket_qua"]:
        problems.append("status co_ket_qua needs ngay_co_ket_qua")
    if status is DossierStatus.RETURNED:
        if not result_day and not values["ngay_co_ket_qua"]:
            problems.append("status da_tra_ket_qua needs ngay_co_ket_qua")
        if not returned and not values["ngay_tra_ket_qua"]:
            problems.append("status da_tra_ket_qua needs ngay_tra_ket_qua")

    computed = False
    if due is None and not values["ngay_hen_tra"] and appointment_for is not None and not problems:
        assert channel and received
        due = appointment_for(procedure_code, channel, received)
        computed = due is not None
        if due is None:
            problems.append(
                f"ngay_hen_tra is empty and cannot be computed: procedure {procedure_code} is not in the catalogue "
                "or its time limit is not known"
            )
    if problems:
        return None, problems, warnings
    assert channel and status and received and due
    row = DossierRow(
        line=line,
        code=code,
        procedure_code=procedure_code,
        applicant_name=" ".join(values["ten_nguoi_nop"].split()),
        phone=phone,
        channel=channel,
        received_date=received,
        appointment_date=due,
        result_date=result_day,
        returned_date=returned,
        status=status,
        appointment_computed=computed,
    )
    return row, problems, warnings
