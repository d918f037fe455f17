"""Template notebooks: finding them by name or path, their parameters, and analysts' copies.

Names are looked up in the folders of ``[templates] dirs`` (relative to the
data folder) and then in the built-in ``templates/notebooks``; a path to any
``.ipynb`` works wherever a name does.  :func:`copy_template` gives an analyst
an editable copy wired to the same database and config, which then runs and
schedules like a built-in template.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from ..config import Settings
from ..errors import ConfigError
from ..timeutil import now
from ..urls import has_secret
from . import messages  # noqa: F401 - the keys of the errors below
from .papermill_loader import papermill

BUILTIN_TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "notebooks"


DEFAULT_TEAM_DIR = "templates"


def template_dirs(settings: Settings) -> list[Path]:
    """Where template names are looked up: ``[templates] dirs`` (relative to the data folder; default
    ``<data>/templates``, where bundles put notebooks), then built-ins."""
    extra = settings.section("templates").get("dirs") or [DEFAULT_TEAM_DIR]
    if isinstance(extra, str):
        extra = [extra]
    dirs = [(settings.data_dir / d) if not Path(d).is_absolute() else Path(d) for d in extra]
    return [*dirs, BUILTIN_TEMPLATES_DIR]


def resolve_template(template: str | Path, settings: Settings) -> Path:
    """A template name (``daily_checks``) or a notebook path → the notebook file."""
    candidate = Path(template).expanduser()
    if candidate.suffix == ".ipynb" or candidate.exists():
        if not candidate.is_file():
            raise ConfigError("runs.template.no_file", path=str(candidate))
        return candidate.resolve()
    for folder in template_dirs(settings):
        path = folder / f"{template}.ipynb"
        if path.is_file():
            return path.resolve()
    known = ", ".join(sorted(row["name"] for row in list_templates(settings))) or "(none)"
    raise ConfigError("runs.template.unknown", name=repr(template), known=known)


def list_templates(settings: Settings) -> list[dict[str, Any]]:
    """Every template found: name, path, whether it is built in (earlier folders shadow later ones)."""
    seen: dict[str, dict[str, Any]] = {}
    for folder in template_dirs(settings):
        for path in sorted(folder.glob("*.ipynb")) if folder.is_dir() else []:
            seen.setdefault(path.stem, {"name": path.stem, "path": str(path),
                                        "builtin": folder == BUILTIN_TEMPLATES_DIR})
    return sorted(seen.values(), key=lambda row: row["name"])


def template_name(path: Path) -> str:
    """The name runs are filed under: ``metadata.salesnb.template`` of a copy, else the file stem."""
    import nbformat

    meta = nbformat.read(path, as_version=4).metadata.get("salesnb", {})
    return str(meta.get("name") or path.stem)


def template_parameters(path: Path) -> dict[str, dict[str, Any]]:
    """The parameters cell of a notebook: name → {default, inferred_type_name, help}."""
    return papermill("inspection").inspect_notebook(str(path))


def coerce_parameters(path: Path, values: Mapping[str, Any],
                      declared: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Check names against the notebook's parameters cell and convert CLI strings to the declared types."""
    declared = declared if declared is not None else template_parameters(path)
    unknown = [name for name in values if name not in declared]
    if unknown:
        raise ConfigError("runs.template.no_parameters", notebook=path.name, unknown=", ".join(unknown),
                           declared=", ".join(declared) or "-")
    return {name: _coerce(value, _declared_kind(declared[name])) for name, value in values.items()}


def _declared_kind(spec: Mapping[str, Any]) -> str:
    """The type a parameter was declared with: its annotation, else the type of its default literal."""
    annotated = str(spec.get("inferred_type_name") or "None").split("|")[0].strip().lower()
    if annotated != "none":
        return annotated
    try:
        default = ast.literal_eval(str(spec.get("default")))
    except (ValueError, SyntaxError):
        return ""
    return "" if default is None else type(default).__name__


def _coerce(value: Any, kind: str) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
    except ValueError:
        raise ConfigError("runs.template.bad_value", value=repr(value), kind=kind) from None
    if kind == "bool":
        return value.strip().lower() in ("1", "true", "yes", "是", "y")
    if kind == "str":
        return value
    # undeclared type (a None default): read the text the way papermill's CLI does
    if value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[value]
    for number in (int, float):
        try:
            return number(value)
        except ValueError:
            pass
    return value



def parameters_cell(notebook) -> Any:
    """The cell tagged ``parameters`` (papermill's convention)."""
    for cell in notebook.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell
    raise ConfigError("runs.template.no_parameters_cell")


def set_assignment(source: str, name: str, value: Any, note: str) -> str:
    """Replace (or append) the line ``name = …`` of a parameters cell with ``name = repr(value)``."""
    line = f"{name} = {value!r}  # {note}"
    pattern = re.compile(rf"^{re.escape(name)}\s*(:[^=]*)?=.*$", re.MULTILINE)
    if pattern.search(source):
        return pattern.sub(lambda _m: line, source, count=1)
    return source.rstrip("\n") + "\n" + line + "\n"


def wired_db_url(settings: Settings) -> str | None:
    """The database URL to write into a copy: absolute for SQLite; ``None`` when it holds a password."""
    if has_secret(settings.db_url):  # user:password@ or ?password=…
        return None
    url = make_url(settings.db_url)
    if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).expanduser().resolve()))
    return url.render_as_string(hide_password=False)


def copy_template(settings: Settings, template: str | Path, dest: str | Path, *, overwrite: bool = False) -> Path:
    """Copy a template to ``dest`` (a file or a folder) for an analyst to edit.

    The copy keeps the parameters cell, with ``db_url`` set to this database
    (left to the environment when its URL holds a password) and
    ``config_file`` to this config file, and records where it came from in
    ``metadata.salesnb``.  Outputs are cleared.
    """
    import nbformat

    source = resolve_template(template, settings)
    target = Path(dest).expanduser()
    if target.is_dir() or str(dest).endswith(("/", "\\")):
        target = target / source.name
    if target.suffix != ".ipynb":
        target = target.with_suffix(".ipynb")
    if target.exists() and not overwrite:
        raise ConfigError("runs.template.exists", path=str(target))
    notebook = nbformat.read(source, as_version=4)
    cell = parameters_cell(notebook)
    note = "wired by `salesnb template copy`"
    cell.source = set_assignment(cell.source, "db_url", wired_db_url(settings), note)
    if settings.source is not None:
        cell.source = set_assignment(cell.source, "config_file", str(Path(settings.source).resolve()), note)
    for each in notebook.cells:
        if each.cell_type == "code":
            each.outputs, each.execution_count = [], None
    notebook.metadata["salesnb"] = {"copied_from": source.stem, "copied_at": now().isoformat()}
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target
