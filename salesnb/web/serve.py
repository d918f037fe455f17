"""``salesnb serve``: the Voila apps, served by a standalone Voila server.

Voila runs as its own server (not a Jupyter server extension) over the
``voila_apps/`` folder with:

- preheated kernels (``VoilaConfiguration.preheat_kernel`` and a pool per
  notebook in ``VoilaKernelManager.kernel_pools_config``), so a page opens on
  a kernel that has already imported everything;
- sources stripped and tracebacks hidden (users see the apps, never code);
- the salesnb page template (``voila_apps/.voila``: offline, Chinese font),
  with plotly.js as one of its static files (the dashboard loads it as a
  browser-cached file instead of receiving 4 MB through the kernel);
- the database URL, language and time zone handed to the kernels through
  their environment (never on a command line);
- sign-in required on every page, localhost included (:mod:`salesnb.web.app`):
  the kernels learn the request's ``Cookie`` header (``http_header_envs``)
  and look the session up in the database themselves; a single-person mode
  (``--user``) exists only on localhost;
- a Host allow-list (:mod:`salesnb.web.hosts`) refusing other host names.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError, SalesnbError, shorten
from ..widgets.protocol import plotly_js_name
from . import messages  # noqa: F401  (registers the texts)
from .hosts import allowed_hosts

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TEMPLATE = "salesnb"
# Labextensions the apps never use; skipping them keeps pages light (plotly alone is ~4 MB of JS).
UNUSED_EXTENSIONS = ("jupyterlab-plotly", "jupyterlab_pygments")
# How long a page's kernel may take to deliver a cell's output after the cell finished (see voila_config).
IOPUB_TIMEOUT_SECONDS = 300


def default_apps_dir() -> Path:
    """``$SALESNB_APPS_DIR``, else the ``voila_apps`` folder of the source tree."""
    explicit = os.environ.get("SALESNB_APPS_DIR")
    if explicit:
        return Path(explicit)
    return Path(__file__).resolve().parents[2] / "voila_apps"


@dataclass
class ServeOptions:
    """How to serve the apps."""

    host: str = "127.0.0.1"
    port: int = 8866
    open_browser: bool = True
    user: str | None = None  # single-person mode (localhost only): every page acts as this user
    pool_size: int | None = None  # preheated kernels per app; None: [serve] pool_size, else 1
    apps_dir: Path = field(default_factory=default_apps_dir)
    base_url: str = "/"
    as_of: datetime | None = None  # a fixed clock for the apps (demos); None: the real time

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS


def check_options(options: ServeOptions) -> None:
    """Refuse single-person mode anywhere but localhost."""
    if options.user and not options.is_local:
        raise SalesnbError("serve.single_user_local", host=options.host)


def host_allow_list(options: ServeOptions, settings: Settings) -> frozenset[str]:
    """The host names the server answers to (``[serve] hosts`` and ``public_url`` add to the defaults)."""
    section = settings.section("serve")
    configured = section.get("hosts") or []
    if isinstance(configured, str):
        configured = [h.strip() for h in configured.split(",")]
    return allowed_hosts(options.host, configured, section.get("public_url"))


def kernel_environment(settings: Settings, as_of: datetime | None = None, user: str | None = None) -> dict[str, str]:
    """What the app kernels need to know: the store, the language, the time zone (a fixed clock, the single user)."""
    env = {
        "SALESNB_DB_URL": settings.db_url,
        "SALESNB_LANG": settings.language,
        "SALESNB_TZ": settings.timezone,
        "SALESNB_APP": "1",
    }
    if settings.source is not None:
        env["SALESNB_CONFIG"] = str(Path(settings.source).resolve())
    if as_of is not None:
        env["SALESNB_AS_OF"] = as_of.isoformat()
    if user:
        env["SALESNB_SINGLE_USER"] = user
    return env


def voila_argv(options: ServeOptions, settings: Settings) -> list[str]:
    """Command-line switches for ``voila.app.Voila`` (they win over any voila.json an admin may have)."""
    kernels = kernel_settings(options, settings)
    return [
        str(options.apps_dir),
        f"--Voila.ip={options.host}",
        f"--Voila.port={options.port}",
        f"--Voila.open_browser={options.open_browser}",
        f"--Voila.base_url={options.base_url}",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.classic_tree=True",
        f"--VoilaConfiguration.preheat_kernel={any(kernels.pools.values())}",
        f"--VoilaConfiguration.default_pool_size={kernels.pools['default']}",
    ]


def voila_config(options: ServeOptions, settings: Settings):
    """The structured part of the configuration: kernel pools with their environment, skipped extensions.

    No secrets here: the database URL reaches the kernels through the
    server's environment (see :func:`prepare_environment`).
    """
    from traitlets.config import Config

    public_env = {k: v for k, v in kernel_environment(settings, options.as_of, options.user).items()
                  if k != "SALESNB_DB_URL"}
    config = Config()
    # The kernels learn the request's cookies and check the session in the database themselves.
    config.VoilaConfiguration.http_header_envs = ["Cookie"]
    config.SalesnbVoila.allowed_hosts = sorted(host_allow_list(options, settings))
    config.SessionIdentityProvider.single_user = options.user or ""
    config.SessionIdentityProvider.session_hours = float(settings.section("auth").get("session_hours", 12.0))
    config.VoilaConfiguration.extension_denylist = list(UNUSED_EXTENSIONS)
    kernels = kernel_settings(options, settings)
    config.VoilaKernelManager.kernel_pools_config = {
        name: {"pool_size": size, "kernel_env_variables": public_env} for name, size in kernels.pools.items()}
    config.VoilaKernelManager.default_env_variables = public_env
    config.VoilaKernelManager.fill_delay = 0.5
    # Upstream (nbclient, used by Voila 0.5's VoilaExecutor): once a cell's execute_reply arrives, the executor
    # waits only ``iopub_timeout`` (4 s) for the cell's remaining IOPub messages, then stops collecting them
    # and drops the rest without an error.  An app notebook's one output (the widget's display) comes last, so
    # when several preheated pages build at once while the pools refill (issue 16) it came late and pages were
    # served as empty frames.  The wait ends as soon as the kernel reports idle, and a kernel that dies is
    # noticed by nbclient's once-a-second check, so a long bound costs nothing on the normal path.
    config.VoilaExecutor.iopub_timeout = IOPUB_TIMEOUT_SECONDS
    # ... and none of that output is dropped on the way (see salesnb.web.kernels).
    config.AsyncKernelManager.client_class = "salesnb.web.kernels.UnboundedIOPubClient"
    # Kernels talk to the server over Unix sockets in Voila's private folder, not over local TCP ports.
    config.KernelManager.transport = "ipc"
    # Each open page holds its kernel; kernels of closed tabs (and, if configured, of idle open ones) are reclaimed.
    config.MappingKernelManager.cull_idle_timeout = kernels.cull_idle_seconds
    config.MappingKernelManager.cull_interval = kernels.cull_interval_seconds
    config.MappingKernelManager.cull_connected = kernels.cull_connected
    return config


@dataclass(frozen=True)
class KernelSettings:
    """How many kernels are kept warm per app and when idle ones are culled (``[serve]``)."""

    pools: dict[str, int]  # "default" and app notebooks ("findings.ipynb") → preheated kernels
    cull_idle_seconds: int
    cull_interval_seconds: int
    cull_connected: bool


def kernel_settings(options: ServeOptions, settings: Settings) -> KernelSettings:
    """``--pool-size`` or ``[serve] pool_size`` (default 1) for every app, ``[serve] pools`` per app
    (``{findings = 2, my_work = 3}``), ``cull_idle_minutes`` (60; 0 never), ``cull_interval_minutes`` (5)
    and ``cull_connected`` (false: a kernel with its page open is kept however long it is idle)."""
    section = settings.section("serve")
    default = options.pool_size if options.pool_size is not None else _whole(section, "pool_size", 1)
    pools = {"default": default}
    per_app = section.get("pools") or {}
    if not isinstance(per_app, dict):
        raise ConfigError("serve.bad_setting", setting="pools", value=shorten(repr(per_app)))
    for app, size in per_app.items():
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= 16:
            raise ConfigError("serve.bad_setting", setting=f"pools.{app}", value=shorten(repr(size)))
        pools[app if app.endswith(".ipynb") else f"{app}.ipynb"] = size
    return KernelSettings(pools, 60 * _whole(section, "cull_idle_minutes", 60),
                          60 * max(1, _whole(section, "cull_interval_minutes", 5)),
                          bool(section.get("cull_connected", False)))


def _whole(section: dict, key: str, default: int) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError("serve.bad_setting", setting=key, value=shorten(repr(value)))
    return value


def static_files_root() -> Path:
    """A Jupyter data folder adding files the apps need to the salesnb template's static files.

    Voila looks for a template's static files under every Jupyter path, so
    plotly.js is copied (once per plotly version) from the plotly package to
    ``<cache>/salesnb/jupyter/voila/templates/salesnb/static/`` rather than
    into the source tree.
    """
    from importlib.resources import files

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    root = cache / "salesnb" / "jupyter"
    static = root / "voila" / "templates" / TEMPLATE / "static"
    target = static / plotly_js_name()
    source = files("plotly") / "package_data" / "plotly.min.js"
    if not target.exists():
        static.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")
        with source.open("rb") as src, partial.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        partial.replace(target)  # atomic: two servers starting at once never serve half a file
    return root


def prepare_environment(options: ServeOptions, settings: Settings) -> None:
    """Put the kernel settings in this process's environment (kernels inherit it) and find the template."""
    os.environ.pop("SALESNB_SINGLE_USER", None)  # only --user sets it, never an inherited environment
    os.environ.update(kernel_environment(settings, options.as_of, options.user))
    template_root = options.apps_dir / ".voila"
    if not template_root.is_dir():  # a folder of the team's own notebooks: salesnb's page template still applies
        template_root = default_apps_dir() / ".voila"
    try:
        static_root = str(static_files_root())
    except OSError as exc:  # e.g. a read-only home: the dashboard then sends plotly.js inline
        print(f"salesnb serve: cannot cache plotly.js ({exc}); the dashboard sends it inline", file=sys.stderr)
        static_root = ""
        os.environ["SALESNB_PLOTLY_INLINE"] = "1"
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(template_root), static_root, os.environ.get("JUPYTER_PATH", "")) if p)
    if not options.is_local and options.host not in ("0.0.0.0", "::", ""):
        # Preheated kernels call back to the server to learn about the page request.
        os.environ["VOILA_APP_IP"] = options.host


def serve(settings: Settings, options: ServeOptions) -> None:
    """Run the Voila server until interrupted (blocking)."""
    if not (options.apps_dir / "index.ipynb").exists():
        raise SalesnbError("serve.no_apps", folder=str(options.apps_dir))
    check_options(options)
    prepare_environment(options, settings)
    from .app import SalesnbVoila

    SalesnbVoila.launch_instance(argv=voila_argv(options, settings), config=voila_config(options, settings))
