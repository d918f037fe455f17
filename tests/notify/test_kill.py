"""A flushing process is SIGKILLed mid-delivery; a rerun sends each remaining message once, none twice."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from salesnb.cli import main
from salesnb.db import make_engine
from salesnb.notify import flush
from tests.fakeservers import FakeWeCom

from .conftest import add_messages, make_settings, rows_by_key

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args, env):
    return subprocess.Popen([sys.executable, "-c", "from salesnb.cli import main; main()", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigkill_mid_flush_then_rerun_sends_each_remaining_message_once(db_url, users, tmp_path):
    engine = make_engine(db_url)
    from salesnb.timeutil import now

    add_messages(engine, 6, "robot", at=now())
    with FakeWeCom() as server:
        config = tmp_path / "salesnb.toml"
        config.write_text(f'[channels.robot]\ntype = "wecom_robot"\nkey = "robot-key"\nbase_url = "{server.url}"\n',
                          encoding="utf-8")
        env = {**os.environ, "SALESNB_CONFIG": str(config), "SALESNB_DB_URL": db_url, "SALESNB_HOME": str(tmp_path)}
        server.hold_after(2)  # the third request stays in flight…
        flusher = run_cli(["notify", "flush"], env)
        try:
            assert server.holding.wait(60), flusher.communicate(timeout=5)
        finally:
            os.kill(flusher.pid, signal.SIGKILL)  # …and the flusher dies waiting for the answer
            flusher.wait(30)
        server.release()  # the server never acted on the half-done request
        rows = rows_by_key(engine)
        assert [rows[f"msg-{i}"].status for i in range(6)] == ["sent", "sent", "sending", "pending", "pending", "pending"]
        assert len(server.messages) == 2
        server.recover()

        # a normal rerun leaves the dead process's claim alone until it is stale …
        settings = make_settings(tmp_path, channels={"robot": {"type": "wecom_robot", "key": "robot-key",
                                                               "base_url": server.url}})
        assert flush(engine, settings).sent == 3
        assert rows_by_key(engine)["msg-2"].status == "sending"
        # … and then takes it over (the command in this process: only the killed flusher needs its own)
        rerun = CliRunner().invoke(main, ["notify", "flush", "--stale-after", "0"], env=env)
        assert rerun.exit_code == 0, rerun.output
        assert "已发送 1" in rerun.output
    rows = rows_by_key(engine)
    assert {r.status for r in rows.values()} == {"sent"}
    assert rows["msg-2"].attempts == 2
    for i in range(6):
        assert server.count(f"请处理 msg-{i}\n") == 1, server.texts()
    assert len(server.messages) == 6
    engine.dispose()
