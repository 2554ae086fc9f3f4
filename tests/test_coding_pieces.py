"""Reading paragraphs in pieces: a piece of text said again is tokenised and matched once.

The coder cuts each paragraph where a sentence may end and remembers each piece by its
words. A codebook with a phrase that may span two sentences makes it read every paragraph
whole instead, so the two ways can be compared on the same text: they must code alike.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ektp_qual
from ektp_qual import code_corpus, parse_codebook, parse_transcript
from ektp_qual.inputs.transcripts import corpus_from

from .conftest import MINI_CODEBOOK, transcript_text

IN_PIECES = parse_codebook(MINI_CODEBOOK, "mini.yaml")
# "zzz. qqq" holds a full stop: a phrase that may span a sentence end, so this codebook
# reads every paragraph whole. It occurs nowhere in the text below.
WHOLE = parse_codebook(MINI_CODEBOOK + 'ignore: ["zzz. qqq"]\n', "whole.yaml")

_WORDS = [
    "Petugasnya ramah",
    "antriannya panjang",
    "nggak judes",
    "Iya, Mas",
    "Hmm",
    "blangkonya habis",
    "cepat sekali",
    "tidak lambat kok",
    "Dr. med",
    "Pak.",
    "No. 3",
    '"Sabar ya',
    "(kata dia)",
    "Bagus",
    "lama",
]
_ENDS = [".", "!", "?", "...", "?!", ",", "", '."', ".)"]
_SPACES = [" ", "\n", "  ", " \n"]


@st.composite
def paragraphs(draw) -> str:
    parts = draw(
        st.lists(
            st.tuples(st.sampled_from(_WORDS), st.sampled_from(_ENDS), st.sampled_from(_SPACES)),
            min_size=1,
            max_size=8,
        )
    )
    return "".join(w + e + s for w, e, s in parts).strip() or "Hmm."


# Built once: a coder codes corpus after corpus.
CODERS = {"pieces": ektp_qual.Coder(IN_PIECES), "whole": ektp_qual.Coder(WHOLE)}


def _coded(way: str, answers: list[str]):
    turns = []
    for answer in answers:
        turns += [("P", "Bagaimana sikap petugas saat melayani?"), ("M01", answer)]
    text = transcript_text("M01", "masyarakat", turns)
    return CODERS[way].code(corpus_from([parse_transcript(text, "M01.txt")]))


def _alike(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The same table, but for the codebook's fingerprint."""
    pd.testing.assert_frame_equal(
        found.drop(columns="codebook_sha256", errors="ignore"),
        expected.drop(columns="codebook_sha256", errors="ignore"),
    )


def _same_coding(answers: list[str]) -> None:
    pieces, whole = _coded("pieces", answers), _coded("whole", answers)
    pd.testing.assert_frame_equal(pieces.segments, whole.segments)
    _alike(pieces.codings, whole.codings)
    _alike(pieces.changes, whole.changes)


def test_the_test_codebooks_read_in_pieces_and_whole():
    assert CODERS["pieces"]._sentences_alone
    assert not CODERS["whole"]._sentences_alone


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(paragraphs(), min_size=1, max_size=4))
def test_pieces_code_as_whole_paragraphs(answers):
    _same_coding(answers)


def test_a_cut_stands_only_where_the_tokens_end_a_sentence():
    # "Dr. med" is one token for spaCy's Indonesian tokenizer, "Pak." and "..." end no
    # sentence of their own: the cut after each must not stand.
    _same_coding(
        [
            "Kata Dr. med Budi petugasnya ramah. Antriannya panjang.",
            "Ditanya Pak. Ramah kok... Cepat.",
            "Petugasnya ramah.\nAntriannya panjang. Petugasnya ramah. Antriannya\npanjang.",
        ]
    )


def test_a_piece_said_again_keeps_its_own_line_breaks():
    said = "Antriannya\npanjang, Mas. Petugasnya ramah. Antriannya panjang, Mas."
    result = _coded("pieces", [said, said.replace("\n", " ")])
    segments = result.segments
    assert segments["text"].tolist() == [
        "Antriannya\npanjang, Mas.",
        "Petugasnya ramah.",
        "Antriannya panjang, Mas.",
        "Antriannya panjang, Mas.",
        "Petugasnya ramah.",
        "Antriannya panjang, Mas.",
    ]
    first, second = segments["line"].tolist()[:2]
    assert second == first + 1
    matched = result.codings.loc[result.codings["criterion"] == "professionalism", "matched"]
    assert matched.tolist() == [
        "Antriannya\npanjang",
        "Antriannya panjang",
        "Antriannya panjang",
        "Antriannya panjang",
    ]


def test_the_sample_codes_alike_in_pieces_and_whole():
    corpus = ektp_qual.read_corpus(ektp_qual.sample_transcripts())
    book = ektp_qual.read_codebook(ektp_qual.sample_codebook())
    data = yaml.safe_load(ektp_qual.sample_codebook().read_text(encoding="utf-8"))
    data["ignore"] = [*data.get("ignore", []), "zzz. qqq"]
    whole = parse_codebook(yaml.safe_dump(data, allow_unicode=True), "whole.yaml")
    pieces, read_whole = code_corpus(corpus, book), code_corpus(corpus, whole)
    assert not ektp_qual.Coder(whole)._sentences_alone
    pd.testing.assert_frame_equal(pieces.segments, read_whole.segments)
    _alike(pieces.codings, read_whole.codings)
    _alike(pieces.changes, read_whole.changes)


SPANISH = """\
codebook: tramites
title: A Spanish codebook
language: es
negators: ["no", nunca]
criteria:
  - id: trato
    label: Trato
    questions:
      - ¿Cómo le atendieron?
    positive: [amable, rápido]
    negative: [lento, grosero]
"""


def test_a_cut_inside_a_tokenizer_exception_with_a_space_does_not_stand():
    # spaCy's Spanish tokenizer keeps "EE. UU." as one token; "EE." alone ends in a
    # full stop, so only the exception's words keep the cut after "EE." from standing.
    book = parse_codebook(SPANISH, "tramites.yaml")
    whole = parse_codebook(SPANISH + 'ignore: ["zzz. qqq"]\n', "whole.yaml")
    said = "Vine de EE. UU. y fue rápido. Amable. No fue lento en EE. UU."
    text = transcript_text("E1", "ciudadano", [("P", "¿Cómo le atendieron?"), ("E1", said)])
    corpus = corpus_from([parse_transcript(text, "E1.txt")])
    pieces, read_whole = code_corpus(corpus, book), code_corpus(corpus, whole)
    assert pieces.segments["text"].tolist() == [
        "Vine de EE. UU. y fue rápido.",
        "Amable.",
        "No fue lento en EE. UU.",
    ]
    pd.testing.assert_frame_equal(pieces.segments, read_whole.segments)
    _alike(pieces.codings, read_whole.codings)


def _corpus(answers: list[str]):
    turns = []
    for answer in answers:
        turns += [("P", "Bagaimana sikap petugas saat melayani?"), ("M01", answer)]
    return corpus_from([parse_transcript(transcript_text("M01", "masyarakat", turns), "M01.txt")])


@pytest.mark.parametrize("book", [IN_PIECES, WHOLE], ids=["pieces", "whole"])
def test_a_coder_codes_a_corpus_as_a_fresh_one_after_reading_its_sentences_before(book):
    """A worker codes a survey batch after batch with one coder: nothing it kept from
    one batch may change the next, whose rows number the codes in another order."""
    before = ["Petugasnya ramah. Antriannya panjang.", "Iya, Mas. Cepat sekali."]
    after = ["Antriannya panjang. Petugasnya ramah!", "Cepat sekali. Petugasnya ramah."]
    used = ektp_qual.Coder(book)
    used.code(_corpus(before))
    again, fresh = used.code(_corpus(after)), ektp_qual.Coder(book).code(_corpus(after))
    assert not fresh.codings.empty
    pd.testing.assert_frame_equal(again.segments, fresh.segments)
    pd.testing.assert_frame_equal(again.codings, fresh.codings)
    pd.testing.assert_frame_equal(again.changes, fresh.changes)


class _CountingTokenizer:
    """The coder's tokenizer, counting the texts it is given to read in a batch (the
    pieces of paragraphs; a question is read on its own, and once per coder)."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self.texts = 0

    def pipe(self, texts):
        texts = list(texts)
        self.texts += len(texts)
        return self.tokenizer.pipe(texts)

    def __call__(self, text):
        return self.tokenizer(text)

    def __getattr__(self, name):
        return getattr(self.tokenizer, name)


def test_a_coder_does_not_read_again_what_an_earlier_call_read():
    """A worker codes batch after batch, and a streamed survey chunk after chunk, with
    one coder: a sentence it read in an earlier call is not tokenised again, as in one
    call on the whole corpus."""
    coder = ektp_qual.Coder(IN_PIECES)
    counting = coder.nlp.tokenizer = _CountingTokenizer(coder.nlp.tokenizer)
    answers = ["Petugasnya ramah. Antriannya panjang.", "Iya, Mas. Cepat sekali."]
    first = coder.code(_corpus(answers))
    read = counting.texts
    again = coder.code(_corpus(answers))
    assert read > 0
    assert counting.texts == read
    pd.testing.assert_frame_equal(again.codings, first.codings)
