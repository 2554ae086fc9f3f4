"""Looking at the results: ``report``, ``figures``, ``kwic``, ``cooccur``, ``saturation``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    _analyse_for,
    _check_folder,
    _check_out,
    _choices,
    _fail,
    _file_in,
    _language,
    _reduce_for,
    _safe_csv,
    _verification,
    _write,
    _write_files,
    command,
)
from .options import (
    DEFAULT_OUT,
    AblationOpt,
    BootstrapOpt,
    CodebookOpt,
    CsvOpt,
    DropOpt,
    FindingsOpt,
    Learn,
    LearnThreshold,
    NoReview,
    Personal,
    Quiet,
    ReviewOpt,
    SeedOpt,
    SurveyOpt,
    Transcripts,
    VerifyOpt,
)


@command()
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
    learn: Learn = False,
    learn_threshold: LearnThreshold = None,
    quiet: Quiet = False,
    personal_data: Personal = False,
    verify: VerifyOpt = False,
    seed: SeedOpt = 0,
    bootstrap: BootstrapOpt = 1000,
    ablation: AblationOpt = 20,
    drop: DropOpt = 0.2,
) -> None:
    """Write the whole analysis as one HTML file that opens offline in any browser.

    The study, the checklist matrix as a heat map, the role-ordered matrix, the
    evidence per criterion, the conclusions with their numbers, triangulation, negative
    evidence, the comparison with expected findings, and appendices with the codebook
    and the transcripts, every quote linked to its place. Prints well to PDF.

    Examples:

      ektp-qual report

      ektp-qual report -t interviews/ -c codebook.yaml --out results/report.html

      ektp-qual report --verify           # with a section on how sure each verdict is
    """
    from ..outputs import render
    from ..outputs.report import report_html

    settings = _verification(verify, seed, bootstrap, ablation, drop)
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
        verify=settings,
        learn=learn,
        learn_threshold=learn_threshold,
    )
    page = report_html(result, transcripts=not no_transcripts)
    _write_files({name: page.encode("utf-8")}, folder, render.make_console(quiet), "report")


@command()
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
    verify: VerifyOpt = False,
    seed: SeedOpt = 0,
    bootstrap: BootstrapOpt = 1000,
    ablation: AblationOpt = 20,
    drop: DropOpt = 0.2,
) -> None:
    """Figures for a thesis: the checklist heat map and the role contrast (PNG and SVG).

    checklist_heatmap shows each informant's stance per criterion, grouped by role;
    role_contrast the share of positive informants per criterion for each role, with the
    decision threshold. Labels are in the codebook's language unless --language en.
    --verify adds verification_stability: per criterion, the share of bootstrap
    resamples and codebook runs in which the verdict holds, with its label and margin.

    Examples:

      ektp-qual figures

      ektp-qual figures --verify

      ektp-qual figures --language en --format png,pdf --dpi 600 -o thesis-figures/
    """
    from ..outputs import render
    from ..outputs.figures import analysis_figures, figure_files

    formats = _choices(image_format, ("png", "svg", "pdf"), "--format") or ["png", "svg"]
    language = _language(language)
    settings = _verification(verify, seed, bootstrap, ablation, drop)
    shown = ("checklist_heatmap", "role_contrast")
    if settings is not None:
        shown += ("verification_stability",)
    names = [f"{name}.{fmt}" for name in shown for fmt in formats]
    result = _analyse_for(
        out,
        [],
        transcripts,
        codebook,
        None,
        review,
        no_review,
        False,
        names,
        command="figures",
        verify=settings,
    )
    files = figure_files(analysis_figures(result, language=language), formats=formats, dpi=dpi)
    _write_files(files, out, render.make_console(quiet), "figures")


@command()
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
    from ..analysis.explore import kwic as concordance
    from ..outputs import render, render_look
    from ..outputs.export import csv_bytes

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
    render_look.concordance(console, table, phrase)
    if folder is not None:
        _write_files({name: csv_bytes(table, safe=safe)}, folder, console, "kwic")


@command()
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
    from ..analysis.explore import cooccurrence, cooccurrence_matrix
    from ..outputs import render, render_look

    unit = (_choices([unit], ("segment", "informant"), "--unit") or ["segment"])[0]
    safe = _safe_csv(csv)
    _check_out(out, ["cooccurrence"], "cooccur")
    reduction = _reduce_for(transcripts, codebook, review, no_review)
    book = reduction.codebook
    pairs = cooccurrence(reduction.codings, book, unit=unit, polarity=polarity)
    matrix = cooccurrence_matrix(reduction.codings, book, unit=unit, polarity=polarity)
    console = render.make_console(quiet)
    render_look.cooccurrence(console, matrix, pairs, unit, book)
    if out is not None:
        _write({"cooccurrence": pairs}, out, console, "cooccur", safe)


@command()
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
    from ..analysis.explore import saturation as saturation_table
    from ..analysis.explore import saturation_summary
    from ..outputs import render, render_look
    from ..outputs.figures import figure_files, saturation_curve

    what = (_choices([what], ("codes", "phrases"), "--what") or ["codes"])[0]
    safe = _safe_csv(csv)
    language = _language(language)
    if out is not None:
        _check_folder(out, ["saturation.csv", "saturation.png", "saturation.svg"], "saturation")
    reduction = _reduce_for(transcripts, codebook, review, no_review)
    table = saturation_table(reduction, what=what, orders=orders, seed=seed)
    console = render.make_console(quiet)
    render_look.saturation(console, table, saturation_summary(table), what)
    if out is not None:
        from ..outputs.export import csv_bytes

        figure = saturation_curve(table, language=language, codebook=reduction.codebook)
        files = {"saturation.csv": csv_bytes(table, safe=safe)}
        files.update(figure_files({"saturation": figure}))
        _write_files(files, out, console, "saturation")
