"""Validation reasons in the interface's language: the pipelines word them in English (the CLI's
language); the Chinese interface shows each in Chinese, keeping the values they carry."""

from __future__ import annotations

import re

from dashboard.i18n import lang, t
from pipelines.fields import ENUMS, FIELDS

# (pattern over the English reason, Chinese template with the pattern's groups)
_ZH = [
    (r"required column missing \((?P<f>[^/]+) / (?P<a>.+)\)", "缺少必填列（{a} / {f}）"),
    (r"required value is blank", "必填，不能为空"),
    (r"not a level of the item's scale \((?P<x>.*)\)", "不是该题量表中的选项（{x}）"),
    (r"not a date \(use YYYY-MM-DD\)", "不是日期（请用 YYYY-MM-DD）"),
    (r"not a date/time \(use YYYY-MM-DD HH:MM\)", "不是日期时间（请用 YYYY-MM-DD HH:MM）"),
    (r"not a period \(use YYYY-MM\)", "不是月份（请用 YYYY-MM）"),
    (r"not a whole number >= 0", "不是非负整数"),
    (r"not a number >= 0", "不是非负数"),
    (r"unknown value; allowed: (?P<allowed>.*)", "无法识别的取值；可用：{allowed}"),
    (r"not a scope id .*", "不是有效的范围编号（小写字母、数字、_ 或 -）"),
    (r"not a dimension id .*", "不是有效的维度编号（字母、数字、_ 或 -）"),
    (r"duplicate id in this file \(first on row (?P<n>\d+)\)", "文件内编号重复（首次出现在第 {n} 行）"),
    (
        r"already loaded by batch (?P<b>\S+) \((?P<f>.*)\); use --replace to supersede",
        "已由批次 {b}（{f}）加载；要覆盖请勾选“覆盖已加载的相同编号”",
    ),
    (r"unknown column \(use --map .*\)", "未知列（在列映射中选择字段或“忽略”）"),
    (r"maps to '(?P<field>.*)', as column '(?P<c>.*)' does", "与列 {c} 对应同一个字段 {field}"),
    (r"--set names an unknown field", "固定值中的字段不存在"),
    (r"--set (?P<field>\S+) but the file has this column", "文件已有这一列，不能再给 {field} 设固定值"),
    (r"--map names a column the file does not have; it has (?P<x>.*)", "文件中没有这一列；文件的列：{x}"),
    (r"--map target is not a field or item id; known: (?P<x>.*)", "不是字段或题项编号；可用：{x}"),
    (r"no column matches an item of questionnaire '(?P<q>.*)'", "没有任何列对应问卷 {q} 的题项"),
    (r"has (?P<k>\d+) fields, header has (?P<w>\d+)", "该行有 {k} 个字段，表头有 {w} 个"),
    (r"the header names this column twice", "表头中该列名出现了两次"),
    (r"is before (?P<field>\S+)", "早于{field}"),
    (r"closing needs customer_informed_at", "关闭前须先告知客户（告知客户时间）"),
    (r"the customer's answer needs customer_informed_at", "客户确认须在告知客户之后（告知客户时间）"),
    (r"a case the customer did not accept stays open", "客户不接受的投诉不能关闭"),
    (r"a verification result needs verified_at", "核实结论须有核实时间"),
    (
        r"step (?P<s>\S+) does not apply to complaint (?P<c>\S+) \((?P<st>\S+)\)",
        "这一步（{s}）不适用于投诉 {c} 当前的状态（{st}）",
    ),
    (r"step (?P<s>\S+) needs (?P<f>.*)", "这一步（{s}）须填写：{f}"),
    (r"complaint (?P<c>\S+) changed meanwhile.*", "投诉 {c} 刚被他人更新：请看最新状态后再处理"),
    (r"closing needs the customer informed first", "关闭前须先告知客户"),
    (
        r"mixes day-first and month-first dates: use YYYY-MM-DD",
        "日期混用了“日/月/年”和“月/日/年”：请用 YYYY-MM-DD",
    ),
    (r"the file has a header but no data rows", "文件只有表头，没有数据行"),
    (r"the file is empty", "文件是空的"),
    (r"the file has fewer than (?P<n>\d+) lines to skip", "文件不足 {n} 行，无法跳过"),
    (r"sheet '(?P<s>.*)' not found; the workbook has (?P<x>.*)", "找不到工作表 {s}；工作簿中有 {x}"),
    (r"--sheet applies to XLSX files only.*", "工作表只适用于 XLSX 文件；此文件是文本（CSV）"),
    (r"old Excel \.xls files are not supported.*", "不支持旧版 Excel .xls 文件：请另存为 .xlsx 或 CSV"),
    (r"the workbook is password-protected.*", "工作簿有密码保护：请另存一份无密码的副本"),
    (r"not a readable CSV file: (?P<x>.*)", "无法读取的 CSV 文件：{x}"),
    (r"not a readable XLSX file: (?P<x>.*)", "无法读取的 XLSX 文件：{x}"),
    (r"contains a NUL byte.*", "含有空字节：不是 CSV 或 XLSX 文本文件（二进制数据？）"),
    (r"--row-ids applies to kinds with one id column, not (?P<k>\S+)", "“用行号作编号”不适用于 {k}"),
    (r"--replace does not apply to (?P<k>\S+).*", "{k} 不能覆盖：每次加载都新增一个版本"),
    (r"required for source (?P<allowed>.*)", "来源为{allowed}时必填"),
    (r"unknown questionnaire id", "未知的问卷编号"),
    (r"not an item of the questionnaire", "不是该问卷的题项"),
    (r"is not the dimension of the item", "不是该题项所属的维度"),
    (r"not a dimension of the questionnaire", "不是该问卷的维度"),
    (r"applies to source item only", "仅适用于来源为题项的措施"),
    (r"narrows a complaint source only", "仅适用于来源为投诉的措施"),
    (r"applies to survey sources \(item, dimension\) only", "仅适用于来源为问卷（题项、维度）的措施"),
    (r"an action cannot follow itself", "措施不能接续它自己"),
    (r"unknown action id", "未知的措施编号"),
]
ALIASES = {f.name: f.alias for fields in FIELDS.values() for f in fields}
_COMPILED = [(re.compile(pattern), template) for pattern, template in _ZH]


def _chinese(value: str) -> str:
    """The first Chinese spelling the loader accepts for a canonical value (人 for man)."""
    for spellings in ENUMS.values():
        for spelling, canonical in spellings.items():
            if canonical == value and not spelling.isascii():
                return spelling
    return value


def say(reason: str) -> str:
    """The reason in the interface's language (English as the pipelines word it)."""
    if lang() != "zh":
        return reason
    for pattern, template in _COMPILED:
        found = pattern.fullmatch(reason)
        if found:
            values = found.groupdict()
            if "allowed" in values:
                values["allowed"] = "、".join(_chinese(v) for v in re.split(r", | and ", values["allowed"]))
            if "field" in values:
                values["field"] = ALIASES.get(values["field"], values["field"])
            return template.format(**values)
    return reason


def report(exc, limit: int = 20) -> str:
    """A refused file's problems, one line each, in the interface's language."""
    shown = exc.problems[:limit]
    lines = [t("up.invalid", n=exc.total)]
    for p in shown:
        where = " · ".join(str(x) for x in (p.row and t("up.row", n=p.row), p.column) if x)
        value = f" {p.value!r}" if p.value is not None else ""
        lines.append(f"- {where}{value}: {say(p.reason)}" if where else f"- {say(p.reason)}{value}")
    if exc.total > len(shown):
        lines.append(f"- … {exc.total - len(shown):,}")
    return "\n".join(lines)
