"""Chinese and English labels of the dashboard; Chinese is the default."""

from __future__ import annotations

import streamlit as st

LANGS = {"zh": "中文", "en": "English"}

TEXT: dict[str, tuple[str, str]] = {
    # navigation
    "nav.overview": ("总览", "Overview"),
    "nav.dimensions": ("维度分析", "Dimensions"),
    "nav.pareto": ("帕累托", "Pareto"),
    "nav.causes": ("原因分析", "Cause analysis"),
    "nav.competitors": ("竞品对比", "Competitors"),
    "nav.upload": ("数据上传", "Upload"),
    "nav.settings": ("设置", "Settings"),
    "up.warning": (
        "提示：{n} 个{what}（如 {examples}），仍会加载。",
        "Note: {n} {what} (e.g. {examples}); they load anyway.",
    ),
    "up.check.unknown_customer": (
        "客户编号不在客户表中；上传客户文件后才有名称、区域和客户类别",
        "customer ids are not in the customers table; they get a name, region and segment once the customers file is loaded",
    ),
    "up.check.unknown_dimension": (
        "投诉维度不属于任何问卷",
        "complaint dimensions belong to no questionnaire",
    ),
    "up.date_reading": ("日期列 {column} 按 {reading} 读取。", "Date column {column} is read as {reading}."),
    "no_warehouse_at": (
        "找不到数据仓库：{path}。请检查 MANYI_DB，或先用 `python -m pipelines demo` 建立演示仓库。",
        "No warehouse at {path}. Check MANYI_DB, or build the demo with `python -m pipelines demo`.",
    ),
    "settings.title": ("设置", "Settings"),
    "settings.threshold": ("重点客户门槛（上年销售额）", "Key-account threshold (prior-year revenue)"),
    "settings.timezone": ("时区（投诉时间与“现在”）", "Time zone (complaint times and 'now')"),
    "settings.min_sample": ("显著性检验的最少答卷数", "Fewest responses for a significance test"),
    "settings.save": ("保存", "Save"),
    "settings.saved": ("已保存 {name} = {value}", "Saved {name} = {value}"),
    "settings.refused": ("未保存", "Not saved"),
    "settings.calendar": ("工作日历", "Working-day calendar"),
    "settings.calendar_help": (
        "法定节假日与调休来自 holidays 软件包（中国）；可在此加入公司自己的休息日或工作日。",
        "Public holidays and make-up working days come from the holidays package (China); add the "
        "company's own days off or working days here.",
    ),
    "settings.day": ("日期", "Day"),
    "settings.day_kind": ("这一天是", "This day is"),
    "settings.holiday": ("休息日", "a day off"),
    "settings.workday": ("工作日", "a working day"),
    "settings.default": ("按法定日历", "as the public calendar says"),
    "nav.section.analysis": ("分析", "Analysis"),
    "nav.section.data": ("数据", "Data"),
    # filters
    "filter.title": ("筛选", "Filters"),
    "filter.language": ("语言 / Language", "语言 / Language"),
    "filter.questionnaire": ("问卷", "Questionnaire"),
    "filter.grain": ("周期", "Period grain"),
    "filter.dates": ("日期范围", "Date range"),
    "filter.scope": ("口径", "Scope"),
    "filter.segment": ("客户类别", "Segment"),
    "filter.region": ("区域", "Region"),
    "filter.all": ("全部", "All"),
    "grain.month": ("月", "Month"),
    "grain.quarter": ("季度", "Quarter"),
    "grain.year": ("年", "Year"),
    "segment.key": ("重点客户", "Key accounts"),
    "segment.general": ("一般客户", "General"),
    "scope.sales": ("销售", "Sales"),
    "scope.after_sales": ("售后", "After-sales"),
    "empty": (
        "当前筛选条件下没有数据。请调整筛选条件或上传数据。",
        "No data for these filters. Change the filters or upload data.",
    ),
    "no_warehouse": (
        "仓库中还没有问卷。请先在“数据上传”页面上传问卷和数据。",
        "The warehouse has no questionnaire yet. Upload one on the Upload page.",
    ),
    # overview
    "overview.title": ("满意度总览", "Satisfaction overview"),
    "overview.period": ("当前周期", "Current period"),
    "kpi.csi": ("满意度指数 CSI", "Satisfaction index (CSI)"),
    "kpi.satisfied_share": ("满意评价占比", "Satisfied ratings"),
    "kpi.satisfied_help": (
        "满意及以上评价占全部评价的比例；与上一周期比较（两比例 z 检验，百分点）。",
        "Share of ratings at a satisfied level; change from the previous period (two-proportion z-test, points).",
    ),
    "chart.complaints": ("投诉", "complaints"),
    "chart.dissatisfied": ("不满意", "dissatisfied"),
    "kpi.target": ("目标", "target"),
    "kpi.vs_prev": ("环比", "vs previous"),
    "kpi.vs_ly": ("同比", "vs last year"),
    "kpi.satisfaction_rate": ("满意率", "Satisfaction rate"),
    "kpi.complaint_rate": ("投诉率", "Complaint rate"),
    "kpi.callback": ("回访成功率", "Callback success"),
    "kpi.survey_success": ("调查成功率", "Survey success"),
    "kpi.coverage": ("样本覆盖率", "Sample coverage"),
    "kpi.responses": ("样本量", "Responses"),
    "kpi.below": ("低于目标", "below target"),
    "kpi.meets": ("达到目标", "meets target"),
    "kpi.na": ("无数据", "no data"),
    "kpi.no_points": ("该问卷未设置分值", "questionnaire has no points"),
    "verdict.significant": ("显著", "significant"),
    "verdict.not significant": ("不显著", "not significant"),
    "verdict.sample too small": ("样本不足", "sample too small"),
    "verdict.no data": ("无对比数据", "no data"),
    "overview.trend": ("满意度趋势（95% 置信区间）", "CSI trend (95 % interval)"),
    "overview.yoy": ("同比趋势", "Year on year"),
    "overview.breakdown": ("分组对比", "Breakdown"),
    "overview.by": ("分组", "Group by"),
    "overview.rates": ("投诉与回访指标", "Complaint and follow-up KPIs"),
    # dimensions
    "dim.title": ("维度与题项", "Dimensions and items"),
    "dim.trend": ("维度得分趋势", "Dimension scores over time"),
    "dim.histogram": ("单项评价分布", "Single-item rating distribution"),
    "dim.items": ("题项明细", "Item detail"),
    "dim.customer": ("单个客户单项评价", "One customer's item ratings"),
    "dim.customer_pick": ("选择客户", "Customer"),
    "dim.staff": ("员工服务评价", "Staff scores"),
    "dim.drivers": ("关键驱动因素（重要性-表现）", "Key drivers (importance vs performance)"),
    "dim.drivers_outcome": ("结果变量", "Outcome"),
    "dim.note_filters": (
        "已按客户类别或区域筛选：评分图表由所选回访的逐题答案统计，数据量大时稍慢。",
        "Segment or region chosen: the rating charts count the answers of those responses, "
        "which takes longer on large warehouses.",
    ),
    "quadrant.fix first": ("优先改进", "fix first"),
    "quadrant.keep up": ("继续保持", "keep up"),
    "quadrant.low priority": ("次要改进", "low priority"),
    "quadrant.possible overkill": ("可能过度投入", "possible overkill"),
    "quadrant.unknown": ("未知", "unknown"),
    # pareto
    "pareto.title": ("帕累托分析", "Pareto analysis"),
    "pareto.items": ("不满意评价（按题项）", "Dissatisfied ratings by item"),
    "pareto.causes": ("投诉（按原因）", "Complaints by cause"),
    "pareto.vital": ("关键少数", "vital few"),
    "pareto.other": ("其余", "useful many"),
    "pareto.cumulative": ("累计占比 %", "Cumulative %"),
    "pareto.click": ("点击柱形查看明细。", "Click a bar to see what is behind it."),
    "pareto.drill_item": ("不满意明细：", "Dissatisfied responses: "),
    "pareto.drill_cause": ("投诉明细：", "Complaints: "),
    # causes
    "cause.title": ("原因分析（鱼骨图）", "Cause analysis (fishbone)"),
    "cause.fishbone": ("人机料法测环", "Man, machine, material, method, measurement, environment"),
    "cause.effect": ("客户不满意", "Customer dissatisfaction"),
    "cause.complaints": ("投诉清单与服务时效", "Complaints and service levels"),
    "cause.comments": ("不满意客户原话", "Verbatim comments of dissatisfied customers"),
    "cause.search": ("搜索意见", "Search comments"),
    "cause.overdue": ("超期", "overdue"),
    "cause.count": ("投诉数", "Complaints"),
    "cause.answered_24h": ("24小时内响应", "answered in 24 h"),
    "cause.verified_3wd": ("3个工作日内核实", "verified in 3 working days"),
    "cause.open": ("未关闭", "open"),
    "cause.due_note": (
        "时效比例只计已到期的投诉；{pending} 件仍在 24 小时 / 3 个工作日内（法定节假日与调休按公司日历）。",
        "Service shares count complaints that are due; {pending} are still within their 24 h / 3 working days "
        "(public holidays and make-up working days by the company calendar).",
    ),
    "cause.list_cut": (
        "清单显示最新 {shown:,} 件（共 {total:,} 件）；上方数字按全部投诉计算。",
        "The list shows the newest {shown:,} of {total:,} complaints; the figures above count all.",
    ),
    "cat.man": ("人", "Man"),
    "cat.machine": ("机", "Machine"),
    "cat.material": ("料", "Material"),
    "cat.method": ("法", "Method"),
    "cat.measurement": ("测", "Measurement"),
    "cat.environment": ("环", "Environment"),
    # competitors
    "comp.title": ("竞品对比", "Competitor comparison"),
    "comp.gap": ("各维度差距", "Gap per dimension"),
    "comp.trend": ("差距趋势", "Gap over time"),
    "comp.pick": ("竞品", "Competitor"),
    "comp.none": (
        "该问卷没有竞品评价（评价对象均为本公司）。",
        "This questionnaire has no competitor ratings.",
    ),
    "comp.own": ("本公司", "Own"),
    "comp.responses_note": (
        "差距为题项评分均值之差；显著性按答卷（各答卷的维度得分，Welch t 检验）检验，样本为答卷数。",
        "The gap is the difference of item-rating means; significance is tested on responses (their dimension "
        "scores, Welch's t-test), and n counts responses.",
    ),
    "partial.note": (
        "不完整期间：{periods}（所选日期只覆盖其中部分月份，勿与完整期间直接比较）。",
        "Partial periods: {periods} (the dates cover only some of their months; do not compare them "
        "with whole periods as they are).",
    ),
    "partial.months": ("{inside}/{total} 个月", "{inside} of {total} months"),
    "partial.range": (
        "按整月统计：{date_from} 至 {date_to}",
        "Counted in whole months: {date_from} to {date_to}",
    ),
    # upload
    "up.title": ("数据上传", "Upload data"),
    "up.kind": ("数据类型", "Kind"),
    "up.file": ("选择文件（CSV / XLSX，或问卷 TOML）", "File (CSV / XLSX, or a questionnaire TOML)"),
    "up.sheet": ("工作表", "Sheet"),
    "up.skip": ("表头前跳过的行数", "Lines before the header"),
    "up.mapping": ("列映射", "Column mapping"),
    "up.mapping_help": (
        "把文件中的列对应到字段或题项；不需要的列选“忽略”。",
        "Map each file column to a field or item; choose 'ignore' for the rest.",
    ),
    "up.ignore": ("（忽略）", "(ignore)"),
    "up.replace": (
        "覆盖已加载的相同编号（保留审计记录）",
        "Replace ids loaded before (kept in the audit trail)",
    ),
    "up.validate": ("校验", "Validate"),
    "up.load": ("加载", "Load"),
    "up.valid": ("校验通过：{rows} 行，可以加载。", "Valid: {rows} rows ready to load."),
    "up.invalid": (
        "校验未通过：{n} 个问题，未写入任何数据。",
        "Refused: {n} problem(s); nothing was written.",
    ),
    "up.duplicate": (
        "该文件与已加载批次 {batch} 完全相同，不会重复加载。",
        "This file is identical to batch {batch}; it is not loaded again.",
    ),
    "up.loaded": ("已加载批次 {batch}：{rows} 行。", "Loaded batch {batch}: {rows} rows."),
    "up.preview": ("预览（将写入的前 20 行）", "Preview (first 20 rows as stored)"),
    "up.history": ("批次记录", "Batch history"),
    "up.rollback": ("回滚所选批次", "Roll back selected batch"),
    "up.confirm": (
        "确认回滚批次 {batch}？此操作会删除该批次的数据。",
        "Roll back batch {batch}? Its rows will be removed.",
    ),
    "up.rolled": ("批次 {batch} 已回滚。", "Batch {batch} rolled back."),
    "up.questionnaire_added": ("问卷 {qid}：{status}", "Questionnaire {qid}: {status}"),
    "up.saved_mapping": ("已套用上次保存的映射。", "Applied the mapping saved last time."),
    "up.constants": (
        "缺少的字段取固定值（如 survey_date=2025-01-01）",
        "Constants for missing fields (e.g. survey_date=2025-01-01)",
    ),
    "kind.survey": ("问卷答卷", "Survey responses"),
    "kind.complaints": ("投诉", "Complaints"),
    "kind.sales": ("销售/发货", "Sales"),
    "kind.customers": ("客户", "Customers"),
    "kind.contacts": ("回访计划", "Follow-up contacts"),
    "download.csv": ("下载 CSV", "Download CSV"),
    "download.xlsx": ("下载 Excel", "Download Excel"),
}


# Column headers of the dashboard's tables (the data and its downloads keep the column names).
COLUMNS: dict[str, tuple[str, str]] = {
    "period_start": ("期间", "Period"),
    "complaints": ("投诉数", "Complaints"),
    "shipments": ("出货数", "Shipments"),
    "complaint_rate_pct": ("投诉率 %", "Complaint rate %"),
    "answered_24h_pct": ("24小时响应 %", "Answered in 24 h %"),
    "verified_3wd_pct": ("3个工作日验证 %", "Verified in 3 working days %"),
    "callback_success_pct": ("回访成功率 %", "Callback success %"),
    "survey_success_pct": ("调查成功率 %", "Survey success %"),
    "coverage_pct": ("样本覆盖率 %", "Sample coverage %"),
    "survey_rate_pct": ("调查满意率 %", "Survey rate %"),
    "satisfaction_rate_pct": ("满意率 %", "Satisfaction rate %"),
    "responses": ("回访数", "Responses"),
    "csi": ("CSI", "CSI"),
    "csi_n": ("CSI 样本", "CSI n"),
    "csi_ci_low": ("CSI 95% 下限", "CSI 95% low"),
    "csi_ci_high": ("CSI 95% 上限", "CSI 95% high"),
    "satisfied": ("满意评分数", "Satisfied ratings"),
    "dissatisfied": ("不满意评分数", "Dissatisfied ratings"),
    "ratings": ("评分数", "Ratings"),
    "customers": ("客户数", "Customers"),
    "satisfied_pct": ("满意 %", "Satisfied %"),
    "dissatisfied_pct": ("不满意 %", "Dissatisfied %"),
    "dimension": ("维度", "Dimension"),
    "dimension_id": ("维度", "Dimension"),
    "item": ("题项", "Item"),
    "item_id": ("题项编号", "Item id"),
    "mean_score": ("平均得分", "Mean score"),
    "staff_id": ("员工", "Staff"),
    "importance": ("重要性 (r)", "Importance (r)"),
    "performance": ("表现", "Performance"),
    "p_value": ("p 值", "p-value"),
    "n": ("样本", "n"),
    "beta": ("标准化系数", "Standardized beta"),
    "quadrant": ("象限", "Quadrant"),
    "share_pct": ("占比 %", "Share %"),
    "cumulative_pct": ("累计 %", "Cumulative %"),
    "rank": ("排名", "Rank"),
    "cause_category": ("原因类别", "Cause category"),
    "cause": ("原因", "Cause"),
    "complaint_id": ("投诉编号", "Complaint"),
    "received_at": ("受理时间", "Received"),
    "customer_id": ("客户编号", "Customer id"),
    "customer_name": ("客户", "Customer"),
    "product": ("产品", "Product"),
    "severity": ("严重度", "Severity"),
    "responsible_dept": ("责任部门", "Responsible dept."),
    "first_response_hours": ("首次响应 (小时)", "First response (h)"),
    "verify_working_days": ("验证工作日", "Working days to verify"),
    "is_verify_overdue": ("验证超期", "Verification overdue"),
    "is_answer_overdue": ("响应超期", "Answer overdue"),
    "is_overdue": ("超期", "Overdue"),
    "is_open": ("未关闭", "Open"),
    "is_answered_24h": ("24小时内响应", "Answered in 24 h"),
    "is_verified_3wd": ("3个工作日内核实", "Verified in 3 working days"),
    "open_complaints": ("未关闭投诉", "Open complaints"),
    "overdue_complaints": ("超期投诉", "Overdue complaints"),
    "own_responses": ("本公司答卷数", "Own responses"),
    "competitor_responses": ("竞品答卷数", "Competitor responses"),
    "description": ("描述", "Description"),
    "survey_date": ("回访日期", "Survey date"),
    "response_id": ("答卷编号", "Response"),
    "comment": ("意见", "Comment"),
    "level_label": ("评价", "Rating"),
    "channel": ("渠道", "Channel"),
    "competitor": ("竞品", "Competitor"),
    "own_mean": ("本公司均分", "Own mean"),
    "own_n": ("本公司样本", "Own n"),
    "competitor_mean": ("竞品均分", "Competitor mean"),
    "competitor_n": ("竞品样本", "Competitor n"),
    "gap": ("差距", "Gap"),
    "verdict": ("结论", "Verdict"),
    "batch_id": ("批次", "Batch"),
    "kind": ("类型", "Kind"),
    "file_name": ("文件", "File"),
    "questionnaire_id": ("问卷", "Questionnaire"),
    "rows": ("行数", "Rows"),
    "status": ("状态", "Status"),
    "loaded_at": ("加载时间", "Loaded at"),
    "key": ("设置项", "Setting"),
    "value": ("值", "Value"),
    "set_at": ("设置时间", "Set at"),
}
TEXT.update({f"col.{name}": pair for name, pair in COLUMNS.items()})


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(key: str, **values) -> str:
    """The label of `key` in the chosen language."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[0] if lang() == "zh" else pair[1]
    return text.format(**values) if values else text


def label(prefix: str, value) -> str:
    """Translated label of an enum value (e.g. 'cat', 'man'); the value itself when unknown."""
    key = f"{prefix}.{value}"
    return t(key) if key in TEXT else str(value)


def labels(values, prefix: str) -> dict:
    """{value: translated label}, fixed at call time.

    Widgets get `labels(...).get` as format_func rather than a function reading the language
    later: Streamlit may format options outside the script run, where session state is absent.
    """
    return {v: label(prefix, v) for v in values}
