"""``salesnb demo-data``: write a deterministic demo data set in the canonical format."""

from __future__ import annotations

import click

from ..demo import generate
from ..i18n import t


@click.command("demo-data")
@click.option("--orders", type=click.IntRange(min=1), default=200, show_default=True, help="Number of ERP orders.")
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed (same seed → same files).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="Folder to write into.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--as-of", "as_of", default=None, help="The data set's 'now' (default: this hour), e.g. 2026-03-02 10:00.")
def demo_data(orders: int, seed: int, out_dir: str, fmt: str, as_of: str | None) -> None:
    """Write one file per canonical table plus bank_truth.csv into OUT."""
    files = generate(out_dir, orders=orders, seed=seed, fmt=fmt, as_of=as_of)
    total = sum(n for name, n in files.rows.items() if name != "bank_truth")
    click.echo(t("cli.demo_data.header", at=f"{files.as_of:%Y-%m-%d %H:%M}", seed=seed, folder=out_dir))
    for name, path in files.items():
        click.echo(t("cli.demo_data.file", name=f"{path.name:<28}", rows=f"{files.rows[name]:>10,}"))
    click.echo(t("cli.demo_data.total", rows=f"{total:,}", seconds=files.seconds))
