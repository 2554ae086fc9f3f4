"""Exploring the coded corpus on a terminal: keywords in context, co-occurrence and
saturation. Shares its conventions with ``outputs.render``."""

from __future__ import annotations

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..model import Codebook
from .render import hanging, one_line, short_names, titled


def concordance(console: Console, table: pd.DataFrame, phrase: str, limit: int = 200) -> None:
    """Keyword in context, one line per match: the match aligned in the middle."""
    console.print(
        Text(f"{len(table)} occurrence(s) of {phrase!r} in informants' sentences", style="bold"),
        soft_wrap=True,
    )
    if table.empty:
        return
    who = max(len(str(i)) for i in table["informant"])
    for r in table.head(limit).itertuples():
        match = one_line(r.match, 24)
        side = max(8, (console.width - who - len(match) - 2) // 2)
        # The context keeps its own spacing: "ramah-ramah" shows no space before the hyphen.
        left = str(r.left)
        left = left if len(left) <= side else "…" + left[len(left) - side + 1 :]
        right = str(r.right)
        right = right if len(right) <= side else right[: side - 1] + "…"
        console.print(
            Text.assemble(
                (f"{r.informant!s:<{who}} ", "dim"),
                f"{left:>{side}}",
                (match, "bold reverse"),
                right,
            ),
            no_wrap=True,
            overflow="ellipsis",
        )
    if len(table) > limit:
        console.print(Text(f"… and {len(table) - limit} more (write them with --out)", style="dim"))
    coded = table["criteria"].replace("", pd.NA).dropna()
    console.print(
        Text(
            f"{len(coded)} of {len(table)} in coded sentences"
            + (f"; most often {coded.value_counts().index[0]}" if len(coded) else ""),
            style="dim",
        ),
        soft_wrap=True,
    )


def cooccurrence(
    console: Console, matrix: pd.DataFrame, pairs: pd.DataFrame, unit: str, codebook: Codebook
) -> None:
    """The co-occurrence counts as a matrix, then the pairs ranked by c-coefficient."""
    names = short_names(codebook)

    def short(code: object) -> str:
        criterion, _, sign = str(code).partition(" ")
        return names.get(criterion, criterion) + sign

    grid = Table(
        title=f"Co-occurrence: {unit}s coded with both (diagonal: with each)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 0, 0, 1),
    )
    grid.add_column("", no_wrap=True)
    for name in matrix.columns:
        grid.add_column(short(name), justify="right", no_wrap=True, min_width=len(short(name)))
    for name, row in matrix.iterrows():
        grid.add_row(short(name), *(str(int(v)) for v in row))
    titled(console, grid)
    parts = [f"{names[c.id]} {c.id}" for c in codebook.criteria]
    console.print(Text("Criteria: " + ", ".join(parts), style="dim"))
    ranked = pairs[pairs["n_ab"] > 0].sort_values(["c", "n_ab"], ascending=False).head(10)
    if ranked.empty:
        return
    top = Table(title="Pairs by c = n12 / (n1 + n2 - n12)", box=box.SIMPLE_HEAD, pad_edge=False)
    for name, justify in (
        ("code a", "left"),
        ("code b", "left"),
        ("n_ab", "right"),
        ("c", "right"),
    ):
        top.add_column(name, justify=justify)
    for r in ranked.itertuples():
        top.add_row(str(r.code_a), str(r.code_b), str(r.n_ab), f"{r.c:.2f}")
    titled(console, top)


def saturation(console: Console, table: pd.DataFrame, summary: dict, what: str) -> None:
    """New codes per interview, in corpus order and over random orders."""
    grid = Table(title=f"Saturation: new {what} per interview", box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("#", "informant", "new", "total", "mean new", "sd", "total 5-95%"):
        grid.add_column(name, justify="left" if name == "informant" else "right")
    for r in table.itertuples():
        grid.add_row(
            str(r.interview),
            str(r.informant),
            str(r.new_in_order),
            str(r.total_in_order),
            f"{r.mean_new:.2f}",
            f"{r.sd_new:.2f}",
            f"{r.p05_total:.0f}-{r.p95_total:.0f}",
        )
    titled(console, grid)
    hanging(
        console,
        f"In corpus order the last new {what[:-1]} came with interview "
        f"{summary['last_new_in_order']} ({summary['last_new_informant']}); "
        f"{summary['without_new_at_end']} interview(s) after it added nothing. Over random "
        f"orders, 95% of the {summary['codes']} {what} were found by interview "
        f"{summary['mean_position_95']:.1f} on average.",
    )
