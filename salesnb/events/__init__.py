"""Inbound events: the platforms' signed, encrypted callbacks and the generic signed webhook.

Verification and decryption are pure functions per source (:mod:`.wecom`, :mod:`.dingtalk`,
:mod:`.feishu`, :mod:`.generic`); :mod:`.store` records each accepted event once (by source and id) and
applies it in the same transaction.  The tornado handlers are :mod:`salesnb.web.events`.
"""
