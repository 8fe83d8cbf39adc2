"""A deterministic, realistic demo warehouse, built through the same loaders a user uses."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from pipelines import alerts, calls, store, topics
from pipelines.load import LoadJob, load
from warehouse import open_warehouse, users
from warehouse.lake import data_dir
from warehouse.roles import ROLES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FIRST_MONTH = date(2024, 5, 1)
MONTHS = 30
REGIONS = ["华东", "华南", "华北", "西南", "华中"]
INDUSTRIES = ["汽车零部件", "工程机械", "电力设备", "物业服务", "家电制造"]
NAME_PARTS = ["华鑫", "恒达", "瑞丰", "金桥", "宏远", "东方", "嘉禾", "新创", "永盛", "博瑞", "天成", "中联"]
NAME_TAILS = ["机械有限公司", "汽车销售服务有限公司", "电气股份有限公司", "物业管理有限公司", "实业有限公司"]
STAFF = [f"S{n:02d}" for n in range(1, 9)]
COMPETITORS = ["竞品A", "竞品B"]
CHANNELS = ["电话", "手机", "现场", "信函", "网络"]
CAUSES = {
    "人": ["服务态度差", "培训不足", "响应不及时"],
    "机": ["设备故障", "检测仪器老化"],
    "料": ["零部件质量问题", "供应商来料不良", "包装破损"],
    "法": ["交付计划不合理", "流程繁琐", "沟通机制缺失"],
    "测": ["出厂检验漏检", "计量偏差"],
    "环": ["运输途中受损", "仓储受潮"],
}
CAUSE_WEIGHTS = {"人": 0.24, "机": 0.1, "料": 0.3, "法": 0.22, "测": 0.08, "环": 0.06}
DEPTS = {"人": "销售部", "机": "生产部", "料": "采购部", "法": "计划部", "测": "质量部", "环": "物流部"}
GOOD_COMMENTS = [
    "服务很周到，满意",
    "顾问专业，讲解清楚",
    "交车准时，整体不错",
    "展厅干净舒适",
    "希望继续保持",
]
BAD_COMMENTS = {
    "product": ["产品有异响，质量需要改进", "外观有划痕", "性能不如预期"],
    "delivery": ["交车时间一再推迟", "交付太慢，等了两个月", "到货时间不准"],
    "consultant": ["顾问态度冷淡", "顾问对产品不熟悉", "承诺的优惠没有兑现"],
    "facility": ["展厅太吵，休息区拥挤", "停车不方便"],
}


def _months() -> list[date]:
    out = []
    y, m = FIRST_MONTH.year, FIRST_MONTH.month
    for _ in range(MONTHS):
        out.append(date(y, m, 1))
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out


def _write(frame: pl.DataFrame, path: Path, encoding: str = "utf-8") -> Path:
    text = frame.write_csv()
    path.write_bytes(text.encode(encoding))
    return path


def _customers(rng) -> pl.DataFrame:
    n = 60
    names = []
    for i in range(n):
        names.append(NAME_PARTS[i % len(NAME_PARTS)] + NAME_TAILS[(i * 7 + i // 12) % len(NAME_TAILS)])
    return pl.DataFrame(
        {
            "客户编号": [f"C{i:03d}" for i in range(1, n + 1)],
            "客户名称": [
                f"{name}{'' if i < 12 else f'（{REGIONS[i % 5]}）'}" for i, name in enumerate(names)
            ],
            "区域": [REGIONS[i % 5] for i in range(n)],
            "行业": [INDUSTRIES[(i * 3) % 5] for i in range(n)],
            "联系电话": [f"13{rng.integers(100000000, 999999999)}" for _ in range(n)],
        }
    )


def _sales(rng, customers: list[str], key: set[str]) -> pl.DataFrame:
    rows = []
    for month in _months():
        season = 1 + 0.25 * np.sin(2 * np.pi * (month.month - 3) / 12)
        for c in customers:
            base = 650_000 if c in key else 90_000
            revenue = float(round(base * season * rng.uniform(0.6, 1.4), 2))
            shipments = int(max(0, rng.poisson(40 if c in key else 8) * season))
            rows.append(
                (
                    month.strftime("%Y-%m"),
                    c,
                    "整车" if rng.random() < 0.7 else "配件",
                    shipments,
                    shipments * 3,
                    revenue,
                )
            )
    frame = pl.DataFrame(
        rows, schema=["期间", "客户编号", "产品", "发货次数", "数量", "销售额"], orient="row"
    )
    return frame.group_by(["期间", "客户编号", "产品"], maintain_order=True).agg(pl.all().sum())


# What the demo's overall item weighs in a customer's own answers.
OVERALL_WEIGHTS = {"delivery": 0.4, "consultant": 0.3, "product": 0.2, "facility": 0.1}


def _level(rng, mean: float, n: int) -> np.ndarray:
    """Likert-5 answers around `mean` (1-5)."""
    return np.clip(np.rint(rng.normal(mean, 0.8, n)), 1, 5).astype(int)


def _dealer_survey(rng, customers: list[str], key: set[str], scale: float) -> pl.DataFrame:
    items = [
        ("q1", "产品性能", "product"),
        ("q2", "外观质量", "product"),
        ("q3", "交车准时", "delivery"),
        ("q4", "顾问专业", "consultant"),
        ("q5", "顾问态度", "consultant"),
        ("q6", "展厅舒适", "facility"),
        ("q7", "总体满意", "consultant"),
    ]
    label = {1: "非常不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "非常满意"}
    records = []
    n_id = 0
    for m_index, month in enumerate(_months()):
        season = 0.12 * np.sin(2 * np.pi * (month.month - 1) / 12)
        # Delivery slips for most of a year (a supplier problem), then recovers after the fix.
        delivery_dip = 1.1 if 10 <= m_index <= 18 else (0.5 if m_index in (9, 19) else 0.0)
        trend = 0.012 * m_index
        n = int(rng.integers(100, 150) * scale)
        # Each month's follow-up calls reach about half of the customers (sample coverage).
        reached = [
            customers[int(i)] for i in rng.choice(len(customers), size=len(customers) // 2, replace=False)
        ]
        for subject in ["own"] * 5 + COMPETITORS:
            count = n if subject == "own" else max(1, n // 6)
            shift = {"own": 0.0, "竞品A": -0.15, "竞品B": 0.1}[subject]
            for _ in range(count):
                n_id += 1
                cust = reached[int(rng.integers(0, len(reached)))]
                staff = STAFF[int(rng.integers(0, len(STAFF)))]
                staff_shift = -0.35 if staff == "S05" else (0.15 if staff == "S02" else 0.0)
                key_shift = 0.1 if cust in key else 0.0
                base = 4.15 + season + trend + shift + key_shift
                dims = {
                    "product": base - 0.05,
                    "delivery": base - (delivery_dip if subject == "own" else 0.0) - 0.1,
                    "consultant": base + staff_shift + 0.05,
                    "facility": base + 0.1,
                }
                # How satisfied this customer is in general: every answer of theirs leans the same
                # way, so dimensions and the overall item correlate as in published CSI data.
                mood = rng.normal(0, 0.5)
                answers = {}
                for item_id, column, dim in items:
                    if item_id == "q7":
                        # The overall judgement follows the customer's own answers, delivery and
                        # the consultant most (key drivers with something to find).
                        seen = {
                            d: np.mean([answers[f"__{i}"] for i, _, dd in items[:6] if dd == d]) for d in dims
                        }
                        mean = sum(w * seen[d] for d, w in OVERALL_WEIGHTS.items())
                        v = int(np.clip(np.rint(rng.normal(mean, 0.5)), 1, 5))
                    else:
                        v = int(_level(rng, dims[dim] + mood, 1)[0])
                    r = rng.random()
                    if r < 0.03:
                        answers[column] = "不适用" if column == "展厅舒适" else ""
                    elif r < 0.25:
                        answers[column] = label[v]
                    else:
                        answers[column] = str(v)
                    answers[f"__{item_id}"] = v
                worst = min(dims, key=lambda d: np.mean([answers[f"__{i}"] for i, _, dd in items if dd == d]))
                low = min(answers[f"__{i}"] for i, _, _ in items)
                comment = ""
                if subject == "own" and rng.random() < 0.35:
                    options = BAD_COMMENTS[worst] if low <= 2 else GOOD_COMMENTS
                    comment = options[int(rng.integers(0, len(options)))]
                day = month + timedelta(days=int(rng.integers(0, 27)))
                records.append(
                    {
                        "问卷编号": f"DS{n_id:06d}",
                        "客户编号": cust,
                        "调查日期": day.isoformat(),
                        "调查方式": CHANNELS[int(rng.integers(0, len(CHANNELS)))],
                        "评价对象": subject,
                        "员工编号": staff if subject == "own" else "",
                        **{c: answers[c] for _, c, _ in items},
                        "意见建议": comment,
                    }
                )
    return pl.DataFrame(records)


def _after_sales_survey(rng, customers: list[str], key: set[str], scale: float) -> pl.DataFrame:
    records = []
    n_id = 0
    for q_index, month in enumerate(_months()[::3]):
        n = int(rng.integers(50, 70) * scale)
        for _ in range(n):
            n_id += 1
            cust = customers[int(rng.integers(0, len(customers)))]
            row = {
                "问卷编号": f"AS{n_id:05d}",
                "客户编号": cust,
                "调查日期": (month + timedelta(days=int(rng.integers(30, 85)))).isoformat(),
                "调查方式": "现场" if cust in key else "电话",
            }
            for column, good in (
                ("产品质量评价", 0.72),
                ("交付评价", 0.6 if 3 <= q_index <= 6 else 0.75),
                ("服务评价", 0.7),
            ):
                r = rng.random()
                row[column] = "非常满意" if r < good else ("一般" if r < good + 0.2 else "不满意")
            row["意见建议"] = ""
            records.append(row)
    return pl.DataFrame(records)


def _complaints(rng, customers: list[str]) -> pl.DataFrame:
    rows = []
    cats = list(CAUSE_WEIGHTS)
    weights = np.array([CAUSE_WEIGHTS[c] for c in cats])
    n_id = 0
    for m_index, month in enumerate(_months()):
        n = int(rng.poisson(9 + (6 if 10 <= m_index <= 18 else 0)))
        for _ in range(n):
            n_id += 1
            cat = cats[int(rng.choice(len(cats), p=weights / weights.sum()))]
            if 10 <= m_index <= 18 and rng.random() < 0.4:
                cat, cause = "法", "交付计划不合理"
            else:
                cause = CAUSES[cat][int(rng.integers(0, len(CAUSES[cat])))]
            received = datetime(month.year, month.month, 1, 8) + timedelta(
                days=int(rng.integers(0, 27)),
                hours=int(rng.integers(0, 10)),
                minutes=int(rng.integers(0, 60)),
            )
            first = received + timedelta(hours=float(rng.gamma(2.0, 9.0)))
            verified = first + timedelta(days=float(rng.gamma(2.0, 1.2)))
            resolved = verified + timedelta(days=float(rng.gamma(2.0, 3.0)))
            is_open = m_index >= MONTHS - 2 and rng.random() < 0.5
            rows.append(
                {
                    "投诉编号": f"TS{n_id:05d}",
                    "客户编号": customers[int(rng.integers(0, len(customers)))],
                    "投诉时间": received.strftime("%Y-%m-%d %H:%M"),
                    "投诉渠道": ["400热线", "微信", "邮件", "现场"][int(rng.integers(0, 4))],
                    "产品": "整车" if rng.random() < 0.6 else "配件",
                    "维度": {"人": "consultant", "法": "delivery", "环": "delivery"}.get(cat, "product"),
                    "原因类别": cat,
                    "原因": cause,
                    "严重程度": ["低", "中", "高", "紧急"][int(rng.choice(4, p=[0.4, 0.35, 0.2, 0.05]))],
                    "责任部门": DEPTS[cat],
                    "首次响应时间": first.strftime("%Y-%m-%d %H:%M"),
                    "核实时间": "" if is_open and rng.random() < 0.5 else verified.strftime("%Y-%m-%d %H:%M"),
                    "解决时间": "" if is_open else resolved.strftime("%Y-%m-%d %H:%M"),
                    "投诉内容": f"{cause}，客户要求尽快处理",
                }
            )
            # A resolved case was told to the customer the next day, accepted and closed (no
            # random draw: the demo's other numbers stay as they were).
            row, told = rows[-1], resolved + timedelta(days=1)
            row["核实结论"] = "属实" if row["核实时间"] else ""
            row["告知客户时间"] = "" if is_open else told.strftime("%Y-%m-%d %H:%M")
            row["客户确认"] = "" if is_open else "接受"
            row["关闭时间"] = "" if is_open else (told + timedelta(hours=4)).strftime("%Y-%m-%d %H:%M")
    return pl.DataFrame(rows)


def _contacts(rng, customers: list[str]) -> pl.DataFrame:
    rows = []
    n_id = 0
    for month in _months():
        for _ in range(int(rng.integers(120, 170))):
            n_id += 1
            r = rng.random()
            outcome = "完成" if r < 0.5 else ("拒访" if r < 0.62 else "未接通")
            rows.append(
                {
                    "回访编号": f"HF{n_id:06d}",
                    "客户编号": customers[int(rng.integers(0, len(customers)))],
                    "回访日期": (month + timedelta(days=int(rng.integers(0, 27)))).isoformat(),
                    "口径": "销售" if rng.random() < 0.7 else "售后",
                    "调查方式": "电话",
                    "结果": outcome,
                }
            )
    return pl.DataFrame(rows)


def _services(customers: list[str]) -> pl.DataFrame:
    """Service visits (维修保养) of the demo's customers: 60-90 a month. A generator of their
    own, so the other demo files stay as they were."""
    rng = np.random.default_rng(20261207)
    rows = []
    n_id = 0
    for month in _months():
        for _ in range(int(rng.integers(60, 90))):
            n_id += 1
            rows.append(
                {
                    "服务单号": f"FW{n_id:06d}",
                    "客户编号": customers[int(rng.integers(0, len(customers)))],
                    "服务日期": (month + timedelta(days=int(rng.integers(0, 27)))).isoformat(),
                    "服务类型": ["保养", "维修", "其他"][int(rng.choice(3, p=[0.6, 0.35, 0.05]))],
                    "员工编号": f"W{int(rng.integers(1, 7)):02d}",
                    "产品": "整车" if rng.random() < 0.7 else "配件",
                }
            )
    return pl.DataFrame(rows)


# The demo's corrective-action tracker: one row per action, as a quality department keeps it.
# The first file is the tracker at mid-2025; the second, a year later, adds versions (reviews,
# approvals, completions) and new actions. Together they show every status and verdict on the
# demo data: the first delivery fix made things worse, the re-plan did not change them, the
# second re-plan worked once the supplier recovered.
ACTION_COLUMNS = (
    "措施编号", "措施", "来源", "问卷", "题目", "维度", "原因类别", "原因", "口径", "客户编号",
    "责任部门", "负责人", "整改方案", "提出日期", "计划完成日期", "评审日期", "批准日期", "批准人",
    "反馈客户日期", "完成日期", "取消日期", "前序措施",
)  # fmt: skip
_A = dict(zip(ACTION_COLUMNS, range(len(ACTION_COLUMNS)), strict=True))


def _action(action_id, title, source, dept, owner, created, due, **more) -> dict:
    row = dict.fromkeys(ACTION_COLUMNS, "")
    row.update({"措施编号": action_id, "措施": title, "来源": source, "责任部门": dept, "负责人": owner})
    row.update({"提出日期": created, "计划完成日期": due})
    row.update({k: v for k, v in more.items() if k in _A})
    return row


def _action_trackers() -> tuple[pl.DataFrame, pl.DataFrame]:
    delivery = {"问卷": "dealer-sales", "题目": "q3", "维度": "delivery", "原因类别": "法"}
    first = [
        _action(
            "CA-2025-001",
            "交车排程改为集中排程",
            "题目",
            "计划部",
            "王强",
            "2025-02-10",
            "2025-02-28",
            **delivery,
            评审日期="2025-02-12",
            批准日期="2025-02-14",
            批准人="刘质量经理",
            反馈客户日期="2025-02-20",
            完成日期="2025-02-25",
            整改方案="各门店交车计划统一由计划部排程",
        ),
        _action(
            "CA-2025-002",
            "交付及时性：恢复门店排程并增加交付专员",
            "维度",
            "计划部",
            "王强",
            "2025-05-08",
            "2025-06-30",
            问卷="dealer-sales",
            维度="delivery",
            原因类别="法",
            评审日期="2025-05-10",
            批准日期="2025-05-15",
            批准人="刘质量经理",
            前序措施="CA-2025-001",
            整改方案="撤回集中排程；每店增设一名交付专员跟进到车时间",
        ),
        _action(
            "CA-2025-003",
            "供应商到货延误：更换物流承运商",
            "题目",
            "采购部",
            "陈静",
            "2025-07-10",
            "2025-12-31",
            **delivery,
            前序措施="CA-2025-002",
            整改方案="与两家承运商签订到货时效协议",
        ),
        _action(
            "CA-2025-004",
            "交付计划不合理投诉：计划评审会",
            "投诉",
            "计划部",
            "李娜",
            "2025-06-05",
            "2025-09-30",
            原因类别="法",
            原因="交付计划不合理",
            整改方案="每周计划评审，承诺交期前核对库存",
        ),
    ]
    second = [
        {**first[0]},
        {**first[1], "反馈客户日期": "2025-06-10", "完成日期": "2025-06-28"},
        {
            **first[2],
            "评审日期": "2025-07-15",
            "批准日期": "2025-07-20",
            "批准人": "刘质量经理",
            "反馈客户日期": "2025-08-01",
            "完成日期": "2025-12-20",
        },
        {
            **first[3],
            "评审日期": "2025-06-10",
            "批准日期": "2025-06-12",
            "批准人": "刘质量经理",
            "完成日期": "2025-11-28",
        },
        _action(
            "CA-2025-005",
            "重点客户 C002 顾问态度改进",
            "题目",
            "销售部",
            "赵敏",
            "2025-08-04",
            "2025-09-30",
            问卷="dealer-sales",
            题目="q5",
            客户编号="C002",
            评审日期="2025-08-06",
            批准日期="2025-08-08",
            批准人="刘质量经理",
            反馈客户日期="2025-08-20",
            完成日期="2025-09-15",
            整改方案="指定专属顾问，每月回访",
        ),
        _action(
            "CA-2025-006",
            "售后交付评价：备件前置仓",
            "题目",
            "物流部",
            "孙磊",
            "2025-07-15",
            "2025-12-31",
            问卷="after-sales",
            题目="a2",
            评审日期="2025-07-20",
            批准日期="2025-07-25",
            批准人="刘质量经理",
            完成日期="2026-01-15",
            整改方案="华东、华南各设一个备件前置仓",
        ),
        _action(
            "CA-2026-007",
            "顾问专业度培训（S05）",
            "维度",
            "销售部",
            "赵敏",
            "2026-09-01",
            "2026-12-31",
            问卷="dealer-sales",
            维度="consultant",
            原因类别="人",
            评审日期="2026-09-03",
            批准日期="2026-09-05",
            批准人="刘质量经理",
            整改方案="产品知识月度考核",
        ),
        _action(
            "CA-2026-008",
            "展厅休息区扩建",
            "题目",
            "行政部",
            "周洁",
            "2026-06-15",
            "2026-09-30",
            问卷="dealer-sales",
            题目="q6",
            整改方案="休息区扩至 40 座",
        ),
        _action(
            "CA-2026-009",
            "包装破损：更换包装供应商",
            "投诉",
            "采购部",
            "陈静",
            "2026-03-02",
            "2026-05-31",
            原因类别="料",
            原因="包装破损",
            评审日期="2026-03-05",
            取消日期="2026-03-20",
            整改方案="供应商已自行整改，取消",
        ),
        _action(
            "CA-2026-010",
            "外观质量：出厂前增加外观检验",
            "题目",
            "质量部",
            "黄伟",
            "2026-09-10",
            "2026-11-15",
            问卷="dealer-sales",
            题目="q2",
            原因类别="测",
            评审日期="2026-09-12",
            批准日期="2026-09-15",
            批准人="刘质量经理",
            完成日期="2026-11-10",
            整改方案="出厂前 100% 外观检验",
        ),
    ]
    return pl.DataFrame(first, schema=dict.fromkeys(ACTION_COLUMNS, pl.Utf8)), pl.DataFrame(
        second, schema=dict.fromkeys(ACTION_COLUMNS, pl.Utf8)
    )


def demo_files(scale: float = 1.0) -> list[tuple[str, str, pl.DataFrame, str, str | None]]:
    """The demo's upload files in load order: (kind, file name, rows, encoding, questionnaire)."""
    rng = np.random.default_rng(20240501)
    customers_frame = _customers(rng)
    customers = customers_frame["客户编号"].to_list()
    key = set(customers[:12])
    sales = _sales(rng, customers, key)
    dealer = _dealer_survey(rng, customers, key, scale).with_columns(
        pl.col("调查日期").str.slice(0, 4).alias("__year")
    )
    after = _after_sales_survey(rng, customers, key, scale)
    complaints = _complaints(rng, customers)
    contacts = _contacts(rng, customers)
    files = [
        ("customers", "客户.csv", customers_frame, "gb18030", None),
        ("sales", "sales.csv", sales, "utf-8", None),
    ]
    for year, part in dealer.group_by("__year", maintain_order=True):
        files.append(("survey", f"销售回访_{year[0]}.csv", part.drop("__year"), "utf-8-sig", "dealer-sales"))
    files.append(("survey", "售后调查.csv", after, "gb18030", "after-sales"))
    files.append(("complaints", "投诉.csv", complaints, "utf-8", None))
    files.append(("contacts", "回访计划.csv", contacts, "utf-8", None))
    files.append(("services", "维修保养记录.csv", _services(customers), "gb18030", None))
    for name, tracker in zip(
        ("整改台账_2025年6月.csv", "整改台账_2026年11月.csv"), _action_trackers(), strict=True
    ):
        files.append(("actions", name, tracker, "gb18030", None))
    return files


DEMO_AGENTS = ("demo-agent", "demo-agent2")


def _call_desk(con) -> dict:
    """The latest month's call plan of both questionnaires, handed to the two demo agents, with
    calls in every state (CONTRACT §9): completed with answers, refused, unreached with a
    callback appointment, unreached three times (closed), and open ones not tried yet."""
    month = _months()[-1]
    rng = np.random.default_rng(20261101)
    states = {"completed": 0, "refused": 0, "unreached": 0, "open": 0}
    for qid in ("dealer-sales", "after-sales"):
        calls.plan(con, qid, month, "demo-manager", list(DEMO_AGENTS))
        questionnaire = store.get_questionnaire(con, qid)
        planned = con.execute(
            "select call_id, assigned_to from call_plan where questionnaire_id = ? and plan_month = ? "
            "order by call_id",
            [qid, month],
        ).fetchall()
        # A few of each state (each attempt is a write of its own, about a second); the rest open.
        worked = ("completed", "completed", "refused", "callback", "completed", "unreached")
        for n, (call, agent) in enumerate(planned):
            at = datetime(month.year, month.month, 20 + n % 8, 9 + n % 8, 10 * (n % 6))
            kind = worked[n] if n < len(worked) else "open"
            if kind == "completed":
                answers = {
                    item.id: str(
                        int(rng.choice([s.value for s in questionnaire.scale(item.scale).levels][-3:]))
                    )
                    for item in questionnaire.items
                }
                comment = GOOD_COMMENTS[n % len(GOOD_COMMENTS)]
                calls.record(con, call, "completed", agent, answers=answers, comment=comment, at=at)
            elif kind == "refused":
                calls.record(con, call, "refused", agent, comment="客户表示没有时间", at=at)
            elif kind == "callback":
                later = at + timedelta(days=3, hours=2)
                calls.record(con, call, "unreached", agent, at=at, callback_at=later)
            elif kind == "unreached":
                for attempt in range(3):
                    calls.record(con, call, "unreached", agent, at=at + timedelta(days=attempt))
            states[{"callback": "open"}.get(kind, kind)] += 1
    return states


def build_demo(
    path: Path,
    *,
    force: bool = False,
    scale: float = 1.0,
    log: Callable[[str], None] = print,
    files: list | None = None,
    desk: bool = True,
) -> dict:
    """Build the demo warehouse at `path` (from `files`, default demo_files(scale)); refuse to
    overwrite one with data unless forced. `desk`: plan and work the latest month's calls and
    record the alerts (their responses and alerts depend on every customer of the files)."""
    path = Path(path)
    if path.exists():
        if not force:
            raise FileExistsError(f"{path} exists; use `demo --force` to replace it with the demo")
        path.unlink()
        shutil.rmtree(data_dir(path), ignore_errors=True)
    files = demo_files(scale) if files is None else files
    con = open_warehouse(path)
    summary = {"db": str(path), "batches": 0, "rows": {}}
    try:
        for name in ("dealer-sales", "after-sales"):
            store.add_questionnaire(con, (EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"))
        topics.save_company(
            con, topics.parse_file((EXAMPLES / "topics.toml").read_text(encoding="utf-8")), via="demo"
        )
        with tempfile.TemporaryDirectory() as tmp:
            for kind, name, frame, encoding, qid in files:
                file = _write(frame, Path(tmp) / name, encoding)
                # The trackers come from the quality department's analyst: each version names them.
                who = "demo-analyst" if kind == "actions" else "demo"
                job = LoadJob(
                    kind=kind, data=file.read_bytes(), file_name=file.name, questionnaire_id=qid, user=who
                )
                result = load(con, job)
                log(f"loaded {file.name}: {result.rows:,} rows ({kind})")
                summary["batches"] += 1
                summary["rows"][kind] = summary["rows"].get(kind, 0) + result.rows
        for role in ROLES:  # the department user works the cases of the quality department
            dept = DEPTS["测"] if role == "department" else None
            users.add(con, f"demo-{role}", role, "demo", by="demo", dept=dept)
        users.add(con, DEMO_AGENTS[1], "agent", "demo", by="demo")
        if not desk:
            return summary
        summary["calls"] = _call_desk(con)
        # The alerts of every whole month of the demo (CONTRACT §11): the inbox is not empty.
        last = _months()[-1]
        summary["alerts"] = alerts.run(
            con, date(last.year + last.month // 12, last.month % 12 + 1, 15), "demo"
        )["new"]
        log(f"planned and worked the calls of {_months()[-1]:%Y-%m}: {summary['calls']}")
    finally:
        con.close()
    return summary
