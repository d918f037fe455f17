"""Header mappings people give: ``--map`` options, mapping files per source system, remembered mappings.

A mapping says "in files of this kind, header H means column C" (or "H is not
used, on purpose": column ``""``).  Three places hold them, the first winning:

1. given now — ``salesnb import FILE --map '账期（天）=payment_terms_days'``, or
   the import app's mapping step;
2. a mapping file (TOML, one per source system), shared by the CLI, the
   import app and the folder source::

       source = "crm"                     # the system these files come from
       ["*"]                              # any table that has the column
       "账期（天）" = "payment_terms_days"
       [contracts]
       "交付区域" = "dest_region"
       "内部备注" = ""                     # not used, on purpose

3. remembered — every mapping given now (1) is stored in ``header_mappings``
   after a successful import, for the next file with that header (per source
   system; ``""`` = any system).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..auth.people import Actor
from ..auth.permissions import authorize
from ..errors import InputError, Problem
from ..models import HeaderMapping
from ..schema import table_specs
from ..timeutil import now
from .headers import IGNORE, folded
from .messages import msg

ANY_TABLE = "*"
ORIGINS = ("given", "file", "remembered")  # first wins
IGNORE_WORDS = ("", "-", "none", "ignore", "不导入", "忽略")


@dataclass(frozen=True)
class Entry:
    """One mapping: in ``table`` (or :data:`ANY_TABLE`), header ``text`` means ``column`` (IGNORE: not used)."""

    table: str
    text: str
    column: str
    origin: str  # given, file, remembered


@dataclass
class HeaderMappings:
    """Mappings from every place, looked up per table: :meth:`for_table` gives folded header → column."""

    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)  # (table, folded header) → entry
    source_system: str = ""

    def add(self, table: str, text: str, column: str, origin: str) -> None:
        """Add a mapping; an existing one for the same table and header is kept (earlier places win)."""
        self.entries.setdefault((table, folded(text)), Entry(table, text, column, origin))

    def merged(self, other: HeaderMappings) -> HeaderMappings:
        """These mappings, then ``other``'s where these say nothing."""
        out = HeaderMappings(dict(self.entries), self.source_system or other.source_system)
        for key, entry in other.entries.items():
            out.entries.setdefault(key, entry)
        return out

    def for_table(self, table: str) -> dict[str, tuple[str, str]]:
        """Folded header → (column or IGNORE, origin) for ``table``: its own mappings over those for any table."""
        columns = set(table_specs()[table].column_names)
        ranked: dict[str, tuple[tuple[int, bool], Entry]] = {}
        for (scope, key), entry in self.entries.items():
            if scope == table or scope == ANY_TABLE and (entry.column == IGNORE or entry.column in columns):
                rank = (ORIGINS.index(entry.origin), scope != table)  # given over file over remembered
                if key not in ranked or rank < ranked[key][0]:
                    ranked[key] = (rank, entry)
        return {key: (entry.column, entry.origin) for key, (_, entry) in ranked.items()}

    def by_table(self) -> dict[str, dict[str, tuple[str, str]]]:
        """:meth:`for_table` for every canonical table."""
        return {name: self.for_table(name) for name in table_specs()}

    def origin(self, table: str, key: str) -> str | None:
        entry = self.entries.get((table, key)) or self.entries.get((ANY_TABLE, key))
        return entry.origin if entry is not None else None

    def __bool__(self) -> bool:
        return bool(self.entries)


def _column(target: str, where: str) -> tuple[str, str]:
    """``column`` or ``table.column`` → (table or ANY_TABLE, column), checked against the canonical tables."""
    target = target.strip()
    if target.lower() in IGNORE_WORDS:
        return ANY_TABLE, IGNORE
    table, _, column = target.rpartition(".")
    specs = table_specs()
    if table:
        if table not in specs or column not in specs[table].column_names:
            raise InputError([Problem(where, None, None, msg("io.map.unknown_column", target=target))])
        return table, column
    if not any(column in spec.column_names for spec in specs.values()):
        raise InputError([Problem(where, None, None, msg("io.map.unknown_column", target=target))])
    return ANY_TABLE, column


def parse_map_options(items: Iterable[str], origin: str = "given") -> HeaderMappings:
    """``HEADER=COLUMN`` / ``HEADER=TABLE.COLUMN`` / ``HEADER=`` (not used) options → mappings."""
    out = HeaderMappings()
    for item in items:
        header, sep, target = item.rpartition("=")
        if not sep or not header.strip():
            raise InputError([Problem("--map", None, None, msg("io.map.syntax", item=item))])
        table, column = _column(target, "--map")
        out.add(table, header.strip(), column, origin)
    return out


def as_mappings(value: HeaderMappings | Mapping[str, str] | Iterable[str] | None, origin: str = "given") -> HeaderMappings:
    """Mappings from a :class:`HeaderMappings`, a dict ``{header: column}`` or ``HEADER=COLUMN`` strings."""
    if value is None:
        return HeaderMappings()
    if isinstance(value, HeaderMappings):
        return value
    if isinstance(value, Mapping):
        out = HeaderMappings()
        for header, target in value.items():
            table, column = _column(target or "", "mappings")
            out.add(table, str(header), column, origin)
        return out
    return parse_map_options(value, origin)


def load_mapping_file(path: str | Path) -> HeaderMappings:
    """Read a TOML mapping file (see the module docstring)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError([Problem(str(path), None, None, msg("io.map.bad_file", detail=str(exc)[:200]))]) from None
    out = HeaderMappings(source_system=str(data.pop("source", "") or ""))
    specs = table_specs()
    for section, entries in data.items():
        if section != ANY_TABLE and section not in specs or not isinstance(entries, dict):
            raise InputError([Problem(str(path), None, section, msg("io.map.bad_section", section=section))])
        for header, target in entries.items():
            table, column = _column(f"{section}.{target}" if section != ANY_TABLE and target else str(target), str(path))
            out.add(section if section != ANY_TABLE else table, header, column, "file")
    return out


def save_mapping_file(mappings: HeaderMappings, path: str | Path) -> Path:
    """Write mappings as a TOML mapping file (strings in TOML's basic form, which JSON's is)."""
    path = Path(path)
    lines = ["# salesnb header mappings: header = canonical column (\"\" = not used)"]
    if mappings.source_system:
        lines.append(f"source = {json.dumps(mappings.source_system, ensure_ascii=False)}")
    by_section: dict[str, list[Entry]] = {}
    for entry in mappings.entries.values():
        by_section.setdefault(entry.table, []).append(entry)
    for section in sorted(by_section, key=lambda s: (s != ANY_TABLE, s)):
        lines += ["", f"[{json.dumps(section) if section == ANY_TABLE else section}]"]
        lines += [f"{json.dumps(e.text, ensure_ascii=False)} = {json.dumps(e.column)}" for e in by_section[section]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- remembered (the store)


def remembered(session: Session, source_system: str = "") -> HeaderMappings:
    """Mappings confirmed earlier: those of ``source_system`` first, then those for any system."""
    out = HeaderMappings(source_system=source_system)
    systems = [source_system, ""] if source_system else [""]
    rows = session.scalars(select(HeaderMapping).where(HeaderMapping.source_system.in_(systems))).all()
    for row in sorted(rows, key=lambda r: systems.index(r.source_system)):
        out.entries.setdefault((row.table_name, row.header), Entry(row.table_name, row.header_text, row.column_name, "remembered"))
    return out


def remember(session: Session, entries: Iterable[Entry], source_system: str, actor: Actor | str) -> int:
    """Store mappings (replacing earlier ones for the same system, table and header); returns how many.

    ``actor`` needs ``config.edit`` (ops); an import remembers the mappings it was given as part of the import.
    """
    return store_mappings(session, entries, source_system, authorize(session, actor, "config.edit").user_id)


def store_mappings(session: Session, entries: Iterable[Entry], source_system: str, actor: str) -> int:
    """:func:`remember` for a caller that has checked the permission (the importer); ``actor`` is a user id."""
    count = 0
    for entry in entries:
        key = folded(entry.text)
        row = session.scalars(select(HeaderMapping).where(
            HeaderMapping.source_system == source_system, HeaderMapping.table_name == entry.table,
            HeaderMapping.header == key)).first()
        if row is None:
            session.add(HeaderMapping(source_system=source_system, table_name=entry.table, header=key,
                                      header_text=entry.text[:400], column_name=entry.column,
                                      created_at=now(), created_by=actor))
            count += 1
        elif row.column_name != entry.column:
            row.column_name, row.header_text, row.created_at, row.created_by = entry.column, entry.text[:400], now(), actor
            count += 1
    session.flush()
    return count


def forget(session: Session, header: str, table: str | None = None, source_system: str = "", *,
           actor: Actor | str = "system") -> int:
    """Remove remembered mappings of ``header`` (in ``table``, or every table); returns how many (``config.edit``)."""
    authorize(session, actor, "config.edit")
    query = delete(HeaderMapping).where(HeaderMapping.source_system == source_system,
                                        HeaderMapping.header == folded(header))
    if table:
        query = query.where(HeaderMapping.table_name == table)
    return session.execute(query).rowcount
