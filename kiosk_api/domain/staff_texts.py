"""What an officer reads when logging in is refused (pure wording; the API and the login page share it)."""

from __future__ import annotations

from . import lookup_texts

LOGIN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."


def login_refused(wait: int | None, scope: str | None) -> str:
    """Wrong credentials (`wait` None), or no tries left for `wait` seconds on the account or from the address."""
    if wait is None:
        return LOGIN_FAILED
    if scope == "account":
        return (
            "Tài khoản này tạm khóa vì bị nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau khoảng "
            f"{max(1, -(-wait // 60))} phút, hoặc nhờ quản trị viên mở khóa."
        )
    return lookup_texts.too_many_attempts(wait)


def voice_text(label: str) -> str:
    """Who reads the answers aloud at the kiosk, for the officer: "piper:vi_VN-…" or "espeak-ng"."""
    if label.startswith("piper:"):
        return f"Giọng đọc: giọng tự nhiên Piper ({label.removeprefix('piper:')})."
    return (
        "Giọng đọc: espeak-ng (giọng máy, khó nghe). Cài giọng tự nhiên tiếng Việt bằng "
        "«kiosk models install tts-voice»."
    )
