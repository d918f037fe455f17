"""The seed's breakpoints are present at realistic rates, by docs/design.md's check definitions."""

from __future__ import annotations

from . import breakpoints as bp


def test_about_31_percent_of_accepted_quotes_have_no_order(frames, as_of):
    missing, accepted = bp.quote_not_ordered(frames, as_of)
    assert accepted > 1500
    assert 0.27 <= missing / accepted <= 0.35


def test_about_22_percent_of_shipped_orders_have_no_tracking(frames, as_of):
    untracked, shipped, no_row = bp.shipped_without_tracking(frames, as_of)
    assert shipped > 1000
    assert 0.18 <= untracked / shipped <= 0.26
    assert 0 < no_row < untracked  # both kinds: no shipment row, and a row with an empty tracking_no


def test_slow_and_missing_first_responses(frames, as_of):
    assert bp.lead_response_overdue(frames, as_of) > 50
    assert 0.55 <= bp.first_response_4h_rate(frames, as_of) <= 0.8
    leads = frames["leads"]
    slow = (leads.first_response_at - leads.created_at).dt.total_seconds() > 4 * 3600
    assert slow.sum() > 200


def test_pending_contracts_feasible_and_infeasible(frames):
    infeasible, pending = bp.delivery_infeasible(frames)
    assert pending > 50
    assert 0.25 <= infeasible / pending <= 0.5


def test_claims_stalled_in_finance_review(frames, as_of):
    assert bp.claim_stalled(frames, as_of) > 20


def test_overdue_invoices_in_every_aging_bucket(frames, as_of):
    buckets = bp.overdue_buckets(frames, as_of)
    assert all(n > 0 for n in buckets.values()), buckets
    assert buckets["1-30"] > buckets[">90"]


def test_open_tasks_past_their_sla_at_every_level(frames, as_of):
    for node, levels in bp.sla_levels(frames, as_of).items():
        assert all(levels[lv] > 0 for lv in (0, 1, 2, 3)), (node, levels)


def test_scorecards_some_incomplete_and_both_inquiry_types(frames):
    leads = frames["leads"]
    blank = leads[["budget_provided", "delivery_date_specified", "purchase_freq_per_month"]] == ""
    assert 0.05 < blank.any(axis=1).mean() < 0.25
    assert set(leads.budget_provided) == {"是", "否", ""}
    assert set(leads.inquiry_type) == {"technical", "tender"}
    converted = leads[leads.status == "converted"]
    assert (converted.budget_provided == "是").mean() > (leads[leads.status == "lost"].budget_provided == "是").mean()


def test_small_data_sets_still_show_every_breakpoint(tmp_path, as_of):
    from salesnb.demo import generate

    files = generate(tmp_path, orders=200, seed=3, as_of=as_of.to_pydatetime())
    f = bp.load(tmp_path)
    assert files.rows["orders"] == 200
    assert bp.quote_not_ordered(f, as_of)[0] > 0
    assert bp.shipped_without_tracking(f, as_of)[0] > 0
    assert bp.claim_stalled(f, as_of) > 0
    assert 0 < bp.delivery_infeasible(f)[0] < bp.delivery_infeasible(f)[1]
    assert all(n > 0 for n in bp.overdue_buckets(f, as_of).values())
    for node, levels in bp.sla_levels(f, as_of).items():
        assert all(levels[lv] > 0 for lv in (1, 2, 3)), (node, levels)
