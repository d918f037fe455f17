"""Each hook, exercised through a plugin registered like a third-party one."""

from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from salesnb.checks import Check
from salesnb.db import session_scope
from salesnb.models import BankTransaction, Lane, ProductionSlot
from salesnb.notify import Notifier, SendResult
from salesnb.notify.send import channel_types
from salesnb.plugins import get_plugin_manager, hookimpl
from salesnb.plugins.sources import read_source
from salesnb.timeutil import local_tz
from tests.notify.conftest import add_messages, deliver, rows_by_key

BUILTIN_TYPES = {"console", "wecom_robot", "wecom_app", "dingtalk", "feishu", "email"}


class MemoryNotifier(Notifier):
    """A channel type from a plugin: keeps messages in a list."""

    type = "memory"
    inbox: list = []

    def send(self, notification):
        self.inbox.append((self.channel.name, notification.subject, [p.user_id for p in notification.recipients]))
        return SendResult(self.channel.name)


class MemoryPlugin:
    @hookimpl
    def salesnb_channel_types(self):
        return [MemoryNotifier]


def test_hook_salesnb_channel_types(register_plugin, engine, tmp_path, fake_clock):
    assert set(channel_types()) == BUILTIN_TYPES
    register_plugin(MemoryPlugin(), name="memory-plugin")
    assert set(channel_types()) == BUILTIN_TYPES | {"memory"}
    MemoryNotifier.inbox = []
    add_messages(engine, 2, "mem", at=fake_clock.now(), recipients=["U1"])
    report = deliver(engine, tmp_path, {"mem": {"type": "memory"}}, fake_clock)
    assert report.sent == 2
    assert MemoryNotifier.inbox == [("mem", "提醒 msg-0", []), ("mem", "提醒 msg-1", [])]  # U1 is not in users

    class QuietConsole(MemoryNotifier):
        type = "console"

    class Override:
        @hookimpl
        def salesnb_channel_types(self):
            return [QuietConsole]

    register_plugin(Override(), name="console-override")
    assert channel_types()["console"] is QuietConsole  # a plugin's type wins over the built-in one


def test_hook_salesnb_send_notification(register_plugin, engine, users, tmp_path, fake_clock):
    """A plugin that intercepts every message to a 'staging' channel; others pass through to their notifier."""
    seen = []

    class Staging:
        @hookimpl
        def salesnb_send_notification(self, channel, notification, notifier):
            if channel.name != "staging":
                return None
            seen.append((notification.subject, notifier.type))
            return SendResult(channel.name, detail="captured")

    register_plugin(Staging(), name="staging-capture")
    log = tmp_path / "dev.log"
    add_messages(engine, 1, "staging", at=fake_clock.now(), prefix="a")
    add_messages(engine, 1, "dev", at=fake_clock.now(), prefix="b")
    channels = {"staging": {"type": "console", "path": str(tmp_path / "never.log")},
                "dev": {"type": "console", "path": str(log)}}
    assert deliver(engine, tmp_path, channels, fake_clock).sent == 2
    assert seen == [("提醒 a-0", "console")]
    assert not (tmp_path / "never.log").exists()
    assert "提醒 b-0" in log.read_text(encoding="utf-8")
    assert {r.status for r in rows_by_key(engine).values()} == {"sent"}


def _store_rows(engine):
    with session_scope(engine) as s:
        s.add_all([
            ProductionSlot(product_line="泵", date=date(2026, 3, 2), free_capacity=5),
            ProductionSlot(product_line="泵", date=date(2026, 3, 5), free_capacity=50),
            ProductionSlot(product_line="阀", date=date(2026, 3, 3), free_capacity=80),
            Lane(carrier="顺丰", dest_region="华东", transit_days=2),
            Lane(carrier="德邦", dest_region="华东", transit_days=4),
            Lane(carrier="德邦", dest_region="西南", transit_days=6),
            BankTransaction(txn_id="T1", booked_at=datetime(2026, 3, 1, 10, tzinfo=local_tz()), amount=Decimal("100.50"),
                            payer_name="甲公司", memo="INV-1", direction="in"),
            BankTransaction(txn_id="T2", booked_at=datetime(2026, 3, 2, 10, tzinfo=local_tz()), amount=Decimal("9.00"),
                            payer_name="乙公司", memo="手续费", direction="out"),
        ])


def test_hook_salesnb_read_source(register_plugin, engine):
    _store_rows(engine)
    slots = read_source(engine, "production_slots", product_line="泵", date_from=date(2026, 3, 1), min_capacity=10)
    assert slots[["product_line", "date", "free_capacity"]].values.tolist() == [["泵", date(2026, 3, 5), 50]]
    lanes = read_source(engine, "lanes", dest_region="华东")
    assert lanes[["carrier", "transit_days"]].values.tolist() == [["顺丰", 2], ["德邦", 4]]
    txns = read_source(engine, "bank_transactions", booked_from=datetime(2026, 3, 1, tzinfo=local_tz()),
                       booked_to=datetime(2026, 3, 2, tzinfo=local_tz()), direction="in")
    assert txns["txn_id"].tolist() == ["T1"] and txns["amount"].tolist() == [Decimal("100.50")]
    with pytest.raises(ValueError, match="unknown filter 'region' for lanes"):
        read_source(engine, "lanes", region="华东")

    class Erp:
        """An ERP source for production slots; lanes and bank lines still come from the store."""

        @hookimpl
        def salesnb_read_source(self, engine, table, filters):
            if table != "production_slots":
                return None
            return pd.DataFrame([{"product_line": filters["product_line"], "date": date(2026, 3, 9),
                                  "free_capacity": 999}])

    register_plugin(Erp(), name="erp-source")
    assert read_source(engine, "production_slots", product_line="阀")["free_capacity"].tolist() == [999]
    assert len(read_source(engine, "lanes")) == 3


def test_hook_salesnb_checks(register_plugin):
    class MoreChecks:
        @hookimpl
        def salesnb_checks(self):
            return [Check(name="plugin_check_example", table="orders", severity="info", owner=None,
                          rule={"field": "contract_id", "op": "is_null"})]

    register_plugin(MoreChecks(), name="more-checks")
    contributed = [c.name for result in get_plugin_manager().hook.salesnb_checks() for c in result]
    assert "plugin_check_example" in contributed
