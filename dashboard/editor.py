"""The questionnaire editor (CONTRACT §9, issue 40, 1), on the Upload page for analysts and
admins: make a questionnaire or change one in a form (title, scope, target, cadence, overall
item; the scales' levels with their dissatisfied / satisfied flags; dimensions with weight and
人机料法测环 category; items with column, text and required), checked exactly as
`questionnaire add` checks a file, with what changed said before it is saved as a new version
(audited), the TOML to download and the printed form to preview."""

from __future__ import annotations

import tomllib

import polars as pl
import streamlit as st

from dashboard import auth
from dashboard.i18n import label, labels, lang, t
from dashboard.state import open_for_write, q
from pipelines import forms, store
from pipelines.errors import QuestionnaireError
from pipelines.questionnaire import Questionnaire, check_change, parse
from pipelines.toml_out import dumps

NEW = "__new__"
CATEGORIES = ("man", "machine", "material", "method", "measurement", "environment")
CADENCES = ("month", "quarter", "half", "year")
STARTER = {
    "id": "",
    "title": "",
    "scope": "sales",
    "target": 90,
    "scales": [
        {
            "id": "l5",
            "levels": [
                {"value": 1, "label": "非常不满意", "dissatisfied": True},
                {"value": 2, "label": "不满意", "dissatisfied": True},
                {"value": 3, "label": "一般"},
                {"value": 4, "label": "满意", "satisfied": True},
                {"value": 5, "label": "非常满意", "satisfied": True},
            ],
        }
    ],
    "dimensions": [{"id": "D1", "label": "服务"}],
    "items": [{"id": "q1", "column": "q1", "text": "", "dimension": "D1", "scale": "l5"}],
}


def _tables(raw: dict) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The levels, dimensions and items of a questionnaire's TOML as editable tables."""
    levels = pl.DataFrame(
        [
            {
                "scale": s["id"],
                "value": float(level["value"]),
                "label": level["label"],
                "dissatisfied": bool(level.get("dissatisfied")),
                "satisfied": bool(level.get("satisfied")),
            }
            for s in raw.get("scales", [])
            for level in s.get("levels", [])
        ],
        schema={
            "scale": pl.Utf8,
            "value": pl.Float64,
            "label": pl.Utf8,
            "dissatisfied": pl.Boolean,
            "satisfied": pl.Boolean,
        },
    )
    dims = pl.DataFrame(
        [
            {
                "id": d["id"],
                "label": d.get("label", ""),
                "weight": float(d.get("weight", 1.0)),
                "category": d.get("category"),
            }
            for d in raw.get("dimensions", [])
        ],
        schema={"id": pl.Utf8, "label": pl.Utf8, "weight": pl.Float64, "category": pl.Utf8},
    )
    items = pl.DataFrame(
        [
            {
                "id": i["id"],
                "column": i.get("column", ""),
                "text": i.get("text", ""),
                "dimension": i.get("dimension"),
                "scale": i.get("scale"),
                "required": bool(i.get("required")),
            }
            for i in raw.get("items", [])
        ],
        schema={
            "id": pl.Utf8,
            "column": pl.Utf8,
            "text": pl.Utf8,
            "dimension": pl.Utf8,
            "scale": pl.Utf8,
            "required": pl.Boolean,
        },
    )
    return levels, dims, items


def build(raw: dict, head: dict, levels: pl.DataFrame, dims: pl.DataFrame, items: pl.DataFrame) -> str:
    """The TOML of the form's values; what the form does not edit (English names, topics, the
    call plan, a level's aliases …) is kept as it was."""
    out = {k: v for k, v in raw.items() if k not in ("scales", "dimensions", "items")}
    out.update({k: v for k, v in head.items() if v not in (None, "")})
    for k in ("overall_item",):
        if not head.get(k):
            out.pop(k, None)
    old_scales = {s["id"]: s for s in raw.get("scales", [])}
    old_levels = {
        (s["id"], float(level["value"])): level
        for s in raw.get("scales", [])
        for level in s.get("levels", [])
    }
    scales = []
    for scale_id in dict.fromkeys(v for v in levels["scale"].to_list() if v):
        rows = levels.filter(pl.col("scale") == scale_id).sort("value").to_dicts()
        kept = {k: v for k, v in old_scales.get(scale_id, {}).items() if k not in ("id", "levels")}
        made = []
        for row in rows:
            if row["value"] is None:
                continue
            value = int(row["value"]) if row["value"] == int(row["value"]) else row["value"]
            level = {k: v for k, v in old_levels.get((scale_id, float(value)), {}).items()
                     if k not in ("value", "label", "dissatisfied", "satisfied")}  # fmt: skip
            made.append({"value": value, "label": row["label"] or "", **level,
                         **({"dissatisfied": True} if row["dissatisfied"] else {}),
                         **({"satisfied": True} if row["satisfied"] else {})})  # fmt: skip
        scales.append({"id": scale_id, **kept, "levels": made})
    old_dims = {d["id"]: d for d in raw.get("dimensions", [])}
    dimensions = []
    for row in dims.to_dicts():
        if not row["id"]:
            continue
        kept = {
            k: v
            for k, v in old_dims.get(row["id"], {}).items()
            if k not in ("id", "label", "weight", "category")
        }
        dimensions.append({"id": row["id"], "label": row["label"] or "", **kept,
                           **({"weight": row["weight"]} if row["weight"] not in (None, 1.0) else {}),
                           **({"category": row["category"]} if row["category"] else {})})  # fmt: skip
    old_items = {i["id"]: i for i in raw.get("items", [])}
    made_items = []
    for row in items.to_dicts():
        if not row["id"]:
            continue
        kept = {k: v for k, v in old_items.get(row["id"], {}).items()
                if k not in ("id", "column", "text", "dimension", "scale", "required")}  # fmt: skip
        made_items.append({"id": row["id"], "column": row["column"] or row["id"], **kept,
                           **({"text": row["text"]} if row["text"] else {}), "dimension": row["dimension"] or "",
                           "scale": row["scale"] or "", **({"required": True} if row["required"] else {})})  # fmt: skip
    out["scales"], out["dimensions"], out["items"] = scales, dimensions, made_items
    return dumps(out)


def changes(old: Questionnaire | None, new: Questionnaire) -> list[str]:
    """What the new version changes, in words."""
    if old is None:
        return [t("ed.new", items=len(new.items))]
    said = []
    before, after = {i.id: i for i in old.items}, {i.id: i for i in new.items}
    said += [t("ed.item_added", id=i) for i in after if i not in before]
    said += [t("ed.item_removed", id=i) for i in before if i not in after]
    said += [t("ed.item_changed", id=i) for i in after if i in before and after[i] != before[i]]
    said += [
        t("ed.item_worded", id=i) for i in after if i in before and after[i].question != before[i].question
    ]
    dims_before, dims_after = {d.id: d for d in old.dimensions}, {d.id: d for d in new.dimensions}
    said += [t("ed.dimension_changed", id=d) for d in dims_after if dims_before.get(d) != dims_after[d]]
    scales_before = {s.id: s for s in old.scales}
    said += [t("ed.scale_changed", id=s.id) for s in new.scales if scales_before.get(s.id) != s]
    for name in ("title", "scope", "target", "cadence", "overall_item"):
        if getattr(old, name) != getattr(new, name):
            said.append(
                t("ed.field_changed", field=t(f"ed.{name}"), old=getattr(old, name), new=getattr(new, name))
            )
    return said


def section() -> None:
    """The editor, folded under the Upload page."""
    with st.expander(t("ed.title")):
        qids = q("questionnaires")["questionnaire_id"].to_list()
        names = {NEW: t("ed.pick_new"), **{v: v for v in qids}}  # fixed now: Streamlit may format again later
        picked = st.selectbox(
            t("ed.pick"),
            list(names),
            format_func=names.get,
            key=f"ed_pick_{lang()}",  # a widget's value is kept by its label: one per language
        )
        source = q("questionnaire_toml", qid=picked)["toml"] if picked != NEW else None
        raw = tomllib.loads(source[0]) if source is not None and len(source) else dict(STARTER)
        old = parse(source[0]) if source is not None and len(source) else None
        _form(picked, raw, old)


def _form(picked: str, raw: dict, old: Questionnaire | None) -> None:
    key = f"ed_{picked}"
    cols = st.columns(3)
    head = {
        "id": cols[0].text_input(t("ed.id"), raw.get("id", ""), key=f"{key}_id", disabled=old is not None),
        "title": cols[1].text_input(t("ed.title_field"), raw.get("title", ""), key=f"{key}_title"),
        "scope": cols[2].text_input(t("ed.scope"), raw.get("scope", "sales"), key=f"{key}_scope"),
    }
    cols = st.columns(3)
    head["target"] = cols[0].number_input(
        t("ed.target"), 0.0, 100.0, float(raw.get("target", 90)), step=1.0, key=f"{key}_target"
    )
    cadence = raw.get("cadence", "month")
    head["cadence"] = cols[1].selectbox(
        t("ed.cadence"), CADENCES, index=CADENCES.index(cadence) if cadence in CADENCES else 0,
        format_func=labels(CADENCES, "grain").get, key=f"{key}_cadence",
    )  # fmt: skip
    levels, dims, items = _tables(raw)
    st.markdown(f"**{t('ed.levels')}**")
    levels = st.data_editor(levels, num_rows="dynamic", hide_index=True, placeholder="", key=f"{key}_levels", column_config={
        "scale": t("ed.col.scale"), "value": t("ed.col.value"), "label": t("ed.col.label"),
        "dissatisfied": st.column_config.CheckboxColumn(t("ed.col.dissatisfied")),
        "satisfied": st.column_config.CheckboxColumn(t("ed.col.satisfied")),
    })  # fmt: skip
    st.markdown(f"**{t('ed.dimensions')}**")
    dims = st.data_editor(dims, num_rows="dynamic", hide_index=True, placeholder="", key=f"{key}_dims", column_config={
        "id": t("ed.col.id"), "label": t("ed.col.label"), "weight": t("ed.col.weight"),
        "category": st.column_config.SelectboxColumn(t("ed.col.category"), options=list(CATEGORIES)),
    })  # fmt: skip
    st.markdown(f"**{t('ed.items')}**")
    scale_ids = sorted({v for v in levels["scale"].to_list() if v})
    items = st.data_editor(items, num_rows="dynamic", hide_index=True, placeholder="", key=f"{key}_items", column_config={
        "id": t("ed.col.id"), "column": t("ed.col.column"), "text": t("ed.col.text"),
        "dimension": st.column_config.SelectboxColumn(t("ed.col.dimension"), options=[d for d in dims["id"].to_list() if d]),
        "scale": st.column_config.SelectboxColumn(t("ed.col.scale"), options=scale_ids),
        "required": st.column_config.CheckboxColumn(t("ed.col.required")),
    })  # fmt: skip
    item_ids = [i for i in items["id"].to_list() if i]
    overall = raw.get("overall_item")
    head["overall_item"] = cols[2].selectbox(
        t("ed.overall_item"), [None, *item_ids], index=[None, *item_ids].index(overall) if overall in item_ids else 0,
        format_func={None: t("ed.none"), **{v: v for v in item_ids}}.get, key=f"{key}_overall_{lang()}",
    )  # fmt: skip
    if old is None and not (head["id"] and head["title"]):
        st.caption(t("ed.start"))  # a new questionnaire is checked once it has an id and a title
        return
    text = build(raw, head, levels, dims, items)
    try:
        new = parse(text)
    except QuestionnaireError as exc:
        st.error(t("ed.invalid") + "\n" + "\n".join(f"- {p}" for p in exc.problems))
        return
    said = changes(old, new)
    answered = _answered(new.id) if old is not None else 0
    refused = check_change(old, new) if old is not None and answered else []
    if refused:
        st.error(t("ed.refused", n=f"{answered:,}") + "\n" + "\n".join(f"- {p}" for p in refused))
    elif said:
        st.info(t("ed.changes") + "\n" + "\n".join(f"- {s}" for s in said))
    else:
        st.caption(t("ed.unchanged"))
    cols = st.columns(3)
    if cols[0].button(t("ed.save"), key=f"{key}_save", type="primary", disabled=bool(refused) or not said):
        _save(text)
    cols[1].download_button(t("ed.download"), text.encode("utf-8"), f"{new.id}.toml", "application/toml",
                            key=f"{key}_toml", on_click="ignore")  # fmt: skip
    cols[2].download_button(t("ed.preview"), lambda: forms.pdf(new)[0], f"{new.id}-form.pdf", "application/pdf",
                            key=f"{key}_form", on_click="ignore")  # fmt: skip
    flash = st.session_state.pop("ed_flash", None)
    if flash:
        st.success(flash)


def _answered(qid: str) -> int:
    con = open_for_write()
    try:
        return con.execute("select count(*) from responses where questionnaire_id = ?", [qid]).fetchone()[0]
    finally:
        con.close()


def _save(text: str) -> None:
    con = open_for_write()
    try:
        result = store.add_questionnaire(con, text, user=auth.name())
    except QuestionnaireError as exc:
        st.error("\n".join(f"- {p}" for p in exc.problems))
        return
    finally:
        con.close()
    st.session_state["ed_flash"] = t(
        "ed.saved", qid=result["questionnaire_id"], status=label("qstatus", result["status"])
    )
    st.rerun()
