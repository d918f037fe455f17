"""Texts of import/export problems and reports, in zh-CN (default) and English."""

from __future__ import annotations

from ..i18n import register, t

register({
    "zh-CN": {
        "io.not_a_file": "文件不存在或不是文件",
        "io.no_header": "前 {rows} 行中没有找到表头（应包含某张标准表的列名，如 订单编号 / order_id）",
        "io.no_header_table": "前 {rows} 行中没有找到表 {table} 的表头",
        "io.unreadable_text": "无法读取该文本文件：{detail}",
        "io.unreadable_excel": "无法读取该 Excel 文件：{detail}",
        "io.unknown_table": "未知的表 {table}；可用：{known}",
        "io.no_files": "没有可导入的文件（支持 {suffixes}）",
        "io.missing_column": "缺少必填列：{zh}（{name}）",
        "io.required": "必填，不能为空",
        "io.too_long": "文字过长（最多 {limit} 个字符）",
        "io.unsafe_id": "编号中不能有路径分隔符（/ 或 \\）或控制字符、不可见字符",
        "io.expected.int": "应为整数",
        "io.expected.float": "应为数字",
        "io.expected.decimal": "应为金额，如 1234.50（最多两位小数）",
        "io.expected.bool": "应为 是/否（或 true/false、1/0、Y/N）",
        "io.expected.datetime": "应为日期时间，如 2026-11-27 09:30",
        "io.expected.date": "应为日期，如 2026-11-27",
        "io.expected.enum": "应为以下之一：{allowed}",
        "io.duplicate": "{label} {ident} 重复（首次出现在第 {first} 行）",
        "io.dangling": "{value} 在 {table} 中不存在（数据库和本次导入中都没有）",
        "io.too_many_rows": "超过 Excel 的行数上限（{limit} 行），请导出为 CSV",
        "io.not_select": "只能导出 SELECT 查询的结果",
        "io.query_failed": "查询失败：{detail}",
        "io.report.header": "文件\t表\t行数\t新增\t更新\t未变",
        "io.report.total": "合计：{rows} 行，新增 {inserted}，更新 {updated}，未变 {unchanged}（{seconds:.1f} 秒）",
        "io.report.skipped": "已跳过 {name}：{reason}",
        "io.weak_match": "大部分列不属于 {table} 表（如确为该表，请单独导入或使用 --table）",
        "io.export.done": "已导出 {rows} 行到 {path}",
    },
    "en": {
        "io.not_a_file": "no such file",
        "io.no_header": "no header row in the first {rows} rows (expected the column names of a canonical table, e.g. order_id / 订单编号)",
        "io.no_header_table": "no header row of table {table} in the first {rows} rows",
        "io.unreadable_text": "cannot read this text file: {detail}",
        "io.unreadable_excel": "cannot read this Excel file: {detail}",
        "io.unknown_table": "unknown table {table}; known: {known}",
        "io.no_files": "no files to import (supported: {suffixes})",
        "io.missing_column": "required column missing: {zh} ({name})",
        "io.required": "required value is empty",
        "io.too_long": "text too long (at most {limit} characters)",
        "io.unsafe_id": "an id cannot contain a path separator (/ or \\) or a control or invisible character",
        "io.expected.int": "expected a whole number",
        "io.expected.float": "expected a number",
        "io.expected.decimal": "expected an amount like 1234.50 (at most 2 decimals)",
        "io.expected.bool": "expected 是/否 (or true/false, 1/0, Y/N)",
        "io.expected.datetime": "expected a date and time like 2026-11-27 09:30",
        "io.expected.date": "expected a date like 2026-11-27",
        "io.expected.enum": "expected one of: {allowed}",
        "io.duplicate": "duplicate {label} {ident} (first in row {first})",
        "io.dangling": "{value} does not exist in {table} (neither in the database nor in this import)",
        "io.too_many_rows": "more rows than Excel allows ({limit}); export to CSV instead",
        "io.not_select": "only the result of a SELECT query can be exported",
        "io.query_failed": "query failed: {detail}",
        "io.report.header": "file\ttable\trows\tinserted\tupdated\tunchanged",
        "io.report.total": "total: {rows} rows, {inserted} inserted, {updated} updated, {unchanged} unchanged ({seconds:.1f} s)",
        "io.report.skipped": "skipped {name}: {reason}",
        "io.weak_match": "most columns are not columns of {table} (import it on its own or with --table if it is)",
        "io.export.done": "exported {rows} rows to {path}",
    },
})


def msg(message_id: str, /, **params) -> str:
    """The text for ``key`` in the current UI language."""
    return t(message_id, **params)
