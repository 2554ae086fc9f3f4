"""Benchmark: a survey of open answers by the hundred thousand and the million, coded on
one and on two cores, against bare spaCy tokenisation of the same answers.

The survey is synthetic: respondents answer the sample's guide questions with sentences
resampled from the 19 sample interviews, with a role and a case attribute. Each
measurement runs in a fresh subprocess (imports left out of its time), so its peak
memory is its own; the floor is measured in the same run, and every time is reported
as a ratio to it.

    python benchmarks/bench_survey.py --sizes 100000 1000000
    python benchmarks/bench_survey.py --sizes 20000 --json results.json

This is a report, not a test: it exits 0 even when a goal is missed, unless ``--strict``.
See benchmarks/README.md.
"""

import argparse
import csv
import importlib
import itertools
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_SIZES = (100_000, 1_000_000)
QUESTIONS_PER_RESPONDENT = 5
CODING_ANSWERS = 50_000  # answers coded in the coding-step measurement

GOAL_SECONDS_1M = 120  # 1 M answers end to end with --jobs 2
GOAL_PEAK_BYTES = 1_500_000_000
GOAL_FLAT = 1.2  # peak memory at the largest size / at the smallest, at most
GOAL_JOBS_SPEEDUP = 1.7  # coding throughput with 2 workers / with 1, at least
GOAL_DASK = 1.3  # dask with two local workers / --jobs 2, at most

PRELOADED = (
    "pandas",
    "spacy",
    "spacy.lang.id",
    "spacy.matcher",
    "Sastrawi.Stemmer.StemmerFactory",
    "ektp_qual.pipeline",
    "ektp_qual.coding.parallel",
)


def _peak_rss_bytes(who: int = resource.RUSAGE_SELF) -> int:
    peak = resource.getrusage(who).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _made_distinct(answer: str, serial: itertools.count) -> str:
    """Every sentence of ``answer`` with a made-up word of its own (``zq17``) before its
    final mark: no sentence is said twice, as in a real survey."""
    sentences = []
    for sentence in _SENTENCE_END.split(answer):
        cut = len(sentence.rstrip(".!?"))
        sentences.append(f"{sentence[:cut]} zq{next(serial)}{sentence[cut:]}")
    return " ".join(sentences)


def build_survey(path: Path, answers: int, seed: int, distinct: bool = False) -> dict[str, int]:
    """``answers`` rows: respondent, question, answer, role, kelurahan. ``distinct``:
    every sentence made distinct (``_made_distinct``)."""
    import ektp_qual

    corpus = ektp_qual.load()[0]
    sentences = [
        " ".join(turn.text.split())
        for t in corpus.transcripts
        for turn in t.turns
        if not turn.is_interviewer
    ]
    book = ektp_qual.read_codebook(ektp_qual.sample_codebook())
    questions = [q for c in book.criteria for q in c.questions][:QUESTIONS_PER_RESPONDENT]
    pick = random.Random(seed)
    serial = itertools.count()
    words = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "pertanyaan", "jawaban", "kelompok", "kelurahan"])
        for i in range(answers):
            respondent = i // len(questions)
            answer = pick.choice(sentences)
            if distinct:
                answer = _made_distinct(answer, serial)
            words += len(answer.split())
            role = "petugas" if respondent % 10 == 0 else "masyarakat"
            row = [f"R{respondent}", questions[i % len(questions)], answer, role]
            writer.writerow([*row, f"K{respondent % 11}"])
    return {"answers": answers, "respondents": -(-answers // len(questions)), "words": words}


COLUMNS = {
    "informant": "id",
    "answer": "jawaban",
    "question": "pertanyaan",
    "role": "kelompok",
    "attributes": ["kelurahan"],
}


def _preload() -> None:
    for name in PRELOADED:
        importlib.import_module(name)


def child_floor(survey: Path, out: Path, jobs: int) -> dict[str, object]:
    """Bare tokenisation of every answer: the least any spaCy-based coder must do."""
    _preload()
    import spacy

    with survey.open(encoding="utf-8", newline="") as handle:
        texts = [row["jawaban"] for row in csv.DictReader(handle)]
    nlp = spacy.blank("id")
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts))
    return {"seconds": time.perf_counter() - start, "tokens": tokens}


def child_survey(
    survey: Path, out: Path, jobs: int, formats: str, engine: str = "local"
) -> dict[str, object]:
    """``code --stream`` on the survey, end to end: read, code, reduce, write (with the
    dask engine, the local cluster's start is in the time)."""
    _preload()
    import ektp_qual

    if engine == "dask":
        importlib.import_module("distributed")
    start = time.perf_counter()
    result = ektp_qual.analyse_survey(
        survey, out=out, jobs=jobs, formats=tuple(formats.split(",")), engine=engine, **COLUMNS
    )
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "respondents": int(result.reduction.summary.set_index("role").loc["all", "transcripts"]),
        "written_bytes": sum(p.stat().st_size for p in out.iterdir() if p.is_file()),
        "peak_rss_bytes": _peak_rss_bytes(),
        "worker_peak_rss_bytes": _peak_rss_bytes(resource.RUSAGE_CHILDREN),
    }


def child_coding(survey: Path, out: Path, jobs: int) -> dict[str, object]:
    """The coding step alone on the first answers, workers' start-up included."""
    _preload()
    import ektp_qual
    from ektp_qual.coding.parallel import CodingPool, informant_words
    from ektp_qual.inputs.survey_stream import survey_chunks

    corpus = next(iter(survey_chunks(survey, answers=CODING_ANSWERS, **COLUMNS)))
    book = ektp_qual.read_codebook(ektp_qual.sample_codebook())
    before = os.times()
    start = time.perf_counter()
    with CodingPool(book, jobs) as pool:
        started = time.perf_counter()
        pool.code(corpus)
    seconds = time.perf_counter() - start
    after = os.times()
    return {
        "seconds": seconds,
        "start_seconds": started - start,
        "words": informant_words(corpus),
        "cpu_seconds": after.user - before.user + after.system - before.system,
        "workers_cpu_seconds": after.children_user
        - before.children_user
        + after.children_system
        - before.children_system,
    }


def child_startup(survey: Path, out: Path, jobs: int) -> dict[str, object]:
    """What a pool of workers costs before it codes anything worth coding."""
    _preload()
    import ektp_qual
    from ektp_qual.coding.parallel import CodingPool
    from ektp_qual.inputs.survey_stream import survey_chunks

    corpus = next(iter(survey_chunks(survey, answers=10 * jobs, **COLUMNS)))
    book = ektp_qual.read_codebook(ektp_qual.sample_codebook())
    start = time.perf_counter()
    with CodingPool(book, jobs) as pool:
        pool.code(corpus)
    return {"seconds": time.perf_counter() - start}


#: The end-to-end runs at each size: name, --jobs, --engine.
RUNS = (("jobs1", 1, "local"), ("jobs2", 2, "local"), ("dask2", 2, "dask"))

CHILDREN = {
    "floor": child_floor,
    "survey": child_survey,
    "coding": child_coding,
    "startup": child_startup,
}


def run_child(
    kind: str, survey: Path, out: Path, jobs: int = 1, formats: str = "csv", engine: str = "local"
) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    command += ["--survey", str(survey), "--out", str(out), "--jobs", str(jobs)]
    command += ["--formats", formats, "--engine", engine]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"the {kind} subprocess failed ({done.returncode}):\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    _log(f"    {json.dumps(figures)}")  # each figure as it comes: a long run cut short keeps them
    return figures


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _mb(value: float) -> str:
    return f"{value / 1e6:,.0f} MB"


def measure(sizes: list[int], seed: int, formats: str) -> dict[str, object]:
    results: dict[str, object] = {"sizes": {}}
    with tempfile.TemporaryDirectory(prefix="ektp-bench-survey-") as tmp:
        folder = Path(tmp)
        for n, size in enumerate(sizes):
            survey = folder / f"survey-{size}.csv"
            _log(f"building a survey of {size:,} answers")
            stats = build_survey(survey, size, seed)
            row: dict[str, object] = {**stats, "csv_bytes": survey.stat().st_size}
            _log("  floor")
            row["floor"] = run_child("floor", survey, folder / "none")
            for name, jobs, engine in RUNS:
                _log(f"  code --stream --jobs {jobs} --engine {engine}")
                out = folder / f"out-{size}-{name}"
                row[name] = run_child("survey", survey, out, jobs, formats, engine)
                for p in out.iterdir():
                    p.unlink()
            results["sizes"][size] = row
            if n == 0:  # before the largest size: a long run cut short keeps these
                _measure_coding(results, folder, survey, seed)
    return results


def _measure_coding(results: dict[str, object], folder: Path, smallest: Path, seed: int) -> None:
    distinct = folder / "survey-distinct.csv"
    build_survey(distinct, CODING_ANSWERS, seed, distinct=True)
    for jobs in (1, 2):
        _log(f"coding step, {CODING_ANSWERS:,} distinct answers, {jobs} process(es)")
        results[f"coding{jobs}"] = run_child("coding", distinct, folder / "none", jobs)
        _log(f"coding step, {CODING_ANSWERS:,} resampled answers, {jobs} process(es)")
        results[f"resampled{jobs}"] = run_child("coding", smallest, folder / "none", jobs)
    _log("start-up of two workers")
    results["startup1"] = run_child("startup", smallest, folder / "none", 1)
    results["startup2"] = run_child("startup", smallest, folder / "none", 2)


def report(results: dict[str, object]) -> list[tuple[str, bool]]:
    goals: list[tuple[str, bool]] = []
    sizes = results["sizes"]
    print(
        f"{'answers':>10} {'words':>11} {'floor':>8} {'jobs 1':>16} {'jobs 2':>16} "
        f"{'peak (parent + largest worker), jobs 2':>40}"
    )
    for size, row in sizes.items():
        floor = row["floor"]["seconds"]
        one, two = row["jobs1"], row["jobs2"]
        peak = two["peak_rss_bytes"] + two["worker_peak_rss_bytes"]
        print(
            f"{size:>10,} {row['words']:>11,} {floor:>7.1f}s "
            f"{one['seconds']:>7.1f}s ({one['seconds'] / floor:>4.1f}x) "
            f"{two['seconds']:>7.1f}s ({two['seconds'] / floor:>4.1f}x) "
            f"{_mb(two['peak_rss_bytes']):>12} + {_mb(two['worker_peak_rss_bytes'])}"
        )
        dask = row["dask2"]
        print(
            f"{'':>10} jobs 1 peak {_mb(one['peak_rss_bytes'])}; written "
            f"{_mb(two['written_bytes'])}; dask, 2 workers: {dask['seconds']:.1f} s "
            f"({dask['seconds'] / floor:.1f}x floor, {dask['seconds'] / two['seconds']:.2f}x "
            "--jobs 2)"
        )
        within = dask["seconds"] <= GOAL_DASK * two["seconds"]
        goals.append((f"dask within {GOAL_DASK}x of --jobs 2 at {size:,}", within))
        if size >= 1_000_000:
            goals.append(
                (
                    f"1 M answers with --jobs 2 under {GOAL_SECONDS_1M} s",
                    two["seconds"] < GOAL_SECONDS_1M,
                )
            )
        goals.append((f"peak under {_mb(GOAL_PEAK_BYTES)} at {size:,}", peak < GOAL_PEAK_BYTES))
    if len(sizes) > 1:
        rows = list(sizes.values())

        def peak_of(row):
            return row["jobs2"]["peak_rss_bytes"] + row["jobs2"]["worker_peak_rss_bytes"]

        flat = peak_of(rows[-1]) / peak_of(rows[0])
        print(f"peak memory, largest size / smallest: {flat:.2f}x")
        goals.append((f"peak memory flat (within {GOAL_FLAT}x)", flat <= GOAL_FLAT))
    for kind in ("resampled", "coding"):
        one, two = results[f"{kind}1"], results[f"{kind}2"]
        speedup = one["seconds"] / two["seconds"]
        work = two["cpu_seconds"] + two["workers_cpu_seconds"]
        print(
            f"coding step, {one['words']:,} words "
            f"({'distinct' if kind == 'coding' else 'resampled'} answers): 1 process "
            f"{one['seconds']:.1f} s ({one['words'] / one['seconds']:,.0f} words/s, "
            f"CPU {one['cpu_seconds']:.1f} s), 2 workers {two['seconds']:.1f} s (of which "
            f"start-up {two['start_seconds']:.2f} s; CPU {work:.1f} s in all): {speedup:.2f}x; "
            f"with a free core each: {2 * one['cpu_seconds'] / work:.2f}x"
        )
    goals.append(
        (f"--jobs 2 at least {GOAL_JOBS_SPEEDUP}x --jobs 1 coding", speedup >= GOAL_JOBS_SPEEDUP)
    )
    start = results["startup2"]["seconds"] - results["startup1"]["seconds"]
    print(f"start-up of two workers over one process, on a few answers: {start:.2f} s")
    for goal, met in goals:
        print(f"  {'met    ' if met else 'NOT met'}  {goal}")
    return goals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default="csv", help="csv, parquet or csv,parquet")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--child", choices=tuple(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--survey", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child = CHILDREN[args.child]
        extra = {"formats": args.formats, "engine": args.engine} if args.child == "survey" else {}
        print(json.dumps(child(args.survey, args.out, args.jobs, **extra)))
        return 0
    results = measure(sorted(args.sizes), args.seed, args.formats)
    goals = report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return 1 if args.strict and not all(met for _, met in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
