"""Where a demo deal stands at ``as_of``, and the rates that shape the data set.

A *deal* is a lead, or a quote with its lead, and everything that followed.
Its state is read off its timeline (which steps happened before ``as_of``)
and its flags (lost, never ordered, never paid, ...).
"""

from __future__ import annotations

from enum import IntEnum

# Quotes accepted ≥ 48 h ago that have no order (the article's 31%).
QUOTE_NOT_ORDERED = 0.31
# Shipped orders without a tracking number (the article's 22%), and how they lack it.
SHIPPED_WITHOUT_TRACKING = 0.22
NO_SHIPMENT_ROW = 0.6  # of those: no shipment row at all (else a row with an empty tracking_no)
# Leads that never get a quote, per quote.
LEAD_ONLY_PER_QUOTE = 0.2
LEAD_ONLY_LOST = 0.35
QUOTES_WITH_LEAD = 0.85
LEGACY_WITH_LEAD = 0.5  # older deals: repeat business often went straight to a quote
QUOTE_NEVER_SENT = 0.03
QUOTE_LOST = 0.22
ORDER_CANCELLED = 0.02
NEVER_PAID = 0.04
RESPONSE_MISSING = 0.07  # leads whose first response was never recorded
RESPONSE_SLOW = 0.27  # first response after more than 4 h
INFEASIBLE_PENDING = 0.38  # pending contracts whose promise the slots and lanes cannot keep
CLAIMED = 0.65  # payments a rep files a claim for
CLAIM_STUCK = 0.35  # claims of the statement period that finance has not reviewed at all
BANK_PERIOD_DAYS = 30  # the bank statement covers the last 30 days; older payments are reconciled
WINDOW_DAYS = 84  # deals start within the 12 weeks before as_of
LEGACY_DAYS = 120  # older deals appear only while their invoice is open or paid in the statement period
LEGACY_KEPT = 0.6  # and only some of them, so that most of the data stays within the 12 weeks

# Ghost outcomes of accepted quotes that never get an order, and their shares.
GHOSTS = ("no_contract", "stuck_pending", "frozen", "rejected", "approved_no_order")
GHOST_WEIGHTS = (0.35, 0.28, 0.14, 0.08, 0.15)


class State(IntEnum):
    LEAD_OPEN = 1  # lead being qualified (no quote yet)
    LEAD_LOST = 2
    Q_DRAFT = 3  # quote drafted, not sent
    Q_QUOTED = 4  # quote sent, waiting for the customer
    Q_LOST = 5
    A_NO_CONTRACT = 6  # quote accepted, no contract (yet, or ever)
    A_PENDING = 7  # contract pending approval
    A_FROZEN = 8  # contract frozen by the delivery circuit breaker
    A_REJECTED = 9
    A_NO_ORDER = 10  # contract approved, no ERP order (yet, or ever)
    O_CANCELLED = 11
    O_PROD = 12  # order in production
    O_BOOK = 13  # goods ready, shipment not booked yet
    O_SHIPPED = 14  # shipped, no invoice requested yet
    O_REQ = 15  # invoice requested, not confirmed by finance
    O_CONF = 16  # invoice confirmed, not issued
    O_ISSUED = 17  # invoice issued, not due
    O_OVERDUE = 18  # invoice issued, past its payment terms, unpaid
    O_PAID_RECENT = 19  # paid within the bank statement period, not reconciled yet
    O_PAID_OLD = 20  # paid and reconciled before the statement period
