"""A codebook you can test: run each criterion's examples through the coder.

A codebook's phrases are rules, and rules drift as they grow. Each criterion may list
``examples``: sentences it must code positive, negative, or not at all. Each example is
coded on its own, as an informant's answer to its ``question`` (or to no question), with
the same coder ``ektp-qual code`` uses; what the example codes for its criterion is
``positive`` or ``negative`` when all its codings for that criterion agree, ``mixed``
when they do not, and ``none`` without any. An example passes when that equals what it
expects.
"""

from __future__ import annotations

import pandas as pd

from ..coding.coder import Coder
from ..model import Codebook, Corpus, Example, Transcript, Turn

#: One row per example: what it expects, what it coded, and which rules fired.
EXAMPLE_RESULT_COLUMNS = [
    "criterion",
    "expected",
    "got",
    "passed",
    "text",
    "question",
    "line",  # line of the example in the codebook file
    "fired",  # every coding of the example: "criterion polarity from 'phrase' (rule)"
    "changed",  # phrases the words around them changed: "criterion polarity 'phrase': why 'word'"
]


def check_examples(codebook: Codebook) -> pd.DataFrame:
    """Code every example of the codebook and report what each coded."""
    cases = [(c.id, example) for c in codebook.criteria for example in c.examples]
    if not cases:
        return pd.DataFrame(columns=EXAMPLE_RESULT_COLUMNS)
    role = codebook.decision.roles[0] if codebook.decision.roles else "informant"
    corpus = Corpus([_transcript(f"example-{n}", role, ex) for n, (_, ex) in enumerate(cases)])
    result = Coder(codebook).code(corpus)
    codings = result.codings
    by_informant = dict(tuple(codings.groupby("informant", sort=False)))
    changes = result.changes.assign(
        informant=result.changes["segment_id"].str.rsplit("-", n=1).str[0]
    )
    changed_in = dict(tuple(changes.groupby("informant", sort=False)))
    rows = []
    for n, (criterion, example) in enumerate(cases):
        found = by_informant.get(f"example-{n}", codings.iloc[0:0])
        own = found[found["criterion"] == criterion]
        polarities = set(own["polarity"])
        got = polarities.pop() if len(polarities) == 1 else ("mixed" if polarities else "none")
        ordered = pd.concat([own, found[found["criterion"] != criterion]])
        fired = "; ".join(
            dict.fromkeys(
                f"{row.criterion} {row.polarity} from {row.phrase!r} ({row.rule})"
                for row in ordered.itertuples()
            )
        )
        changed = "; ".join(
            f"{row.criterion} {row.polarity} {row.phrase!r}: {row.change} {row.word!r}"
            for row in changed_in.get(f"example-{n}", changes.iloc[0:0]).itertuples()
        )
        rows.append(
            (
                criterion,
                example.expected,
                got,
                got == example.expected,
                example.text,
                example.question,
                example.line,
                fired,
                changed,
            )
        )
    return pd.DataFrame(rows, columns=EXAMPLE_RESULT_COLUMNS)


def _transcript(informant: str, role: str, example: Example) -> Transcript:
    """The example as a one-answer interview, after its question when it has one."""
    turns = []
    body = ""
    if example.question:
        body = example.question + "\n"
        turns.append(Turn("Q", True, example.question, 0, len(example.question), 1))
    start = len(body)
    body += example.text
    turns.append(Turn(informant, False, example.text, start, len(body), len(turns) + 1))
    return Transcript(informant, role, None, body, 1, turns)
