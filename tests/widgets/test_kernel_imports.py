"""An app kernel imports what its app uses: the light apps never load pandas, pyarrow or plotly.

Each app is built in a fresh interpreter (as a Voila kernel would) on the seeded
store; the modules it loaded are read from ``sys.modules``.  The apps that read
files (reconciliation's statement upload, the import app, a sync run) load pandas
only when a file comes: building them loads none of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("pandas", "pyarrow", "plotly", "salesnb.kpi", "salesnb.receivables.matching", "salesnb.checks.runner",
         "salesnb.sync", "papermill")

# app → (module, widget class): apps whose work is one record or one configuration at a time
LIGHT_APPS = {
    "scorecard": ("salesnb.widgets.scorecard", "ScorecardForm"),
    "contracts": ("salesnb.widgets.contract_approval", "ContractApproval"),
    "customer_card": ("salesnb.widgets.customer_card", "CustomerCard"),
    "escalation": ("salesnb.widgets.escalation", "EscalationConfigurator"),
    "findings": ("salesnb.widgets.findings", "Findings"),
    "rules": ("salesnb.widgets.rule_editor", "RuleEditor"),
    "my_work": ("salesnb.widgets.my_work", "MyWork"),
    "claims": ("salesnb.widgets.claims", "PaymentClaims"),
}

# app → (module, widget class): apps whose action reads files or runs a sync, and so loads pandas then
FILE_APPS = {
    "reconciliation": ("salesnb.widgets.reconciliation", "ReconciliationQueue"),
    "connectors": ("salesnb.widgets.connectors", "Connectors"),
    "import": ("salesnb.widgets.importer", "ImportApp"),
}
# what those apps load only on an upload, an import or "sync now"
READING = ("pandas", "pyarrow", "numpy", "plotly", "salesnb.kpi", "salesnb.receivables.matching",
           "salesnb.receivables.bank_statements", "salesnb.io.importer", "salesnb.io.readers", "salesnb.sync.driver",
           "salesnb.checks.runner", "papermill")

PROBE = """
import importlib, json, sys
from salesnb.db import make_engine
import salesnb.widgets.apps  # what every app notebook imports first
url, heavy, apps = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
for module, name in apps:
    getattr(importlib.import_module(module), name)(make_engine(url))
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def loaded(store: str, apps: list[tuple[str, str]], heavy: tuple[str, ...] = HEAVY, **env: str) -> set[str]:
    """The ``heavy`` modules a fresh interpreter holds after building ``apps`` on ``store``."""
    out = subprocess.run([sys.executable, "-c", PROBE, store, json.dumps(heavy), json.dumps(apps)],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "SALESNB_AS_OF": "2026-11-27", **env})
    assert out.returncode == 0, out.stderr[-2000:]
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.fixture
def store(tmp_path):
    from salesnb.db import make_engine, upgrade

    from .seed import seed

    url = f"sqlite:///{tmp_path / 'kernel.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed(engine)
    engine.dispose()
    return url


def test_the_light_apps_load_no_heavy_module(store):
    assert loaded(store, list(LIGHT_APPS.values())) == set()


def test_the_probe_sees_a_heavy_import(store):
    """The dashboard does need pandas (its KPI report): the probe must notice it.  Served, it draws its charts
    from plain figure dicts: no plotly.py in the kernel (plotly.js comes from the template's static files)."""
    dashboard = [("salesnb.widgets.dashboard", "Dashboard")]
    assert "pandas" in loaded(store, dashboard, SALESNB_APP="1")
    assert "plotly" not in loaded(store, dashboard, SALESNB_APP="1")
    assert "plotly" in loaded(store, dashboard, SALESNB_APP="")  # outside salesnb serve plotly.js is inlined


def test_the_file_apps_load_pandas_only_when_a_file_comes(store):
    assert loaded(store, list(FILE_APPS.values()), READING) == set()


def test_listing_configured_sync_sources_loads_no_pandas(store, tmp_path):
    """With sources configured the Connectors page builds them (every source plugin registered), still light."""
    config = tmp_path / "salesnb.toml"
    config.write_text('[sync.erp]\ntype = "sql"\nurl = "sqlite:///erp.db"\n\n'
                      '[sync.erp.streams.customers]\nquery = "SELECT 1"\n\n'
                      '[sync.drop]\ntype = "folder"\npath = "."\n', encoding="utf-8")
    probe = [FILE_APPS["connectors"]]
    assert loaded(store, probe, READING, SALESNB_CONFIG=str(config)) == set()
    assert "salesnb.plugins.sources.sql" in loaded(store, probe, ("salesnb.plugins.sources.sql",),
                                                   SALESNB_CONFIG=str(config))


def test_registering_the_built_in_plugins_loads_no_heavy_library():
    """Any app that calls a hook (the dashboard's anomaly rules, the contracts' capacity source) registers every
    built-in plugin: their modules load what they use when they run, not when they are registered."""
    probe = ("import json, sys\n"
             "from salesnb.plugins.manager import get_plugin_manager\n"
             "get_plugin_manager()\n"
             "print(json.dumps(sorted(m for m in sys.argv[1:] if m in sys.modules)))")
    heavy = ["pandas", "docx", "cryptography", "salesnb.contracts.guarantee", "salesnb.io.importer"]
    out = subprocess.run([sys.executable, "-c", probe, *heavy], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout) == []


def test_the_dashboard_kernel_runs_pandas_without_pyarrow(store):
    """pandas loads pyarrow (≈ 50–70 MiB) whenever it is installed; the dashboard's app kernel blocks it and its
    small report works on Python strings."""
    probe = ("import json, sys\n"
             "from salesnb.db import make_engine\n"
             "from salesnb.widgets.apps import show\n"
             "show('dashboard')\n"  # the app notebook's one call (no page request here: it shows the sign-in link)
             "from salesnb.widgets.dashboard import Dashboard\n"
             "board = Dashboard(make_engine(sys.argv[1]), actor='D01')\n"
             "board.export()\n"
             "print(json.dumps([sys.modules.get('pyarrow') is not None, 'pandas' in sys.modules, board.error,\n"
             "                  'snb-kpi-tile' in board.tiles.value]))")
    out = subprocess.run([sys.executable, "-c", probe, store], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "SALESNB_AS_OF": "2026-11-27", "SALESNB_DB_URL": store, "SALESNB_APP": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [False, True, "", True]
