"""Benchmark: how close ``ektp-qual code`` runs to the speed of bare spaCy tokenisation.

A synthetic corpus is built by resampling the sentences of the embedded sample, so the
figures describe realistic text at a size (a million words) that the sample cannot reach.
The floor and the pipeline each run in a fresh subprocess, so that both start cold in the
same way, imports are left out of both timings, and the pipeline's peak memory is its own.

    python benchmarks/bench_pipeline.py --quick
    python benchmarks/bench_pipeline.py --words 1000000 --json results.json

This is a report, not a test: it exits 0 even when a goal is missed, unless ``--strict``.
See benchmarks/README.md.
"""

import argparse
import importlib
import itertools
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

DEFAULT_WORDS = 1_000_000
QUICK_WORDS = 100_000
# Transcript length in words (all turns), drawn uniformly for each synthetic transcript.
TRANSCRIPT_WORDS = (600, 1500)
LINE_WIDTH = 100
HELP_RUNS = 5
CODE_RUNS = 3

GOAL_RATIO = 1.5  # pipeline time / floor time, at most
GOAL_PEAK_BYTES = 1_000_000_000  # 1 GB, peak RSS of the pipeline, below
GOAL_HELP_SECONDS = 0.5
GOAL_CODE_SECONDS = 3.0
# What the pipeline's time is made of, in order (reported, no goal).
PIPELINE_STEPS = (
    "read transcripts and codebook",
    "code and reduce",
    "display and conclude",
    "write the tables",
)

# A sentence ends at . ! ? or an ellipsis, possibly followed by a closing quote or bracket.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"”’)])\s+")
# What the transcript reader takes for a speaker label at the start of a line.
_LABEL_LIKE = re.compile(r"[^\s:]+:(?=\s|$)")


# -- the synthetic corpus --------------------------------------------------------------


@dataclass
class CorpusStats:
    """What was generated: the words measured are the informant words."""

    transcripts: int
    informant_turns: int
    informant_words: int
    total_words: int
    seed: int


def _words(text: str) -> int:
    return len(text.split())


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def _wrap(text: str, first: str) -> list[str]:
    """Lines of at most ``LINE_WIDTH``, like the sample's, but never one that would be
    read as a new speaker turn (a continuation line starting with ``word:``)."""
    lines = textwrap.wrap(first + text, LINE_WIDTH, break_long_words=False, break_on_hyphens=False)
    kept = lines[:1]
    for line in lines[1:]:
        if _LABEL_LIKE.match(line):
            kept[-1] += " " + line
        else:
            kept.append(line)
    return kept


def _front_matter(informant: str, role: str, attributes: dict[str, object]) -> list[str]:
    """YAML front matter; strings are JSON-quoted, which YAML reads back unchanged."""
    lines = ["---", f"informant: {informant}", f"role: {json.dumps(role)}"]
    for key, value in attributes.items():
        plain = isinstance(value, int | float) and not isinstance(value, bool)
        lines.append(f"{key}: {value if plain else json.dumps(str(value))}")
    return [*lines, "---"]


def build_corpus(folder: Path, words: int, seed: int, distinct: bool = False) -> CorpusStats:
    """Write transcripts until their informant turns hold ``words`` words.

    Each transcript copies the turn structure, role, case attributes and interviewer turns
    of a randomly chosen sample transcript (so guide questions still drive structural
    coding); each informant turn is refilled with sentences drawn from every informant
    turn of the sample, in proportion to the original turn's length.

    ``distinct``: every informant sentence gets a made-up word of its own before its
    final mark, so that no sentence is said twice, as in a real corpus, and neither
    spaCy's cache nor the coder's memory of sentences read helps.
    """
    import ektp_qual

    sample = ektp_qual.read_corpus(ektp_qual.sample_transcripts()).transcripts
    pool = [
        (s, _words(s))
        for t in sample
        for turn in t.turns
        if not turn.is_interviewer
        for s in _sentences(turn.text)
    ]
    rng = random.Random(seed)
    serial = itertools.count()
    folder.mkdir(parents=True, exist_ok=True)
    stats = CorpusStats(0, 0, 0, 0, seed)
    low, high = TRANSCRIPT_WORDS
    while stats.informant_words < words:
        template = rng.choice(sample)
        asked = sum(_words(turn.text) for turn in template.turns if turn.is_interviewer)
        said = sum(_words(turn.text) for turn in template.turns if not turn.is_interviewer)
        budget = rng.randint(low, high) - asked
        remaining = words - stats.informant_words
        if remaining < budget + (low - asked):  # no room for another full transcript
            budget = remaining
        informant = f"S{stats.transcripts + 1:05d}"
        # The sample's names are personal data in the front matter, not attributes: not copied.
        lines = _front_matter(informant, template.role, template.attributes)
        for turn in template.turns:
            if turn.is_interviewer:
                lines.append(f"P: {turn.text}")
                stats.total_words += _words(turn.text)
                continue
            target = max(1, round(_words(turn.text) * budget / said))
            chosen: list[str] = []
            filled = 0
            while filled < target:
                sentence, n = rng.choice(pool)
                if distinct:
                    mark = len(sentence) - len(sentence.rstrip(".!?"))
                    cut = len(sentence) - mark
                    sentence = f"{sentence[:cut]} zq{next(serial)}{sentence[cut:]}"
                chosen.append(sentence)
                filled += n
            lines += _wrap(" ".join(chosen), f"{informant}: ")
            stats.informant_turns += 1
            stats.informant_words += filled
            stats.total_words += filled
        (folder / f"{informant}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        stats.transcripts += 1
    return stats


# -- the measured work, each in its own subprocess -----------------------------------


def _peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS: bytes; Linux: KiB


# Imported by both children before their timings start, so that neither pays for them.
PRELOADED = (
    "pandas",
    "spacy",
    "spacy.lang.id",
    "spacy.matcher",
    "Sastrawi.Stemmer.StemmerFactory",
    "ektp_qual.outputs.export",
    "ektp_qual.pipeline",
)


def _import_everything() -> None:
    """The same imports in both children, so that they start from the same state."""
    for name in PRELOADED:
        importlib.import_module(name)


def child_floor(corpus: Path) -> dict[str, object]:
    """Bare tokenisation of the informant turns: the least any spaCy pipeline must do."""
    _import_everything()
    import spacy

    import ektp_qual

    texts = [
        turn.text
        for t in ektp_qual.read_corpus(corpus).transcripts
        for turn in t.turns
        if not turn.is_interviewer
    ]
    start = time.perf_counter()
    nlp = spacy.blank("id")
    setup = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    tokens = 0
    for doc in nlp.pipe(texts):
        tokens += len(doc)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "setup_seconds": setup,
        "texts": len(texts),
        "words": sum(_words(t) for t in texts),
        "tokens": tokens,
        "peak_rss_bytes": _peak_rss_bytes(),
    }


def child_pipeline(corpus: Path, out: Path, jobs: int = 1, fmt: str = "csv") -> dict[str, object]:
    """The whole ``code`` pipeline from files on disk to tables on disk (CSV, or Parquet
    with ``fmt``), coding in ``jobs`` processes.

    The steps are the public calls ``analyse`` makes, timed one by one.
    """
    _import_everything()
    import ektp_qual
    from ektp_qual.outputs.export import export_files, write_files

    if fmt == "parquet":
        importlib.import_module("pyarrow.parquet")
    codebook = ektp_qual.sample_codebook()
    marks, cpu = [time.perf_counter()], [_cpu_seconds()]
    transcripts, book, _ = ektp_qual.load(corpus, codebook)
    marks.append(time.perf_counter())
    cpu.append(_cpu_seconds())
    reduction = ektp_qual.reduce(transcripts, book, jobs=jobs)
    marks.append(time.perf_counter())
    cpu.append(_cpu_seconds())
    result = ektp_qual.Analysis(
        reduction, ektp_qual.display(reduction), ektp_qual.conclude(reduction)
    )
    tables = result.tables()
    marks.append(time.perf_counter())
    cpu.append(_cpu_seconds())
    if fmt == "csv":
        ektp_qual.write_tables(tables, out)
    else:
        write_files(export_files(result, [fmt]), out)
    marks.append(time.perf_counter())
    cpu.append(_cpu_seconds())
    steps = dict(zip(PIPELINE_STEPS, (b - a for a, b in pairwise(marks)), strict=True))
    steps_cpu = {
        step: [b[0] - a[0], b[1] - a[1]]
        for step, (a, b) in zip(PIPELINE_STEPS, pairwise(cpu), strict=True)
    }
    return {
        "seconds": marks[-1] - marks[0],
        "steps": steps,
        "steps_cpu": steps_cpu,
        "cpu_seconds": sum(a + b for a, b in steps_cpu.values()),
        "transcripts": len(result.corpus.transcripts),
        "segments": len(result.reduction.segments),
        "codings": len(result.reduction.codings),
        "tables": len(tables),
        "csv_bytes": sum(path.stat().st_size for path in out.glob(f"*.{fmt}")),
        "peak_rss_bytes": _peak_rss_bytes(),
    }


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds of this process and of its ended children (the coding workers): on a
    shared machine the clock also counts the time other work held the cores."""
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system


def run_child(
    kind: str, corpus: Path, out: Path, jobs: int = 1, fmt: str = "csv"
) -> dict[str, object]:
    """Run one measurement in a fresh interpreter; its last stdout line is the result."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    command += ["--corpus", str(corpus), "--out", str(out), "--jobs", str(jobs)]
    command += ["--format", fmt]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"the {kind} subprocess failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def best_of(runs: int, measure: Callable[[int], dict[str, object]]) -> dict[str, object]:
    """The fastest of ``runs`` measurements, with the highest peak memory of them all."""
    results = [measure(i) for i in range(runs)]
    best = dict(min(results, key=lambda r: r["seconds"]))
    best["peak_rss_bytes"] = max(r["peak_rss_bytes"] for r in results)
    best["runs"] = runs
    return best


# -- the command line as a user meets it -------------------------------------------------


def _console_script() -> str | None:
    """The ``ektp-qual`` installed next to this interpreter, else the one on PATH."""
    here = shutil.which("ektp-qual", path=str(Path(sys.executable).parent))
    return here or shutil.which("ektp-qual")


def wall_time(commands: list[list[str]], cwd: Path) -> float:
    """Best wall time over the commands (one per run); a failing run is an error."""
    best = float("inf")
    for command in commands:
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
        best = min(best, elapsed)
    return best


# -- the report ----------------------------------------------------------------------


@dataclass
class Row:
    """One line of the report; ``met`` is None for figures that have no goal."""

    measure: str
    value: float
    unit: str
    goal: str = ""
    met: bool | None = None


def _format(value: float, unit: str) -> str:
    if unit == "":
        return f"{value:,.0f}"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value:,.0f} {unit}"


def report_rows(
    corpus: CorpusStats, floor: dict, pipeline: dict, help_s: float, code_s: float
) -> list[Row]:
    words = corpus.informant_words
    ratio = pipeline["seconds"] / floor["seconds"]
    peak = pipeline["peak_rss_bytes"]
    return [
        Row("transcripts", corpus.transcripts, ""),
        Row("informant words (measured)", words, ""),
        Row("all words incl. interviewer", corpus.total_words, ""),
        Row("floor setup: spacy.blank('id')", floor["setup_seconds"], "s"),
        Row("floor: tokenisation", floor["seconds"], "s"),
        Row("  the same in CPU time", floor["cpu_seconds"], "s"),
        Row("floor speed", words / floor["seconds"], "words/s"),
        Row("pipeline: analyse + write_tables", pipeline["seconds"], "s"),
        *(Row(f"  {step}", pipeline["steps"][step], "s") for step in PIPELINE_STEPS),
        Row("  CSV written", pipeline["csv_bytes"] / 1e6, "MB"),
        Row("pipeline speed", words / pipeline["seconds"], "words/s"),
        Row("pipeline / floor", ratio, "x", f"<= {GOAL_RATIO}x", ratio <= GOAL_RATIO),
        Row(
            "pipeline peak memory (max RSS)",
            peak / 1e6,
            "MB",
            f"< {GOAL_PEAK_BYTES / 1e6:,.0f} MB",
            peak < GOAL_PEAK_BYTES,
        ),
        Row(
            f"ektp-qual --help (best of {HELP_RUNS})",
            help_s,
            "s",
            f"< {GOAL_HELP_SECONDS} s",
            help_s < GOAL_HELP_SECONDS,
        ),
        Row(
            f"ektp-qual code, sample (best of {CODE_RUNS})",
            code_s,
            "s",
            f"< {GOAL_CODE_SECONDS} s",
            code_s < GOAL_CODE_SECONDS,
        ),
    ]


def scaled_rows(floor: dict, pipeline: dict, scaled: dict) -> list[Row]:
    """The goals of the issue on scale: coding on one core, and the pipeline on two
    cores with Parquet, as ratios to the single-core floor."""
    step = "code and reduce"
    one, two = pipeline["steps"][step], scaled["steps"][step]
    coding = one / floor["seconds"]
    whole = scaled["seconds"] / floor["seconds"]
    parent, workers = scaled["steps_cpu"][step]
    return [
        Row("code and reduce, one core / floor", coding, "x", "<= 2.0x", coding <= 2.0),
        Row("  the same in CPU time", sum(pipeline["steps_cpu"][step]), "s"),
        Row(
            "  CPU time / floor CPU time",
            sum(pipeline["steps_cpu"][step]) / floor["cpu_seconds"],
            "x",
        ),
        Row("pipeline, --jobs 2 + Parquet", scaled["seconds"], "s"),
        Row("  CPU time, this process + workers", scaled["cpu_seconds"], "s"),
        Row("  code and reduce, --jobs 2", two, "s"),
        Row("  the same in CPU time, this process", parent, "s"),
        Row("  the same in CPU time, the workers", workers, "s"),
        Row("  write Parquet tables", scaled["steps"][PIPELINE_STEPS[-1]], "s"),
        Row("  Parquet written", scaled["csv_bytes"] / 1e6, "MB"),
        Row("pipeline --jobs 2 + Parquet / floor", whole, "x", "<= 2.0x", whole <= 2.0),
        Row("code and reduce, --jobs 1 / --jobs 2", one / two, "x", ">= 1.7x", one / two >= 1.7),
        Row("peak memory, --jobs 2 (parent)", scaled["peak_rss_bytes"] / 1e6, "MB"),
    ]


def print_report(rows: list[Row]) -> None:
    table = [("measure", "value", "goal", "met")]
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "NO")
        table.append((row.measure, _format(row.value, row.unit), row.goal, met))
    widths = [max(len(line[i]) for line in table) for i in range(4)]
    for n, line in enumerate(table):
        cells = [line[0].ljust(widths[0]), line[1].rjust(widths[1])]
        cells += [line[2].ljust(widths[2]), line[3]]
        print("  ".join(cells).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def _environment() -> dict[str, object]:
    import spacy

    import ektp_qual

    return {
        "ektp_qual": ektp_qual.__version__,
        "spacy": spacy.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


# -- entry point ---------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--words",
        type=int,
        default=DEFAULT_WORDS,
        help=f"informant words in the synthetic corpus (default {DEFAULT_WORDS:,})",
    )
    size.add_argument(
        "--quick", action="store_true", help=f"a {QUICK_WORDS:,}-word corpus, for a quick check"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the resampling (default 0)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run floor and pipeline this many times each and keep the fastest (default 1)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a goal is missed"
    )
    parser.add_argument("--child", choices=("floor", "pipeline"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--format", default="csv", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.words = QUICK_WORDS
    if args.words < 1 or args.repeat < 1:
        parser.error("--words and --repeat must be positive")
    return args


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child == "floor":
        print(json.dumps(child_floor(args.corpus)))
        return 0
    if args.child == "pipeline":
        print(json.dumps(child_pipeline(args.corpus, args.out, args.jobs, args.format)))
        return 0

    work = Path(tempfile.mkdtemp(prefix="ektp-qual-bench-"))
    try:
        corpus_dir = work / "corpus"
        _log(f"building a {args.words:,}-word corpus (seed {args.seed}) in {corpus_dir}")
        corpus = build_corpus(corpus_dir, args.words, args.seed)
        _log("measuring the floor (bare tokenisation) in a subprocess")
        floor = best_of(args.repeat, lambda i: run_child("floor", corpus_dir, work))
        if (floor["texts"], floor["words"]) != (corpus.informant_turns, corpus.informant_words):
            raise RuntimeError("the transcripts read back differ from those written")
        _log("measuring the pipeline (analyse + write_tables) in a subprocess")
        pipeline = best_of(
            args.repeat, lambda i: run_child("pipeline", corpus_dir, work / f"tables-{i}")
        )
        _log("measuring the pipeline with --jobs 2 and Parquet tables in a subprocess")
        scaled = best_of(
            args.repeat,
            lambda i: run_child("pipeline", corpus_dir, work / f"parquet-{i}", 2, "parquet"),
        )
        script = _console_script()
        if script is None:
            raise RuntimeError("the ektp-qual console script is not installed")
        _log(f"timing {script} --help and code on the sample")
        help_s = wall_time([[script, "--help"]] * HELP_RUNS, work)
        code_s = wall_time(
            [
                [script, "code", "--quiet", "--out", str(work / f"cli-{i}")]
                for i in range(CODE_RUNS)
            ],
            work,
        )
    except RuntimeError as error:
        _log(f"error: {error}")
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = report_rows(corpus, floor, pipeline, help_s, code_s) + scaled_rows(
        floor, pipeline, scaled
    )
    all_met = all(row.met for row in rows if row.met is not None)
    print_report(rows)
    print(f"\nall goals met: {'yes' if all_met else 'no'}")
    if args.json is not None:
        figures = {
            "environment": _environment(),
            "corpus": asdict(corpus),
            "floor": floor,
            "pipeline": pipeline,
            "pipeline_jobs2_parquet": scaled,
            "cli": {"help_seconds": help_s, "code_sample_seconds": code_s},
            "report": [asdict(row) for row in rows],
            "all_goals_met": all_met,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 1 if args.strict and not all_met else 0


if __name__ == "__main__":
    sys.exit(main())
