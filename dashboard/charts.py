"""Plotly figures of the dashboard. Inputs are polars frames from sql/queries/."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.i18n import label, t

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


def _layout(fig: go.Figure, height: int = 380, **kwargs) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"family": FONT},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        **kwargs,
    )
    return fig


def csi_trend(frame: pl.DataFrame, target: float, partial=None) -> go.Figure:
    """CSI per period with its 95 % band and the target; partial periods drawn as open circles."""
    x = frame["period_start"].to_list()
    partial = partial or {}
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x + x[::-1],
            y=frame["csi_ci_high"].to_list() + frame["csi_ci_low"].to_list()[::-1],
            fill="toself",
            fillcolor="rgba(31,111,180,0.15)",
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
    fig.add_hline(
        y=target, line={"color": RED, "dash": "dash"}, annotation_text=f"{t('kpi.target')} {target:g}"
    )
    return _layout(fig, yaxis_title="CSI")


def yoy(frame: pl.DataFrame) -> go.Figure:
    fig = go.Figure()
    for (year,), part in frame.group_by("year", maintain_order=True):
        fig.add_trace(go.Scatter(x=part["month"], y=part["csi"], mode="lines+markers", name=str(year)))
    return _layout(fig, xaxis={"dtick": 1, "title": "月 / month"}, yaxis_title="CSI")


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
    return _layout(fig, yaxis_title=y_title)


def stacked_levels(frame: pl.DataFrame, item_names: dict, height: int = 320) -> go.Figure:
    """One horizontal bar per item, split into the shares of its rating levels."""
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
    data = frame.drop_nulls(["importance", "performance"])
    colors = {"fix first": RED, "keep up": GREEN, "low priority": GREY, "possible overkill": BLUE}
    fig = go.Figure(
        go.Scatter(
            x=data["performance"],
            y=data["importance"],
            mode="markers+text",
            text=[names.get(d, d) for d in data["dimension_id"]],
            textposition="top center",
            marker={"size": 16, "color": [colors.get(q, GREY) for q in data["quadrant"]]},
            customdata=[label("quadrant", q) for q in data["quadrant"]],
            hovertemplate="%{text}: %{customdata}<br>performance %{x:.1f}, r=%{y:.2f}<extra></extra>",
        )
    )
    if data.height:
        fig.add_vline(x=data["performance"].mean(), line={"color": GREY, "dash": "dot"})
        fig.add_hline(y=data["importance"].mean(), line={"color": GREY, "dash": "dot"})
        fig.add_annotation(
            x=data["performance"].min(),
            y=data["importance"].max(),
            text=t("quadrant.fix first"),
            showarrow=False,
            font={"color": RED},
            xanchor="left",
        )
    return _layout(
        fig, height=420, xaxis_title="表现 performance (0-100)", yaxis_title="重要性 importance (r)"
    )


def pareto(frame: pl.DataFrame, names: list[str], value: str, y_title: str) -> go.Figure:
    """Bars in descending order, the cumulative line, the 80 % line; the vital few highlighted."""
    cumulative = frame["cumulative_pct"].to_list()
    # The vital few: the causes up to and including the one that crosses 80 %.
    vital = [i == 0 or cumulative[i - 1] < 80 for i in range(len(cumulative))]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=names,
            y=frame[value],
            marker_color=[RED if v else GREY for v in vital],
            name=f"{t('pareto.vital')} / {t('pareto.other')}",
            customdata=frame["share_pct"],
            hovertemplate="%{x}: %{y} (%{customdata:.1f}%)<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=names,
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
        height=400,
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
        xaxis={"categoryorder": "array", "categoryarray": names},
        clickmode="event+select",
    )


CATEGORIES = ("man", "machine", "material", "method", "measurement", "environment")


def fishbone(frame: pl.DataFrame, max_causes: int = 4) -> go.Figure:
    """A cause-and-effect diagram: six bones (5M1E) into the effect, causes as ribs with counts."""
    fig = go.Figure()
    spine_y, head_x = 0.0, 10.0
    fig.add_shape(type="line", x0=0, y0=spine_y, x1=head_x, y1=spine_y, line={"width": 4, "color": "#333"})
    fig.add_annotation(
        x=head_x,
        y=spine_y,
        text=f"<b>{t('cause.effect')}</b>",
        showarrow=False,
        xanchor="left",
        font={"size": 15},
        bgcolor="#fde0dd",
        bordercolor=RED,
        borderpad=6,
    )
    positions = [(1.5, 1), (4.5, 1), (7.5, 1), (1.5, -1), (4.5, -1), (7.5, -1)]
    totals = frame.group_by("category").agg(pl.col("complaints").sum(), pl.col("dissatisfied").sum())
    total_of = {r["category"]: r for r in totals.iter_rows(named=True)}
    for cat, (x, side) in zip(CATEGORIES, positions, strict=True):
        top_y = 4.2 * side
        fig.add_shape(
            type="line", x0=x, y0=top_y, x1=x + 1.6, y1=spine_y, line={"width": 2.5, "color": "#555"}
        )
        tot = total_of.get(cat, {"complaints": 0, "dissatisfied": 0})
        fig.add_annotation(
            x=x,
            y=top_y + 0.45 * side,
            showarrow=False,
            text=f"<b>{label('cat', cat)}</b> · {tot['complaints']} / {tot['dissatisfied']}",
            font={"size": 14},
            bgcolor="#e8f0fa",
            bordercolor=BLUE,
            borderpad=4,
        )
        causes = (
            frame.filter(pl.col("category") == cat)
            .with_columns((pl.col("complaints") + pl.col("dissatisfied")).alias("n"))
            .sort("n", descending=True)
            .head(max_causes)
        )
        for i, row in enumerate(causes.iter_rows(named=True)):
            frac = (i + 1) / (max_causes + 1)
            y = top_y * (1 - frac)
            bone_x = x + 1.6 * frac
            parts = []
            if row["complaints"]:
                parts.append(f"{t('chart.complaints')} {row['complaints']}")
            if row["dissatisfied"]:
                parts.append(f"{t('chart.dissatisfied')} {row['dissatisfied']}")
            fig.add_shape(
                type="line", x0=bone_x - 1.2, y0=y, x1=bone_x, y1=y, line={"width": 1, "color": GREY}
            )
            fig.add_annotation(
                x=bone_x - 1.25,
                y=y,
                text=f"{row['cause']} ({', '.join(parts)})",
                showarrow=False,
                xanchor="right",
                font={"size": 11},
            )
    fig.update_xaxes(visible=False, range=[-3.2, 13.6])  # room for the effect box in English
    fig.update_yaxes(visible=False, range=[-5.3, 5.3])
    return _layout(fig, height=560, showlegend=False, plot_bgcolor="white")


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
