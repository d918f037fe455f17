"""What a sync source is: a configured object that yields batches of canonical rows per stream.

A source type is a class with a ``type`` name (``"sql"``, ``"http_json"`` …),
offered by a plugin through the ``salesnb_sync_sources`` hook.  The driver
(:mod:`salesnb.sync.driver`) builds one per ``[sync.NAME]`` section, asks it
for its :meth:`Source.streams` and reads each stream with :meth:`Source.read`,
which yields :class:`Batch` es: a frame of rows (the other system's own column
names, or canonical names) and the cursor to store once the batch is committed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import SyncError
from ..schema import table_specs
from ..urls import url_secrets
from . import messages  # noqa: F401  (registers the texts)

if TYPE_CHECKING:
    import pandas as pd

ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SECRET_NAMES = ("secret", "token", "password", "authorization", "cookie", "api_key", "corpsecret", "appsecret")
SECRET_SUFFIXES = ("_secret", "_token", "_password", "_key")


@dataclass
class Stream:
    """One stream of a source: a name, the canonical table its rows go to, and its own settings."""

    name: str
    table: str
    options: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # the source's column → canonical column

    def option(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)


@dataclass
class Batch:
    """Rows read from a stream, and the stream's cursor once they are committed (None: unchanged).

    ``files`` names the files of a folder batch (imported through the file pipeline, not ``frame``).
    ``apply`` writes what the source read itself, in the batch's transaction (a chat archive's messages
    become interactions and first responses): it is given the session and returns what it wrote, as
    :class:`~salesnb.io.TableResult` s.
    """

    frame: pd.DataFrame | None
    cursor: dict[str, Any] | None = None
    label: str = ""
    plans: list[Any] | None = None  # salesnb.io ImportPlans (folder source)
    done: bool = False  # the stream's last batch
    merge: bool = False  # the cursor is merged into the stored one (keys of files imported), not replacing it
    problem: Exception | None = None  # the batch could not be read (an InputError): reported like bad rows
    apply: Callable[[Any], list[Any]] | None = None  # Session → [TableResult], instead of frame or plans


@dataclass
class ReadContext:
    """What a source may use while reading: the store (for people and existing rows) and the run's options."""

    engine: Any
    full: bool = False
    dry_run: bool = False


class Source:
    """Base class of source types; subclasses set ``type`` and implement :meth:`streams` and :meth:`read`."""

    type: str = ""
    independent_batches: bool = False  # a bad batch (a broken file) does not stop the next ones

    def __init__(self, name: str, options: Mapping[str, Any]):
        self.name = name
        self.options = dict(options)

    # ------------------------------------------------------------ settings
    def option(self, key: str, default: Any = None, *, required: bool = False) -> Any:
        """A setting, ``${VAR}`` expanded from the environment (secrets stay out of notebooks)."""
        if key not in self.options or self.options[key] in (None, ""):
            if required:
                raise SyncError("sync.missing_option", name=self.name, option=key)
            return default
        return expand(self.name, self.options[key])

    def stream_options(self) -> dict[str, dict[str, Any]]:
        """``[sync.NAME.streams.STREAM]`` sections (or ``[sync.NAME.tables.TABLE]``)."""
        streams = self.options.get("streams") or self.options.get("tables") or {}
        if not isinstance(streams, Mapping):
            raise SyncError("sync.bad_option", name=self.name, option="streams", detail="expected a table of streams")
        return {str(k): dict(v) for k, v in streams.items()}

    def configured_streams(self) -> list[Stream]:
        """Streams from the settings: each names its ``table`` (default: the stream's own name)."""
        out = []
        for name, opts in self.stream_options().items():
            table = opts.get("table", name)
            if table not in table_specs():
                raise SyncError("sync.unknown_table", name=self.name, stream=name, table=table)
            columns = {str(k): str(v) for k, v in (opts.get("columns") or {}).items()}
            out.append(Stream(name, table, {k: expand(self.name, v) for k, v in opts.items()}, columns))
        return out

    # ------------------------------------------------------------ the contract
    def streams(self) -> list[Stream]:
        """The streams this source reads, in any order (the driver orders them by table dependencies)."""
        return self.configured_streams()

    def read(self, stream: Stream, cursor: dict[str, Any] | None, context: ReadContext) -> Iterator[Batch]:
        """Batches of ``stream`` after ``cursor`` (everything when ``context.full``), in order."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what the source holds (connections); called after every stream of a run."""

    def secrets(self) -> list[str]:
        """Values to mask in every message and log line (tokens, passwords, keys)."""
        found = []
        for key, value in _walk(self.options):
            if isinstance(value, str):
                try:
                    expanded = expand(self.name, value) if ENV_REFERENCE.search(value) else value
                except SyncError:  # reported when the setting is used
                    continue
                last = key.rpartition(".")[2].lower()
                if expanded != value or last in SECRET_NAMES or last.endswith(SECRET_SUFFIXES):
                    found.append(expanded)
                if "://" in expanded:  # a password inside a database URL
                    try:
                        found += url_secrets(expanded)
                    except Exception:  # noqa: BLE001 - not a URL after all
                        pass
        return found


def expand(source: str, value: Any) -> Any:
    """``${VAR}`` in a setting (and in the strings of a table of settings) → the environment's value."""
    if isinstance(value, str):
        def sub(match: re.Match[str]) -> str:
            var = match.group(1)
            if var not in os.environ:
                raise SyncError("sync.missing_env", name=source, var=var)
            return os.environ[var]
        return ENV_REFERENCE.sub(sub, value)
    if isinstance(value, Mapping):
        return {k: expand(source, v) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(source, v) for v in value]
    return value


def _walk(options: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in options.items():
        if isinstance(value, Mapping):
            yield from _walk(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value
