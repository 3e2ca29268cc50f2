"""The reply about a procedure to a citizen's message: the fact that answers it, or the aspect it asks about.

Shared by the assistant's API (the Rasa actions) and the chat fallback, so both answer alike. Pure: reads the
catalogue and its question index only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from procedures_kb.catalogue import Catalogue
from procedures_kb.schema import Procedure
from procedures_kb.workdays import WorkingCalendar

from . import answers, qa


@dataclass(frozen=True)
class Reply:
    answer: answers.Answer
    aspect: answers.Aspect
    fact: bool  # the reply is a fact matching the question (not one of the card's aspects)


def reply_about(
    catalogue: Catalogue,
    procedure: Procedure,
    aspect: answers.Aspect | str,
    message: str | None = None,
    *,
    commune: str = "xã",
    pages: int | None = None,
    copies: int | None = None,
    now: datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> Reply:
    """With the citizen's `message`, the fact or aspect that answers it comes first (domain.qa); else `aspect`."""
    choice = qa.index_for(catalogue).choose(procedure, message) if message and message.strip() else None
    aspect = answers.Aspect(choice.aspect if choice is not None and choice.aspect is not None else aspect)
    fact = choice.fact if choice is not None else None
    reply = answers.answer(
        procedure,
        aspect,
        catalogue.province_fees,
        pages=pages,
        copies=copies,
        now=now,
        calendar=calendar,
        offered=catalogue.offers(procedure),
        commune=commune,
        fact=fact,
    )
    return Reply(reply, aspect, fact is not None)


def referral_reply(catalogue: Catalogue, message: str) -> answers.Answer | None:
    """What the commune does not do, when the message is about it (the referral table); else None."""
    found = qa.index_for(catalogue).referral(message) if message.strip() else None
    if found is None:
        return None
    topic, _ = found
    return answers.Answer(answers.referral_topic_text(topic))
