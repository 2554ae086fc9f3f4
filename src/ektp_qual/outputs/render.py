"""Drawing the displays and conclusions on a terminal with rich.

Everything fits an 80-column terminal. Stances are shown by symbol as well as colour
(+ positive, - negative, ± mixed, · none), so nothing depends on seeing colour, and
colour is off when the output is not a terminal or NO_COLOR is set (rich's own rules).
"""

from __future__ import annotations

import re

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..inputs.sample import shown_path
from ..model import STANCE_SYMBOLS, Codebook, Notice
from ..model.results import Conclusion, Display, Reduction, Verification
from .terminal import SafeConsole

STANCE_STYLES = {"positive": "green", "negative": "red", "mixed": "yellow", "none": "dim"}
VERDICT_STYLES = {
    "met": "bold green",
    "not met": "bold red",
    "undetermined": "yellow",
    "partly met": "bold yellow",
}
QUOTE_WIDTH = 62


def make_console(quiet: bool = False, stderr: bool = False) -> Console:
    """A console for the CLI's output, which never passes the data's control characters."""
    return SafeConsole(highlight=False, quiet=quiet, stderr=stderr)


def short_names(codebook: Codebook) -> dict[str, str]:
    """A short, unique column name per criterion (the codebook's ``short`` if given)."""
    names: dict[str, str] = {}
    for c in codebook.criteria:
        name = c.short or c.id[:4].upper()
        size = 4
        while name in names.values() and size < len(c.id):
            size += 1
            name = c.id[:size].upper()
        names[c.id] = name
    return names


def one_line(text: str, width: int = QUOTE_WIDTH) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def hanging(console: Console, text: Text | str, indent: int = 2, style: str = "") -> None:
    """Print ``text`` wrapped between words at the console's width, its continuation lines
    indented, so a long line reads as one item and never breaks mid-word: a word longer
    than the line (a long path) stays whole, so it can still be copied."""
    text = Text(text, style=style) if isinstance(text, str) else text
    width = max(20, console.width - indent)
    lines = [part for line in text.split() for part in line.divide(_breaks(line.plain, width))]
    for n, line in enumerate(lines):
        line.rstrip()
        console.print(Text(" " * indent) + line if n else line, soft_wrap=True)


def _breaks(plain: str, width: int) -> list[int]:
    """Where to start each new line: before the word that would pass ``width``. Unlike
    rich's wrapping, a word longer than the line is never folded."""
    breaks, start = [], 0
    for word in re.finditer(r"\S+", plain):
        if word.start() > start and word.end() - start > width:
            breaks.append(word.start())
            start = word.start()
    return breaks


def titled(console: Console, table: Table) -> None:
    """A table with its title above it on a line of its own, wrapped at the terminal's
    width: rich would squeeze the title into the table's width, one word a line."""
    if table.title:
        hanging(console, Text(str(table.title), style="italic"))
        table.title = None
    console.print(table)


def plural(count: int, word: str, many: str = "") -> str:
    """``1 transcript``, ``2 transcripts``."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def where(source: str, line: object = None) -> str:
    """``file:line`` with the file as a researcher reads it (see ``shown_path``)."""
    shown = shown_path(source)
    return f"{shown}:{int(line)}" if line is not None and pd.notna(line) else shown


def notices(console: Console, items: list[Notice]) -> None:
    for notice in items:
        hanging(
            console,
            Text.assemble(
                ("warning: ", "yellow"), f"{where(notice.source, notice.line)}: {notice.message}"
            ),
        )


def legend(console: Console, codebook: Codebook) -> None:
    names = short_names(codebook)
    parts = [f"{names[c.id]} {c.id}" for c in codebook.criteria]
    console.print(Text("Criteria: " + ", ".join(parts), style="dim"))
    console.print(
        Text(
            "Cells: stance (+ positive, - negative, ± mixed, · none) and coded sentences +n/-n.",
            style="dim",
        )
    )


def checklist_matrix(console: Console, display: Display, codebook: Codebook) -> None:
    names = short_names(codebook)
    table = Table(
        title="Checklist matrix: informants x criteria",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    table.add_column("Informant", no_wrap=True)
    for cid in codebook.criterion_ids:
        table.add_column(names[cid], justify="center", no_wrap=True)
    matrix = display.checklist_matrix
    for role, group in matrix.groupby("role", sort=False):
        table.add_row(Text(str(role), style="bold"), *[""] * len(codebook.criteria))
        for row in group.itertuples(index=False):
            record = row._asdict()
            cells = []
            for cid in codebook.criterion_ids:
                stance = record[cid]
                counts = record[f"{cid}_counts"].replace("+", "").replace("/-", "/")
                cells.append(
                    Text(f"{STANCE_SYMBOLS[stance]} {counts}", style=STANCE_STYLES[stance])
                )
            table.add_row(f"  {record['informant']}", *cells)
    titled(console, table)
    legend(console, codebook)


def role_matrix(console: Console, display: Display, codebook: Codebook) -> None:
    names = short_names(codebook)
    data = display.role_matrix
    roles = list(dict.fromkeys(data["role"]))
    table = Table(
        title="Role-ordered matrix: informants by stance",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    table.add_column("Criterion", no_wrap=True)
    for role in roles:
        table.add_column(f"{role}\n+ / - / ± / ·", justify="center", no_wrap=True)
        table.add_column("% +", justify="right", no_wrap=True)
    for cid in codebook.criterion_ids:
        cells: list[object] = [f"{names[cid]} {cid}"]
        for role in roles:
            r = data[(data["role"] == role) & (data["criterion"] == cid)].iloc[0]
            cells.append(f"{r['positive']} / {r['negative']} / {r['mixed']} / {r['none']}")
            share = r["share_positive"]
            cells.append("" if pd.isna(share) else f"{share:.0%}")
        table.add_row(*cells)
    titled(console, table)


def strongest_quotes(
    console: Console, reduction: Reduction, codebook: Codebook, per_side: int = 2
) -> None:
    """Per criterion, the strongest quotes on each side, one per informant."""
    quotes = reduction.quotes.sort_values(["strength", "start"], ascending=[False, True])
    console.print(
        Text("Evidence by criterion (strongest quotes, tagged by informant)", style="bold")
    )
    for c in codebook.criteria:
        table = Table(box=box.MINIMAL, show_header=False, pad_edge=False, expand=False)
        table.add_column("", no_wrap=True, width=1)
        table.add_column("", no_wrap=True)
        # The whole quote, wrapped between words: a cut quote is no evidence to read.
        table.add_column("", ratio=1)
        for polarity in ("positive", "negative"):
            side = quotes[(quotes["criterion"] == c.id) & (quotes["polarity"] == polarity)]
            side = side.drop_duplicates("informant").head(per_side)
            for q in side.itertuples():
                table.add_row(
                    Text(STANCE_SYMBOLS[polarity], style=STANCE_STYLES[polarity]),
                    q.informant,
                    " ".join(str(q.quote).split()),
                )
        title = f"{c.id}: {c.label}" + (f" ({c.label_en})" if c.label_en else "")
        console.print(Text(title, style="bold cyan"))
        if table.row_count:
            titled(console, table)
        else:
            console.print(Text("  no coded evidence", style="dim"))


def conclusions(console: Console, conclusion: Conclusion, codebook: Codebook) -> None:
    data = conclusion.conclusions
    comparison = conclusion.comparison
    findings = conclusion.findings
    rule = codebook.decision
    deciding = ", ".join(rule.roles) if rule.roles else "all roles"
    table = Table(
        title=f"Conclusions: met when positive / with stance >= {rule.threshold:g} ({deciding})",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    table.add_column("Criterion", no_wrap=True)
    table.add_column("+/with", justify="right", no_wrap=True)
    table.add_column("share", justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    if comparison is not None:
        table.add_column("expected", no_wrap=True)
        table.add_column("", no_wrap=True)
    for r in data.itertuples():
        share = "" if pd.isna(r.share) else f"{r.share:.2f}"
        cells: list[object] = [
            r.criterion,
            f"{r.positive}/{r.with_stance}",
            share,
            Text(r.verdict, style=VERDICT_STYLES[r.verdict]),
        ]
        if comparison is not None:
            want = findings.expected(r.criterion) if findings else None
            cells += [want or "", _mark(want, r.verdict)]
        table.add_row(*cells)
    titled(console, table)
    overall = conclusion.overall.iloc[0]
    line = Text("Overall: ")
    line.append(overall["verdict"], style=VERDICT_STYLES[overall["verdict"]])
    if overall["label"]:
        line.append(f" ({overall['label']})")
    line.append(f": {overall['met']} of {overall['criteria']} criteria met")
    if findings is not None and findings.overall:
        line.append(f"; expected {findings.overall} ")
        line.append(_mark(findings.overall, overall["verdict"]))
    console.print(line)
    if findings is not None:
        if findings.source:
            console.print(Text(f"Expected findings: {findings.source}", style="dim"))
        if findings.note:
            console.print(Text(f"Note: {findings.note}", style="dim"))
        matches = conclusion.reproduces_findings
        console.print(
            Text("The expected findings are reproduced.", style="green")
            if matches
            else Text("Some verdicts differ from the expected findings.", style="bold red")
        )


def _mark(expected: str | None, verdict: str) -> Text:
    if expected is None:
        return Text("")
    return Text("✓", style="green") if expected == verdict else Text("✗", style="bold red")


def triangulation(console: Console, conclusion: Conclusion, codebook: Codebook) -> None:
    data = conclusion.triangulation
    roles = [c[: -len("_verdict")] for c in data.columns if c.endswith("_verdict")]
    table = Table(
        title="Triangulation: the rule applied to each role alone",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    table.add_column("Criterion", no_wrap=True)
    for role in roles:
        table.add_column(role, no_wrap=True)
    table.add_column("roles", no_wrap=True)
    for r in data.to_dict("records"):
        cells: list[object] = [r["criterion"]]
        for role in roles:
            verdict = r[f"{role}_verdict"]
            cells.append(
                Text(
                    f"{r[f'{role}_positive']}/{r[f'{role}_with_stance']} {verdict}",
                    style=VERDICT_STYLES[verdict].replace("bold ", ""),
                )
            )
        cells.append(
            Text(r["agreement"], style="bold yellow" if r["agreement"] == "disagree" else "")
        )
        table.add_row(*cells)
    titled(console, table)


def negative_evidence(
    console: Console, conclusion: Conclusion, codebook: Codebook, per_criterion: int = 2
) -> None:
    data = conclusion.negative_evidence
    console.print(Text("Negative evidence: quotes against each verdict", style="bold"))
    for r in conclusion.conclusions.itertuples():
        rows = data[data["criterion"] == r.criterion].drop_duplicates("informant")
        head = f"{r.criterion} ({r.verdict}): {len(data[data['criterion'] == r.criterion])} "
        head += "quotes against"
        console.print(Text(head, style="cyan"))
        for q in rows.head(per_criterion).itertuples():
            quote = " ".join(str(q.quote).split())
            hanging(console, Text(f"  {STANCE_SYMBOLS[q.polarity]} {q.informant}: {quote}"), 4)


def reduction_summary(console: Console, reduction: Reduction) -> None:
    summary = reduction.summary.set_index("role")
    everyone = summary.loc["all"]
    roles = summary.drop(index="all")["transcripts"].sort_values(ascending=False, kind="stable")
    role_text = ", ".join(f"{n} {role}" for role, n in roles.items())
    hanging(
        console,
        f"Corpus: {plural(int(everyone['transcripts']), 'transcript')} ({role_text}); "
        f"{plural(int(everyone['sentences']), 'informant sentence')}, "
        f"{int(everyone['coded_sentences'])} coded, "
        f"{plural(int(everyone['codings']), 'coding')}.",
    )
    book = reduction.codebook
    hanging(
        console,
        f"Codebook: {book.title} [{book.id}, "
        f"{plural(len(book.criteria), 'criterion', 'criteria')}, sha256 {book.sha256[:12]}]",
    )
    if reduction.unmatched_phrases:
        found = reduction.codebook_phrases - reduction.unmatched_phrases
        hanging(
            console,
            Text(
                f"{found} of {reduction.codebook_phrases} codebook phrases are found in this "
                "corpus ('ektp-qual validate' lists the others).",
                style="dim",
            ),
        )
    review = reduction.review
    if review is not None:
        pending = int((reduction.codings["source"] == "auto").sum())
        coders = f" by {', '.join(review.coders)}" if review.coders else ""
        console.print(
            f"Review{coders}: {review.accepted} accepted, {review.rejected} rejected, "
            f"{review.added} added; {pending} automatic codings not yet reviewed.",
            markup=False,
        )


def stances(console: Console, reduction: Reduction) -> None:
    """The reduction step alone: the checklist as counts, without the matrices."""
    book = reduction.codebook
    names = short_names(book)
    table = Table(
        title="Stances (coded sentences +n/-n)",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
    )
    table.add_column("Informant", no_wrap=True)
    table.add_column("role", no_wrap=True)
    for cid in book.criterion_ids:
        table.add_column(names[cid], justify="center", no_wrap=True)
    data = reduction.stances
    for informant, group in data.groupby("informant", sort=False):
        row = group.set_index("criterion")
        cells = []
        for cid in book.criterion_ids:
            stance = row.at[cid, "stance"]
            cells.append(
                Text(
                    f"{STANCE_SYMBOLS[stance]} {row.at[cid, 'n_positive']}/"
                    f"{row.at[cid, 'n_negative']}",
                    style=STANCE_STYLES[stance],
                )
            )
        table.add_row(str(informant), str(group["role"].iloc[0]), *cells)
    titled(console, table)
    legend(console, book)


def _figure(value: float, digits: int = 3) -> str:
    return "n/a" if pd.isna(value) else f"{value:.{digits}f}"


def verification(console: Console, result: Verification, codebook: Codebook) -> None:
    """How sure each verdict is (``Verification``), in 80 columns: one row per criterion,
    then what the columns mean, who and which phrases flip a verdict, the subgroups that
    differ, and the rule behind robust and fragile."""
    settings = result.settings
    data = result.verification
    table = Table(
        title="Verification: how sure each verdict is",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("Criterion", no_wrap=True, max_width=20, overflow="ellipsis")
    table.add_column("verdict", no_wrap=True)
    table.add_column("margin", justify="right", no_wrap=True)
    table.add_column("LOO", justify="right", no_wrap=True)
    table.add_column("boot", justify="right", no_wrap=True)
    table.add_column("codebook", justify="right", no_wrap=True)
    table.add_column("flip at", justify="right", no_wrap=True)
    table.add_column("label", no_wrap=True)
    for r in data.to_dict("records"):
        verdict = str(r["verdict"])
        margin = "" if pd.isna(r["margin"]) else str(int(r["margin"]))
        if margin and not pd.isna(r["margin_share"]):
            margin += f" ({r['margin_share']:.0%})"
        flips = [n for n in str(r["loo_flips"]).split("; ") if n]
        label = str(r["label"])
        table.add_row(
            str(r["criterion"]),
            Text(verdict, style=VERDICT_STYLES.get(verdict, "")),
            margin,
            str(len(flips)),
            _figure(r["bootstrap_share"], 2),
            _figure(r["ablation_share"], 2),
            "–" if pd.isna(r["threshold_flip"]) else f"{r['threshold_flip']:.2f}",
            Text(label, style={"robust": "green", "fragile": "bold yellow"}.get(label, "")),
        )
    titled(console, table)
    dim = "dim"
    hanging(
        console,
        Text(
            "margin: deciding informants who would have to change stance to flip the verdict "
            "(share of those with a stance); LOO: informants whose removal alone flips it; "
            f"boot: share of {settings.bootstrap} resamples of the deciding informants "
            f"(seed {settings.seed}) in which it holds; codebook: share of "
            f"{settings.ablation} runs dropping {settings.drop:.0%} of the codebook's phrases "
            "in which it holds; flip at: the nearest threshold from 0.50 to 0.95 at which "
            "it changes. (all): every verdict at once.",
            style=dim,
        ),
    )
    hanging(console, Text(f"Label: {result.rule}", style=dim))
    per_criterion = data[data["criterion"] != "(all)"]
    for column, what in (
        ("loo_flips", "Flips without one informant"),
        ("pivotal_phrases", "Flips without one phrase"),
    ):
        found = [
            f"{r['criterion']} ({r[column]})" for r in per_criterion.to_dict("records") if r[column]
        ]
        hanging(console, f"{what}: {'; '.join(found) if found else 'none'}.")
    groups = result.subgroups
    differ = groups[groups["differs"]]
    if differ.empty:
        console.print("Subgroups: every subgroup of two or more reaches the whole's verdicts.")
        return
    console.print("Subgroups whose verdict differs from the whole's (two or more informants):")
    for (attribute, value), rows in differ.groupby(["attribute", "value"], sort=False):
        found = ", ".join(
            f"{r.criterion} {r.verdict} ({r.positive}/{r.with_stance})" for r in rows.itertuples()
        )
        hanging(console, f"  {attribute} {value}: {found}", 4)
