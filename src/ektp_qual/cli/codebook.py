"""Working with a codebook: ``codebook test`` and ``codebook import``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    EXIT_CHECK_FAILED,
    CodebookOpt,
    Quiet,
    _fail,
    _notice,
    _run,
    app,
)

codebook_app = typer.Typer(
    help="Work with a codebook: test its examples, or start one from another tool's.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(codebook_app, name="codebook")


@codebook_app.command("test")
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


@codebook_app.command("import")
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
