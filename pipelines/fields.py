"""The contract's upload columns per kind, their Chinese aliases and types."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    alias: str
    type: str
    required: bool = False
    label_en: str = ""


def _f(name, alias, type_, required=False, label_en=""):
    return Field(name, alias, type_, required, label_en or name.replace("_", " "))


SURVEY = (
    _f("response_id", "问卷编号", "id", True),
    _f("customer_id", "客户编号", "id", True),
    _f("survey_date", "调查日期", "date", True),
    _f("scope", "口径", "scope"),
    _f("channel", "调查方式", "channel"),
    _f("subject", "评价对象", "subject"),
    _f("staff_id", "员工编号", "text"),
    _f("comment", "意见建议", "text"),
)

COMPLAINTS = (
    _f("complaint_id", "投诉编号", "id", True),
    _f("customer_id", "客户编号", "id", True),
    _f("received_at", "投诉时间", "datetime", True),
    _f("channel", "投诉渠道", "text"),
    _f("product", "产品", "text"),
    _f("dimension", "维度", "text"),
    _f("cause_category", "原因类别", "cause", True),
    _f("cause", "原因", "text"),
    _f("severity", "严重程度", "severity"),
    _f("responsible_dept", "责任部门", "text"),
    _f("first_response_at", "首次响应时间", "datetime"),
    _f("verified_at", "核实时间", "datetime"),
    _f("resolved_at", "解决时间", "datetime"),
    _f("description", "投诉内容", "text"),
    # The case's handling (CONTRACT §10), optional in files; the complaint desk writes them.
    _f("handler", "处理人", "text"),
    _f("assigned_at", "分派时间", "datetime"),
    _f("is_valid", "核实结论", "validity"),
    _f("solution", "处理方案", "text"),
    _f("promised_at", "承诺完成时间", "datetime"),
    _f("customer_informed_at", "告知客户时间", "datetime"),
    _f("customer_accepted", "客户确认", "accepted"),
    _f("closed_at", "关闭时间", "datetime"),
)

SALES = (
    _f("period", "期间", "period", True),
    _f("customer_id", "客户编号", "id", True),
    _f("product", "产品", "text"),
    _f("shipments", "发货次数", "count", True),
    _f("quantity", "数量", "amount"),
    _f("revenue", "销售额", "amount", True),
)

CUSTOMERS = (
    _f("customer_id", "客户编号", "id", True),
    _f("name", "客户名称", "id", True),
    _f("region", "区域", "text"),
    _f("industry", "行业", "text"),
    _f("phone", "联系电话", "text"),
)

CONTACTS = (
    _f("contact_id", "回访编号", "id", True),
    _f("customer_id", "客户编号", "id", True),
    _f("contact_date", "回访日期", "date", True),
    _f("scope", "口径", "scope"),
    _f("channel", "调查方式", "channel"),
    _f("outcome", "结果", "outcome", True),
    # A call of the call plan (CONTRACT §9): one row per attempt, written by the call desk or
    # `calls record`; a call centre's file may carry them too.
    _f("call_id", "回访任务", "text"),
    _f("agent", "回访员", "text"),
    _f("contacted_at", "回访时间", "datetime"),
    _f("callback_at", "预约回拨时间", "datetime"),
    _f("note", "备注", "text"),
)

# One row per service visit (维修保养, CONTRACT §9): the call plan samples their customers.
SERVICES = (
    _f("service_id", "服务单号", "id", True),
    _f("customer_id", "客户编号", "id", True),
    _f("service_date", "服务日期", "date", True),
    _f("kind", "服务类型", "service_kind"),
    _f("staff_id", "员工编号", "text"),
    _f("product", "产品", "text"),
)

# Corrective actions (CONTRACT §5): every load adds a new version of each action it names.
ACTIONS = (
    _f("action_id", "措施编号", "id", True),
    _f("title", "措施", "text", True),
    _f("source", "来源", "source", True),
    _f("questionnaire_id", "问卷", "text"),
    _f("item_id", "题目", "text"),
    _f("dimension_id", "维度", "text"),
    _f("cause_category", "原因类别", "cause"),
    _f("cause", "原因", "text"),
    _f("scope", "口径", "scope"),
    _f("customer_id", "客户编号", "text"),
    _f("responsible_dept", "责任部门", "text", True),
    _f("owner", "负责人", "text"),
    _f("plan", "整改方案", "text"),
    _f("created_at", "提出日期", "date", True),
    _f("due_date", "计划完成日期", "date", True),
    _f("reviewed_at", "评审日期", "date"),
    _f("approved_at", "批准日期", "date"),
    _f("approved_by", "批准人", "text"),
    _f("customer_informed_at", "反馈客户日期", "date"),
    _f("done_at", "完成日期", "date"),
    _f("cancelled_at", "取消日期", "date"),
    _f("follows", "前序措施", "text"),
)

FIELDS: dict[str, tuple[Field, ...]] = {
    "survey": SURVEY,
    "complaints": COMPLAINTS,
    "sales": SALES,
    "customers": CUSTOMERS,
    "contacts": CONTACTS,
    "services": SERVICES,
    "actions": ACTIONS,
}

# The columns that identify a record of each kind: a second file with the same
# key needs --replace, which supersedes the earlier row.
KEYS: dict[str, tuple[str, ...]] = {
    "survey": ("response_id",),
    "complaints": ("complaint_id",),
    "sales": ("period", "customer_id", "product"),
    "customers": ("customer_id",),
    "contacts": ("contact_id",),
    "services": ("service_id",),
    "actions": ("action_id",),
}
# Kinds whose loads add versions instead of refusing known keys (no --replace needed).
VERSIONED = ("actions",)

KINDS = tuple(FIELDS)

# Canonical value for each accepted spelling (compared lower-cased, trimmed).
ENUMS: dict[str, dict[str, str]] = {
    "channel": {
        **{v: v for v in ("phone", "mail", "onsite", "mobile", "email", "web")},
        "电话": "phone",
        "电话回访": "phone",
        "信函": "mail",
        "邮寄": "mail",
        "现场": "onsite",
        "上门": "onsite",
        "走访": "onsite",
        "手机": "mobile",
        "短信": "mobile",
        "微信": "mobile",
        "邮件": "email",
        "电子邮件": "email",
        "网络": "web",
        "网站": "web",
        "在线": "web",
        "on-site": "onsite",
        "letter": "mail",
        "e-mail": "email",
        "online": "web",
    },
    "cause": {
        **{v: v for v in ("man", "machine", "material", "method", "measurement", "environment")},
        "人": "man",
        "人员": "man",
        "机": "machine",
        "机器": "machine",
        "设备": "machine",
        "料": "material",
        "材料": "material",
        "物料": "material",
        "法": "method",
        "方法": "method",
        "测": "measurement",
        "测量": "measurement",
        "环": "environment",
        "环境": "environment",
    },
    "severity": {
        **{v: v for v in ("low", "medium", "high", "critical")},
        "低": "low",
        "一般": "low",
        "中": "medium",
        "较重": "medium",
        "高": "high",
        "严重": "high",
        "紧急": "critical",
        "重大": "critical",
        "致命": "critical",
    },
    "outcome": {
        **{v: v for v in ("completed", "refused", "unreached")},
        "完成": "completed",
        "已完成": "completed",
        "拒访": "refused",
        "拒绝": "refused",
        "未接通": "unreached",
        "无法联系": "unreached",
    },
    "source": {
        **{v: v for v in ("item", "dimension", "complaint")},
        "题目": "item",
        "问题": "item",
        "维度": "dimension",
        "投诉": "complaint",
    },
    "service_kind": {
        **{v: v for v in ("maintenance", "repair", "other")},
        "保养": "maintenance",
        "维护": "maintenance",
        "维修": "repair",
        "修理": "repair",
        "其他": "other",
        "其它": "other",
    },
    "validity": {
        **{v: v for v in ("valid", "invalid")},
        "属实": "valid",
        "不属实": "invalid",
        "有效": "valid",
        "无效": "invalid",
    },
    "accepted": {
        **{v: v for v in ("yes", "no")},
        "接受": "yes",
        "不接受": "no",
        "是": "yes",
        "否": "no",
        "满意": "yes",
        "不满意": "no",
    },
    "scope": {"销售": "sales", "售后": "after_sales", "after-sales": "after_sales"},
    "subject": {"own": "own", "本公司": "own", "本品": "own", "自有": "own"},
}

ENUM_LABELS_ZH = {
    "man": "人",
    "machine": "机",
    "material": "料",
    "method": "法",
    "measurement": "测",
    "environment": "环",
}


def field_names(kind: str) -> list[str]:
    return [f.name for f in FIELDS[kind]]
