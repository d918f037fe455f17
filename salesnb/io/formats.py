"""The file suffixes an import reads (no reader code here: a page offering an upload loads no pandas)."""

from __future__ import annotations

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
HTML_SUFFIXES = (".htm", ".html", ".xml")
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES + TEXT_SUFFIXES + HTML_SUFFIXES
