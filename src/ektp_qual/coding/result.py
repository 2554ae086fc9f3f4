"""What coding a corpus gives: its segments, codings and the changes context made."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..model import PHRASE_SEPARATOR, Codebook

#: Why a phrase that matched did not code as written (see ``CodingResult.changes``).
CHANGE_COLUMNS = ["segment_id", "informant", "criterion", "polarity", "phrase", "change", "word"]


@dataclass
class CodingResult:
    """The segments of a corpus and the codings found in them."""

    segments: pd.DataFrame
    codings: pd.DataFrame
    codebook: Codebook
    # (criterion id or "evaluative", polarity, phrase) -> the phrase that codes for it:
    # spellings that read the same are one rule, named by the first of them.
    readings: dict[tuple[str, str, str], str] = field(default_factory=dict)
    #: Phrases that matched but did not code as written, and why (``CHANGE_COLUMNS``):
    #: a wish, a subject that is not the service, a contrast, a fix, a shortage.
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))

    def unmatched_phrases(self) -> pd.DataFrame:
        """Codebook phrases that coded nothing: columns ``list``, ``polarity``, ``phrase``."""
        fired: set[tuple[str, str]] = set()
        # The same few codes recur across a corpus: each distinct one is split once.
        for structural, criterion, phrases in set(
            zip(
                (self.codings["method"] == "structural").to_numpy().tolist(),
                self.codings["criterion"].to_numpy().tolist(),
                self.codings["phrases"].to_numpy().tolist(),
                strict=True,
            )
        ):
            name = "evaluative" if structural else criterion
            fired.update((name, p) for p in str(phrases).split(PHRASE_SEPARATOR))
        book = self.codebook
        lists = [(c.id, "positive", c.positive) for c in book.criteria]
        lists += [(c.id, "negative", c.negative) for c in book.criteria]
        lists += [("evaluative", "positive", book.evaluative_positive)]
        lists += [("evaluative", "negative", book.evaluative_negative)]
        order = {c.id: i for i, c in enumerate(book.criteria)}
        rows = [
            (name, polarity, phrase)
            for name, polarity, phrases in sorted(
                lists, key=lambda x: (order.get(x[0], len(order)), x[1] == "negative")
            )
            for phrase in phrases
            if (name, self.readings.get((name, polarity, phrase), phrase)) not in fired
        ]
        return pd.DataFrame(rows, columns=["list", "polarity", "phrase"])
