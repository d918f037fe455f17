"""Local servers that answer like WeCom, DingTalk, Feishu and an SMTP server, for any test.

Use them as context managers (``with FakeWeCom() as wecom: … wecom.url``) or
through the pytest fixtures in :mod:`tests.fakeservers.fixtures` (import
them into a ``conftest.py``).  They deliver into ``.messages`` and can be
told to fail: see :class:`tests.fakeservers.base.FakeServer`.
"""

from .base import FakeServer, Reply, Request
from .clock import FakeClock
from .dingtalk import FakeDingTalk
from .feishu import FakeFeishu
from .smtp import FakeSMTP
from .wecom import FakeWeCom

__all__ = ["FakeServer", "Reply", "Request", "FakeClock", "FakeWeCom", "FakeDingTalk", "FakeFeishu", "FakeSMTP"]
