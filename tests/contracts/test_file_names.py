"""An id that came in before import refused path separators still cannot put a file outside its folder."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from salesnb.cli import main
from salesnb.db import make_engine
from salesnb.filenames import safe_file_name

from .helpers import seed

BAD = "HTX/../../../escaped"


def run(db_url, *args):
    return CliRunner().invoke(main, ["--db", db_url, *args])


def test_download_stays_in_its_folder_and_creates_it(db_url, tmp_path):
    engine = make_engine(db_url)
    seed(engine, contracts={BAD: {}})
    engine.dispose()
    assert run(db_url, "contract", "submit", BAD, "--at", "2026-03-02 10:00").exit_code == 0
    work = tmp_path / "a" / "b" / "c" / "d"
    work.mkdir(parents=True)
    result = run(db_url, "contract", "download", BAD, "-o", str(work / "out") + "/")
    assert result.exit_code == 0, result.output
    written = Path(result.output.strip().splitlines()[-1])
    assert written.parent == work / "out" and written.is_file()
    assert written.name.startswith("交付保障书_DG-HTX_") and "/" not in written.name
    assert sorted(p.name for p in (tmp_path / "a").rglob("*") if p.is_file()) == [written.name]
    bare = run(db_url, "contract", "download", BAD, "-o", str(work / "plain"))
    assert bare.exit_code == 0 and (work / "plain").is_dir() and len(list((work / "plain").iterdir())) == 1
    (work / "taken").write_text("x")
    refused = run(db_url, "--lang", "en", "contract", "download", BAD, "-o", str(work / "taken") + "/")
    assert refused.exit_code == 2 and "is not a folder" in refused.output and "Traceback" not in refused.output


def test_safe_file_name():
    assert safe_file_name("交付保障书_HTX/../../../escaped.docx") == "交付保障书_HTX_.._.._.._escaped.docx"
    assert safe_file_name("..") == "file" and safe_file_name("../x") == "_x"
    assert safe_file_name("CON.docx") == "_CON.docx" and safe_file_name("a\x07b\u202e.docx") == "ab.docx"
    long = safe_file_name("合" * 300 + ".docx")
    assert long.endswith(".docx") and len(long.encode()) <= 200
