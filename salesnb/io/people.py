"""Stage 5, people: owner / approver / assignee cells may name a person however the sheet does.

Every column that references ``users.user_id`` accepts a user id, the
``姓名（编号）`` form exports write for names two users share, a name, an alias
(``users.aliases``), a mobile number, an e-mail address or a platform id
(``wecom_userid`` and any other ``*_userid`` / ``*_open_id`` column), resolved
through the users directory — the database's users plus the users of the
same import.  A value several users answer to is an error naming the row,
the column and the candidates; a value nobody answers to is left as it is and
reported by the reference check (:mod:`salesnb.io.validate`), with the
closest names.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..directory import Directory
from ..schema import TableSpec
from .convert import Chunk


def person_columns(spec: TableSpec) -> list[str]:
    """Columns of ``spec`` that name a person (they reference ``users.user_id``)."""
    return [c.name for c in spec.columns if c.ref == "users.user_id"]


def resolve(chunk: Chunk, spec: TableSpec, directory: Directory) -> None:
    """Replace people named by name, phone or platform id with user ids, in place.

    Ambiguous cells become empty and are recorded in ``chunk.ambiguous``
    (column → {index: candidate labels}); unknown ones are left for the
    reference check.  The users of a ``users`` chunk are learned first, so a
    manager named in the same file resolves.
    """
    if spec.name == "users":
        directory.learn(chunk.typed)
    for column in person_columns(spec):
        series = chunk.typed.get(column)
        if series is None:
            continue
        present = series.dropna()
        if present.empty:
            continue
        known = directory.known_ids()
        distinct = [v for v in pd.unique(present.to_numpy(dtype=object)) if v not in known]
        if not distinct:
            continue  # every cell is a user id: the common case costs one pass
        replace: dict[str, object] = {}
        ambiguous: dict[str, list[str]] = {}
        for value in distinct:
            users = directory.users_for(value)
            if len(users) == 1:
                replace[value] = next(iter(users))
            elif len(users) > 1:
                replace[value] = None
                ambiguous[value] = sorted(directory.label(u) for u in users)
        if not replace:
            continue
        values = series.to_numpy(dtype=object)
        hits = np.flatnonzero(pd.Series(values).isin(list(replace)).to_numpy())
        out = values.copy()
        for i in hits:
            out[i] = replace[values[i]]
            if values[i] in ambiguous:
                chunk.ambiguous.setdefault(column, {})[int(i)] = ambiguous[values[i]]
        chunk.typed[column] = pd.Series(out, dtype=object)
