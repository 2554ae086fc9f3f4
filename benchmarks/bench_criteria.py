"""Benchmark: do display and conclusion drawing scale linearly with the criteria?

A codebook of many criteria (one phrase each) and a small corpus whose informants each
mention a share of them are written to a temporary folder and reduced once per size;
then ``display`` and ``conclude`` (the public steps) are timed. The smallest size is the
baseline measured in the same run: each larger size reports its time per criterion
against the baseline's, which stays near 1 when the steps are linear in the criteria and
grows with the size when they are quadratic (a reindex or a filter per criterion).

    python benchmarks/bench_criteria.py                  # 250, 1,000 and 2,000 criteria
    python benchmarks/bench_criteria.py --sizes 100 400 1600 --repeat 3

This is a report, not a test: it exits 0 even when the goal is missed, unless
``--strict``. See benchmarks/README.md.
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_SIZES = (250, 1000, 2000)
INFORMANTS = 20
GOAL_RATIO = 2.0  # time per criterion at the largest size / at the baseline, at most


def write_study(folder: Path, criteria: int, seed: int) -> tuple[Path, Path]:
    """A codebook of ``criteria`` criteria and a corpus that mentions a fifth of them."""
    lines = ["codebook: many", "title: Many criteria", "language: id", "criteria:"]
    for k in range(criteria):
        lines += [
            f"  - id: c{k}",
            f"    label: Criterion {k}",
            f"    positive: [baikk{k}]",
            f"    negative: [burukk{k}]",
        ]
    codebook = folder / "codebook.yaml"
    codebook.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = folder / "corpus"
    corpus.mkdir()
    rng = random.Random(seed)
    for n in range(INFORMANTS):
        role = "petugas" if n % 4 == 0 else "masyarakat"
        said = rng.sample(range(criteria), max(1, criteria // 5))
        sentences = [f"Menurut saya {rng.choice(['baikk', 'burukk'])}{k} sekali." for k in said]
        body = "\n".join(f"I{n}: {sentence}" for sentence in sentences)
        text = f"---\ninformant: I{n}\nrole: {role}\n---\nP: Bagaimana?\n{body}\n"
        (corpus / f"i{n}.txt").write_text(text, encoding="utf-8")
    return corpus, codebook


def measure(criteria: int, seed: int, repeat: int) -> float:
    """The fastest time of display + conclude, in seconds, after one reduction."""
    from ektp_qual.pipeline import conclude, display, reduce

    with tempfile.TemporaryDirectory() as tmp:
        corpus, codebook = write_study(Path(tmp), criteria, seed)
        reduction = reduce(corpus, codebook)
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            display(reduction)
            conclude(reduction)
            best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes))
    times = {}
    for size in sizes:
        print(f"measuring {size} criteria ...", file=sys.stderr)
        times[size] = measure(size, args.seed, args.repeat)
    base = sizes[0]
    per_base = times[base] / base
    print(f"{'criteria':>9} {'display+conclude':>17} {'ms/criterion':>13} {'vs baseline':>12}")
    for size in sizes:
        ratio = (times[size] / size) / per_base
        per_criterion = 1000 * times[size] / size
        print(f"{size:>9,} {times[size]:>16.2f}s {per_criterion:>13.2f} {ratio:>11.2f}x")
    worst = (times[sizes[-1]] / sizes[-1]) / per_base
    met = worst <= GOAL_RATIO
    print(
        f"time per criterion at {sizes[-1]:,} criteria / at {base:,} (baseline, same run): "
        f"{worst:.2f} (goal <= {GOAL_RATIO}: {'met' if met else 'missed'})"
    )
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
