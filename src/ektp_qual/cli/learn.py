"""Learning from the researcher: ``suggest`` (and ``suggest --evaluate``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    _check_folder,
    _fail,
    _file_in,
    _review_file,
    _run,
    _safe_csv,
    _write_files,
    command,
)
from .options import (
    DEFAULT_OUT,
    CodebookOpt,
    CsvOpt,
    LearnThreshold,
    NoCache,
    NoReview,
    Personal,
    Quiet,
    ReviewOpt,
    SurveyOpt,
    Transcripts,
)


@command()
def suggest(
    transcripts: Transcripts = None,
    codebook: CodebookOpt = None,
    survey: SurveyOpt = None,
    review: ReviewOpt = None,
    no_review: NoReview = False,
    count: Annotated[
        int,
        typer.Option("--count", "-n", min=1, help="How many sentences to suggest."),
    ] = 25,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="The CSV file to write (a name ending in .csv), or a folder to write "
            "suggestions.csv into (with --evaluate: the folder for its tables and figure).",
        ),
    ] = DEFAULT_OUT / "suggest",
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate",
            help="Instead, measure the learned coder on your decisions: cross-validated "
            "precision, recall and F1 per criterion beside the rules', and a learning curve "
            "(evaluation.csv, learning_curve.csv, learning_curve.png and .svg).",
        ),
    ] = False,
    learn_threshold: LearnThreshold = None,
    csv: CsvOpt = "safe",
    quiet: Quiet = False,
    personal_data: Personal = False,
    no_cache: NoCache = False,
) -> None:
    """The next sentences worth your decision, chosen to improve the coding fastest.

    Sentences nobody reviewed are ranked by how likely their coding is wrong: where the
    rules and the learned coder disagree, where the learned coder is unsure. Each is
    listed with the codes proposed, the learned coder's probability and the reason.
    Decide them with 'ektp-qual review --suggested', then run 'ektp-qual code --learn'.

    Examples:

      ektp-qual suggest -n 25

      ektp-qual suggest -t interviews/ -c codebook.yaml --review review.csv -o next.csv

      ektp-qual suggest --evaluate
    """
    from ..outputs import render
    from ..outputs.export import csv_bytes
    from ..pipeline import evaluate_learned_coder
    from ..pipeline import suggest as suggest_step

    safe = _safe_csv(csv)
    threshold = {} if learn_threshold is None else {"learn_threshold": learn_threshold}
    decisions = _review_file(review, no_review)
    console = render.make_console(quiet)
    if evaluate:
        names = ["evaluation.csv", "learning_curve.csv", "learning_curve.png", "learning_curve.svg"]
        if out.suffix.lower() in (".csv", ".png", ".svg") and not out.is_dir():
            _fail(
                ValueError(f"--evaluate writes {len(names)} files: give --out a folder, not {out}")
            )
        _check_folder(out, names, "suggest")
        result = _run(
            evaluate_learned_coder,
            transcripts,
            codebook,
            review=decisions,
            cache=not no_cache,
            **threshold,
        )
        if result.scores.empty:
            render.hanging(
                console,
                "Nothing to evaluate yet: the review file decides fewer than two sentences.",
            )
            return
        from ..outputs.curves import learning_curve
        from ..outputs.figures import figure_files

        _print_evaluation(console, result)
        files = {
            "evaluation.csv": csv_bytes(result.scores, safe=safe),
            "learning_curve.csv": csv_bytes(result.curve, safe=safe),
            **figure_files({"learning_curve": learning_curve(result.curve)}),
        }
        _write_files(files, out, console, "suggest")
        return
    folder, name = _file_in(out, "suggestions.csv")
    _check_folder(folder, [name], "suggest")
    table = _run(
        suggest_step,
        transcripts,
        codebook,
        review=decisions,
        count=count,
        personal_data=personal_data,
        cache=not no_cache,
        **threshold,
    )
    _print_suggestions(console, table)
    _write_files({name: csv_bytes(table, safe=safe)}, folder, console, "suggest")


def _print_suggestions(console, table) -> None:
    """Each suggested sentence once, then its proposed codes with probability and reason."""
    from rich.text import Text

    from ..outputs.render import hanging, plural

    sentences = table["segment_id"].nunique()
    hanging(console, f"{plural(sentences, 'sentence')} worth a decision, the most useful first:")
    for number, (sid, group) in enumerate(table.groupby("segment_id", sort=False), 1):
        first = group.iloc[0]
        console.print()
        console.print(
            Text.assemble((f"{number}. {first['informant']} ", "bold"), (sid, "dim")),
            soft_wrap=True,
        )
        hanging(console, "  " + " ".join(str(first["text"]).split()), 2)
        for r in group.itertuples(index=False):
            if not r.criterion:
                console.print(f"    (no code proposed) {r.reason}", markup=False)
                continue
            sign = "+" if r.polarity == "positive" else "-"
            probability = "  n/a" if r.probability != r.probability else f"{r.probability:5.2f}"
            hanging(console, f"    {sign} {r.criterion:<16} p {probability}  {r.reason}", 6)


def _print_evaluation(console, result) -> None:
    from rich.table import Table

    from ..outputs.render import hanging

    hanging(
        console,
        f"The learned coder on {result.reviewed} reviewed sentences, {result.folds}-fold "
        "cross-validated (each fold's sentences hidden, learned from the rest), coding "
        f"where at least {result.threshold:.2f} sure:",
    )
    table = Table(box=None, pad_edge=False)
    for column in ("criterion", "reference", "rules P", "R", "F1", "learned P", "R ", "F1 "):
        table.add_column(column, justify="left" if column == "criterion" else "right")
    for r in result.scores.itertuples(index=False):
        table.add_row(
            str(r.criterion),
            str(r.reference),
            *(
                "n/a" if v != v else f"{v:.2f}"
                for v in (
                    r.rules_precision,
                    r.rules_recall,
                    r.rules_f1,
                    r.learned_precision,
                    r.learned_recall,
                    r.learned_f1,
                )
            ),
        )
    console.print(table)
    curve = Table(box=None, pad_edge=False, title="Learning curve", title_justify="left")
    for column in ("learned from", "rules F1", "learned F1"):
        curve.add_column(column, justify="right")
    for r in result.curve.itertuples(index=False):
        curve.add_row(
            str(r.trained_on),
            *("n/a" if v != v else f"{v:.2f}" for v in (r.rules_f1, r.learned_f1)),
        )
    console.print(curve)
