"""Benchmark: is a decision in the browser workbench quick next to a whole analysis?

On the embedded sample, the baseline is ``ektp_qual.analyse()`` (code, reduce, display,
conclude), measured in the same run; then a workbench is opened on an empty review file
in a temporary folder and ``--decisions`` undecided codings are accepted one by one, each
through ``Workbench.decide`` (the review file written under its lock, then the verdicts,
queue and matrix the page shows recomputed). The report gives the median decision's
time divided by the baseline's. The goal keeps a decision well under a whole
analysis: the workbench must not code the corpus again for each click.

    python benchmarks/bench_workbench.py
    python benchmarks/bench_workbench.py --decisions 20 --strict

This is a report, not a test: it exits 0 even when the goal is missed, unless
``--strict``. See benchmarks/README.md.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

GOAL_RATIO = 0.3  # median decision / one whole analysis of the sample, at most


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=10, help="decisions to time")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args()

    import ektp_qual
    from ektp_qual.workbench.study import Workbench

    ektp_qual.analyse()  # loads spaCy and the stemmer, which neither timing should include
    started = time.perf_counter()
    ektp_qual.analyse()
    baseline = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        workbench = Workbench(None, None, Path(tmp) / "review.csv", coder="bench")
        queue = workbench.state()["queue"][: args.decisions]
        times = []
        for item in queue:
            request = {key: item[key] for key in ("segment_id", "criterion", "polarity")}
            started = time.perf_counter()
            workbench.decide({**request, "action": "accept", "coder": "bench"})
            times.append(time.perf_counter() - started)
    median = statistics.median(times)
    ratio = median / baseline
    print(f"baseline: analyse() of the sample     {baseline:6.3f} s")
    print(f"decision: median of {len(times):3d}              {median:6.3f} s")
    print(f"ratio decision / baseline              {ratio:6.2f}  (goal <= {GOAL_RATIO})")
    met = ratio <= GOAL_RATIO
    print("goal met" if met else "goal MISSED")
    return 0 if met or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
