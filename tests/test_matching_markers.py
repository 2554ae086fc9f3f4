"""Where a marker (a wish, a negator, a contrast, a subject) and a phrase share words.

A word of grammar written over all of a phrase's words is that word, not the phrase:
"Mudah-mudahan" is a wish even when "mudah" is a phrase, and "Good luck" is no
judgement of "good". A marker that only begins before a phrase still reaches it
("kalau ada" before "ada kursi"), and a marker matches its own word, never a derivation
of its root ("dibiarin" is not the wish "biar"). An ``ignore`` phrase over exactly a
phrase's words hides it too.
"""

from __future__ import annotations

import pytest

from ektp_qual import parse_codebook, read_codebook
from ektp_qual.inputs.sample import sample_codebook

from .conftest import ENGLISH_CODEBOOK, MINI_CODEBOOK
from .test_context import answer, codes


def _mini(*phrases: str):
    text = MINI_CODEBOOK.replace("[cepat, cekatan]", f"[cepat, cekatan, {', '.join(phrases)}]")
    return parse_codebook(text, "mini.yaml")


def _clinic(*phrases: str):
    text = ENGLISH_CODEBOOK.replace("[quick, on time]", f"[quick, on time, {', '.join(phrases)}]")
    return parse_codebook(text, "clinic.yaml")


@pytest.mark.parametrize(
    "sentence",
    ["Mudah-mudahan ke depan lebih cepat.", "Mudah-mudahan prosesnya mudah, Mas."],
)
def test_a_wish_written_over_a_phrase_is_a_wish(sentence):
    assert codes(answer(_mini("mudah"), sentence)) == set()


def test_the_phrase_inside_a_wish_word_still_codes_elsewhere():
    result = answer(_mini("mudah"), "Prosesnya mudah, Mas.")
    assert codes(result) == {("professionalism", "positive")}


def test_the_gronroos_codebook_needs_no_ignore_entry_for_its_wish_word():
    book = read_codebook(sample_codebook())
    assert "mudah-mudahan" not in {p.casefold() for p in book.ignore}
    asked = "Bagaimana persyaratan dan prosedurnya, mudah atau sulit?"
    assert codes(answer(book, "Mudah-mudahan ke depan lebih mudah.", asked)) == set()
    assert codes(answer(book, "Syaratnya mudah kok.", asked)) == {("accessibility", "positive")}


@pytest.mark.parametrize("sentence", ["Good luck with everything.", "Good luck, mate."])
def test_an_english_wish_over_a_judgement_is_a_wish(clinic_book, sentence):
    result = answer(clinic_book, sentence, question="How did the staff treat you?")
    assert codes(result) == set()


def test_the_english_judgement_inside_the_wish_still_codes_alone(clinic_book):
    result = answer(clinic_book, "Good, really.", question="How did the staff treat you?")
    assert codes(result) == {("courtesy", "positive")}


@pytest.fixture(scope="module")
def clinic_book():
    return parse_codebook(ENGLISH_CODEBOOK, "clinic.yaml")


def test_a_negator_written_over_a_phrase_is_a_negator():
    # "tidak ada yang" is one negator; the phrase "ada yang" inside it is no evidence,
    # and the negator still flips what follows.
    book = parse_codebook(
        MINI_CODEBOOK.replace("negators: [tidak,", 'negators: ["tidak ada yang", tidak,').replace(
            "[cepat, cekatan]", "[cepat, cekatan, ada yang]"
        ),
        "mini.yaml",
    )
    result = answer(book, "Tidak ada yang judes, Mas.")
    assert codes(result) == {("attitude", "positive")}


@pytest.mark.parametrize(
    ("book", "sentence", "question"),
    [
        (_mini("ada kursi"), "Kalau ada kursi ya enak.", "Ceritakan pengalamannya."),
        (_mini("ada kursi"), "Kalo ada kursi, saya duduk.", "Ceritakan pengalamannya."),
        (
            _clinic("nice and quick"),
            "It would be nice and quick with more staff.",
            "How long did you wait before you were seen?",
        ),
    ],
)
def test_a_wish_that_shares_a_word_with_the_phrase_after_it_reaches_it(book, sentence, question):
    assert codes(answer(book, sentence, question)) == set()


def test_the_phrase_a_wish_shares_a_word_with_codes_outside_the_wish():
    assert codes(answer(_mini("ada kursi"), "Sekarang ada kursi.")) == {
        ("professionalism", "positive")
    }
    result = answer(
        _clinic("nice and quick"),
        "It was nice and quick.",
        "How long did you wait before you were seen?",
    )
    assert codes(result) == {("waiting", "positive")}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # "biar" is a wish word; "dibiarin" (left alone) is a derivation of its root
        # and no wish: the phrase and the words after it still code.
        ("Dibiarin aja.", {("reliability", "negative")}),
        ("Kita dibiarin, kepanasan.", {("reliability", "negative"), ("attitude", "negative")}),
        # The wish itself still blocks its clause.
        ("Biar kepanasan juga nggak apa-apa.", set()),
    ],
)
def test_a_wish_word_is_not_matched_in_derivations_of_its_root(sentence, expected):
    text = MINI_CODEBOOK.replace("[pungli, pungutan liar, lama]", "[pungli, dibiarkan]").replace(
        "[judes, ketus, cuek, pilih kasih]", "[judes, ketus, kepanasan]"
    )
    book = parse_codebook(text, "mini.yaml")
    assert codes(answer(book, sentence)) == expected


@pytest.mark.parametrize(
    ("book", "phrase_at", "ignore", "sentence"),
    [
        (
            MINI_CODEBOOK,
            "positive: [cepat, cekatan]",
            "ignore: [Pelayanan Prima]\n",
            "Saya ke loket Pelayanan Prima, Mas.",
        ),
        (
            ENGLISH_CODEBOOK,
            "positive: [quick, on time]",
            "ignore: [Fast Track]\n",
            "I went to the Fast Track desk.",
        ),
    ],
)
def test_an_ignore_phrase_over_exactly_a_phrases_words_hides_it(book, phrase_at, ignore, sentence):
    phrase = ignore.split("[")[1].split("]")[0].lower()
    with_phrase = book.replace(phrase_at, phrase_at[:-1] + f", {phrase}]")
    assert codes(answer(parse_codebook(with_phrase), sentence)) != set()
    assert codes(answer(parse_codebook(ignore + with_phrase), sentence)) == set()


@pytest.mark.parametrize("phrase", ["M-Paspor gampang", "n"])
def test_a_one_letter_word_in_a_phrase_is_read_like_any_other(phrase):
    """A phrase word of one letter (the "M" of "M-Paspor") once crashed the reading of
    spoken nasal prefixes, which looked at the word's second letter."""
    book = _mini(phrase)
    assert codes(answer(book, f"Daftarnya pakai {phrase} kok.")) == {
        ("professionalism", "positive")
    }
