"""How the learned coder's settings were chosen: cross-validated on the embedded sample.

The reference is the hand review of three sample interviews in ``examples/agreement/``
(ana's and budi's, each taken alone): every sentence of those interviews counts as
decided, each coder's codes as the truth. For each setting, ``coding.learned.evaluate``
hides a fifth of those sentences at a time, trains on the rest (with the codebook's
examples and the rules' codings of every other sentence), codes the hidden ones as
``code --learn`` would, and reports precision, recall and F1 over all codes, beside the
rules alone. The validation studies in ``validation/`` are never used here: they measure,
they do not train.

    python benchmarks/tune_learned.py                 # both coders, the whole grid
    python benchmarks/tune_learned.py --coder ana
    python benchmarks/tune_learned.py --themes        # the chosen setting, themes or not
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import pandas as pd

import ektp_qual
from ektp_qual.coding import learned, meaning
from ektp_qual.coding.coder import Coder
from ektp_qual.inputs.review_file import apply_review, read_review

ROOT = Path(__file__).resolve().parents[1]
GRID = {
    "class_weight": [None, "balanced"],
    "rule_weight": [0.1, 0.3, 1.0],
    "C": [1.0, 4.0, 16.0],
    "threshold": [0.4, 0.5, 0.7],
}
#: The setting chosen on this grid, to weigh the themes (``coding.meaning``) in.
CHOSEN = {"class_weight": ["balanced"], "rule_weight": [0.1], "C": [4.0], "threshold": [0.4]}


def reference(coder: str):
    """The sample's rule codings, the coder's review applied, and every sentence of the
    interviews they reviewed marked as decided."""
    corpus, book, _ = ektp_qual.load()
    result = Coder(book).code(corpus)
    review = read_review(ROOT / "examples" / "agreement" / f"review-{coder}.csv")
    decisions = review.decisions()
    outcome = apply_review(result.codings, result.segments, review, book)
    informants = {s.split("-")[0] for s in decisions["segment_id"]}
    seen = result.segments[result.segments["informant"].isin(informants)]
    # A sentence they read and left uncoded is decided too: "nothing here".
    marks = pd.DataFrame({"segment_id": seen["segment_id"]})
    return result, outcome.codings, pd.concat([decisions, marks], ignore_index=True), book


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coder", choices=["ana", "budi"], action="append")
    parser.add_argument(
        "--themes", action="store_true", help="the chosen setting with and without themes"
    )
    args = parser.parse_args()
    grid = {**CHOSEN, "themes": [0.0, meaning.THEME_WEIGHT]} if args.themes else GRID
    rows = []
    for coder in args.coder or ["ana", "budi"]:
        result, codings, decisions, book = reference(coder)
        for cw, rw, c, th, *themes in itertools.product(*grid.values()):
            learned.CLASS_WEIGHT, learned.RULE_WEIGHT, learned.REGULARISATION = cw, rw, c
            meaning.THEME_WEIGHT = themes[0] if themes else meaning.THEME_WEIGHT
            began = time.perf_counter()
            scores = (
                learned.evaluate(
                    result.segments,
                    result.codings,
                    codings,
                    decisions,
                    book,
                    threshold=th,
                    curve_points=1,
                )
                .scores.set_index("criterion")
                .loc["overall"]
            )
            rows.append(
                {
                    "coder": coder,
                    "class_weight": cw or "none",
                    "rule_weight": rw,
                    "C": c,
                    "threshold": th,
                    **({"themes": themes[0]} if themes else {}),
                    "rules_f1": scores["rules_f1"],
                    "precision": scores["learned_precision"],
                    "recall": scores["learned_recall"],
                    "f1": scores["learned_f1"],
                    "seconds": round(time.perf_counter() - began, 1),
                }
            )
            print(pd.DataFrame(rows[-1:]).to_string(index=False, header=len(rows) == 1))
    table = pd.DataFrame(rows)
    keys = ["class_weight", "rule_weight", "C", "threshold", *(["themes"] if args.themes else [])]
    mean = table.groupby(keys)["f1"].mean()
    print("\nBest settings by mean F1 over the coders:")
    print(mean.sort_values(ascending=False).head(8).to_string())


if __name__ == "__main__":
    main()
