"""docs/import.md documents every canonical table and column as the code's schema defines them."""

import importlib.util
import re
from pathlib import Path

import pytest

from salesnb.schema import table_specs

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "import.md"


def generator():
    spec = importlib.util.spec_from_file_location("gen_import_doc", ROOT / "scripts" / "gen_import_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def section(table: str) -> str:
    """The text of docs/import.md under ``### `table` `` up to the next heading."""
    text = PAGE.read_text(encoding="utf-8")
    match = re.search(rf"^### `{table}`\n(.*?)(?=^#)", text, re.MULTILINE | re.DOTALL)
    assert match, f"docs/import.md has no section ### `{table}`"
    return match.group(1)


COLUMNS = [(t, c.name) for t, spec in table_specs().items() for c in spec.columns]


@pytest.mark.parametrize(("table", "column"), COLUMNS, ids=[f"{t}.{c}" for t, c in COLUMNS])
def test_every_canonical_column_is_documented(table, column):
    col = table_specs()[table].column(column)
    rows = [line for line in section(table).splitlines() if line.startswith(f"| `{column}` |")]
    assert rows, f"docs/import.md does not document {table}.{column}"
    cells = [cell.strip() for cell in rows[0].strip("|").split(" | ")]
    assert cells[3] == col.zh, f"{table}.{column}: Chinese header {cells[3]!r}, the schema says {col.zh!r}"
    assert (cells[2] != "") == col.required, f"{table}.{column}: required is {col.required} in the schema"


def test_the_generated_part_is_up_to_date():
    page = PAGE.read_text(encoding="utf-8")
    assert generator().render(page) == page, "docs/import.md is out of date: run python scripts/gen_import_doc.py"


def test_every_table_has_a_purpose():
    assert set(generator().PURPOSES) == set(table_specs())
