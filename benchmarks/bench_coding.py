"""Benchmark: the coding step alone, per word and against the tokenisation floor.

Two goals of the coder's speed are measured here, on the synthetic corpus of
``bench_pipeline.py``, in CPU time (``time.process_time``, so that other work on a shared
machine counts less), each figure the best of ``--repeat`` runs taken in turn with the
floor's:

* coding time per word, against another version of ektp-qual (``--against REV``, a git
  revision, run from a copy of its ``src/`` in the same way, right after this one);
* coding and reduction (``reduce``: building the coder, coding, reducing) within
  ``GOAL_REDUCE_RATIO`` times the single-core tokenisation floor.

    python benchmarks/bench_coding.py --words 300000
    python benchmarks/bench_coding.py --against 10ee830

A report, not a test: it exits 0 even when a goal is missed, unless ``--strict``.
See benchmarks/README.md.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOAL_REDUCE_RATIO = 2.0  # coding and reduction / floor, at most
GOAL_PER_WORD = 1.10  # coding time per word / the other version's, at most


def child(corpus: Path, repeat: int) -> dict[str, float]:
    """Floor, coder, coding and reduction of the corpus, best of ``repeat`` rounds.

    Only calls every version has (``load``, ``Coder``, ``reduce``, ``sample_codebook``).
    ``reduce`` codes in this process (``jobs=1``) where a version has worker processes,
    whose CPU time ``time.process_time`` would not count.
    """
    import inspect

    import spacy

    import ektp_qual

    one_core = {"jobs": 1} if "jobs" in inspect.signature(ektp_qual.reduce).parameters else {}

    transcripts, book, _ = ektp_qual.load(corpus, ektp_qual.sample_codebook())
    texts = [t.text for s in transcripts.transcripts for t in s.turns if not t.is_interviewer]
    best: dict[str, float] = {}

    def keep(name: str, start: float) -> None:
        best[name] = min(best.get(name, float("inf")), time.process_time() - start)

    for _ in range(repeat):
        nlp = spacy.blank("id")
        start = time.process_time()
        for _doc in nlp.pipe(texts):
            pass
        keep("floor", start)
        start = time.process_time()
        coder = ektp_qual.Coder(book)
        keep("build", start)
        start = time.process_time()
        coder.code(transcripts)
        keep("code", start)
        start = time.process_time()
        ektp_qual.reduce(transcripts, book, **one_core)
        keep("code and reduce", start)
    best["words"] = sum(len(t.split()) for t in texts)
    return best


def run(corpus: Path, repeat: int, src: Path | None) -> dict[str, float]:
    """``child`` in a fresh interpreter, importing ektp-qual from ``src`` when given."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(corpus)]
    command += ["--repeat", str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the coding subprocess failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def checkout(revision: str, folder: Path) -> Path:
    """The ``src/`` of another revision of this repository, copied into ``folder`` with
    the rest of its tree (its sample codebook and transcripts)."""
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", revision],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise RuntimeError(f"git archive {revision} failed:\n{archive.stderr.decode()}")
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder / "src"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="informant words")
    parser.add_argument("--seed", type=int, default=0, help="seed of the resampling")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best is kept")
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="make every sentence distinct (a made-up word in each), as in a real corpus",
    )
    parser.add_argument("--against", help="a git revision to compare coding per word with")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child(args.child, args.repeat)))
        return 0
    sys.path.insert(0, str(HERE))
    from bench_pipeline import build_corpus

    with tempfile.TemporaryDirectory(prefix="ektp-qual-coding-") as work:
        corpus = Path(work) / "corpus"
        build_corpus(corpus, args.words, args.seed, args.distinct)
        try:
            this = run(corpus, args.repeat, None)
            other = None
            if args.against:
                other = run(corpus, args.repeat, checkout(args.against, Path(work)))
        except (RuntimeError, subprocess.CalledProcessError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    words = this["words"]
    ratio = this["code and reduce"] / this["floor"]
    met = [ratio <= GOAL_REDUCE_RATIO]
    print(f"informant words                    {words:>12,}")
    for name in ("floor", "build", "code", "code and reduce"):
        print(f"{name + ' (CPU s)':<35}{this[name]:>12.3f}")
    print(f"coding per word (us)               {this['code'] / words * 1e6:>12.2f}")
    print(f"code and reduce / floor            {ratio:>11.2f}x  goal <= {GOAL_REDUCE_RATIO}x")
    if other is not None:
        per_word = this["code"] / other["code"]
        met.append(per_word <= GOAL_PER_WORD)
        print(f"{args.against}: floor, code (CPU s) {other['floor']:>10.3f} {other['code']:>8.3f}")
        print(f"coding per word / {args.against:<16}{per_word:>11.2f}x  goal <= {GOAL_PER_WORD}x")
    print(f"\nall goals met: {'yes' if all(met) else 'no'}")
    return 1 if args.strict and not all(met) else 0


if __name__ == "__main__":
    sys.exit(main())
