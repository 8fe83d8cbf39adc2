"""A sign-in that survives a reload, a typed URL and a new tab of the same browser (CONTRACT §7).

After a sign-in, the page hands the server a one-time ticket (a fetch from the page itself);
the server answers with a cookie the page's scripts cannot read (HttpOnly, SameSite=Strict):
the user, a sign-in id and its time, signed with HMAC-SHA256 by a secret generated per
warehouse and kept in it (so every dashboard process of one warehouse accepts it). A new
browser session presents the cookie and is signed in again, unless the sign-in was signed out
(here or in another process: the audit trail), the user was disabled, or the browser was idle
past `session_idle_minutes`. Idle time is kept per process (a sticky proxy sends one browser
to one process); a process that has not seen the sign-in counts from its issue.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time

from warehouse import settings
from warehouse.lake import write

COOKIE = "manyi_session"
PATH = "/_manyi/session"
SECRET_KEY = "session_secret"  # an internal settings key: never listed, never public
TICKET_SECONDS = 60
LONGEST_HOURS = 12  # the cookie's own life: a sign-in is asked for again after this at most

_tickets: dict[str, tuple[str, float]] = {}
_seen: dict[str, float] = {}
_ended: set[str] = set()
_lock = threading.Lock()


def secret(con) -> bytes:
    """The warehouse's signing secret, generated (and stored) on first use."""
    rows = con.execute("select value from setting_values where key = ?", [SECRET_KEY]).fetchall()
    if rows:
        return rows[0][0].encode()
    made = secrets.token_hex(32)

    def body():
        again = con.execute("select value from setting_values where key = ?", [SECRET_KEY]).fetchall()
        if again:  # another process made it meanwhile
            return again[0][0]
        settings.replace(con, SECRET_KEY, made)
        return made

    return write(con, body).encode()


def _mac(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def sign(key: bytes, user: str, sign_in: str, issued: float) -> str:
    """The cookie's value for `user`'s sign-in `sign_in` issued at `issued`."""
    name = base64.urlsafe_b64encode(user.encode()).decode()
    payload = f"{name}.{sign_in}.{int(issued)}"
    return f"{payload}.{_mac(key, payload)}"


def read(key: bytes, value: str | None, now: float | None = None) -> tuple[str, str, float] | None:
    """(user, sign-in id, issued) of a cookie whose signature holds and which is not older than
    LONGEST_HOURS; None otherwise."""
    if not value or value.count(".") != 3:
        return None
    name, sign_in, issued, mac = value.split(".")
    if not hmac.compare_digest(_mac(key, f"{name}.{sign_in}.{issued}"), mac):
        return None
    try:
        user, at = base64.urlsafe_b64decode(name.encode()).decode(), float(issued)
    except (ValueError, UnicodeDecodeError):
        return None
    if (now or time.time()) - at > LONGEST_HOURS * 3600:
        return None
    return user, sign_in, at


def new_sign_in() -> str:
    return secrets.token_hex(16)


def ticket(cookie_value: str) -> str:
    """A one-time ticket the page exchanges for the cookie (at PATH) within TICKET_SECONDS."""
    found = secrets.token_urlsafe(32)
    now = time.time()
    with _lock:
        for old in [k for k, (_, until) in _tickets.items() if until < now]:
            del _tickets[old]
        _tickets[found] = (cookie_value, now + TICKET_SECONDS)
    return found


def redeem(found: str) -> str | None:
    """The cookie value of a valid ticket, once."""
    with _lock:
        entry = _tickets.pop(found, None)
    return entry[0] if entry and entry[1] >= time.time() else None


def seen(sign_in: str, at: float | None = None) -> None:
    with _lock:
        _seen[sign_in] = at or time.time()


def idle_since(sign_in: str, issued: float) -> float:
    with _lock:
        return _seen.get(sign_in, issued)


def end(sign_in: str) -> None:
    """A signed-out sign-in: its cookie signs nobody in again in this process."""
    with _lock:
        _ended.add(sign_in)
        _seen.pop(sign_in, None)


def ended(sign_in: str) -> bool:
    with _lock:
        return sign_in in _ended


def cookie_header(value: str, secure: bool) -> str:
    parts = [f"{COOKIE}={value}", "Path=/", "HttpOnly", "SameSite=Strict", f"Max-Age={LONGEST_HOURS * 3600}"]
    return "; ".join(parts + (["Secure"] if secure else []))


def cleared_header(secure: bool) -> str:
    parts = [f"{COOKIE}=", "Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=0"]
    return "; ".join(parts + (["Secure"] if secure else []))


async def endpoint(request):
    """POST a ticket: the cookie is set; DELETE: the cookie is cleared (sign-out)."""
    from starlette.responses import Response

    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response = Response(status_code=204)
    if request.method == "DELETE":
        response.headers["set-cookie"] = cleared_header(secure)
        return response
    value = redeem((await request.body()).decode(errors="replace").strip())
    if value is None:
        return Response("unknown or expired ticket", status_code=403)
    response.headers["set-cookie"] = cookie_header(value, secure)
    response.headers["cache-control"] = "no-store"
    return response
