"""The secret token of ``workplan serve``: made, checked and kept out of logs.

The token is 32 random bytes from the operating system (``secrets``), 43 URL-safe
characters, and is the first segment of every path the server answers:
``http://127.0.0.1:8000/<token>/``. It lives only in the server's memory and in the one
line ``serve`` prints: never in a process's arguments or environment, never in a file,
never in a log line (``Redact``), never in a Referer header (``Referrer-Policy:
no-referrer``), never in a cookie (a cookie for ``localhost`` goes to every port of it,
another user's server included).
"""

from __future__ import annotations

import hmac
import logging
import secrets
import traceback

TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def same_secret(given: str, token: str) -> bool:
    """Whether ``given`` is the token, in time that does not depend on where they differ."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def token_of(path: str) -> str:
    """The first segment of a request's path: where the token must be."""
    return path.split("/", 2)[1] if path.startswith("/") and len(path) > 1 else ""


class Redact(logging.Filter):
    """Replaces the token with ``<token>`` in every record a handler writes (tracebacks too)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and record.exc_info[0] is not None:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        record.exc_info = None
        if record.exc_text:
            message += "\n" + record.exc_text
            record.exc_text = None
        record.msg, record.args = message.replace(self.token, "<token>"), None
        return True
