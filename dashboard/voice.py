"""The Voice of customer page's figures, drill list and topic edits (numbers: sql/queries/)."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import auth, data, sentiment
from dashboard.charts import BLUE, CATEGORIES, GREY, PALETTE, RED, _layout
from dashboard.filters import Filters
from dashboard.i18n import labels, t
from dashboard.state import open_for_write, q
from dashboard.widgets import file_input, fmt, table
from pipelines import topics
from pipelines.errors import TopicError
from warehouse.lake import Busy


def topic_bars(frame: pl.DataFrame) -> go.Figure:
    """Comments per topic, the dissatisfied ones in red; click a bar to read them."""
    frame = frame.filter(pl.col("comments") > 0).sort("comments")
    names = frame["topic_label"].to_list()
    other = (frame["comments"] - frame["dissatisfied_comments"]).to_list()
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=names,
            x=frame["dissatisfied_comments"],
            orientation="h",
            marker_color=RED,
            name=t("voice.dissatisfied"),
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            y=names,
            x=other,
            orientation="h",
            marker_color=GREY,
            name=t("voice.other"),
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    return _layout(
        fig,
        height=max(260, 34 * len(names) + 90),
        barmode="stack",
        xaxis_title=t("voice.comments"),
        clickmode="event+select",
    )


def topic_trend(frame: pl.DataFrame) -> go.Figure:
    fig = go.Figure()
    for n, ((topic,), part) in enumerate(frame.group_by("topic_label", maintain_order=True)):
        fig.add_trace(
            go.Scatter(
                x=part["period_start"],
                y=part["share_pct"],
                mode="lines+markers",
                name=topic,
                line={"color": PALETTE[n % len(PALETTE)]},
                customdata=part["comments"],
                hovertemplate=f"{topic} %{{x|%Y-%m}}: %{{y:.1f}}% (n=%{{customdata}})<extra></extra>",
            )
        )
    return _layout(fig, yaxis_title=t("voice.share_axis"), xaxis={"tickformat": "%Y-%m"})


def heatmap(frame: pl.DataFrame, dim_names: dict) -> go.Figure:
    """Topic x dimension: colour = the topic's mean dimension score minus all comments' mean."""
    topics_ = frame["topic_label"].unique(maintain_order=True).to_list()
    dims = sorted(frame["dimension_id"].unique().to_list())
    cell = {(r["topic_label"], r["dimension_id"]): r for r in frame.iter_rows(named=True)}
    z = [[cell.get((tp, d), {}).get("gap") for d in dims] for tp in topics_]
    text = [[f"{cell[(tp, d)]['score']:.0f}" if (tp, d) in cell else "" for d in dims] for tp in topics_]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[dim_names.get(d, d) for d in dims],
            y=topics_,
            text=text,
            texttemplate="%{text}",
            colorscale="RdBu",
            zmid=0,
            colorbar={"title": t("voice.gap")},
            hovertemplate="%{y} · %{x}: %{text} (%{z:+.1f})<extra></extra>",
        )
    )
    return _layout(fig, height=max(260, 40 * len(topics_) + 80))


def term_bars(frame: pl.DataFrame) -> go.Figure:
    """Terms ranked by how much more dissatisfied customers use them; click one to read."""
    frame = frame.sort("z_score")
    fig = go.Figure(
        go.Bar(
            y=frame["term"],
            x=frame["z_score"],
            orientation="h",
            marker_color=BLUE,
            customdata=frame.select("dissatisfied_count", "satisfied_count").rows(),
            hovertemplate="%{y}: z=%{x:.1f} · "
            + t("voice.dissatisfied")
            + " %{customdata[0]} / "
            + t("voice.satisfied")
            + " %{customdata[1]}<extra></extra>",
        )
    )
    return _layout(
        fig,
        height=max(300, 22 * frame.height + 80),
        xaxis_title=t("voice.score_axis"),
        clickmode="event+select",
    )


def clicked(event, frame: pl.DataFrame, column: str):
    """The value of `column` at the clicked bar (horizontal bars: the y label), or None."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if not points:
        return None
    value = points[0].get("y")
    return value if value in frame[column].to_list() else None


@st.cache_data(show_spinner=False, max_entries=64)
def _scores(texts: tuple[str | None, ...]) -> list[float | None]:
    return sentiment.scores(list(texts))


def with_sentiment(comments: pl.DataFrame) -> pl.DataFrame:
    """The drill list with snownlp's approximate sentiment (0 negative - 1 positive)."""
    if comments.is_empty():
        return comments.select("comment", pl.lit(None, pl.Float64).alias("sentiment"), pl.exclude("comment"))
    with st.spinner(t("voice.scoring", n=comments.height)):
        found = _scores(tuple(comments["comment"].to_list()))
    scored = comments.with_columns(pl.Series("sentiment", found, dtype=pl.Float64).round(2))
    return scored.select("comment", "sentiment", pl.exclude("comment", "sentiment"))


def slug(text: str) -> str:
    ascii_part = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return ascii_part or "topic-" + "-".join(f"{ord(c):x}" for c in text[:4])


def _save(run) -> None:
    con = open_for_write()
    try:
        result = run(con)
    except TopicError as exc:
        st.error(t("voice.topic_refused"))
        st.markdown("\n".join(f"- {p}" for p in exc.problems))
        return
    except Busy:
        st.error(t("up.busy"))
        return
    finally:
        con.close()
    # Rerun so every chart counts with the new topics; the message shows after it (flash).
    st.session_state[_SAVED] = t("voice.topics_saved", n=result["topics"])
    st.rerun()


_SAVED = "voice_topics_saved"


def flash() -> None:
    """The message of a topic save that reran the page."""
    message = st.session_state.pop(_SAVED, None)
    if message:
        st.success(message)


def suggest_topic(term: str) -> None:
    """A small form turning a term of the keyword Pareto into a company-wide topic."""
    if not auth.can("act"):
        return
    with st.popover(t("voice.suggest"), icon=":material/add_comment:"), st.form(f"suggest_{term}"):
        name = st.text_input(t("voice.topic_label"), term)
        keywords = st.text_input(t("voice.topic_keywords"), term, help=t("voice.keywords_help"))
        category = st.selectbox(
            t("col.cause_category"),
            [None, *CATEGORIES],
            format_func={None: "—", **labels(CATEGORIES, "cat")}.get,
        )
        if st.form_submit_button(t("voice.save_topic")):
            words = [w.strip() for w in re.split(r"[,，;；]", keywords) if w.strip()]
            raw = [
                {
                    "id": slug(term),
                    "label": name,
                    "keywords": words,
                    **({"category": category} if category else {}),
                }
            ]
            problems: list[str] = []
            found = topics.parse_list(raw, problems)
            if problems:
                st.error("; ".join(problems))
            else:
                _save(lambda con: topics.add_company(con, found[0], user=auth.name()))


def topic_file_editor() -> None:
    """Download the company-wide topics as TOML; upload a new file to replace them."""
    con = open_for_write()
    try:
        current = topics.company(con)
    finally:
        con.close()
    st.download_button(
        t("voice.download_topics"),
        topics.to_toml(current).encode("utf-8"),
        "topics.toml",
        "application/toml",
        icon=":material/download:",
        on_click="ignore",
    )
    if not auth.can("act"):
        return
    upload = file_input(t("voice.upload_topics"), ["toml"], "topic_file")
    if upload is not None and st.button(t("voice.replace_topics"), key="replace_topics"):
        try:
            text = upload.getvalue().decode("utf-8-sig")
        except UnicodeDecodeError:
            st.error(t("voice.not_utf8"))
            return
        try:
            found = topics.parse_file(text)
        except TopicError as exc:
            st.error(t("voice.topic_refused"))
            st.markdown("\n".join(f"- {p}" for p in exc.problems))
            return
        _save(lambda con: topics.save_company(con, found, user=auth.name(), via="dashboard"))


def drill(f: Filters, key: str, **params) -> None:
    """The comments behind a click (masked, newest dissatisfied first) with approximate
    sentiment; for the roles that may read single responses."""
    if not auth.can("detail"):
        st.caption(t("auth.detail_hidden"))
        return
    comments = with_sentiment(q("term_comments", **f.params(**params)))
    sentiment_column = st.column_config.ProgressColumn(
        t("voice.sentiment"), help=t("voice.sentiment_help"), min_value=0.0, max_value=1.0, format="%.2f"
    )
    config = {
        "comment": st.column_config.TextColumn(width="medium"),
        "sentiment": sentiment_column,
        "is_dissatisfied": st.column_config.CheckboxColumn(t("voice.dissatisfied")),
    }
    table(comments, key, column_config=config, height=360)


def topics_section(f: Filters, found: pl.DataFrame, dim_names: dict) -> None:
    """Topic bars with their comments beside them on a click, the table, trend and heat map."""
    shown = found.filter(pl.col("comments") > 0)
    if shown.is_empty():
        st.info(t("voice.no_topic_hits"))
        return
    left, right = st.columns([3, 2])
    with left:
        event = st.plotly_chart(
            topic_bars(shown), on_select="rerun", selection_mode="points", key="topic_bars"
        )
    picked = clicked(event, shown, "topic_label")
    with right:
        if picked is None:
            st.caption(t("voice.click_topic"))
        else:
            st.markdown(f"**{picked}**")
            topic = shown.filter(pl.col("topic_label") == picked)["topic_id"][0]
            words = q("topic_terms", **f.params(topic=topic))
            if words.height:  # a keyword out of context shows here: 交车 under 响应速度
                listed = "、".join(f"{w}（{n:,}）" for w, n in words.select("term", "comments").rows())
                st.caption(t("voice.cooccurring", words=listed))
            drill(f, f"topic_{picked}", topic=topic)
    names = labels(CATEGORIES, "cat")
    listed = found.with_columns(pl.col("topic_category").replace_strict(names, default="—"))
    table(listed.drop("all_comments", "all_dissatisfied", "is_company"), "comment_topics")
    st.subheader(t("voice.trend"))
    st.plotly_chart(topic_trend(q("topic_trend", **f.params())), key="topic_trend")
    st.subheader(t("voice.heatmap"))
    st.caption(t("voice.heatmap_note"))
    cells = q("topic_dimensions", **f.params())
    if cells.is_empty():
        st.info(t("empty"))
    else:
        st.plotly_chart(heatmap(cells, dim_names), key="topic_heatmap")


def words_section(f: Filters, comments: int, dissatisfied: int) -> None:
    """The keyword Pareto, its comments beside it on a click; "too few" below min_sample."""
    need = data.min_sample()
    if dissatisfied < need or comments - dissatisfied < need:
        st.info(t("voice.too_few", dissatisfied=dissatisfied, satisfied=comments - dissatisfied, n=need))
        return
    terms = q("comment_terms", **f.params())
    if terms.is_empty():
        st.info(t("voice.no_terms"))
        return
    left, right = st.columns([2, 3])
    with left:
        event = st.plotly_chart(term_bars(terms), on_select="rerun", selection_mode="points", key="term_bars")
    term = clicked(event, terms, "term")
    with right:
        if term is None:
            st.caption(t("voice.click_term"))
            return
        row = terms.filter(pl.col("term") == term).row(0, named=True)
        st.markdown(
            f"**{term}** · {t('voice.dissatisfied')} {row['dissatisfied_count']:,} / "
            f"{t('voice.satisfied')} {row['satisfied_count']:,} · z = {fmt(row['z_score'])}"
        )
        suggest_topic(term)
        drill(f, f"term_{term}", term=term)
