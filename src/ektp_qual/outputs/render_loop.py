"""The researcher's loop on a terminal: validation findings, codebook examples, intercoder
agreement and what an import brought in. Shares its conventions with ``outputs.render``."""

from __future__ import annotations

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .render import _figure, hanging, titled, where


def issues(console: Console, table: pd.DataFrame) -> None:
    """Warnings first, then notes (which ask nothing of the researcher); a row about many
    phrases lists them below it, wrapped between phrases and indented."""
    warnings = table[table["level"] == "warning"]
    if warnings.empty:
        console.print(Text("No warnings.", style="green"))
    for r in (*warnings.itertuples(), *table[table["level"] != "warning"].itertuples()):
        style = "yellow" if r.level == "warning" else "dim"
        hanging(
            console,
            Text.assemble((f"{r.check}: ", style), f"{where(r.source, r.line)}: {r.message}"),
        )
        phrases = getattr(r, "phrases", ())
        if phrases:
            for line in _packed(list(phrases), console.width - 4):
                console.print(Text("    " + line, style="dim"), soft_wrap=True)


def _packed(items: list[str], width: int) -> list[str]:
    """``items`` joined by commas into lines of at most ``width`` characters, never
    breaking an item across lines (an item longer than a line stands alone)."""
    lines: list[str] = []
    line = ""
    for n, item in enumerate(items):
        piece = item + ("," if n < len(items) - 1 else "")
        if line and len(line) + 1 + len(piece) > width:
            lines.append(line)
            line = piece
        else:
            line = f"{line} {piece}" if line else piece
    if line:
        lines.append(line)
    return lines


def example_results(console: Console, results: pd.DataFrame, source: str) -> None:
    """Each misfiring example with where it is and what fired; then the tally."""
    failed = results[~results["passed"].astype(bool)]
    for r in failed.itertuples():
        where = f"{source}:{int(r.line)}" if pd.notna(r.line) else source
        console.print(
            Text.assemble(
                ("misfire: ", "red"),
                f"{where}: {r.criterion} example expected {r.expected}, got {r.got}: {r.text!r}",
            ),
            soft_wrap=True,
        )
        if r.question:
            console.print(f"  asked: {r.question}", markup=False, soft_wrap=True)
        console.print(f"  fired: {r.fired or 'nothing'}", markup=False, soft_wrap=True)
        if r.changed:
            console.print(f"  changed: {r.changed}", markup=False, soft_wrap=True)
    total = len(results)
    if failed.empty:
        console.print(Text(f"All {total} examples code as expected.", style="green"))
    else:
        console.print(Text(f"{len(failed)} of {total} examples misfire.", style="bold red"))


def agreement(console: Console, result, formulas: dict[str, str]) -> None:
    """Agreement per criterion and overall, with the unit and the formulas spelled out."""
    coders = ", ".join(result.coders)
    console.print(Text(f"Agreement between {coders}", style="bold"))
    hanging(console, Text(result.unit.capitalize() + ".", style="dim"))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name, justify in (
        ("criterion", "left"),
        ("units", "right"),
        ("pairable", "right"),
        ("agree %", "right"),
        ("kappa", "right"),
        ("alpha", "right"),
    ):
        table.add_column(name, justify=justify)
    for r in result.agreement.itertuples():
        style = "bold" if r.Index == len(result.agreement) - 1 else ""
        table.add_row(
            str(r.criterion),
            str(r.units),
            str(r.pairable_units),
            _figure(r.percent_agreement * 100, 1),
            _figure(r.cohen_kappa),
            _figure(r.krippendorff_alpha),
            style=style,
        )
    titled(console, table)
    if result.detection is not None:
        detection = Table(
            title="Automatic coder against human coding", box=box.SIMPLE_HEAD, pad_edge=False
        )
        for name in ("reference", "criterion", "auto", "human", "hits", "P", "R", "F1"):
            detection.add_column(
                name, justify="left" if name in ("reference", "criterion") else "right"
            )
        for r in result.detection.itertuples():
            detection.add_row(
                str(r.reference),
                str(r.criterion),
                str(r.n_automatic),
                str(r.n_reference),
                str(r.n_hits),
                _figure(r.precision, 2),
                _figure(r.recall, 2),
                _figure(r.f1, 2),
            )
        titled(console, detection)
    if result.verdicts is not None:
        verdicts = Table(
            title="Stances and verdicts, automatic against human coding",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        for name in ("reference", "criterion", "same stance", "auto", "human", ""):
            verdicts.add_column(
                name, justify="right" if name == "same stance" else "left", no_wrap=True
            )
        for r in result.verdicts.itertuples():
            verdicts.add_row(
                str(r.reference),
                str(r.criterion),
                f"{r.same_stance}/{r.stances}",
                str(r.verdict_automatic),
                str(r.verdict_reference),
                "✓" if r.matches else "✗",
            )
        titled(console, verdicts)
    for name in ("percent_agreement", "cohen_kappa", "krippendorff_alpha"):
        hanging(console, Text(formulas[name], style="dim"), 4)
    if result.detection is not None:
        for name in ("precision", "recall", "f1"):
            hanging(console, Text(formulas[name], style="dim"), 4)
    hanging(
        console,
        Text(
            "kappa needs exactly two coders; n/a marks a figure that is undefined "
            "(for example one category throughout).",
            style="dim",
        ),
    )


def import_summary(console: Console, result) -> None:
    """What came in from another tool's project, and what did not and why."""
    project = result.project
    console.print(
        f"Project {project.name!r} from {project.origin or 'an unnamed tool'}: "
        f"{len(project.sources)} sources, {len(project.codes)} codes, "
        f"{len(project.selections)} codings; offsets read as {project.convention}"
        f"{f' ({project.convention_check})' if project.convention_check else ''}.",
        markup=False,
        soft_wrap=True,
    )
    statuses = result.codings["status"].value_counts()
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("codings")
    table.add_column("n", justify="right")
    for status, count in statuses.items():
        table.add_row(str(status), str(count), style="green" if status == "imported" else "")
    titled(console, table)
    coders = ", ".join(result.coders) or "nobody named"
    imported = result.codings[result.codings["status"] == "imported"]
    console.print(
        f"{len(result.review)} review rows on {result.review['segment_id'].nunique()} "
        f"sentences of {imported['informant'].nunique()} transcripts (coded by {coders}).",
        markup=False,
        soft_wrap=True,
    )
