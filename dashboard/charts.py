"""Plotly figures of the dashboard. Inputs are polars frames from sql/queries/."""

from __future__ import annotations

import datetime as dt
import itertools

import plotly.graph_objects as go
import polars as pl

from dashboard.i18n import label, lang, t

BLUE = "#1f6fb4"
RED = "#d62728"
GREEN = "#2ca02c"
GREY = "#9aa5b1"
FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
# A qualitative palette of 10 colours people tell apart (Tableau 10): one per series of a trend.
PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
]
LEVEL_COLORS = ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac", "#053061"]


# Dates as numbers (2025-03), the same in both languages: Plotly's month names are English only.
DATE_AXIS = {"tickformat": "%Y-%m", "hoverformat": "%Y-%m-%d"}


def date_axis(periods) -> dict:
    """A period axis with one tick per period (or per few, on a long range), on the periods'
    first days: left to itself Plotly put ticks between months, and a single month read
    "2021-06, 2021-06, 2021-07, 2021-07" around one dot."""
    found = sorted({p for p in periods if p is not None})
    if not found:
        return DATE_AXIS
    index = [p.year * 12 + p.month for p in found]
    step = min((b - a for a, b in itertools.pairwise(index)), default=1) or 1
    every = step * max(1, -(-(index[-1] - index[0] + 1) // (step * 12)))  # at most ~12 ticks
    axis = {**DATE_AXIS, "dtick": f"M{every}", "tick0": found[0].isoformat()}
    if len(found) == 1:  # one period: a month either side, not a range of days
        only = found[0]
        axis["range"] = [
            (only.replace(day=1) - dt.timedelta(days=20)).isoformat(),
            (only.replace(day=1) + dt.timedelta(days=20)).isoformat(),
        ]
    return axis


def _layout(fig: go.Figure, height: int = 380, **kwargs) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"family": FONT},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        **kwargs,
    )
    return fig


def csi_trend(
    frame: pl.DataFrame, target: float, partial=None, limits: pl.DataFrame | None = None
) -> go.Figure:
    """CSI per period with its 95 % band and the target; partial periods drawn as open circles;
    with `limits` (months), the csi_low alert's baseline and lower control limit."""
    x = frame["period_start"].to_list()
    partial = partial or {}
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x + x[::-1],
            y=frame["csi_ci_high"].to_list() + frame["csi_ci_low"].to_list()[::-1],
            fill="toself",
            fillcolor="rgba(31,111,180,0.15)",
            mode="lines",  # a band, never dots (Plotly adds markers to short traces by default)
            line={"width": 0},
            hoverinfo="skip",
            name="95% CI",
        )
    )
    below = [c is not None and c < target for c in frame["csi"].to_list()]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame["csi"],
            mode="lines+markers",
            line={"color": BLUE},
            marker={
                "color": [RED if b else BLUE for b in below],
                "size": 9,
                "symbol": ["circle-open" if p in partial else "circle" for p in x],
            },
            name="CSI",
            customdata=frame["responses"],
            hovertemplate="%{x|%Y-%m-%d}: %{y:.1f} (n=%{customdata})<extra></extra>",
        )
    )
    if limits is not None:
        for column, name, dash in (
            ("center", "chart.baseline", "dot"),
            ("lower_limit", "chart.lcl", "dashdot"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=limits["period_start"], y=limits[column], mode="lines", name=t(name),
                    line={"color": "#7f7f7f", "dash": dash, "width": 1, "shape": "hv"},
                    hovertemplate="%{x|%Y-%m}: %{y:.1f}<extra>" + t(name) + "</extra>",
                )
            )  # fmt: skip
    fig.add_hline(
        y=target, line={"color": RED, "dash": "dash"}, annotation_text=f"{t('kpi.target')} {target:g}"
    )
    return _layout(fig, yaxis_title="CSI", xaxis=date_axis(x))


def control_chart(limits: pl.DataFrame, y_title: str) -> go.Figure:
    """An upper control chart (the dissatisfied_high alert's p-chart): the month's value, red
    where the alert fired, its baseline and its upper control limit month by month."""
    x = limits["period_start"].to_list()
    fig = go.Figure()
    for column, name, dash in (("center", "chart.baseline", "dot"), ("upper_limit", "chart.ucl", "dashdot")):
        fig.add_trace(
            go.Scatter(
                x=x, y=limits[column], mode="lines", name=t(name),
                line={"color": "#7f7f7f", "dash": dash, "width": 1, "shape": "hv"},
                hovertemplate="%{x|%Y-%m}: %{y:.1f}<extra>" + t(name) + "</extra>",
            )
        )  # fmt: skip
    fired = limits["fired"].to_list()
    fig.add_trace(
        go.Scatter(
            x=x, y=limits["value"], mode="lines+markers", name=y_title, line={"color": BLUE},
            marker={"color": [RED if f else BLUE for f in fired], "size": 9},
            customdata=limits["n"], hovertemplate="%{x|%Y-%m}: %{y:.1f} (n=%{customdata})<extra></extra>",
        )
    )  # fmt: skip
    return _layout(fig, height=320, yaxis_title=y_title, xaxis=date_axis(x))


def yoy(frame: pl.DataFrame) -> go.Figure:
    fig = go.Figure()
    for (year,), part in frame.group_by("year", maintain_order=True):
        fig.add_trace(go.Scatter(x=part["month"], y=part["csi"], mode="lines+markers", name=str(year)))
    return _layout(fig, xaxis={"dtick": 1, "title": t("axis.month")}, yaxis_title="CSI")


def breakdown(frame: pl.DataFrame, target: float, prefix: str | None) -> go.Figure:
    names = [label(prefix, v) if prefix else v for v in frame["group_value"].to_list()]
    colors = [RED if (c is not None and c < target) else BLUE for c in frame["csi"].to_list()]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=frame["csi"],
            marker_color=colors,
            text=[f"{c:.1f}" for c in frame["csi"]],
            customdata=frame["responses"],
            hovertemplate="%{x}: %{y:.1f} (n=%{customdata})<extra></extra>",
        )
    )
    fig.add_hline(y=target, line={"color": RED, "dash": "dash"})
    return _layout(fig, height=300, yaxis_title="CSI")


def lines(
    frame: pl.DataFrame, x: str, y: str, color: str, names: dict, y_title: str, target: float | None = None
) -> go.Figure:
    fig = go.Figure()
    for n, ((key,), part) in enumerate(frame.group_by(color, maintain_order=True)):
        colour = PALETTE[n % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=part[x],
                y=part[y],
                mode="lines+markers",
                name=names.get(key, key),
                line={"color": colour},
                marker={"color": colour},
            )
        )
    if target is not None:
        fig.add_hline(y=target, line={"color": RED, "dash": "dash"})
    return _layout(
        fig, yaxis_title=y_title, xaxis=date_axis(frame[x].to_list()) if frame[x].dtype == pl.Date else {}
    )


def stacked_levels(frame: pl.DataFrame, item_names: dict, height: int = 320) -> go.Figure:
    """One horizontal bar per item, split into the shares of its rating levels."""
    # Shares of the answered levels only: a not-applicable answer (no level) has no bar, so
    # counting it in the total left the bars short of 100 %.
    frame = frame.filter(pl.col("level_value").is_not_null())
    totals = frame.group_by("item_id").agg(pl.col("ratings").sum().alias("total"))
    data = frame.join(totals, on="item_id").with_columns(
        (100 * pl.col("ratings") / pl.col("total")).alias("pct")
    )
    levels = data.select("level_value", "level_label").unique().sort("level_value")
    fig = go.Figure()
    n = levels.height
    for i, row in enumerate(levels.iter_rows(named=True)):
        part = data.filter(pl.col("level_value") == row["level_value"])
        color = LEVEL_COLORS[round(i * (len(LEVEL_COLORS) - 1) / max(n - 1, 1))]
        fig.add_trace(
            go.Bar(
                y=[item_names.get(i, i) for i in part["item_id"]],
                x=part["pct"],
                orientation="h",
                name=row["level_label"],
                marker_color=color,
                customdata=part["ratings"],
                hovertemplate="%{y}: %{x:.1f}% (%{customdata})<extra>" + row["level_label"] + "</extra>",
            )
        )
    return _layout(fig, height=height, barmode="stack", xaxis={"title": "%", "range": [0, 100]})


def quadrant(frame: pl.DataFrame, names: dict) -> go.Figure:
    """Relative weight (with its 95 % interval) against performance; the lines split at the
    means of the dimensions shown to matter, and only those can be a priority."""
    data = frame.drop_nulls(["importance", "performance"])
    colors = {"fix first": RED, "keep up": GREEN, "low priority": GREY, "possible overkill": BLUE}
    fig = go.Figure(
        go.Scatter(
            x=data["performance"],
            y=data["importance"],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (data["importance_high"] - data["importance"]).to_list(),
                "arrayminus": (data["importance"] - data["importance_low"]).to_list(),
                "color": GREY,
            },
            mode="markers+text",
            text=[names.get(d, d) for d in data["dimension_id"]],
            textposition="top center",
            marker={"size": 16, "color": [colors.get(q, "#d0d0d0") for q in data["quadrant"]]},
            customdata=[label("quadrant", q) for q in data["quadrant"]],
            hovertemplate="%{text}: %{customdata}<br>"
            + t("axis.performance_short")
            + " %{x:.1f}, %{y:.1f} %<extra></extra>",
        )
    )
    shown = data.filter(pl.col("matters"))
    if shown.height:
        fig.add_vline(x=shown["performance"].mean(), line={"color": GREY, "dash": "dot"})
        fig.add_hline(y=shown["importance"].mean(), line={"color": GREY, "dash": "dot"})
        fig.add_annotation(
            x=data["performance"].min(),
            y=data["importance"].max(),
            text=t("quadrant.fix first"),
            showarrow=False,
            font={"color": RED},
            xanchor="left",
        )
    return _layout(fig, height=420, xaxis_title=t("axis.performance"), yaxis_title=t("axis.importance"))


def _wrapped(name: str, width: int = 6) -> str:
    """A bar label broken into lines of `width` characters, so labels stay horizontal."""
    return "<br>".join(name[i : i + width] for i in range(0, len(name), width)) or name


def pareto(frame: pl.DataFrame, names: list[str], value: str, y_title: str, max_bars: int = 15) -> go.Figure:
    """Bars in descending order, the cumulative line, the 80 % line; the vital few in red. At
    most `max_bars` bars: the rest is one bar, 其他 (a click on it lists nothing: the table
    below the charts has every row). A bar's point index is its row in `frame`; labels are
    horizontal, broken into short lines."""
    cumulative = frame["cumulative_pct"].to_list()
    # The vital few: the causes up to and including the one that crosses 80 %.
    vital = [i == 0 or cumulative[i - 1] < 80 for i in range(len(cumulative))]
    values, shares = frame[value].to_list(), frame["share_pct"].to_list()
    labels_ = [_wrapped(n, 4) for n in names]
    if len(labels_) > max_bars:
        labels_ = labels_[:max_bars] + [t("pareto.others", n=len(labels_) - max_bars)]
        values = values[:max_bars] + [sum(values[max_bars:])]
        shares = shares[:max_bars] + [sum(shares[max_bars:])]
        cumulative = cumulative[:max_bars] + [cumulative[-1]]
        vital = vital[:max_bars] + [False]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=labels_,
            y=values,
            marker_color=[RED if v else GREY for v in vital],
            showlegend=False,
            customdata=shares,
            hovertemplate="%{x}: %{y} (%{customdata:.1f}%)<extra></extra>",
        )
    )
    for color, name in ((RED, t("pareto.vital")), (GREY, t("pareto.other"))):  # the legend's keys
        fig.add_trace(go.Bar(x=[None], y=[None], marker_color=color, name=name, hoverinfo="skip"))
    fig.add_trace(
        go.Scatter(
            x=labels_,
            y=cumulative,
            yaxis="y2",
            mode="lines+markers",
            line={"color": BLUE},
            name=t("pareto.cumulative"),
            hovertemplate="%{y:.1f}%<extra></extra>",
        )
    )
    fig.add_hline(y=80, yref="y2", line={"color": BLUE, "dash": "dash"}, annotation_text="80%")
    return _layout(
        fig,
        height=420,
        yaxis={"title": y_title},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 105],
            "title": "%",
            "tickmode": "array",
            "tickvals": [0, 20, 40, 60, 80, 100],
            "showgrid": False,
        },
        xaxis={
            "categoryorder": "array",
            "categoryarray": labels_,
            "tickangle": 0,
            "automargin": True,
            "tickfont": {"size": 11},
        },
        clickmode="event+select",
        barmode="overlay",
    )


CATEGORIES = ("man", "machine", "material", "method", "measurement", "environment")


FISHBONE_WIDTH = 1150  # px: fixed, so that labels can be fitted between the bones
_X_RANGE = (-4.0, 14.0)


def text_px(text: str, size: float) -> float:
    """About how wide `text` renders at font `size` px: CJK and full-width characters one em,
    others 0.6 em (Noto Sans CJK)."""
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


def fit(text: str, size: float, room: float) -> str:
    """`text` cut with … to fit `room` px (whole when it fits)."""
    if text_px(text, size) <= room:
        return text
    while text and text_px(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def fishbone(frame: pl.DataFrame, max_causes: int = 8) -> go.Figure:
    """A cause-and-effect diagram: six bones (5M1E) into the effect, causes as ribs with counts
    (complaints / dissatisfied ratings).

    Each cause label sits on its rib (above it on the upper bones, below on the lower ones),
    right-aligned short of its bone and cut with … to the room before the previous bone, so no
    label crosses a bone or another label for 1–12 causes per bone; the hover shows it whole."""
    most = frame.group_by("category").len()["len"].max() if frame.height else 1
    n_max = max(1, min(max_causes, 12, most))  # ribs spread along the bone for the fullest bone
    height = 560 if n_max <= 8 else 700
    fig = go.Figure()
    spine_y, head_x, rise, run = 0.0, 10.0, 4.2, 1.6
    y_range = (-5.3, 5.3)
    px_x = (FISHBONE_WIDTH - 20) / (_X_RANGE[1] - _X_RANGE[0])
    px_y = (height - 50) / (y_range[1] - y_range[0])
    size = 11
    fig.add_shape(type="line", x0=0, y0=spine_y, x1=head_x, y1=spine_y, line={"width": 4, "color": "#333"})
    effect = t("cause.effect")
    if lang() == "en":
        effect = effect.replace(" ", "<br>", 1)  # two lines: the box stays inside the chart
    fig.add_annotation(
        x=head_x,
        y=spine_y,
        text=f"<b>{effect}</b>",
        showarrow=False,
        xanchor="left",
        font={"size": 15},
        bgcolor="#fde0dd",
        bordercolor=RED,
        borderpad=6,
    )
    starts = (1.5, 4.5, 7.5)
    positions = [(x, side) for side in (1, -1) for x in starts]
    totals = frame.group_by("category").agg(pl.col("complaints").sum(), pl.col("dissatisfied").sum())
    total_of = {r["category"]: r for r in totals.iter_rows(named=True)}
    for cat, (x, side) in zip(CATEGORIES, positions, strict=True):
        top_y = rise * side
        fig.add_shape(
            type="line", x0=x, y0=top_y, x1=x + run, y1=spine_y, line={"width": 2.5, "color": "#555"}
        )
        tot = total_of.get(cat, {"complaints": 0, "dissatisfied": 0})
        head, counts = label("cat", cat), f"{tot['complaints']} / {tot['dissatisfied']}"
        one_line = text_px(f"{head} · {counts}", 14) < 2.6 * px_x  # else two lines: bones are 3 apart
        fig.add_annotation(
            x=x,
            y=top_y + 0.55 * side,
            showarrow=False,
            text=f"<b>{head}</b>{' · ' if one_line else '<br>'}{counts}",
            font={"size": 14},
            bgcolor="#e8f0fa",
            bordercolor=BLUE,
            borderpad=4,
        )
        causes = (
            frame.filter(pl.col("category") == cat)
            .with_columns((pl.col("complaints") + pl.col("dissatisfied")).alias("n"))
            .sort("n", descending=True)
            .head(n_max)
        )
        n = causes.height
        for i, row in enumerate(causes.iter_rows(named=True)):
            frac = (i + 1) / (n_max + 1) if n > 1 else 0.5
            y = top_y * (1 - frac)
            bone_x = x + run * frac
            # The previous bone (or the chart's edge) at the label's height bounds its room.
            left = _X_RANGE[0] if x == starts[0] else x - 3 + run * frac + run / rise * (size * 1.4 / px_y)
            right = bone_x - 0.25
            counts = f"{row['complaints']}/{row['dissatisfied']}"
            room = (right - left) * px_x - 6
            name = fit(row["cause"], size, room - text_px(" " + counts, size))
            fig.add_shape(
                type="line",
                x0=max(left, bone_x - 2.6),
                y0=y,
                x1=bone_x,
                y1=y,
                line={"width": 1, "color": GREY},
            )
            fig.add_annotation(
                x=right,
                y=y,
                text=f"{name} {counts}",
                hovertext=f"{row['cause']}: {t('chart.complaints')} {row['complaints']}, "
                f"{t('chart.dissatisfied')} {row['dissatisfied']}",
                showarrow=False,
                xanchor="right",
                yanchor="bottom" if side > 0 else "top",
                font={"size": size},
                borderpad=0,
            )
    fig.update_xaxes(visible=False, range=list(_X_RANGE), fixedrange=True)
    fig.update_yaxes(visible=False, range=list(y_range), fixedrange=True)
    return _layout(fig, height=height, width=FISHBONE_WIDTH, showlegend=False, plot_bgcolor="white")


def gap_bars(frame: pl.DataFrame, names: dict, own_label: str) -> go.Figure:
    fig = go.Figure()
    dims = [names.get(d, d) for d in frame["dimension_id"]]
    fig.add_trace(go.Bar(x=dims, y=frame["own_mean"], name=own_label, marker_color=BLUE))
    fig.add_trace(
        go.Bar(
            x=dims,
            y=frame["competitor_mean"],
            name=frame["competitor"][0] if frame.height else "",
            marker_color=GREY,
        )
    )
    return _layout(fig, barmode="group", yaxis_title="0-100")


def action_effect(effect: dict) -> go.Figure:
    """Before / after of a corrective action: the dissatisfied share and mean score (or the
    complaint rate) of the baseline and follow-up windows, with their 95 % intervals."""
    from plotly.subplots import make_subplots

    sides = ("baseline", "followup")
    names = [t(f"act.{side}") for side in sides]
    if effect["source"] == "complaint":
        panels = [("rate_pct", "rate_ci_low", "rate_ci_high", t("col.rate_pct"))]
    else:
        panels = [
            ("dissatisfied_pct", "dissatisfied_ci_low", "dissatisfied_ci_high", t("col.dissatisfied_pct")),
            ("mean", "mean_ci_low", "mean_ci_high", t("col.mean")),
        ]
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=[p[3] for p in panels])
    for col, (value, low, high, title) in enumerate(panels, start=1):
        y = [effect.get(f"{side}_{value}") for side in sides]
        upper = [
            None if v is None or effect.get(f"{s}_{high}") is None else effect[f"{s}_{high}"] - v
            for s, v in zip(sides, y, strict=True)
        ]
        lower = [
            None if v is None or effect.get(f"{s}_{low}") is None else v - effect[f"{s}_{low}"]
            for s, v in zip(sides, y, strict=True)
        ]
        fig.add_trace(
            go.Bar(
                x=names,
                y=y,
                marker_color=[GREY, BLUE],
                error_y={"type": "data", "array": upper, "arrayminus": lower, "visible": True},
                name=title,
                showlegend=False,
                hovertemplate="%{x}: %{y:.2f}<extra></extra>",
            ),
            row=1,
            col=col,
        )
    return _layout(fig, height=300)
