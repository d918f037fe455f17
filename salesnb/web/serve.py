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
- a token required whenever the server listens on anything but localhost.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..config import Settings
from ..errors import SalesnbError
from ..widgets.protocol import plotly_js_name

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TEMPLATE = "salesnb"
# Labextensions the apps never use; skipping them keeps pages light (plotly alone is ~4 MB of JS).
UNUSED_EXTENSIONS = ("jupyterlab-plotly", "jupyterlab_pygments")


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
    token: str | None = None
    pool_size: int = 1
    apps_dir: Path = field(default_factory=default_apps_dir)
    base_url: str = "/"
    as_of: datetime | None = None  # a fixed clock for the apps (demos); None: the real time

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS


def resolve_token(options: ServeOptions, settings: Settings) -> str:
    """The token to require: none on localhost unless given; on other hosts the given one or a new one."""
    given = options.token or os.environ.get("SALESNB_TOKEN") or settings.section("serve").get("token")
    if given:
        return str(given)
    if options.is_local:
        return ""
    return secrets.token_urlsafe(24)


def kernel_environment(settings: Settings, as_of: datetime | None = None) -> dict[str, str]:
    """What the app kernels need to know: the store, the language, the time zone (and a fixed clock)."""
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
    return env


def voila_argv(options: ServeOptions, token: str) -> list[str]:
    """Command-line switches for ``voila.app.Voila`` (they win over any voila.json an admin may have)."""
    return [
        str(options.apps_dir),
        f"--Voila.ip={options.host}",
        f"--Voila.port={options.port}",
        f"--Voila.open_browser={options.open_browser}",
        f"--Voila.base_url={options.base_url}",
        f"--Voila.token={token}",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.classic_tree=True",
        f"--VoilaConfiguration.preheat_kernel={options.pool_size > 0}",
        f"--VoilaConfiguration.default_pool_size={options.pool_size}",
    ]


def voila_config(options: ServeOptions, settings: Settings):
    """The structured part of the configuration: kernel pools with their environment, skipped extensions.

    No secrets here: the database URL reaches the kernels through the
    server's environment (see :func:`prepare_environment`).
    """
    from traitlets.config import Config

    public_env = {k: v for k, v in kernel_environment(settings, options.as_of).items() if k != "SALESNB_DB_URL"}
    config = Config()
    config.VoilaConfiguration.extension_denylist = list(UNUSED_EXTENSIONS)
    config.VoilaKernelManager.kernel_pools_config = {
        "default": {"pool_size": options.pool_size, "kernel_env_variables": public_env},
    }
    config.VoilaKernelManager.default_env_variables = public_env
    config.VoilaKernelManager.fill_delay = 0.5
    # Kernels talk to the server over Unix sockets in Voila's private folder, not over local TCP ports.
    config.KernelManager.transport = "ipc"
    # Each open page holds its kernel; kernels of closed tabs are reclaimed after an idle hour.
    config.MappingKernelManager.cull_idle_timeout = 3600
    config.MappingKernelManager.cull_interval = 300
    return config


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
    os.environ.update(kernel_environment(settings, options.as_of))
    template_root = options.apps_dir / ".voila"
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
        raise SalesnbError(f"no Voila apps in {options.apps_dir} (expected index.ipynb there)")
    token = resolve_token(options, settings)
    prepare_environment(options, settings)
    from voila.app import Voila

    if token and (options.token is None and not os.environ.get("SALESNB_TOKEN")
                  and not settings.section("serve").get("token")):
        # A generated token must reach the person starting the server (like Jupyter's own startup line).
        print(f"salesnb serve: token required on {options.host}; open "
              f"http://{options.host}:{options.port}{options.base_url}?token={token}", file=sys.stderr, flush=True)
    Voila.launch_instance(argv=voila_argv(options, token), config=voila_config(options, settings))
