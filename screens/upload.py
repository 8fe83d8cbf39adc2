"""Upload for analysts: questionnaire TOML or data files, column mapping, validation, load, rollback."""

import hashlib

import polars as pl
import streamlit as st

from dashboard import auth, data, editor, reasons, upload
from dashboard.i18n import label, labels, t
from dashboard.state import q
from dashboard.widgets import file_input
from pipelines.errors import ValidationError
from pipelines.fields import KINDS
from warehouse.lake import ConfigError

auth.require("upload")
st.title(t("up.title"))
file = file_input(t("up.file"), ["csv", "xlsx", "toml", "txt"], "upload_file")
st.caption(upload.limits_text())
kind = st.selectbox(t("up.kind"), KINDS, format_func=labels(KINDS, "kind").get, key="upload_kind")
qids = q("questionnaires")["questionnaire_id"].to_list()
qid = st.selectbox(t("filter.questionnaire"), qids, key="upload_qid") if kind == "survey" and qids else None
if qid:
    upload.form_downloads(data.questionnaire(qid))
editor.section()  # make or change a questionnaire in a form

if file is not None and file.name.lower().endswith(".toml"):
    if st.button(t("up.load"), key="add_questionnaire", type="primary"):
        result, problems = upload.add_questionnaire(file.getvalue().decode("utf-8-sig"))
        if problems:
            st.error("\n".join(f"- {p}" for p in problems))
        else:
            said = label("qstatus", result["status"])
            st.success(t("up.questionnaire_added", qid=result["questionnaire_id"], status=said))
elif file is not None:
    content = file.getvalue()
    sheet_names = upload.sheets(content)
    left, right = st.columns(2)
    sheet = left.selectbox(t("up.sheet"), sheet_names, key="upload_sheet") if sheet_names else None
    skip = right.number_input(t("up.skip"), min_value=0, max_value=100, value=0, key="upload_skip")
    try:
        cells = upload.sample(content, sheet, int(skip))
    except ValidationError as exc:
        st.error(reasons.report(exc))
        st.stop()
    questionnaire = data.questionnaire(qid) if qid else None
    if kind == "survey" and questionnaire is None:
        st.info(t("no_warehouse"))
        st.stop()
    if kind == "survey":
        upload.suggest_questionnaire(cells.columns, qid, qids)
    saved = upload.saved_mapping(kind, qid)
    export = kind == "survey" and upload.export_section(cells, questionnaire, file.name)
    proposal = upload.proposed_mapping(kind, cells.columns, questionnaire, saved["columns"])
    if any(h in saved["columns"] for h in cells.columns):
        st.caption(t("up.saved_mapping"))
    choices = upload.targets(kind, questionnaire)
    st.subheader(t("up.mapping"))
    st.caption(t("up.mapping_help") if not export else t("up.export.mapping_help"))
    first = cells.head(1).row(0) if cells.height else [""] * len(cells.columns)
    editor = pl.DataFrame(
        {
            "column": cells.columns,
            "example": [str(v) for v in first],
            "target": [proposal[h] for h in cells.columns],
        }
    )
    digest = hashlib.sha256(content).hexdigest()[:12]
    edited = st.data_editor(
        editor,
        hide_index=True,
        disabled=["column", "example"],
        column_config={
            "column": st.column_config.TextColumn(t("up.col.column")),
            "example": st.column_config.TextColumn(t("up.col.example")),
            "target": st.column_config.SelectboxColumn(
                t("up.col.target"), options=list(choices), format_func=choices.get, required=False
            ),
        },
        key=f"mapping_{digest}_{kind}_{qid}",
    )
    mapping = {r["column"]: r["target"] or "" for r in edited.iter_rows(named=True)}
    if export:  # the platform's columns are read by their plan; only a column mapped here overrides it
        mapping = {column: target for column, target in mapping.items() if target not in ("", "ignore")}
    chosen = upload.options(kind, qid, cells, mapping, saved)
    job = upload.job_for(kind, content, file.name, qid, mapping, chosen, sheet, int(skip))
    try:
        rows, preview, problems, duplicate, notes = upload.validate(job)
    except ConfigError as exc:
        st.error(t("up.config", reason=exc))
        st.stop()
    if duplicate:
        st.warning(t("up.duplicate", batch=duplicate))
    elif problems:
        st.error(t("up.invalid", n=len(problems)))
        upload.problems_table(problems)
    else:
        st.success(t("up.valid", rows=f"{rows:,}"))
        for note in notes:
            st.warning(note)
        st.caption(t("up.preview"))
        st.dataframe(preview.drop("__row"), hide_index=True, key="preview")
        if st.button(t("up.load"), type="primary", key="do_load"):
            bar = st.progress(0.0)
            result = upload.run_load(job, lambda fraction, message: bar.progress(min(fraction, 1.0), message))
            upload.save_mapping(kind, qid, {"columns": mapping, **chosen, "replace": False})
            st.success(t("up.loaded", batch=result.batch_id, rows=f"{result.rows:,}"))
            st.info(upload.changed(result))

st.subheader(t("up.history"))
upload.history()
