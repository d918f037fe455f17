"""The matching engine of bank reconciliation: pure Python, no database.

Incoming bank lines are matched to open invoices in passes, most certain first:

1. ``reference`` — an invoice or contract number in the memo;
2. ``claim…`` — a rep's payment claim (回款认领) names the invoice a line of
   that amount pays (:mod:`~salesnb.receivables.claim_evidence`);
3. ``amount_name`` — the exact outstanding amount, paid by a name that matches
   the customer, within the date window;
4. ``fee`` — the amount short of an invoice by a typical bank fee;
5. ``split_invoices`` — one payment covering several invoices of one customer
   (subset sum over that customer's few open invoices), and
   ``split_payments`` — one invoice paid by several lines of one customer;
6. ``percentage`` — a usual share of one invoice, ``amount_unique`` — an
   unusual amount from a payer nobody knows (and this company does not pay)
   that one invoice has,
   ``rest_of_share`` — an unusual amount that is what is left of one invoice
   after a usual share of it, and ``sole_invoice`` — a part payment for the
   customer's only open invoice (``sole_larger_invoice``: the only one larger
   than the line).

Who the payer is comes from the name, and from the payer's history: an
account or a payer name that has only ever paid one customer (learnt from
applied matches, earlier runs and this one) identifies that customer.  The
passes repeat while a round changes something (an invoice part-paid, a payer
learnt).

Nothing compares every line with every invoice: references are looked up by
normalised number, amounts through a hash join on (customer, cents), names
through :class:`~salesnb.receivables.names.NameIndex` blocks, fees through a
customer's own few invoices.  Amounts are integer cents.

A rule that rests on the amount's fit defers to review when another reading
fits the line as well: a part payment of a larger invoice of the customer
(:func:`~salesnb.receivables.evidence.part_of`), a full payment less a bank
fee, an instalment of another invoice; a line found doubtful in a round is
not picked by a later, weaker rule of that round.  Any rule but a reference
defers when the line's memo names other loaded invoices (:meth:`Matcher.memo_contradicts`),
and every line of a split defers with it.

Each proposal carries the rule and a confidence; proposals at or above
``Options.auto_threshold`` are *applied*, the others become review
*candidates*.  A line is applied at most once (all of its applied rows come
from one decision) and an invoice never receives more than its outstanding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

from .claim_evidence import LOCAL_RULES, ClaimBook
from .evidence import (
    ACCOUNT,
    DAY,
    NAME,
    ROUND_AMOUNT,
    SHARE_ROUNDING,
    TYPICAL_FEES,
    Claim,
    Line,
    OpenInvoice,
    Proposal,
    is_person,
    is_share,
    not_for_invoices,
    on_behalf,
    part_of,
    payer_history,
    payer_keys,
    rest_of_share,
    round_less_fee,
)
from .names import NameIndex
from .refs import document_numbers, ref_keys, strip_separators
from .subsets import SMALL, subset_sums

MAX_ROUNDS = 12
MAX_FEE_SET_INVOICES = 40  # above this many open invoices, a fee-short transfer is searched for up to 3 of them
MAX_FEE_SHORT_CHECK = 100  # an exact split is checked for a fee-short reading up to this many open invoices (the
# search is quadratic in them, once per typical fee)
# Rules a payer's history is never learnt from: those that rest on the amount alone, or one coincidence would
# name a frequent payer (a supplier's refunds) for good, and those that rest on the payer's city.
UNLEARNT_RULES = frozenset({"amount_unique", *LOCAL_RULES.values()})


@dataclass(frozen=True)
class Options:
    """Tuning of the matcher (all amounts in cents, windows in days)."""

    auto_threshold: float = 0.9
    # A line no rule placed is read again by later runs until this long after its booking: a claim may follow
    # the money by claim_days_before, an invoice by days_before_issue; after that it waits for a person.
    reread_days: int = 45
    days_before_issue: int = 10  # a payment may arrive this long before the invoice date
    days_after_issue: int = 400
    auto_name_score: float = 90.0
    min_name_score: float = 80.0
    fee_max: int = 5_000
    max_subset_invoices: int = 12
    max_parts: int = 8
    max_candidates: int = 3
    claim_days_before: int = 30  # a claimed payment may have reached the bank this long before the claim
    claim_days_after: int = 3  # … or this long after it (the rep heard of it first)
    third_party_claim_days: int = 3  # a payer nobody knows counts only for a claim filed this soon after the line
    claim_set_days: int = 10  # claims of one transfer for several invoices are submitted within this many days
    max_claim_set_others: int = 8  # … and a claim is combined with at most this many later claims of its customer


@dataclass
class Plan:
    applied: list[Proposal] = field(default_factory=list)
    candidates: list[Proposal] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def _fee_totals(parts: int) -> frozenset[int]:
    """Shortfalls ``parts`` transfers can show when each may lose a typical fee (0 for none)."""
    totals = {0}
    for _ in range(parts):
        totals = {t + f for t in totals for f in (0, *TYPICAL_FEES)}
    return frozenset(totals - {0})


FEE_TOTALS = {n: _fee_totals(n) for n in (1, 2, 3)}


class Matcher:
    """One matching run over a set of lines and open invoices."""

    def __init__(self, lines: Iterable[Line], invoices: Iterable[OpenInvoice], customer_names: dict[str, str],
                 *, options: Options = Options(), excluded: Iterable[tuple[str, str]] = (),
                 account_customers: dict[str, set[str]] | None = None,
                 payer_customers: dict[str, set[str]] | None = None, claims: Iterable[Claim] = (),
                 names: NameIndex | None = None, payers: dict[str, set[str]] | None = None,
                 paid_to: Collection[str] = ()):
        self.options = options
        self.lines = sorted(lines, key=lambda ln: (ln.booked, ln.txn_id))
        self.invoices = {inv.invoice_id: inv for inv in invoices if inv.outstanding > 0}
        self.remaining = {i: inv.outstanding for i, inv in self.invoices.items()}
        self.excluded = set(excluded)
        # Payer key → customers it has paid for; learnt sets are replaced, never changed in place, so a history
        # the caller passed in stays as it was.
        self.payers = (dict(payers) if payers is not None
                       else payer_history(account_customers or {}, payer_customers or {}))
        self.names = names if names is not None else NameIndex(customer_names.items())
        self.paid_to = frozenset(paid_to)
        self.used: set[str] = set()
        self.plan = Plan()
        self._dirty_customers: set[str] = set()
        self._dirty_amounts: set[int] = set()
        self._dirty_payers: set[str] = set()
        self._near: dict[str, list[Proposal]] = defaultdict(list)
        # Lines this round found two readings of (a split of small invoices or a part of a larger one …):
        # a later, weaker guess must not pick one of them.
        self._doubtful: set[str] = set()
        self._named: dict[str, set[str]] = {}  # txn → the loaded invoices its memo names (memo_contradicts)
        self._by_ref: dict[str, set[str]] = defaultdict(set)
        self._by_contract: dict[str, set[str]] = defaultdict(set)
        self._by_customer: dict[str, list[str]] = defaultdict(list)
        self._by_customer_amount: dict[tuple[str, int], list[str]] = defaultdict(list)
        self._by_amount: dict[int, list[str]] = defaultdict(list)
        for inv in sorted(self.invoices.values(), key=lambda v: (v.issued or 0.0, v.invoice_id)):
            self._by_ref[strip_separators(inv.invoice_id.upper())].add(inv.invoice_id)
            if inv.contract_id:
                self._by_contract[strip_separators(inv.contract_id.upper())].add(inv.invoice_id)
            if inv.customer_id:
                self._by_customer[inv.customer_id].append(inv.invoice_id)
            self._index_amount(inv, inv.outstanding)
        self.claims = ClaimBook(claims, self)

    # ------------------------------------------------------------ helpers

    def _index_amount(self, inv: OpenInvoice, cents: int) -> None:
        self._by_amount[cents].append(inv.invoice_id)
        if inv.customer_id:
            self._by_customer_amount[(inv.customer_id, cents)].append(inv.invoice_id)

    def _open(self, line: Line, invoice_id: str) -> bool:
        """Invoice still open, in the line's date window, and the pair not excluded by a reviewer."""
        if self.remaining.get(invoice_id, 0) <= 0 or (line.txn_id, invoice_id) in self.excluded:
            return False
        issued = self.invoices[invoice_id].issued
        if issued is None:
            return True
        return issued - self.options.days_before_issue * DAY <= line.booked <= issued + self.options.days_after_issue * DAY

    def _customers(self, line: Line) -> Sequence[tuple[str, float]]:
        """Customers the payer may be, with name scores.

        A payer account, or a payer name unlike any customer's (a parent, a
        company paying on the customer's behalf), that has only ever paid one
        customer scores 100 for it (when account and name disagree, neither counts).
        """
        hits = self.names.lookup(line.payer_name, self.options.min_name_score)
        known: set[str] = set()
        for key in payer_keys(line):
            seen = self.payers.get(key)
            if not seen or len(seen) > 1:
                continue
            if key.startswith(NAME) and any(c not in seen and score >= self.options.auto_name_score
                                            for c, score in hits):
                continue  # a group company named like several customers pays for each of them
            known |= seen
        if len(known) == 1:
            customer = next(iter(known))
            if not hits or hits[0] != (customer, 100.0):
                return ((customer, 100.0), *(h for h in hits if h[0] != customer))
        return hits

    def _top_customer(self, line: Line) -> tuple[str, float] | None:
        """The single best customer when it clears the auto name score and is not tied with another — or, tied
        with namesakes, is the only one of them with an open invoice the line can be read against."""
        hits = self._customers(line)
        if not hits or hits[0][1] < self.options.auto_name_score:
            return None
        if len(hits) > 1 and hits[1][1] == hits[0][1]:
            # Named alike several customers (a group company, a short name they share): the one namesake whose
            # open invoices read the line at all, when the others' read it in no way — and no invoice of anyone
            # else has the line's amount (maybe plus a bank fee), which the group may as well have paid.
            tied = [c for c, score in hits if score == hits[0][1]]
            reading = [c for c in tied if self._reads_any(line, c)]
            if len(reading) != 1 or not self._reads_any(line, reading[0], exactly=True) or any(
                    self.invoices[i].customer_id != reading[0] and self.remaining[i] > 0 and self._open(line, i)
                    for fee in (0, *TYPICAL_FEES) for i in self._by_amount.get(line.amount + fee, ())):
                return None
            return reading[0], hits[0][1]
        return hits[0]

    def _reads_any(self, line: Line, customer: str, exactly: bool = False) -> bool:
        """Whether an open invoice of ``customer`` reads the line: its amount, its amount less a bank fee, or a
        set of them making the line as the split passes look for one (exact, or short by a typical fee); unless
        ``exactly``, also a part of one (:func:`~salesnb.receivables.evidence.part_of`: a usual share, the rest
        after one, a round sum on account)."""
        ids = self._customer_open(line, customer)
        values = [self.remaining[i] for i in ids]
        if any(0 <= v - line.amount <= self.options.fee_max for v in values):
            return True
        if not exactly and any(part_of(line.amount, self.remaining[i], self.invoices[i].amount) for i in ids):
            return True
        if len(values) < 2:
            return False
        return bool(subset_sums(values, line.amount, limit=1)) or any(
            subset_sums(values, line.amount + fee, max_size=4, limit=1) for fee in sorted(TYPICAL_FEES))

    def _third_party_by_history(self, line: Line, customer: str) -> bool:
        """The payer is ``customer`` only because a payer of this name (not this account) paid for them
        before, and the name is unlike theirs: a third company, which may pay for other customers too."""
        hits = self.names.lookup(line.payer_name, self.options.min_name_score)
        if any(c == customer and score >= self.options.auto_name_score for c, score in hits):
            return False
        return not (line.payer_account and self.payers.get(ACCOUNT + line.payer_account) == {customer})

    def _decide(self, line: Line, proposals: list[Proposal]) -> bool:
        """Apply ``proposals`` (one decision for the line) or keep them as near misses; True if applied."""
        if not proposals:
            return False
        by_reference = proposals[0].rule.startswith("reference")
        deposit = not_for_invoices(line.memo) and not by_reference
        # A memo that names open invoices (or their contracts) contradicts a rule that picked none of them: the
        # named ones may be paid by it in a way no rule read (one of them part-paid already, another subset).
        contradicted = not by_reference and self.memo_contradicts(line, [p.invoice_id for p in proposals])
        if deposit or contradicted or min(p.confidence for p in proposals) < self.options.auto_threshold:
            self._near[line.txn_id].extend(replace(p, confidence=min(p.confidence, 0.6)) if contradicted else p
                                           for p in proposals)
            return False
        for p in proposals:
            before = self.remaining[p.invoice_id]
            left = self.remaining[p.invoice_id] = before - p.amount
            inv = self.invoices[p.invoice_id]
            self._dirty_amounts.update((before, left))
            if left > 0:  # a part payment: the invoice is now found by what is left
                self._index_amount(inv, left)
            if inv.customer_id:
                self._dirty_customers.add(inv.customer_id)
                for key in payer_keys(line) if p.rule not in UNLEARNT_RULES else ():
                    seen = self.payers.get(key, frozenset())
                    if inv.customer_id not in seen:
                        self.payers[key] = seen | {inv.customer_id}
                        self._dirty_payers.add(key)
            self.claims.paid(p.invoice_id, p.amount, (p.evidence or "").split(","))
            self.plan.applied.append(p)
        self.used.add(line.txn_id)
        return True

    def memo_contradicts(self, line: Line, invoice_ids: Sequence[str]) -> bool:
        """Whether the line's memo names loaded invoices (by invoice or contract number, whether open to it or
        not) of which ``invoice_ids`` has none — a pair a reviewer excluded names nothing.  A bare number
        counts from 8 digits on (an invoice number): "2026年11月" names no invoice."""
        named = self._named.get(line.txn_id)
        if named is None:
            direct, via_contract = self._named_by([k for k in ref_keys(line.memo) if not k.isdigit() or len(k) >= 8])
            named = self._named[line.txn_id] = {i for i in direct | via_contract
                                                if (line.txn_id, i) not in self.excluded}
        return bool(named) and not named.intersection(invoice_ids)

    def _named_by(self, keys: Iterable[str]) -> tuple[set[str], set[str]]:
        """The loaded invoices reference ``keys`` name: by invoice number, and (the others) by contract number."""
        keys = list(keys)
        direct = {i for k in keys for i in self._by_ref.get(k, ())}
        return direct, {i for k in keys for i in self._by_contract.get(k, ())} - direct

    def _settle(self, line: Line, invoice_ids: Sequence[str], rule: str, confidence: float) -> list[Proposal]:
        """Proposals paying ``invoice_ids`` in full (a fee shortfall is written off)."""
        return [Proposal(line.txn_id, i, self.remaining[i], rule, round(confidence, 3)) for i in invoice_ids]

    def _customer_open(self, line: Line, customer: str) -> list[str]:
        return [i for i in self._by_customer.get(customer, ()) if self._open(line, i)]

    # ------------------------------------------------------------ passes

    def run(self) -> Plan:
        for line in self.lines:
            self._pass_reference(line)
        pending = [ln for ln in self.lines if ln.txn_id not in self.used]
        customers: set[str] | None = None  # None: every customer
        for _round in range(MAX_ROUNDS):
            # Until nothing changes: a payment applied in one round (or an account learnt) can settle
            # a line of an earlier round; only the lines and customers it touches are looked at again.
            self._dirty_customers, self._dirty_amounts, self._dirty_payers = set(), set(), set()
            self._doubtful = set()
            self.claims.match_claims()
            for step in (self.claims.match_line, self._pass_amount_name, self._pass_fee, self._pass_split_invoices,
                         self.claims.match_line_and_rest, self.claims.match_rest_from_anyone):
                for line in pending:
                    if line.txn_id not in self.used:
                        step(line)
            self._pass_split_payments(customers)
            self.claims.match_parts(pending)
            for step in (self.claims.match_share, self._pass_percentage, self._pass_rest_of_share,
                         self._pass_amount_unique, self._pass_sole_invoice):
                for line in pending:
                    if line.txn_id not in self.used:
                        step(line)
            if not (self._dirty_customers or self._dirty_amounts or self._dirty_payers):
                break
            pending = [ln for ln in self.lines if ln.txn_id not in self.used and self._touched(ln)]
            customers = set(self._dirty_customers)
            for line in pending:
                customers.update(c for c, _ in self._customers(line))
        self._queue_leftovers()
        return self.plan

    def _touched(self, line: Line) -> bool:
        """Whether the last round changed anything this line's passes look at."""
        if line.amount in self._dirty_amounts or any(k in self._dirty_payers for k in payer_keys(line)):
            return True
        if any(c in self._dirty_customers for c, _ in self._customers(line)):
            return True
        return self.claims.touched(line, self._dirty_customers)

    def _pass_reference(self, line: Line) -> None:
        keys = ref_keys(line.memo)
        if not keys:
            return
        direct, via_contract = self._named_by(keys)
        for targets, base in ((direct, 0.99), (via_contract, 0.97)):
            ids = sorted((i for i in targets if self._open(line, i)),
                         key=lambda i: (self.invoices[i].issued or 0.0, i))
            if ids and self._decide(line, self._reference_proposals(line, ids, base)):
                return

    def _reference_proposals(self, line: Line, ids: list[str], base: float) -> list[Proposal]:
        amounts = [self.remaining[i] for i in ids]
        total = sum(amounts)
        if line.amount == total:
            return self._settle(line, ids, "reference", base)
        if total - line.amount in FEE_TOTALS[1]:
            return self._settle(line, ids, "reference_fee", base - 0.03)
        if len(ids) == 1:
            if line.amount < total:  # a part payment of the named invoice
                return [Proposal(line.txn_id, ids[0], line.amount, "reference_partial", round(base - 0.04, 3))]
            return [Proposal(line.txn_id, ids[0], amounts[0], "reference_overpaid", 0.6)]
        exact = [i for i, a in zip(ids, amounts) if a == line.amount]
        if exact:
            return self._settle(line, exact[:1], "reference", base - (0.02 if len(exact) == 1 else 0.1))
        subsets = subset_sums(amounts, line.amount)
        if subsets:
            chosen = [ids[k] for k in subsets[0]]
            return self._settle(line, chosen, "reference_split", base - (0.03 if len(subsets) == 1 else 0.2))
        return [Proposal(line.txn_id, i, min(self.remaining[i], line.amount), "reference_unclear", 0.5)
                for i in ids[: self.options.max_candidates]]

    def _pass_amount_name(self, line: Line) -> None:
        found: list[tuple[float, str]] = []
        for customer, score in self._customers(line):
            for i in dict.fromkeys(self._by_customer_amount.get((customer, line.amount), ())):
                if self.remaining[i] == line.amount and self._open(line, i):
                    found.append((score, i))
        if not found:
            return
        best = max(score for score, _ in found)
        top = [i for score, i in found if score == best]
        customers = {self.invoices[i].customer_id for i in top}
        confidence = 0.9 + 0.09 * (best - 90.0) / 10.0 if best >= self.options.auto_name_score else 0.7
        if len(customers) > 1:
            confidence = 0.6
        elif len(top) > 1:
            # Same customer, same amount: nothing in the line tells which; the oldest first, but a reviewer decides.
            confidence = min(confidence - 0.05, 0.85)
        elif best < 100.0 and line.amount % ROUND_AMOUNT == 0 and self._part_elsewhere(line, next(iter(customers)),
                                                                                         top):
            # A round sum from a name only like the customer's: as likely paid on account of a larger invoice.
            confidence = min(confidence, 0.8)
            self._doubtful.add(line.txn_id)
        proposals = [Proposal(line.txn_id, i, line.amount, "amount_name", round(confidence, 3)) for i in top[:3]]
        if not self._decide(line, proposals[:1]):
            self._near[line.txn_id].extend(proposals[1:])

    def _pass_split_invoices(self, line: Line) -> None:
        """One transfer for several invoices of one customer (exact, or short by one typical fee)."""
        top = self._top_customer(line)
        if top is None:
            return
        ids = [i for i in self._customer_open(line, top[0]) if self.remaining[i] < line.amount]
        if len(ids) < 2:
            return
        values = [self.remaining[i] for i in ids]
        subsets = subset_sums(values, line.amount)
        rule, confidence = "split_invoices", 0.93 if len(ids) <= SMALL else 0.91
        if not subsets:
            rule, confidence = "split_invoices_fee", 0.91 if len(ids) <= SMALL else 0.9
            for fee in sorted(TYPICAL_FEES):
                subsets += subset_sums(values, line.amount + fee, max_size=4 if len(ids) <= MAX_FEE_SET_INVOICES else 3,
                                       limit=2 - len(subsets))
                if len(subsets) >= 2:
                    break
        if not subsets:
            return
        chosen = [ids[k] for k in subsets[0]]
        # An exact sum can be a coincidence (a customer with dozens of open invoices has many subsets) while the
        # transfer paid others less a bank fee: that reading counts as another subset.
        fee_short = rule == "split_invoices" and len(subsets) == 1 and len(ids) <= MAX_FEE_SHORT_CHECK and any(
            subset_sums(values, line.amount + fee, max_size=4, limit=1)
            for fee in sorted(TYPICAL_FEES))
        if len(subsets) > 1 or fee_short or self._part_elsewhere(line, top[0], chosen):
            confidence = 0.6  # another subset, or a part payment of a larger invoice, fits as well
            self._doubtful.add(line.txn_id)
        elif rule == "split_invoices_fee" and len(ids) > MAX_FEE_SET_INVOICES:
            # Sets of four were not searched: among this many invoices one may make the line less another fee as
            # well, and three of them make a fee-short sum by chance often enough (a bank line for four invoices
            # of a customer with 60 open was applied to three others).
            confidence = 0.85
        self._decide(line, self._settle(line, chosen, rule, confidence))

    def _part_elsewhere(self, line: Line, customer: str, chosen: Iterable[str], on_account: bool = True) -> list[str]:
        """Open invoices of ``customer`` other than ``chosen`` that the line reads as a part payment of
        (:func:`~salesnb.receivables.evidence.part_of`): a match that rests on the amount's coincidence with
        other invoices is then doubtful."""
        chosen = set(chosen)
        return [i for i in self._customer_open(line, customer)
                if i not in chosen and part_of(line.amount, self.remaining[i], self.invoices[i].amount,
                                               on_account=on_account)]

    def _share_of_one(self, line: Line, customer: str, exact: bool = False) -> set[str]:
        """The customer's open invoices of which the line is a usual share (a part payment).

        The share is of what is left, or of the whole invoice (the second 30 % instalment).
        """
        found = set()
        for i in self._customer_open(line, customer):
            left = self.remaining[i]
            if left > line.amount and any(is_share(line.amount, base, exact=exact)
                                          for base in {left, self.invoices[i].amount or left}):
                found.add(i)
        return found

    def _pass_split_payments(self, customers: set[str] | None = None) -> None:
        """Several lines of one customer that together pay one invoice (exactly, or short by typical fees)."""
        by_customer: dict[str, list[Line]] = defaultdict(list)
        for line in self.lines:
            if line.txn_id not in self.used and not not_for_invoices(line.memo):  # a deposit is no part of one
                top = self._top_customer(line)
                if top is not None and (customers is None or top[0] in customers):
                    by_customer[top[0]].append(line)
        for customer, lines in by_customer.items():
            if len(lines) < 2:
                continue
            for invoice_id in list(self._by_customer.get(customer, ())):
                target = self.remaining[invoice_id]
                pool = [ln for ln in lines if ln.txn_id not in self.used and ln.amount < target
                        and self._open(ln, invoice_id)][: self.options.max_parts]
                if len(pool) >= 2:
                    self._split_payment(invoice_id, target, pool)

    def _split_payment(self, invoice_id: str, target: int, pool: list[Line]) -> None:
        amounts = [ln.amount for ln in pool]
        subsets = subset_sums(amounts, target, max_size=4)
        if len(subsets) == 1:
            parts = [pool[k] for k in subsets[0]]
            doubtful = self._parts_elsewhere(invoice_id, parts) or self.memo_against(parts, invoice_id)
            confidence = 0.6 if doubtful else 0.92
            for k in subsets[0]:
                part = pool[k]
                self._decide(part, [Proposal(part.txn_id, invoice_id, part.amount, "split_payments", confidence)])
            return
        if subsets:
            return
        short = [combo for combo in _combos(len(pool), 2, 3)
                 if (target - sum(amounts[k] for k in combo)) in FEE_TOTALS[len(combo)]
                 and target - sum(amounts[k] for k in combo) <= self.options.fee_max]
        if len(short) != 1:
            return
        combo = short[0]
        shortfall = target - sum(amounts[k] for k in combo)
        parts = [pool[k] for k in combo]
        confidence = 0.6 if self._parts_elsewhere(invoice_id, parts) or self.memo_against(parts, invoice_id) else 0.9
        for n, k in enumerate(combo):
            part = pool[k]
            amount = part.amount + (shortfall if n == len(combo) - 1 else 0)  # the last part absorbs the fees
            self._decide(part, [Proposal(part.txn_id, invoice_id, amount, "split_payments_fee", confidence)])

    def memo_against(self, parts: list[Line], invoice_id: str) -> bool:
        """Whether a memo of the parts of a split names other invoices: then every part goes to review (one
        part applied alone would rest on a sum that no longer holds)."""
        return any(self.memo_contradicts(p, [invoice_id]) for p in parts)

    def _parts_elsewhere(self, invoice_id: str, parts: list[Line]) -> bool:
        """Whether a line of a split payment of ``invoice_id`` is no instalment of it (no usual share, nor the
        rest after one) but reads as a part payment of another open invoice of the customer (a round sum on
        account of a larger one, an instalment of it): the split then rests on the sum's coincidence, and the
        lines go to review."""
        customer, inv = self.invoices[invoice_id].customer_id, self.invoices[invoice_id]
        doubtful = customer is not None and any(
            not part_of(p.amount, self.remaining[invoice_id], inv.amount, on_account=False)
            and self._part_elsewhere(p, customer, (invoice_id,)) for p in parts)
        if doubtful:
            self._doubtful.update(p.txn_id for p in parts)
        return doubtful

    def _pass_fee(self, line: Line) -> None:
        top = self._top_customer(line)
        if top is None:
            return
        near = [i for i in self._customer_open(line, top[0])
                if 0 < self.remaining[i] - line.amount <= self.options.fee_max]
        if not near:
            return
        typical = [i for i in near if self.remaining[i] - line.amount in TYPICAL_FEES]
        if len(near) == 1 and typical:
            confidence = 0.92
        else:
            confidence = 0.75 if typical else 0.65
        chosen = (typical or near)[0]
        if self._share_of_one(line, top[0], exact=True) - {chosen}:
            confidence = min(confidence, 0.75)  # or exactly an instalment of another invoice
            self._doubtful.add(line.txn_id)
        self._decide(line, self._settle(line, [chosen], "fee", confidence))

    def _pass_percentage(self, line: Line) -> None:
        """A part payment that is a usual share (30 % deposit, 60 % on delivery …) of exactly one open invoice."""
        top = self._top_customer(line)
        if top is None or not_for_invoices(line.memo) or line.txn_id in self._doubtful:
            return
        hits = self._share_of_one(line, top[0])
        if len(hits) == 1:
            invoice_id = hits.pop()
            others = [i for i in self._customer_open(line, top[0]) if i != invoice_id]
            fee_short = any(self.remaining[i] - line.amount in TYPICAL_FEES for i in others)
            # Doubtful when the line is as well a part of another invoice (a round sum may be paid on account of
            # any larger one), or settles one less a bank fee.
            elsewhere = self._part_elsewhere(line, top[0], (invoice_id,))
            confidence = 0.6 if fee_short or elsewhere or self._third_party_by_history(line, top[0]) else 0.9
            if not self._contradicted(line, invoice_id, "percentage", top[1]):
                self._decide(line, [Proposal(line.txn_id, invoice_id, line.amount, "percentage", confidence)])

    def _pass_rest_of_share(self, line: Line) -> None:
        """The last instalment of a split: an unusual amount from a known customer that is what is left of exactly
        one open invoice after a usual share of it, rounded to 100 yuan (the earlier parts unseen or paid)."""
        top = self._top_customer(line)
        if top is None or not_for_invoices(line.memo) or line.txn_id in self._doubtful:
            return
        window = self._customer_open(line, top[0])
        hits = [i for i in window if self.remaining[i] > line.amount
                and (self.invoices[i].issued or 0.0) <= line.booked
                and rest_of_share(line.amount, self.invoices[i].amount or self.remaining[i])]
        if len(hits) != 1:
            return
        invoice_id = hits[0]
        others = [i for i in window if i != invoice_id]
        # Doubtful when another invoice reads the line as a part of it (a share, or the rest after one), or as
        # paid in full (maybe less a bank fee).
        doubt = (any(self.remaining[i] - line.amount in TYPICAL_FEES or self.remaining[i] == line.amount
                     for i in others)
                 or self._part_elsewhere(line, top[0], (invoice_id,), on_account=False)
                 or self._third_party_by_history(line, top[0]))
        if not self._contradicted(line, invoice_id, "rest_of_share", top[1]):
            self._decide(line, [Proposal(line.txn_id, invoice_id, line.amount, "rest_of_share",
                                         0.6 if doubt else 0.9)])

    def _pass_amount_unique(self, line: Line) -> None:
        """A payer nobody knows (a third company) paying an unusual amount that exactly one open invoice has."""
        if (round_less_fee(line.amount) or not_for_invoices(line.memo) or is_person(line.payer_name)
                or self._customers(line) or self.paid_to.intersection(payer_keys(line))):
            return  # a round sum (or one less a bank fee) is no unusual amount; a supplier's money is a refund
        same = [i for i in dict.fromkeys(self._by_amount.get(line.amount, ()))
                if self.remaining[i] == line.amount and self._open(line, i)]
        fee_short = [i for fee in TYPICAL_FEES for i in dict.fromkeys(self._by_amount.get(line.amount + fee, ()))
                     if self.remaining[i] == line.amount + fee and self._open(line, i)]
        # The rest of a part-paid invoice is too easy a fit for a payer nobody knows (as with claims), and so
        # is an amount that is as well the full payment of another invoice less a bank fee.
        rest = len(same) == 1 and (self.invoices[same[0]].amount or line.amount) != line.amount
        if len(same) == 1 and (fee_short or rest):
            self._near[line.txn_id].extend(Proposal(line.txn_id, i, min(line.amount, self.remaining[i]),
                                                    "amount_unique", 0.5)
                                           for i in (same + fee_short)[: self.options.max_candidates])
        elif len(same) == 1:
            self._decide(line, [Proposal(line.txn_id, same[0], line.amount, "amount_unique", 0.9)])
        elif same:
            self._near[line.txn_id].extend(Proposal(line.txn_id, i, line.amount, "amount_unique", 0.5)
                                           for i in same[: self.options.max_candidates])

    def _pass_sole_invoice(self, line: Line) -> None:
        """A part payment from a known customer who has exactly one open invoice, larger than the line."""
        top = self._top_customer(line)
        if top is None or not_for_invoices(line.memo) or line.txn_id in self._doubtful:
            return
        # Invoices issued after the line (the window allows a few days) cannot have been part-paid by it.
        window = self._customer_open(line, top[0])
        open_ids = [i for i in window if (self.invoices[i].issued or 0.0) <= line.booked]
        if len(open_ids) == 1 and self.remaining[open_ids[0]] > line.amount:
            rule = "sole_invoice"
        else:
            rule, open_ids = "sole_larger_invoice", self._sole_larger(line, window)
        if len(open_ids) == 1:
            # A third company known by name only may be paying for another customer: a reviewer decides.
            confidence = 0.6 if self._third_party_by_history(line, top[0]) else 0.9
            if not self._contradicted(line, open_ids[0], rule, top[1]):
                self._decide(line, [Proposal(line.txn_id, open_ids[0], line.amount, rule, confidence)])

    def _sole_larger(self, line: Line, window: list[str]) -> list[str]:
        """The one open invoice a part payment can belong to when the customer's other open invoices are all
        smaller than the line: it must have been issued before the line, and the amount must read as a part
        of it (:func:`~salesnb.receivables.evidence.part_of`); else nothing."""
        larger = [i for i in window if self.remaining[i] >= line.amount]  # an exact amount is a reading too
        if len(larger) != 1 or len(window) < 2 or self.remaining[larger[0]] == line.amount:
            return []
        invoice_id = larger[0]
        inv = self.invoices[invoice_id]
        if (inv.issued or 0.0) > line.booked or not part_of(line.amount, self.remaining[invoice_id], inv.amount):
            return []
        return larger

    def _contradicted(self, line: Line, invoice_id: str, rule: str, name_score: float) -> bool:
        """Whether a part payment of ``invoice_id`` guessed from the payer's name is contradicted.

        Only a payer that may be a third party counts (named unlike the customer, or a memo saying 代付): a
        group finance company or a company paying on someone's behalf is named like one customer but may
        pay for another.  Then another open invoice with exactly the line's amount (round amounts only with
        代付: they coincide too often), or a memo
        naming a contract or invoice other than this one's, sends the line to review, with the other
        invoices as candidates.
        """
        third_party = on_behalf(line.memo)
        if name_score >= 100.0 and not third_party:
            return False
        exact = [] if line.amount % SHARE_ROUNDING == 0 and not third_party else [
            i for i in dict.fromkeys(self._by_amount.get(line.amount, ()))
            if i != invoice_id and self.remaining[i] == line.amount and self._open(line, i)]
        inv = self.invoices[invoice_id]
        own = {strip_separators(inv.invoice_id.upper())} | (
            {strip_separators(inv.contract_id.upper())} if inv.contract_id else set())
        foreign = [k for k in document_numbers(line.memo) if k not in own]
        if not exact and not foreign:
            return False
        self._near[line.txn_id].append(Proposal(line.txn_id, invoice_id, line.amount, rule, 0.6))
        self._near[line.txn_id].extend(Proposal(line.txn_id, i, line.amount, "amount_only", 0.5)
                                       for i in exact[: self.options.max_candidates])
        return True

    def _queue_leftovers(self) -> None:
        """Review candidates for every line left: near misses first, then amount-only and name-only guesses."""
        limit = self.options.max_candidates
        for line in self.lines:
            if line.txn_id in self.used:
                continue
            proposals = {p.invoice_id: replace(p, amount=min(p.amount, self.remaining[p.invoice_id]))
                         for p in sorted(self._near.get(line.txn_id, ()), key=lambda p: p.confidence)
                         if self.remaining[p.invoice_id] > 0}
            if len(proposals) < limit:
                for i in dict.fromkeys(self._by_amount.get(line.amount, ())):
                    if i not in proposals and self.remaining[i] == line.amount and self._open(line, i):
                        proposals[i] = Proposal(line.txn_id, i, line.amount, "amount_only", 0.4)
                        if len(proposals) >= limit:
                            break
            if len(proposals) < limit:
                for customer, _score in self._customers(line)[:1]:
                    # a part payment most likely belongs to the smallest invoice it fits in
                    fits = sorted(self._customer_open(line, customer),
                                  key=lambda i: (self.remaining[i] < line.amount, self.remaining[i]))
                    for i in fits[:limit]:
                        proposals.setdefault(i, Proposal(line.txn_id, i, min(line.amount, self.remaining[i]),
                                                         "name_only", 0.3))
            ranked = sorted(proposals.values(), key=lambda p: (-p.confidence, p.invoice_id))[:limit]
            if ranked:
                self.plan.candidates.extend(ranked)
            else:
                self.plan.unmatched.append(line.txn_id)


def _combos(n: int, smallest: int, largest: int) -> list[tuple[int, ...]]:
    return [c for size in range(smallest, largest + 1) for c in combinations(range(n), size)]


def plan_matches(lines: Iterable[Line], invoices: Iterable[OpenInvoice], customer_names: dict[str, str],
                 *, options: Options = Options(), excluded: Iterable[tuple[str, str]] = (),
                 account_customers: dict[str, set[str]] | None = None,
                 payer_customers: dict[str, set[str]] | None = None, claims: Iterable[Claim] = (),
                 names: NameIndex | None = None, payers: dict[str, set[str]] | None = None,
                 paid_to: Collection[str] = ()) -> Plan:
    """Match ``lines`` to ``invoices``; see the module docstring for the passes.

    ``account_customers`` maps payer accounts, ``payer_customers`` payer names,
    to the customers they paid for before (from applied matches); an account
    or name that only ever paid one customer identifies the payer.  ``claims``
    are payment claims (回款认领) in finance review or confirmed whose money
    has not been applied yet.  ``names`` (the index of ``customer_names``) and ``payers`` (the history by
    payer key, :func:`~salesnb.receivables.evidence.payer_history`) may come built already.  ``paid_to`` are
    the payer keys of payers this company pays (outgoing lines' counterparties): their money is never placed
    on an invoice by its amount alone.
    """
    return Matcher(lines, invoices, customer_names, options=options, excluded=excluded,
                   account_customers=account_customers, payer_customers=payer_customers, claims=claims,
                   names=names, payers=payers, paid_to=paid_to).run()
