"""Sentence splitting follows spaCy's own Sentencizer, which serves as the oracle."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

import ektp_qual
from ektp_qual.language import SentenceSplitter


def _oracle_and_ours():
    oracle = spacy.blank("id")
    oracle.add_pipe("sentencizer")
    return oracle, SentenceSplitter(oracle.vocab)


ORACLE, OURS = _oracle_and_ours()


def _same(text: str) -> None:
    doc = ORACLE(text)
    expected = [sent.start for sent in doc.sents]
    assert OURS.starts(doc) == expected


def test_matches_spacy_on_every_sample_turn():
    corpus = ektp_qual.read_corpus(ektp_qual.sample_transcripts())
    for transcript in corpus.transcripts:
        for turn in transcript.turns:
            _same(turn.text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Ya",
                "ramah",
                ".",
                "!",
                "?",
                "...",
                ",",
                "\n",
                " ",
                "(",
                ")",
                '"',
                "Tidak",
                "…",
                "3.5",
                "Pak.",
                "-",
                "?!",
                "ok",
            ]
        ),
        max_size=30,
    )
)
def test_matches_spacy_on_generated_text(pieces):
    _same(" ".join(pieces))
