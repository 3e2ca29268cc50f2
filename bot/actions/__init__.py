"""Custom actions of the assistant (run with `rasa run actions` from bot/)."""
