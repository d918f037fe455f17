"""Texts of the sync: errors, reports and warnings, in zh-CN (default) and English."""

from __future__ import annotations

from ..i18n import register

register({
    "zh-CN": {
        "sync.no_sources": "salesnb.toml 中没有配置同步来源（[sync.名称]，"
                           "type = \"sql\" / \"http_json\" / \"folder\" / …）",
        "sync.unknown_source": "没有名为 {name} 的同步来源；已配置：{known}",
        "sync.unknown_type": "同步来源 {name} 的类型 {type} 未知；可用：{known}",
        "sync.missing_option": "同步来源 {name} 缺少设置 {option}",
        "sync.bad_option": "同步来源 {name} 的设置 {option} 不可用：{detail}",
        "sync.missing_env": "同步来源 {name} 的设置引用了环境变量 {var}，但它没有设置",
        "sync.unknown_table": "同步来源 {name} 的数据流 {stream} 对应的表 {table} 不是标准表",
        "sync.read_failed": "读取 {source}/{stream} 失败：{detail}",
        "sync.http_failed": "请求 {url} 失败（已重试 {attempts} 次）：{detail}",
        "sync.api_error": "{url} 返回错误 {code}：{message}",
        "sync.bad_rows": "{source}/{stream}：{total} 个问题，本批未写入任何数据",
        "sync.row_problem": "{source}/{stream} 键 {row_key} 列 {column}：{message}",
        "sync.file_failed": "{source}：文件 {file} 未导入：{detail}",
        "sync.vanished": "{source}/{stream}：{count} 行在库中但来源里已没有（未删除）：{keys}",
        "sync.report.line": "{source}/{stream} → {table}：读取 {rows}，新增 {inserted}，更新 {updated}，未变 {unchanged}{extra}",
        "sync.report.dry": "（试运行，未写入）",
        "sync.report.error": "⚠ {source}/{stream}：{error}",
        "sync.report.total": "合计：读取 {rows} 行，新增 {inserted}，更新 {updated}，未变 {unchanged}",
        "sync.report.seconds": "（{seconds:.1f} 秒）",
        "sync.status.line": "{source}/{stream}\t{table}\t{status}\t{when}\t读取 {rows}（新增 {inserted}，更新 {updated}）"
                            "\t来源已删除 {vanished}",
        "sync.status.none": "还没有同步记录",
        "sync.archive_no_key": "同步来源 {name}：消息 {msgid} 用第 {version} 版公钥加密，但没有配置该版本的私钥"
                               "（private_keys）",
        "sync.archive_decrypt": "同步来源 {name}：无法用第 {version} 版私钥解开消息 {msgid} 的 encrypt_random_key"
                                "（私钥与企业微信后台的公钥不配对？）",
        "sync.archive_bridge_decrypt": "同步来源 {name}：解密服务无法解开消息 {msgid}（错误 {code}：{message}）"
                                       "；第 {version} 版私钥与企业微信后台的公钥配对吗？",
        "sync.archive_bad_message": "同步来源 {name}：消息 {msgid} 缺少或无法读取 {field}",
    },
    "en": {
        "sync.no_sources": "no sync sources in salesnb.toml "
                           "([sync.NAME] with type = \"sql\" / \"http_json\" / \"folder\" / …)",
        "sync.unknown_source": "no sync source named {name}; configured: {known}",
        "sync.unknown_type": "sync source {name} has unknown type {type}; known: {known}",
        "sync.missing_option": "sync source {name} needs the setting {option}",
        "sync.bad_option": "sync source {name}: setting {option} cannot be used: {detail}",
        "sync.missing_env": "sync source {name} names the environment variable {var}, which is not set",
        "sync.unknown_table": "sync source {name}, stream {stream}: {table} is not a canonical table",
        "sync.read_failed": "reading {source}/{stream} failed: {detail}",
        "sync.http_failed": "request to {url} failed ({attempts} attempts): {detail}",
        "sync.api_error": "{url} answered error {code}: {message}",
        "sync.bad_rows": "{source}/{stream}: {total} problem(s); nothing of this batch was written",
        "sync.row_problem": "{source}/{stream} key {row_key} column {column}: {message}",
        "sync.file_failed": "{source}: file {file} not imported: {detail}",
        "sync.vanished": "{source}/{stream}: {count} row(s) in the store are gone from the source "
                         "(not deleted): {keys}",
        "sync.report.line": "{source}/{stream} → {table}: read {rows}, inserted {inserted}, updated {updated}, "
                            "unchanged {unchanged}{extra}",
        "sync.report.dry": " (dry run, nothing written)",
        "sync.report.error": "⚠ {source}/{stream}: {error}",
        "sync.report.total": "total: read {rows}, inserted {inserted}, updated {updated}, unchanged {unchanged}",
        "sync.report.seconds": " ({seconds:.1f} s)",
        "sync.status.line": "{source}/{stream}\t{table}\t{status}\t{when}\tread {rows} (inserted {inserted}, "
                            "updated {updated})\tgone from source {vanished}",
        "sync.status.none": "no sync has run yet",
        "sync.archive_no_key": "sync source {name}: message {msgid} is encrypted with public key version {version}, "
                               "but no private key of that version is configured (private_keys)",
        "sync.archive_decrypt": "sync source {name}: the encrypt_random_key of message {msgid} cannot be decrypted "
                                "with the version {version} private key (does it pair with the public key set in "
                                "WeCom?)",
        "sync.archive_bridge_decrypt": "sync source {name}: the bridge could not decrypt message {msgid} (error "
                                       "{code}: {message}); does the version {version} private key pair with the "
                                       "public key set in WeCom?",
        "sync.archive_bad_message": "sync source {name}: message {msgid} lacks a readable {field}",
    },
})
