"""``salesnb lab``: JupyterLab for analysts, on their copies of the templates, wired to the store.

The lab server runs on localhost only (Jupyter's own token protects it) over
the analyst's notebook folder (``[lab] dir``, default ``<data_dir>/notebooks``).
The first start copies every built-in template there and adds a starter
notebook showing the salesnb widgets.  The database URL, configuration file,
language and time zone reach the kernels through the server's environment,
so no notebook holds a password.  With ``--user`` the widgets act as that
person (the same single-person rule as ``salesnb serve --user``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..config import Settings
from ..runs.execute import kernel_name
from ..runs.templates import BUILTIN_TEMPLATES_DIR, copy_template
from . import messages  # noqa: F401  (registers the texts)
from .serve import kernel_environment

STARTER = "salesnb_widgets.ipynb"
STARTER_CELLS = (
    ("markdown", "# salesnb 组件 · salesnb widgets\n\n"
                 "The ops apps' widgets, in your notebook: they read and write the same store as the apps, "
                 "as the person `salesnb lab --user` names (or the system account).\n"),
    ("code", "from salesnb import get_engine\nfrom salesnb.widgets import CustomerCard, Findings\n\n"
             "engine = get_engine()  # the store of this lab (SALESNB_DB_URL / salesnb.toml)"),
    ("code", "CustomerCard(engine)"),
    ("code", "Findings(engine)"),
)


@dataclass
class LabOptions:
    folder: Path
    port: int = 8888
    open_browser: bool = True
    user: str | None = None
    token: str | None = None  # None: Jupyter generates one and prints the URL


def lab_folder(settings: Settings) -> Path:
    """The analyst's notebook folder: ``[lab] dir`` or ``<data_dir>/notebooks``."""
    configured = settings.section("lab").get("dir")
    return Path(configured).expanduser() if configured else Path(settings.data_dir) / "notebooks"


def prepare_lab_folder(settings: Settings, folder: Path) -> list[Path]:
    """Copy the built-in templates and the starter notebook into ``folder`` (never over an analyst's file)."""
    folder.mkdir(parents=True, exist_ok=True)
    added = []
    for template in sorted(BUILTIN_TEMPLATES_DIR.glob("*.ipynb")):
        if not (folder / template.name).exists():
            added.append(copy_template(settings, template.stem, folder))
    starter = folder / STARTER
    if not starter.exists():
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_markdown_cell(text) if kind == "markdown" else nbformat.v4.new_code_cell(text)
                          for kind, text in STARTER_CELLS]
        notebook.metadata["kernelspec"] = {"name": kernel_name(), "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, starter)
        added.append(starter)
    return added


def lab_argv(options: LabOptions) -> list[str]:
    argv = [
        f"--ServerApp.root_dir={options.folder}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={options.port}",
        f"--ServerApp.open_browser={options.open_browser}",
        "--LabApp.extension_manager=readonly",  # no extension installs from PyPI on an office machine
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--ServerApp.allow_root=True")  # containers and CI run as root
    if options.token is not None:
        argv.append(f"--IdentityProvider.token={options.token}")
    return argv


def lab(settings: Settings, options: LabOptions) -> None:
    """Run JupyterLab until interrupted (blocking)."""
    prepare_lab_folder(settings, options.folder)
    os.environ.pop("SALESNB_SINGLE_USER", None)
    # as for the app kernels, minus SALESNB_APP (the dashboard in JupyterLab sends plotly.js itself)
    os.environ.update({k: v for k, v in kernel_environment(settings, user=options.user).items() if k != "SALESNB_APP"})
    from jupyterlab.labapp import LabApp

    LabApp.launch_instance(argv=lab_argv(options))
