"""Two runtime fixes for hot spots of the Rasa 3.6 server, found with py-spy under load (no effect on training
or on what the assistant answers).

1. Action-server responses. Rasa 3.6 checks every response of the action server with
``jsonschema.validate(result, schema)`` (``RemoteAction._validate_action_result``). That helper first validates
the schema itself against the JSON Schema meta-schema, on every call; the events schema is large, so under load
this check alone took 43 % of the Rasa server's CPU (py-spy, 20 concurrent conversations: 69 ms of Rasa CPU per
message, 29 ms of it here).
We build the validator once (the schema is still checked, once) and validate each response with it: the same
schema, the same first error (``best_match``), the same message and exception as Rasa's own method.

2. Event deserialisation. Every time a conversation is loaded from the tracker store, each stored event's class is
found by ``Event.resolve_by_type``, which walks all subclasses of Event for every event: 10 % of the server's CPU
after fix 1. We remember the class found for each type name (classes found, never misses, so an unknown name still
raises as before).

Installed when this package is imported, which Rasa does when it loads the model's custom components.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event


@lru_cache(maxsize=1)
def response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action "
            f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


_original_resolve_by_type = Event.resolve_by_type
_event_classes: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    cls = _event_classes.get(type_name)
    if cls is None:
        cls = _original_resolve_by_type(type_name, default)
        if cls is not None and cls is not default:
            _event_classes[type_name] = cls
    return cls


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
