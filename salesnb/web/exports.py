"""Large exports streamed by the server: ``GET {base}salesnb/export/findings.xlsx?owner=&region=&check=&entity=``.

The findings app links here instead of building the file in its kernel and
carrying it in the page as a data URI.  The request must come from a
signed-in person; the rows are those their scope sees (decided in the
library, :func:`salesnb.auth.scope_of`).  The workbook is written from a
database cursor to a temporary file in a worker thread, then sent in chunks,
so neither the server's memory nor its event loop holds a million rows.
"""

from __future__ import annotations

import os
import tempfile
from urllib.parse import quote

import tornado.web
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from sqlalchemy.orm import Session
from tornado.ioloop import IOLoop

from ..auth import scope_of
from ..auth.people import load_actor
from ..checks.export import export_filename, write_findings_xlsx
from ..checks.listing import FindingQuery
from ..config import LANGUAGES, load_settings
from ..db import get_engine
from ..errors import AuthError
from ..i18n import speaking
from ..timeutil import now, parse_timestamp
from ..widgets.protocol import EXPORT_PATH
from ..xlsx import XLSX_MIME

CHUNK = 64 * 1024
FILTERS = ("owner", "region", "check", "entity")


class FindingsExport(JupyterHandler):
    """The open findings a signed-in person's filters leave, as an xlsx download."""

    @tornado.web.authenticated
    async def get(self) -> None:
        engine = get_engine(os.environ.get("SALESNB_DB_URL") or None)
        with Session(engine) as session:
            try:
                actor = load_actor(session, self.current_user.username)
            except AuthError:
                raise tornado.web.HTTPError(403) from None
        filters = {key: self.get_argument(key, "")[:200] for key in FILTERS}
        query = FindingQuery(scope=scope_of(actor), **filters)
        language = self.get_argument("lang", "")
        language = language if language in LANGUAGES else load_settings().language
        try:
            as_of = parse_timestamp(self.get_argument("as_of")) if self.get_argument("as_of", "") else now()
        except ValueError:
            raise tornado.web.HTTPError(400) from None
        with tempfile.TemporaryFile() as out:
            def write() -> str:
                with speaking(language):
                    write_findings_xlsx(engine, query, as_of, out)
                    return export_filename(as_of)

            filename = await IOLoop.current().run_in_executor(None, write)
            self.set_header("Content-Type", XLSX_MIME)
            self.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(filename)}")
            self.set_header("Content-Length", str(out.tell()))
            self.set_header("Cache-Control", "no-store")
            out.seek(0)
            while chunk := out.read(CHUNK):
                self.write(chunk)
                await self.flush()


def export_handlers(base_url: str = "/") -> list[tuple[str, type]]:
    return [(url_path_join(base_url, EXPORT_PATH, "findings.xlsx"), FindingsExport)]
