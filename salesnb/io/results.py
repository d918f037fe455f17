"""What importing one source did (no import code here: sync sources and apps name it without loading pandas)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .plan import MappingReport


@dataclass
class TableResult:
    """What importing one source did."""

    source: str
    table: str
    rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    mode: str = "upsert"  # "insert": loaded straight into the empty table
    mapping: MappingReport | None = None  # headers used and unused, columns missing

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("source", "table", "rows", "inserted", "updated", "unchanged", "mode")}
        out["seconds"] = round(self.seconds, 3)
        if self.mapping is not None:
            out["mapping"] = self.mapping.to_dict()
        return out
