"""When a citizen who hands in a file now gets the result: the procedure's channel, its time limit and the
working-day calendar (pure: the procedure, the moment and the calendar in, the plan and its wording out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from procedures_kb.schema import Channel, ChannelKind, Procedure
from procedures_kb.timelimits import Appointment, NoTimeLimit, describe_appointment, plan_appointment
from procedures_kb.workdays import WorkingCalendar

from ..clock import VN_TZ


class ChannelNotOffered(ValueError):
    """The procedure is not done through the channel asked for (the message lists the channels it has)."""


def pick_channel(procedure: Procedure, kind: ChannelKind | None) -> Channel:
    """The channel asked for, or the in-person one (the kiosk is at the desk); ChannelNotOffered otherwise."""
    if kind is None:
        return procedure.default_channel
    channel = procedure.channel(kind)
    if channel is None:
        offered = ", ".join(c.kind.label.lower() for c in procedure.channels)
        raise ChannelNotOffered(f"Thủ tục này không thực hiện qua kênh «{kind.label.lower()}»; các kênh có: {offered}.")
    return channel


@dataclass(frozen=True)
class PlannedAppointment:
    channel: Channel
    plan: Appointment
    text: str  # Vietnamese, for the citizen


def plan_for(
    procedure: Procedure,
    received_at: datetime,
    calendar: WorkingCalendar,
    *,
    kind: ChannelKind | None = None,
    now: datetime | None = None,
) -> PlannedAppointment:
    """The appointment for a complete file of `procedure` handed in at `received_at` (read in the commune's time;
    with `now`, the received day is called "hôm nay" when it is today)."""
    channel = pick_channel(procedure, kind)
    local = received_at.astimezone(VN_TZ)
    plan = plan_appointment(channel.time_limit, local, calendar)
    today = now.astimezone(VN_TZ).date() if now is not None else None
    return PlannedAppointment(channel, plan, describe_appointment(plan, channel.time_limit, today=today))


def today_text(procedure: Procedure, now: datetime | None, calendar: WorkingCalendar | None) -> str | None:
    """ "Nộp hôm nay (…) thì hẹn trả …" for the in-person channel, or None (no clock or calendar given, or the time
    limit is not known)."""
    if now is None or calendar is None:
        return None
    try:
        return plan_for(procedure, now, calendar, now=now).text
    except NoTimeLimit:
        return None
