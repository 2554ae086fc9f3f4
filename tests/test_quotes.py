"""Quotes: one per sentence, criterion and polarity, however the codings come."""

from __future__ import annotations

from functools import cache

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import ektp_qual
from ektp_qual.analysis.reduction import QUOTE_COLUMNS, quotes

_RANK = {"auto": 0, "accepted": 1, "added": 2}


def _reference(codings: pd.DataFrame) -> pd.DataFrame:
    """Quotes as docs/formats.md defines them, one coding at a time."""
    found: dict[tuple, dict] = {}
    for row in codings.to_dict("records"):
        key = (row["segment_id"], row["criterion"], row["polarity"])
        behind = [p for p in row["phrases"].split("; ") if p]
        weight = (0.5 if row["method"] == "structural" else 1.0) * max(len(behind), 1)
        quote = found.get(key)
        if quote is None:
            found[key] = {
                "informant": row["informant"],
                "role": row["role"],
                "criterion": row["criterion"],
                "polarity": row["polarity"],
                "segment_id": row["segment_id"],
                "start": row["start"],
                "end": row["end"],
                "quote": row["text"],
                "phrases": behind,
                "strength": weight,
                "source": row["source"],
            }
        else:
            quote["phrases"] += [p for p in behind if p not in quote["phrases"]]
            quote["strength"] += weight
            if _RANK[row["source"]] > _RANK[quote["source"]]:
                quote["source"] = row["source"]
    rows = [{**q, "phrases": "; ".join(q["phrases"])} for q in found.values()]
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


def _same(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        found.reset_index(drop=True), expected, check_dtype=False, check_index_type=False
    )


@cache
def _sample_codings() -> pd.DataFrame:
    return ektp_qual.reduce().codings


def test_the_sample_has_one_quote_per_coding():
    codings = _sample_codings()
    assert not codings.duplicated(["segment_id", "criterion", "polarity"]).any()
    _same(quotes(codings), _reference(codings))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=400), max_size=30))
def test_codings_said_twice_make_one_quote_with_their_phrases_and_weight(repeated):
    codings = _sample_codings()
    if repeated:
        again = codings.iloc[[i % len(codings) for i in repeated]].assign(
            phrases="another phrase", method="structural", source="added"
        )
        codings = pd.concat([codings, again], ignore_index=True)
    _same(quotes(codings), _reference(codings))
