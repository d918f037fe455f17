"""``salesnb serve`` in a child process, for tests, benchmarks and scripts."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Self

from ..errors import SalesnbError
from ..widgets.protocol import READY_MARK
from .serve import default_apps_dir


def app_notebooks(apps_dir: Path) -> list[str]:
    """The app notebooks Voila preheats (relative names, as in its log lines)."""
    return sorted(str(p.relative_to(apps_dir)) for p in apps_dir.rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts and not any(part.startswith(".") for part in p.parts))


def free_port() -> int:
    """A TCP port free on localhost right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BackgroundServer:
    """``salesnb serve`` in a child process, ready when every app's kernels are preheated.

    For tests, benchmarks and scripts::

        with BackgroundServer(db_url) as server:
            requests.get(server.url + "voila/render/index.ipynb")

    Parameters
    ----------
    db_url : str
        The store the apps use (passed in the child's environment).
    port : int, optional
        Defaults to a free port.
    pool_size : int
        Preheated kernels per app.
    env : dict, optional
        Extra environment (e.g. ``SALESNB_LANG``).
    log_path : Path, optional
        Where the server's output goes (default: a temporary file).
    """

    def __init__(self, db_url: str, *, port: int | None = None, pool_size: int = 1, host: str = "127.0.0.1",
                 env: dict[str, str] | None = None, log_path: Path | None = None,
                 apps_dir: Path | None = None, extra_args: tuple[str, ...] = ()):
        self.db_url = db_url
        self.port = port or free_port()
        self.pool_size = pool_size
        self.host = host
        self.env = env or {}
        self.apps_dir = apps_dir or default_apps_dir()
        self.log_path = log_path
        self.extra_args = extra_args
        self.process = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def sign_in(self, login: str, password: str) -> str:
        """Sign in through the sign-in form (as a browser would); return the session cookie's token."""
        import httpx

        from ..auth.sessions import COOKIE_NAME

        with httpx.Client(base_url=self.url, follow_redirects=False, timeout=60) as client:
            client.get("salesnb/signin")  # sets the _xsrf cookie the form posts back
            xsrf = client.cookies.get("_xsrf")
            answer = client.post("salesnb/signin", data={"login": login, "password": password, "_xsrf": xsrf})
            token = answer.cookies.get(COOKIE_NAME)
            if answer.status_code != 302 or not token:
                raise SalesnbError("serve.signin_failed", login=login, status=answer.status_code)
            return token

    def page_url(self, app: str, query: str = "") -> str:
        """URL of the Voila page of app ``app`` (e.g. ``"scorecard"``)."""
        return f"{self.url}voila/render/{app}.ipynb" + (f"?{query}" if query else "")

    def start(self, timeout: float = 180) -> Self:
        """Start the server and wait until every app has ``pool_size`` preheated kernels (or ``timeout`` seconds)."""
        import subprocess
        import tempfile
        import time

        if self.log_path is None:
            self.log_path = Path(tempfile.mkstemp(prefix="salesnb-serve-", suffix=".log")[1])
        env = {**os.environ, **self.env, "SALESNB_DB_URL": self.db_url}
        env.pop("SALESNB_SINGLE_USER", None)
        cmd = [sys.executable, "-c", "from salesnb.cli import main; main()", "serve", "--no-browser",
               "--host", self.host, "--port", str(self.port), "--pool-size", str(self.pool_size),
               "--apps-dir", str(self.apps_dir), *self.extra_args]
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log_text()
            if self.process.poll() is not None:
                raise SalesnbError(f"salesnb serve exited with {self.process.returncode}:\n{text[-3000:]}")
            if "is running at" in text and all(self.warm_kernels(app) >= self.pool_size for app in self.apps()):
                return self
            time.sleep(0.2)
        self.stop()
        raise SalesnbError(f"salesnb serve was not ready after {timeout:.0f} s; log in {self.log_path}")

    def apps(self) -> list[str]:
        """The app names (notebook names without ``.ipynb``)."""
        return [nb[:-len(".ipynb")] for nb in app_notebooks(self.apps_dir)]

    def warm_kernels(self, app: str) -> int:
        """How many kernels of ``app`` have been preheated so far (used or not)."""
        return self.log_text().count(f"{READY_MARK} app={app} ")

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path else ""

    def stop(self) -> None:
        """Stop the server (SIGTERM lets Voila shut its kernels down) and wait for it."""
        import subprocess

        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        self.process = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
