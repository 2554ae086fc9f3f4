"""What every command shares: the helpers that turn a library call into one line of
output or one error and an exit status (the options are in ``options``)."""

from __future__ import annotations

import functools
import inspect
from pathlib import Path

import typer

from .options import EXIT_CHECK_FAILED, EXIT_INPUT_ERROR, app


def _verification(verify: bool, seed: int, bootstrap: int, ablation: int, drop: float):
    """The verification settings the options ask for, checked before any work; None
    without --verify."""
    from ..model.results import VerificationSettings

    if not verify:
        return None
    if not 0 < drop < 1:
        _fail(ValueError(f"--drop: a share above 0 and below 1, not {drop:g}"))
    return VerificationSettings(seed=seed, bootstrap=bootstrap, ablation=ablation, drop=drop)


def _fail(error: Exception) -> None:
    from ..outputs.terminal import SafeConsole

    SafeConsole(stderr=True, highlight=False).print(f"error: {error}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_INPUT_ERROR)


def _run(step, *args, **kwargs):
    """Call a library step; bad input ends the run with one message and status 2."""
    from ..model.errors import InputError

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
    from ..outputs import render
    from ..outputs.export import check_writable, recover

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
    from ..outputs.export import csv_bytes

    files = {f"{name}.csv": csv_bytes(table, safe=safe) for name, table in tables.items()}
    _write_files(files, out, console, command)


def _safe_csv(value: str) -> bool:
    """Whether --csv asks for spreadsheet-safe CSV (the default) or raw text."""
    return _choices([value], ("safe", "raw"), "--csv") != ["raw"]


def _write_files(files: dict[str, bytes], out: Path, console, command: str) -> None:
    """Write one run of ``command``, replacing what its previous run wrote there."""
    from ..outputs.export import write_run

    try:
        run = _run(write_run, files, out, command)
    except OSError as error:
        _fail(OSError(f"{out}: cannot write the files: {error.strerror or error}"))
    from ..outputs.render import hanging, plural, where

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
        from ..outputs import render

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
    from ..outputs.export import EXPORT_FORMATS

    chosen = _choices(values, tuple(EXPORT_FORMATS), "--format", "format")
    if "parquet" in chosen:
        from ..outputs.parquet import SCALE_EXTRA, pyarrow_installed

        if not pyarrow_installed():
            _fail(
                ValueError(f"--format parquet needs pyarrow, which is not installed: {SCALE_EXTRA}")
            )
    return chosen


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
    verify=None,
    learn: bool = False,
    learn_threshold: float | None = None,
    jobs: int | None = None,
):
    """Check the output folder, then run the whole analysis and print its input warnings.

    ``verify``: the verification settings, when verification was asked for."""
    from ..model.results import TABLES, VERIFICATION_TABLES
    from ..outputs import render
    from ..outputs.export import export_names
    from ..pipeline import analyse

    names = TABLES + (VERIFICATION_TABLES if verify is not None else ())
    tables = _tables_to_write(names, transcripts, codebook, findings)
    _check_folder(out, [*export_names(tables, formats), *(files or [])], command)
    result = _run(
        analyse,
        transcripts,
        codebook,
        findings,
        review=_review_file(review, no_review),
        personal_data=personal,
        verify=verify if verify is not None else False,
        **_learning(learn, learn_threshold),
        jobs=jobs,
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
    from ..outputs import render
    from ..outputs.export import export_files

    if {"qdpx", "qdc"} & set(formats):
        from ..model import Notice
        from ..refi.exporter import export_losses

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


def command(*names: str, under: typer.Typer = app, **settings):
    """Register a command (``app.command``) whose ``--transcripts`` and ``--survey``, when
    it has both, are resolved here once for all commands: the transcripts as given, or the
    survey they name read as a corpus (left to the stream with ``--stream``)."""
    register = under.command(*names, **settings)

    def decorate(function):
        if not {"transcripts", "survey"} <= inspect.signature(function).parameters.keys():
            return register(function)

        @functools.wraps(function)
        def resolved(**options):
            if not options.get("stream"):
                options["transcripts"] = _corpus(options["transcripts"], options["survey"])
            return function(**options)

        return register(resolved)

    return decorate


def _corpus(transcripts: Path | None, survey: list[str] | None):
    """The transcripts option as given, or the survey (CSV or Parquet) it names read as a
    corpus."""
    if not survey:
        if transcripts is not None and transcripts.suffix.lower() in (".csv", ".parquet"):
            _fail(
                ValueError(
                    f"{transcripts}: a CSV of survey answers needs --survey options naming its "
                    "columns, for example --survey informant=id --survey answer=jawaban"
                )
            )
        return transcripts
    from ..inputs.survey_stream import read_survey_file

    columns = _survey_columns(transcripts, survey)
    if transcripts.suffix.lower() == ".parquet":
        _pyarrow_for(transcripts)
    return _run(read_survey_file, transcripts, **columns)


def _pyarrow_for(path: Path) -> None:
    """A Parquet survey without pyarrow: one line saying what to install."""
    from ..outputs.parquet import SCALE_EXTRA, pyarrow_installed

    if not pyarrow_installed():
        _fail(ValueError(f"{path}: a Parquet survey needs pyarrow: {SCALE_EXTRA}"))


def _survey_columns(transcripts: Path | None, survey: list[str]) -> dict[str, object]:
    """The --survey options as ``read_survey``'s keyword arguments, checked."""
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
    return options


def _stream_survey(
    out: Path,
    transcripts,
    survey,
    codebook,
    findings,
    personal,
    jobs,
    safe,
    formats,
    engine: str = "local",
    scheduler: str | None = None,
):
    """A survey coded chunk by chunk, its tables written into ``out`` as it goes."""
    from ..outputs import render
    from ..pipeline import analyse_survey

    if not survey:
        _fail(ValueError("--stream reads a survey: give --transcripts ANSWERS.csv and --survey"))
    columns = _survey_columns(transcripts, survey)
    if transcripts.suffix.lower() == ".parquet":
        _pyarrow_for(transcripts)
    engine = _choices([engine], ("local", "dask"), "--engine")[0]
    if scheduler is not None and engine != "dask":
        _fail(ValueError("--scheduler needs --engine dask"))
    if engine == "dask":
        from ..coding.cluster import SCALE_EXTRA, dask_installed

        if not dask_installed():
            _fail(ValueError(f"--engine dask needs dask.distributed: {SCALE_EXTRA}"))
    _check_folder(out, [], "code")
    try:
        result = _run(
            analyse_survey,
            transcripts,
            codebook,
            findings,
            out=out,
            personal_data=personal,
            jobs=jobs,
            safe_csv=safe,
            formats=tuple(formats),
            engine=engine,
            scheduler=scheduler,
            command="code",
            **columns,
        )
    except OSError as error:
        _fail(OSError(f"{out}: cannot write the files: {error.strerror or error}"))
    render.notices(render.make_console(stderr=True), result.reduction.notices)
    return result


def _review_file(review: Path | None, no_review: bool) -> Path | None:
    """The review file to apply: the one given, else review.csv here if there is one."""
    from ..inputs.review_file import DEFAULT_REVIEW_FILE

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


def _offsets(value: str) -> str:
    """The --offsets value, checked before any work."""
    from ..refi.qdaxml import OFFSETS

    chosen = value.strip().lower().replace("-", "")
    if chosen not in OFFSETS:
        _fail(ValueError(f"--offsets: use {' or '.join(OFFSETS)}, not {value!r}"))
    return chosen


def _reduce_for(
    transcripts,
    codebook,
    review,
    no_review,
    personal: bool = False,
    learn: bool = False,
    learn_threshold: float | None = None,
    jobs: int | None = None,
):
    """Data reduction with the review file applied, as the looking commands need it."""
    from ..pipeline import data_reduction as reduce_step

    return _run(
        reduce_step,
        transcripts,
        codebook,
        review=_review_file(review, no_review),
        personal_data=personal,
        **_learning(learn, learn_threshold),
        jobs=jobs,
    )


def _learning(learn: bool, threshold: float | None) -> dict[str, object]:
    """The pipeline's learning arguments; a threshold without --learn is a mistake."""
    if threshold is not None and not learn:
        _fail(ValueError("--learn-threshold needs --learn"))
    if not learn:
        return {}
    return {"learn": True} if threshold is None else {"learn": True, "learn_threshold": threshold}


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


def _notice(source: str, message: str):
    from ..model import Notice

    return Notice(source, None, message)
