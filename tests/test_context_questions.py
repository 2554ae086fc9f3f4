"""What a question makes of a short answer: questions about whether something happened,
small talk about the day, where a short judging answer's topic came from, and the words
of degree a codebook adds.

Every example is written for this test, in Indonesian and English, against the small
codebooks of ``conftest`` with a criterion added where the rule needs one.
"""

from __future__ import annotations

import pytest

from ektp_qual import parse_codebook

from .conftest import ENGLISH_CODEBOOK, MINI_CODEBOOK
from .test_context import answer, codes

# A criterion about how complaints are handled, whose guide names the complaint itself.
RECOVERY_ID = (
    MINI_CODEBOOK.replace("negative: [buruk, jelek,", "negative: [keluhan, mengeluh, buruk, jelek,")
    + """\
  - id: recovery
    label: Penanganan Keluhan
    questions:
      - Bagaimana petugas menanggapi keluhan warga?
    positive: [keluhan ditanggapi, langsung dibantu]
    negative: [tidak ditanggapi, dibiarkan]
"""
)
RECOVERY_EN = (
    ENGLISH_CODEBOOK
    + """\
  - id: recovery
    label: Complaint handling
    questions:
      - How was your complaint handled?
    positive: [sorted quickly, put right]
    negative: [ignored, never heard back]
"""
)


@pytest.mark.parametrize(
    ("book", "question", "reply"),
    [
        (RECOVERY_ID, "Bapak pernah menyampaikan keluhan?", "Pernah, saya bilang ke depan."),
        (RECOVERY_ID, "Ada yang mengeluh ke petugas, Bu?", "Ada, Mas."),
        (RECOVERY_EN, "Did you ever make a complaint?", "Yes, once."),
    ],
)
def test_a_yes_to_whether_the_topics_own_subject_arose_is_no_judgement(book, question, reply):
    """Having complained says nothing of how the complaint was handled."""
    result = answer(parse_codebook(book), reply, question=question)
    assert result.segments.iloc[0]["topic"] == "recovery"
    assert codes(result) == set()


@pytest.mark.parametrize(
    ("book", "question", "reply", "expected"),
    [
        # The event is the criterion's own evidence: a yes reports it.
        (RECOVERY_ID, "Pernah ada pungli, Pak?", "Ada.", {("reliability", "negative")}),
        # A judgement the topic's guide does not name is the event asked about.
        (RECOVERY_ID, "Pernah kecewa sama sikap petugas?", "Pernah.", {("attitude", "negative")}),
        # Not a question about whether something happened: the judgement is asked for.
        (RECOVERY_EN, "Was your complaint a hassle?", "Yes.", {("recovery", "negative")}),
    ],
)
def test_a_yes_to_an_event_that_is_evidence_still_codes(book, question, reply, expected):
    assert codes(answer(parse_codebook(book), reply, question=question)) == expected


@pytest.mark.parametrize(
    ("book", "question", "reply", "language"),
    [
        (MINI_CODEBOOK, "Kayak hari ini ya, Bu, lambatnya.", "Iya, Mas, apalagi siang.", "id"),
        (MINI_CODEBOOK, "Cuacanya lambat berubah ya, Pak?", "Iya.", "id"),
        (ENGLISH_CODEBOOK, "Long wait today, eh?", "Yeah, it is.", "en"),
    ],
)
def test_a_remark_about_the_interviews_own_day_is_small_talk(book, question, reply, language):
    result = answer(parse_codebook(book), reply, question=question)
    assert result.segments.iloc[0]["topic"] == ""
    assert codes(result) == set()


@pytest.mark.parametrize(
    ("book", "question", "reply", "expected"),
    [
        (MINI_CODEBOOK, "Lambat ya, Bu?", "Iya, Mas.", {("professionalism", "negative")}),
        (ENGLISH_CODEBOOK, "Long wait, eh?", "Yeah, it was.", {("waiting", "negative")}),
    ],
)
def test_the_same_remark_without_the_day_is_still_a_question(book, question, reply, expected):
    """The day, not the judgement, makes the remark small talk."""
    assert codes(answer(parse_codebook(book), reply, question=question)) == expected


def test_a_short_judging_answer_names_the_question_that_gave_its_topic(corpus_dir, mini_codebook):
    from ektp_qual import validate
    from ektp_qual.inputs.transcripts import read_corpus

    folder = corpus_dir(
        {
            "M1": (
                "masyarakat",
                [
                    ("P", "Bagaimana sikap petugas saat melayani?"),
                    ("M1", "Saya datang pagi, Mas."),
                    ("P", "Terus?"),
                    ("M1", "Galak, Mas."),
                ],
            )
        }
    )
    book = parse_codebook(mini_codebook.read_text(), mini_codebook)
    corpus = read_corpus(folder)
    coding = validate(corpus, book)
    notes = coding[coding["level"] == "note"]["message"].tolist()
    assert any(
        "1 short judging answer(s) counted for the topic their question gave: 'Galak' for "
        "attitude, the topic of 'Bagaimana sikap petugas saat melayani?'" in " ".join(n.split())
        for n in notes
    )


def test_codebook_test_names_the_question_of_a_short_judging_answer():
    from ektp_qual.loop.examples import check_examples

    book = parse_codebook(
        MINI_CODEBOOK.replace(
            "    negative: [judes, ketus, cuek, pilih kasih]",
            "    negative: [judes, ketus, cuek, pilih kasih]\n"
            "    examples:\n"
            "      negative:\n"
            '        - {text: "Galak, Mas.", question: "Bagaimana sikap petugas saat melayani?"}',
        )
    )
    result = check_examples(book).iloc[0]
    assert result["passed"]
    assert "the topic of 'Bagaimana sikap petugas saat melayani?'" in result["fired"]


@pytest.mark.parametrize(
    ("book", "key", "question", "reply", "expected"),
    [
        (
            MINI_CODEBOOK,
            "degree: [pisan]\n",
            "Bagaimana sikap petugas saat melayani?",
            "Galak pisan, Mas.",
            {("attitude", "negative")},
        ),
        (
            ENGLISH_CODEBOOK,
            "degree: [totally]\n",
            "How did the staff treat you?",
            "Arrogant totally, mate.",
            {("courtesy", "negative")},
        ),
    ],
)
def test_a_codebook_adds_its_own_words_of_degree(book, key, question, reply, expected):
    without = answer(parse_codebook(book), reply, question=question)
    with_key = answer(parse_codebook(key + book), reply, question=question)
    assert codes(without) == set()
    assert codes(with_key) == expected


def test_words_of_degree_must_be_a_list_of_phrases():
    from ektp_qual.model.errors import InputError

    with pytest.raises(InputError, match="degree"):
        parse_codebook("degree: {very: 1}\n" + ENGLISH_CODEBOOK)


def test_a_yes_about_a_complaint_in_the_sample_codes_nothing():
    """M09: "Bapak pernah menyampaikan keluhan?" + "Pernah, ..." is no recovery evidence,
    while "Pernah ada yang minta uang, Pak?" + "Ada." stays reliability negative."""
    import ektp_qual

    codings = ektp_qual.reduce().codings
    m09 = codings[(codings["informant"] == "M09") & (codings["method"] == "answer")]
    assert not m09["text"].str.startswith("Pernah, saya bilang").any()
    assert ("Ada.", "reliability", "negative") in set(
        zip(m09["text"], m09["criterion"], m09["polarity"], strict=True)
    )
    pk04 = codings[codings["informant"] == "PK04"]
    assert not pk04["text"].str.startswith("Iya, Mas, apalagi jam sebelas").any()


@pytest.mark.parametrize(
    ("book", "question", "reply", "expected"),
    [
        (
            MINI_CODEBOOK,
            "Sebentar, Mas, pulpen saya habis, pinjam punya teman dulu. Sikap petugasnya gimana?",
            "Bagus, Mas.",
            {("attitude", "positive")},
        ),
        (
            ENGLISH_CODEBOOK,
            "Sorry, my pen ran out, give me a second to find another one. And the staff?",
            "Great, really.",
            {("courtesy", "positive")},
        ),
    ],
)
def test_words_said_before_a_question_do_not_drown_its_topic(book, question, reply, expected):
    """Read whole, the turn leads to no criterion; its asking sentence does."""
    from ektp_qual import Coder

    codebook = parse_codebook(book)
    assert Coder(codebook).question_topic(question)[0] is None
    assert codes(answer(codebook, reply, question=question)) == expected


def test_a_remark_after_the_asking_sentence_does_not_set_the_topic():
    """The sentence that asks is the one ending in a question mark."""
    question = "Permisi, Mas. Boleh ganggu sebentar? Saya yang kemarin sudah janjian."
    result = answer(parse_codebook(MINI_CODEBOOK), "Bagus, Mas.", question=question)
    assert result.segments.iloc[0]["topic"] == ""


@pytest.mark.parametrize(
    ("phrase", "sentence"),
    [
        ("membentak", "Saya sempat dibentak, Mas, waktu nanya."),
        ("dibentak", "Petugasnya membentak ibu-ibu yang nanya."),
        ("mengabaikan", "Keluhan saya diabaikan, Mas."),
        ("menolak", "Berkas saya ditolak terus, Mas."),
    ],
)
def test_a_verb_in_one_voice_matches_the_other(phrase, sentence):
    """Indonesian tells one event in the active (meN-) or the passive (di-) voice; a
    codebook from theory writes one and people say the other. English has no such pair
    of forms to unify: its passive uses the participle a phrase already has."""
    book = parse_codebook(MINI_CODEBOOK.replace("[judes, ketus,", f"[{phrase}, judes, ketus,"))
    assert codes(answer(book, sentence)) == {("attitude", "negative")}


@pytest.mark.parametrize(
    ("phrase", "sentence"),
    [
        ("berdesakan", "Saya dari desa sebelah, Mas."),  # another derivation, not a voice
        ("membentak", "Petugasnya nggak pernah bentak-bentak."),  # the bare root
        ("diperbaiki", "Saya memperbaiki motor dulu."),  # per- derivations are not followed
    ],
)
def test_only_the_two_voices_of_a_derived_verb_are_one(phrase, sentence):
    book = parse_codebook(MINI_CODEBOOK.replace("[judes, ketus,", f"[{phrase}, judes, ketus,"))
    assert codes(answer(book, sentence)) == set()
