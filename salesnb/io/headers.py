"""Stage 3, map headers: what each header text of a source means in a canonical table, with a score.

A header maps to a column through the first tier that knows it:

=============  =====  =========================================================
tier           score  example
=============  =====  =========================================================
given          100    ``--map '账期（天）=payment_terms_days'``, a mapping file
remembered     100    a mapping a person confirmed for an earlier file
name / header  100    ``payment_terms_days`` / ``账期天数`` (the column's Chinese header)
alias / label  100    ``账期`` / ``近3个月采购频次（次/月）`` (the scorecard's label)
normalised      95    ``账期（天）``, ``上级工号`` (= 上级编号), ``下单日期`` (= 下单时间)
qualifier       90    ``所属区域`` (= 区域), ``客户接受时间`` (= 接受时间)
synonym         90    ``交付区域`` (= 目的地区域), ``业务员`` (= 负责人)
fuzzy          ≥92    rapidfuzz similarity of the normal forms
=============  =====  =========================================================

Below the fuzzy threshold a header is not mapped: it is reported as unused,
with the closest column as a *suggestion* (score ≥ 60) — never mapped
silently.  A header whose note names another unit (``金额（万元）``,
``承诺交期（周）``) is never mapped automatically either.

A :class:`HeaderMap` holds the decision for every column of one source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from ..schema import TableSpec, normalise_header, table_spec, table_specs
from .vocabulary import deep_form, qualified, synonym_index, unit_conflict, without_id

EXACT, NORMALISED, QUALIFIED, SYNONYM = 100, 95, 90, 90
AUTO_FUZZY = 92  # a fuzzy match at least this close maps (and is reported with its score)
SUGGEST = 60  # below the mapping threshold, a closest column at least this close is suggested

# Bank statements split the amount into a credit (money in) and a debit (money out) column.
CREDIT_HEADERS = frozenset(normalise_header(h) for h in (
    "贷方发生额", "贷方金额", "贷方", "收入金额", "收入", "存入金额", "收款金额", "来账金额", "贷方发生额(收入)",
))
DEBIT_HEADERS = frozenset(normalise_header(h) for h in (
    "借方发生额", "借方金额", "借方", "支出金额", "支出", "付款金额", "支取金额", "往账金额", "借方发生额(支出)",
))
CREDIT, DEBIT = "@credit", "@debit"
IGNORE = ""  # a mapping to IGNORE: the header is deliberately not used


@lru_cache(maxsize=65536)
def folded(text: str) -> str:
    """:func:`~salesnb.schema.normalise_header`, cached (header search folds the same cells many times)."""
    return normalise_header(text)


@dataclass(frozen=True)
class Match:
    """What one header means: a column (or :data:`IGNORE`), how sure, and why."""

    column: str
    score: int
    reason: str  # given, remembered, name, header, alias, label, normalised, qualifier, synonym, fuzzy
    via: str = ""  # the known header it matched (an alias, a synonym), for the report

    @property
    def used(self) -> bool:
        return self.column != IGNORE


@dataclass(frozen=True)
class Suggestion:
    """The closest column for a header that was not mapped, and why it was not."""

    column: str
    score: int
    reason: str = "fuzzy"  # fuzzy, unit (a note names another unit), taken (another header has the column)
    note: str = ""


def person_columns(spec: TableSpec) -> set[str]:
    """Columns naming a person (they reference ``users.user_id``): such a header may omit 编号."""
    return {c.name for c in spec.columns if c.ref == "users.user_id"}


@lru_cache(maxsize=1)
def ui_labels() -> dict[str, dict[str, tuple[str, ...]]]:
    """Table → column → labels the apps show for it (the scorecard's field labels)."""
    from ..scorecards.definition import DEFAULT_DEFINITION

    labels: dict[str, dict[str, tuple[str, ...]]] = {"leads": {}}
    for item in DEFAULT_DEFINITION["fields"]:
        column = item.get("column")
        if column:
            labels["leads"][column] = tuple(v for v in item["label"].values())
    return labels


class Vocabulary:
    """The known headers of one table, indexed by folded text and by normal form."""

    def __init__(self, table: str):
        self.table = table
        self.spec = table_spec(table)
        self.people = person_columns(self.spec)
        self.exact: dict[str, Match] = {}
        deep: dict[str, set[str]] = {}
        self.deep_text: dict[str, str] = {}
        labels = ui_labels().get(table, {})
        for col in self.spec.columns:
            texts = [(col.zh, "header"), *((a, "alias") for a in col.aliases),
                     *((lab, "label") for lab in labels.get(col.name, ())), (col.name, "name")]
            for text, reason in texts:
                self.exact.setdefault(folded(text), Match(col.name, EXACT, reason, text))
                form = deep_form(text)[0]
                forms = {form, without_id(form)} if col.name in self.people else {form}
                for f in forms:
                    deep.setdefault(f, set()).add(col.name)
                    self.deep_text.setdefault(f, text)
        # a normal form two columns share (运单号 / 运单编号) decides nothing
        self.deep = {form: cols.pop() for form, cols in deep.items() if len(cols) == 1}
        self.choices = list(self.deep)

    def match(self, text: str, fuzzy: bool = True) -> tuple[Match | None, Suggestion | None]:
        """The automatic match of one header text (None when unsure), else what it might be.

        Without ``fuzzy`` (the header search, which tries every row of every
        sheet against every table) the rapidfuzz tier is skipped.  Answers are
        cached per table and text.
        """
        return _match(self.table, text, fuzzy)

    def _decide(self, text: str, fuzzy: bool) -> tuple[Match | None, Suggestion | None]:
        key = folded(text)
        if not key:
            return None, None
        hit = self.exact.get(key)
        if hit is not None:
            return hit, None
        if not fuzzy and not could_match(text):
            return None, None  # most cells of a sheet's first rows name no column of any table
        form, notes = deep_form(text)
        candidates: list[Match] = []
        column = self.deep.get(form) or self.deep.get(without_id(form))
        if column is not None:
            candidates.append(Match(column, NORMALISED, "normalised", self.deep_text.get(form, "")))
        else:
            for rest in qualified(form, self.table):
                column = self.deep.get(rest)
                if column is not None:
                    candidates.append(Match(column, QUALIFIED, "qualifier", self.deep_text.get(rest, "")))
                    break
        if not candidates:
            found = self._synonym(form) or next((s for s in map(self._synonym, qualified(form, self.table)) if s), None)
            if found is not None:
                candidates.append(found)
        if not candidates and fuzzy:
            best = self.closest(form)
            if best is not None and best.score >= AUTO_FUZZY:
                candidates.append(Match(best.column, best.score, "fuzzy", best.note))
            elif best is not None:
                return None, best
        match = candidates[0] if candidates else None
        if match is not None:
            conflict = unit_conflict(self.spec.column(match.column), notes)
            if conflict is not None:
                return None, Suggestion(match.column, min(match.score, AUTO_FUZZY - 1), "unit", conflict)
        return match, None

    def _synonym(self, form: str) -> Match | None:
        columns = {}
        for other in synonym_index().get(form, ()):
            column = self.deep.get(other)
            if column is not None:
                columns.setdefault(column, other)
        if len(columns) == 1:
            column, other = columns.popitem()
            return Match(column, SYNONYM, "synonym", self.deep_text.get(other, ""))
        return None

    def closest(self, form: str, exclude: frozenset[str] = frozenset()) -> Suggestion | None:
        """The column whose known header is most similar to ``form`` (rapidfuzz), if at least :data:`SUGGEST`."""
        if not form:
            return None
        choices = [c for c in self.choices if self.deep[c] not in exclude]
        found = process.extractOne(form, choices, scorer=fuzz.ratio, score_cutoff=SUGGEST)
        if found is None:
            return None
        choice, score, _ = found
        return Suggestion(self.deep[choice], round(score), "fuzzy", self.deep_text.get(choice, ""))


@lru_cache(maxsize=64)
def vocabulary(table: str) -> Vocabulary:
    return Vocabulary(table)


@lru_cache(maxsize=65536)
def _match(table: str, text: str, fuzzy: bool) -> tuple[Match | None, Suggestion | None]:
    return vocabulary(table)._decide(text, fuzzy)


@lru_cache(maxsize=1)
def _known_anywhere() -> tuple[frozenset[str], frozenset[str]]:
    """Folded headers and normal forms some table knows (for :func:`could_match`)."""
    exact: set[str] = set()
    deep: set[str] = set()
    for name in table_specs():
        vocab = vocabulary(name)
        exact.update(vocab.exact)
        deep.update(vocab.deep)
    return frozenset(exact), frozenset(deep | set(synonym_index()))


@lru_cache(maxsize=65536)
def could_match(text: str) -> bool:
    """Whether any tier but the fuzzy one could map ``text`` in some table (a cheap test done once per text)."""
    exact, deep = _known_anywhere()
    if folded(text) in exact:
        return True
    form = deep_form(text)[0]
    if form in deep or without_id(form) in deep:
        return True
    return any(rest in deep for name in table_specs() for rest in qualified(form, name))


@dataclass
class HeaderMap:
    """Where the header is and what each source column means.

    ``columns[i]`` is the canonical column of source column ``i``, or
    :data:`CREDIT` / :data:`DEBIT` (bank amount split), or ``None`` (an extra
    column, kept in ``extra``), or ``""`` (no header text: ignored).
    ``merged`` maps the second of two columns that together make one
    timestamp (交易日期 + 交易时间, in either order) to the first.
    ``matches[i]`` says how column ``i`` was mapped (score, reason);
    ``suggestions[i]`` what an unused column might be.
    """

    table: str
    row: int  # 1-based row number of the (last) header row
    texts: list[str]
    columns: list[str | None]
    merged: dict[int, int] = field(default_factory=dict)  # second column -> first column
    matches: dict[int, Match] = field(default_factory=dict)
    suggestions: dict[int, Suggestion] = field(default_factory=dict)
    ignored: set[int] = field(default_factory=set)  # positions a person said not to use

    @property
    def spec(self) -> TableSpec:
        return table_spec(self.table)

    def positions(self) -> dict[str, int]:
        """Canonical column → source column position (first occurrence)."""
        out: dict[str, int] = {}
        for pos, col in enumerate(self.columns):
            if col and col not in out:
                out[col] = pos
        return out

    def extras(self) -> list[int]:
        return [pos for pos, col in enumerate(self.columns) if col is None]

    def unused(self) -> list[int]:
        """Positions of named headers that feed no column (kept in ``extra``, or ignored on purpose)."""
        return [pos for pos, col in enumerate(self.columns) if col is None and self.texts[pos].strip()]

    def labels(self) -> dict[str, str]:
        """Canonical column → the user's header text (what problems are reported under)."""
        labels: dict[str, str] = {}
        for pos, col in enumerate(self.columns):
            if col and not col.startswith("@") and col not in labels:
                labels[col] = self.texts[pos]
        for time_pos, date_pos in self.merged.items():
            col = self.columns[date_pos]
            labels[col] = f"{self.texts[date_pos]}+{self.texts[time_pos]}"
        if CREDIT in labels or DEBIT in labels:
            split = "/".join(labels[k] for k in (CREDIT, DEBIT) if k in labels)
            labels.setdefault("amount", split)
            labels.setdefault("direction", split)
        return labels

    def present(self) -> set[str]:
        """Canonical columns the source provides (directly or derived)."""
        cols = {c for c in self.columns if c and not c.startswith("@")}
        if self.table == "bank_transactions" and {CREDIT, DEBIT} & set(self.columns):
            cols |= {"amount", "direction"}
        return cols

    def missing(self) -> list[str]:
        """Canonical columns the source lacks, required and optional."""
        present = self.present()
        return [c.name for c in self.spec.columns if c.name not in present]

    def missing_required(self) -> list[str]:
        present = self.present()
        return [c.name for c in self.spec.columns if c.required and c.default is None and c.name not in present]

    def suggested_for(self, column: str) -> list[int]:
        """Unused positions whose suggestion is ``column``."""
        return [pos for pos, s in self.suggestions.items() if s.column == column and self.columns[pos] is None]


Given = Mapping[str, tuple[str, str]]  # folded header → (column or IGNORE, origin), for one table


def match_row(cells: list[str], table: str, given: Given | None = None, suggest: bool = False) -> HeaderMap:
    """Map one row of header texts onto ``table`` (row number left at 0).

    ``given`` are mappings people made (folded header → (column or
    :data:`IGNORE`, origin)); they win over every automatic tier.  When two headers
    map to the same column the better score wins (the earlier on a tie); the
    other is unused.  With ``suggest``, the rapidfuzz tier runs and unused
    headers get their closest column (the header search goes without).
    """
    vocab = vocabulary(table)
    kinds = {c.name: c.kind for c in vocab.spec.columns}
    decided: list[Match | None] = []
    hints: dict[int, Suggestion] = {}
    ignored: set[int] = set()
    for pos, text in enumerate(cells):
        key = folded(text)
        if not key:
            decided.append(None)
            continue
        if given and key in given:
            column, origin = given[key]
            if column == IGNORE:
                ignored.add(pos)
            decided.append(Match(column, EXACT, origin, text))
            continue
        match, hint = vocab.match(text, suggest)
        if match is None and table == "bank_transactions":
            if key in CREDIT_HEADERS:
                match = Match(CREDIT, EXACT, "header", text)
            elif key in DEBIT_HEADERS:
                match = Match(DEBIT, EXACT, "header", text)
        decided.append(match)
        if hint is not None:
            hints[pos] = hint
    # the best-scoring header of each column wins; a second datetime header joins the first (date + time)
    best: dict[str, int] = {}
    for pos, match in enumerate(decided):
        if match is None or not match.used:
            continue
        held = best.get(match.column)
        if held is None or match.score > decided[held].score:
            best[match.column] = pos
    columns: list[str | None] = []
    matches: dict[int, Match] = {}
    merged: dict[int, int] = {}
    for pos, match in enumerate(decided):
        if not folded(cells[pos]):
            columns.append("")
        elif match is None or not match.used:
            columns.append(None)
        elif best[match.column] == pos:
            columns.append(match.column)
            matches[pos] = match
        elif kinds.get(match.column) == "datetime" and best[match.column] not in merged.values() \
                and not any(p == pos for p in merged):
            merged[pos] = best[match.column]
            columns.append("@time")
            matches[pos] = match
        else:
            columns.append(None)  # a second column with the same meaning: kept as extra
            hints[pos] = Suggestion(match.column, match.score, "taken")
    header = HeaderMap(table, 0, list(cells), columns, merged, matches, {}, ignored)
    if suggest:
        present = header.present()
        for pos in header.unused():
            if pos in ignored:
                continue
            hint = hints.get(pos) or vocab.closest(deep_form(cells[pos])[0])
            if hint is not None:
                if hint.reason == "fuzzy" and hint.column in present:
                    hint = Suggestion(hint.column, hint.score, "taken")
                header.suggestions[pos] = hint
    return header
