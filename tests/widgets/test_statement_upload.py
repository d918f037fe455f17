"""Finance uploads a bank statement in the reconciliation app: import → reconcile → review queue, with counts."""

from __future__ import annotations

from sqlalchemy import func, select

from salesnb.db import session_scope
from salesnb.models import BankMatch, BankTransaction
from salesnb.widgets.reconciliation import ReconciliationQueue

from .seed import AS_OF


def gbk_xls() -> bytes:
    """Tab-separated GBK text saved as .xls (a real bank export's way): a banner, then two incoming lines."""
    rows = [
        ["招商银行账户交易查询"],
        ["交易日", "交易时间", "交易金额", "借贷标志", "付款人", "付款账号", "用途"],
        ["20260315", "160000", "5,000.00", "C", "北京某某贸易", "0101888", "付 INV002 货款"],  # the reference: applied
        ["20260315", "170000", "120000.00", "C", "无名贸易公司", "0101999", "货款"],  # amount only: a person decides
    ]
    return "\n".join("\t".join(r) for r in rows).encode("gbk")


def lines(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(BankTransaction))


def test_upload_imports_reconciles_and_fills_the_queue(seeded):
    w = ReconciliationQueue(seeded, actor="F01", as_of=AS_OF)
    assert w.statements.layout.display == "" and w.pending == 0 and lines(seeded) == 3
    w.statements.upload.value = ({"name": "招行流水.xls", "type": "", "size": 1, "content": memoryview(gbk_xls()),
                                  "last_modified": AS_OF},)
    assert w.error == "" and lines(seeded) == 5
    counts = w.statements.counts
    assert (counts["lines"], counts["incoming"], counts["inserted"]) == (2, 2, 2)
    assert counts["matched"] >= 2 and counts["waiting"] == w.pending == 2  # B003 and the new 120000 line
    assert "待人工确认" in w.notice and "当前共 2 笔流水等待确认" in w.notice
    with session_scope(seeded) as s:
        applied = s.scalars(select(BankMatch).where(BankMatch.invoice_id == "INV002",
                                                    BankMatch.status == "applied")).all()
        assert len(applied) == 1 and applied[0].txn_id not in ("B001", "B002", "B003")
    assert w.tabs.titles[0] == "待确认（2）"

    w.statements.load([("招行流水.xls", gbk_xls())])  # the same file again: a no-op
    assert lines(seeded) == 5 and w.statements.counts["inserted"] == 0 and w.statements.counts["unchanged"] == 2


def test_a_bad_statement_writes_nothing_and_names_the_row(seeded):
    w = ReconciliationQueue(seeded, actor="F01", as_of=AS_OF)
    bad = "交易日\t交易金额\t借贷标志\t付款人\n20260315\t一百元\tC\t某人\n".encode("gbk")
    w.statements.load([("坏流水.xls", bad)])
    assert lines(seeded) == 3 and "未导入任何数据" in w.error
    assert "坏流水.xls" in w.statements.result.value


def test_only_finance_sees_the_upload(seeded):
    assert ReconciliationQueue(seeded, actor="U01", as_of=AS_OF).statements.layout.display == "none"
