"""``salesnb contract submit|edit|approve|reject|show|download`` against a real database."""

from __future__ import annotations

import io
import json

from click.testing import CliRunner
from docx import Document

from salesnb.cli import main
from salesnb.db import make_engine

from .helpers import seed


def run(db_url, *args, ok=True):
    result = CliRunner().invoke(main, ["--db", db_url, *args], catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_contract_commands_end_to_end(db_url, tmp_path):
    engine = make_engine(db_url)
    seed(engine, contracts={"K1": {"promised_delivery_days": 6}})
    engine.dispose()
    frozen = run(db_url, "contract", "submit", "K1", "--at", "2026-03-02 10:00")
    assert "已熔断冻结" in frozen.output and "调整交期或走加急通道" in frozen.output and "差 2 天" in frozen.output
    refused = run(db_url, "contract", "approve", "K1", "--by", "M1", ok=False)
    assert refused.exit_code == 2 and "已被熔断冻结" in refused.output
    edited = json.loads(run(db_url, "contract", "edit", "K1", "--days", "8", "--at", "2026-03-02 11:00",
                            "--json").output)
    assert edited["status"] == "pending_approval" and edited["feasibility"]["required_days"] == 8
    run(db_url, "contract", "approve", "K1", "--by", "M1", "--at", "2026-03-02 12:00")
    shown = json.loads(run(db_url, "contract", "show", "K1", "--json").output)
    assert shown["status"] == "approved" and [s["feasible"] for s in shown["submissions"]] == [False, True]
    assert [a["kind"] for a in shown["attachments"]] == ["delivery_guarantee", "delivery_guarantee_pdf"]
    text = run(db_url, "contract", "show", "K1").output
    assert "[approved]" in text and "交付保障书_DG-K1-" in text
    path = run(db_url, "contract", "download", "K1", "-o", str(tmp_path)).output.strip()
    document = Document(io.BytesIO(open(path, "rb").read()))
    assert document.paragraphs[0].text == "交付保障书"
    missing = run(db_url, "contract", "submit", "NOPE", ok=False)
    assert missing.exit_code == 2 and "没有合同 'NOPE'" in missing.output
