"""The demo data set: complete, deterministic, referentially sound, in the canonical format."""

from __future__ import annotations

import pandas as pd
import pytest

from salesnb.demo import generate
from salesnb.errors import SalesnbError
from salesnb.schema import table_specs

from . import breakpoints
from .conftest import AS_OF


def _bytes(files) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in files.items()}


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    a = generate(tmp_path / "a", orders=150, seed=5, as_of=AS_OF)
    b = generate(tmp_path / "b", orders=150, seed=5, as_of=AS_OF)
    c = generate(tmp_path / "c", orders=150, seed=6, as_of=AS_OF)
    assert _bytes(a) == _bytes(b)
    differing = [name for name, data in _bytes(c).items() if data != _bytes(a)[name]]
    assert {"customers", "leads", "orders", "bank_transactions"} <= set(differing)


def test_every_canonical_table_with_canonical_headers(demo_files, frames):
    assert set(demo_files) == {*table_specs(), "bank_truth"}
    for name, spec in table_specs().items():
        assert list(frames[name].columns) == list(spec.column_names), name
        assert len(frames[name]) == demo_files.rows[name] > 0, name
    assert demo_files.rows["orders"] == 2000
    assert demo_files["leads"].read_bytes().decode("utf-8").startswith("lead_id,")


def test_ids_unique_and_references_resolve(frames):
    for name, spec in table_specs().items():
        df = frames[name]
        assert not df.duplicated(list(spec.primary_key)).any(), name
        for column, ref in spec.references.items():
            target, target_col = ref.split(".")
            values = df[column][df[column] != ""]
            missing = set(values) - set(frames[target][target_col])
            assert not missing, f"{name}.{column} → {ref}: {sorted(missing)[:5]}"
    entity_tables = {"lead": ("leads", "lead_id"), "contract": ("contracts", "contract_id"),
                     "order": ("orders", "order_id"), "invoice": ("invoices", "invoice_id"),
                     "payment_claim": ("payment_claims", "claim_id")}
    tasks = frames["tasks"]
    assert set(tasks.entity_type) == set(entity_tables)
    for entity, (table, column) in entity_tables.items():
        assert set(tasks.entity_id[tasks.entity_type == entity]) <= set(frames[table][column]), entity
    truth = frames["bank_truth"]
    assert set(truth.txn_id) <= set(frames["bank_transactions"].txn_id)
    assert set(truth.invoice_id) <= set(frames["invoices"].invoice_id)


def test_values_are_valid_enums_and_times_in_order(frames, as_of):
    for name, spec in table_specs().items():
        for col in spec.columns:
            if col.enum:
                values = set(frames[name][col.name]) - {""}
                assert values <= set(col.enum), (name, col.name, values - set(col.enum))
    for name, df in frames.items():
        for col in df.columns:
            if col in breakpoints.TIMESTAMPS:
                assert not (df[col] > as_of).any(), (name, col)
    leads, quotes, orders = frames["leads"], frames["quotes"], frames["orders"]
    assert (leads.first_response_at.dropna() >= leads.created_at[leads.first_response_at.notna()]).all()
    q = quotes.dropna(subset=["accepted_at", "quoted_at"])
    assert (q.accepted_at >= q.quoted_at).all()
    o = orders.merge(frames["contracts"], on="contract_id", suffixes=("", "_c"))
    assert (o.created_at >= o.approved_at).all()
    inv = frames["invoices"].dropna(subset=["issued_at"])
    assert (inv.issued_at >= inv.requested_at).all()


def test_activity_spans_the_twelve_weeks_before_as_of(frames, as_of):
    leads = frames["leads"]
    age_days = (as_of - leads.created_at).dt.days
    assert (age_days < 84).mean() > 0.85
    weekly = age_days[age_days < 84] // 7
    counts = weekly.value_counts()
    assert len(counts) == 12 and counts.min() > 0.6 * counts.max()


def test_realistic_names_and_org(frames):
    users = frames["users"]
    assert users.role.value_counts()["sales_director"] == 1
    assert set(users.region[users.role == "sales_manager"]) == {"华东", "华南", "华北", "华中", "西南", "西北", "东北"}
    managers = dict(zip(users.user_id, users.manager_id))
    reps = users[users.role == "sales"]
    # manager chain: rep → regional manager → director
    for rep in reps.user_id:
        chain = [rep]
        while managers[chain[-1]]:
            chain.append(managers[chain[-1]])
        assert len(chain) == 3
    assert users.wecom_userid.is_unique and users.mobile.str.fullmatch(r"1\d{10}").all()
    names = frames["customers"].name
    assert names.is_unique and names.str.endswith("有限公司").all()
    assert names.str.contains("股份有限公司").any() and names.str.contains("（").any()
    assert set(frames["lanes"].dest_region) == set(users.region[users.role == "sales_manager"])
    qa = frames["interactions"]
    assert qa.question.str.endswith("？").all() and (qa.engineer != "").all() and (qa.materials != "").all()


def test_bad_arguments_are_refused(english, tmp_path):
    with pytest.raises(SalesnbError, match="format"):
        generate(tmp_path, orders=10, fmt="json")
    with pytest.raises(SalesnbError, match="xlsx"):
        generate(tmp_path, orders=200_000, fmt="xlsx")
    with pytest.raises(SalesnbError):
        generate(tmp_path, orders=0)


def test_default_as_of_is_the_current_hour(tmp_path):
    files = generate(tmp_path, orders=20, seed=1)
    assert files.as_of.minute == files.as_of.second == 0
    assert abs((pd.Timestamp.now(tz=files.as_of.tzinfo) - files.as_of).total_seconds()) < 3700
