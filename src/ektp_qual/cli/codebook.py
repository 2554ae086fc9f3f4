"""Working with a codebook: ``codebook test``, ``codebook import`` and ``codebook suggest``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    _check_folder,
    _fail,
    _file_in,
    _notice,
    _review_file,
    _run,
    _safe_csv,
    _write_files,
    command,
)
from .options import (
    DEFAULT_OUT,
    EXIT_CHECK_FAILED,
    CodebookOpt,
    CsvOpt,
    NoCache,
    NoReview,
    Personal,
    Quiet,
    ReviewOpt,
    SurveyOpt,
    Transcripts,
    app,
)

codebook_app = typer.Typer(
    help="Work with a codebook: test its examples, start one from another tool's, or find "
    "phrases worth adding to it.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(codebook_app, name="codebook")


@command("test", under=codebook_app)
def codebook_test(codebook: CodebookOpt = None, quiet: Quiet = False) -> None:
    """Code each criterion's examples and report every one that misfires.

    Each criterion may list examples: sentences it must code positive, negative, or
    not at all. Exits with status 1 when any example misfires, so a codebook can be
    checked in CI.

    Example: ektp-qual codebook test -c codebook.yaml
    """
    from ..inputs.codebook import read_codebook
    from ..inputs.sample import sample_codebook
    from ..loop.examples import check_examples
    from ..outputs import render, render_loop

    book = _run(read_codebook, codebook if codebook is not None else sample_codebook())
    results = _run(check_examples, book)
    if results.empty:
        render.notices(
            render.make_console(stderr=True),
            [_notice(book.source, "the codebook has no examples to test")],
        )
        return
    render_loop.example_results(render.make_console(quiet), results, book.source)
    if not results["passed"].all():
        raise typer.Exit(EXIT_CHECK_FAILED)


@command("import", under=codebook_app)
def codebook_import(
    qdc: Annotated[
        Path,
        typer.Argument(
            help="A REFI-QDA codebook (.qdc) from Taguette, NVivo, ATLAS.ti, MAXQDA, "
            "QualCoder or ektp-qual."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The YAML codebook to write (never over an existing file). "
            "Default: the .qdc's name with .yaml, in the current folder.",
        ),
    ] = None,
    language: Annotated[
        str,
        typer.Option("--language", "--lang", help="spaCy code of the interviews' language."),
    ] = "en",
    quiet: Quiet = False,
) -> None:
    """Start a YAML codebook from another tool's REFI-QDA codebook.

    Each code becomes a criterion with an id, the code's name as label and its
    description as definition; the code tree is kept as comments. Add the phrases
    that are evidence for each criterion, then check it with 'ektp-qual validate'.

    Example: ektp-qual codebook import taguette-codebook.qdc -o my_codebook.yaml
    """
    from ..outputs import render
    from ..refi.codebooks import codebook_skeleton, write_skeleton

    target = out if out is not None else Path(qdc.with_suffix(".yaml").name)
    if out is not None and out.is_dir():
        target = out / qdc.with_suffix(".yaml").name
    if target.exists() or target.is_symlink():  # before any work; write_skeleton checks too
        from ..model.errors import InputError

        _fail(InputError(target, "already exists; it was left untouched (choose another --out)"))
    text = _run(codebook_skeleton, qdc, language=language)
    try:
        written = _run(write_skeleton, text, target)
    except OSError as error:
        _fail(OSError(f"{target}: cannot write the codebook: {error.strerror or error}"))
    count = sum(1 for line in text.splitlines() if line.startswith("  - id: "))
    render.make_console(quiet).print(
        f"Wrote {written}: {count} {'criterion' if count == 1 else 'criteria'} to give "
        f"phrases, then run 'ektp-qual validate -c {written}'.",
        markup=False,
    )


@command("suggest", under=codebook_app)
def codebook_suggest(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    review: ReviewOpt = None,
    no_review: NoReview = False,
    per_criterion: Annotated[
        int,
        typer.Option("--top", "-n", min=1, help="How many phrases to suggest per criterion."),
    ] = 10,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The CSV file to write (a name ending in .csv), or a folder to write "
            "phrases.csv into.",
        ),
    ] = DEFAULT_OUT / "codebook-suggest",
    csv: CsvOpt = "safe",
    quiet: Quiet = False,
    personal_data: Personal = False,
    no_cache: NoCache = False,
) -> None:
    """Phrases worth adding to each criterion, found in what informants said.

    Words and word pairs much more frequent in a criterion's sentences (coded by the
    rules or by your review, and answers to its guide questions) than in the rest of the
    corpus, ranked by Dunning's log-likelihood G², each with its counts and two example
    sentences; what the codebook already matches is left out. Nothing edits the YAML:
    add what you judge right yourself, then 'ektp-qual validate'.

    Examples:

      ektp-qual codebook suggest

      ektp-qual codebook suggest -t interviews/ -c codebook.yaml --top 5 -o phrases.csv
    """
    from ..outputs import render
    from ..outputs.export import csv_bytes
    from ..pipeline import suggest_phrases

    safe = _safe_csv(csv)
    folder, name = _file_in(out, "phrases.csv")
    _check_folder(folder, [name], "codebook-suggest")
    table = _run(
        suggest_phrases,
        transcripts,
        codebook,
        review=_review_file(review, no_review),
        per_criterion=per_criterion,
        personal_data=personal_data,
        cache=not no_cache,
    )
    console = render.make_console(quiet)
    _print_phrases(console, table)
    _write_files({name: csv_bytes(table, safe=safe)}, folder, console, "codebook-suggest")


def _print_phrases(console, table) -> None:
    """One table per criterion: the phrase, its leaning, counts, G² and an example."""
    from rich.table import Table

    from ..outputs.render import hanging, one_line

    if table.empty:
        hanging(console, "No phrase is key to any criterion's sentences (G² >= 3.84).")
        return
    for criterion, group in table.groupby("criterion", sort=False):
        shown = Table(box=None, pad_edge=False, title=criterion, title_justify="left")
        for column, justify in (
            ("phrase", "left"),
            ("+/-", "left"),
            ("in", "right"),
            ("else", "right"),
            ("G²", "right"),
            ("example", "left"),
        ):
            shown.add_column(
                column, justify=justify, overflow="fold" if column == "example" else None
            )
        for r in group.itertuples(index=False):
            sign = {"positive": "+", "negative": "-"}.get(r.polarity, "")
            shown.add_row(
                r.phrase,
                sign,
                str(r.in_criterion),
                str(r.elsewhere),
                f"{r.g2:.1f}",
                one_line(r.example_1, 60),
            )
        console.print(shown)
        console.print()
