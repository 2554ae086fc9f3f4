"""Simulation: how fast does the coding reach an independent coder's, in three review orders?

A scripted researcher reviews a study 25 sentences at a time, deciding each as the
study's blind human coder did (``<study>/gold.csv`` in ``validation/`` or ``tuning/`` is
the oracle): every
proposed code is accepted if the oracle has it and rejected if not, and every code the
oracle has that nobody proposed is added; a sentence the oracle has no code for is
decided "nothing here" (``none``). After each round the study is coded with the
decisions so far, and the coding is compared with the oracle over all sentences:
Krippendorff's alpha (sentence x criterion; positive, negative, mixed or absent, as
``ektp-qual agree`` computes it) and how many verdicts (each criterion's and the
overall one) are the oracle's.

Three orders are compared:

* ``corpus``: the next sentences in corpus order, as ``review --uncoded`` walks them, and
  ``code`` without learning (the tool before the learned coder);
* ``suggest``: the sentences ``suggest -n 25`` proposes, then ``code`` without ``--learn``;
* ``suggest+learn``: the same queue, then ``code --learn``.

The oracle's codings are used only as the scripted researcher's decisions: the learned
coder sees a sentence's gold codes only once the researcher has decided that sentence,
exactly as with a real researcher. This is measurement, not tuning: nothing in ektp-qual
was chosen by running this script.

The calls are the ones the commands make (``ektp_qual.suggest``, ``ektp_qual.analyse``
with ``review`` and ``learn``), with one shortcut: the rules' coding of a study, which no
review decision changes, is computed once per study instead of once per call.

    python benchmarks/simulate_review.py                       # the three studies, to 40 %
    python benchmarks/simulate_review.py --studies puskesmas-servqual --until 0.3
    python benchmarks/simulate_review.py --json simulation.json
    python benchmarks/simulate_review.py --tuning --until 0.3  # the four tuning studies

The default studies are the validation studies (the README's figures); a study named
with ``--studies`` is looked up in ``validation/`` and then ``tuning/``, and ``--tuning``
runs every study of ``tuning/``, the ones to tune on.

A report, not a test: it exits 0 whether the goals are met or not.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pandas as pd

import ektp_qual
from ektp_qual import pipeline
from ektp_qual.analysis import agreement as stats
from ektp_qual.analysis.conclusion import overall_verdict
from ektp_qual.analysis.conclusion import verdicts as verdicts_of
from ektp_qual.analysis.reduction import stances as stances_of
from ektp_qual.coding import parallel
from ektp_qual.coding.coder import Coder
from ektp_qual.inputs.review_file import ReviewFile
from ektp_qual.loop.intercoder import Coding, reliability_table
from ektp_qual.model import Corpus

ROOT = Path(__file__).resolve().parents[1]
VALIDATION = ROOT / "validation"
TUNING_ROOT = ROOT / "tuning"
STUDIES = (
    "puskesmas-servqual",
    "housing-repairs-gronroos",
    "paspor-gronroos",
    "gp-surgery-servqual",
    "sample-gronroos",
)
#: The sample's hand coding with its codebook cut to a few phrases and examples per code:
#: a codebook that finds little, as one written from theory does, to tune the query on
#: (never one of the validation studies' own).
CUT = "sample-gronroos-cut"
CUT_PHRASES, CUT_EXAMPLES = 4, 2
#: The sample's hand coding with the codebook a researcher would write from theory before
#: any interview (a tuning fixture of the tests, never one of the validation studies').
THEORY = "sample-gronroos-theory"
THEORY_CODEBOOK = ROOT / "tests" / "data" / "gronroos-theory-first.yaml"
TUNING = (CUT, THEORY)
ORDERS = ("corpus", "suggest", "suggest+learn")
BATCH = 25
GOAL_ALPHA, GOAL_ALPHA_SHARE = 0.80, 0.25
GOAL_VERDICT_SHARE = 0.15


class _OnceCoder:
    """``Coder`` with each corpus coded once: the rules do not depend on the review."""

    _done: ClassVar[dict[tuple[int, str], tuple[object, object]]] = {}

    def __init__(self, book) -> None:
        self.book = book

    def code(self, corpus):
        # The corpus is kept with its coding, so that its id is never another's.
        key = (id(corpus), self.book.sha256)
        if key not in self._done:
            self._done[key] = (corpus, Coder(self.book).code(corpus))
        return self._done[key][1]


def cut(book):
    """The codebook with ``CUT_PHRASES`` phrases per criterion and polarity and
    ``CUT_EXAMPLES`` examples of each kind (positive, negative, none) per criterion."""

    def few(examples):
        counted: dict[str, int] = {}
        kept = []
        for example in examples:
            counted[example.expected] = counted.get(example.expected, 0) + 1
            if counted[example.expected] <= CUT_EXAMPLES:
                kept.append(example)
        return tuple(kept)

    criteria = tuple(
        replace(
            c,
            positive=c.positive[:CUT_PHRASES],
            negative=c.negative[:CUT_PHRASES],
            examples=few(c.examples),
        )
        for c in book.criteria
    )
    return replace(book, criteria=criteria, sha256=f"cut{CUT_PHRASES}-{book.sha256}")


def tuning_studies() -> list[str]:
    """The studies of ``tuning/``, the ones made to tune on, by name."""
    return sorted(p.parent.name for p in TUNING_ROOT.glob("*/gold.csv"))


def folder(name: str) -> Path:
    """Where a study lives: ``validation/`` first, else ``tuning/``."""
    for root in (VALIDATION, TUNING_ROOT):
        if (root / name / "gold.csv").exists():
            return root / name
    raise SystemExit(f"no study {name!r} in {VALIDATION} or {TUNING_ROOT}")


def study(name: str):
    """The study's corpus, codebook and the oracle's codes."""
    if name == CUT:
        corpus, book, truth = study("sample-gronroos")
        return corpus, cut(book), truth
    if name == THEORY:
        corpus, _, truth = study("sample-gronroos")
        return corpus, ektp_qual.load(corpus, THEORY_CODEBOOK)[1], truth
    where = folder(name)
    gold = pd.read_csv(where / "gold.csv")
    if (where / "codebook.yaml").exists():
        corpus, book, _ = ektp_qual.load(where / "transcripts", where / "codebook.yaml")
    else:  # hand coding of part of the embedded sample
        corpus, book, _ = ektp_qual.load(
            ektp_qual.sample_transcripts(), ektp_qual.sample_codebook()
        )
        coded = {sid.split("-")[0] for sid in pd.read_csv(where / "sentences.csv")["segment_id"]}
        corpus = Corpus([t for t in corpus.transcripts if t.informant in coded], corpus.root)
    truth = set(zip(gold["segment_id"], gold["criterion"], gold["polarity"], strict=True))
    return corpus, book, truth


def oracle_verdicts(truth, reduction) -> pd.Series:
    book = reduction.codebook
    table = pd.DataFrame(sorted(truth), columns=["segment_id", "criterion", "polarity"])
    place = reduction.segments.set_index("segment_id")[["informant", "role"]]
    table = table.join(place, on="segment_id")
    stances = stances_of(table, reduction.corpus, book)
    concluded = verdicts_of(stances, book)
    found = concluded.set_index("criterion")["verdict"]
    found["overall"] = overall_verdict(concluded, book)["verdict"].iloc[0]
    return found


def measure(result, truth, expected: pd.Series) -> dict[str, object]:
    """Alpha against the oracle over every sentence, and the verdicts it gets right."""
    reduction = result.reduction
    everyone = frozenset(reduction.corpus.informants)
    oracle = pd.DataFrame(sorted(truth), columns=["segment_id", "criterion", "polarity"])
    values = reliability_table(
        [
            Coding("final", reduction.codings[["segment_id", "criterion", "polarity"]], everyone),
            Coding("oracle", oracle, everyone),
        ],
        reduction.segments,
        reduction.codebook,
    )
    found = result.conclusion.conclusions.set_index("criterion")["verdict"]
    found["overall"] = result.conclusion.overall["verdict"].iloc[0]
    right = found.reindex(expected.index) == expected
    return {
        "alpha": round(stats.krippendorff_alpha(values), 3),
        "verdicts_right": int(right.drop("overall").sum()),
        "criteria": len(right) - 1,
        "overall_right": bool(right["overall"]),
    }


def decide(sid: str, proposed: set[tuple[str, str]], truth) -> list[dict[str, str]]:
    """The oracle's decisions on one sentence: accept, reject, add; "nothing here" (one
    ``none`` row) when the oracle has no code for it."""
    gold = {(c, p) for s, c, p in truth if s == sid}
    if not gold:
        nothing = {"criterion": "", "polarity": "", "decision": "none", "coder": "oracle"}
        return [{"segment_id": sid, **nothing}]
    return [
        {"segment_id": sid, "criterion": c, "polarity": p, "decision": d, "coder": "oracle"}
        for (c, p), d in [
            *(((cp, "accept") if cp in gold else (cp, "reject")) for cp in sorted(proposed)),
            *((cp, "add") for cp in sorted(gold - proposed)),
        ]
    ]


def simulate(name: str, order: str, until: float, batch: int, log) -> list[dict[str, object]]:
    corpus, book, truth = study(name)
    learn = order == "suggest+learn"
    review = ReviewFile()
    reviewed: set[str] = set()
    first = pipeline.analyse(corpus, book)
    segments = first.reduction.segments
    total = len(segments)
    expected = oracle_verdicts(truth, first.reduction)
    automatic = first.reduction.automatic
    rows = []
    began = time.perf_counter()
    while True:
        result = (
            pipeline.analyse(corpus, book, review=review, learn=learn)
            if reviewed
            else (pipeline.analyse(corpus, book, learn=learn))
        )
        share = len(reviewed) / total
        rows.append(
            {
                "study": name,
                "order": order,
                "reviewed": len(reviewed),
                "share": round(share, 3),
                **measure(result, truth, expected),
            }
        )
        log(
            f"{name:26} {order:14} {share:6.1%}  alpha {rows[-1]['alpha']:.3f}  "
            f"verdicts {rows[-1]['verdicts_right']}/{rows[-1]['criteria']}"
            f"{' +overall' if rows[-1]['overall_right'] else ''}  "
            f"({time.perf_counter() - began:.0f} s)"
        )
        if share >= until or len(reviewed) == total:
            break
        decisions = []
        if order == "corpus":
            picked = [s for s in segments["segment_id"] if s not in reviewed][:batch]
            for sid in picked:
                proposed = {
                    (c, p)
                    for s, c, p in zip(
                        automatic["segment_id"],
                        automatic["criterion"],
                        automatic["polarity"],
                        strict=True,
                    )
                    if s == sid
                }
                decisions += decide(sid, proposed, truth)
        else:
            table = ektp_qual.suggest(corpus, book, review=review, count=batch)
            picked = list(dict.fromkeys(table["segment_id"]))
            for sid, group in table.groupby("segment_id", sort=False):
                proposed = {
                    (c, p) for c, p in zip(group["criterion"], group["polarity"], strict=True) if c
                }
                decisions += decide(sid, proposed, truth)
        reviewed.update(picked)
        review = review.with_decisions(decisions)
    return rows


def at_most(table: pd.DataFrame, share: float) -> pd.Series:
    """The last round with at most ``share`` of the sentences reviewed."""
    return table[table["share"] <= share + 1e-9].iloc[-1]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--studies",
        nargs="+",
        default=list(STUDIES),
        choices=[*STUDIES, *TUNING, *tuning_studies()],
    )
    parser.add_argument(
        "--tuning", action="store_true", help="run the studies of tuning/ (not --studies)"
    )
    parser.add_argument("--orders", nargs="+", default=list(ORDERS), choices=ORDERS)
    parser.add_argument("--until", type=float, default=0.4, help="share reviewed to stop at")
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.add_argument("--json", type=Path, help="also write every round as JSON here")
    args = parser.parse_args()
    parallel.Coder = _OnceCoder  # the rules' coding, once per study (code_with_jobs)
    rows = []
    for name in tuning_studies() if args.tuning else args.studies:
        for order in args.orders:
            rows += simulate(
                name, order, args.until, args.batch, lambda m: print(m, file=sys.stderr)
            )
    table = pd.DataFrame(rows)
    print("\nAlpha against the oracle by share of sentences reviewed (every round):\n")
    for name, by_study in table.groupby("study", sort=False):
        wide = by_study.pivot_table(index="reviewed", columns="order", values="alpha")
        shares = by_study.drop_duplicates("reviewed").set_index("reviewed")["share"]
        wide["share"] = shares.reindex(wide.index)
        print(f"{name}\n{wide[['share', *args.orders]].to_string(float_format='%.3f')}\n")
    print("Goals: alpha >= 0.80 by 25 % reviewed; every verdict right by 15 % reviewed\n")
    goals = []
    for (name, order), group in table.groupby(["study", "order"], sort=False):
        by25, by15 = at_most(group, GOAL_ALPHA_SHARE), at_most(group, GOAL_VERDICT_SHARE)
        goals.append(
            {
                "study": name,
                "order": order,
                "alpha at <=25%": by25["alpha"],
                "share": by25["share"],
                "alpha goal": "met" if by25["alpha"] >= GOAL_ALPHA else "not met",
                "verdicts at <=15%": f"{by15['verdicts_right']}/{by15['criteria']}"
                + (" +overall" if by15["overall_right"] else " overall wrong"),
                "verdict goal": "met"
                if by15["verdicts_right"] == by15["criteria"] and by15["overall_right"]
                else "not met",
            }
        )
    print(pd.DataFrame(goals).to_string(index=False))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
