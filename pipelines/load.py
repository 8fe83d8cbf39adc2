"""Validate an upload completely, then load it in one transaction (or not at all)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import re
import shutil
import tempfile
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipelines import forms, platforms, store
from pipelines.errors import Problem, ValidationError
from pipelines.fields import ENUMS, FIELDS, KEYS, KINDS, VERSIONED, Field
from pipelines.questionnaire import Questionnaire, Scale
from pipelines.reader import Limits, Source, Table, byte_blocks, read_pieces, refuse
from pipelines.scoring import score
from pipelines.text import analyse_many
from warehouse import audit, settings
from warehouse.lake import write
from warehouse.maintain import check_settings, clear_dead_writers, light_compaction
from warehouse.sql import bind

Progress = Callable[[float, str], None]
PROGRESS_ROWS = 50_000
MAX_PROBLEMS = 10_000

DATE_FORMATS = [
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y%m%d",
    "%m/%d/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
]
# A column of d/m/yyyy-or-m/d/yyyy dates is read day-first only when some first part is over 12.
DATE_FORMATS_DAY_FIRST = [f.replace("%m/%d/%Y", "%d/%m/%Y") for f in DATE_FORMATS]
_SLASHED = r"^\s*(\d{1,2})/(\d{1,2})/\d{4}"
PERIOD_FORMATS = ["%Y-%m", "%Y/%m", "%Y%m", "%Y年%m月", "%Y.%m"]
ITEM_PREFIX = "item::"


@dataclass
class LoadJob:
    """What to load and how: the file's bytes and the contract's OPTIONS."""

    kind: str
    data: Source  # the file's bytes, or its path (read in pieces, never whole: pipelines/reader.py)
    file_name: str
    questionnaire_id: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    ignore_extra: bool = False
    sheet: str | None = None
    skip_rows: int = 0
    replace: bool = False
    row_ids: bool = False  # ids from the file row number, for files without an id column
    own_subject: str | None = None  # this subject value is our own company ('own')
    user: str | None = None  # who loads: audited, and recorded on each action version (changed_by)
    note: str | None = None  # what a dashboard edit did ("approve"): recorded on each version
    check_duplicate: bool = True  # a dashboard edit may restore an earlier version's bytes
    allow_future: bool = False  # survey and complaint dates after today are refused otherwise
    history: bool = False  # complaints of the past: missing handling times are unknown, not late
    # A survey platform's answer export (pipelines/platforms.py): its name, "" to read the file
    # as it is, None to recognise one by its header.
    platform: str | None = None
    # A form's rows ({field: value}) instead of a file: they enter at validate (no file is
    # decoded or mapped), with the same checks, keys, write and audit as a file's rows.
    records: tuple[dict, ...] | None = None

    @functools.cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        if self.records is not None:
            digest.update(json.dumps(self.records, default=str, sort_keys=True).encode("utf-8"))
            return digest.hexdigest()
        for block in byte_blocks(self.data):
            digest.update(block)
        return digest.hexdigest()

    def options(self) -> dict:
        return {
            "map": self.mapping,
            "set": self.constants,
            "ignore_extra": self.ignore_extra,
            "sheet": self.sheet,
            "skip_rows": self.skip_rows,
            "replace": self.replace,
            "row_ids": self.row_ids,
            "own": self.own_subject,
            "allow_future": self.allow_future,
            "history": self.history,
            **({"from": self.platform} if self.platform else {}),
        }


@dataclass
class LoadResult:
    batch_id: str
    kind: str
    rows: int
    status: str
    file_name: str
    questionnaire_id: str | None = None
    ratings: int = 0
    superseded: int = 0
    encoding: str | None = None
    sheet: str | None = None  # the workbook sheet read (XLSX)
    platform: str | None = None  # the survey platform whose export this was (CONTRACT §9)
    date_readings: dict[str, str] | None = None
    warnings: list[dict] | None = None
    retries: int | None = None  # commits retried because another writer committed first
    compacted: list[str] | None = None  # tables whose files this load merged (warehouse.maintain)

    def summary(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class Spool:
    """A folder of Parquet files holding an upload while it is checked and written: the raw
    cells piece by piece (`stage`), the typed rows (`typed`) and a survey's level values per
    piece (`values`), so that memory holds one piece at a time. Deleted when the upload is
    committed, the connection prepares the next one, or this object is garbage."""

    # A killed loader cannot delete its spool: the next load deletes spools this old.
    STALE_SECONDS = 24 * 3600

    def __init__(self) -> None:
        self._remove_stale()
        self.root = Path(tempfile.mkdtemp(prefix="manyi-load-"))
        for part in ("stage", "values"):
            (self.root / part).mkdir()
        self.values: list[Path] = []
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.root, True)

    @classmethod
    def _remove_stale(cls) -> None:
        cutoff = time.time() - cls.STALE_SECONDS
        for old in Path(tempfile.gettempdir()).glob("manyi-load-*"):
            with contextlib.suppress(OSError):
                if old.stat().st_mtime < cutoff:
                    shutil.rmtree(old, ignore_errors=True)

    def sql_path(self, name: str) -> str:
        """A quoted SQL string literal of a path in the spool (made by tempfile: no quote
        is expected in it, but one would be escaped)."""
        return "'" + str(self.root / name).replace("'", "''") + "'"

    def remove(self) -> None:
        self._cleanup()


# connection -> the spool of the upload it prepared last (see release)
_SPOOLS: dict[int, Spool] = {}


@dataclass
class Prepared:
    """A validated upload staged in temp tables of `con`, ready to commit."""

    job: LoadJob
    rows: int
    columns: dict[str, str]  # file column -> field or item::id
    encoding: str
    questionnaire: Questionnaire | None = None
    existing: int = 0
    ratings: int = 0
    duplicate_of: str | None = None
    spool: Spool | None = None  # the staged rows, and a survey's level values, on disk
    date_readings: dict[str, str] = field(default_factory=dict)  # file column -> how d/m/y was read
    warnings: list[dict] = field(default_factory=list)  # loaded anyway: see data_warnings
    seen_batches: frozenset[str] = frozenset()  # loaded batches of the kind when keys were checked
    sheet: str | None = None  # the workbook sheet read (XLSX)
    platform: str | None = None  # the survey platform whose export this was

    def preview(self, con, limit: int = 20) -> pl.DataFrame:
        """The first rows as they will be stored."""
        return con.execute(
            f"select columns(c -> not starts_with(c, '__bad_')) from typed order by __row limit {int(limit)}"
        ).pl()


def _noop(fraction: float, message: str) -> None:
    return None


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def resolve_columns(
    kind: str,
    headers: list[str],
    questionnaire: Questionnaire | None,
    mapping: dict[str, str],
    constants: dict[str, str],
    ignore_extra: bool,
) -> tuple[dict[str, str], list[Problem]]:
    """Match file headers to fields and items: --map first, then names and aliases."""
    fields = FIELDS[kind]
    targets: dict[str, str] = {}
    for f in fields:
        targets[f.name.lower()] = f.name
        targets[f.alias.lower()] = f.name
    if questionnaire is not None:
        for item in questionnaire.items:
            targets[item.column.lower()] = ITEM_PREFIX + item.id
            targets[item.id.lower()] = ITEM_PREFIX + item.id
    problems: list[Problem] = []
    field_names = {f.name for f in fields}
    item_ids = {i.id for i in questionnaire.items} if questionnaire else set()
    by_header = {h.lower(): h for h in headers}
    columns: dict[str, str] = {}
    for column, target in mapping.items():
        header = by_header.get(column.strip().lower())
        if header is None:
            problems.append(
                Problem(1, column, column, f"--map names a column the file does not have; it has {headers}")
            )
            continue
        if target in field_names:
            columns[header] = target
        elif target in item_ids:
            columns[header] = ITEM_PREFIX + target
        elif target.lower() in targets:
            columns[header] = targets[target.lower()]
        elif target in ("", "-", "ignore"):
            columns[header] = ""
        else:
            known = sorted(field_names | item_ids)
            problems.append(
                Problem(1, header, target, f"--map target is not a field or item id; known: {known}")
            )
    for header in headers:
        if header in columns:
            continue
        target = targets.get(header.lower())
        if target is not None:
            columns[header] = target
        elif ignore_extra:
            columns[header] = ""
        else:
            problems.append(
                Problem(1, header, header, "unknown column (use --map COLUMN=FIELD, or --ignore-extra)")
            )
    seen: dict[str, str] = {}
    for header, target in columns.items():
        if not target:
            continue
        if target in seen:
            problems.append(
                Problem(1, header, header, f"maps to {target!r}, as column {seen[target]!r} does")
            )
        seen[target] = header
    for name in constants:
        if name not in field_names:
            problems.append(Problem(None, name, constants[name], "--set names an unknown field"))
        elif name in seen:
            problems.append(
                Problem(1, seen[name], constants[name], f"--set {name} but the file has this column")
            )
    for f in fields:
        if f.required and f.name not in seen and f.name not in constants:
            problems.append(Problem(1, f.name, None, f"required column missing ({f.name} / {f.alias})"))
    if kind == "survey" and questionnaire is not None and not any(t.startswith(ITEM_PREFIX) for t in seen):
        problems.append(
            Problem(1, None, None, f"no column matches an item of questionnaire {questionnaire.id!r}")
        )
    return {h: t for h, t in columns.items() if t}, problems


def _conversion(f: Field, col: str, day_first: bool = False) -> tuple[str, str, str]:
    """SQL (value, is-bad condition, reason) converting text column `col` to field `f`."""
    t = f"nullif(trim({col}), '')"
    formats = "$date_formats_day_first" if day_first else "$date_formats"
    if f.type in ("id", "text"):
        return t, "false", ""
    if f.type == "date":
        v = f"try_strptime({t}, {formats})::date"
        return v, f"{t} is not null and {v} is null", "not a date (use YYYY-MM-DD)"
    if f.type == "datetime":
        v = f"try_strptime({t}, {formats})"
        return v, f"{t} is not null and {v} is null", "not a date/time (use YYYY-MM-DD HH:MM)"
    if f.type == "period":
        v = f"date_trunc('month', coalesce(try_strptime({t}, $period_formats), try_strptime({t}, $date_formats)))::date"
        return v, f"{t} is not null and {v} is null", "not a period (use YYYY-MM)"
    if f.type in ("count", "amount"):
        n = f"try_cast(replace({t}, ',', '') as double)"
        if f.type == "count":
            bad = f"{t} is not null and ({n} is null or {n} < 0 or {n} <> floor({n}))"
            return f"{n}::bigint", bad, "not a whole number >= 0"
        return n, f"{t} is not null and ({n} is null or {n} < 0)", "not a number >= 0"
    if f.type in (
        "channel",
        "cause",
        "severity",
        "outcome",
        "source",
        "validity",
        "accepted",
        "service_kind",
    ):
        v = _enum_lookup(f.type, t)
        allowed = ", ".join(sorted(set(ENUMS[f.type].values())))
        return v, f"{t} is not null and {v} is null", f"unknown value; allowed: {allowed}"
    if f.type == "scope":
        v = f"coalesce({_enum_lookup('scope', t)}, lower({t}))"
        return (
            v,
            f"{t} is not null and not regexp_full_match({v}, '[a-z0-9_-]+')",
            "not a scope id ([a-z0-9_-]+)",
        )
    if f.type == "subject":
        own = f"case when lower({t}) = lower($own_subject) then 'own' end"
        return f"coalesce({_enum_lookup('subject', t)}, {own}, {t})", "false", ""
    raise ValueError(f"unknown field type {f.type}")


def _enum_lookup(name: str, text: str) -> str:
    return f"$enum_{name}_values[list_position($enum_{name}_keys, lower({text}))]"


def _enum_params() -> dict:
    params = {}
    for name, values in ENUMS.items():
        params[f"enum_{name}_keys"] = list(values)
        params[f"enum_{name}_values"] = list(values.values())
    return params


def prepare(con, job: LoadJob, progress: Progress = _noop) -> Prepared:
    """Read and validate the whole file into temp tables; raise ValidationError listing every problem."""
    if job.kind not in KINDS:
        raise refuse(f"unknown kind {job.kind!r}; one of {', '.join(KINDS)}")
    check_settings()  # ConfigError now, not after the commit (the load's compaction reads them)
    seen = _loaded_batches(con, job.kind)  # before the keys are checked: see _recheck_keys
    questionnaire = None
    if job.kind == "survey":
        if not job.questionnaire_id:
            raise refuse("a survey upload must name its questionnaire (--questionnaire ID)")
        questionnaire = store.get_questionnaire(con, job.questionnaire_id)
        if questionnaire is None:
            known = ", ".join(store.questionnaire_ids(con)) or "none yet"
            raise refuse(
                f"unknown questionnaire {job.questionnaire_id!r}; known: {known}", job.questionnaire_id
            )
    elif job.questionnaire_id:
        raise refuse("--questionnaire applies to survey uploads only")
    if job.history and job.kind != "complaints":
        raise refuse("--history applies to complaints only")
    if job.replace and job.kind in VERSIONED:
        raise refuse(f"--replace does not apply to {job.kind}: each load adds a new version of every row")
    duplicate = job.check_duplicate and store.find_duplicate(
        con, job.kind, job.sha256, job.questionnaire_id, job.sheet
    )
    if duplicate:
        return Prepared(job, duplicate[1], {}, "", questionnaire, duplicate_of=duplicate[0])

    progress(0.02, "reading")
    row_id = {KEYS[job.kind][0]: None} if job.row_ids else {}
    if job.row_ids and len(KEYS[job.kind]) > 1:
        raise refuse(f"--row-ids applies to kinds with one id column, not {job.kind}")
    release(con)
    spool = Spool()
    _SPOOLS[id(con)] = spool
    try:
        return _stage(con, job, questionnaire, spool, row_id, seen, progress)
    except BaseException:
        release(con)  # a refused or failed upload leaves no spool behind
        raise


def _stage(
    con, job: LoadJob, questionnaire, spool: Spool, row_id: dict, seen, progress: Progress
) -> Prepared:
    """Stage the file piece by piece into `spool` and check it; raise ValidationError."""
    columns: dict[str, str] | None = None
    encoding, rows, ratings, problems, sheet, hidden = "", 0, 0, [], None, ()
    # Each piece of the file is staged to Parquet and checked against the scales on its own;
    # the checks that need every row (ids, dates, row rules) run in DuckDB over the spool.
    if job.records is not None:
        pieces = [record_table(job.records)]
    else:
        pieces = read_pieces(job.data, sheet=job.sheet, skip_rows=job.skip_rows, limits=limits(con))
    export = None  # a survey platform's export: how its columns become the contract's
    for number, piece in enumerate(pieces):
        if columns is None and piece.frame.height == 0:
            raise refuse("the file has a header but no data rows")
        if number == 0 and job.kind == "survey" and job.records is None:
            stripped = forms.strip_instructions(piece.frame)  # an entry template's instruction row
            if stripped is not None:
                piece.frame, piece.first_row = stripped, piece.first_row + 1
                if stripped.height == 0:
                    raise refuse("the file has a header but no data rows")
            if job.platform != "":
                export = _platform_plan(job, piece.frame, questionnaire)
        if export is not None:
            piece.frame = platforms.apply(export, piece.frame)
        if columns is None:
            columns, problems = resolve_columns(
                job.kind,
                piece.frame.columns,
                questionnaire,
                job.mapping,
                {**job.constants, **row_id},
                job.ignore_extra,
            )
            if problems:
                raise ValidationError(problems)
            encoding, sheet, hidden = piece.encoding, piece.sheet, piece.hidden_sheets
        stage = (
            piece.frame.select([pl.col(h).alias(t) for h, t in columns.items()])
            .with_columns([pl.lit(v, pl.Utf8).alias(k) for k, v in job.constants.items()])
            .with_row_index("__row", offset=piece.first_row)
        )
        del piece
        if job.row_ids:
            # Prefixed with the file's hash so that two files' row numbers do not collide.
            prefix = job.sha256[:8] + "-"
            stage = stage.with_columns(
                (pl.lit(prefix) + pl.col("__row").cast(pl.Utf8)).alias(KEYS[job.kind][0])
            )
        stage.write_parquet(spool.root / "stage" / f"{number:06d}.parquet")
        if questionnaire is not None:
            values, item_problems = _stage_answers(stage, questionnaire)
            problems += item_problems
            ratings += int(values.drop("__row").count().sum_horizontal()[0])
            spool.values.append(spool.root / "values" / f"{number:06d}.parquet")
            values.write_parquet(spool.values[-1])
            del values
        rows += stage.height
        del stage
        progress(0.1, f"read {rows:,} rows")
    progress(0.15, f"validating {rows:,} rows")
    con.execute(f"create temp view stage as select * from read_parquet({spool.sql_path('stage/*.parquet')})")
    field_problems, readings = _validate_fields(con, job, spool)
    problems = field_problems + problems
    problems += _duplicate_keys(con, job.kind)
    existing = 0
    if not problems and job.kind not in VERSIONED:
        existing = _existing_keys(con, job, problems)
    if problems:
        total = len(problems)
        header_names = {t: h for h, t in columns.items()}
        problems = [
            Problem(p.row, header_names.get(p.column, p.column), p.value, p.reason)
            for p in problems[:MAX_PROBLEMS]
        ]
        raise ValidationError(problems, total)
    progress(0.6, "validated")
    warnings = data_warnings(con, job.kind)
    if hidden:
        warnings.append(
            {
                "check": "hidden_sheets",
                "count": len(hidden),
                "examples": list(hidden[:5]),
                "message": f"hidden sheets of the workbook, not read (sheet {sheet!r} was): "
                "name one with --sheet to read it",
            }
        )
    if export is not None and export.warning():
        warnings.append(export.warning())
    header_names = {t: h for h, t in columns.items()}
    return Prepared(
        job,
        rows,
        columns,
        encoding,
        questionnaire,
        existing,
        ratings,
        spool=spool,
        date_readings={header_names.get(k, k): v for k, v in readings.items()},
        warnings=warnings,
        seen_batches=seen,
        sheet=sheet,
        platform=export.platform if export is not None else None,
    )


def _platform_plan(job: LoadJob, first: pl.DataFrame, questionnaire):
    """The plan of a survey platform's export named by --from or recognised by its header;
    None for any other file."""
    name = job.platform or platforms.recognise(first.columns)
    if name is None:
        return None
    try:
        return platforms.plan(name, first, questionnaire, job.mapping)
    except platforms.PlatformError as exc:
        raise refuse(str(exc)) from None


def load_record(con, kind: str, record: dict, user: str | None, note: str, **options) -> LoadResult:
    """Write one form's record of `kind` (a corrective-action step, a complaint step): it enters
    at validate with the same checks, keys, one-transaction write and audit as a file's rows;
    ValidationError lists every problem and nothing is written."""
    key = record.get(KEYS[kind][0])
    return load(con, record_job(kind, record, user, note, f"dashboard: {note} {key}", **options))


def record_job(kind: str, record: dict, user: str | None, note: str, file_name: str, **options) -> LoadJob:
    """The job of one form's record: no file bytes, never a duplicate of an earlier load."""
    return LoadJob(
        kind=kind,
        data=b"",
        records=(record,),
        file_name=file_name,
        user=user,
        note=note,
        check_duplicate=False,
        **options,
    )


def record_table(records) -> Table:
    """A form's rows as the cells of a file whose headers are the field names: dates and
    times in ISO form, None as an empty cell (the validation reads text either way)."""
    if not records:
        raise refuse("nothing to record: no rows")
    names = list(dict.fromkeys(name for record in records for name in record))

    def text(value) -> str | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, bool):
            return "true" if value else "false"
        found = str(value).strip()
        return found or None

    columns = {n: [text(record.get(n)) for record in records] for n in names}
    return Table(pl.DataFrame(columns, schema=dict.fromkeys(names, pl.Utf8)), "record", 2)


def release(con) -> None:
    """Drop what `prepare` staged on `con` (temp views and the spool), committed or not."""
    con.execute("drop view if exists temp.typed")
    con.execute("drop view if exists temp.stage")
    con.execute("drop table if exists temp.typed_texts")
    spool = _SPOOLS.pop(id(con), None)
    if spool is not None:
        spool.remove()


_SQL_TYPES = {
    "date": "date",
    "datetime": "timestamp",
    "period": "date",
    "count": "bigint",
    "amount": "double",
}


def date_readings(con, columns: list[str]) -> tuple[dict[str, str], list[Problem]]:
    """How each date column's d/m/yyyy-style values are read: 'month/day/year' or
    'day/month/year', decided by the whole column; a column where every such value could be
    either (01/03/2025) is refused rather than read month-first without a word."""
    if not columns:
        return {}, []
    parts = []
    for c in columns:
        col = _q(c)
        parts += [
            f"count(*) filter (where regexp_matches({col}, $slashed))",
            f"max(try_cast(regexp_extract({col}, $slashed, 1) as integer))",
            f"max(try_cast(regexp_extract({col}, $slashed, 2) as integer))",
            f"min(trim({col})) filter (where regexp_matches({col}, $slashed))",
        ]
    found = con.execute(f"select {', '.join(parts)} from stage", {"slashed": _SLASHED}).fetchall()[0]
    readings, problems = {}, []
    for n, c in enumerate(columns):
        count, first, second, example = found[4 * n : 4 * n + 4]
        if not count:
            continue
        if first > 12 and second > 12:
            problems.append(
                Problem(None, c, example, "mixes day-first and month-first dates: use YYYY-MM-DD")
            )
        elif first > 12:
            readings[c] = "day/month/year"
        elif second > 12:
            readings[c] = "month/day/year"
        else:
            problems.append(
                Problem(
                    None,
                    c,
                    example,
                    f"{count:,} dates could be day/month or month/day (no part over 12): write them YYYY-MM-DD",
                )
            )
    return readings, problems


def limits(con) -> Limits:
    """The upload limits in force (settings upload_max_* and xlsx_max_*)."""
    number = functools.partial(settings.number, con)
    return Limits(
        max_bytes=number("upload_max_mb") * 2**20,
        max_rows=number("upload_max_rows"),
        max_columns=number("upload_max_columns"),
        max_cell_chars=number("upload_max_cell_chars"),
        xlsx_max_unpacked=number("xlsx_max_unpacked_mb") * 2**20,
        xlsx_max_ratio=number("xlsx_max_ratio"),
    )


# Kinds whose dates say when something already happened: a date after today is a typo
# (9999-12-31) unless the loader says otherwise (--allow-future).
_PAST_ONLY = ("survey", "complaints")


def _validate_fields(con, job: LoadJob, spool: Spool) -> tuple[list[Problem], dict[str, str]]:
    kind = job.kind
    present = {row[0] for row in con.execute("select column_name from (describe stage)").fetchall()}
    dated = [f.name for f in FIELDS[kind] if f.type in ("date", "datetime") and f.name in present]
    readings, problems = date_readings(con, dated)
    base = {
        "date_formats": DATE_FORMATS,
        "date_formats_day_first": DATE_FORMATS_DAY_FIRST,
        "period_formats": PERIOD_FORMATS,
        "own_subject": job.own_subject,
        "max_id_chars": settings.number(con, "upload_max_id_chars"),
        "today": settings.today(con),
        **_enum_params(),
    }
    future = kind in _PAST_ONLY and not job.allow_future
    selects = ["__row"]
    checks = []
    for f in FIELDS[kind]:
        if f.name not in present:
            selects.append(f"null::{_SQL_TYPES.get(f.type, 'varchar')} as {_q(f.name)}")
            continue
        col = _q(f.name)
        value, bad, reason = _conversion(f, col, readings.get(f.name) == "day/month/year")
        selects.append(f"{value} as {col}")
        if f.required:
            checks.append((f"nullif(trim({col}), '') is null", f.name, "required value is blank"))
        if bad != "false":
            checks.append((bad, f.name, reason))
        if f.type == "id" and f.name.endswith("_id"):
            checks.append(
                (
                    f"length(trim({col})) > $max_id_chars",
                    f.name,
                    "an id longer than the limit (setting upload_max_id_chars)",
                )
            )
        if future and f.type in ("date", "datetime"):
            checks.append(
                (
                    f"({value})::date > $today",
                    f.name,
                    "after today (company time zone): a typo? load with --allow-future if it is meant",
                )
            )
    # One pass converts every field and flags every check; only a check that flagged rows
    # goes back to the file for their row numbers and cells.
    flags = [f"coalesce({condition}, false) as __bad_{n}" for n, (condition, _, _) in enumerate(checks)]
    # Written to the spool, not kept in memory: a temporary table holds every row in RAM.
    sql = f"copy (select {', '.join(selects + flags)} from stage) to {spool.sql_path('typed.parquet')} (format parquet)"
    con.execute(sql, bind(sql, base))
    con.execute(f"create temp view typed as select * from read_parquet({spool.sql_path('typed.parquet')})")
    if checks:
        counts = con.execute(
            "select "
            + ", ".join(f"count(*) filter (where __bad_{n})" for n in range(len(checks)))
            + " from typed"
        ).fetchall()[0]
        for (condition, name, reason), count in zip(checks, counts, strict=True):
            if not count:
                continue
            sql = f"select __row, {_q(name)} from stage where {condition} order by __row limit {MAX_PROBLEMS}"
            for row, value in con.execute(sql, bind(sql, base)).fetchall():
                problems.append(Problem(row, name, value, reason))
    problems += _row_rules(con, kind)
    return problems, readings


WARNING_TEXT = {
    "unknown_customer": "customer ids not in the customers table; they load, but have no name, "
    "region or segment until the customers file is loaded",
    "unknown_dimension": "complaints name a dimension id that no questionnaire has",
}


def data_warnings(con, kind: str) -> list[dict]:
    """What a file may hold but an analyst should know (uploads come in any order): customer
    ids the warehouse does not know, complaint dimensions no questionnaire has. The view
    v_data_quality counts the same over the whole warehouse."""
    checks = []
    if kind != "customers":
        checks.append(
            (
                "unknown_customer",
                "select count(distinct customer_id), list(distinct customer_id order by customer_id)[1:5] "
                "from typed where customer_id not in (select customer_id from stg_customers)",
            )
        )
    if kind == "complaints":
        checks.append(
            (
                "unknown_dimension",
                "select count(*), list(distinct dimension order by dimension)[1:5] from typed "
                "where dimension is not null and dimension not in (select dimension_id from q_dimensions)",
            )
        )
    found = []
    for check, sql in checks:
        count, examples = con.execute(sql).fetchall()[0]
        if count:
            found.append(
                {"check": check, "count": int(count), "examples": examples, "message": WARNING_TEXT[check]}
            )
    return found


def _row_rules(con, kind: str) -> list[Problem]:
    """Checks across the fields of one row."""
    problems = []
    if kind == "complaints":
        for later in COMPLAINT_TIMES:
            sql = (
                f"select __row, {later}::varchar from typed where {later} < received_at limit {MAX_PROBLEMS}"
            )
            for row, value in con.execute(sql).fetchall():
                problems.append(Problem(row, later, value, "is before received_at"))
        for condition, column, reason in COMPLAINT_RULES:
            sql = f"select __row, {column}::varchar from typed where {condition} order by __row limit {MAX_PROBLEMS}"
            for row, value in con.execute(sql).fetchall():
                problems.append(Problem(row, column, value, reason))
        sql = f"select __row, dimension from typed where not regexp_full_match(dimension, '[A-Za-z0-9_-]+') limit {MAX_PROBLEMS}"
        for row, value in con.execute(sql).fetchall():
            problems.append(Problem(row, "dimension", value, "not a dimension id ([A-Za-z0-9_-]+)"))
    if kind == "actions":
        problems += _action_rules(con)
    return problems


# A complaint's handling times, none before it was received.
COMPLAINT_TIMES = (
    "first_response_at",
    "verified_at",
    "resolved_at",
    "assigned_at",
    "promised_at",
    "customer_informed_at",
    "closed_at",
)
# (condition over typed, column, reason): the order of a case's steps (CONTRACT §10).
COMPLAINT_RULES = (
    (
        "closed_at is not null and customer_informed_at is null",
        "closed_at",
        "closing needs customer_informed_at",
    ),
    (
        "customer_accepted is not null and customer_informed_at is null",
        "customer_accepted",
        "the customer's answer needs customer_informed_at",
    ),
    (
        "closed_at is not null and customer_accepted = 'no'",
        "closed_at",
        "a case the customer did not accept stays open",
    ),
    ("is_valid is not null and verified_at is null", "is_valid", "a verification result needs verified_at"),
    ("closed_at < customer_informed_at", "closed_at", "is before customer_informed_at"),
)

_SURVEY_SOURCE = "source in ('item', 'dimension')"
# (condition over typed, column, reason): the source/field combinations, ids and date order of
# an action (CONTRACT §5).
ACTION_RULES = (
    (
        f"{_SURVEY_SOURCE} and questionnaire_id is null",
        "questionnaire_id",
        "required for source item and dimension",
    ),
    (
        "questionnaire_id is not null and questionnaire_id not in (select questionnaire_id from questionnaires)",
        "questionnaire_id",
        "unknown questionnaire id",
    ),
    ("source = 'item' and item_id is null", "item_id", "required for source item"),
    (
        "source = 'item' and item_id is not null and questionnaire_id in (select questionnaire_id from questionnaires) "
        "and (questionnaire_id, item_id) not in (select (questionnaire_id, item_id) from q_items)",
        "item_id",
        "not an item of the questionnaire",
    ),
    (
        "source = 'item' and dimension_id is not null and (questionnaire_id, item_id) in "
        "(select (questionnaire_id, item_id) from q_items) and (questionnaire_id, item_id, dimension_id) "
        "not in (select (questionnaire_id, item_id, dimension_id) from q_items)",
        "dimension_id",
        "is not the dimension of the item",
    ),
    ("source = 'dimension' and dimension_id is null", "dimension_id", "required for source dimension"),
    (
        "source = 'dimension' and dimension_id is not null "
        "and questionnaire_id in (select questionnaire_id from questionnaires) "
        "and (questionnaire_id, dimension_id) not in (select (questionnaire_id, dimension_id) from q_dimensions)",
        "dimension_id",
        "not a dimension of the questionnaire",
    ),
    ("source = 'dimension' and item_id is not null", "item_id", "applies to source item only"),
    (f"{_SURVEY_SOURCE} and cause is not null", "cause", "narrows a complaint source only"),
    ("source = 'complaint' and cause_category is null", "cause_category", "required for source complaint"),
    *(
        (
            f"source = 'complaint' and {name} is not null",
            name,
            "applies to survey sources (item, dimension) only",
        )
        for name in ("questionnaire_id", "item_id", "dimension_id", "scope")
    ),
    *(
        (f"{name} < created_at", name, "is before created_at")
        for name in (
            "due_date",
            "reviewed_at",
            "approved_at",
            "customer_informed_at",
            "done_at",
            "cancelled_at",
        )
    ),
    ("follows = action_id", "follows", "an action cannot follow itself"),
    (
        "follows is not null and follows <> action_id and follows not in (select action_id from actions) "
        "and follows not in (select action_id from typed)",
        "follows",
        "unknown action id",
    ),
)


def _action_rules(con) -> list[Problem]:
    problems = []
    for condition, column, reason in ACTION_RULES:
        sql = (
            f"select __row, {column}::varchar from typed where coalesce({condition}, false) "
            f"order by __row limit {MAX_PROBLEMS}"
        )
        for row, value in con.execute(sql).fetchall():
            problems.append(Problem(row, column, value, reason))
    return problems


def _spellings(scale: Scale) -> tuple[dict[str, float], dict[str, float]]:
    """(exact spellings, trimmed lower-case spellings) of a scale's levels and N/A values.

    NaN marks "not answered".
    """
    exact: dict[str, float] = {}
    folded: dict[str, float] = {}
    for level in scale.levels:
        for text in (f"{level.value:g}", repr(level.value), level.label, *level.aliases):
            exact[text] = level.value
            folded[text.strip().lower()] = level.value
    for text in (*scale.na, ""):
        exact[text] = float("nan")
        folded[text.strip().lower()] = float("nan")
    return exact, folded


def _fallback_value(column: str, scale: Scale) -> pl.Expr:
    """A cell's level value when it is not spelled exactly: trimmed, case-folded or numeric ("5.00")."""
    _, folded = _spellings(scale)
    norm = pl.col(column).str.strip_chars().str.to_lowercase()
    number = norm.cast(pl.Float64, strict=False)
    values = [level.value for level in scale.levels]
    return pl.coalesce(
        pl.when(number.is_in(values)).then(number),
        norm.replace_strict(folded, default=None, return_dtype=pl.Float64),
    )


def _stage_answers(stage: pl.DataFrame, questionnaire: Questionnaire) -> tuple[pl.DataFrame, list[Problem]]:
    """Match every item cell to its scale: (wide level values by item id, problems).

    NaN marks a "not answered" cell, null a cell that matches nothing. Most cells are spelled
    exactly as a level ("5", "满意"); only columns with other spellings pay for the fallback.
    """
    items = [i for i in questionnaire.items if ITEM_PREFIX + i.id in stage.columns]
    matched = stage.select(
        "__row",
        *[
            pl.col(ITEM_PREFIX + i.id)
            .replace_strict(
                _spellings(questionnaire.scale(i.scale))[0], default=None, return_dtype=pl.Float64
            )
            .alias(i.id)
            for i in items
        ],
    )
    unmatched = stage.select(
        [(pl.col(ITEM_PREFIX + i.id).is_not_null() & matched[i.id].is_null()).alias(i.id) for i in items]
    )
    retry = [i for i in items if unmatched[i.id].any()]
    if retry:
        fallback = stage.select(
            [_fallback_value(ITEM_PREFIX + i.id, questionnaire.scale(i.scale)).alias(i.id) for i in retry]
        )
        matched = matched.with_columns(
            [pl.coalesce(matched[i.id], fallback[i.id]).alias(i.id) for i in retry]
        )
    problems: list[Problem] = []
    for item in retry:
        bad = stage["__row"].filter(stage[ITEM_PREFIX + item.id].is_not_null() & matched[item.id].is_null())
        if bad.is_empty():
            continue
        scale = questionnaire.scale(item.scale)
        allowed = ", ".join(f"{lv.value:g}={lv.label}" for lv in scale.levels)
        rows = bad.head(MAX_PROBLEMS)
        cells = stage.filter(pl.col("__row").is_in(rows.implode()))[ITEM_PREFIX + item.id]
        for row, cell in zip(rows.to_list(), cells.to_list(), strict=True):
            problems.append(
                Problem(row, ITEM_PREFIX + item.id, cell, f"not a level of the item's scale ({allowed})")
            )
    values = matched.with_columns([pl.col(i.id).fill_nan(None) for i in items])
    return values, problems


def _duplicate_keys(con, kind: str) -> list[Problem]:
    key = store.key_sql(kind)
    # A hash aggregate finds the duplicated keys; only their rows are then looked at.
    rows = con.execute(
        f"""
        with keyed as (select __row, {key} as k from typed),
        dupes as (select k, min(__row) as first_row from keyed where k <> '' group by k having count(*) > 1)
        select keyed.__row, keyed.k, dupes.first_row
        from keyed inner join dupes on dupes.k = keyed.k
        where keyed.__row <> dupes.first_row
        order by keyed.__row limit {MAX_PROBLEMS}
        """
    ).fetchall()
    column = KEYS[kind][0] if len(KEYS[kind]) == 1 else "+".join(KEYS[kind])
    return [
        Problem(row, column, value, f"duplicate id in this file (first on row {first})")
        for row, value, first in rows
    ]


def _loaded_batches(con, kind: str) -> frozenset[str]:
    rows = con.execute("select batch_id from batches where kind = ? and status = 'loaded'", [kind]).fetchall()
    return frozenset(r[0] for r in rows)


def _recheck_keys(con, prepared: Prepared) -> None:
    """When another load of the kind committed since this one was validated, the keys are
    checked again inside the transaction: two analysts loading the same ids at the same
    moment get one batch and one clear refusal, never the same response twice."""
    job = prepared.job
    if not _loaded_batches(con, job.kind) - prepared.seen_batches:
        return
    problems: list[Problem] = []
    if _existing_keys(con, job, problems):
        raise ValidationError(problems)


def _existing_keys(con, job: LoadJob, problems: list[Problem]) -> int:
    """Count keys already active in the warehouse; without --replace each is a problem."""
    kind = job.kind
    sql = f"""
        select m.__row, m.key, m.batch_id, b.file_name
        from ({store.matched_keys_sql(kind)}) as m
        left join batches as b on b.batch_id = m.batch_id
        order by m.__row
    """
    params = {**({"qid": job.questionnaire_id} if "$qid" in sql else {}), **store.key_range(con, kind)}
    rows = con.execute(sql, params).fetchall()
    if not job.replace:
        column = KEYS[kind][0] if len(KEYS[kind]) == 1 else "+".join(KEYS[kind])
        for row, value, batch, file_name in rows[:MAX_PROBLEMS]:
            problems.append(
                Problem(
                    row,
                    column,
                    value,
                    f"already loaded by batch {batch} ({file_name}); use --replace to supersede",
                )
            )
    return len(rows)


def commit(
    con,
    prepared: Prepared,
    progress: Progress = _noop,
    *,
    check: Callable[[object], None] | None = None,
    companions: tuple[tuple[Prepared, str], ...] = (),
) -> LoadResult:
    """Write a prepared upload in one transaction; nothing is written if anything fails. A
    commit that meets another writer's is retried (warehouse.lake.write): only the writes run
    again, not the validation or the scoring. `check(con)` runs first inside the transaction
    (it raises to refuse a write made stale meanwhile); `companions` are other kinds' validated
    rows (held in temp tables by load_together), written in the same transaction as batches
    of their own."""
    job = prepared.job
    if prepared.duplicate_of:
        return LoadResult(
            prepared.duplicate_of, job.kind, prepared.rows, "duplicate", job.file_name, job.questionnaire_id
        )
    clear_dead_writers(con)  # a killed loader's files go before this load adds its own
    batch_id = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    now = datetime.now(UTC)
    retries = []
    try:
        words = _comment_words(con, job.kind, batch_id, progress)
        progress(0.65, "writing")

        def body() -> None:
            # Loads commit one at a time (sql/raw/write_locks.sql); one that follows another's
            # commit checks its keys again against what that load wrote.
            con.execute("delete from write_locks where name = 'load'")
            con.execute("insert into write_locks values ('load')")
            if check is not None:
                check(con)
            if not job.replace:
                _recheck_keys(con, prepared)
            superseded = (
                store.supersede(con, job.kind, batch_id, now, job.questionnaire_id) if job.replace else []
            )
            _add_batch(con, prepared, batch_id, now)
            for held, table in companions:
                held_batch = f"{batch_id}-{held.job.kind}"
                _add_batch(con, held, held_batch, now)
                _write_records(con, held.job.kind, held.job, held_batch, source=table)
                audit.record(con, "load", held_batch, _load_detail(held, []), now, held.job.user)
            if job.kind == "survey":
                _write_survey(con, prepared, batch_id, progress)
            else:
                _write_records(con, job.kind, job, batch_id)
            if words is not None:
                _write_words(con, job.kind, batch_id, words)
            if superseded and job.kind == "survey":
                progress(0.9, "refreshing superseded batches")
                store.rebuild_survey_rollups(con, superseded)
            audit.record(con, "load", batch_id, _load_detail(prepared, retries), now, job.user)
            progress(0.97, "committing")

        def again(tries: int, exc: BaseException) -> None:
            retries.append(str(exc).splitlines()[0])
            progress(0.97, f"the warehouse is busy; trying again ({tries})")

        write(con, body, on_retry=again)
    finally:
        release(con)
    compacted = light_compaction(con)
    if compacted:
        progress(0.99, f"merged the small files of {len(compacted)} tables")
    progress(1.0, "loaded")
    return LoadResult(
        batch_id,
        job.kind,
        prepared.rows,
        "loaded",
        job.file_name,
        job.questionnaire_id,
        ratings=prepared.ratings,
        superseded=prepared.existing,
        encoding=prepared.encoding,
        sheet=prepared.sheet,
        platform=prepared.platform,
        date_readings=prepared.date_readings or None,
        warnings=prepared.warnings or None,
        retries=len(retries) or None,
        compacted=compacted or None,
    )


def _add_batch(con, prepared: Prepared, batch_id: str, now: datetime) -> None:
    job = prepared.job
    con.execute(
        "insert into batches values (?, ?, ?, ?, ?, ?, ?, 'loaded', ?)",
        [
            batch_id,
            job.kind,
            job.file_name,
            job.sha256,
            prepared.rows,
            job.questionnaire_id,
            now,
            json.dumps(job.options(), ensure_ascii=False),
        ],
    )


def _load_detail(prepared: Prepared, retries: list) -> dict:
    """The audit event's detail of a load."""
    job = prepared.job
    return {
        "kind": job.kind,
        "file": job.file_name,
        "rows": prepared.rows,
        "superseded": prepared.existing,
        **({"note": job.note} if job.note else {}),
        **({"retries": len(retries)} if retries else {}),
    }


_RECORD_COLUMNS = {
    "complaints": "complaint_id, customer_id, received_at, channel, product, dimension as dimension_id, "
    "cause_category, cause, severity, responsible_dept, first_response_at, verified_at, resolved_at, description",
    "sales": "period, customer_id, product, shipments, quantity, revenue",
    "customers": "customer_id, name, region, industry, phone",
    "contacts": "contact_id, customer_id, contact_date, scope, channel, outcome, call_id, agent, contacted_at, "
    "callback_at, note",
    "services": "service_id, customer_id, service_date, kind, staff_id, product",
    "actions": "action_id, title, source, questionnaire_id, item_id, dimension_id, cause_category, cause, "
    "scope, customer_id, responsible_dept, owner, plan, created_at, due_date, reviewed_at, approved_at, "
    "approved_by, customer_informed_at, done_at, cancelled_at, follows, ?::varchar, ?::varchar",
}


_COMPLAINT_CASE = (
    "handler",
    "assigned_at",
    "is_valid",
    "solution",
    "promised_at",
    "customer_informed_at",
    "customer_accepted",
    "closed_at",
)


def _write_records(con, kind: str, job: LoadJob, batch_id: str, source: str = "typed") -> None:
    """Insert the validated rows of `source` (the staged `typed`, or a companion's copy)."""
    extra = [job.user, job.note] if kind == "actions" else []
    if kind == "complaints":  # by name: a migrated table has the case's columns at its end
        case = ", ".join(_COMPLAINT_CASE)
        names = _RECORD_COLUMNS[kind].replace("dimension as dimension_id", "dimension_id")
        con.execute(
            f"insert into complaints (batch_id, {names}, source_row, {case}, changed_by, change_note) "
            f"select ?, {_RECORD_COLUMNS[kind]}, __row, {case}, ?, ? from {source} order by __row",
            [batch_id, job.user, job.note],
        )
        return
    if kind == "contacts":  # by name too: the call's columns (schema 23) are at the table's end
        names = _RECORD_COLUMNS[kind]
        con.execute(
            f"insert into contacts (batch_id, {names}, source_row) "
            f"select ?, {names}, __row from {source} order by __row",
            [batch_id],
        )
        return
    con.execute(
        f"insert into {kind} select ?, {_RECORD_COLUMNS[kind]}, __row from {source} order by __row",
        [batch_id, *extra],
    )


_RESPONSE_COLUMNS = """
    ? as batch_id, ? as questionnaire_id, response_id, customer_id, survey_date,
    coalesce(scope, ?) as scope, channel, coalesce(subject, 'own') as subject, staff_id
"""


# kind -> (id column, text column) of the staged rows whose words are stored at load
_TEXTS = {"survey": ("response_id", "comment"), "complaints": ("complaint_id", "description")}


def _comment_words(con, kind: str, batch_id: str, progress: Progress) -> pl.DataFrame | None:
    """The comment_texts rows of a staged upload (pipelines/text.py), worked out before the
    transaction: each distinct text once. The texts are numbered in DuckDB (temp.typed_texts),
    so only the distinct texts come to Python; None without texts."""
    if kind not in _TEXTS:
        return None
    _, column = _TEXTS[kind]
    con.execute(
        "create or replace temp table typed_texts as select row_number() over (order by text)::integer - 1 "
        f"as text_id, text from (select distinct {column} as text from typed "
        f"where nullif(trim({column}), '') is not null)"
    )
    texts = con.execute("select text_id, text from temp.typed_texts order by text_id").pl()
    if texts.is_empty():
        return None
    progress(0.72, f"reading the words of {texts.height:,} distinct comments")
    analysed = analyse_many(texts["text"])
    return texts.join(analysed, on="text", how="left").select(
        pl.lit(batch_id).alias("batch_id"), pl.lit(kind).alias("source"), "text_id", "tokens", "terms"
    )


def _write_words(con, kind: str, batch_id: str, texts: pl.DataFrame) -> None:
    key, column = _TEXTS[kind]
    con.execute(
        f"insert into comment_tokens select ?, ?, typed.{key}::varchar, t.text_id from typed "
        f"inner join temp.typed_texts as t on t.text = typed.{column}",
        [batch_id, kind],
    )
    store.insert_frame(con, "comment_texts", texts)


def _write_survey(con, prepared: Prepared, batch_id: str, progress: Progress) -> None:
    """Write a staged survey piece by piece: the raw responses straight from the spool, their
    answers and scores (computed here, so memory holds one piece); the rollups of every piece
    are summed and written once."""
    q = prepared.questionnaire
    params = [batch_id, q.id, q.scope]
    levels, dimensions = [], []
    pieces = prepared.spool.values
    if not pieces:  # no rows
        con.execute(f"insert into responses select {_RESPONSE_COLUMNS}, comment, __row from typed", params)
    done = -1  # the last row number written to responses
    for n, path in enumerate(pieces):
        values = pl.read_parquet(path)
        low, high = values["__row"].min(), values["__row"].max()
        # The raw responses piece by piece too: DuckLake sorts an insert into a table with a
        # sort order (responses: by date) in memory, so one insert of the whole file took
        # memory growing with it (6.2 GiB at 10,000,000 responses, issue 15). Every row once:
        # from after the last piece's rows, to this piece's last (the last piece: to the end).
        last = n == len(pieces) - 1
        con.execute(
            f"insert into responses select {_RESPONSE_COLUMNS}, comment, __row from typed "
            "where __row > ? and (? or __row <= ?)",
            [*params, done, last, high],
        )
        done = high
        # The typed rows are in file order, so a piece is one range of row numbers.
        responses = con.execute(
            f"select __row, {_RESPONSE_COLUMNS}, comment from typed where __row between ? and ? order by __row",
            [*params, low, high],
        ).pl()
        if not responses["__row"].equals(values["__row"]):
            raise RuntimeError("staged responses and their answers are out of step")
        scores = score(responses.drop("__row"), values.drop("__row"), q)
        del responses, values
        store.insert_answers(con, scores.answers, order=n == 0)
        store.insert_response_scores(con, scores.response_scores)
        store.insert_dimension_scores(con, scores.dimension_scores, scores.dimension_ids, order=n == 0)
        store.insert_frame(con, "dissatisfied_ratings", scores.dissatisfied_ratings)
        levels.append(_detached(scores.rating_counts))
        dimensions.append(_detached(scores.dimension_response_counts))
        progress(0.7 + 0.25 * (n + 1) / len(pieces), f"writing the ratings of {n + 1} of {len(pieces)} parts")
    store.insert_frame(con, "rating_counts", _summed(levels, ["ratings"]))
    store.insert_frame(
        con, "dimension_response_counts", _summed(dimensions, ["responses", "score_sum", "score_sq_sum"])
    )
    store.write_counts(con, [batch_id])


def _detached(frame: pl.DataFrame) -> pl.DataFrame:
    """A copy of a piece's rollup that shares no memory with the piece: through polars' string
    views a few thousand rollup rows kept each piece's strings alive, and a load's memory grew
    with the file (about 11 MiB per piece of 115,000 responses; README, "Scale")."""
    return pl.from_arrow(frame.to_arrow(compat_level=pl.CompatLevel.oldest()))


def _summed(parts: list[pl.DataFrame], sums: list[str]) -> pl.DataFrame:
    """The rollup rows of every piece, one per group: counts and sums added up."""
    if len(parts) == 1:
        return parts[0]
    whole = pl.concat(parts)
    keys = [c for c in whole.columns if c not in sums]
    summed = whole.group_by(keys, maintain_order=True).agg([pl.col(c).sum() for c in sums])
    return summed.select(whole.columns).cast(whole.schema)


def _lit(value: str) -> str:
    # Only batch ids and questionnaire ids/scopes we generated or validated reach here.
    if not re.fullmatch(r"[A-Za-z0-9_-]+", value):
        raise ValueError(f"unsafe identifier {value!r}")
    return f"'{value}'"


def load_together(con, jobs: list[LoadJob], check: Callable[[object], None] | None = None) -> LoadResult:
    """Validate several forms' records of different kinds, each exactly as its own load would,
    and write them in one transaction: all or nothing (a call's attempt and its survey
    response). `check(con)` runs inside the transaction: it refuses a write that another one
    made stale meanwhile (two browser tabs saving one call). Returns the last job's result;
    ValidationError names the first job's problems that failed, and nothing is written."""
    held: list[tuple[Prepared, str]] = []
    try:
        for n, job in enumerate(jobs[:-1]):
            prepared = prepare(con, job)
            table = f"held_{n}"
            con.execute(f"create or replace temp table {table} as select * from typed")
            release(con)
            held.append((prepared, table))
        return commit(con, prepare(con, jobs[-1]), check=check, companions=tuple(held))
    finally:
        for _, table in held:
            con.execute(f"drop table if exists temp.{table}")


def load(con, job: LoadJob, progress: Progress = _noop) -> LoadResult:
    """Validate and load one file; raise ValidationError with every problem, writing nothing."""
    prepared = prepare(con, job, progress)
    return commit(con, prepared, progress)
