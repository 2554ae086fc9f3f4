"""The Miles and Huberman steps: ``code`` (all of them), ``reduce``, ``display``,
``conclude``, ``export`` and ``validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    _analyse_for,
    _check_findings,
    _check_out,
    _export,
    _fail,
    _formats,
    _offsets,
    _reduce_for,
    _run,
    _safe_csv,
    _stream_survey,
    _tables_to_write,
    _verification,
    _write,
    command,
)
from .options import (
    DEFAULT_OUT,
    EXIT_CHECK_FAILED,
    AblationOpt,
    BootstrapOpt,
    Check,
    CodebookOpt,
    CsvOpt,
    DropOpt,
    EngineOpt,
    FindingsOpt,
    FormatOpt,
    Jobs,
    Learn,
    LearnThreshold,
    NoReview,
    OffsetsOpt,
    Personal,
    Quiet,
    ReviewOpt,
    SchedulerOpt,
    SeedOpt,
    Stream,
    SurveyOpt,
    Transcripts,
    VerifyOpt,
)


@command()
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
    learn: Learn = False,
    learn_threshold: LearnThreshold = None,
    quiet: Quiet = False,
    personal_data: Personal = False,
    verify: VerifyOpt = False,
    seed: SeedOpt = 0,
    bootstrap: BootstrapOpt = 1000,
    ablation: AblationOpt = 20,
    drop: DropOpt = 0.2,
    jobs: Jobs = None,
    stream: Stream = False,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
) -> None:
    """Run the whole pipeline: code, reduce, display, conclude, and write the tables.

    A review file (review.csv here, or --review FILE) is applied: rejected codings
    drop out and added ones count. --no-review shows the automatic coding alone.

    Examples:

      ektp-qual code                      # the embedded e-KTP sample

      ektp-qual code -t interviews/ -c codebook.yaml -o results/

      ektp-qual code --check              # exit 1 unless the thesis is reproduced

      ektp-qual code --verify             # and how sure each verdict is
    """
    if stream and (verify or learn):
        _fail(ValueError("--stream codes without --verify or --learn: leave them out"))
    if stream:
        _code_stream(
            out,
            transcripts,
            survey,
            codebook,
            findings,
            output_format,
            csv,
            review,
            check,
            quiet,
            personal_data,
            jobs,
            engine,
            scheduler,
        )
        return
    if engine != "local" or scheduler is not None:
        _fail(ValueError("--engine and --scheduler go with --stream (a survey read in chunks)"))
    from ..outputs import render

    safe = _safe_csv(csv)
    formats = ["csv", *_formats(output_format)]
    settings = _verification(verify, seed, bootstrap, ablation, drop)
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
        verify=settings,
        learn=learn,
        learn_threshold=learn_threshold,
        jobs=jobs,
    )
    console = render.make_console(quiet)
    if not quiet:  # a quiet console would build every table only to drop it
        render.reduction_summary(console, result.reduction)
        render.checklist_matrix(console, result.display, result.codebook)
        render.role_matrix(console, result.display, result.codebook)
        render.strongest_quotes(console, result.reduction, result.codebook)
        render.triangulation(console, result.conclusion, result.codebook)
        render.negative_evidence(console, result.conclusion, result.codebook)
        render.conclusions(console, result.conclusion, result.codebook)
        if result.verification is not None:
            render.verification(console, result.verification, result.codebook)
    _export(result, formats, out, console, "code", safe)
    _check_findings(result.conclusion, check)


def _code_stream(
    out,
    transcripts,
    survey,
    codebook,
    findings,
    output_format,
    csv,
    review,
    check,
    quiet,
    personal_data,
    jobs,
    engine,
    scheduler,
) -> None:
    """``code --stream``: the survey coded chunk by chunk, the tables written as it goes."""
    from ..outputs import render

    if review is not None:
        _fail(ValueError("--stream applies no review file: leave out --review"))
    formats = ["csv", *_formats(output_format)]
    if [f for f in formats if f not in ("csv", "parquet")]:
        _fail(ValueError("--stream writes CSV and Parquet tables only: --format parquet"))
    result = _stream_survey(
        out,
        transcripts,
        survey,
        codebook,
        findings,
        personal_data,
        jobs,
        _safe_csv(csv),
        formats,
        engine,
        scheduler,
    )
    console = render.make_console(quiet)
    render.reduction_summary(console, result.reduction)
    render.role_matrix(console, result.display, result.codebook)
    render.strongest_quotes(console, result.reduction, result.codebook)
    render.triangulation(console, result.conclusion, result.codebook)
    render.conclusions(console, result.conclusion, result.codebook)
    render.hanging(console, f"Wrote the tables to {render.where(str(out))}/.")
    _check_findings(result.conclusion, check)


@command()
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
    learn: Learn = False,
    learn_threshold: LearnThreshold = None,
    offsets: OffsetsOpt = "codepoints",
    quiet: Quiet = False,
    personal_data: Personal = False,
    verify: VerifyOpt = False,
    seed: SeedOpt = 0,
    bootstrap: BootstrapOpt = 1000,
    ablation: AblationOpt = 20,
    drop: DropOpt = 0.2,
    jobs: Jobs = None,
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

      ektp-qual export --verify           # the workbook with how sure each verdict is
    """
    from ..outputs import render

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
        verify=_verification(verify, seed, bootstrap, ablation, drop),
        learn=learn,
        learn_threshold=learn_threshold,
        jobs=jobs,
    )
    _export(result, formats, out, render.make_console(quiet), "export", safe, offsets)


@command()
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
    learn: Learn = False,
    learn_threshold: LearnThreshold = None,
    quiet: Quiet = False,
    personal_data: Personal = False,
    jobs: Jobs = None,
) -> None:
    """Step 1, data reduction: code the transcripts and reduce them to stances.

    Example: ektp-qual reduce -t interviews/ -c codebook.yaml -o reduced/
    """
    from ..model.results import REDUCTION_TABLES
    from ..outputs import render

    safe = _safe_csv(csv)
    _check_out(out, REDUCTION_TABLES, "reduce")
    result = _reduce_for(
        transcripts, codebook, review, no_review, personal_data, learn, learn_threshold, jobs
    )
    console = render.make_console(quiet)
    render.notices(render.make_console(stderr=True), result.notices)
    render.reduction_summary(console, result)
    render.stances(console, result)
    if out is not None:
        _write(result.tables(), out, console, "reduce", safe)


@command()
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
    learn: Learn = False,
    learn_threshold: LearnThreshold = None,
    quiet: Quiet = False,
    personal_data: Personal = False,
    jobs: Jobs = None,
) -> None:
    """Step 2, data display: the checklist, role-ordered and evidence matrices.

    Example: ektp-qual display -t interviews/ -c codebook.yaml
    """
    from ..model.results import DISPLAY_TABLES
    from ..outputs import render
    from ..pipeline import data_display as display_step

    safe = _safe_csv(csv)
    _check_out(out, DISPLAY_TABLES, "display")
    reduction = _reduce_for(
        transcripts, codebook, review, no_review, personal_data, learn, learn_threshold, jobs
    )
    result = display_step(reduction)
    console = render.make_console(quiet)
    render.notices(render.make_console(stderr=True), reduction.notices)
    render.checklist_matrix(console, result, reduction.codebook)
    render.role_matrix(console, result, reduction.codebook)
    render.strongest_quotes(console, reduction, reduction.codebook)
    if out is not None:
        _write(result.tables(), out, console, "display", safe)


@command()
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
    learn: Learn = False,
    learn_threshold: LearnThreshold = None,
    quiet: Quiet = False,
    personal_data: Personal = False,
    verify: VerifyOpt = False,
    seed: SeedOpt = 0,
    bootstrap: BootstrapOpt = 1000,
    ablation: AblationOpt = 20,
    drop: DropOpt = 0.2,
    jobs: Jobs = None,
) -> None:
    """Step 3, conclusion drawing and verification: verdicts and their checks.

    --verify adds how sure each verdict is: how many informants would have to change
    stance, who alone flips it, bootstrap and codebook sensitivity, the threshold at
    which it changes, subgroups whose verdict differs, and a robust or fragile label.

    Examples:

      ektp-qual conclude --check

      ektp-qual conclude --verify --seed 1 --bootstrap 2000 --ablation 50 --drop 0.5
    """
    from ..model.results import CONCLUSION_TABLES, VERIFICATION_TABLES
    from ..outputs import render
    from ..pipeline import conclusion_drawing as conclude_step
    from ..pipeline import load
    from ..pipeline import verify as verify_step

    safe = _safe_csv(csv)
    settings = _verification(verify, seed, bootstrap, ablation, drop)
    names = CONCLUSION_TABLES + (VERIFICATION_TABLES if settings is not None else ())
    _check_out(out, _tables_to_write(names, transcripts, codebook, findings), "conclude")
    corpus, book, expected = _run(load, transcripts, codebook, findings)
    reduction = _reduce_for(
        corpus, book, review, no_review, personal_data, learn, learn_threshold, jobs
    )
    result = _run(conclude_step, reduction, expected)
    checked = None if settings is None else _run(verify_step, reduction, settings)
    console = render.make_console(quiet)
    render.notices(render.make_console(stderr=True), reduction.notices)
    render.triangulation(console, result, book)
    render.negative_evidence(console, result, book)
    render.conclusions(console, result, book)
    if checked is not None:
        render.verification(console, checked, book)
    if out is not None:
        tables = {**result.tables(), **(checked.tables() if checked is not None else {})}
        _write(tables, out, console, "conclude", safe)
    _check_findings(result, check)


@command()
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
    from ..outputs import render, render_loop
    from ..pipeline import load
    from ..pipeline import validate as validate_inputs

    corpus, book, _ = _run(load, transcripts, codebook, None)
    issues = _run(validate_inputs, corpus, book)
    console = render.make_console(quiet)
    render.hanging(
        console,
        f"{render.plural(len(corpus.transcripts), 'transcript')} and the codebook {book.id!r} "
        f"({render.plural(len(book.criteria), 'criterion', 'criteria')}) " + "are valid.",
    )
    render_loop.issues(render.make_console(), issues)
    if strict and (issues["level"] == "warning").any():
        raise typer.Exit(EXIT_CHECK_FAILED)
