"""The researcher in the loop: ``review``, ``agree`` and ``import``."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    _check_folder,
    _check_out,
    _fail,
    _offsets,
    _run,
    _safe_csv,
    _write,
    _write_files,
    command,
)
from .options import (
    DEFAULT_OUT,
    CodebookOpt,
    CsvOpt,
    FindingsOpt,
    Personal,
    Quiet,
    SurveyOpt,
    Transcripts,
)


@command()
def review(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    review_file: Annotated[
        Path,
        typer.Option(
            "--review", help="Review file to add decisions to (created if it does not exist)."
        ),
    ] = Path("review.csv"),
    coder: Annotated[
        str | None,
        typer.Option(
            "--coder",
            help="Your name or initials, recorded with each decision (default: your login "
            "name, which the review says it records).",
        ),
    ] = None,
    criterion: Annotated[
        list[str] | None,
        typer.Option("--criterion", help="Only codings for this criterion (repeatable)."),
    ] = None,
    informant: Annotated[
        list[str] | None,
        typer.Option("--informant", help="Only this informant's codings (repeatable)."),
    ] = None,
    role: Annotated[
        list[str] | None, typer.Option("--role", help="Only informants in this role (repeatable).")
    ] = None,
    all_codings: Annotated[
        bool,
        typer.Option("--all", help="Also show codings already decided (default: not yet)."),
    ] = False,
    uncoded: Annotated[
        bool,
        typer.Option("--uncoded", help="Also show sentences with no coding, to add codings."),
    ] = False,
    suggested: Annotated[
        bool,
        typer.Option(
            "--suggested",
            help="Walk the queue 'ektp-qual suggest' gives instead: the sentences worth a "
            "decision, with the learned coder's proposals and their reasons (with --browser: "
            "the workbench's queue, ranked again after each decision).",
        ),
    ] = False,
    count: Annotated[
        int,
        typer.Option("--count", "-n", min=1, help="With --suggested: how many sentences."),
    ] = 25,
    personal_data: Personal = False,
    browser: Annotated[
        bool,
        typer.Option(
            "--browser",
            help="Review in your web browser instead: the coding workbench, served on "
            "127.0.0.1 only (needs the web extra: pip install 'ektp-qual[web]').",
        ),
    ] = False,
    port: Annotated[
        int,
        typer.Option(
            "--port",
            min=0,
            max=65535,
            help="With --browser: the port to serve on (default: a free one).",
        ),
    ] = 0,
    findings: FindingsOpt = None,
    compare: Annotated[
        list[Path] | None,
        typer.Option(
            "--compare",
            help="With --browser: two coders' review files whose disagreements to settle "
            "(give it twice); each resolution is a decision in --review.",
        ),
    ] = None,
) -> None:
    """Review the automatic codings one by one: accept, reject, flip, recode or add.

    Single keys decide; each decision is saved to the review file at once, so you can
    stop at any time (q, Ctrl-C, or closing the terminal) and run the command again to
    go on where you stopped. 'ektp-qual code' applies the review file afterwards.

    Examples:

      ektp-qual review --coder ana

      ektp-qual review --criterion attitude --role masyarakat --coder ana

      ektp-qual review -t interviews/ -c codebook.yaml --review review-ana.csv

      ektp-qual review --browser --coder ana

      ektp-qual review --suggested -n 25 --coder ana

      ektp-qual review --browser --suggested --coder ana
    """
    # The workbench filters any queue, suggest's too; the terminal walks suggest's as is.
    if suggested and not browser and (criterion or informant or role or all_codings or uncoded):
        _fail(
            ValueError(
                "--suggested walks the queue of 'ektp-qual suggest', which takes no "
                "--criterion, --informant, --role, --all or --uncoded"
            )
        )
    if browser:
        filters = {"criterion": criterion, "informant": informant, "role": role}
        _workbench(
            transcripts, codebook, findings, review_file, coder, personal_data, port, compare,
            _browser_filters(filters), count if suggested else None,
        )  # fmt: skip
        return
    import getpass

    from ..inputs.review_file import read_review
    from ..loop.review_session import ReviewSession, review_items
    from ..outputs import render
    from ..pipeline import data_reduction as reduce_step

    existing = _run(read_review, review_file)
    # suggest learns from the decisions as they stand (the codings after review), as
    # 'ektp-qual suggest' and the workbench's queue do; the plain queue lists the rules'.
    reduction = _run(
        reduce_step,
        transcripts,
        codebook,
        review=existing if suggested else None,
        personal_data=personal_data,
    )
    _run(_check_names, reduction, criterion, informant, role)
    if suggested:
        from ..loop.suggest import suggested_items, suggestions

        table = _run(
            suggestions,
            reduction.segments,
            reduction.automatic,
            reduction.codings,
            existing.decisions(),
            reduction.codebook,
            count=count,
        )
        items = suggested_items(reduction.segments, table)
    else:
        items = review_items(
            reduction,
            existing.decisions(),
            criteria=tuple(criterion or ()),
            informants=tuple(informant or ()),
            roles=tuple(role or ()),
            include_decided=all_codings,
            include_uncoded=uncoded,
        )
    console = render.make_console()
    if not coder:
        # Every decision carries its coder, and agreement is computed between coders:
        # a name taken from the login must not be recorded without the researcher seeing it.
        coder = getpass.getuser()
        render.hanging(
            console,
            f"Recording your decisions as coder {coder!r} (your login name); "
            "give --coder NAME to record them under another name.",
        )
    session = ReviewSession(
        console=console,
        codebook=reduction.codebook,
        path=review_file,
        coder=coder,
        items=items,
        read_key=_key_reader(),
    )
    try:
        _run(session.run)
    except OSError as error:
        _fail(OSError(f"{review_file}: cannot save the decision: {error.strerror or error}"))


def _browser_filters(given: dict[str, list[str] | None]) -> dict[str, str]:
    """The queue filters the page opens with: one value each, as the page filters."""
    filters = {}
    for option, values in given.items():
        if values and len(values) > 1:
            _fail(ValueError(f"--{option}: with --browser, give one (the page filters on one)"))
        if values:
            filters[option] = values[0]
    return filters


def _workbench(
    transcripts, codebook, findings, review_file, coder, personal_data, port, compare, filters,
    suggested_count,
):  # fmt: skip
    """Serve the workbench until Ctrl-C; the URL, with its token, is the first line out.
    With ``suggested_count``, its queue is that many of suggest's sentences."""
    import getpass

    try:
        from ..workbench.server import WorkbenchServer
    except ImportError:
        _fail(
            ValueError(
                "--browser needs the web extra, which is not installed: "
                "pip install 'ektp-qual[web]'"
            )
        )
    from ..workbench.study import Workbench

    workbench = _run(
        Workbench,
        transcripts,
        codebook,
        review_file,
        findings=findings,
        personal_data=personal_data,
        compare=tuple(compare or ()),
        coder=coder or getpass.getuser(),
        filters=filters,
        suggested=suggested_count is not None,
        count=suggested_count,
    )
    server = _run(WorkbenchServer, workbench, port)
    print(server.url, flush=True)
    print(
        f"Reviewing into {review_file} as coder {workbench.coder!r} (change it in the page). "
        "Open the address above if no browser opens; Ctrl-C stops the workbench.",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a researcher stops it
        server.run(open_browser=True)
    print(f"Workbench stopped; every decision is saved in {review_file}.", flush=True)


def _check_names(reduction, criteria, informants, roles) -> None:
    """Filters must name what the study has: a typo should not review nothing silently."""
    from ..model.errors import InputError

    known = {
        "criterion": reduction.codebook.criterion_ids,
        "informant": reduction.corpus.informants,
        "role": sorted({t.role for t in reduction.corpus.transcripts}),
    }
    for option, given in (("criterion", criteria), ("informant", informants), ("role", roles)):
        for name in given or ():
            if name not in known[option]:
                raise InputError(
                    f"--{option}",
                    f"{name!r} is not in this study (it has: {', '.join(known[option])})",
                )


def _key_reader():
    """Single keys from a terminal; characters from a pipe, so a review can be scripted."""
    if sys.stdin is not None and sys.stdin.isatty():
        import click

        return lambda: click.getchar(echo=False)
    return lambda: sys.stdin.read(1)


@command()
def agree(
    coders: Annotated[
        list[str],
        typer.Argument(
            help="Two or more coders: review files, codings files, or 'auto' for the "
            "automatic coder.",
            show_default=False,
        ),
    ],
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for agreement.csv and disagreements.csv."),
    ] = DEFAULT_OUT / "agree",
    csv: CsvOpt = "safe",
    whole_corpus: Annotated[
        bool,
        typer.Option(
            "--whole-corpus",
            help="Every coder coded every interview: what a file does not mention is absent "
            "(default: only the interviews a file mentions count as coded by that coder).",
        ),
    ] = False,
    quiet: Quiet = False,
    personal_data: Personal = False,
) -> None:
    """Intercoder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha.

    The unit is one informant sentence x one criterion; each coder's value is
    positive, negative, mixed or absent. With 'auto' against a human coder, precision,
    recall and F1 per criterion too. The disagreements go to disagreements.csv for a
    consensus meeting.

    Examples:

      ektp-qual agree review-ana.csv review-budi.csv

      ektp-qual agree auto review-ana.csv

      ektp-qual agree -t interviews/ -c codebook.yaml a.csv b.csv c.csv
    """
    from ..analysis.agreement import FORMULAS
    from ..outputs import render, render_loop
    from ..pipeline import agree as agree_step

    safe = _safe_csv(csv)
    _check_out(out, ("agreement", "disagreements", "detection", "verdicts"), "agree")
    result = _run(
        agree_step,
        coders,
        transcripts,
        codebook,
        whole_corpus=whole_corpus,
        personal_data=personal_data,
    )
    console = render.make_console(quiet)
    render.notices(render.make_console(stderr=True), result.notices)
    render_loop.agreement(console, result, FORMULAS)
    _write(result.tables(), out, console, "agree", safe)


@command("import")
def import_(
    project: Annotated[
        Path, typer.Argument(help="A REFI-QDA project (.qdpx) from NVivo, ATLAS.ti, MAXQDA, ...")
    ],
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for the review file(s) and the codings table."),
    ] = DEFAULT_OUT / "import",
    coder: Annotated[
        str | None,
        typer.Option("--coder", help="Credit every imported coding to this coder."),
    ] = None,
    by_coder: Annotated[
        bool,
        typer.Option("--by-coder", help="One review file per coder of the project, for 'agree'."),
    ] = False,
    csv: CsvOpt = "safe",
    offsets: Annotated[
        str | None,
        typer.Option(
            "--offsets",
            metavar="codepoints|utf16",
            help="How the project counts selection offsets. Default: found from the "
            "producing tool and checked against the quoted text.",
        ),
    ] = None,
    quiet: Quiet = False,
    personal_data: Personal = False,
) -> None:
    """Import another tool's coding as a review file, to analyse or compare it.

    The project's sources are matched to the transcripts, its codes to the codebook's
    criteria and polarities (for example 'attitude +', or a code 'Sikap dan Perilaku'
    with children 'positive' and 'negative'), and each coded passage to the sentences
    it covers. Writes review-imported.csv (or review-<coder>.csv per coder) and
    imported_codings.csv, where every coding, imported or not, says why.

    Examples:

      ektp-qual import nvivo-project.qdpx -t interviews/ -c codebook.yaml

      ektp-qual import atlas.qdpx --by-coder -o imported/

      ektp-qual agree auto imported/review-imported.csv
    """
    from ..outputs import render, render_loop
    from ..outputs.export import csv_bytes
    from ..pipeline import import_project
    from ..refi.mapping import review_text

    safe = _safe_csv(csv)
    offsets = _offsets(offsets) if offsets is not None else None
    result = _run(
        import_project,
        project,
        transcripts,
        codebook,
        coder=coder,
        personal_data=personal_data,
        offsets=offsets,
    )
    coders = result.coders if by_coder else ()
    names = _coder_files(coders) or {"review-imported.csv": None}
    _check_folder(out, [*names, "imported_codings.csv"], "import")
    console = render.make_console(quiet)
    render.notices(render.make_console(stderr=True), result.notices)
    render_loop.import_summary(console, result)
    for file, who in names.items():
        if who is not None:
            console.print(f"{file}: coder {who!r}", markup=False)
    files = {name: review_text(result, coder=who).encode("utf-8") for name, who in names.items()}
    files["imported_codings.csv"] = csv_bytes(result.codings, safe=safe)
    _write_files(files, out, console, "import")


def _slug(name: str) -> str:
    """A coder's name as a safe part of a file name."""
    import re

    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "coder"


def _coder_files(coders) -> dict[str, str]:
    """One review file name per coder, unique even where names read alike once made safe
    ('ana', 'ana!', 'ANA?') or differ only in case (file systems that ignore case)."""
    files: dict[str, str] = {}
    taken: set[str] = set()
    for name in coders:
        base = f"review-{_slug(name)}"
        file, n = f"{base}.csv", 2
        while file.casefold() in taken:
            file, n = f"{base}-{n}.csv", n + 1
        taken.add(file.casefold())
        files[file] = name
    return files
