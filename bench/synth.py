"""Synthetic wide survey files and their questionnaire, for benchmarks and load tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

LEVELS = """levels = [
  { value = 1, label = "非常不满意", dissatisfied = true },
  { value = 2, label = "不满意", dissatisfied = true },
  { value = 3, label = "一般" },
  { value = 4, label = "满意", satisfied = true },
  { value = 5, label = "非常满意", satisfied = true },
]"""


def questionnaire(items: int = 20, dimensions: int = 5, qid: str = "bench") -> str:
    """TOML of a likert-5 questionnaire with `items` items spread over `dimensions`."""
    parts = [f'id = "{qid}"', 'title = "基准问卷"', 'scope = "sales"', "", "[[scales]]", 'id = "l5"', LEVELS]
    for d in range(dimensions):
        parts += ["", "[[dimensions]]", f'id = "d{d + 1}"', f'label = "维度{d + 1}"', f"weight = {1 + d % 3}"]
    for i in range(items):
        parts += ["", "[[items]]", f'id = "i{i + 1:02d}"', f'column = "item_{i + 1:02d}"']
        parts += [f'dimension = "d{i % dimensions + 1}"', 'scale = "l5"']
    return "\n".join(parts) + "\n"


# Comments of the synthetic responses (`comments=True`): two of these joined, 600 distinct texts.
COMPLAINTS = [
    "交车时间比约定晚了三天",
    "销售顾问回电话太慢",
    "保养等待时间太长",
    "维修后问题又出现了",
    "收费项目没有提前说明",
    "休息区太吵",
    "配件要等两周才到",
    "预约电话总是占线",
    "洗车不干净",
    "发票开错了一次",
    "试驾车况不好",
    "说明书看不懂",
    "价格比别家贵",
    "服务态度冷淡",
    "停车位不够",
    "质量问题反复出现",
    "送修后没有回访",
    "保险手续办得慢",
    "新车有异响",
    "客服答复不专业",
]
REMARKS = [
    "希望尽快改进",
    "请给个说法",
    "下次再看看",
    "整体还可以",
    "其他都满意",
    "已经投诉过一次",
    "朋友也遇到过",
    "期待回复",
    "麻烦跟进一下",
    "谢谢",
    "联系我 13812345678",
    "不想再来了",
    "还算及时",
    "环境不错",
    "希望培训员工",
    "可以理解",
    "价格能再优惠些",
    "等了很久",
    "电话里说不清",
    "下次还来",
    "建议增加人手",
    "工作日人少",
    "周末人太多",
    "需要改进流程",
    "售后不错",
    "基本满意",
    "希望透明一些",
    "服务有进步",
    "没人接待",
    "信息没同步",
]


def survey_frame(
    responses: int, items: int = 20, seed: int = 7, start: int = 0, comments: bool = False
) -> pl.DataFrame:
    """A wide survey of `responses` rows: ids, customers, dates over 2 years, 1-5 answers; with
    `comments`, a comment column: half the responses whose customer leans dissatisfied and one
    in ten of the others have one (600 distinct texts, some with a phone number)."""
    rng = np.random.default_rng(seed)
    ids = np.arange(start, start + responses)
    days = rng.integers(0, 730, responses)
    dates = (np.datetime64("2024-01-01") + days.astype("timedelta64[D]")).astype(str)
    columns = {
        "response_id": [f"R{i:08d}" for i in ids],
        "customer_id": [f"C{c:05d}" for c in rng.integers(0, 2000, responses)],
        "survey_date": dates,
        "staff_id": [f"S{s:02d}" for s in rng.integers(0, 40, responses)],
    }
    base = rng.normal(4.0, 0.6, responses)
    for i in range(items):
        values = np.clip(np.rint(base + rng.normal(0, 0.8, responses)), 1, 5).astype(int)
        columns[f"item_{i + 1:02d}"] = values
    if comments:  # drawn after the answers: the same seed gives the same answers either way
        has = rng.random(responses) < np.where(base < 3.6, 0.5, 0.1)
        texts = np.array([f"{a}，{b}" for a in COMPLAINTS for b in REMARKS], dtype=object)
        picked = texts[rng.integers(0, len(texts), responses)]
        columns["comment"] = pl.Series(picked.tolist(), dtype=pl.String).set(pl.Series(~has), None)
    return pl.DataFrame(columns)


def write_survey(
    path: Path, responses: int, items: int = 20, seed: int = 7, start: int = 0, comments: int = 0
) -> Path:
    """A survey CSV; `start` shifts the response ids (files that load side by side); `comments`
    (1 = yes): survey_frame's."""
    survey_frame(responses, items, seed, start, comments=bool(comments)).write_csv(path)
    return path


def write_survey_apart(
    path: Path, responses: int, items: int = 20, seed: int = 7, start: int = 0, comments: int = 0
) -> Path:
    """write_survey in a process of its own, for benchmarks that read peak memory: on Linux a
    command the benchmark starts (fork + exec) reports at least the benchmark's own peak RSS
    (exec carries the parent's high-water mark into ru_maxrss), and building a 10,000,000-row
    frame here would make every later command report 5.6 GiB."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    code = "import sys; from pathlib import Path; from bench.synth import write_survey; " + (
        "write_survey(Path(sys.argv[1]), *map(int, sys.argv[2:]))"
    )
    subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(path),
            str(responses),
            str(items),
            str(seed),
            str(start),
            str(comments),
        ],
        cwd=root,
        check=True,
    )
    return path
