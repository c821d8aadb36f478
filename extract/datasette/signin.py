"""Reviewer sign-in: where it may send the browser, how often it may be tried, how long it lasts.

A reviewer session is Datasette's signed ``ds_actor`` cookie with its
expiry key ``e`` (a working day unless ``PROJREG_SESSION_HOURS`` says
otherwise) and a fingerprint of the password it was opened with: changing
``PROJREG_REVIEW_PASSWORD`` signs everyone out, even with a fixed
``DATASETTE_SECRET``. Wrong passwords lock the client out for a while that
doubles with each further failure, and a site-wide cap stops a spread-out
guesser; both answer 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections import deque
from urllib.parse import urlsplit

from datasette.utils import baseconv

PASSWORD_ENV = "PROJREG_REVIEW_PASSWORD"
HOURS_ENV = "PROJREG_SESSION_HOURS"
SESSION_HOURS = 8.0
#: The shortest review password ``projreg serve`` accepts.
MIN_PASSWORD = 12
#: Wrong passwords a client may send before it is locked out, and the first lockout (seconds).
FREE_FAILURES, FIRST_LOCKOUT, LONGEST_LOCKOUT = 5, 2.0, 900.0
#: Wrong passwords from all clients together within a minute before every sign-in waits.
SITE_FAILURES_PER_MINUTE = 50


def safe_next(target: str | None, default: str) -> str:
    """``target`` where it is a path on this site, else ``default`` (no open redirect).

    Browsers drop tabs and newlines and read ``\\`` as ``/``, so ``/\\evil`` and
    ``/<TAB>/evil`` would leave the site: such characters are refused outright.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if any(ch == "\\" or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


def password_key(password: str) -> str:
    """A fingerprint of the review password kept in the session (not the password)."""
    return hmac.new(password.encode(), b"projreg review session", hashlib.sha256).hexdigest()[:16]


def current_key() -> str | None:
    password = os.environ.get(PASSWORD_ENV)
    return password_key(password) if password else None


def session_cookie(datasette, name: str) -> str:
    """The signed ``ds_actor`` value of a reviewer session opened now with the current password."""
    hours = float(os.environ.get(HOURS_ENV) or SESSION_HOURS)
    actor = {"id": name, "role": "reviewer", "key": current_key()}
    expires = baseconv.base62.encode(int(time.time() + hours * 3600))
    return datasette.sign({"a": actor, "e": expires}, "actor")


def is_reviewer(actor: dict | None) -> bool:
    """A reviewer whose session was opened with the password in force now (Datasette checks expiry)."""
    key = current_key()
    return bool(actor) and actor.get("role") == "reviewer" and key is not None and actor.get("key") == key


class Throttle:
    """Failed sign-ins per client and for the whole site, in this process's memory."""

    def __init__(self) -> None:
        self.failures: dict[str, int] = {}
        self.locked_until: dict[str, float] = {}
        self.recent: deque[float] = deque()

    def wait(self, client: str, now: float | None = None) -> float:
        """Seconds before ``client`` may try again (0 when it may now)."""
        now = time.monotonic() if now is None else now
        while self.recent and self.recent[0] < now - 60:
            self.recent.popleft()
        site = 60 - (now - self.recent[0]) if len(self.recent) >= SITE_FAILURES_PER_MINUTE else 0.0
        return max(self.locked_until.get(client, 0.0) - now, site, 0.0)

    def failed(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        n = self.failures.get(client, 0) + 1
        self.failures[client] = n
        self.recent.append(now)
        if n >= FREE_FAILURES:
            self.locked_until[client] = now + min(FIRST_LOCKOUT * 2 ** (n - FREE_FAILURES), LONGEST_LOCKOUT)

    def succeeded(self, client: str) -> None:
        self.failures.pop(client, None)
        self.locked_until.pop(client, None)
