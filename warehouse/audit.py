"""The audit trail (v_audit): one append-only row per event (CONTRACT §7)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from warehouse.lake import write


def record(
    con, action: str, batch_id: str | None, detail: dict, at: datetime | None = None, user: str | None = None
) -> None:
    """Append one event inside the caller's transaction (a load, a user change)."""
    con.execute(
        "insert into audit_log values (?, ?, ?, ?, ?)",
        [
            at or datetime.now(UTC),
            action,
            batch_id,
            json.dumps(detail, ensure_ascii=False, default=str),
            user,
        ],
    )


def append(
    con, action: str, batch_id: str | None, detail: dict, at: datetime | None = None, user: str | None = None
) -> None:
    """Append one event in a transaction of its own, retried while other writers commit
    (warehouse.lake.write): a sign-in, a download or a report event beside loads and other
    sign-ins never fails on the catalog's lock."""
    write(con, lambda: record(con, action, batch_id, detail, at, user))
