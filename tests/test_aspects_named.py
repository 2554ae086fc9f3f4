"""An aspect named in answer to a question of what should change, stay or is lacking.

"If you could change one thing?" + "Definitely Mondays.", "And keep?" + "The job club.":
the answer names an aspect without judging it, and the question gives the judgement
(change or lacking: negative; keep or good: positive). Every example is written for this
test, in Indonesian and English, against the small codebooks of ``conftest``.
"""

from __future__ import annotations

import pytest

from ektp_qual import parse_codebook
from ektp_qual.model.errors import InputError

from .conftest import MINI_CODEBOOK
from .test_context import answer, code, codes


@pytest.mark.parametrize(
    ("question", "reply", "expected"),
    [
        ("Kalau bisa ngubah satu hal?", "Perekamannya, Mas.", {("professionalism", "negative")}),
        ("Ada yang masih kurang, Bu?", "Biayanya.", {("reliability", "negative")}),
        ("Yang paling dikeluhkan apa?", "Biayanya.", {("reliability", "negative")}),
        ("Apa yang paling dihargai, Bu?", "Sikap petugasnya.", {("attitude", "positive")}),
        ("Apa yang perlu dipertahankan?", "Sikap petugasnya.", {("attitude", "positive")}),
    ],
)
def test_an_aspect_named_codes_with_the_polarity_of_the_question(mini, question, reply, expected):
    result = answer(mini, reply, question=question)
    assert codes(result) == expected
    assert result.codings["method"].tolist() == ["structural"]
    assert "named in an answer to what should" in result.codings["rule"].iloc[0]


@pytest.mark.parametrize(
    ("question", "reply", "expected"),
    [
        ("If you could change one thing?", "The appointments.", {("access", "negative")}),
        ("What's missing, would you say?", "Information.", {("clarity", "negative")}),
        ("Anything to keep?", "The staff.", {("courtesy", "positive")}),
        ("Is there anything they do well?", "Appointments.", {("access", "positive")}),
    ],
)
def test_the_same_in_english(clinic, question, reply, expected):
    assert codes(answer(clinic, reply, question=question)) == expected


@pytest.mark.parametrize(
    ("book", "question", "reply"),
    [
        # A refusal or a judgement answers the question itself.
        ("id", "Ada yang masih kurang?", "Nggak ada, udah bagus."),
        ("en", "If you could change one thing?", "Nothing, it's fine."),
        ("en", "Anything to keep?", "No."),
        # Words of degree name no aspect ("Itu aja", that's all).
        ("id", "Kalau bisa ngubah satu hal?", "Itu aja."),
        # Words that belong to no criterion name no aspect.
        ("en", "If you could change one thing?", "The weather, ha."),
        # Any other question: an aspect named is no judgement.
        ("id", "Ceritakan pengalamannya.", "Perekamannya, Mas."),
        ("en", "What did you do next?", "The appointments."),
    ],
)
def test_no_aspect_no_code(mini, clinic, book, question, reply):
    codebook = mini if book == "id" else clinic
    assert codes(answer(codebook, reply, question=question)) == set()


def test_every_sentence_of_the_answer_itself_but_not_after_a_prompt_to_go_on(mini):
    result = code(
        mini,
        ("P", "Kalau bisa ngubah satu hal?"),
        ("M01", "Perekamannya, Mas. Biayanya juga. Yang lain nggak ada."),
        ("P", "Terus?"),
        ("M01", "Biayanya."),
    )
    assert codes(result, "Perekamannya, Mas.") == {("professionalism", "negative")}
    assert codes(result, "Biayanya juga.") == {("reliability", "negative")}
    assert codes(result, "Yang lain nggak ada.") == set()
    assert codes(result, "Biayanya.") == set()


def test_a_codebook_adds_its_own_words_and_may_turn_the_defaults_off():
    own = parse_codebook(MINI_CODEBOOK + "keep_questions: [andalan]\n", "own.yaml")
    assert codes(answer(own, "Sikap petugasnya.", question="Andalan kantor ini?")) == {
        ("attitude", "positive")
    }
    plain = parse_codebook(MINI_CODEBOOK + "language_defaults: false\n", "plain.yaml")
    assert codes(answer(plain, "Sikap petugasnya.", question="Apa yang paling dihargai?")) == set()


def test_a_list_that_is_not_a_list_of_phrases_is_a_clear_error():
    with pytest.raises(InputError, match="'keep_questions' must be a list of phrases"):
        parse_codebook(MINI_CODEBOOK + "keep_questions: keep\n", "bad.yaml")


def test_the_aspect_is_the_phrase_and_the_theme_of_the_evidence(tmp_path):
    """The evidence matrix groups codings by phrase: with the whole sentence as the phrase
    ("judgement: Sikap petugasnya, Mas."), every answer was a theme of its own, labelled a
    judgement though none was made."""
    import ektp_qual

    folder = tmp_path / "t"
    folder.mkdir()
    for n in (1, 2):
        (folder / f"M0{n}.txt").write_text(
            f"---\ninformant: M0{n}\nrole: masyarakat\n---\n"
            "P: Apa yang perlu dipertahankan?\n"
            f"M0{n}: {'Sikap petugasnya, Mas.' if n == 1 else 'Sikap petugas.'}\n",
            encoding="utf-8",
        )
    book = tmp_path / "mini.yaml"
    book.write_text(MINI_CODEBOOK, encoding="utf-8")
    result = ektp_qual.analyse(folder, book)
    assert set(result.reduction.codings["phrase"]) == {"sikap petugas"}
    evidence = result.display.evidence.set_index("theme")
    assert evidence.loc["aspect named: sikap petugas", "informants"] == 2
