"""A third-party plugin installed as a distribution with a ``salesnb`` entry point is discovered."""

import sys
import textwrap

import pytest
from click.testing import CliRunner

from salesnb.cli import main
from salesnb.notify.send import channel_types
from salesnb.plugins import get_plugin_manager, list_plugins
from tests.notify.conftest import add_messages, deliver

PLUGIN = '''
from salesnb.notify import Notifier, SendResult
from salesnb.plugins import hookimpl

SENT = []


class Pager(Notifier):
    type = "pager"
    required_options = ("number",)

    def send(self, notification):
        SENT.append((self.option("number"), notification.subject))
        return SendResult(self.channel.name)


@hookimpl
def salesnb_channel_types():
    return [Pager]
'''


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """Install ``salesnb-pager`` 1.2.0 the way pip would lay it out: a module and its dist-info."""
    (tmp_path / "salesnb_pager.py").write_text(PLUGIN, encoding="utf-8")
    info = tmp_path / "salesnb_pager-1.2.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: salesnb-pager\nVersion: 1.2.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(textwrap.dedent("""\
        [salesnb]
        pager = salesnb_pager
        """), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    get_plugin_manager.cache_clear()
    yield
    get_plugin_manager.cache_clear()
    sys.modules.pop("salesnb_pager", None)


def test_entry_point_plugin_is_listed_with_its_version_and_hooks(installed_plugin):
    [row] = [r for r in list_plugins() if r["name"] == "pager"]
    assert row == {"name": "pager", "builtin": False, "version": "1.2.0", "hooks": ["salesnb_channel_types"]}
    result = CliRunner().invoke(main, ["plugins"])
    assert result.exit_code == 0, result.output
    assert "pager (version 1.2.0): salesnb_channel_types" in result.output


def test_entry_point_plugin_provides_a_channel_type(installed_plugin, sqlite_engine, tmp_path, fake_clock):
    assert "pager" in channel_types()
    add_messages(sqlite_engine, 1, "oncall", at=fake_clock.now())
    report = deliver(sqlite_engine, tmp_path, {"oncall": {"type": "pager", "number": "110"}}, fake_clock)
    assert report.sent == 1
    assert sys.modules["salesnb_pager"].SENT == [("110", "提醒 msg-0")]


def test_without_the_distribution_the_type_is_unknown():
    get_plugin_manager.cache_clear()
    assert "pager" not in channel_types()
    assert "pager" not in {r["name"] for r in list_plugins()}
