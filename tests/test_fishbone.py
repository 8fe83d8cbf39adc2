"""The fishbone's labels, measured where they are drawn: Plotly in Debian's chromium. No label
crosses a bone or another label, for 1 to 12 causes per bone, long Chinese and English labels."""

from __future__ import annotations

import itertools
import re

import polars as pl
import pytest
from test_browser import ARTIFACTS, browser  # noqa: F401  (the fixture)

from dashboard import charts
from dashboard.i18n import language

LONG_ZH = ["检测仪器老化导致读数偏差", "外观质量", "出厂检验漏检", "交车前清洗不彻底并且没有复查", "备件"]
LONG_EN = ["Inspection gauge out of calibration", "Paint finish", "Missed at final inspection", "x"]


def causes(per_bone: int, names: list[str]) -> pl.DataFrame:
    rows = []
    for cat in charts.CATEGORIES:
        for i in range(per_bone):
            name = f"{names[i % len(names)]}{i}"
            rows.append({"category": cat, "cause": name, "complaints": 100 - i, "dissatisfied": 1000 + i})
    return pl.DataFrame(rows)


def boxes(page) -> dict:
    """Label boxes (px) and the plot area, as the browser laid them out."""
    return page.evaluate(
        """() => {
        const r = e => { const b = e.getBoundingClientRect();
            return {x0: b.left, x1: b.right, y0: b.top, y1: b.bottom, text: e.textContent}; };
        return {
            labels: [...document.querySelectorAll('g.annotation')].map(g => r(g.querySelector('text'))),
            area: r(document.querySelector('.nsewdrag')),
            svg: r(document.querySelector('svg.main-svg')),
        };
    }"""
    )


def crosses(box, a, b) -> bool:
    """Whether segment a-b passes through the box (sampled finely: bones are straight)."""
    for k in range(401):
        x = a[0] + (b[0] - a[0]) * k / 400
        y = a[1] + (b[1] - a[1]) * k / 400
        if box["x0"] + 1 < x < box["x1"] - 1 and box["y0"] + 1 < y < box["y1"] - 1:
            return True
    return False


@pytest.mark.parametrize(
    ("lang", "per_bone", "names"),
    [("zh", 1, LONG_ZH), ("zh", 4, LONG_ZH), ("zh", 12, LONG_ZH), ("en", 12, LONG_EN), ("en", 7, LONG_EN)],
)
def test_no_fishbone_label_crosses_a_bone_or_another_label(browser, tmp_path, lang, per_bone, names):  # noqa: F811
    with language(lang):
        fig = charts.fishbone(causes(per_bone, names), max_causes=12)
    html = tmp_path / "fishbone.html"
    fig.write_html(html, include_plotlyjs=True, full_html=True)
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.goto(html.as_uri())
    page.wait_for_selector("g.annotation")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"fishbone_{lang}_{per_bone}.png"), full_page=True)
    found = boxes(page)
    area, svg = found["area"], found["svg"]
    xr, yr = fig.layout.xaxis.range, fig.layout.yaxis.range

    def px(x, y):
        return (
            area["x0"] + (x - xr[0]) / (xr[1] - xr[0]) * (area["x1"] - area["x0"]),
            area["y0"] + (yr[1] - y) / (yr[1] - yr[0]) * (area["y1"] - area["y0"]),
        )

    labels = found["labels"]
    assert len(labels) == 1 + 6 + 6 * per_bone  # the effect, six bones, every cause
    for label in labels:  # inside the chart: nothing clipped
        assert svg["x0"] <= label["x0"] and label["x1"] <= svg["x1"], label
        assert svg["y0"] <= label["y0"] and label["y1"] <= svg["y1"], label
    for one, other in itertools.combinations(labels, 2):
        apart = (
            one["x1"] <= other["x0"] + 1
            or other["x1"] <= one["x0"] + 1
            or one["y1"] <= other["y0"] + 1
            or other["y1"] <= one["y0"] + 1
        )
        assert apart, (one, other)
    bones = [((0, 0), (10, 0))] + [
        ((x, 4.2 * side), (x + 1.6, 0)) for side in (1, -1) for x in (1.5, 4.5, 7.5)
    ]
    for label in labels:
        for a, b in bones:
            assert not crosses(label, px(*a), px(*b)), (label["text"], a, b)
    ribs = [label["text"] for label in labels if re.search(r" \d+/\d+$", label["text"])]
    assert len(ribs) == 6 * per_bone
    assert all(len(text.split(" ")[0].rstrip("…")) >= 2 for text in ribs), ribs  # a name, not a stub
    page.close()


def test_stacked_level_bars_reach_100_percent_with_not_applicable_answers():
    # Item a1: 3 x level 1, 1 x level 5 and 2 not applicable (no level): shares 75 % and 25 %.
    frame = pl.DataFrame(
        {
            "item_id": ["a1", "a1", "a1"],
            "level_value": [1.0, 5.0, None],
            "level_label": ["差", "好", None],
            "ratings": [3, 1, 2],
        }
    )
    fig = charts.stacked_levels(frame, {"a1": "交车"})
    assert sorted(x for trace in fig.data for x in trace.x) == [25.0, 75.0]


def test_the_95_percent_band_is_a_band_and_dates_read_alike_in_both_languages():
    import datetime as dt

    one = pl.DataFrame(
        {
            "period_start": [dt.date(2025, 1, 1)],
            "csi": [80.0],
            "csi_ci_low": [75.0],
            "csi_ci_high": [85.0],
            "responses": [12],
        }
    )
    fig = charts.csi_trend(one, 90)
    assert fig.data[0].mode == "lines"  # one period: no stray dots where the band has no area
    assert fig.layout.xaxis.tickformat == "%Y-%m"
    years = pl.DataFrame({"year": [2024, 2025], "month": [1, 1], "csi": [80.0, 82.0]})
    for code, title in (("zh", "月"), ("en", "Month")):
        with language(code):
            assert charts.yoy(years).layout.xaxis.title.text == title
