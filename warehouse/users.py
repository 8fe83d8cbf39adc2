"""Users of the dashboard (CONTRACT §7): roles, regions, slow salted password hashes, lockout.

Users live in the warehouse, one row per change in `users` (the newest row of a name is in
force, as `stg_users` reads it); nothing is updated in place. Passwords are kept only as
scrypt hashes (hashlib, memory-hard, a random 16-byte salt each). Five failed logins within
15 minutes lock the name until 15 minutes after the last failure; every login, failure and
user change is an audit row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from warehouse import audit
from warehouse.lake import write
from warehouse.roles import ROLES

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 4
_NAME = re.compile(r"^[A-Za-z0-9_.@\-\u4e00-\u9fff]{2,64}$")
# scrypt cost: 2^15 x 8 x 1 takes ~0.1 s and 32 MiB per check on this machine's cores.
_N, _R, _P = 2**15, 8, 1


class UserError(ValueError):
    """A refused user change or login, with the reason in words."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    regions: tuple[str, ...] | None  # None: every region
    disabled: bool = False
    email: str | None = None
    dept: str | None = None  # a `department` user's responsible department


def hash_password(password: str) -> str:
    """'scrypt$N$r$p$salt$hash' (base64): the only form a password is stored in."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=2**26, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether `password` matches a stored hash (constant-time compare)."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=2**26,
            dklen=len(base64.b64decode(digest)),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, base64.b64decode(digest))


def _row(con, name: str) -> tuple | None:
    rows = con.execute(
        "select user_name, role, regions, password_hash, disabled, email, dept from stg_users where user_name = ?",
        [name],
    ).fetchall()
    return rows[0] if rows else None


def _user(row) -> User:
    regions = json.loads(row[2]) if row[2] else None
    return User(row[0], row[1], tuple(regions) if regions else None, bool(row[4]), row[5], row[6])


def get(con, name: str) -> User | None:
    row = _row(con, name)
    return _user(row) if row else None


def list_users(con) -> list[dict]:
    rows = con.execute(
        "select user_name, role, regions, disabled, email, strftime(changed_at, '%Y-%m-%d %H:%M:%S%z'), "
        "changed_by, dept from stg_users order by 1"
    ).fetchall()
    return [
        {
            "user_name": r[0],
            "role": r[1],
            "regions": json.loads(r[2]) if r[2] else None,
            "disabled": bool(r[3]),
            "email": r[4],
            "changed_at": r[5],
            "changed_by": r[6],
            "dept": r[7],
        }
        for r in rows
    ]


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return role


def _check_dept(role: str, dept: str | None) -> str | None:
    """A `department` user names its department; the other roles belong to none."""
    dept = (dept or "").strip() or None
    if role == "department" and dept is None:
        raise UserError("a department user needs its department (--dept, e.g. 售后服务部)")
    return dept if role == "department" else None


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password needs at least {MIN_PASSWORD} characters")
    return password


def _regions(regions) -> str | None:
    if not regions:
        return None
    cleaned = sorted({r.strip() for r in regions if r and r.strip()})
    return json.dumps(cleaned, ensure_ascii=False) if cleaned else None


def _write(con, by: str, event: dict, values: list, password: str | None = None) -> None:
    """One version of a user (and, when given, its new password's hash) with its audit event."""
    hashed = hash_password(_check_password(password)).encode() if password is not None else None

    def body() -> None:
        con.execute(
            "insert into users (user_name, role, regions, email, disabled, changed_at, changed_by, dept) "
            "values (?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        if hashed is not None:
            con.execute("insert into passwords values (?, ?, ?)", [values[0], hashed, values[5]])
        audit.record(con, "user", None, event, user=by)

    write(con, body)


def add(
    con,
    name: str,
    role: str,
    password: str,
    regions=None,
    email: str | None = None,
    by: str = "cli",
    dept: str | None = None,
) -> User:
    """Add a user (or re-enable and reset a disabled one); refuses an existing active name."""
    if not _NAME.match(name or ""):
        raise UserError("a user name is 2-64 letters, digits, Chinese characters or . _ - @")
    existing = _row(con, name)
    if existing and not existing[4]:
        raise UserError(f"user {name!r} exists; use `user password` or the admin page to change it")
    _write(
        con,
        by,
        {
            "change": "add",
            "user": name,
            "role": _check_role(role),
            "regions": sorted(regions or []) or None,
            **({"dept": dept} if dept else {}),
        },
        [name, role, _regions(regions), email, False, datetime.now(UTC), by, _check_dept(role, dept)],
        password,
    )
    return get(con, name)


def change(con, name: str, by: str = "cli", **changes) -> User:
    """A new version of a user: role, regions, password, email or disabled."""
    row = _row(con, name)
    if row is None:
        raise UserError(f"no user {name!r}")
    _, role, regions, _, disabled, email, dept = row
    if "role" in changes:
        role = _check_role(changes["role"])
    if "regions" in changes:
        regions = _regions(changes["regions"])
    if "disabled" in changes:
        disabled = bool(changes["disabled"])
    if "email" in changes:
        email = changes["email"]
    if "dept" in changes:
        dept = changes["dept"]
    dept = _check_dept(role, dept)
    event = {"change": ",".join(sorted(changes)), "user": name}
    event.update({k: v for k, v in changes.items() if k != "password"})
    _write(
        con,
        by,
        event,
        [name, role, regions, email, disabled, datetime.now(UTC), by, dept],
        changes.get("password"),
    )
    return get(con, name)


def failures(con, name: str, now: datetime | None = None) -> int:
    """Failed logins of `name` in the last LOCK_MINUTES since its last successful login or an
    admin's unlock. Tries refused by the lock check no password and do not count: otherwise
    anyone who knows a name could keep it locked for ever."""
    now = now or datetime.now(UTC)
    row = con.execute(
        """
        select count(*) from audit_log
        where action = 'login_failed' and user_name = $name and logged_at > $since
        and coalesce(json_extract_string(detail, '$.reason'), '') <> 'locked'
        and logged_at > coalesce(
            (
                select max(logged_at) from audit_log
                where (action = 'login' and user_name = $name)
                or (
                    action = 'user' and json_extract_string(detail, '$.change') = 'unlock'
                    and json_extract_string(detail, '$.user') = $name
                )
            ),
            '-infinity'::timestamptz
        )
        """,
        {"name": name, "since": now - timedelta(minutes=LOCK_MINUTES)},
    ).fetchall()[0]
    return int(row[0])


def locked(con, name: str, now: datetime | None = None) -> bool:
    """Whether `name` is locked now (MAX_FAILURES counted failures within LOCK_MINUTES)."""
    return failures(con, name, now) >= MAX_FAILURES


def unlock(con, name: str, by: str = "cli") -> None:
    """Lift a lock before it runs out (an admin's action, audited); earlier failures stop counting."""
    if _row(con, name) is None:
        raise UserError(f"no user {name!r}")
    audit.append(con, "user", None, {"change": "unlock", "user": name}, user=by)


def login(con, name: str, password: str, now: datetime | None = None) -> User:
    """The user when name and password match and the name is not locked or disabled; every
    try is an audit row, written in a retried transaction of its own (sign-ins at the same
    moment never fail on the catalog's lock). Raises UserError ('locked', 'wrong',
    'disabled') otherwise."""
    now = now or datetime.now(UTC)
    name = (name or "").strip()
    if locked(con, name, now):
        audit.append(con, "login_failed", None, {"reason": "locked"}, now, user=name)
        raise UserError("locked")
    row = _row(con, name)
    if row is None or not verify_password(password, row[3]):
        audit.append(con, "login_failed", None, {"reason": "wrong name or password"}, now, user=name)
        raise UserError("wrong")
    if row[4]:
        audit.append(con, "login_failed", None, {"reason": "disabled"}, now, user=name)
        raise UserError("disabled")
    audit.append(con, "login", None, {"role": row[1]}, now, user=name)
    return _user(row)


def login_email(con, email: str | None, now: datetime | None = None) -> User:
    """The user whose e-mail an identity provider (OIDC) vouched for; audited like a password
    login. Raises UserError ('unknown', 'disabled')."""
    now = now or datetime.now(UTC)
    email = (email or "").strip().lower()
    rows = con.execute(
        "select user_name, role, regions, password_hash, disabled, email, dept from stg_users "
        "where lower(email) = ? order by disabled, user_name",
        [email],
    ).fetchall()
    if not email or not rows:
        detail = {"reason": "unknown e-mail", "email": email}
        audit.append(con, "login_failed", None, detail, now, user=f"sso:{email}")
        raise UserError("unknown")
    row = rows[0]
    if row[4]:
        audit.append(con, "login_failed", None, {"reason": "disabled", "method": "oidc"}, now, user=row[0])
        raise UserError("disabled")
    audit.append(con, "login", None, {"role": row[1], "method": "oidc", "email": email}, now, user=row[0])
    return _user(row)


class Throttle:
    """Per-source back-off (a browser's address or session): after FREE_TRIES failures in a
    row, a source waits 2, 4, 8 … seconds (at most MAX_WAIT) before its next try is even
    checked. Guessing from one place stays slow without locking the name's owner out."""

    FREE_TRIES = 3
    MAX_WAIT = 300.0

    def __init__(self) -> None:
        self._failed: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait(self, source: str, now: float) -> float:
        """Seconds `source` must still wait before a try is checked (0: go ahead)."""
        with self._lock:
            count, last = self._failed.get(source, (0, 0.0))
        if count < self.FREE_TRIES:
            return 0.0
        return max(0.0, last + min(2.0 ** (count - self.FREE_TRIES + 1), self.MAX_WAIT) - now)

    def failed(self, source: str, now: float) -> None:
        with self._lock:
            count, _ = self._failed.get(source, (0, 0.0))
            self._failed[source] = (count + 1, now)
            if len(self._failed) > 10_000:  # forget the oldest sources: bounded memory
                for key in sorted(self._failed, key=lambda k: self._failed[k][1])[:1000]:
                    del self._failed[key]

    def succeeded(self, source: str) -> None:
        with self._lock:
            self._failed.pop(source, None)
