"""Payment claims (回款认领) as evidence for bank reconciliation.

A rep's claim says which invoice a payment was for, how much, and when the
rep heard of it.  :class:`ClaimBook` uses the claims in finance review (or
confirmed with nothing applied yet) inside a :class:`~salesnb.receivables.matching.Matcher`
run:

- ``claim`` / ``claim_fee`` — the one line of the claimed amount (or short
  of it by a typical fee) around the claim, paid by the claim's customer;
- ``claim_third_party`` / ``claim_third_party_fee`` — the same from a payer
  nobody knows (a company paying on the customer's behalf), only for a claim
  filed in the days right after the line and when no other open invoice has
  that amount (or it plus a typical fee), not for a round sum, nor short of
  the claim by a fee from a company of another city than the customer's;
- ``claim_third_party_local`` (``_fee``) — such a payer registered in the
  claim's customer's city (both names start with it), paying an unusual
  amount: the rest of a part-paid invoice (not even a multiple of 100
  yuan), or an amount an unclaimed invoice
  of a customer in another city has as well (a payer's history is never
  learnt from these);
- ``claim_split_invoices`` (``_third_party``, ``_fee``) — one transfer for
  several claimed invoices of one customer; ``claim_split_rest``
  (``_third_party``) — one transfer for claimed invoices of a customer plus
  one unclaimed invoice of theirs, or two (to the cent, the only pair);
- ``claim_split_payments`` (``_third_party``) — several transfers of one
  payer that together make one claimed amount;
- ``claim_percentage`` — a known customer's instalment that is a usual share
  of exactly one of their claimed invoices.

Every lookup goes by amount (hash) or by one customer's few claims; nothing
compares every line with every claim.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import combinations
from typing import TYPE_CHECKING

from .evidence import (
    DAY,
    ROUND_AMOUNT,
    TYPICAL_FEES,
    Claim,
    Line,
    Proposal,
    is_person,
    is_share,
    not_for_invoices,
    payer_name_key,
    round_less_fee,
)
from .names import cities
from .subsets import subset_sums

if TYPE_CHECKING:
    from .matching import Matcher

# Confidence of a claim-backed match by (payer rank, fee deducted): rank 0 = the payer is the claim's
# customer by name, account or history; 1 = nobody in particular (a third company, a tie that includes the
# customer) and the claim filed in the days right after the line; 2 = nobody in particular, the claim
# further away in time: a reviewer decides.
CLAIM_CONFIDENCE = {(0, False): 0.97, (0, True): 0.95, (1, False): 0.93, (1, True): 0.9, (2, False): 0.7,
                    (2, True): 0.6}
CLAIM_SPLIT_CONFIDENCE = {0: 0.93, 1: 0.91, 2: 0.6}
CLAIM_RULES = {(0, False): "claim", (0, True): "claim_fee", (1, False): "claim_third_party",
               (1, True): "claim_third_party_fee", (2, False): "claim_third_party", (2, True): "claim_third_party_fee"}
# A payer nobody knows tied to a claim by its city as well (:meth:`ClaimBook._registered_alike`): a payer's
# history is never learnt from these, or one coincidence would name a local company for good.
LOCAL_RULES = {False: "claim_third_party_local", True: "claim_third_party_local_fee"}
LOCAL_UNIT = 50_000  # a local payer's amount must not be a multiple of 500 yuan (2,500, 7,500 are everyday sums)
MAX_CLAIM_SET = 4  # one transfer for at most this many claimed invoices
MAX_REST_INVOICES = 20  # claims plus one unclaimed invoice are indexed for customers with at most this many open


class ClaimBook:
    """Payment claims (回款认领) as evidence: a rep states that invoice X was paid, how much, and when.

    A claim in finance review (or confirmed, with nothing applied to the
    invoice yet) picks the bank line of that amount — or short of it by a
    typical fee — booked around the claim, from the claim's customer or from
    a payer nobody knows (a third company paying on the customer's behalf),
    provided no other line and no other claim fits as well.  Claims also
    settle one transfer for several claimed invoices of one customer
    (``claim_split_invoices``) and several transfers of one payer for one
    claimed invoice (``claim_split_payments``).  Lookups go by amount only.
    """

    def __init__(self, claims: Iterable[Claim], matcher: Matcher):
        self.m = matcher
        self.claims = sorted((c for c in claims if c.invoice_id in matcher.invoices and c.amount > 0),
                             key=lambda c: (c.submitted, c.claim_id))
        self.used: set[str] = set()
        self._consumed: dict[str, int] = defaultdict(int)  # cents applied through each claim
        self._retry: set[str] | None = None  # None: every claim
        self._of_invoice: dict[str, list[Claim]] = defaultdict(list)
        self._of_customer: dict[str, list[Claim]] = defaultdict(list)
        self._by_target: dict[int, list[Claim]] = defaultdict(list)
        self._lines_by_amount: dict[int, list[Line]] = defaultdict(list)
        for claim in self.claims:
            self._of_invoice[claim.invoice_id].append(claim)
            self._of_customer[matcher.invoices[claim.invoice_id].customer_id or ""].append(claim)
            self._by_target[self.target(claim)].append(claim)
        for line in matcher.lines:
            self._lines_by_amount[line.amount].append(line)
        self._times = [c.submitted for c in self.claims]  # the claims are in the order they were filed
        groups = self._claim_groups(MAX_CLAIM_SET)
        self._sets = self._claim_sets(groups)
        # customer → the claim sets a rest may join (one claim fewer than the largest set)
        self._claim_sets_of = {customer: [g for g in found if len(g) < MAX_CLAIM_SET]
                               for customer, found in groups.items()}
        self._rest_groups: dict[str, list[tuple[Claim, ...]]] = {}  # … of the customers indexed so far
        self._rest_sets: dict[int, list[tuple[tuple[Claim, ...], str]]] = defaultdict(list)
        for customer in self._claim_sets_of:
            self._index_customer_rests(customer)

    # ------------------------------------------------------------ bookkeeping

    def target(self, claim: Claim) -> int:
        """The claimed money still to be found: what the claim says less what came through it already,
        or what is left of the invoice if less."""
        return min(claim.amount - self._consumed[claim.claim_id], self.m.remaining[claim.invoice_id])

    def paid(self, invoice_id: str, amount: int, claim_ids: Iterable[str] = ()) -> None:
        """An applied match paid ``amount`` on ``invoice_id`` (through ``claim_ids``, or by other evidence):
        the invoice's claims shrink, or are met, and what is left of it may be the rest of a claimed set."""
        customer = self.m.invoices[invoice_id].customer_id or ""
        if customer in self._rest_groups:
            self._index_rest(invoice_id)
        elif customer in self._claim_sets_of:
            self._index_customer_rests(customer)
        for claim in self._of_invoice.get(invoice_id, ()):
            if claim.claim_id in self.used:
                continue
            if claim.claim_id in claim_ids:
                self._consumed[claim.claim_id] += amount
            elif amount == claim.amount:  # the claimed money came, found by other evidence
                self._consumed[claim.claim_id] = claim.amount
            if self.target(claim) <= 0:
                self.used.add(claim.claim_id)
            else:
                self._by_target[self.target(claim)].append(claim)
                if self._retry is not None:
                    self._retry.add(claim.claim_id)

    def touched(self, line: Line, customers: set[str]) -> bool:
        """Whether a set of claims the line may pay (whatever its payer) belongs to one of ``customers``."""
        invoices = self.m.invoices
        for fee in (0, *TYPICAL_FEES):
            groups = [*self._sets.get(line.amount + fee, ()),
                      *(group for group, _ in self._rest_sets.get(line.amount + fee, ()))]
            if any(invoices[group[0].invoice_id].customer_id in customers for group in groups):
                return True
        return False

    def _open(self, claim: Claim) -> bool:
        return claim.claim_id not in self.used and self.target(claim) > 0

    def _near_claim(self, claim: Claim, line: Line) -> bool:
        """The line was booked around the claim; the rest of an invoice already partly paid may come later."""
        opts = self.m.options
        after = opts.claim_days_after if self.target(claim) == claim.amount else opts.claim_days_before
        return claim.submitted - opts.claim_days_before * DAY <= line.booked <= claim.submitted + after * DAY

    def _rank(self, line: Line, customer: str | None, claims: Sequence[Claim] = ()) -> int | None:
        """How well the payer fits ``customer``: 0 it is the customer; 1 nobody in particular, and the
        ``claims`` were filed in the days right after the line; 2 nobody in particular; None someone else."""
        hits = self.m._customers(line)
        best = hits[0][1] if hits else None
        top = [c for c, score in hits if score == best]
        if top == [customer]:
            return 0
        if hits and customer not in top:
            return None
        # An unknown payer is tied to a claim by time alone: the rep reports a payment soon after it came.
        soon = self.m.options.third_party_claim_days * DAY
        return 1 if all(0 <= c.submitted - line.booked <= soon for c in claims) else 2

    def _registered_alike(self, line: Line, invoice_id: str) -> bool:
        """Whether the line's payer, a company nobody is named like, paying an unusual amount (not a multiple of 500
        yuan, nor one less a bank fee), is registered in the city of the invoice's customer: both names start with (or
        bracket) it (:func:`~salesnb.receivables.names.cities`). A company paying on a customer's behalf is often a
        local one (a group's finance arm, a trade partner); a payer from elsewhere, a province alone, a payer whose name
        names no city or a private person proves nothing, and a round sum is no fingerprint of one invoice wherever it
        comes from."""
        m = self.m
        customer = m.invoices[invoice_id].customer_id
        if (not customer or round_less_fee(line.amount, LOCAL_UNIT) or is_person(line.payer_name)
                or m._customers(line)):
            return False
        return bool(cities(line.payer_name) & m.names.cities(customer))

    def _registered_apart(self, line: Line, invoice_id: str) -> bool:
        """Whether the line's payer and the invoice's customer both name a city, and no city alike."""
        customer = self.m.invoices[invoice_id].customer_id
        here, there = cities(line.payer_name), self.m.names.cities(customer) if customer else frozenset()
        return bool(here and there) and not here & there

    def _namesakes(self, line: Line, customer: str | None) -> set[str] | None:
        """The customers the payer is named alike when ``customer`` is one of several tied at the top (a group
        company, a short name several customers share): the claim then decides between namesakes, and
        invoices of customers the payer is not named like are no rivals."""
        hits = self.m._customers(line)
        if not hits or hits[0][1] < self.m.options.auto_name_score:
            return None
        top = {c for c, score in hits if score == hits[0][1]}
        return top if customer in top and len(top) > 1 else None

    def _fits(self, claim: Claim, line: Line) -> tuple[int, bool] | None:
        """(payer rank, fee deducted) when ``line`` can be the payment ``claim`` speaks of, else None."""
        m, target = self.m, self.target(claim)
        short = target - line.amount
        settles = target == m.remaining[claim.invoice_id]
        if not (short == 0 or (settles and short in TYPICAL_FEES)):
            return None
        if (line.txn_id in m.used or not_for_invoices(line.memo) or not self._near_claim(claim, line)
                or not m._open(line, claim.invoice_id)):
            return None
        rank = self._rank(line, m.invoices[claim.invoice_id].customer_id, (claim,))
        if rank and short > 0 and is_person(line.payer_name) and not m._customers(line):
            # A private person's transfer (not a short name like customers') a fee short of the claim: a
            # coincidence as likely.
            rank = 2
        return None if rank is None else (rank, short > 0)

    # ------------------------------------------------------------ one line, one claim

    def match_claims(self) -> None:
        """Each open claim: the one line that fits it best, when nothing else fits as well."""
        retry, self._retry = self._retry, set()
        for claim in self.claims:
            if self._open(claim) and (retry is None or claim.claim_id in retry):
                self._match_claim(claim)

    def _match_claim(self, claim: Claim) -> None:
        target = self.target(claim)
        found: list[tuple[tuple[int, bool], Line]] = []
        for fee in (0, *TYPICAL_FEES):
            for line in self._lines_by_amount.get(target - fee, ()):
                if line.txn_id not in self.m.used:
                    self._retry.add(claim.claim_id)  # what is learnt of the payer later may change the fit
                    fit = self._fits(claim, line)
                    if fit is not None:
                        found.append((fit, line))
        if not found:
            return
        found.sort(key=lambda f: (f[0], f[1].booked, f[1].txn_id))
        best, line = found[0]
        confidence = CLAIM_CONFIDENCE[best]
        rule = CLAIM_RULES[best]
        # A payer registered in the claim's customer's city (a local company paying on its behalf), paying an
        # unusual amount, is tied to the claim more firmly than by time and amount alone.
        local = best[0] == 1 and self._registered_alike(line, claim.invoice_id)
        if best == (1, True) and self._registered_apart(line, claim.invoice_id):
            # a fee-short reading from a company registered in another city than the claim's customer: as
            # likely an instalment it paid for a customer of its own city
            confidence = min(confidence, 0.8)
        if best[0] >= 1 and target < claim.amount:
            # the rest after a rounded instalment is itself round to 100 yuan as often as not: no fingerprint
            if local and not round_less_fee(line.amount):
                rule = LOCAL_RULES[best[1]]
            else:
                confidence = min(confidence, 0.8)  # an unknown payer paying the rest of an invoice: too easy a fit
        if (best[0] >= 1 and round_less_fee(line.amount, ROUND_AMOUNT)
                and not self._namesakes(line, self.m.invoices[claim.invoice_id].customer_id)):
            confidence = min(confidence, 0.8)  # … or a round sum from nobody known: no fingerprint of one invoice
        if len(found) > 1:
            confidence -= 0.02  # a weaker candidate exists
        if len(found) > 1 and found[1][0] == best:
            confidence = min(confidence, 0.7)
        elif self._rivals(line, claim, best):
            if local and not self._rivals(line, claim, best, local=True):
                rule = LOCAL_RULES[best[1]]
            else:
                confidence = min(confidence, 0.7)
        if self.m.memo_contradicts(line, [claim.invoice_id]):
            confidence = min(confidence, 0.6)  # the memo names other invoices: a reviewer weighs the two
        # With a fee the invoice is settled and the fee written off.
        proposal = Proposal(line.txn_id, claim.invoice_id, target, rule, round(confidence, 3),
                            evidence=claim.claim_id)
        if confidence >= self.m.options.auto_threshold and self.m._decide(line, [proposal]):
            return
        for fit, other in found:  # every line that fits waits for a reviewer
            self.m._near[other.txn_id].append(replace(proposal, txn_id=other.txn_id, rule=CLAIM_RULES[fit],
                                                      confidence=min(confidence, CLAIM_CONFIDENCE[fit])))

    def _rivals(self, line: Line, claim: Claim, fit: tuple[int, bool], local: bool = False) -> bool:
        """Whether another open claim (of another invoice) fits ``line`` at least as well, or — the payer being nobody
        known — another open invoice has the line's amount, or the line's amount plus a typical fee (that invoice paid
        less a bank fee reads the line as well as the claim does). An invoice issued only after the line came in is no
        rival when the claimed one was issued before it (a third company pays what its customer was billed), nor is an
        invoice of a customer the payer is not named like when the payer is named like several customers, the claim's
        among them (:meth:`_namesakes`), nor — the payer being ``local`` to the claim's customer
        (:meth:`_registered_alike`) — an invoice of a customer registered in another city that nobody claimed in the
        days after the line (the claims loaded reach past them)."""
        m = self.m
        namesakes = self._namesakes(line, m.invoices[claim.invoice_id].customer_id)
        # Unclaimed only once the claims loaded reach the days in which a rep reports such a payment.
        settled = bool(self._times) and self._times[-1] >= line.booked + m.options.third_party_claim_days * DAY

        def elsewhere(i: str) -> bool:  # unclaimed, its customer registered in a city the payer is not
            return local and settled and not self._of_invoice.get(i) and self._registered_apart(line, i)
        issued = m.invoices[claim.invoice_id].issued
        billed = issued is not None and issued <= line.booked

        def later(i: str) -> bool:  # issued only after the line came in, when the claimed one was issued before
            other = m.invoices[i].issued
            return billed and other is not None and other > line.booked

        for fee in (0, *TYPICAL_FEES) if fit[0] else ():
            if any(i != claim.invoice_id and m.remaining[i] == line.amount + fee and m._open(line, i)
                   and (namesakes is None or m.invoices[i].customer_id in (None, *namesakes)) and not later(i)
                   and not elsewhere(i) for i in m._by_amount.get(line.amount + fee, ())):
                return True
        for fee in (0, *TYPICAL_FEES):
            for other in self._by_target.get(line.amount + fee, ()):
                if other.invoice_id == claim.invoice_id or not self._open(other):
                    continue
                rival = self._fits(other, line)
                if rival is not None and rival[0] <= fit[0]:
                    return True
        return False

    # ------------------------------------------------------------ one line, several claims

    def _claim_groups(self, largest: int) -> dict[str, list[tuple[Claim, ...]]]:
        """Per customer, the sets of 1…``largest`` claims for whole invoices submitted close together."""
        by_customer: dict[str, list[Claim]] = defaultdict(list)
        for claim in self.claims:
            customer = self.m.invoices[claim.invoice_id].customer_id
            if customer and claim.amount == self.m.remaining[claim.invoice_id]:
                by_customer[customer].append(claim)
        span = self.m.options.claim_set_days * DAY
        groups: dict[str, list[tuple[Claim, ...]]] = defaultdict(list)
        for customer, claims in by_customer.items():
            for k, first in enumerate(claims):
                later = [c for c in claims[k + 1:] if c.submitted - first.submitted <= span]
                later = later[: self.m.options.max_claim_set_others]
                for size in range(0, min(largest - 1, len(later)) + 1):
                    for rest in combinations(later, size):
                        group = (first, *rest)
                        if len({c.invoice_id for c in group}) == len(group):
                            groups[customer].append(group)
        return groups

    @staticmethod
    def _claim_sets(groups: dict[str, list[tuple[Claim, ...]]]) -> dict[int, list[tuple[Claim, ...]]]:
        """Sums of 2…4 claims of one customer (from :meth:`_claim_groups`) → the claim sets."""
        sets: dict[int, list[tuple[Claim, ...]]] = defaultdict(list)
        for found in groups.values():
            for group in found:
                if len(group) >= 2:
                    sets[sum(c.amount for c in group)].append(group)
        return sets

    def _index_customer_rests(self, customer: str) -> None:
        """Index sums of 1…3 claims of ``customer`` plus one more open invoice of theirs → (claims, invoice),
        once the customer has few enough open invoices (else too many ways to add up)."""
        m = self.m
        invoices = [i for i in m._by_customer.get(customer, ()) if m.remaining[i] > 0]
        if customer in self._rest_groups or len(invoices) > MAX_REST_INVOICES:
            return
        self._rest_groups[customer] = self._claim_sets_of[customer]
        for i in invoices:
            self._index_rest(i)

    def _index_rest(self, invoice_id: str) -> None:
        left = self.m.remaining[invoice_id]
        for group in self._rest_groups[self.m.invoices[invoice_id].customer_id or ""]:
            if left > 0 and all(c.invoice_id != invoice_id for c in group):
                self._rest_sets[sum(c.amount for c in group) + left].append((group, invoice_id))

    def match_line(self, line: Line) -> None:
        """One transfer for several claimed invoices of one customer (exact, or short by one typical fee)."""
        if not self._sets or not_for_invoices(line.memo):
            return
        found: list[tuple[tuple[int, bool], tuple[Claim, ...]]] = []
        for fee in (0, *TYPICAL_FEES):
            for group in self._sets.get(line.amount + fee, ()):
                fit = self._group_fit(line, group, fee > 0)
                if fit is not None:
                    found.append((fit, group))
        if not found:
            return
        best = min(fit for fit, _ in found)
        tier = [group for fit, group in found if fit == best]
        confidence = CLAIM_SPLIT_CONFIDENCE[best[0]] - (0.01 if best[1] else 0.0)
        if len(tier) > 1:
            confidence = 0.6
        rule = "claim_split_invoices" + ("_third_party" if best[0] else "") + ("_fee" if best[1] else "")
        evidence = ",".join(c.claim_id for c in tier[0])
        proposals = [replace(p, evidence=evidence)
                     for p in self.m._settle(line, [c.invoice_id for c in tier[0]], rule, confidence)]
        self.m._decide(line, proposals)

    def match_line_and_rest(self, line: Line) -> None:
        """One transfer of a known customer for some claimed invoices and one unclaimed invoice of theirs."""
        m = self.m
        top = m._top_customer(line)
        if top is None or not_for_invoices(line.memo):
            return
        near = [c for c in self._of_customer.get(top[0], ())
                if self._open(c) and c.amount == m.remaining[c.invoice_id] and self._near_claim(c, line)
                and m._open(line, c.invoice_id) and c.amount < line.amount]
        near = list({c.invoice_id: c for c in near}.values())[: m.options.max_claim_set_others]
        found: list[tuple[bool, tuple[Claim, ...], str]] = []
        for size in range(1, min(MAX_CLAIM_SET - 1, len(near)) + 1):
            for group in combinations(near, size):
                claimed = sum(c.amount for c in group)
                for fee in (0, *TYPICAL_FEES):
                    rest = line.amount + fee - claimed
                    for i in dict.fromkeys(m._by_customer_amount.get((top[0], rest), ())):
                        if (m.remaining[i] == rest and m._open(line, i)
                                and all(c.invoice_id != i for c in group)):
                            found.append((fee > 0, group, i))
        if not found:
            self._match_line_and_pair(line, top[0], near)
            return
        best = min(fee for fee, _, _ in found)
        tier = [(group, i) for fee, group, i in found if fee == best]
        confidence = 0.91 - (0.01 if best else 0.0)
        group, rest_id = tier[0]
        ids = sorted([c.invoice_id for c in group] + [rest_id],
                     key=lambda i: (m.invoices[i].issued or 0.0, i))
        # … or the transfer is as well an instalment of another invoice of theirs, and the rest a coincidence
        if (len(tier) > 1 or self._rest_made_otherwise(line, top[0], group, m.remaining[rest_id])
                or m._part_elsewhere(line, top[0], ids, on_account=False)):
            confidence = 0.6
        rule = "claim_split_rest_fee" if best else "claim_split_rest"
        evidence = ",".join(c.claim_id for c in group)
        m._decide(line, [replace(p, evidence=evidence) for p in m._settle(line, ids, rule, confidence)])

    def _claims_and_rest(self, line: Line, customer: str, near: Sequence[Claim],
                         single: bool) -> tuple[list[tuple[bool, tuple[Claim, ...], tuple[str, ...]]], bool]:
        """Readings of ``line`` as some of the claims ``near`` (of ``customer``'s invoices) plus more open
        invoices of ``customer``: one more, the line maybe less a typical fee (``single``), or two more, to the
        cent.  Returns the readings — (fee deducted, the claims, the other invoices), one per set of invoices,
        at most five looked for — and, for a single reading, whether another set of the customer's other open
        invoices (of any size) makes up the rest as well: the claims name only some of the invoices a
        transfer pays.  No reading for a customer with more than :data:`MAX_REST_INVOICES` open invoices:
        too many ways to add up."""
        m = self.m
        pool = [i for i in m._by_customer.get(customer, ()) if m.remaining[i] > 0 and m._open(line, i)]
        if len(pool) > MAX_REST_INVOICES:
            return [], False
        by_left: dict[int, list[str]] = defaultdict(list)
        for i in pool:
            by_left[m.remaining[i]].append(i)
        found: dict[frozenset[str], tuple[bool, tuple[Claim, ...], tuple[str, ...]]] = {}
        for size in range(1, min(MAX_CLAIM_SET - 1, len(near)) + 1):
            for group in combinations(near, size):
                claimed = sum(c.amount for c in group)
                ids = {c.invoice_id for c in group}
                for fee in (0, *TYPICAL_FEES) if single else (0,):
                    rest = line.amount + fee - claimed
                    if rest <= 0:
                        continue
                    readings = [(i,) for i in by_left.get(rest, ()) if single and i not in ids]
                    for i in pool if fee == 0 else ():
                        if i not in ids and m.remaining[i] < rest:
                            readings += [(i, j) for j in by_left.get(rest - m.remaining[i], ())
                                         if j > i and j not in ids]
                    for others in readings:
                        found.setdefault(frozenset(ids | set(others)), (fee > 0, group, others))
                if len(found) > 4:
                    return list(found.values()), True
        if len(found) != 1:
            return list(found.values()), False
        (reading,) = found.values()
        _, group, others = reading
        return [reading], self._rest_made_otherwise(line, customer, group, sum(m.remaining[i] for i in others))

    def _rest_made_otherwise(self, line: Line, customer: str, group: tuple[Claim, ...], rest: int) -> bool:
        """Whether the rest of a transfer after the claimed invoices of ``group`` is made by more than one set
        (of any size) of ``customer``'s other open invoices: the claims name only some of what a transfer pays,
        and a reading of the rest by one or two invoices is then a coincidence as likely as not."""
        m = self.m
        claimed = {c.invoice_id for c in group}
        values = [m.remaining[i] for i in m._by_customer.get(customer, ())
                  if i not in claimed and 0 < m.remaining[i] <= rest and m._open(line, i)]
        return len(subset_sums(values, rest, min_size=1, limit=2)) > 1

    def _match_line_and_pair(self, line: Line, customer: str, near: list[Claim]) -> None:
        """One transfer of a known customer for some claimed invoices and two unclaimed invoices of theirs,
        when exactly one such reading exists (the claims say which invoices the money was for; no other set of
        claims leaves a rest two invoices make, and no other set of the customer's invoices makes the rest)."""
        m = self.m
        found, other_sets = self._claims_and_rest(line, customer, near, single=False)
        if not found:
            return
        _, group, pair = found[0]
        evidence = ",".join(c.claim_id for c in group)
        ids = sorted([c.invoice_id for c in group] + list(pair), key=lambda i: (m.invoices[i].issued or 0.0, i))
        confidence = 0.91 if (len(found) == 1 and not other_sets
                              and not m._part_elsewhere(line, customer, ids, on_account=False)) else 0.6
        m._decide(line, [replace(p, evidence=evidence) for p in m._settle(line, ids, "claim_split_rest", confidence)])

    def _match_claims_and_pair(self, line: Line) -> None:
        """One transfer from a payer nobody knows, of an unusual amount (still unusual with a bank fee added
        back), for invoices of one customer some of which reps claimed in the days right after the line: the
        claimed ones and one more open invoice of that customer make the line exactly or less a typical fee,
        or two more make it to the cent; and nothing else reads it — no other claims or rest, no open invoice
        of the line's amount (maybe less a fee), which a payer nobody knows may as well have paid, and no
        other set of that customer's invoices making the rest.  Unlike :meth:`match_rest_from_anyone` it looks
        the claims up by the time they were filed (for customers with up to :data:`MAX_REST_INVOICES` open
        invoices)."""
        m = self.m
        if (line.txn_id in m.used or not_for_invoices(line.memo) or is_person(line.payer_name)
                or round_less_fee(line.amount) or m._customers(line)):
            return
        lo = bisect.bisect_left(self._times, line.booked)
        hi = bisect.bisect_right(self._times, line.booked + m.options.third_party_claim_days * DAY)
        by_customer: dict[str, dict[str, Claim]] = defaultdict(dict)
        for claim in self.claims[lo:hi]:
            if (self._open(claim) and claim.amount == m.remaining[claim.invoice_id] and claim.amount < line.amount
                    and m._open(line, claim.invoice_id)):
                by_customer[m.invoices[claim.invoice_id].customer_id or ""].setdefault(claim.invoice_id, claim)
        found: list[tuple[bool, tuple[Claim, ...], tuple[str, ...]]] = []
        for customer, claimed_of in by_customer.items():
            if customer:
                near = list(claimed_of.values())[: m.options.max_claim_set_others]
                readings, other_sets = self._claims_and_rest(line, customer, near, single=True)
                if other_sets:
                    return  # another set of that customer's invoices makes the line too
                found += readings
            if len(found) > 4:
                return
        if len(found) != 1 or self._paid_whole(line):
            return  # another reading, or an open invoice the line pays whole (maybe less a fee)
        fee, group, rest_ids = found[0]
        rule = "claim_split_rest_third_party" + ("_fee" if fee else "")
        ids = sorted([c.invoice_id for c in group] + list(rest_ids), key=lambda i: (m.invoices[i].issued or 0.0, i))
        evidence = ",".join(c.claim_id for c in group)
        m._decide(line, [replace(p, evidence=evidence) for p in m._settle(line, ids, rule, 0.9)])

    def _paid_whole(self, line: Line) -> bool:
        """Whether an open invoice has the line's amount, or it plus a typical bank fee: the line reads as paying
        that one whole."""
        m = self.m
        return any(m.remaining[i] == line.amount + fee and m._open(line, i)
                   for fee in (0, *TYPICAL_FEES) for i in m._by_amount.get(line.amount + fee, ()))

    def match_rest_from_anyone(self, line: Line) -> None:
        """One transfer from a payer nobody knows for claimed invoices of one customer and one unclaimed one."""
        m = self.m
        self._match_claims_and_pair(line)
        if not self._rest_sets or not_for_invoices(line.memo) or line.txn_id in m.used:
            return
        found: list[tuple[tuple[int, bool], tuple[Claim, ...], str]] = []
        for fee in (0, *TYPICAL_FEES):
            for group, rest_id in self._rest_sets.get(line.amount + fee, ()):
                if (m.remaining[rest_id] != line.amount + fee - sum(c.amount for c in group)
                        or not m._open(line, rest_id)):
                    continue
                fit = self._group_fit(line, group, fee > 0)
                if fit is not None and fit[0] >= 1:  # a known customer's transfer: match_line_and_rest
                    found.append((fit, group, rest_id))
        if not found:
            return
        best = min(fit for fit, _, _ in found)
        tier = [(group, i) for fit, group, i in found if fit == best]
        # The unclaimed invoice rests on the amount alone, as with amount_unique: it must be an unusual one.
        confidence = 0.9 if best == (1, False) and not round_less_fee(line.amount) else 0.6
        # The same when a typical bank fee was deducted, as long as the line stays unusual with the fee added back.
        if best == (1, True) and not round_less_fee(line.amount):
            confidence = 0.9
        if (best[0] == 1 and not round_less_fee(line.amount)
                and self._namesakes(line, m.invoices[tier[0][0][0].invoice_id].customer_id)):
            # the payer is named like the claims' customer (and like others): the claims decide between them
            confidence = max(confidence, 0.9 - (0.01 if best[1] else 0.0))
        if len(tier) > 1:
            confidence = 0.5
        elif self._paid_whole(line):
            confidence = min(confidence, 0.6)  # a payer nobody knows may as well have paid that invoice whole
        group, rest_id = tier[0]
        rule = "claim_split_rest_third_party" + ("_fee" if best[1] else "")
        ids = sorted([c.invoice_id for c in group] + [rest_id], key=lambda i: (m.invoices[i].issued or 0.0, i))
        evidence = ",".join(c.claim_id for c in group)
        m._decide(line, [replace(p, evidence=evidence) for p in m._settle(line, ids, rule, confidence)])

    def match_share(self, line: Line) -> None:
        """A known customer's instalment that is a usual share of exactly one of their claimed invoices (rounded
        to 100 yuan, be it a multiple of 1,000: the claim names the invoice), and no instalment of another
        invoice of theirs."""
        m = self.m
        top = m._top_customer(line)
        if top is None or not_for_invoices(line.memo):
            return
        hits = {c.invoice_id: c for c in self._of_customer.get(top[0], ())
                if self._open(c) and self.target(c) > line.amount and self._near_claim(c, line)
                and m._open(line, c.invoice_id)
                and any(is_share(line.amount, base, round_sums=True) for base in {self.target(c), c.amount})}
        if len(hits) == 1 and line.txn_id not in m._doubtful:
            (invoice_id, claim), = hits.items()
            # The claim decides between instalments when the line is one of its invoice to the cent; a share
            # only up to rounding is no better than the same reading of another invoice of theirs.
            exact = any(is_share(line.amount, base, exact=True) for base in {self.target(claim), claim.amount})
            if not exact and m._part_elsewhere(line, top[0], hits, on_account=False):
                return
            m._decide(line, [Proposal(line.txn_id, invoice_id, line.amount, "claim_percentage", 0.92,
                                      evidence=claim.claim_id)])

    def _group_fit(self, line: Line, group: tuple[Claim, ...], fee: bool) -> tuple[int, bool] | None:
        m = self.m
        if line.txn_id in m.used:
            return None
        for claim in group:
            if (not self._open(claim) or claim.amount != m.remaining[claim.invoice_id]
                    or not self._near_claim(claim, line) or not m._open(line, claim.invoice_id)):
                return None
        rank = self._rank(line, m.invoices[group[0].invoice_id].customer_id, group)
        return None if rank is None else (rank, fee)

    # ------------------------------------------------------------ several lines, one claim

    def match_parts(self, pending: Sequence[Line]) -> None:
        """Several transfers of one payer that together make exactly one claimed amount."""
        if not self.claims:
            return
        m = self.m
        changed = {ln.txn_id for ln in pending}
        groups: dict[str, list[Line]] = defaultdict(list)
        for line in m.lines:  # all of a payer's open lines: one that sends many (a supplier) is no customer
            if line.txn_id not in m.used:
                top = m._top_customer(line)
                key = ("customer:" + top[0]) if top else payer_name_key(line.payer_name)
                if key:
                    groups[key].append(line)
        for lines in groups.values():
            if not 2 <= len(lines) <= m.options.max_parts or not any(ln.txn_id in changed for ln in lines):
                continue
            lines = [ln for ln in lines if not not_for_invoices(ln.memo)]
            found: list[tuple[int, Claim, tuple[Line, ...]]] = []
            for size in (2, 3):
                for parts in combinations(lines, size):
                    for claim in self._by_target.get(sum(ln.amount for ln in parts), ()):
                        rank = self._parts_fit(claim, parts)
                        if rank is not None:
                            found.append((rank, claim, parts))
            if not found:
                continue
            best = min(rank for rank, _, _ in found)
            tier = [(claim, parts) for rank, claim, parts in found if rank == best]
            claims = {claim.claim_id for claim, _ in tier}
            if len(tier) != 1 or len(claims) != 1:
                continue  # several ways to read these transfers: a reviewer decides
            claim, parts = tier[0]
            if best and all(part.amount % ROUND_AMOUNT == 0 for part in parts):
                continue  # round sums from a payer nobody knows add up to a (round) claim by chance as often
            rule = "claim_split_payments_third_party" if best else "claim_split_payments"
            # every part alike: one applied alone would rest on a sum that no longer holds
            confidence = 0.6 if m.memo_against(list(parts), claim.invoice_id) else CLAIM_SPLIT_CONFIDENCE[best] - 0.01
            for part in parts:
                m._decide(part, [Proposal(part.txn_id, claim.invoice_id, part.amount, rule, confidence,
                                          evidence=claim.claim_id)])

    def _parts_fit(self, claim: Claim, parts: tuple[Line, ...]) -> int | None:
        m = self.m
        if not self._open(claim) or self.target(claim) != sum(ln.amount for ln in parts):
            return None
        if not self._near_claim(claim, parts[0]):  # the first part arrived around the claim
            return None
        if not all(m._open(ln, claim.invoice_id) and ln.booked >= parts[0].booked for ln in parts):
            return None
        customer = m.invoices[claim.invoice_id].customer_id
        ranks = {self._rank(ln, customer, (claim,) if ln is parts[0] else ()) for ln in parts}
        return None if None in ranks else max(ranks)
