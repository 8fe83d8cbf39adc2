"""`python -m pipelines …`: the command line of CONTRACT.md §3."""

from __future__ import annotations

import argparse
import errno
import getpass
import json
import math
import os
import shutil
import sqlite3
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines import alerts, calls, platforms, store, subscriptions
from pipelines.errors import BatchError, QuestionnaireError, ValidationError
from pipelines.fields import KINDS
from pipelines.load import LoadJob, load
from warehouse import audit, db_path, open_warehouse, public, settings, users
from warehouse.lake import Busy, ConfigError
from warehouse.lake import exists as lake_exists
from warehouse.lake import shared as lake_shared
from warehouse.maintain import maintain

PROGRESS_BYTES = 2_000_000  # about 50,000 rows of a typical survey export


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out = {}
    for value in values or []:
        if "=" not in value:
            raise SystemExit(f"{option} takes NAME=VALUE, got {value!r}")
        key, _, val = value.partition("=")
        out[key.strip()] = val.strip()
    return out


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipelines", description="Manyi warehouse command line")
    p.add_argument("--db", help="warehouse path (default: $MANYI_DB or data/manyi.duckdb)")
    sub = p.add_subparsers(dest="command", required=True)

    q = sub.add_parser("questionnaire", help="add or list questionnaires")
    qsub = q.add_subparsers(dest="action", required=True)
    qadd = qsub.add_parser("add", help="add or update a questionnaire TOML")
    qadd.add_argument("file")
    qsub.add_parser("list", help="list questionnaires")
    qinf = qsub.add_parser(
        "infer", help="draft a questionnaire TOML from a 问卷星 / 腾讯问卷 / 金数据 export"
    )
    qinf.add_argument("file")
    qinf.add_argument("--from", dest="platform", choices=platforms.PLATFORMS, help="default: recognised")
    qinf.add_argument("--id", required=True, help="the new questionnaire's id")
    qinf.add_argument("--title", help="its title (default: the file's name)")
    qinf.add_argument("--out", required=True, help="the TOML file to write")
    qinf.add_argument("--sheet")

    ld = sub.add_parser(
        "load", help="load a survey, complaints, sales, customers, contacts, services or actions file"
    )
    ld.add_argument("kind", choices=KINDS)
    ld.add_argument("file")
    ld.add_argument("--questionnaire", help="questionnaire id (survey files)")
    ld.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD")
    ld.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE")
    ld.add_argument("--ignore-extra", action="store_true")
    ld.add_argument("--sheet")
    ld.add_argument("--skip-rows", type=int, default=0, help="lines before the header to skip (0 or more)")
    ld.add_argument("--replace", action="store_true")
    ld.add_argument("--row-ids", action="store_true", help="use file row numbers as ids (files without ids)")
    ld.add_argument("--own", metavar="SUBJECT", help="treat this subject value as our own company")
    ld.add_argument(
        "--allow-future", action="store_true", help="accept survey and complaint dates after today"
    )
    ld.add_argument(
        "--history",
        action="store_true",
        help="complaints of the past: missing handling times are unknown, not late",
    )
    ld.add_argument(
        "--from",
        dest="platform",
        choices=(*platforms.PLATFORMS, "none"),
        help="a survey platform's answer export: 问卷星 wjx, 腾讯问卷 tencent, 金数据 jinshuju "
        "(default: recognised by its header; none: read the file as it is)",
    )

    sub.add_parser("batches", help="list loaded batches")
    rb = sub.add_parser("rollback", help="remove one batch")
    rb.add_argument("batch_id")
    demo = sub.add_parser("demo", help="build the demo warehouse")
    demo.add_argument("--force", action="store_true", help="rebuild even if the warehouse has data")
    demo.add_argument("--scale", type=float, default=1.0, help="multiply the number of responses")
    st = sub.add_parser("setting", help="show or change a setting (threshold, time zone, calendar …)")
    stsub = st.add_subparsers(dest="action", required=True)
    stset = stsub.add_parser("set", help="set NAME to VALUE (validated; the newest value is in force)")
    stset.add_argument("name")
    stset.add_argument("value")
    stsub.add_parser("list", help="every setting in force")
    mt = sub.add_parser(
        "maintain", help="flush inlined data, merge small files, expire old snapshots, delete orphaned files"
    )
    mt.add_argument(
        "--orphans-older-than",
        type=float,
        default=60,
        metavar="MINUTES",
        help="delete only orphaned files older than this (default 60: a load committing now keeps its files)",
    )
    mt.add_argument(
        "--snapshots-older-than",
        type=float,
        default=7,
        metavar="DAYS",
        help="expire snapshots older than this (default 7); batches, supersessions and rollback do not need them",
    )
    us = sub.add_parser(
        "user", help="dashboard users: add, list, disable, unlock, password (read from stdin)"
    )
    ussub = us.add_subparsers(dest="action", required=True)
    usadd = ussub.add_parser("add", help="add a user; the password is read from stdin")
    usadd.add_argument("name")
    usadd.add_argument("--role", required=True, choices=users.ROLES)
    usadd.add_argument("--regions", help="comma-separated regions the user may see (default: all)")
    usadd.add_argument("--email", help="e-mail, for single sign-on")
    usadd.add_argument("--dept", help="the responsible department of a department user (e.g. 售后服务部)")
    ussub.add_parser("list", help="every user with role, regions and status")
    usdis = ussub.add_parser("disable", help="disable a user (kept in the audit trail)")
    usdis.add_argument("name")
    uspw = ussub.add_parser("password", help="set a user's password, read from stdin")
    uspw.add_argument("name")
    usun = ussub.add_parser("unlock", help="lift the lock of a name after failed sign-ins")
    usun.add_argument("name")
    rp = sub.add_parser("report", help="the satisfaction report for management, PDF or XLSX")
    rp.add_argument("--questionnaire", required=True, metavar="ID")
    rp.add_argument("--period", required=True, help="2026-10 (month), 2026-Q3, 2026-H2 or 2026")
    rp.add_argument("--lang", choices=("zh", "en"), default="zh")
    rp.add_argument("--scope", help="one scope, or several comma-separated")
    rp.add_argument("--segment", choices=("key", "general"))
    rp.add_argument("--region", help="one region, or several comma-separated")
    rp.add_argument("--out", required=True, help="FILE.pdf or FILE.xlsx")
    mc = sub.add_parser("migrate-catalog", help="move a SQLite-catalog warehouse to PostgreSQL (and S3)")
    mc.add_argument("--to", required=True, help="postgres:dbname=… host=… user=… (an empty database)")
    mc.add_argument("--data", help="where the data files go: s3://bucket/prefix or a folder")
    ex = sub.add_parser("export", help="the public views as plain Parquet, for Spark, Trino or pandas")
    ex.add_argument("--format", choices=("parquet",), default="parquet")
    ex.add_argument("dir")
    tp = sub.add_parser("topics", help="company-wide comment topics: load a topic file, list, export")
    tpsub = tp.add_subparsers(dest="action", required=True)
    tpload = tpsub.add_parser("load", help="replace the company-wide topics with a TOML of [[topics]]")
    tpload.add_argument("file")
    tplist = tpsub.add_parser("list", help="the topics in force (for one questionnaire with --questionnaire)")
    tplist.add_argument("--questionnaire")
    tpsub.add_parser("export", help="print the company-wide topics as a topic file")
    cl = sub.add_parser("calls", help="the monthly follow-up call plan and the calls taken on it")
    clsub = cl.add_subparsers(dest="action", required=True)
    clplan = clsub.add_parser("plan", help="plan a month's calls from the questionnaire's [calls] rules")
    clplan.add_argument("--questionnaire", required=True)
    clplan.add_argument("--month", required=True, help="YYYY-MM")
    clplan.add_argument("--assign", help="agents to hand the new calls to, round-robin: NAME,NAME…")
    clrec = clsub.add_parser("record", help="record one attempt of a call (and its answers when completed)")
    clrec.add_argument("call_id")
    clrec.add_argument("--outcome", required=True, help="completed | refused | unreached")
    clrec.add_argument("--answer", action="append", default=[], help="ITEM=VALUE (item id or column)")
    clrec.add_argument("--comment")
    clrec.add_argument("--at", help="when the call was made (default: now, company time)")
    clrec.add_argument("--callback-at", help="the callback appointment of an unreached call")
    clrec.add_argument("--user", required=True, help="the agent who made the call")
    al = sub.add_parser(
        "alerts", help="alerts when a figure really drops (control limits) or misses its target"
    )
    alsub = al.add_subparsers(dest="action", required=True)
    alrun = alsub.add_parser("run", help="record the new alerts of the whole months before now (idempotent)")
    alrun.add_argument("--now", help="YYYY-MM-DD (default: today, company time zone)")
    fm = sub.add_parser("form", help="the printable survey form (PDF) or its entry template (XLSX)")
    fm.add_argument("--questionnaire", required=True, metavar="ID")
    fm.add_argument("--out", required=True, help="FILE.pdf (the form) or FILE.xlsx (the entry template)")
    fm.add_argument("--lang", choices=("zh", "en"), default="zh")
    sb = sub.add_parser("subscription", help="who gets the report by e-mail: add, list, remove")
    sbsub = sb.add_subparsers(dest="action", required=True)
    for name, text in (
        ("add", "subscribe a user to a questionnaire's report"),
        ("remove", "end subscriptions"),
    ):
        one = sbsub.add_parser(name, help=text)
        one.add_argument("name", help="the user")
        one.add_argument("--questionnaire", required=name == "add", metavar="ID")
        one.add_argument("--grain", choices=subscriptions.GRAINS, default="month" if name == "add" else None)
        one.add_argument("--format", choices=subscriptions.FORMATS, default="pdf" if name == "add" else None)
        one.add_argument("--lang", choices=subscriptions.LANGS, default="zh" if name == "add" else None)
    sblist = sbsub.add_parser("list", help="the subscriptions in force and the newest period sent")
    sblist.add_argument("name", nargs="?", help="only this user's")
    sd = sub.add_parser("send", help="e-mail each subscriber the report of the last whole period, once")
    sd.add_argument("--now", help="YYYY-MM-DD (default: today, company time zone)")
    qy = sub.add_parser("query", help="read-only SQL over the views")
    qy.add_argument("sql")
    qy.add_argument("--format", choices=("json", "csv"), default="json")
    return p


def _json_default(value):
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def emit(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=_json_default))


class _StderrProgress:
    open = False  # a bar is drawn without its line ended (a fault message starts a new line)

    def __call__(self, fraction: float, message: str) -> None:
        _StderrProgress.open = fraction < 1
        bar = "#" * int(fraction * 30)
        print(f"\r[{bar:<30}] {fraction:4.0%} {message:<40}", end="", file=sys.stderr, flush=True)
        if fraction >= 1:
            print(file=sys.stderr)


def _os_user() -> str | None:
    """Who runs the command (recorded on corrective-action versions)."""
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _not_a_file(path: Path) -> str | None:
    """Why `path` cannot be loaded (missing, a folder, a device or pipe), else None."""
    if path.is_dir():
        return f"{path} is a folder, not a file: name one file to load"
    if not path.exists():
        return f"no such file: {path}"
    if not path.is_file():
        return f"{path} is not a regular file (a device, pipe or socket): save the data to a file first"
    return None


def cmd_load(con, args) -> int:
    path = Path(args.file)
    problem = _not_a_file(path)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    job = LoadJob(
        kind=args.kind,
        data=path,
        file_name=path.name,
        questionnaire_id=args.questionnaire,
        mapping=_pairs(args.map, "--map"),
        constants=_pairs(args.set, "--set"),
        ignore_extra=args.ignore_extra,
        sheet=args.sheet,
        skip_rows=args.skip_rows,
        replace=args.replace,
        row_ids=args.row_ids,
        own_subject=args.own,
        allow_future=args.allow_future,
        history=args.history,
        platform="" if args.platform == "none" else args.platform,
        user=_os_user(),
    )
    progress = _StderrProgress() if path.stat().st_size > PROGRESS_BYTES else (lambda f, m: None)
    try:
        result = load(con, job, progress)
    except ValidationError as exc:
        print(exc.report(limit=None if exc.total <= 1000 else 1000), file=sys.stderr)
        emit(
            {
                "status": "refused",
                "kind": args.kind,
                "file": path.name,
                "problems": exc.total,
                "first": [p.__dict__ for p in exc.problems[:20]],
            }
        )
        return 1
    for warning in result.warnings or []:
        print(
            f"warning: {warning['count']:,} {warning['message']} (e.g. {', '.join(warning['examples'])})",
            file=sys.stderr,
        )
    emit(result.summary())
    return 0


def cmd_query(con, args, path: Path) -> int:
    try:
        public.check(con, args.sql)
    except public.QueryRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    timeout, memory_mb = (
        settings.number(con, "query_timeout_seconds"),
        settings.number(con, "query_memory_mb"),
    )
    public.lock_down(con, path, memory_mb)

    def stuck(message: str) -> None:
        print(f"query stopped: {message}", file=sys.stderr, flush=True)
        os._exit(1)  # the statement did not answer its interrupt: nothing was written

    try:
        frame = public.run(con, args.sql, timeout, memory_mb, on_stuck=stuck)
    except public.QueryLimit as exc:
        print(f"query stopped: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"query failed: {exc}", file=sys.stderr)
        return 1
    if args.format == "csv":
        import polars as pl

        # CSV has no lists or records: such a column is written as its JSON text.
        nested = [name for name, dtype in frame.schema.items() if dtype.is_nested()]
        frame = frame.with_columns(
            pl.Series(name, [None if v is None else _json_text(v) for v in frame[name].to_list()], pl.String)
            for name in nested
        )
        sys.stdout.write(frame.write_csv())
    else:
        rows = [{k: _clean(v) for k, v in row.items()} for row in frame.to_dicts()]
        emit(rows)
    return 0


def cmd_setting(con, args) -> int:
    if args.action == "list":
        emit(settings.in_force(con))
        return 0
    try:
        value = store.change_setting(con, args.name, args.value, user=_os_user())
    except settings.SettingError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    emit({"name": args.name, "value": value, "status": "set"})
    return 0


def _password() -> str:
    """The password from stdin (a terminal asks twice without echo): never from an argument,
    which every user of the machine could read in the process list."""
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise users.UserError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user(con, args) -> int:
    try:
        if args.action == "list":
            emit(users.list_users(con))
            return 0
        if args.action == "add":
            regions = [r for r in (args.regions or "").split(",") if r.strip()]
            found = users.add(
                con, args.name, args.role, _password(), regions, args.email, by=_os_user(), dept=args.dept
            )
        elif args.action == "disable":
            found = users.change(con, args.name, by=_os_user(), disabled=True)
        elif args.action == "unlock":
            users.unlock(con, args.name, by=_os_user())
            found = users.get(con, args.name)
        else:
            found = users.change(con, args.name, by=_os_user(), password=_password())
    except users.UserError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    emit({"user_name": found.name, "role": found.role, "regions": found.regions, "disabled": found.disabled})
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    path = db_path(args.db)
    try:
        return _run(args, path)
    except ConfigError as exc:
        print(("\n" if _StderrProgress.open else "") + f"configuration: {exc}", file=sys.stderr)
        return 1
    except (duckdb.Error, OSError, sqlite3.Error) as exc:
        # A fault, not a bad file: one line saying what happened and what to do.
        if os.environ.get("MANYI_DEBUG"):
            raise
        print(("\n" if _StderrProgress.open else "") + fault_message(exc, path), file=sys.stderr)
        return 1


def _no_room(path: Path) -> bool:
    """Whether the disk of a local warehouse is (all but) full: SQLite then fails with a bare
    'disk I/O error', DuckLake with its commit error."""
    if lake_shared():
        return False
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free < 1024 * 1024
    except OSError:
        return False


def fault_message(exc: BaseException, path: Path) -> str:
    """One line for a fault of the machine or the warehouse (the transaction was rolled back)."""
    text = str(exc)
    if isinstance(exc, Busy):
        return text
    full = ("No space left", "disk is full", "database or disk is full")
    if (
        (isinstance(exc, OSError) and exc.errno == errno.ENOSPC)
        or any(w in text for w in full)
        or _no_room(path)
    ):
        return (
            f"the disk is full: nothing was written; free space where {path.absolute().parent} lives "
            "and try again"
        )
    if "database is locked" in text or "database is busy" in text or "Conflict" in text:
        return "the warehouse is busy (another load or change is committing): nothing was written; try again"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"failed: {first} (nothing was written; MANYI_DEBUG=1 shows the details)"


def _run(args, path: Path) -> int:
    if args.command == "questionnaire" and args.action == "infer":  # reads a file, not the warehouse
        return cmd_infer(args)
    if args.command == "demo":
        from pipelines.demo import build_demo

        try:
            summary = build_demo(
                path, force=args.force, scale=args.scale, log=lambda m: print(m, file=sys.stderr)
            )
        except FileExistsError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        emit(summary)
        return 0
    if args.command == "migrate-catalog":
        from warehouse.move import MoveError, migrate_catalog

        try:
            emit(migrate_catalog(path, args.to, args.data))
        except MoveError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        return 0
    reads = args.command in (
        "query",
        "batches",
        "rollback",
        "maintain",
        "report",
        "export",
        "calls",
        "alerts",
        "subscription",
        "send",
        "form",
    ) or (args.command in ("setting", "user", "topics") and args.action in ("list", "export"))
    if reads and not lake_exists(path):
        print(
            f"no warehouse at {path.absolute()}: check $MANYI_DB or --db "
            "(a load, `questionnaire add` or `demo` creates one)",
            file=sys.stderr,
        )
        return 1
    con = open_warehouse(path)
    try:
        if args.command == "questionnaire":
            if args.action == "list":
                emit(
                    con.execute(
                        "select questionnaire_id, max(version) as version, arg_max(title, version) as title "
                        "from questionnaires group by 1 order by 1"
                    )
                    .pl()
                    .to_dicts()
                )
                return 0
            return _from_toml(args.file, lambda text: store.add_questionnaire(con, text, user=_os_user()))
        if args.command == "load":
            return cmd_load(con, args)
        if args.command == "batches":
            emit(store.list_batches(con).to_dicts())
            return 0
        if args.command == "rollback":
            try:
                emit(store.rollback(con, args.batch_id, user=_os_user()))
            except BatchError as exc:
                print(str(exc), file=sys.stderr)
                return 1
            return 0
        if args.command == "query":
            return cmd_query(con, args, path)
        if args.command == "setting":
            return cmd_setting(con, args)
        if args.command == "user":
            return cmd_user(con, args)
        if args.command == "report":
            return cmd_report(con, args)
        if args.command == "topics":
            return cmd_topics(con, args)
        if args.command == "calls":
            return cmd_calls(con, args)
        if args.command == "alerts":
            try:
                now = date.fromisoformat(args.now) if args.now else None
            except ValueError:
                print(f"--now {args.now!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
                return 1
            found = alerts.run(con, now, _os_user())
            sent = alerts.deliver(con, _os_user())
            for line in sent["failed"]:  # recorded, and tried again at the next run
                print(f"not delivered, will retry: {line}", file=sys.stderr)
            emit({**found, **sent})
            return 0
        if args.command == "subscription":
            return cmd_subscription(con, args)
        if args.command == "form":
            return cmd_form(con, args)
        if args.command == "send":
            return cmd_send(con, args)
        if args.command == "export":
            from warehouse.move import export

            written = export(con, Path(args.dir))
            emit({"status": "exported", "dir": str(Path(args.dir).absolute()), "views": written})
            return 0
        if args.command == "maintain":
            if args.orphans_older_than < 0 or args.snapshots_older_than < 0:
                print("--orphans-older-than and --snapshots-older-than must be 0 or more", file=sys.stderr)
                return 1
            result = maintain(
                con,
                path,
                timedelta(minutes=args.orphans_older_than),
                timedelta(days=args.snapshots_older_than),
            )
            for table in result["skipped_for_space"]:
                print(
                    f"maintain: {table['table']} not rewritten: it needs {table['needs_mb']} MB free, "
                    f"the disk has {table['free_mb']} MB",
                    file=sys.stderr,
                )
            audit.append(con, "maintain", None, result, user=_os_user())
            emit({**result, "status": "maintained"})
            return 0
    finally:
        con.close()
    return 2


def cmd_topics(con, args) -> int:
    """Comment topics (pipelines/topics.py): the last stdout line is JSON (or the TOML)."""
    from pipelines import topics

    if args.action == "list":
        sql = (
            "select owner, topic_id, label, category, keywords, exclude from topics order by owner, position"
        )
        params: list = []
        if args.questionnaire:
            sql = "select * exclude (patterns, exclude_patterns) from stg_topic_rules where questionnaire_id = ? "
            sql += "order by is_company, position"
            params = [args.questionnaire]
        emit(con.execute(sql, params).pl().to_dicts())
        return 0
    if args.action == "export":
        print(topics.to_toml(topics.company(con)), end="")
        return 0
    return _from_toml(
        args.file, lambda text: topics.save_company(con, topics.parse_file(text), user=_os_user())
    )


def cmd_infer(args) -> int:
    """questionnaire infer: write the drafted TOML; the last stdout line says what became of each question."""
    from pipelines.infer import InferError, infer
    from pipelines.reader import read_pieces

    path = Path(args.file)
    problem = _not_a_file(path)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    try:
        first = next(iter(read_pieces(path, sheet=args.sheet)))
        text, found = infer(first.frame, args.platform, args.id, args.title or path.stem)
    except (InferError, ValidationError) as exc:
        print(exc.report() if isinstance(exc, ValidationError) else str(exc), file=sys.stderr)
        return 1
    Path(args.out).write_text(text, encoding="utf-8")
    emit({"status": "written", "file": str(Path(args.out).absolute()), **found})
    return 0


def _from_toml(path: str, store_it) -> int:
    """Read a TOML file (questionnaire or topics) and store it; a refusal lists its problems."""
    try:
        emit(store_it(Path(path).read_text(encoding="utf-8-sig")))
    except QuestionnaireError as exc:  # TopicError too
        print(exc.report(), file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {path}: {exc}", file=sys.stderr)
        return 1
    return 0


def _datetime(text: str | None, option: str) -> datetime | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    raise calls.CallError(f"{option} {text!r} is not a date and time (YYYY-MM-DD HH:MM)")


def cmd_calls(con, args) -> int:
    """`calls plan` and `calls record`; the last stdout line is JSON."""
    try:
        if args.action == "plan":
            agents = [a.strip() for a in (args.assign or "").split(",") if a.strip()]
            emit(calls.plan(con, args.questionnaire, calls.month_start(args.month), _os_user(), agents))
            return 0
        user = users.get(con, args.user)
        if user is None or user.disabled:
            raise calls.CallError(f"no active user {args.user!r}")
        answers = _pairs(args.answer, "--answer")
        emit(
            calls.record(
                con,
                args.call_id,
                args.outcome,
                user.name,
                answers=answers,
                comment=args.comment,
                at=_datetime(args.at, "--at"),
                callback_at=_datetime(args.callback_at, "--callback-at"),
                role=user.role,
            )
        )
        return 0
    except calls.CallError as exc:
        print(str(exc), file=sys.stderr)
        emit({"status": "refused", "reason": str(exc)})
        return 1
    except ValidationError as exc:
        print(exc.report(), file=sys.stderr)
        emit({"status": "refused", "problems": exc.total, "first": [p.__dict__ for p in exc.problems[:20]]})
        return 1


def cmd_form(con, args) -> int:
    """form: write the printable form or the entry template; the last stdout line says which."""
    from pipelines import forms

    out = Path(args.out)
    kind = out.suffix.lower().lstrip(".")
    if kind not in ("pdf", "xlsx"):
        print(f"--out must end in .pdf or .xlsx, got {args.out!r}", file=sys.stderr)
        return 1
    found = store.get_questionnaire(con, args.questionnaire)
    if found is None:
        known = ", ".join(store.questionnaire_ids(con)) or "none yet"
        print(f"unknown questionnaire {args.questionnaire!r}; known: {known}", file=sys.stderr)
        return 1
    summary = {"file": str(out.absolute()), "format": kind, "questionnaire": found.id, "lang": args.lang}
    if kind == "pdf":
        data, summary["pages"] = forms.pdf(found, args.lang)
    else:
        data = forms.xlsx(found, args.lang)
        summary["columns"] = forms.headers(found, args.lang)
    out.write_bytes(data)
    emit(summary | {"bytes": len(data)})
    return 0


def cmd_subscription(con, args) -> int:
    """subscription add|list|remove; the last stdout line is the JSON of what changed or is listed."""
    if args.action == "list":
        emit(subscriptions.listed(con, args.name))
        return 0
    try:
        if args.action == "add":
            emit(
                subscriptions.add(
                    con, args.name, args.questionnaire, args.grain, args.format, args.lang, _os_user()
                )
            )
            return 0
    except subscriptions.SubscriptionError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    ended = subscriptions.remove(
        con, args.name, args.questionnaire, args.grain, args.format, args.lang, _os_user()
    )
    if not ended:
        print(f"no subscription of {args.name!r} matches (see `subscription list`)", file=sys.stderr)
        return 1
    emit({"status": "removed", "subscriptions": ended})
    return 0


def cmd_send(con, args) -> int:
    """send: one line per failure on stderr (tried again at the next run); exit 0."""
    from streamlit import logger

    logger.set_log_level("error")  # the report's modules run here without a Streamlit server
    from dashboard.report_mail import send

    try:
        now = date.fromisoformat(args.now) if args.now else None
    except ValueError:
        print(f"--now {args.now!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 1
    said = send(con, now, _os_user())
    for line in said["failed"]:
        print(f"not sent, will retry: {line}", file=sys.stderr)
    emit(said)
    return 0


def cmd_report(con, args) -> int:
    """Write the report; the last stdout line is {file, format, period, pages | sheets, …}."""
    from streamlit import logger

    logger.set_log_level("error")  # the dashboard's modules run here without a Streamlit server
    from dashboard.report import ReportError
    from dashboard.report_files import make

    out = Path(args.out)
    kind = out.suffix.lower().lstrip(".")
    if kind not in ("pdf", "xlsx"):
        print(f"--out must end in .pdf or .xlsx, got {args.out!r}", file=sys.stderr)
        return 1
    try:
        summary = make(
            con,
            out,
            args.questionnaire,
            args.period,
            lang=args.lang,
            scope=args.scope,
            segment=args.segment,
            region=args.region,
            user=_os_user(),
        )
    except ReportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    emit(summary)
    return 0
