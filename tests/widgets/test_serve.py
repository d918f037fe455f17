"""``salesnb serve``: Voila's configuration, sign-in, the Host allow-list (the real server: tests/browser)."""

import os
from pathlib import Path

import pytest

from salesnb.config import load_settings
from salesnb.errors import SalesnbError
from salesnb.web.cookies import safe_next
from salesnb.web.hosts import allowed_hosts, host_name
from salesnb.web.serve import (
    ServeOptions,
    default_apps_dir,
    check_options,
    host_allow_list,
    kernel_environment,
    prepare_environment,
    voila_argv,
    voila_config,
)
from salesnb.widgets.protocol import plotly_js_name


def settings(monkeypatch, url="postgresql+psycopg://app:s3cret@db/sales"):
    monkeypatch.setenv("SALESNB_DB_URL", url)
    return load_settings()


def test_single_person_mode_only_on_localhost(monkeypatch):
    s = settings(monkeypatch)
    check_options(ServeOptions(host="127.0.0.1", user="U01"))
    with pytest.raises(SalesnbError, match="0.0.0.0"):
        check_options(ServeOptions(host="0.0.0.0", user="U01"))
    assert kernel_environment(s, user="U01")["SALESNB_SINGLE_USER"] == "U01"
    assert "SALESNB_SINGLE_USER" not in kernel_environment(s)
    config = voila_config(ServeOptions(user="U01"), s)
    assert config.SessionIdentityProvider.single_user == "U01"
    assert config.VoilaConfiguration.http_header_envs == ["Cookie"]


def test_host_allow_list(monkeypatch):
    assert host_name("Example.COM:8866") == "example.com" and host_name("[::1]:8866") == "::1"
    local = allowed_hosts("127.0.0.1")
    assert {"127.0.0.1", "localhost", "::1"} <= local and "evil.example" not in local
    assert "10.0.0.5" in allowed_hosts("10.0.0.5")
    monkeypatch.setenv("SALESNB_CONFIG", "/nonexistent.toml")
    s = settings(monkeypatch)
    s.raw = {**s.raw, "serve": {"hosts": ["sales.example.cn"], "public_url": "https://crm.example.cn/"}}
    names = host_allow_list(ServeOptions(host="0.0.0.0"), s)
    assert {"sales.example.cn", "crm.example.cn", "localhost"} <= names and "evil.example" not in names


def test_redirects_after_sign_in_stay_on_the_site():
    assert safe_next("/voila/render/contracts.ipynb?item=K1") == "/voila/render/contracts.ipynb?item=K1"
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\\\\evil", "", None):
        assert safe_next(bad, "/home") == "/home"


def test_voila_is_standalone_preheated_stripped_and_quiet(monkeypatch):
    s = settings(monkeypatch)
    argv = voila_argv(ServeOptions(pool_size=2, port=9000), s)
    for flag in ("--VoilaConfiguration.strip_sources=True", "--VoilaConfiguration.show_tracebacks=False",
                 "--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=2",
                 "--Voila.port=9000", "--VoilaConfiguration.template=salesnb"):
        assert flag in argv
    config = voila_config(ServeOptions(pool_size=2), s)
    pools = config.VoilaKernelManager.kernel_pools_config
    assert pools["default"]["pool_size"] == 2
    env = pools["default"]["kernel_env_variables"]
    assert env["SALESNB_LANG"] == "zh-CN" and "SALESNB_DB_URL" not in env  # the password stays out of the config
    assert "jupyterlab-plotly" in config.VoilaConfiguration.extension_denylist
    assert config.VoilaExecutor.iopub_timeout >= 60  # a page's output is never dropped after 4 s (issue 16)
    # nor by ZeroMQ: the clients of the server's kernel managers receive without a limit
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    from salesnb.web.kernels import UnboundedIOPubClient

    kernels = AsyncMappingKernelManager(config=config)
    manager = kernels.kernel_manager_factory(connection_file="k.json", parent=kernels, kernel_name="python3")
    assert isinstance(manager.client(), UnboundedIOPubClient)
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


def test_a_folder_of_the_teams_own_notebooks_keeps_salesnbs_page_template(monkeypatch, tmp_path):
    """``--apps-dir`` / SALESNB_APPS_DIR with notebooks only: the kernels still get salesnb's template (without it
    preheated kernels never build their app)."""
    monkeypatch.setattr(os, "environ", os.environ.copy())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("JUPYTER_PATH", "")
    own = tmp_path / "apps"
    own.mkdir()
    (own / "index.ipynb").write_bytes((default_apps_dir() / "index.ipynb").read_bytes())
    prepare_environment(ServeOptions(apps_dir=own), settings(monkeypatch, url=f"sqlite:///{tmp_path / 'x.db'}"))
    template = Path(os.environ["JUPYTER_PATH"].split(os.pathsep)[0])
    assert template == default_apps_dir() / ".voila" and (template / "voila" / "templates" / "salesnb").is_dir()
    (own / ".voila").mkdir()  # a folder with a template of its own keeps it
    prepare_environment(ServeOptions(apps_dir=own), settings(monkeypatch, url=f"sqlite:///{tmp_path / 'x.db'}"))
    assert os.environ["JUPYTER_PATH"].split(os.pathsep)[0] == str(own / ".voila")


def test_an_unwritable_cache_makes_the_dashboard_send_plotly_inline(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "environ", os.environ.copy())
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.delenv("SALESNB_PLOTLY_INLINE", raising=False)
    prepare_environment(ServeOptions(), settings(monkeypatch, url=f"sqlite:///{tmp_path / 'x.db'}"))
    assert os.environ["SALESNB_PLOTLY_INLINE"] == "1"
    assert str(blocked) not in os.environ["JUPYTER_PATH"]


def test_kernel_pools_and_culling_come_from_the_configuration(monkeypatch, tmp_path):
    toml = tmp_path / "salesnb.toml"
    toml.write_text('[serve]\npool_size = 2\npools = {findings = 3, my_work = 0}\ncull_idle_minutes = 20\n'
                    'cull_connected = true\n', encoding="utf-8")
    monkeypatch.setenv("SALESNB_CONFIG", str(toml))
    s = settings(monkeypatch)
    config = voila_config(ServeOptions(), s)
    pools = {name: pool["pool_size"] for name, pool in config.VoilaKernelManager.kernel_pools_config.items()}
    assert pools == {"default": 2, "findings.ipynb": 3, "my_work.ipynb": 0}
    assert "--VoilaConfiguration.default_pool_size=2" in voila_argv(ServeOptions(), s)
    assert voila_config(ServeOptions(pool_size=1), s).VoilaKernelManager.kernel_pools_config["default"]["pool_size"] == 1
    kernels = config.MappingKernelManager
    assert (kernels.cull_idle_timeout, kernels.cull_interval, kernels.cull_connected) == (1200, 300, True)
    toml.write_text("[serve]\ncull_idle_minutes = -5\n", encoding="utf-8")
    with pytest.raises(SalesnbError, match="cull_idle_minutes"):
        voila_config(ServeOptions(), settings(monkeypatch))


def test_default_culling_keeps_open_pages(monkeypatch):
    config = voila_config(ServeOptions(), settings(monkeypatch))
    kernels = config.MappingKernelManager
    assert (kernels.cull_idle_timeout, kernels.cull_connected) == (3600, False)
    assert config.VoilaKernelManager.kernel_pools_config["default"]["pool_size"] == 1
