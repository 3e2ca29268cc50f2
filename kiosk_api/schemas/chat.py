"""/api/chat: one citizen message in, the assistant's replies out."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from .assistant import ButtonOut

MAX_MESSAGE = 1000

SenderId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
MessageText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE)]


class ChatRequest(BaseModel):
    sender_id: SenderId | None = Field(
        default=None,
        description="The conversation id the previous answer gave (`sender_id`); none or another value starts a "
        "new conversation",
    )
    message: MessageText = Field(description="The citizen's message (1–1000 characters), or a button payload")
    channel: Literal["chat", "kiosk", "zalo"] = Field(default="chat", description="Where the message comes from")


class Reply(BaseModel):
    text: str
    buttons: list[ButtonOut] = Field(default_factory=list)
    image: str | None = Field(default=None, description="URL of an image sent by the assistant, if any")


class ChatResponse(BaseModel):
    replies: list[Reply]
    source: Literal["assistant", "fallback"] = Field(
        description="assistant: answered by Rasa; fallback: Rasa unavailable, answered from the catalogue"
    )
    rating_url: str | None = Field(
        default=None,
        description="The rating page of the dossier the assistant has just disclosed (code + phone digits), if any",
    )
    sender_id: str | None = Field(
        default=None, description="The conversation id to send with the next message (issued by the server)"
    )
