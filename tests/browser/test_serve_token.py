"""A real ``salesnb serve`` on all interfaces: nothing without the token (localhost needs none: every other
browser test runs without one)."""

import re

import httpx

from salesnb.web.background import BackgroundServer


def test_a_server_on_all_interfaces_requires_the_token(tmp_path, sqlite_template):
    with BackgroundServer(f"sqlite:///{sqlite_template}", host="0.0.0.0", pool_size=0,
                          log_path=tmp_path / "serve.log") as server:
        base = f"http://127.0.0.1:{server.port}/"
        token = re.search(r"\?token=([\w-]+)", server.log_text()).group(1)
        for path in ("", "voila/render/scorecard.ipynb"):
            refused = httpx.get(base + path, follow_redirects=False)
            assert refused.status_code == 302 and refused.headers["location"].startswith("/login?next=")
        allowed = httpx.get(f"{base}?token={token}", follow_redirects=False)
        assert allowed.status_code == 200 and "voila/render/index.ipynb" in allowed.text
    assert server.process is None
