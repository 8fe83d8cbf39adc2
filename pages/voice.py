"""Voice of customer: comment topics, their trend and dimensions, and the words of dissatisfaction."""

import polars as pl
import streamlit as st

from dashboard import auth, data, voice
from dashboard.i18n import labels, t
from dashboard.page import filters
from dashboard.state import q
from dashboard.widgets import fmt, table

f = filters()
st.title(t("voice.title"))
st.caption(t("voice.caption"))
dim_names, _ = data.names(f)
found = q("comment_topics", **f.params())
all_comments = int(found["all_comments"][0]) if found.height else 0
if not all_comments:
    st.info(t("voice.no_comments"))
    voice.topic_file_editor()
    st.stop()
dissatisfied = int(found["all_dissatisfied"][0])
cols = st.columns(3)
cols[0].metric(t("voice.comments"), f"{all_comments:,}")
cols[1].metric(t("voice.dissatisfied_comments"), f"{dissatisfied:,}")
cols[2].metric(t("voice.topics"), f"{found.height:,}")


def drill(key: str, **params) -> None:
    """The comments behind a click, with approximate sentiment; detail roles only."""
    if not auth.can("detail"):
        st.caption(t("auth.detail_hidden"))
        return
    comments = voice.with_sentiment(q("term_comments", **f.params(**params)))
    table(
        comments,
        key,
        column_config={
            "comment": st.column_config.TextColumn(width="medium"),
            "sentiment": st.column_config.ProgressColumn(
                t("voice.sentiment"),
                help=t("voice.sentiment_help"),
                min_value=0.0,
                max_value=1.0,
                format="%.2f",
            ),
            "is_dissatisfied": st.column_config.CheckboxColumn(t("voice.dissatisfied")),
        },
        height=360,
    )


st.subheader(t("voice.topics_title"))
shown = found.filter(pl.col("comments") > 0)
if shown.is_empty():
    st.info(t("voice.no_topic_hits"))
else:
    left, right = st.columns([3, 2])
    with left:
        event = st.plotly_chart(
            voice.topic_bars(shown), on_select="rerun", selection_mode="points", key="topic_bars"
        )
    picked = voice.clicked(event, shown, "topic_label")
    with right:
        if picked is None:
            st.caption(t("voice.click_topic"))
        else:
            topic_id = shown.filter(pl.col("topic_label") == picked)["topic_id"][0]
            st.markdown(f"**{picked}**")
            drill(f"topic_{topic_id}", topic=topic_id)
    categories = labels(["man", "machine", "material", "method", "measurement", "environment"], "cat")
    table(
        found.with_columns(pl.col("topic_category").replace_strict(categories, default="—")).drop(
            "all_comments", "all_dissatisfied", "is_company"
        ),
        "comment_topics",
    )

    st.subheader(t("voice.trend"))
    trend = q("topic_trend", **f.params())
    st.plotly_chart(voice.topic_trend(trend), key="topic_trend")
    st.subheader(t("voice.heatmap"))
    st.caption(t("voice.heatmap_note"))
    cells = q("topic_dimensions", **f.params())
    if cells.is_empty():
        st.info(t("empty"))
    else:
        st.plotly_chart(voice.heatmap(cells, dim_names), key="topic_heatmap")

st.subheader(t("voice.terms"))
st.caption(t("voice.terms_note"))
need = data.min_sample()
satisfied = all_comments - dissatisfied
if dissatisfied < need or satisfied < need:
    st.info(t("voice.too_few", dissatisfied=dissatisfied, satisfied=satisfied, n=need))
else:
    terms = q("comment_terms", **f.params())
    if terms.is_empty():
        st.info(t("voice.no_terms"))
    else:
        left, right = st.columns([2, 3])
        with left:
            event = st.plotly_chart(
                voice.term_bars(terms), on_select="rerun", selection_mode="points", key="term_bars"
            )
        term = voice.clicked(event, terms, "term")
        with right:
            if term is None:
                st.caption(t("voice.click_term"))
            else:
                row = terms.filter(pl.col("term") == term).row(0, named=True)
                st.markdown(
                    f"**{term}** · {t('voice.dissatisfied')} {row['dissatisfied_count']:,} / "
                    f"{t('voice.satisfied')} {row['satisfied_count']:,} · z = {fmt(row['z_score'])}"
                )
                voice.suggest_topic(term)
                drill(f"term_{term}", term=term)

with st.expander(t("voice.manage"), icon=":material/sell:"):
    st.caption(t("voice.manage_note"))
    table(q("topics_list", qid=f.questionnaire_id), "topics_in_force")
    voice.topic_file_editor()
