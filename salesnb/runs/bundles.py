"""Template bundles: one zip file with a team's scorecards, stored rules (custom checks), SLA policies and notebooks.

Layout of the file::

    manifest.json        {"format": "salesnb-bundle", "version": 1, "name": ..., "exported_at": ..., "items": {...}}
    scorecards.json      [{"name", "definition"}]          the active version of each scorecard
    rules.json           [{"name", "kind", "definition", "enabled"}]   the newest version of each rule
    sla_policies.json    [{"node", "definition"}]          policies stored in the database
    holidays.json        [{"day", "kind", "name"}]         the team's holidays and adjusted workdays (调休)
    notebooks/NAME.ipynb the team's own templates (folders of ``[templates] dirs``) and any extra ones

Importing is two steps: :func:`plan_import` compares every item with the
target database and template folder — ``add`` (absent), ``same`` (identical)
or ``conflict`` (present and different) — and :func:`apply_import` writes the
adds, and the conflicts only with ``overwrite=True``; it refuses otherwise
and then writes nothing.  Everything is validated before anything is
written; database items go in one transaction, with an audit entry; replacing
a versioned item adds a version, so nothing is lost.
"""

from __future__ import annotations

import difflib
import itertools
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from .. import audit
from ..auth.people import Actor
from ..auth.permissions import authorize
from ..config import Settings
from ..db import session_scope
from ..errors import ConfigError
from ..i18n import register, t
from ..filenames import safe_file_name
from ..models import Scorecard, SlaPolicy
from ..sla.holidays import as_dicts as holiday_dicts
from ..sla.holidays import load_holidays, replace_year_entries
from ..timeutil import now
from . import messages  # noqa: F401 - the keys of the errors below
from .templates import BUILTIN_TEMPLATES_DIR, template_dirs

FORMAT = "salesnb-bundle"
VERSION = 1

register({
    "zh-CN": {
        "bundles.shadows_builtin": "与内置模板同名，导入后 salesnb run 将运行此笔记本而不是内置的 {path}",
        "bundles.shadows_template": "与已有模板同名，导入后将取代 {path}",
    },
    "en": {
        "bundles.shadows_builtin": "named like a built-in template: once imported, salesnb run would run it "
                                   "instead of {path}",
        "bundles.shadows_template": "named like an existing template: once imported, it would replace {path}",
    },
})


@dataclass
class Bundle:
    """The contents of a bundle file."""

    name: str
    scorecards: list[dict[str, Any]] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    sla_policies: list[dict[str, Any]] = field(default_factory=list)
    holidays: list[dict[str, Any]] = field(default_factory=list)
    notebooks: dict[str, bytes] = field(default_factory=dict)  # file name → .ipynb bytes
    manifest: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"scorecards": len(self.scorecards), "rules": len(self.rules),
                "sla_policies": len(self.sla_policies), "holidays": len(self.holidays),
                "notebooks": len(self.notebooks)}


@dataclass(frozen=True)
class PlanItem:
    """One item of an import and what importing it does."""

    kind: str  # scorecard, rule, sla_policy, holidays (one item per year), notebook
    name: str
    action: str  # add, same, conflict
    detail: str = ""
    diff: str = ""  # for a conflict: unified diff, this database (---) → the bundle (+++)


@dataclass
class ImportPlan:
    """The preview of an import: every item with its action."""

    bundle: Bundle
    notebooks_dir: Path
    items: list[PlanItem] = field(default_factory=list)
    applied: bool = False

    @property
    def conflicts(self) -> list[PlanItem]:
        return [i for i in self.items if i.action == "conflict"]

    @property
    def changes(self) -> list[PlanItem]:
        return [i for i in self.items if i.action != "same"]

    def lines(self) -> list[str]:
        """The preview as text, one line per item (``+`` add, ``~`` conflict, ``=`` same)."""
        marks = {"add": "+", "conflict": "~", "same": "="}
        return [f"{marks[i.action]} {i.kind:<10} {i.name}" + (f"  ({i.detail})" if i.detail else "")
                for i in self.items]


# ---------------------------------------------------------------- export


def team_notebooks(settings: Settings) -> list[Path]:
    """The team's own templates: notebooks in ``[templates] dirs`` (built-ins are everywhere already)."""
    found: dict[str, Path] = {}
    for folder in template_dirs(settings):
        if folder == BUILTIN_TEMPLATES_DIR or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.ipynb")):
            found.setdefault(path.name, path)
    return list(found.values())


def collect_bundle(engine: Engine, settings: Settings, name: str, notebooks: list[Path] | None = None) -> Bundle:
    """Gather the bundle contents from the database and the template folders."""
    from ..rules.store import latest_rules

    bundle = Bundle(name=name)
    with session_scope(engine) as session:
        for row in session.scalars(select(Scorecard).where(Scorecard.active.is_(True)).order_by(Scorecard.name)):
            bundle.scorecards.append({"name": row.name, "definition": row.definition})
        for row in latest_rules(session):
            bundle.rules.append({"name": row.name, "kind": row.kind, "definition": row.definition,
                                 "enabled": bool(row.enabled)})
        for row in session.scalars(select(SlaPolicy).order_by(SlaPolicy.node)):
            bundle.sla_policies.append({"node": row.node, "definition": row.definition})
        bundle.holidays = holiday_dicts(load_holidays(session))
    for path in [*team_notebooks(settings), *(Path(p) for p in notebooks or [])]:
        if not path.is_file():
            raise ConfigError("runs.no_notebook", path=str(path))
        bundle.notebooks[path.name] = _clean_notebook(path.read_bytes())
    return bundle


def _clean_notebook(data: bytes) -> bytes:
    """Outputs and execution counts removed: a bundle carries the recipe, not one run's results."""
    import nbformat

    notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nbformat.writes(notebook).encode("utf-8")


def export_bundle(engine: Engine, settings: Settings, name: str, out: str | Path,
                  notebooks: list[Path] | None = None) -> Bundle:
    """Write the bundle ``name`` to the zip file ``out``; return what it holds."""
    bundle = collect_bundle(engine, settings, name, notebooks)
    bundle.manifest = {"format": FORMAT, "version": VERSION, "name": name, "exported_at": now().isoformat(),
                       "items": bundle.counts()}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", _dumps(bundle.manifest))
        zf.writestr("scorecards.json", _dumps(bundle.scorecards))
        zf.writestr("rules.json", _dumps(bundle.rules))
        zf.writestr("sla_policies.json", _dumps(bundle.sla_policies))
        zf.writestr("holidays.json", _dumps(bundle.holidays))
        for file_name, data in sorted(bundle.notebooks.items()):
            zf.writestr(f"notebooks/{file_name}", data)
    return bundle


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


# ---------------------------------------------------------------- import


def read_bundle(path: str | Path) -> Bundle:
    """Read and check a bundle file; SalesnbError naming the file and the problem."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "manifest.json" not in names:
                raise ConfigError("runs.bundle.no_manifest", path=str(path))
            manifest = json.loads(zf.read("manifest.json"))
            if manifest.get("format") != FORMAT or not isinstance(manifest.get("version"), int):
                raise ConfigError("runs.bundle.format", path=str(path), format=repr(manifest.get("format")))
            if manifest["version"] > VERSION:
                raise ConfigError("runs.bundle.newer", path=str(path), version=manifest["version"], supported=VERSION)

            def part(name: str) -> list[dict[str, Any]]:
                value = json.loads(zf.read(name)) if name in names else []
                if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                    raise ConfigError("runs.bundle.part", path=str(path), name=name)
                return value

            notebooks = {safe_file_name(Path(n).name): zf.read(n) for n in sorted(names)
                         if n.startswith("notebooks/") and n.endswith(".ipynb")}
            return Bundle(name=str(manifest.get("name", path.stem)), scorecards=part("scorecards.json"),
                          rules=part("rules.json"), sla_policies=part("sla_policies.json"),
                          holidays=part("holidays.json"), notebooks=notebooks, manifest=manifest)
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ConfigError("runs.bundle.unreadable", path=str(path), kind=type(exc).__name__, reason=str(exc)) from None


def validate_bundle(bundle: Bundle) -> None:
    """Raise SalesnbError listing every invalid item (definitions checked as if they were saved)."""
    import nbformat

    from ..rules.store import validate_definition
    from ..scorecards import compile_card
    from ..sla import Policy

    problems: list[str] = []

    def attempt(label: str, fn, *args: Any) -> None:
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001 - every validator's complaint is reported, with the item
            problems.append(f"{label}: {exc}")

    for item in bundle.scorecards:
        attempt(f"scorecard {item.get('name')!r}", compile_card, str(item.get("name")), 1, item.get("definition"))
    for item in bundle.rules:
        attempt(f"rule {item.get('name')!r}", validate_definition, str(item.get("kind", "check")),
                item.get("definition"), str(item.get("name")))
    for item in bundle.sla_policies:
        attempt(f"SLA policy {item.get('node')!r}", Policy.from_dict, item.get("definition"), item.get("node"))
    if bundle.holidays:
        attempt("holidays", _holiday_entries, bundle.holidays)
    for file_name, data in bundle.notebooks.items():
        attempt(f"notebook {file_name}", lambda d: nbformat.validate(nbformat.reads(d.decode("utf-8"), 4)), data)
    if problems:
        raise ConfigError("runs.bundle.invalid", problems="\n".join(f"  {p}" for p in problems))


def default_notebooks_dir(settings: Settings) -> Path:
    """Where imported notebooks go: the first folder template names are looked up in (``[templates] dirs``,
    default ``<data>/templates``), so that ``salesnb run NAME`` finds them."""
    return template_dirs(settings)[0]


def _existing_template(settings: Settings, notebooks_dir: Path, file_name: str) -> tuple[Path | None, str]:
    """The notebook a bundle's ``file_name`` would replace or shadow, and a note saying which one."""
    target = notebooks_dir / file_name
    if target.is_file():
        return target, ""
    for folder in template_dirs(settings):
        candidate = folder / file_name
        if candidate.is_file():
            key = "bundles.shadows_builtin" if folder == BUILTIN_TEMPLATES_DIR else "bundles.shadows_template"
            return candidate, t(key, path=candidate)
    return None, ""


def plan_import(engine: Engine, settings: Settings, bundle: Bundle, notebooks_dir: Path | None = None) -> ImportPlan:
    """Compare a (validated) bundle with the database and the notebook folder."""
    from ..rules.store import latest_rules

    validate_bundle(bundle)
    plan = ImportPlan(bundle=bundle, notebooks_dir=Path(notebooks_dir or default_notebooks_dir(settings)))
    with session_scope(engine) as session:
        cards = {r.name: r.definition for r in
                 session.scalars(select(Scorecard).where(Scorecard.active.is_(True)))}
        rules = {r.name: r for r in latest_rules(session)}
        policies = {r.node: r.definition for r in session.scalars(select(SlaPolicy))}
        stored_days = holiday_dicts(load_holidays(session))
    for item in bundle.scorecards:
        plan.items.append(_compare("scorecard", item["name"], cards.get(item["name"]), item["definition"]))
    for item in bundle.rules:
        current = rules.get(item["name"])
        mine = None if current is None else {"kind": current.kind, "definition": current.definition,
                                             "enabled": bool(current.enabled)}
        theirs = {"kind": item.get("kind", "check"), "definition": item["definition"],
                  "enabled": bool(item.get("enabled", True))}
        plan.items.append(_compare("rule", item["name"], mine, theirs))
    for item in bundle.sla_policies:
        plan.items.append(_compare("sla_policy", item["node"], policies.get(item["node"]), item["definition"]))
    for year, days in _holidays_by_year(bundle.holidays).items():
        mine = [d for d in stored_days if d["day"].startswith(f"{year}-")]
        plan.items.append(_compare("holidays", str(year), mine or None, days))
    for file_name, data in bundle.notebooks.items():
        existing, note = _existing_template(settings, plan.notebooks_dir, file_name)
        current = _notebook_cells(existing.read_bytes()) if existing is not None else None
        item = _compare("notebook", file_name, current, _notebook_cells(data))
        if note and item.action == "conflict":
            item = PlanItem(item.kind, item.name, item.action, f"{note}; {item.detail}", item.diff)
        plan.items.append(item)
    return plan


def _holiday_entries(items: list[dict[str, Any]]) -> list[tuple[date, str, str | None]]:
    """Bundle holidays → entries; SalesnbError naming the first bad one."""
    entries = []
    for item in items:
        try:
            day = date.fromisoformat(str(item["day"]))
        except (KeyError, ValueError):
            raise ConfigError("runs.bundle.holiday_day", item=repr(item)) from None
        if item.get("kind") not in ("holiday", "workday"):
            raise ConfigError("runs.bundle.holiday_kind", day=item.get("day"))
        entries.append((day, item["kind"], item.get("name") or None))
    return entries


def _holidays_by_year(items: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """The bundle's days grouped by year (a year is one item of the plan), in date order."""
    out: dict[int, list[dict[str, Any]]] = {}
    for day, kind, name in sorted(_holiday_entries(items)):
        out.setdefault(day.year, []).append({"day": day.isoformat(), "kind": kind, "name": name})
    return out


def _compare(kind: str, name: str, current: Any, incoming: Any) -> PlanItem:
    if current is None:
        return PlanItem(kind, str(name), "add")
    if _canonical(current) == _canonical(incoming):
        return PlanItem(kind, str(name), "same")
    return PlanItem(kind, str(name), "conflict", _difference(current, incoming), _unified_diff(current, incoming))


def _unified_diff(current: Any, incoming: Any) -> str:
    """Line diff of the two values as indented JSON; for notebooks, of each code cell that differs."""
    if _is_cells(current) and _is_cells(incoming):
        return _code_cells_diff(current, incoming)

    def lines(value: Any) -> list[str]:
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str).splitlines()

    return "\n".join(difflib.unified_diff(lines(current), lines(incoming), "this database", "bundle", lineterm="", n=1))


def _is_cells(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(c, dict) and "source" in c for c in value)


def _code_cells_diff(current: list[dict[str, str]], incoming: list[dict[str, str]]) -> str:
    """The cells whose source differs, code first (the code a run would execute differently), each
    numbered among the cells of its type."""
    out: list[str] = []
    for kind in ("code", "markdown", "raw"):
        mine = [c["source"] for c in current if c["type"] == kind]
        theirs = [c["source"] for c in incoming if c["type"] == kind]
        for number, (old, new) in enumerate(itertools.zip_longest(mine, theirs, fillvalue=""), start=1):
            if old != new:
                out.append(f"# {kind} cell {number}")
                out.extend(difflib.unified_diff(old.splitlines(), new.splitlines(), "installed", "bundle",
                                                lineterm="", n=1))
    return "\n".join(out)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _difference(current: Any, incoming: Any) -> str:
    """Which top-level keys differ (for the preview)."""
    if isinstance(current, dict) and isinstance(incoming, dict):
        keys = sorted(k for k in set(current) | set(incoming)
                      if _canonical(current.get(k)) != _canonical(incoming.get(k)))
        return "differs in " + ", ".join(keys) if keys else "differs"
    return "differs"


def _notebook_cells(data: bytes) -> list[dict[str, str]]:
    """What makes two notebooks the same: their cells' types and sources."""
    import nbformat

    notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    return [{"type": c.cell_type, "source": c.source} for c in notebook.cells]


def apply_import(engine: Engine, plan: ImportPlan, *, overwrite: bool = False,
                 actor: Actor | str = "system") -> ImportPlan:
    """Write the plan's adds (and conflicts when ``overwrite``); refuse conflicts otherwise, writing nothing.

    ``actor`` needs ``config.edit`` (ops); every item saved and the bundle's audit row name them.
    """
    from ..rules.store import save_rule
    from ..scorecards import save_scorecard
    from ..sla import save_policy

    if plan.conflicts and not overwrite:
        names = ", ".join(f"{i.kind} {i.name}" for i in plan.conflicts)
        raise ConfigError("runs.bundle.conflicts", count=len(plan.conflicts), names=names)
    todo = {(i.kind, i.name) for i in plan.changes}
    bundle = plan.bundle
    at = now()
    with session_scope(engine) as session:
        person = authorize(session, actor, "config.edit")
        actor = person.user_id
        for item in bundle.scorecards:
            if ("scorecard", item["name"]) in todo:
                save_scorecard(session, item["definition"], name=item["name"], actor=person, at=at)
        for item in bundle.rules:
            if ("rule", item["name"]) in todo:
                save_rule(session, item["name"], item["definition"], kind=item.get("kind", "check"), actor=person,
                          at=at, enabled=bool(item.get("enabled", True)))
        for item in bundle.sla_policies:
            if ("sla_policy", item["node"]) in todo:
                save_policy(session, item["definition"], node=item["node"], actor=person, at=at)
        for year, days in _holidays_by_year(bundle.holidays).items():
            if ("holidays", str(year)) in todo:
                replace_year_entries(session, _holiday_entries(days), actor=person, years={year}, at=at)
        audit.record(session, actor=actor, action="bundle.import", entity_type="bundle", entity_id=bundle.name,
                     after={"items": [f"{i.action} {i.kind} {i.name}" for i in plan.changes]}, at=at)
        _write_notebooks(plan, todo)
    plan.applied = True
    return plan


def _write_notebooks(plan: ImportPlan, todo: set[tuple[str, str]]) -> None:
    """Write notebooks (inside the database transaction, so a failure here rolls the import back)."""
    plan.notebooks_dir.mkdir(parents=True, exist_ok=True)
    for file_name, data in plan.bundle.notebooks.items():
        if ("notebook", file_name) in todo:
            target = plan.notebooks_dir / file_name
            temp = target.with_suffix(".ipynb.tmp")
            temp.write_bytes(data)
            temp.replace(target)
