"""Benchmark: what ``--verify`` adds to ``ektp-qual conclude`` on the embedded sample.

In one process, after the imports, each repetition times what ``conclude`` does (read the
sample and the codebook, code and reduce, draw the conclusions: ``load``, ``reduce``,
``conclude``) and then ``verify`` on that reduction, with the default settings (or those
given). The baseline is measured in the same run, so the report gives what verification
adds in seconds and as a ratio to the baseline, whatever the machine's speed.

    python benchmarks/bench_verify.py                       # default settings, best of 3
    python benchmarks/bench_verify.py --bootstrap 5000 --ablation 100 --repeat 5

This is a report, not a test: it exits 0 even when the goal is missed, unless
``--strict``. See benchmarks/README.md.
"""

import argparse
import sys
import time

GOAL_SECONDS = 5.0  # what --verify adds to conclude on the sample, at most


def measure(repeat: int, settings) -> tuple[float, float]:
    """The fastest conclude and the fastest verification, in seconds."""
    from ektp_qual.pipeline import conclude, load, reduce, verify

    best_conclude = best_verify = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        corpus, book, findings = load()
        reduction = reduce(corpus, book)
        conclude(reduction, findings)
        middle = time.perf_counter()
        verify(reduction, settings)
        end = time.perf_counter()
        best_conclude = min(best_conclude, middle - start)
        best_verify = min(best_verify, end - middle)
    return best_conclude, best_verify


def main(argv: list[str] | None = None) -> int:
    from ektp_qual.model.results import VerificationSettings

    defaults = VerificationSettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--bootstrap", type=int, default=defaults.bootstrap)
    parser.add_argument("--ablation", type=int, default=defaults.ablation)
    parser.add_argument("--drop", type=float, default=defaults.drop)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args(argv)
    settings = VerificationSettings(args.seed, args.bootstrap, args.ablation, args.drop)
    print("measuring conclude and verify on the sample ...", file=sys.stderr)
    base, added = measure(args.repeat, settings)
    met = added <= GOAL_SECONDS
    print(
        f"settings: seed {settings.seed}, {settings.bootstrap} resamples, "
        f"{settings.ablation} runs dropping {settings.drop:.0%} of the phrases; "
        f"best of {args.repeat}"
    )
    print(f"conclude (load, reduce, conclude):  {base:6.2f} s")
    print(f"verify added:                      {added:6.2f} s")
    print(f"conclude --verify / conclude:      {(base + added) / base:6.2f}x")
    print(f"goal: verify adds at most {GOAL_SECONDS:g} s: {'met' if met else 'MISSED'}")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
