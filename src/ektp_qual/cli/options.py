"""The command line's app and the options its commands share, each declared once with
its help, so that a command lists them by name."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import __version__

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
        "(codebook.csv, the codebook as Taguette imports it), csv, parquet (every "
        "table as <table>.parquet; needs the scale extra). Repeatable, or comma-separated.",
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


NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Code the corpus again instead of reusing the rules' coding kept from the last "
        "run on the same transcripts and codebook (kept, masked, in your cache directory).",
    ),
]


Learn = Annotated[
    bool,
    typer.Option(
        "--learn",
        help="Also let the learned coder code the sentences nobody reviewed: a model "
        "trained on your review decisions, the codebook's examples and the rules "
        "(method 'learned', with its probability and the features behind it).",
    ),
]


LearnThreshold = Annotated[
    float | None,
    typer.Option(
        "--learn-threshold",
        metavar="P",
        help="With --learn: how sure (probability 0 to 1) the learned coder must be to code "
        "(default: chosen on your decisions by cross-validation; 0.4 until 25 are decided).",
    ),
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


Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Code in up to N processes (default: every core; 1: one process). A corpus "
        "too small to gain is coded in one; the tables are the same either way.",
    ),
]


Stream = Annotated[
    bool,
    typer.Option(
        "--stream",
        help="Read a survey (--survey) in chunks and write its per-sentence tables as "
        "they are coded, so memory stays flat however many answers it has. No review "
        "file is applied; the tables are CSV (and Parquet with --format parquet).",
    ),
]


EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        metavar="local|dask",
        help="With --stream: local (worker processes on this machine, see --jobs) or dask "
        "(a Dask cluster: a local one of --jobs workers, or the one at --scheduler; needs "
        "the scale extra).",
    ),
]


SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="With --engine dask: the address of a running Dask scheduler, such as "
        "tcp://10.0.0.5:8786. Default: a local cluster.",
    ),
]


Check = Annotated[
    bool,
    typer.Option(
        "--check", help="Exit with status 1 when a verdict differs from the expected findings."
    ),
]


VerifyOpt = Annotated[
    bool,
    typer.Option(
        "--verify",
        help="Also weigh how sure each verdict is: margin, leave-one-out, bootstrap, codebook "
        "and threshold sensitivity, and subgroups (the tables verification, subgroups and "
        "threshold_sweep).",
    ),
]


SeedOpt = Annotated[
    int,
    typer.Option(
        "--seed",
        help="With --verify: the seed of the random draws (the same seed, the same figures).",
    ),
]


BootstrapOpt = Annotated[
    int,
    typer.Option(
        "--bootstrap",
        metavar="B",
        min=0,
        max=100_000,
        help="With --verify: how many resamples of the deciding informants (0: none).",
    ),
]


AblationOpt = Annotated[
    int,
    typer.Option(
        "--ablation",
        metavar="R",
        min=0,
        max=10_000,
        help="With --verify: how many runs drop a share of the codebook's phrases (0: none).",
    ),
]


DropOpt = Annotated[
    float,
    typer.Option(
        "--drop",
        metavar="SHARE",
        help="With --verify: the share of the codebook's phrases each run drops, above 0 and "
        "below 1.",
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
