"""Errors of templates, schedules and bundles (zh-CN, English)."""

from __future__ import annotations

from ..i18n import register

register({
    "zh-CN": {
        "runs.no_notebook": "笔记本 {path} 不存在",
        "runs.bundle.no_manifest": "{path}：不是 salesnb 模板包（缺少 manifest.json）",
        "runs.bundle.format": "{path}：不是 salesnb 模板包（格式 {format}）",
        "runs.bundle.newer": "{path}：模板包版本 {version} 比当前 salesnb 支持的版本（{supported}）新，请升级 salesnb",
        "runs.bundle.part": "{path}：{name} 必须是对象列表",
        "runs.bundle.unreadable": "{path}：无法读取的模板包（{kind}：{reason}）",
        "runs.bundle.invalid": "模板包中有无效条目，未导入任何内容：\n{problems}",
        "runs.bundle.holiday_day": "假日 {item}：日期应为 2027-02-06 这样的格式",
        "runs.bundle.holiday_kind": "假日 {day}：类型必须是 holiday 或 workday",
        "runs.bundle.conflicts": "{count} 个条目与本数据库中的不同：{names}；未导入任何内容（用 --overwrite 覆盖）",
        "runs.template.no_file": "模板笔记本 {path} 不存在",
        "runs.template.unknown": "没有名为 {name} 的模板；已有模板：{known}",
        "runs.template.no_parameters": "{notebook} 没有参数 {unknown}；它接受的参数：{declared}",
        "runs.template.bad_value": "参数值 {value} 不是 {kind}",
        "runs.template.no_parameters_cell": "这个笔记本没有标记为 parameters 的单元格",
        "runs.template.exists": "{path} 已存在；用 --overwrite 覆盖",
        "runs.schedule.spec": "[schedule] {name}：应为 cron 字符串，或带 cron = \"…\" 的表",
        "runs.schedule.cron": "[schedule] {name}：无效的 cron 表达式 {cron}",
        "runs.schedule.catchup": "[schedule] {name}：catchup 必须是 \"latest\" 或 \"all\"，收到 {value}",
        "runs.schedule.no_jobs": "[schedule] 中没有任务；请在 salesnb.toml 中加入，例如 daily_checks = \"0 7 * * *\"",
    },
    "en": {
        "runs.no_notebook": "notebook {path} does not exist",
        "runs.bundle.no_manifest": "{path}: not a salesnb bundle (no manifest.json)",
        "runs.bundle.format": "{path}: not a salesnb bundle (format {format})",
        "runs.bundle.newer": "{path}: bundle version {version} is newer than this salesnb understands ({supported}); "
                             "upgrade salesnb",
        "runs.bundle.part": "{path}: {name} must be a list of objects",
        "runs.bundle.unreadable": "{path}: not a readable bundle ({kind}: {reason})",
        "runs.bundle.invalid": "the bundle has invalid items; nothing was imported:\n{problems}",
        "runs.bundle.holiday_day": "holiday {item}: day must be a date like 2027-02-06",
        "runs.bundle.holiday_kind": "holiday {day}: kind must be holiday or workday",
        "runs.bundle.conflicts": "{count} item(s) differ from what this database has: {names}; "
                                 "nothing was imported (use --overwrite to replace them)",
        "runs.template.no_file": "template notebook {path} does not exist",
        "runs.template.unknown": "no template named {name}; known templates: {known}",
        "runs.template.no_parameters": "{notebook} has no parameter(s) {unknown}; it takes: {declared}",
        "runs.template.bad_value": "parameter value {value} is not a {kind}",
        "runs.template.no_parameters_cell": "the notebook has no cell tagged 'parameters'",
        "runs.template.exists": "{path} exists; pass --overwrite to replace it",
        "runs.schedule.spec": "[schedule] {name}: expected a cron string or a table with cron = \"…\"",
        "runs.schedule.cron": "[schedule] {name}: invalid cron expression {cron}",
        "runs.schedule.catchup": "[schedule] {name}: catchup must be \"latest\" or \"all\", got {value}",
        "runs.schedule.no_jobs": "no jobs in [schedule]; add e.g. daily_checks = \"0 7 * * *\" to salesnb.toml",
    },
})
