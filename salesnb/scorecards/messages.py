"""zh-CN / English texts of the scorecards."""

from ..i18n import register

register({
    "zh-CN": {
        "scorecard.no_lead": "没有线索 {lead}",
        "scorecard.new_lead_needs": "新线索需要填写 {columns}",
        "scorecard.unknown": "没有评分卡 {name}",
        "scorecard.unknown_version": "没有评分卡 {name} 的第 {version} 版",
        "scorecard.incomplete": "评分卡未填写完整，不能保存线索 {lead_id}：",
        "scorecard.missing": "缺少必填项「{label}」",
        "scorecard.invalid": "「{label}」的值 {value!r} 无效：{reason}",
        "scorecard.reason.yes_no": "请选择 是 或 否",
        "scorecard.reason.option": "请从下拉选项中选择（{options}）",
        "scorecard.reason.number": "请填写数字",
        "scorecard.reason.text": "请填写文字",
        "scorecard.unknown_field": "评分卡没有「{name}」这一项",
        "scorecard.notify.subject": "A 级线索：{lead_id}（{customer}）",
        "scorecard.notify.body": "{owner} 的线索 {lead_id}（客户 {customer}）按「{card}」评为 A 级，已加入「{pool}」，请跟进资源投入。",
        "scorecard.pool.reason": "「{card}」第 {version} 版评为 {grade} 级",
    },
    "en": {
        "scorecard.no_lead": "no lead {lead}",
        "scorecard.new_lead_needs": "a new lead needs {columns}",
        "scorecard.unknown": "no scorecard {name}",
        "scorecard.unknown_version": "no scorecard {name} version {version}",
        "scorecard.incomplete": "The scorecard is incomplete; lead {lead_id} cannot be saved:",
        "scorecard.missing": "missing required field “{label}”",
        "scorecard.invalid": "“{label}”: {value!r} is not valid: {reason}",
        "scorecard.reason.yes_no": "choose yes or no",
        "scorecard.reason.option": "choose one of the options ({options})",
        "scorecard.reason.number": "enter a number",
        "scorecard.reason.text": "enter text",
        "scorecard.unknown_field": "the scorecard has no field “{name}”",
        "scorecard.notify.subject": "Grade A lead: {lead_id} ({customer})",
        "scorecard.notify.body": "{owner}'s lead {lead_id} (customer {customer}) is grade A on “{card}” and was added to “{pool}”.",
        "scorecard.pool.reason": "graded {grade} by “{card}” version {version}",
    },
})
