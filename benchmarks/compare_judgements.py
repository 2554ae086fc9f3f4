"""Which English judgements to give codebooks by default: a curated list or VADER's lexicon?

Codes answers to interviewer questions, written for this comparison (service talk, with
everyday words a general sentiment lexicon scores: "like", "help", "please", "yes",
"free", "hope"), with a codebook written from theory (basic keys, no ``evaluative``
list), three ways: with no default judgements, with ektp-qual's curated list
(``language.evaluative``), and with the words of VADER's lexicon whose mean valence is
at least ``--valence`` either way. Prints precision and recall over (answer,
criterion, polarity) against the codes written beside each answer.

    pip install vaderSentiment      # MIT; only this comparison needs it
    python benchmarks/compare_judgements.py

The examples are this script's own, never a validation study's. See docs/codebook.md,
"Default judgements".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ektp_qual import code_corpus, parse_codebook, parse_transcript  # noqa: E402
from ektp_qual.inputs.transcripts import corpus_from  # noqa: E402
from ektp_qual.language import evaluative  # noqa: E402
from tests.test_context import JUDGE, JUDGEMENTS, LIBRARY  # noqa: E402

W, S, F = "waiting", "staff", "fees"
# (question, answer, codes): every answer coded by hand before the coder ran.
MORE = [
    (
        "How long did you wait to be served?",
        "I like to come early, so not long.",
        {(W, P := "positive")},
    ),
    ("How did the staff treat you?", "Yes, please, I'd like a cup of tea.", set()),
    ("How did the staff treat you?", "They were very helpful.", {(S, P)}),
    ("How did the staff treat you?", "I help my mum with her books, she likes it.", set()),
    ("Were there any fees or fines to pay?", "It was free, thank God.", {(F, P)}),
    (
        "Were there any fees or fines to pay?",
        "Honestly it's a joke, two pounds a day.",
        {(F, N := "negative")},
    ),
    ("How long did you wait to be served?", "Forever. I nearly left.", {(W, N)}),
    ("How long did you wait to be served?", "Well, I hope it gets better.", set()),
    ("How did the staff treat you?", "Friendly enough, no complaints.", {(S, P)}),
    ("How did the staff treat you?", "Fine, I suppose, they want you in and out.", {(S, P)}),
    ("Were there any fees or fines to pay?", "I paid the fine, fair enough, I was late.", set()),
    ("And the queue, how was it?", "Slow. Really slow.", {(W, N)}),
    ("Did you find what you were looking for?", "I love crime novels, and they have loads.", set()),
    ("How long did you wait to be served?", "Ten minutes, which is reasonable, I'd say.", {(W, P)}),
    (
        "How did the staff treat you?",
        "The young lad was rude, the lady was kind.",
        {(S, N), (S, P)},
    ),
]


def vader_words(valence: float) -> dict[str, tuple[str, ...]]:
    """VADER's single words whose mean valence is at least ``valence``, by polarity."""
    from importlib.resources import files

    lines = files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8")
    lists: dict[str, list[str]] = {"positive": [], "negative": []}
    for line in lines.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].isalpha():
            continue
        mean = float(parts[1])
        if abs(mean) >= valence:
            lists["positive" if mean > 0 else "negative"].append(parts[0])
    return {k: tuple(v) for k, v in lists.items()}


def score(lists: dict[str, tuple[str, ...]]) -> tuple[float, float, int]:
    """Precision, recall and codings of the examples with ``lists`` as English defaults."""
    saved = evaluative.EVALUATIVE_DEFAULTS["en"]
    evaluative.EVALUATIVE_DEFAULTS["en"] = lists
    try:
        book = parse_codebook(LIBRARY + JUDGE)
    finally:
        evaluative.EVALUATIVE_DEFAULTS["en"] = saved
    cases = [(q, a, e) for text, q, a, e in JUDGEMENTS if text == LIBRARY] + MORE
    turns = []
    for question, reply, _ in cases:
        turns += [f"Interviewer: {question}", f"P01: {reply}"]
    text = "---\ninformant: P01\nrole: borrower\n---\n" + "\n".join(turns) + "\n"
    result = code_corpus(corpus_from([parse_transcript(text, "P01.txt")]), book)
    turn = result.segments.set_index("segment_id")["turn"]
    coded = result.codings
    found = set(
        zip(coded["segment_id"].map(turn), coded["criterion"], coded["polarity"], strict=True)
    )
    wanted = {(n, c, p) for n, (_, _, codes) in enumerate(cases, 1) for c, p in codes}
    hits = len(found & wanted)
    return hits / max(len(found), 1), hits / max(len(wanted), 1), len(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--valence", type=float, default=1.5)
    args = parser.parse_args()
    vader = vader_words(args.valence)
    rows = [
        ("none", {"positive": (), "negative": ()}),
        ("curated (ektp-qual)", evaluative.EVALUATIVE_DEFAULTS["en"]),
        (f"VADER, |valence| >= {args.valence:g}", vader),
    ]
    print(f"{'default judgements':32} {'words':>6} {'codings':>8} {'precision':>10} {'recall':>7}")
    for name, lists in rows:
        precision, recall, n = score(lists)
        size = sum(len(v) for v in lists.values())
        print(f"{name:32} {size:>6} {n:>8} {precision:>10.2f} {recall:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
