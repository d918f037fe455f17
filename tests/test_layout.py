"""The package layout: no import cycles (imports inside functions included), layers import downwards only,
and every name ``salesnb`` exports resolves (httpx style).

Imports are read from the source with :mod:`ast`, so an import inside a
function counts exactly like one at the top of a module.  Imports under
``if TYPE_CHECKING:`` are left out: they are never executed.
"""

from __future__ import annotations

import ast
import importlib
from collections import defaultdict
from pathlib import Path

import pytest

import salesnb

PACKAGE = Path(salesnb.__file__).resolve().parent


def _modules() -> dict[str, tuple[Path, bool]]:
    """Dotted module name → (file, is a package ``__init__``)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, is_package)
    return found


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_nodes(tree: ast.AST):
    """Every node of ``tree`` except those inside ``if TYPE_CHECKING:`` blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def _nearest_module(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> set[str]:
    """The salesnb modules ``module`` imports, anywhere in its body."""
    path, is_package = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    targets: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            targets.update(filter(None, (_nearest_module(a.name) for a in node.names)))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            if origin.split(".")[0] != "salesnb":
                continue
            for alias in node.names:
                sub = f"{origin}.{alias.name}"
                targets.add(sub if sub in MODULES else _nearest_module(origin))
    targets.discard(module)
    return {t for t in targets if t}


GRAPH = {name: _imports(name) for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_walker_sees_imports_inside_functions():
    # salesnb.cli.demo_cmd imports the web package inside its command function only
    assert "salesnb.web.serve" in GRAPH["salesnb.cli.demo_cmd"]


def test_the_walker_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    assert _cycles(GRAPH) == []


def _importers_of(prefix: str, among: str) -> dict[str, set[str]]:
    return {m: {t for t in targets if t == prefix or t.startswith(prefix + ".")}
            for m, targets in GRAPH.items() if m == among or m.startswith(among + ".")}


@pytest.mark.parametrize(("lower", "upper"), [
    ("salesnb.widgets", "salesnb.web"),     # widgets receive the signed-in person; they never import the server
    ("salesnb.rules", "salesnb.checks"),    # the rule language knows nothing of the check engine
    ("salesnb.rules", "salesnb.widgets"),
    ("salesnb.checks", "salesnb.widgets"),
    ("salesnb.contracts", "salesnb.widgets"),
    ("salesnb.receivables", "salesnb.widgets"),
    ("salesnb.notify", "salesnb.widgets"),
    ("salesnb.sla", "salesnb.widgets"),
    ("salesnb.kpi", "salesnb.widgets"),
    ("salesnb.io", "salesnb.widgets"),
])
def test_layers_import_downwards(lower, upper):
    offenders = {m: t for m, t in _importers_of(upper, lower).items() if t}
    assert offenders == {}


def test_library_modules_do_not_import_widget_toolkits():
    """Only salesnb.widgets may import ipywidgets."""
    offenders = []
    for module, (path, _) in MODULES.items():
        if module.startswith("salesnb.widgets"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _runtime_nodes(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(n.split(".")[0] == "ipywidgets" for n in names):
                offenders.append(module)
    assert offenders == []


@pytest.mark.parametrize("name", salesnb.__all__)
def test_every_exported_name_resolves(name):
    value = getattr(salesnb, name)
    assert value is not None
    module, attr = salesnb._EXPORTS[name]
    assert value is getattr(importlib.import_module(module, "salesnb"), attr)


def test_exports_are_listed_once_and_lazily():
    assert len(salesnb.__all__) == len(set(salesnb.__all__))
    assert set(salesnb.__all__) <= set(dir(salesnb))
    with pytest.raises(AttributeError):
        salesnb.no_such_name  # noqa: B018


def test_packages_are_imported_by_their_parts():
    """Sanity of the graph: every module's imports name real modules."""
    unknown = defaultdict(set)
    for module, targets in GRAPH.items():
        for target in targets:
            if target not in MODULES:
                unknown[module].add(target)
    assert dict(unknown) == {}
