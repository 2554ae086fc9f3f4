"""Sentence splitting follows spaCy's own Sentencizer, which serves as the oracle."""

from __future__ import annotations

import numpy as np
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH

import ektp_qual
from ektp_qual.language.words import SentenceSplitter, opening_marks


def _oracle_and_ours():
    oracle = spacy.blank("id")
    oracle.add_pipe("sentencizer")
    return oracle, SentenceSplitter(oracle.vocab)


ORACLE, OURS = _oracle_and_ours()


def _same(text: str) -> None:
    doc = ORACLE(text)
    expected = [sent.start for sent in doc.sents]
    table = doc.to_array([ORTH, IS_PUNCT]).reshape(-1, 2)
    assert OURS.starts_in(table[:, 0], table[:, 1], np.zeros(1, dtype=np.int64)).tolist() == (
        expected
    )


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


_PIECES = st.lists(st.sampled_from(["Ya", ".", "!", "?", "...", ",", "\n", " ", '"', "Pak.", "ok"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES.map(" ".join), max_size=6))
def test_docs_laid_end_to_end_split_as_each_alone(texts):
    # The coder splits a whole batch of paragraphs at once; empty docs included.
    docs = [ORACLE(text) for text in texts]
    sizes = [len(doc) for doc in docs]
    doc_starts = np.array([sum(sizes[:i]) for i in range(len(docs))], dtype=np.int64)
    arrays = [doc.to_array([ORTH, IS_PUNCT]).reshape(-1, 2) for doc in docs]
    table = np.concatenate(arrays) if arrays else np.zeros((0, 2), dtype=np.uint64)
    found = OURS.starts_in(table[:, 0], table[:, 1], doc_starts).tolist()
    expected = [
        start + sent.start
        for start, doc in zip(doc_starts.tolist(), docs, strict=True)
        for sent in doc.sents
    ]
    assert found == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Ya", "ramah", ".", "!", "?", ",", " ", "(", ")", '"', "“", "Pak.", "ok"]),
        max_size=30,
    ).map("".join)
)
def test_an_opening_mark_moves_to_the_sentence_it_opens(text):
    """spaCy leaves the quote of ``... sabar. "Pelan-pelan`` at the end of the sentence
    before; ours gives it to the sentence it opens, and changes nothing else."""
    doc = ORACLE(text)
    table = doc.to_array([ORTH, IS_PUNCT, IDX, LENGTH]).reshape(-1, 4).astype(np.int64)
    opening = opening_marks(table[:, 0].astype(np.uint64), table[:, 2], table[:, 3], ORACLE.vocab)
    starts = OURS.starts_in(
        table[:, 0].astype(np.uint64), table[:, 1], np.zeros(1, dtype=np.int64), opening
    ).tolist()
    spacy_starts = [sent.start for sent in doc.sents]
    assert len(starts) == len(spacy_starts)
    for ours, theirs in zip(starts, spacy_starts, strict=True):
        assert ours <= theirs and all(opening[ours:theirs])
    for end in starts[1:]:
        # no sentence ends with a mark that opens the next one
        assert not opening[end - 1]


def test_a_quotation_opening_a_sentence_belongs_to_it(corpus_dir, mini_codebook):
    said = 'Dia sabar ngajarinnya. "Pelan-pelan aja, Bu," gitu katanya. Terus (ya) pulang.'
    corpus = corpus_dir(
        {"M2": ("masyarakat", [("P", "Bagaimana sikap petugas saat melayani?"), ("M2", said)])}
    )
    segments = ektp_qual.reduce(corpus, mini_codebook).segments
    assert segments["text"].tolist() == [
        "Dia sabar ngajarinnya.",
        '"Pelan-pelan aja, Bu," gitu katanya.',
        "Terus (ya) pulang.",
    ]
