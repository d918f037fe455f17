"""Every user-facing text exists in zh-CN and English, and every key a module uses is registered by a module it imports.

Keys are registered with ``salesnb.i18n.register({...})`` next to the code
that uses them.  A key used in a module but registered only in a module the
caller does not import shows as the bare key when that caller runs alone
(e.g. in an app kernel that never imported the registering module).  Both are
checked statically, from the source: literal keys passed to ``t(...)``, to
``*Error("...")`` constructors and to ``msg(...)``.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re

import pytest

import salesnb
from salesnb.i18n import _catalog

from .test_layout import GRAPH, MODULES, _runtime_nodes

KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
CALLERS = {"t", "msg"}


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "text"`` assignments (keys given by a constant)."""
    return {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for target in node.targets if isinstance(target, ast.Name)}


def _registered(module: str) -> set[str]:
    path, _ = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _constants(tree)
    keys: set[str] = set()
    for node in _runtime_nodes(tree):
        func = node.func if isinstance(node, ast.Call) else None
        name = getattr(func, "id", None) or getattr(func, "attr", None)
        if name == "register" and node.args and isinstance(node.args[0], ast.Dict):
            for entries in node.args[0].values:
                if not isinstance(entries, ast.Dict):
                    continue
                for key in entries.keys:
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        keys.add(key.value)
                    elif isinstance(key, ast.Name) and key.id in constants:
                        keys.add(constants[key.id])
    return keys


def _used(module: str) -> set[str]:
    path, _ = MODULES[module]
    keys: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str) and KEY.match(first.value)):
            continue
        if name in CALLERS or name.endswith(("Error", "Denied")):
            keys.add(first.value)
    return keys


REGISTERED = {m: _registered(m) for m in MODULES}
ALL_REGISTERED = set().union(*REGISTERED.values())


def _closure(module: str) -> set[str]:
    seen, todo = set(), [module]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(GRAPH.get(current, ()))
        # importing a.b.c runs a/__init__ and a/b/__init__ too
        parts = current.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)) if ".".join(parts[:i]) in MODULES)
    return seen


def test_every_module_imports():
    for info in pkgutil.walk_packages(salesnb.__path__, "salesnb."):
        if ".migrations" in info.name:
            continue
        importlib.import_module(info.name)


def test_every_key_has_chinese_and_english_text():
    test_every_module_imports()
    zh, en = set(_catalog["zh-CN"]), set(_catalog["en"])
    assert sorted(zh - en) == [], "keys without English text"
    assert sorted(en - zh) == [], "keys without Chinese text"
    empty = sorted(k for lang in ("zh-CN", "en") for k, v in _catalog[lang].items() if not str(v).strip())
    assert empty == []


def test_the_static_reading_finds_registrations_and_uses():
    assert "auth.signin.failed" in REGISTERED["salesnb.auth.messages"]
    assert "auth.signin.failed" in _used("salesnb.auth.signin")


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _used(m)))
def test_keys_are_registered_where_the_caller_can_see_them(module):
    visible = set().union(*(REGISTERED[m] for m in _closure(module)))
    unknown = sorted(_used(module) - ALL_REGISTERED)
    unseen = sorted((_used(module) & ALL_REGISTERED) - visible)
    assert unknown == [], f"{module} uses keys nobody registers"
    assert unseen == [], f"{module} uses keys registered only by modules it does not import"
