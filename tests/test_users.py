"""Users (CONTRACT §7) against a real warehouse: hashing, lockout, roles, the CLI, the audit."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from conftest import EXAMPLES, ROOT, last_json, run_cli

from pipelines import store
from warehouse import open_warehouse, roles, users
from warehouse.reader import Reader


@pytest.fixture
def lake(db):
    con = open_warehouse(db)
    yield con
    con.close()


def test_passwords_are_kept_only_as_salted_scrypt_hashes(lake):
    first, second = users.hash_password("demo"), users.hash_password("demo")
    assert first != second and first.startswith("scrypt$32768$8$1$")  # a new salt each time
    assert users.verify_password("demo", first) and not users.verify_password("Demo", first)
    assert not users.verify_password("demo", None) and not users.verify_password("demo", "plain")
    users.add(lake, "wang", "engineer", "s3cret!", ["华东"])
    stored = lake.execute("select decode(password_hash) from passwords").fetchall()
    assert len(stored) == 1 and "s3cret!" not in stored[0][0]
    assert users.get(lake, "wang") == users.User("wang", "engineer", ("华东",), False, None)


def test_signing_in_keeps_the_data_version_and_a_load_moves_it(db):
    """The dashboard's cache key: an audit event (a sign-in, a download) is a snapshot of its
    own but changes no data; the audit trail's own version (the Admin page) moves with it."""
    con = open_warehouse(db)
    users.add(con, "li", "manager", "right")
    reader = Reader(db)
    data, everything = reader.version(), reader.version(audit=True)
    users.login(con, "li", "right")
    with pytest.raises(users.UserError):
        users.login(con, "li", "wrong")
    assert reader.version() == data and reader.version(audit=True) > everything
    store.add_questionnaire(con, (EXAMPLES / "dealer-sales.toml").read_text(encoding="utf-8"))
    assert reader.version() > data
    con.close()


def test_five_failures_lock_the_name_for_fifteen_minutes(lake):
    users.add(lake, "li", "manager", "right")
    start = datetime.now(UTC)
    for n in range(users.MAX_FAILURES):
        with pytest.raises(users.UserError, match="wrong"):
            users.login(lake, "li", "wrong", start + timedelta(seconds=n))
    with pytest.raises(users.UserError, match="locked"):  # even with the right password
        users.login(lake, "li", "right", start + timedelta(minutes=1))
    later = start + timedelta(minutes=users.LOCK_MINUTES, seconds=10)
    assert users.login(lake, "li", "right", later).role == "manager"
    events = lake.execute(
        "select event, json_extract_string(detail, '$.reason') from v_audit where user_name = 'li' order by \"at\""
    ).fetchall()
    assert events == [("login_failed", "wrong name or password")] * 5 + [
        ("login_failed", "locked"),
        ("login", None),
    ]


def test_tries_during_the_lock_do_not_keep_it_locked(lake):
    """Anyone who knows a name could re-arm the lock for ever if refused tries counted."""
    users.add(lake, "li", "manager", "right")
    start = datetime.now(UTC) - timedelta(hours=1)
    for n in range(users.MAX_FAILURES):
        with pytest.raises(users.UserError, match="wrong"):
            users.login(lake, "li", "wrong", start + timedelta(seconds=n))
    for minute in range(1, users.LOCK_MINUTES):  # an attacker keeps trying, once a minute
        with pytest.raises(users.UserError, match="locked"):
            users.login(lake, "li", "guess", start + timedelta(minutes=minute))
    later = start + timedelta(minutes=users.LOCK_MINUTES, seconds=10)
    assert users.login(lake, "li", "right", later).role == "manager"


def test_an_admin_unlocks_a_locked_name_and_the_cli_can_too(lake, db):
    users.add(lake, "li", "manager", "right")
    users.add(lake, "wu", "engineer", "right")
    for name in ("li", "wu"):
        for _ in range(users.MAX_FAILURES):
            with pytest.raises(users.UserError, match="wrong"):
                users.login(lake, name, "wrong")
        assert users.locked(lake, name)
    users.unlock(lake, "li", by="boss")
    assert not users.locked(lake, "li") and users.login(lake, "li", "right").name == "li"
    with pytest.raises(users.UserError, match="no user"):
        users.unlock(lake, "nobody")
    lake.close()
    assert last_json(run_cli(db, "user", "unlock", "wu", check=True))["user_name"] == "wu"
    con = open_warehouse(db)
    try:
        assert users.login(con, "wu", "right").name == "wu"
        unlocks = con.execute(
            "select user_name, json_extract_string(detail, '$.user') from v_audit "
            "where json_extract_string(detail, '$.change') = 'unlock' order by \"at\""
        ).fetchall()
    finally:
        con.close()
    assert unlocks[0] == ("boss", "li") and unlocks[1][1] == "wu" and unlocks[1][0].startswith("cli:")


def test_the_back_off_slows_one_source_and_leaves_the_others():
    throttle = users.Throttle()
    for n in range(users.Throttle.FREE_TRIES):
        assert throttle.wait("10.0.0.9", 100.0 + n) == 0
        throttle.failed("10.0.0.9", 100.0 + n)
    last = 100.0 + users.Throttle.FREE_TRIES - 1
    assert throttle.wait("10.0.0.9", last) == 2.0  # then 2, 4, 8 ... seconds
    throttle.failed("10.0.0.9", last + 2)
    assert throttle.wait("10.0.0.9", last + 2) == 4.0
    assert throttle.wait("10.0.0.7", last) == 0  # another source: the owner signs in
    for n in range(40):
        throttle.failed("10.0.0.9", 1000.0 + n)
    assert throttle.wait("10.0.0.9", 1039.0) == users.Throttle.MAX_WAIT
    throttle.succeeded("10.0.0.9")
    assert throttle.wait("10.0.0.9", 1039.0) == 0


def test_audit_events_written_at_once_by_many_threads_all_land(db):
    """Sign-ins, downloads and reports at the same moment each write an audit event: every
    one lands, none fails on the catalog's lock (they were refused with 'database is
    locked' before the writes were retried)."""
    import threading

    from warehouse import audit

    open_warehouse(db).close()
    reader = Reader(db)  # the dashboard's: one connection, a cursor per write
    failures, barrier = [], threading.Barrier(12)

    def one(n: int) -> None:
        cur = reader.cursor()
        try:
            barrier.wait()
            for k in range(3):
                audit.append(cur, "download", None, {"n": n, "k": k}, user=f"u{n}")
        except Exception as exc:
            failures.append(repr(exc))
        finally:
            cur.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cur = reader.cursor()
    landed = cur.execute("select count(*) from v_audit where event = 'download'").fetchall()[0][0]
    cur.close()
    assert failures == [] and landed == 36


def test_single_sign_on_finds_the_user_by_email_case_blind(lake):
    users.add(lake, "chen", "engineer", "pw12", ["华南"], email="Chen@Example.com")
    assert users.login_email(lake, "chen@example.COM") == users.User(
        "chen", "engineer", ("华南",), False, "Chen@Example.com"
    )
    for unknown in ("nobody@example.com", "", None):
        with pytest.raises(users.UserError, match="unknown"):
            users.login_email(lake, unknown)
    users.change(lake, "chen", disabled=True)
    with pytest.raises(users.UserError, match="disabled"):
        users.login_email(lake, "chen@example.com")
    events = lake.execute(
        "select event, user_name, json_extract_string(detail, '$.method') from v_audit "
        "where event like 'login%' order by \"at\""
    ).fetchall()
    assert events == [
        ("login", "chen", "oidc"),
        ("login_failed", "sso:nobody@example.com", None),
        ("login_failed", "sso:", None),
        ("login_failed", "sso:", None),
        ("login_failed", "chen", "oidc"),
    ]


def test_a_disabled_user_cannot_log_in_and_every_change_is_a_version(lake):
    users.add(lake, "zhao", "analyst", "pw12", by="admin1")
    users.change(lake, "zhao", by="admin1", role="engineer", regions=["华北", "华东"])
    users.change(lake, "zhao", by="admin1", disabled=True)
    with pytest.raises(users.UserError, match="disabled"):
        users.login(lake, "zhao", "pw12")
    assert lake.execute("select count(*) from users where user_name = 'zhao'").fetchall() == [(3,)]
    assert users.get(lake, "zhao").regions == ("华东", "华北")
    users.add(lake, "zhao", "analyst", "pw34", by="admin1")  # a disabled name may be added again
    assert users.login(lake, "zhao", "pw34").role == "analyst"
    with pytest.raises(users.UserError, match="exists"):
        users.add(lake, "zhao", "admin", "pw56")
    with pytest.raises(users.UserError, match="no user"):
        users.change(lake, "nobody", disabled=True)
    changes = lake.execute("select user_name, event from v_audit where event = 'user'").fetchall()
    assert changes == [("admin1", "user")] * 4
    with pytest.raises(users.UserError, match="role must be"):
        users.add(lake, "x1", "boss", "pw12")
    with pytest.raises(users.UserError, match="at least"):
        users.add(lake, "x2", "admin", "pw")


# The pages every role reads (CONTRACT §7), and the ones some add.
READ_PAGES = {
    "overview",
    "dimensions",
    "pareto",
    "causes",
    "voice",
    "competitors",
    "actions",
    "complaints",
    "alerts",
    "report",
}


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        ("manager", READ_PAGES | {"calls"}),
        ("engineer", READ_PAGES),
        ("analyst", READ_PAGES | {"upload", "calls"}),
        ("admin", set(roles.PAGES)),
        ("agent", READ_PAGES | {"calls"}),
        ("department", READ_PAGES),
    ],
)
def test_the_permission_table(role, pages):
    assert {p for p in roles.PAGES if roles.may_open(role, p)} == pages
    assert roles.can(role, "detail") == (role in ("engineer", "analyst", "admin"))
    # complaint cases (CONTRACT §7): agents register, departments work their own, managers count
    assert roles.can(role, "register") == (role in ("engineer", "agent", "admin"))
    assert roles.can(role, "cases") == (role in ("engineer", "department", "admin"))
    assert roles.may_query(role, "case_board") == (role in ("engineer", "analyst", "admin", "department"))
    assert roles.can(role, "act") == (role in ("engineer", "department", "admin"))  # department: its own
    # the call desk (CONTRACT §9): agents take calls, managers and analysts plan them
    assert roles.can(role, "call") == (role in ("agent", "admin"))
    assert roles.can(role, "plan") == (role in ("manager", "analyst", "admin"))
    assert roles.can(role, "approve") == (role in ("manager", "admin"))
    assert roles.can(role, "upload") == (role in ("analyst", "admin"))
    assert roles.may_query(role, "dissatisfied_comments") == (role in ("engineer", "analyst", "admin"))
    assert roles.may_query(role, "audit") == (role == "admin")
    assert not roles.can(None, "read") and not roles.may_open(role, "nowhere")


def test_cli_reads_the_password_from_stdin_and_audits_as_the_os_user(db):
    def user_cli(*args, password=None):
        return subprocess.run(
            [sys.executable, "-m", "pipelines", "--db", str(db), "user", *args],
            cwd=ROOT,
            input=password,
            capture_output=True,
            text=True,
            timeout=120,
        )

    added = user_cli("add", "boss", "--role", "admin", password="top-secret\n")
    assert added.returncode == 0, added.stderr
    assert last_json(added)["role"] == "admin"
    assert (
        user_cli("add", "eng", "--role", "engineer", "--regions", "华东,华北", password="pw12\n").returncode
        == 0
    )
    assert user_cli("add", "boss", "--role", "admin", password="again\n").returncode == 1
    assert "at least" in user_cli("add", "short", "--role", "admin", password="ab\n").stderr
    assert user_cli("password", "eng", password="newpw\n").returncode == 0
    assert user_cli("disable", "eng").returncode == 0
    listed = last_json(run_cli(db, "user", "list", check=True))
    assert [(u["user_name"], u["role"], u["regions"], u["disabled"]) for u in listed] == [
        ("boss", "admin", None, False),
        ("eng", "engineer", ["华东", "华北"], True),
    ]
    con = open_warehouse(db)
    try:
        assert users.verify_password(
            "newpw",
            con.execute("select password_hash from stg_users where user_name = 'eng'").fetchall()[0][0],
        )
        who = con.execute("select distinct user_name from v_audit").fetchall()
    finally:
        con.close()
    assert len(who) == 1 and who[0][0].startswith("cli:")
    audit = last_json(run_cli(db, "query", 'select event, detail from v_audit order by "at"', check=True))
    assert [a["event"] for a in audit] == ["user"] * 4
    assert all("top-secret" not in a["detail"] and "newpw" not in a["detail"] for a in audit)


def _catalog_holds(db, needle: bytes) -> set[str]:
    """The catalog's own tables (SQLite) holding `needle` anywhere: what anything that opens
    the catalog file could read."""
    import sqlite3

    found = set()
    with sqlite3.connect(db) as catalog:
        for (table,) in catalog.execute("select name from sqlite_master where type = 'table'"):
            for row in catalog.execute(f'select * from "{table}"'):
                for value in row:
                    raw = value.encode() if isinstance(value, str) else value
                    if isinstance(raw, bytes) and needle in raw:
                        found.add(table)
    return found


def test_the_warehouse_is_private_and_its_catalog_holds_no_password_hash(db):
    import stat

    con = open_warehouse(db)
    users.add(con, "li", "manager", "right")
    users.change(con, "li", password="again")
    con.close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.with_name(db.name + ".files").stat().st_mode) == 0o700
    assert _catalog_holds(db, b"scrypt$") == set()
    con = open_warehouse(db)
    assert users.login(con, "li", "again").name == "li"
    con.close()


def test_an_upgraded_warehouse_moves_its_hashes_out_of_the_catalog(db):
    from test_migrate import old_warehouse

    old_hash = users.hash_password("oldpw")
    old_warehouse(
        db,
        17,
        "insert into users values (?, 'admin', null, ?, null, false, current_timestamp, 'cli')",
        [("boss", old_hash)],
    )
    assert _catalog_holds(db, b"scrypt$")  # inlined, and in the column's statistics
    con = open_warehouse(db)
    assert users.login(con, "boss", "oldpw").role == "admin"
    from warehouse.maintain import maintain

    maintain(con, db, timedelta(0), timedelta(0))
    con.close()
    assert _catalog_holds(db, b"scrypt$") == set()
