"""The upload page's work: read headers, propose a mapping, validate, load, roll back."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from dashboard import auth, reasons
from dashboard.i18n import labels, lang, t
from dashboard.state import data_version, open_for_write, q, writer
from dashboard.widgets import column_config, presented
from pipelines import platforms, store
from pipelines.errors import QuestionnaireError, ValidationError
from pipelines.fields import ENUMS, FIELDS, KEYS, KINDS, VERSIONED
from pipelines.load import (
    ITEM_PREFIX,
    LoadJob,
    LoadResult,
    limits,
    load,
    prepare,
    release,
    resolve_columns,
)
from pipelines.questionnaire import Questionnaire
from pipelines.reader import Limits, read_pieces
from warehouse import open_warehouse, settings
from warehouse.lake import Busy, write

IGNORE = "ignore"  # a column mapped to nothing: a value of its own, shown as （忽略）, never None


def sheets(data: bytes) -> list[str]:
    """Sheet names of an XLSX file (empty for CSV)."""
    if not data.startswith(b"PK\x03\x04"):
        return []
    import fastexcel

    try:
        return fastexcel.read_excel(data).sheet_names
    except fastexcel.FastExcelError:
        return []


def sample(data: bytes, sheet: str | None, skip_rows: int) -> pl.DataFrame:
    """The cells (all text) of the file's first piece (pipelines/reader.py: a few hundred
    thousand rows at most), for the column mapping: every widget change reruns the page, and
    it need not read a large file whole each time. Raises ValidationError when unreadable."""
    return next(read_pieces(data, sheet=sheet, skip_rows=skip_rows, limits=upload_limits())).frame


def upload_limits() -> Limits:
    """The limits a file must keep (settings upload_max_*, xlsx_max_*)."""
    cur = writer()
    try:
        return limits(cur)
    finally:
        cur.close()


def limits_text() -> str:
    """The limits in words, for the page to say before a file is chosen."""
    found = upload_limits()
    return t(
        "up.limits",
        mb=f"{found.max_bytes // 2**20:,}",
        rows=f"{found.max_rows:,}",
        columns=f"{found.max_columns:,}",
        cell=f"{found.max_cell_chars:,}",
    )


def targets(kind: str, questionnaire: Questionnaire | None) -> dict[str, str]:
    """Every field or item a column can map to: {value: shown label}."""
    out = {IGNORE: t("up.ignore")}
    for f in FIELDS[kind]:
        shown = f"{f.alias}（{f.name}）" if lang() == "zh" else f.name
        out[f.name] = shown + (" *" if f.required else "")
    if questionnaire is not None:
        for item in questionnaire.items:
            out[item.id] = f"{item.id} · {item.column}"
    return out


def proposed_mapping(kind: str, headers: list[str], questionnaire, saved: dict[str, str]) -> dict[str, str]:
    """File column -> field/item id: the saved mapping first, else names and aliases."""
    auto, _ = resolve_columns(kind, headers, questionnaire, {}, {}, ignore_extra=True)
    proposal = {}
    for header in headers:
        if header in saved:
            proposal[header] = saved[header] or IGNORE  # mappings saved before kept "" for it
        else:
            target = auto.get(header, IGNORE)
            proposal[header] = target.removeprefix(ITEM_PREFIX)
    return proposal


# Per kind: the table and date a batch's rows count by, and the pages whose figures it changes.
_CHANGES = {
    "survey": (
        "responses",
        "survey_date",
        ("overview", "dimensions", "pareto", "causes", "voice", "competitors"),
    ),
    "complaints": ("complaints", "received_at", ("overview", "pareto", "causes")),
    "sales": ("sales", "period", ("overview", "causes")),
    "customers": ("customers", None, ("overview", "dimensions", "causes")),
    "contacts": ("contacts", "contact_date", ("overview",)),
    "services": ("services", "service_date", ()),
    "actions": ("actions", "created_at", ("actions", "overview")),
}


def changed(result: LoadResult) -> str:
    """What a load changed, in words: its rows, the dates they span, the pages they move."""
    table, date, pages = _CHANGES[result.kind]
    span = ""
    if date is not None and result.status == "loaded":
        cur = writer()
        try:
            first, last = cur.execute(
                f"select min({date})::date, max({date})::date from {table} where batch_id = ?",  # constants
                [result.batch_id],
            ).fetchone()
        finally:
            cur.close()
        if first is not None:
            span = t("up.changed_span", first=f"{first}", last=f"{last}")
    return t(
        "up.changed",
        rows=f"{result.rows:,}",
        span=span,
        pages="、".join(t(f"nav.{p}") for p in pages),
    )


def job_for(kind, data, file_name, qid, mapping: dict[str, str], chosen: dict, sheet, skip_rows) -> LoadJob:
    explicit = {col: (target or "ignore") for col, target in mapping.items()}
    return LoadJob(
        kind=kind,
        data=data,
        file_name=file_name,
        questionnaire_id=qid,
        mapping=explicit,
        constants=chosen["constants"],
        ignore_extra=False,
        sheet=sheet,
        skip_rows=skip_rows,
        replace=chosen["replace"],
        row_ids=chosen["row_ids"],
        own_subject=chosen["own"],
        history=chosen.get("history", False),
        user=auth.name(),
    )


def validate(job: LoadJob) -> tuple[int, pl.DataFrame | None, list, str | None, list[str]]:
    """(rows, preview, problems, duplicate batch id, warnings in words) without writing anything.

    Cached per file, options and warehouse version: widgets rerun the page, not the validation.
    """
    return _validate(job.sha256, repr((job.kind, job.questionnaire_id, job.options())), data_version(), job)


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs={LoadJob: lambda job: job.sha256})
def _validate(sha256: str, options: str, version: int, job: LoadJob):
    con = open_warehouse()
    try:
        prepared = prepare(con, job)
        if prepared.duplicate_of:
            return prepared.rows, None, [], prepared.duplicate_of, []
        notes = [
            t(
                "up.warning",
                n=f"{w['count']:,}",
                what=t(f"up.check.{w['check']}"),
                examples=", ".join(w["examples"]),
            )
            for w in prepared.warnings
        ]
        notes += [t("up.date_reading", column=c, reading=r) for c, r in prepared.date_readings.items()]
        return prepared.rows, prepared.preview(con), [], None, notes
    except ValidationError as exc:
        return 0, None, exc.problems, None, []
    finally:
        release(con)
        con.close()


def problems_table(problems) -> None:
    """Every problem of a refused file: row, column, value and the reason in the interface's language."""
    table = pl.DataFrame(
        [{**p.__dict__, "reason": reasons.say(p.reason)} for p in problems],
        schema={"row": pl.Int64, "column": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8},
    )
    config = {name: st.column_config.Column(t(f"up.problem.{name}")) for name in table.columns}
    st.dataframe(table, hide_index=True, key="problems", column_config=config, placeholder="")


def run_load(job: LoadJob, progress) -> LoadResult:
    """Load the file; a warehouse busy past the retries, or ids another upload committed
    meanwhile, stop the page with what happened (nothing was written either way)."""
    con = open_for_write()
    try:
        return load(con, job, progress)
    except Busy:
        st.error(t("up.busy"))
        st.stop()
    except ValidationError as exc:
        st.error(reasons.report(exc))
        st.stop()
    finally:
        con.close()


def _mapping_key(kind: str, qid: str | None) -> str:
    return f"mapping:{kind}:{qid or ''}"


def saved_mapping(kind: str, qid: str | None) -> dict:
    """What the last load of this kind (and questionnaire) used: columns, constants, row ids, own subject."""
    found = q("setting", key=_mapping_key(kind, qid))
    saved = json.loads(found["value"][0]) if found.height else {}
    if saved and "columns" not in saved:  # saved before constants were kept: columns only
        saved = {"columns": saved}
    return {"columns": {}, "constants": {}, "row_ids": False, "own": None, **saved}


def save_mapping(kind: str, qid: str | None, saved: dict) -> None:
    con = open_for_write()
    try:
        write(
            con, lambda: settings.replace(con, _mapping_key(kind, qid), json.dumps(saved, ensure_ascii=False))
        )
    finally:
        con.close()


LABEL_PREFIX = {"channel": "channel", "severity": "sev", "cause": "cat"}  # an enum's value names


def constants_input(
    kind: str, qid: str | None, mapping: dict[str, str], saved: dict[str, str]
) -> dict[str, str]:
    """Fields the file lacks, each given one value for every row (the CLI's --set): picked by
    their names, then a date picker, a list of the field's values, or a text box each."""
    import datetime as dt

    mapped = {target for target in mapping.values() if target and target != IGNORE}
    fields = {f.name: f for f in FIELDS[kind] if f.name not in mapped}
    names = {n: (f"{f.alias}（{n}）" if lang() == "zh" else n) for n, f in fields.items()}
    picked = st.multiselect(
        t("up.constants"), list(fields), default=[n for n in saved if n in fields], format_func=names.get,
        key=f"upload_constant_fields_{kind}_{qid}", help=t("up.constants_help"), placeholder=t("up.constants_none"),
    )  # fmt: skip
    found: dict[str, str] = {}
    columns = st.columns(3) if picked else []
    for n, name in enumerate(picked):
        f, column, key, old = (
            fields[name],
            columns[n % 3],
            f"upload_constant_{kind}_{qid}_{name}",
            saved.get(name),
        )
        if f.type == "date":
            try:
                day = dt.date.fromisoformat(old) if old else dt.date.today()
            except ValueError:
                day = dt.date.today()
            found[name] = column.date_input(
                names[name],
                value=day,
                key=key,
                min_value=dt.date(1990, 1, 1),
                max_value=dt.date(2100, 12, 31),
            ).isoformat()  # Streamlit's default range is ten years either side of the value
        elif f.type in ENUMS:
            values = list(dict.fromkeys(ENUMS[f.type].values()))
            shown = labels(values, LABEL_PREFIX[f.type]) if f.type in LABEL_PREFIX else {v: v for v in values}
            index = values.index(old) if old in values else 0
            found[name] = column.selectbox(names[name], values, index=index, format_func=shown.get, key=key)
        else:
            value = column.text_input(names[name], value=old or "", key=key).strip()
            if value:
                found[name] = value
    return found


def options(kind: str, qid: str | None, cells: pl.DataFrame, mapping: dict[str, str], saved: dict) -> dict:
    """The load options beside the mapping (the CLI's --set, --row-ids, --own, --replace);
    defaults come from the last load of this kind, so a monthly file needs no retyping."""
    constants = constants_input(kind, qid, mapping, saved["constants"])
    left, right = st.columns(2)
    row_ids = len(KEYS[kind]) == 1 and left.checkbox(
        t("up.row_ids", field=KEYS[kind][0]),
        value=bool(saved["row_ids"]),
        key=f"upload_row_ids_{kind}_{qid}",
        help=t("up.row_ids_help"),
    )
    own = None
    subject = next((c for c, target in mapping.items() if target == "subject"), None)
    if kind == "survey" and subject is not None:
        values = sorted(v for v in cells[subject].drop_nulls().unique().head(500).to_list() if v.strip())
        choices = [None, *values]
        own = right.selectbox(
            t("up.own", column=subject),
            choices,
            index=choices.index(saved["own"]) if saved["own"] in choices else 0,
            # names fixed now: Streamlit may format again outside the run, in no language
            format_func={v: t("up.own_none") if v is None else v for v in choices}.get,
            key=f"upload_own_{kind}_{qid}_{subject}",
            help=t("up.own_help"),
        )
    replace = st.checkbox(t("up.replace"), key="upload_replace") if kind not in VERSIONED else False
    history = kind == "complaints" and st.checkbox(
        t("up.past_complaints"), key="upload_history", help=t("up.past_complaints_help")
    )
    return {
        "constants": constants,
        "row_ids": bool(row_ids),
        "own": own,
        "replace": replace,
        "history": bool(history),
    }


def export_plan(cells: pl.DataFrame, questionnaire) -> tuple[str | None, pl.DataFrame | None, bool]:
    """A survey platform's export recognised by its header: (platform, what becomes of each of
    its columns, whether any question matched an item); (None, None, False) for other files."""
    name = platforms.recognise(cells.columns)
    if name is None or questionnaire is None:
        return None, None, False
    try:
        plan = platforms.plan(name, cells, questionnaire, {})
    except platforms.PlatformError:
        return name, None, False
    items = {i.column: i.question for i in questionnaire.items}
    rows = []
    for header in cells.columns:
        if header == plan.number:
            became = t("up.export.number", platform=name)
        elif header == plan.time:
            became = t("up.export.date")
        elif header in plan.comments:
            became = t("up.export.comment")
        elif plan.renames.get(header):
            became = items.get(plan.renames[header], plan.renames[header])
        elif header in plan.unused:
            became = t("up.export.unused")
        else:
            became = t("up.export.ignored")
        rows.append({"column": header, "becomes": became})
    return name, pl.DataFrame(rows), any(plan.renames.get(h) for h in cells.columns)


def matches(headers: list[str], questionnaire) -> int:
    """How many of a file's headers name an item of the questionnaire (by column, text or id,
    a platform's question number aside)."""
    keys = {platforms.norm(n) for i in questionnaire.items for n in (i.column, i.text, i.id) if n}
    found = 0
    for header in headers:
        whole, sub = platforms.question_parts(header)
        found += any(
            k and k in keys for k in (platforms.norm(header), platforms.norm(whole), platforms.norm(sub))
        )
    return found


def suggest_questionnaire(headers: list[str], qid: str, questionnaires: list[str]) -> None:
    """When none of the file's columns is an item of the questionnaire picked, the questionnaires
    whose items the file's columns name, most first, each a click away."""
    from dashboard import data

    if matches(headers, data.questionnaire(qid)):
        return
    found = sorted(
        ((matches(headers, data.questionnaire(other)), other) for other in questionnaires if other != qid),
        reverse=True,
    )
    found = [(n, other) for n, other in found if n][:3]
    if not found:
        return
    st.warning(t("up.suggest", qid=qid))
    for n, other in found:
        st.button(
            t("up.suggest_pick", qid=other, n=n), key=f"suggest_{other}",
            on_click=lambda other=other: st.session_state.update(upload_qid=other),
        )  # fmt: skip


def form_downloads(questionnaire) -> None:
    """The printable form (PDF) and its entry template (XLSX) of the questionnaire picked, in
    the page's language; each made when its button is clicked (CONTRACT §9 `form`)."""
    from pipelines import forms

    with st.expander(t("up.form.title")):
        st.caption(t("up.form.help"))
        left, right = st.columns(2)
        language = lang()
        left.download_button(
            t("up.form.pdf"), lambda: forms.pdf(questionnaire, language)[0], f"{questionnaire.id}-form-{language}.pdf",
            "application/pdf", key="form_pdf", on_click="ignore", icon=":material/print:",
        )  # fmt: skip
        right.download_button(
            t("up.form.xlsx"), lambda: forms.xlsx(questionnaire, language), f"{questionnaire.id}-entry-{language}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="form_xlsx", on_click="ignore",
            icon=":material/table:",
        )  # fmt: skip


def export_section(cells: pl.DataFrame, questionnaire, file_name: str) -> bool:
    """For a platform's export: say which platform and what becomes of each column (no mapping
    to do); with no question matching the questionnaire, offer a questionnaire drafted from it
    (checked and added here). False for any other file."""
    name, plan, matched = export_plan(cells, questionnaire)
    if name is None:
        return False
    st.info(t("up.export.found", platform=t(f"up.platform.{name}")))
    if plan is not None:
        st.dataframe(
            plan, hide_index=True, key="export_plan",
            column_config={"column": t("up.col.column"), "becomes": t("up.export.becomes")},
        )  # fmt: skip
    if not matched:
        st.warning(t("up.export.no_items", qid=questionnaire.id))
        if st.button(t("up.export.draft"), key="draft_questionnaire"):
            st.session_state["drafted_toml"], st.session_state["drafted_error"] = draft_questionnaire(
                cells, file_name
            )
        if st.session_state.get("drafted_error"):
            st.error(st.session_state["drafted_error"])
        if st.session_state.get("drafted_toml"):
            st.caption(t("up.export.draft_help"))
            text = st.text_area(
                t("up.export.toml"), st.session_state["drafted_toml"], height=360, key="drafted_text"
            )
            if st.button(t("up.export.add"), key="add_drafted", type="primary"):
                result, problems = add_questionnaire(text)
                if problems:
                    st.error("\n".join(f"- {p}" for p in problems))
                else:
                    st.session_state.pop("drafted_toml", None)
                    st.success(t("up.export.added", qid=result["questionnaire_id"]))
        st.stop()
    return True


def draft_questionnaire(cells: pl.DataFrame, file_name: str) -> tuple[str | None, str | None]:
    """(TOML drafted from the export, None) or (None, why not)."""
    from pipelines.infer import InferError, infer

    stem = file_name.rsplit(".", 1)[0]
    qid = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "" for c in stem.lower()).strip("-_")
    try:
        return infer(cells, None, qid or "web-survey", stem)[0], None
    except InferError as exc:
        return None, str(exc)


def add_questionnaire(text: str) -> tuple[dict | None, list[str]]:
    con = open_for_write()
    try:
        return store.add_questionnaire(con, text, user=auth.name()), []
    except QuestionnaireError as exc:
        return None, exc.problems
    finally:
        con.close()


def rollback(batch_id: str) -> dict:
    con = open_for_write()
    try:
        return store.rollback(con, batch_id, user=auth.name())
    finally:
        con.close()


def history() -> None:
    """Every loaded batch, newest first; a loaded one can be rolled back after confirmation."""
    batches = q("batches")
    listed = batches.with_columns(
        pl.col("kind").replace_strict(labels(KINDS, "kind"), default=pl.col("kind")),
        pl.col("status").replace_strict(labels(["loaded", "rolled_back"], "batch"), default=pl.col("status")),
    )
    listed = presented(listed)  # times in the company's zone, empty cells empty
    event = st.dataframe(
        listed,
        hide_index=True,
        placeholder="",
        on_select="rerun",
        selection_mode="single-row",
        key="batches",
        column_config=column_config(listed),
    )
    picked = event.selection.rows if event else []
    if picked:
        batch = batches.row(picked[0], named=True)
        if batch["status"] == "loaded" and st.button(t("up.rollback"), key="rollback"):
            st.session_state["confirm_rollback"] = batch["batch_id"]
    pending = st.session_state.get("confirm_rollback")
    if pending:
        st.warning(t("up.confirm", batch=pending))
        yes, no, _ = st.columns([1, 1, 6])
        if yes.button(t("up.confirm_yes"), key="confirm_yes", type="primary"):
            rollback(pending)
            del st.session_state["confirm_rollback"]
            st.success(t("up.rolled", batch=pending))
            st.rerun()
        if no.button(t("up.confirm_no"), key="confirm_no"):
            del st.session_state["confirm_rollback"]
            st.rerun()
