"""The command line: thin Typer commands over ``ektp_qual.pipeline``.

Heavy libraries (pandas, spaCy) are imported inside the commands, so that ``--help``
and ``--version`` answer at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__

EXIT_CHECK_FAILED = 1
EXIT_INPUT_ERROR = 2
#: Every command that writes files writes them into DEFAULT_OUT/<command>/ unless --out
#: names another place, so that the results of two commands never meet in one folder.
DEFAULT_OUT = Path("ektp-qual-output")

app = typer.Typer(
    name="ektp-qual",
    help=(
        "Code interview transcripts against a YAML codebook and run Miles and Huberman's "
        "data reduction, data display and conclusion drawing.\n\n"
        "Without --transcripts and --codebook, every command works on the embedded "
        "sample: 19 reconstructed interviews on the e-KTP service in Kecamatan Tanjung "
        "Karang Timur, coded against Gronroos' six criteria.\n\n"
        "Every command that writes files writes them into ektp-qual-output/<command>/ "
        "unless --out names another folder; the commands that print (reduce, display, "
        "conclude, kwic, cooccur, saturation) write only with --out."
    ),
    epilog=(
        "Examples:\n\n"
        "  ektp-qual code                                 # the embedded sample\n\n"
        "  ektp-qual validate -t interviews/ -c codebook.yaml\n\n"
        "  ektp-qual code -t interviews/ -c codebook.yaml -o results/"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Transcripts = Annotated[
    Path | None,
    typer.Option(
        "--transcripts",
        "-t",
        help="Folder of transcripts (*.txt, *.md, *.docx, *.vtt, *.srt), one such file, or "
        "a CSV of survey answers (with --survey). Default: the embedded sample.",
    ),
]
CodebookOpt = Annotated[
    Path | None,
    typer.Option("--codebook", "-c", help="Codebook YAML. Default: the Gronroos codebook."),
]
FindingsOpt = Annotated[
    Path | None,
    typer.Option(
        "--findings",
        "-f",
        help="Expected verdicts (YAML) to compare with. Default: "
        "the thesis's findings when the sample is used.",
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and warnings.")]
Personal = Annotated[
    bool,
    typer.Option(
        "--personal-data",
        help="Show and export informants' names and unmasked "
        "NIK and phone numbers (masked by default).",
    ),
]
SurveyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--survey",
        metavar="KEY=COLUMN",
        help="Read --transcripts as a CSV of survey answers, one row per answer: "
        "informant=COLUMN and answer=COLUMN, optional question=COLUMN, role=COLUMN or "
        "default-role=ROLE, attribute=COLUMN (repeat the option for each).",
    ),
]
FormatOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-F",
        help="Also write this format: xlsx (one workbook), qdpx (REFI-QDA project for "
        "NVivo, ATLAS.ti, MAXQDA, QualCoder), qdc (REFI-QDA codebook), taguette "
        "(codebook.csv, the codebook as Taguette imports it), csv. Repeatable, "
        "or comma-separated.",
    ),
]
OffsetsOpt = Annotated[
    str,
    typer.Option(
        "--offsets",
        metavar="codepoints|utf16",
        help="How REFI-QDA selection offsets count characters: codepoints (the standard; "
        "QualCoder, ATLAS.ti, MAXQDA) or utf16 (NVivo, where an emoji counts 2).",
    ),
]
ReviewOpt = Annotated[
    Path | None,
    typer.Option(
        "--review",
        help="Review file whose decisions to apply (accept, reject, add). "
        "Default: review.csv in the current folder, when it exists.",
    ),
]
NoReview = Annotated[
    bool,
    typer.Option("--no-review", help="Ignore any review file: the automatic coding alone."),
]
CsvOpt = Annotated[
    str,
    typer.Option(
        "--csv",
        metavar="safe|raw",
        help="safe (default): a text cell that a spreadsheet would run as a formula (it "
        "begins with =, +, -, @) gets a leading ' and quotes; raw: the text as it is, for "
        "R and pandas. Review files are always safe.",
    ),
]
Check = Annotated[
    bool,
    typer.Option(
        "--check", help="Exit with status 1 when a verdict differs from the expected findings."
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ektp-qual {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """ektp-qual: qualitative coding and Miles-Huberman analysis."""


def _fail(error: Exception) -> None:
    from .outputs.terminal import SafeConsole

    SafeConsole(stderr=True, highlight=False).print(f"error: {error}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_INPUT_ERROR)


def _run(step, *args, **kwargs):
    """Call a library step; bad input ends the run with one message and status 2."""
    from .model.errors import InputError

    try:
        return step(*args, **kwargs)
    except InputError as error:
        _fail(error)


def _check_out(out: Path | None, names, command: str) -> None:
    """Refuse an output folder for these tables before the analysis, not after it."""
    if out is not None:
        _check_folder(out, [f"{name}.csv" for name in names], command)


def _check_folder(out: Path, files: list[str], command: str) -> None:
    """Finish what an interrupted run left in the folder, then refuse it if need be."""
    from .outputs import render
    from .outputs.export import check_writable, recover

    try:
        done = _run(recover, out)
        render.notices(render.make_console(stderr=True), [_notice(str(out), d) for d in done])
        _run(check_writable, out, files, command)
    except OSError as error:
        _fail(OSError(f"{out}: cannot prepare the output folder: {error.strerror or error}"))


def _file_in(out: Path, default_name: str) -> tuple[Path, str]:
    """The folder and name an option that takes a file writes to: a path with the file's
    suffix is the file itself; a folder (or a path without that suffix) gets the default
    file name inside it."""
    suffix = Path(default_name).suffix.lower()
    if out.is_dir() or out.suffix.lower() != suffix:
        return out, default_name
    return out.parent, out.name


def _write(tables, out: Path, console, command: str, safe: bool = True) -> None:
    from .outputs.export import csv_bytes

    files = {f"{name}.csv": csv_bytes(table, safe=safe) for name, table in tables.items()}
    _write_files(files, out, console, command)


def _safe_csv(value: str) -> bool:
    """Whether --csv asks for spreadsheet-safe CSV (the default) or raw text."""
    return _choices([value], ("safe", "raw"), "--csv") != ["raw"]


def _write_files(files: dict[str, bytes], out: Path, console, command: str) -> None:
    """Write one run of ``command``, replacing what its previous run wrote there."""
    from .outputs.export import write_run

    try:
        run = _run(write_run, files, out, command)
    except OSError as error:
        _fail(OSError(f"{out}: cannot write the files: {error.strerror or error}"))
    from .outputs.render import hanging, plural, where

    hanging(
        console,
        f"Wrote {plural(len(run.written), 'file')} to {where(str(out))}/: "
        + ", ".join(p.name for p in run.written),
    )
    if run.removed:
        hanging(
            console,
            f"Removed what an earlier '{run.command}' wrote there and this one does not: "
            + ", ".join(p.name for p in run.removed),
        )
    if run.kept:
        from .outputs import render

        render.notices(
            render.make_console(stderr=True),
            [
                _notice(
                    str(path),
                    f"left in place: an earlier '{run.command}' wrote it, "
                    "it was edited since, and this run does not write it",
                )
                for path in run.kept
            ],
        )


def _formats(values: list[str] | None) -> list[str]:
    """Formats from repeated or comma-separated --format values, checked."""
    from .outputs.export import EXPORT_FORMATS

    return _choices(values, tuple(EXPORT_FORMATS), "--format", "format")


def _analyse_for(
    out: Path,
    formats: list[str],
    transcripts,
    codebook,
    findings,
    review,
    no_review,
    personal,
    files: list[str] | None = None,
    *,
    command: str,
):
    """Check the output folder, then run the whole analysis and print its input warnings."""
    from .model.results import TABLES
    from .outputs import render
    from .outputs.export import export_names
    from .pipeline import analyse

    tables = _tables_to_write(TABLES, transcripts, codebook, findings)
    _check_folder(out, [*export_names(tables, formats), *(files or [])], command)
    result = _run(
        analyse,
        transcripts,
        codebook,
        findings,
        review=_review_file(review, no_review),
        personal_data=personal,
    )
    render.notices(render.make_console(stderr=True), result.reduction.notices)
    return result


def _tables_to_write(tables, transcripts, codebook, findings) -> list[str]:
    """The tables a run will write: a comparison only with expected findings (the sample
    brings the thesis's), so that an old, edited comparison.csv does not stop a run."""
    with_findings = findings is not None or (transcripts is None and codebook is None)
    return [name for name in tables if with_findings or name != "comparison"]


def _export(
    result,
    formats: list[str],
    out: Path,
    console,
    command: str,
    safe: bool = True,
    offsets: str = "codepoints",
) -> None:
    """Write the formats, after saying what REFI-QDA cannot carry (as the standard asks)."""
    from .outputs import render
    from .outputs.export import export_files

    if {"qdpx", "qdc"} & set(formats):
        from .model import Notice
        from .refi.exporter import export_losses

        losses = export_losses(result, offsets=offsets)
        if console.quiet:  # one line under -q; the reader asked for quiet, not for nothing
            losses = [
                f"{len(losses)} kinds of ektp-qual's analysis cannot be carried by the "
                "standard (run without -q to read which)"
            ]
        render.notices(
            render.make_console(stderr=True),
            [Notice("REFI-QDA export", None, loss) for loss in losses],
        )
    files = export_files(result, formats, safe_csv=safe, offsets=offsets)
    _write_files(files, out, console, command)


_SURVEY_KEYS = {
    "informant": "informant",
    "answer": "answer",
    "question": "question",
    "role": "role",
    "default-role": "default_role",
    "default_role": "default_role",
}


def _corpus(transcripts: Path | None, survey: list[str] | None):
    """The transcripts option as given, or the survey CSV it names read as a corpus."""
    if not survey:
        if transcripts is not None and transcripts.suffix.lower() == ".csv":
            _fail(
                ValueError(
                    f"{transcripts}: a CSV of survey answers needs --survey options naming its "
                    "columns, for example --survey informant=id --survey answer=jawaban"
                )
            )
        return transcripts
    if transcripts is None:
        _fail(ValueError("--survey needs --transcripts ANSWERS.csv"))
    options: dict[str, object] = {}
    for item in survey:
        key, _, column = item.partition("=")
        key = key.strip().lower()
        if key == "attribute":
            options.setdefault("attributes", []).append(column.strip())
        elif key in _SURVEY_KEYS and column.strip():
            options[_SURVEY_KEYS[key]] = column.strip()
        else:
            _fail(
                ValueError(
                    f"--survey {item!r}: use KEY=COLUMN with KEY one of informant, answer, "
                    "question, role, default-role, attribute"
                )
            )
    for required in ("informant", "answer"):
        if required not in options:
            _fail(ValueError(f"--survey needs {required}=COLUMN"))
    from .inputs.survey import read_survey

    return _run(read_survey, transcripts, **options)


def _review_file(review: Path | None, no_review: bool) -> Path | None:
    """The review file to apply: the one given, else review.csv here if there is one."""
    from .inputs.review_file import DEFAULT_REVIEW_FILE

    if no_review:
        return None
    if review is not None:
        if not review.exists():
            _fail(FileNotFoundError(f"{review}: no such review file"))
        return review
    return DEFAULT_REVIEW_FILE if DEFAULT_REVIEW_FILE.is_file() else None


def _check_findings(conclusion, check: bool) -> None:
    if not check:
        return
    if conclusion.comparison is None:
        _fail(ValueError("--check needs expected findings: give --findings FILE"))
    if not conclusion.reproduces_findings:
        raise typer.Exit(EXIT_CHECK_FAILED)


@app.command()
def code(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the CSV tables (created if needed).")
    ] = DEFAULT_OUT / "code",
    check: Check = False,
    findings: FindingsOpt = None,
    output_format: FormatOpt = None,
    csv: CsvOpt = "safe",
    review: ReviewOpt = None,
    no_review: NoReview = False,
    quiet: Quiet = False,
    personal_data: Personal = False,
) -> None:
    """Run the whole pipeline: code, reduce, display, conclude, and write the tables.

    A review file (review.csv here, or --review FILE) is applied: rejected codings
    drop out and added ones count. --no-review shows the automatic coding alone.

    Examples:

      ektp-qual code                      # the embedded e-KTP sample

      ektp-qual code -t interviews/ -c codebook.yaml -o results/

      ektp-qual code --check              # exit 1 unless the thesis is reproduced
    """
    transcripts = _corpus(transcripts, survey)
    from .outputs import render

    safe = _safe_csv(csv)
    formats = ["csv", *_formats(output_format)]
    result = _analyse_for(
        out,
        formats,
        transcripts,
        codebook,
        findings,
        review,
        no_review,
        personal_data,
        command="code",
    )
    console = render.make_console(quiet)
    render.reduction_summary(console, result.reduction)
    render.checklist_matrix(console, result.display, result.codebook)
    render.role_matrix(console, result.display, result.codebook)
    render.strongest_quotes(console, result.reduction, result.codebook)
    render.triangulation(console, result.conclusion, result.codebook)
    render.negative_evidence(console, result.conclusion, result.codebook)
    render.conclusions(console, result.conclusion, result.codebook)
    _export(result, formats, out, console, "code", safe)
    _check_findings(result.conclusion, check)


@app.command()
def export(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    output_format: FormatOpt = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the files (created if needed).")
    ] = DEFAULT_OUT / "export",
    csv: CsvOpt = "safe",
    findings: FindingsOpt = None,
    review: ReviewOpt = None,
    no_review: NoReview = False,
    offsets: OffsetsOpt = "codepoints",
    quiet: Quiet = False,
    personal_data: Personal = False,
) -> None:
    """Export the analysis for Excel or another QDA tool, without printing the displays.

    Formats: xlsx (analysis.xlsx: a sheet per table, the codebook, colours), qdpx
    (project.qdpx: transcripts, codes, codings, cases and coders for NVivo, ATLAS.ti,
    MAXQDA or QualCoder), qdc (codebook.qdc), taguette (codebook.csv, which Taguette's
    "Import codebook" reads), csv (the tables). Default: xlsx.
    For NVivo, add --offsets utf16 when transcripts hold emoji.

    Examples:

      ektp-qual export --format xlsx

      ektp-qual export -t interviews/ -c codebook.yaml --format qdpx,qdc -o for-nvivo/

      ektp-qual export --format qdpx --offsets utf16 -o for-nvivo/
    """
    transcripts = _corpus(transcripts, survey)
    from .outputs import render

    safe = _safe_csv(csv)
    formats = _formats(output_format) or ["xlsx"]
    offsets = _offsets(offsets)
    result = _analyse_for(
        out,
        formats,
        transcripts,
        codebook,
        findings,
        review,
        no_review,
        personal_data,
        command="export",
    )
    _export(result, formats, out, render.make_console(quiet), "export", safe, offsets)


def _offsets(value: str) -> str:
    """The --offsets value, checked before any work."""
    from .refi.exporter import OFFSETS

    chosen = value.strip().lower().replace("-", "")
    if chosen not in OFFSETS:
        _fail(ValueError(f"--offsets: use {' or '.join(OFFSETS)}, not {value!r}"))
    return chosen


@app.command()
def reduce(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Also write informants, segments, codings and stances as CSV here."
        ),
    ] = None,
    csv: CsvOpt = "safe",
    review: ReviewOpt = None,
    no_review: NoReview = False,
    quiet: Quiet = False,
    personal_data: Personal = False,
) -> None:
    """Step 1, data reduction: code the transcripts and reduce them to stances.

    Example: ektp-qual reduce -t interviews/ -c codebook.yaml -o reduced/
    """
    transcripts = _corpus(transcripts, survey)
    from .model.results import REDUCTION_TABLES
    from .outputs import render

    safe = _safe_csv(csv)
    _check_out(out, REDUCTION_TABLES, "reduce")
    result = _reduce_for(transcripts, codebook, review, no_review, personal_data)
    console = render.make_console(quiet)
    render.notices(render.make_console(stderr=True), result.notices)
    render.reduction_summary(console, result)
    render.stances(console, result)
    if out is not None:
        _write(result.tables(), out, console, "reduce", safe)


@app.command()
def display(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write the matrices as CSV here.")
    ] = None,
    csv: CsvOpt = "safe",
    review: ReviewOpt = None,
    no_review: NoReview = False,
    quiet: Quiet = False,
    personal_data: Personal = False,
) -> None:
    """Step 2, data display: the checklist, role-ordered and evidence matrices.

    Example: ektp-qual display -t interviews/ -c codebook.yaml
    """
    transcripts = _corpus(transcripts, survey)
    from .model.results import DISPLAY_TABLES
    from .outputs import render
    from .pipeline import data_display as display_step

    safe = _safe_csv(csv)
    _check_out(out, DISPLAY_TABLES, "display")
    reduction = _reduce_for(transcripts, codebook, review, no_review, personal_data)
    result = display_step(reduction)
    console = render.make_console(quiet)
    render.notices(render.make_console(stderr=True), reduction.notices)
    render.checklist_matrix(console, result, reduction.codebook)
    render.role_matrix(console, result, reduction.codebook)
    render.strongest_quotes(console, reduction, reduction.codebook)
    if out is not None:
        _write(result.tables(), out, console, "display", safe)


@app.command()
def conclude(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    findings: FindingsOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Also write conclusions, triangulation and negative evidence as CSV here.",
        ),
    ] = None,
    csv: CsvOpt = "safe",
    check: Check = False,
    review: ReviewOpt = None,
    no_review: NoReview = False,
    quiet: Quiet = False,
    personal_data: Personal = False,
) -> None:
    """Step 3, conclusion drawing and verification: verdicts and their checks.

    Example: ektp-qual conclude --check
    """
    transcripts = _corpus(transcripts, survey)
    from .model.results import CONCLUSION_TABLES
    from .outputs import render
    from .pipeline import conclusion_drawing as conclude_step
    from .pipeline import load

    safe = _safe_csv(csv)
    _check_out(
        out, _tables_to_write(CONCLUSION_TABLES, transcripts, codebook, findings), "conclude"
    )
    corpus, book, expected = _run(load, transcripts, codebook, findings)
    reduction = _reduce_for(corpus, book, review, no_review, personal_data)
    result = _run(conclude_step, reduction, expected)
    console = render.make_console(quiet)
    render.notices(render.make_console(stderr=True), reduction.notices)
    render.triangulation(console, result, book)
    render.negative_evidence(console, result, book)
    render.conclusions(console, result, book)
    if out is not None:
        _write(result.tables(), out, console, "conclude", safe)
    _check_findings(result, check)


@app.command()
def validate(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit with status 1 on warnings too, not only on errors."),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Check a codebook and a corpus without analysing them.

    Errors (malformed files) end with status 2. Warnings: phrases that match nothing,
    phrases under two criteria or both polarities, guide questions read as another
    criterion, informants with no coded evidence. Notes: what wishes, contrast, fixes,
    negators and words of quantity changed in the coding.

    Example: ektp-qual validate -t interviews/ -c codebook.yaml --strict
    """
    transcripts = _corpus(transcripts, survey)
    from .loop.validation import validate as validate_inputs
    from .outputs import render
    from .pipeline import load

    corpus, book, _ = _run(load, transcripts, codebook, None)
    issues = _run(validate_inputs, corpus, book)
    console = render.make_console(quiet)
    render.hanging(
        console,
        f"{render.plural(len(corpus.transcripts), 'transcript')} and the codebook {book.id!r} "
        f"({render.plural(len(book.criteria), 'criterion', 'criteria')}) " + "are valid.",
    )
    render.issues(render.make_console(), issues)
    if strict and (issues["level"] == "warning").any():
        raise typer.Exit(EXIT_CHECK_FAILED)


@app.command()
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
    personal_data: Personal = False,
) -> None:
    """Review the automatic codings one by one: accept, reject, flip, recode or add.

    Single keys decide; each decision is saved to the review file at once, so you can
    stop at any time (q, Ctrl-C, or closing the terminal) and run the command again to
    go on where you stopped. 'ektp-qual code' applies the review file afterwards.

    Examples:

      ektp-qual review --coder ana

      ektp-qual review --criterion attitude --role masyarakat --coder ana

      ektp-qual review -t interviews/ -c codebook.yaml --review review-ana.csv
    """
    transcripts = _corpus(transcripts, survey)
    import getpass

    from .inputs.review_file import read_review
    from .loop.review_session import ReviewSession, review_items
    from .outputs import render
    from .pipeline import data_reduction as reduce_step

    existing = _run(read_review, review_file)
    reduction = _run(reduce_step, transcripts, codebook, personal_data=personal_data)
    _run(_check_names, reduction, criterion, informant, role)
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


def _check_names(reduction, criteria, informants, roles) -> None:
    """Filters must name what the study has: a typo should not review nothing silently."""
    from .model.errors import InputError

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


@app.command()
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
    transcripts = _corpus(transcripts, survey)
    from .analysis.agreement import FORMULAS
    from .outputs import render
    from .pipeline import agree as agree_step

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
    render.agreement(console, result, FORMULAS)
    _write(result.tables(), out, console, "agree", safe)


@app.command("import")
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
    transcripts = _corpus(transcripts, survey)
    from .outputs import render
    from .outputs.export import csv_bytes
    from .pipeline import import_project
    from .refi.mapping import review_text

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
    render.import_summary(console, result)
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


@app.command()
def report(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    findings: FindingsOpt = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The HTML file to write (a name ending in .html), or a folder to write "
            "report.html into.",
        ),
    ] = DEFAULT_OUT / "report",
    no_transcripts: Annotated[
        bool,
        typer.Option(
            "--no-transcripts", help="Leave out the transcripts appendix (for large corpora)."
        ),
    ] = False,
    review: ReviewOpt = None,
    no_review: NoReview = False,
    quiet: Quiet = False,
    personal_data: Personal = False,
) -> None:
    """Write the whole analysis as one HTML file that opens offline in any browser.

    The study, the checklist matrix as a heat map, the role-ordered matrix, the
    evidence per criterion, the conclusions with their numbers, triangulation, negative
    evidence, the comparison with expected findings, and appendices with the codebook
    and the transcripts, every quote linked to its place. Prints well to PDF.

    Examples:

      ektp-qual report

      ektp-qual report -t interviews/ -c codebook.yaml --out results/report.html
    """
    transcripts = _corpus(transcripts, survey)
    from .outputs import render
    from .outputs.report import report_html

    folder, name = _file_in(out, "report.html")
    result = _analyse_for(
        folder,
        [],
        transcripts,
        codebook,
        findings,
        review,
        no_review,
        personal_data,
        [name],
        command="report",
    )
    page = report_html(result, transcripts=not no_transcripts)
    _write_files({name: page.encode("utf-8")}, folder, render.make_console(quiet), "report")


@app.command()
def figures(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the figures (created if needed).")
    ] = DEFAULT_OUT / "figures",
    language: Annotated[
        str,
        typer.Option(
            "--language",
            "--lang",
            help="Labels in the codebook's language ('codebook', the default) or English ('en').",
        ),
    ] = "codebook",
    image_format: Annotated[
        list[str] | None,
        typer.Option("--format", "-F", help="png, svg or pdf; repeatable or comma-separated."),
    ] = None,
    dpi: Annotated[int, typer.Option("--dpi", min=72, max=1200, help="PNG resolution.")] = 300,
    review: ReviewOpt = None,
    no_review: NoReview = False,
    quiet: Quiet = False,
) -> None:
    """Figures for a thesis: the checklist heat map and the role contrast (PNG and SVG).

    checklist_heatmap shows each informant's stance per criterion, grouped by role;
    role_contrast the share of positive informants per criterion for each role, with the
    decision threshold. Labels are in the codebook's language unless --language en.

    Examples:

      ektp-qual figures

      ektp-qual figures --language en --format png,pdf --dpi 600 -o thesis-figures/
    """
    transcripts = _corpus(transcripts, survey)
    from .outputs import render
    from .outputs.figures import analysis_figures, figure_files

    formats = _choices(image_format, ("png", "svg", "pdf"), "--format") or ["png", "svg"]
    language = _language(language)
    names = [f"{name}.{fmt}" for name in ("checklist_heatmap", "role_contrast") for fmt in formats]
    result = _analyse_for(
        out, [], transcripts, codebook, None, review, no_review, False, names, command="figures"
    )
    files = figure_files(analysis_figures(result, language=language), formats=formats, dpi=dpi)
    _write_files(files, out, render.make_console(quiet), "figures")


def _reduce_for(transcripts, codebook, review, no_review, personal: bool = False):
    """Data reduction with the review file applied, as the looking commands need it."""
    from .pipeline import data_reduction as reduce_step

    return _run(
        reduce_step,
        transcripts,
        codebook,
        review=_review_file(review, no_review),
        personal_data=personal,
    )


def _choices(
    values: list[str] | None, allowed: tuple[str, ...], option: str, what: str = "value"
) -> list[str]:
    """Values from repeated or comma-separated options, each one of ``allowed``."""
    chosen: list[str] = []
    for value in values or ():
        for item in (part.strip().lower() for part in value.split(",")):
            if item not in allowed:
                _fail(ValueError(f"{option}: unknown {what} {item!r} (use {', '.join(allowed)})"))
            if item not in chosen:
                chosen.append(item)
    return chosen


def _language(language: str) -> str:
    if language not in ("codebook", "en", "id"):
        _fail(ValueError(f"--language: use 'codebook', 'en' or 'id', not {language!r}"))
    return language


@app.command()
def kwic(
    phrase: Annotated[str, typer.Argument(help="Word or phrase to look for, as in a codebook.")],
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    width: Annotated[
        int, typer.Option("--width", min=5, max=200, help="Characters of context each side.")
    ] = 40,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Also write the concordance to this CSV file (a name ending in .csv), or "
            "to kwic.csv in this folder.",
        ),
    ] = None,
    csv: CsvOpt = "safe",
    review: ReviewOpt = None,
    no_review: NoReview = False,
    quiet: Quiet = False,
    personal_data: Personal = False,
) -> None:
    """Keyword in context: every occurrence of a phrase, matched the way the coder matches.

    Whole words, any case, with the codebook's morphology: 'antrian panjang' finds
    'antreannya panjang', 'ramah' finds 'keramahan', 'desa' never finds 'berdesakan'.
    Each line shows the informant, the context and how the sentence was coded.

    Examples:

      ektp-qual kwic "antrian panjang"

      ektp-qual kwic ramah --width 30 -o ramah.csv
    """
    transcripts = _corpus(transcripts, survey)
    from .analysis.explore import kwic as concordance
    from .outputs import render
    from .outputs.export import csv_bytes

    safe = _safe_csv(csv)
    folder, name = _file_in(out, "kwic.csv") if out is not None else (None, "")
    if folder is not None:
        _check_folder(folder, [name], "kwic")
    reduction = _reduce_for(transcripts, codebook, review, no_review, personal_data)
    try:
        table = concordance(reduction, phrase, width=width)
    except ValueError as error:
        _fail(error)
    console = render.make_console(quiet)
    render.concordance(console, table, phrase)
    if folder is not None:
        _write_files({name: csv_bytes(table, safe=safe)}, folder, console, "kwic")


@app.command()
def cooccur(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    unit: Annotated[
        str,
        typer.Option("--unit", help="Count codes together in the same 'segment' or 'informant'."),
    ] = "segment",
    polarity: Annotated[
        bool, typer.Option("--polarity", help="Codes are criterion and polarity ('attitude +').")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write cooccurrence.csv here.")
    ] = None,
    csv: CsvOpt = "safe",
    review: ReviewOpt = None,
    no_review: NoReview = False,
    quiet: Quiet = False,
) -> None:
    """How often criteria are coded together, with counts and the c-coefficient.

    c = n12 / (n1 + n2 - n12): 1 when two codes always come together, 0 when never.

    Examples:

      ektp-qual cooccur

      ektp-qual cooccur --unit informant --polarity -o results/
    """
    transcripts = _corpus(transcripts, survey)
    from .analysis.explore import cooccurrence, cooccurrence_matrix
    from .outputs import render

    unit = (_choices([unit], ("segment", "informant"), "--unit") or ["segment"])[0]
    safe = _safe_csv(csv)
    _check_out(out, ["cooccurrence"], "cooccur")
    reduction = _reduce_for(transcripts, codebook, review, no_review)
    book = reduction.codebook
    pairs = cooccurrence(reduction.codings, book, unit=unit, polarity=polarity)
    matrix = cooccurrence_matrix(reduction.codings, book, unit=unit, polarity=polarity)
    console = render.make_console(quiet)
    render.cooccurrence(console, matrix, pairs, unit, book)
    if out is not None:
        _write({"cooccurrence": pairs}, out, console, "cooccur", safe)


@app.command()
def saturation(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    what: Annotated[
        str,
        typer.Option("--what", help="Count new 'codes' (criterion and polarity) or 'phrases'."),
    ] = "codes",
    orders: Annotated[
        int, typer.Option("--orders", min=1, max=100_000, help="Random orders to average over.")
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random orders.")] = 0,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Also write saturation.csv and the figure here."),
    ] = None,
    csv: CsvOpt = "safe",
    language: Annotated[
        str, typer.Option("--language", "--lang", help="Figure labels: 'codebook' or 'en'.")
    ] = "codebook",
    review: ReviewOpt = None,
    no_review: NoReview = False,
    quiet: Quiet = False,
) -> None:
    """New codes found by each successive interview: were there enough interviews?

    In corpus order and averaged over random orders of the interviews (with the
    spread), so the argument does not hang on the order they happened to be done in.

    Examples:

      ektp-qual saturation

      ektp-qual saturation --what phrases --orders 1000 -o results/
    """
    transcripts = _corpus(transcripts, survey)
    from .analysis.explore import saturation as saturation_table
    from .analysis.explore import saturation_summary
    from .outputs import render
    from .outputs.figures import figure_files, saturation_curve

    what = (_choices([what], ("codes", "phrases"), "--what") or ["codes"])[0]
    safe = _safe_csv(csv)
    language = _language(language)
    if out is not None:
        _check_folder(out, ["saturation.csv", "saturation.png", "saturation.svg"], "saturation")
    reduction = _reduce_for(transcripts, codebook, review, no_review)
    table = saturation_table(reduction, what=what, orders=orders, seed=seed)
    console = render.make_console(quiet)
    render.saturation(console, table, saturation_summary(table), what)
    if out is not None:
        from .outputs.export import csv_bytes

        figure = saturation_curve(table, language=language, codebook=reduction.codebook)
        files = {"saturation.csv": csv_bytes(table, safe=safe)}
        files.update(figure_files({"saturation": figure}))
        _write_files(files, out, console, "saturation")


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
    from .inputs.codebook import read_codebook
    from .inputs.sample import sample_codebook
    from .loop.examples import check_examples
    from .outputs import render

    book = _run(read_codebook, codebook if codebook is not None else sample_codebook())
    results = _run(check_examples, book)
    if results.empty:
        render.notices(
            render.make_console(stderr=True),
            [_notice(book.source, "the codebook has no examples to test")],
        )
        return
    render.example_results(render.make_console(quiet), results, book.source)
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
    from .outputs import render
    from .refi.codebooks import codebook_skeleton, write_skeleton

    target = out if out is not None else Path(qdc.with_suffix(".yaml").name)
    if out is not None and out.is_dir():
        target = out / qdc.with_suffix(".yaml").name
    if target.exists() or target.is_symlink():  # before any work; write_skeleton checks too
        from .model.errors import InputError

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


def _notice(source: str, message: str):
    from .model import Notice

    return Notice(source, None, message)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="ektp-qual")


if __name__ == "__main__":
    sys.exit(main())
