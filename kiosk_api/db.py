"""Database plumbing: engine creation (SQLite pragmas), the declarative base, a UTC datetime type, and the clock
each session carries.

A session is made by `make_sessionmaker(engine, clock)`: `session_now(session)` is the current instant of the app's
clock, and columns declared with `stamp("insert")` / `stamp("update")` are filled from it at flush time (the record
timestamps: created, changed, received). No code reads the machine's clock for the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, cast

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, inspect
from sqlalchemy.engine import CursorResult, Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql import Executable
from sqlalchemy.types import TypeDecorator

from .clock import Clock, utc_now, vn_today
from .domain.units import DEFAULT_UNIT_CODE
from .settings import normalise_database_url

# Deterministic constraint names: needed by Alembic batch mode on SQLite and identical on PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


CLOCK_KEY = "clock"
STAMP_KEY = "stamp"
UNIT_KEY = "unit"
OWNER_KEY = "owned_by_unit"


def owned_by_unit() -> dict[str, Any]:
    """Column info for a row's unit (the commune it belongs to): a row added without one gets the unit the session
    was made for (use as `mapped_column(..., info=owned_by_unit())`)."""
    return {OWNER_KEY: True}


def stamp(when: Literal["insert", "update"]) -> dict[str, Any]:
    """Column info for a timestamp the flush fills from the session's clock: "insert" when the row is added and the
    value is unset, "update" also whenever the row changes (use as `mapped_column(..., info=stamp("insert"))`)."""
    return {STAMP_KEY: when}


def session_clock(session: Session) -> Clock:
    clock = session.info.get(CLOCK_KEY)
    if clock is None:
        raise RuntimeError("this session has no clock: make sessions with make_sessionmaker(engine, clock)")
    return clock


def session_now(session: Session) -> datetime:
    """The current instant (UTC) of the clock the session was made with."""
    return utc_now(session_clock(session))


def session_today(session: Session) -> date:
    """Today in Vietnam, by the clock the session was made with."""
    return vn_today(session_clock(session))


def _stamped_columns(obj: object, kinds: tuple[str, ...]) -> list[str]:
    mapper = inspect(type(obj))
    return [attr.key for attr in mapper.column_attrs if attr.columns[0].info.get(STAMP_KEY) in kinds]


def _unit_columns(obj: object) -> list[str]:
    return [attr.key for attr in inspect(type(obj)).column_attrs if attr.columns[0].info.get(OWNER_KEY)]


def _stamp_timestamps(session: Session, flush_context: object, instances: object) -> None:  # noqa: ARG001
    if not session.new and not session.dirty:
        return
    now = session_now(session)
    for obj in session.new:
        for key in _unit_columns(obj):
            if getattr(obj, key) is None:
                setattr(obj, key, session.info[UNIT_KEY])
        for key in _stamped_columns(obj, ("insert", "update")):
            if getattr(obj, key) is None:
                setattr(obj, key, now)
    for obj in session.dirty:
        if not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        for key in _stamped_columns(obj, ("update",)):
            if not state.attrs[key].history.has_changes():
                setattr(obj, key, now)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    PostgreSQL stores `timestamptz`; SQLite has no time zones, so the value is stored as naive UTC and
    read back as aware UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL never corrupts the database; a power cut may only undo the last commits. It removes a disk
    # sync from every commit (8 ms each on the dev machine), which a kiosk writing ratings and chat logs feels.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout, and its folder is created."""
    url = normalise_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {}).setdefault("check_same_thread", False)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_sessionmaker(engine: Engine, clock: Clock, unit: str = DEFAULT_UNIT_CODE) -> sessionmaker[Session]:
    """Sessions bound to `engine` that carry `clock` (see `session_now`) and stamp record timestamps from it, and
    carry `unit`, the commune a row added without one belongs to (the kiosk's own unit; see `owned_by_unit`)."""
    factory = sessionmaker(bind=engine, expire_on_commit=False, info={CLOCK_KEY: clock, UNIT_KEY: unit})
    event.listen(factory, "before_flush", _stamp_timestamps)
    return factory


def rows_affected(session: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE and return how many rows it changed."""
    result = cast("CursorResult[Any]", session.execute(statement))
    return result.rowcount or 0
