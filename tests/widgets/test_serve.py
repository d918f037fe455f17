"""``salesnb serve``: Voila's configuration and the token rule (the real server: tests/browser)."""

import os
from pathlib import Path

from salesnb.config import load_settings
from salesnb.web.serve import (
    ServeOptions,
    kernel_environment,
    prepare_environment,
    resolve_token,
    voila_argv,
    voila_config,
)
from salesnb.widgets.protocol import plotly_js_name


def settings(monkeypatch, url="postgresql+psycopg://app:s3cret@db/sales"):
    monkeypatch.setenv("SALESNB_DB_URL", url)
    monkeypatch.delenv("SALESNB_TOKEN", raising=False)
    return load_settings()


def test_token_only_off_localhost(monkeypatch):
    s = settings(monkeypatch)
    assert resolve_token(ServeOptions(host="127.0.0.1"), s) == ""
    assert resolve_token(ServeOptions(host="localhost", token="given"), s) == "given"
    generated = resolve_token(ServeOptions(host="0.0.0.0"), s)
    assert len(generated) >= 24 and generated != resolve_token(ServeOptions(host="0.0.0.0"), s)
    monkeypatch.setenv("SALESNB_TOKEN", "from-env")
    assert resolve_token(ServeOptions(host="192.168.1.5"), s) == "from-env"


def test_voila_is_standalone_preheated_stripped_and_quiet(monkeypatch):
    s = settings(monkeypatch)
    argv = voila_argv(ServeOptions(pool_size=2, port=9000), "tok")
    for flag in ("--VoilaConfiguration.strip_sources=True", "--VoilaConfiguration.show_tracebacks=False",
                 "--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=2",
                 "--Voila.token=tok", "--Voila.port=9000", "--VoilaConfiguration.template=salesnb"):
        assert flag in argv
    config = voila_config(ServeOptions(pool_size=2), s)
    pools = config.VoilaKernelManager.kernel_pools_config
    assert pools["default"]["pool_size"] == 2
    env = pools["default"]["kernel_env_variables"]
    assert env["SALESNB_LANG"] == "zh-CN" and "SALESNB_DB_URL" not in env  # the password stays out of the config
    assert "jupyterlab-plotly" in config.VoilaConfiguration.extension_denylist
    assert kernel_environment(s)["SALESNB_DB_URL"] == "postgresql+psycopg://app:s3cret@db/sales"
    assert not any("s3cret" in a for a in argv)


def test_a_fixed_clock_reaches_the_kernels(monkeypatch):
    from datetime import datetime

    from salesnb.timeutil import local_tz

    s = settings(monkeypatch)
    at = datetime(2026, 3, 16, 10, 0, tzinfo=local_tz())
    assert kernel_environment(s, at)["SALESNB_AS_OF"] == "2026-03-16T10:00:00+08:00"
    env = voila_config(ServeOptions(as_of=at), s).VoilaKernelManager.kernel_pools_config["default"]
    assert env["kernel_env_variables"]["SALESNB_AS_OF"] == "2026-03-16T10:00:00+08:00"
    assert "SALESNB_AS_OF" not in kernel_environment(s)


def test_plotly_js_is_a_static_file_of_the_template(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "environ", os.environ.copy())  # prepare_environment sets the server's variables
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("JUPYTER_PATH", "")
    s = settings(monkeypatch, url=f"sqlite:///{tmp_path / 'x.db'}")
    prepare_environment(ServeOptions(), s)
    roots = os.environ["JUPYTER_PATH"].split(os.pathsep)
    static = Path(roots[1]) / "voila" / "templates" / "salesnb" / "static"
    copied = static / plotly_js_name()
    assert copied.stat().st_size > 1_000_000 and copied.read_bytes()[:200].lstrip().startswith(b"/**")
    assert roots[0].endswith(".voila") and [p.name for p in static.iterdir()] == [copied.name]  # no partial left
    prepare_environment(ServeOptions(), s)  # a second start reuses the copy
    assert [p.name for p in static.iterdir()] == [copied.name]
    # Voila finds the file among the salesnb template's static files
    from voila.static_file_handler import TemplateStaticFileHandler

    assert Path(TemplateStaticFileHandler.get_absolute_path("", f"salesnb/static/{copied.name}")) == copied


def test_an_unwritable_cache_makes_the_dashboard_send_plotly_inline(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "environ", os.environ.copy())
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.delenv("SALESNB_PLOTLY_INLINE", raising=False)
    prepare_environment(ServeOptions(), settings(monkeypatch, url=f"sqlite:///{tmp_path / 'x.db'}"))
    assert os.environ["SALESNB_PLOTLY_INLINE"] == "1"
    assert str(blocked) not in os.environ["JUPYTER_PATH"]
