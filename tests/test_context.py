"""What the words around a phrase do: questions, short answers, contrast, fixes, wishes,
talk that is not about the service, negation, shortage and spoken word forms.

Every example is written for this test, in Indonesian and English, against the small
codebooks of ``conftest``: the rules come from the language's defaults, never from a
study's own words.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ektp_qual import code_corpus, parse_codebook, parse_transcript
from ektp_qual.inputs.transcripts import corpus_from
from ektp_qual.model.errors import InputError

from .conftest import ENGLISH_CODEBOOK, MINI_CODEBOOK, transcript_text


def code(book, *turns: tuple[str, str], role: str = "masyarakat"):
    label = turns[1][0] if len(turns) > 1 else "M01"
    text = transcript_text(label, role, list(turns))
    return code_corpus(corpus_from([parse_transcript(text, f"{label}.txt")]), book)


def codes(result, text: str | None = None) -> set[tuple[str, str]]:
    rows = result.codings
    if text is not None:
        rows = rows[rows["text"] == text]
    return set(zip(rows["criterion"], rows["polarity"], strict=True))


def answer(book, sentence: str, question: str = "Ceritakan pengalamannya.", role="masyarakat"):
    label = "M01" if book.language == "id" else "P01"
    interviewer = "P" if book.language == "id" else "Interviewer"
    return code(book, (interviewer, question), (label, sentence), role=role)


# -- 1. every answer carries the question it answers -------------------------------------


def test_a_short_question_that_changes_the_topic_is_the_question_answered(mini):
    result = code(
        mini,
        ("P", "Bagaimana sikap petugas saat melayani?"),
        ("M01", "Ramah kok."),
        ("P", "Ada biaya nggak, Pak?"),
        ("M01", "Bagus, Mas, semuanya beres."),
    )
    segments = result.segments.set_index("text")
    assert segments.loc["Bagus, Mas, semuanya beres.", "question"] == "Ada biaya nggak, Pak?"
    assert segments.loc["Bagus, Mas, semuanya beres.", "topic"] == "reliability"
    assert codes(result, "Bagus, Mas, semuanya beres.") == {("reliability", "positive")}


@pytest.mark.parametrize("prompt", ["Terus?", "Maksudnya, Pak?", "Oh ya?", "Tiga kali?"])
def test_prompts_that_only_ask_to_go_on_keep_the_topic(mini, prompt):
    result = code(
        mini,
        ("P", "Bagaimana sikap petugas saat melayani?"),
        ("M01", "Saya datang tiga kali, Mas."),
        ("P", prompt),
        ("M01", "Ya kecewa saya."),
    )
    last = result.segments.iloc[-1]
    assert (last["question"], last["topic"]) == (prompt, "attitude")
    assert codes(result, "Ya kecewa saya.") == {("attitude", "negative")}


@pytest.mark.parametrize("question", ["KTP-nya sudah jadi, Bu?", "Biaya-nya gratis?"])
def test_a_question_whose_only_noun_carries_a_clitic_is_no_prompt_to_go_on(mini, question):
    """A word written with its clitic after a hyphen ("KTP-nya") is a word the question
    asks about, not nothing: the question sets its own topic and proposes its phrase."""
    book = parse_codebook(MINI_CODEBOOK.replace("[gratis, tepat waktu]", "[gratis, sudah jadi]"))
    result = code(
        book,
        ("P", "Bagaimana sikap petugas saat melayani?"),
        ("M01", "Ramah kok."),
        ("P", question),
        ("M01", "Udah, Mas."),
    )
    assert result.segments.iloc[-1]["topic"] == "reliability"
    assert codes(result, "Udah, Mas.") == {("reliability", "positive")}


def test_a_question_about_something_else_has_no_topic_rather_than_a_guess(mini):
    result = code(
        mini,
        ("P", "Bagaimana sikap petugas saat melayani?"),
        ("M01", "Ramah."),
        ("P", "Anaknya sekolah di mana, Bu?"),
        ("M01", "Bagus sekolahnya, Mas."),
    )
    assert result.segments.iloc[-1]["topic"] == ""
    assert codes(result, "Bagus sekolahnya, Mas.") == set()


def test_a_question_is_read_from_the_words_of_the_criterion_definition():
    book = parse_codebook(
        MINI_CODEBOOK.replace(
            "    label: Keandalan dan Kepercayaan\n",
            "    label: Keandalan dan Kepercayaan\n"
            "    definition: Janji ditepati dan warga bisa mengandalkan kantor.\n",
        )
    )
    result = answer(book, "Bagus, Mas.", question="Janjinya ditepati, Pak?")
    assert result.segments.iloc[0]["topic"] == "reliability"


@pytest.mark.parametrize(
    ("with_address", "plain"),
    [
        ("Kalau menurut Mbak, cepat atau lambatnya, Mbak?", "Cepat atau lambatnya?"),
        ("Terus, Bu, sikap petugasnya, Bu, sih?", "Sikap petugasnya?"),
    ],
)
def test_forms_of_address_and_particles_weigh_nothing_in_a_question(mini, with_address, plain):
    from ektp_qual import Coder

    coder = Coder(mini)
    assert coder.question_topic(with_address) == coder.question_topic(plain)


def test_forms_of_address_weigh_nothing_in_an_english_question(clinic):
    from ektp_qual import Coder

    coder = Coder(clinic)
    topic, score = coder.question_topic("And the doctor, mate, was he alright, love?")
    assert (topic, score) == coder.question_topic("And the doctor, was he alright?")
    assert topic == "clarity"


def test_a_question_echoing_the_answer_but_asking_of_a_criterion_sets_its_topic(mini):
    result = code(
        mini,
        ("P", "Bagaimana sikap petugas saat melayani?"),
        ("M01", "Ramah, tapi saya bayar pungli lima puluh ribu."),
        ("P", "Pungli?"),
        ("M01", "Iya, kecewa saya."),
    )
    last = result.segments.iloc[-1]
    assert (last["question"], last["topic"]) == ("Pungli?", "reliability")
    assert codes(result, "Iya, kecewa saya.") == {("reliability", "negative")}


def test_an_english_echo_that_names_a_criterion_sets_its_topic(clinic):
    result = code(
        clinic,
        ("Interviewer", "How did the staff treat you?"),
        ("P01", "Kind, but there were hidden fees."),
        ("Interviewer", "Hidden fees?"),
        ("P01", "Yes, awful."),
        role="patient",
    )
    assert result.segments.iloc[-1]["topic"] == "cost"
    assert codes(result, "Yes, awful.") == {("cost", "negative")}


# -- 2. short answers, read against their question ---------------------------------------


@pytest.mark.parametrize(
    ("question", "reply", "expected"),
    [
        ("Sudah tepat waktu, Pak?", "Belum.", {("reliability", "negative")}),
        ("Sudah tepat waktu, Pak?", "Udah, Mbak.", {("reliability", "positive")}),
        ("Antriannya panjang nggak?", "Nggak kok.", {("professionalism", "positive")}),
        ("Petugasnya judes, Bu?", "Iya, judes.", {("attitude", "negative")}),
        # A question that asks how, not whether, gives a bare yes no meaning.
        ("Bagaimana, cepat atau lambat?", "Iya.", set()),
        # One that negates what it asks is answered both ways in speech.
        ("Nggak lambat, Pak?", "Nggak.", set()),
        # A long answer is read on its own words.
        ("Sudah tepat waktu, Pak?", "Belum tahu saya, Mas, soalnya belum ambil.", set()),
    ],
)
def test_short_answers_take_their_meaning_from_the_question(mini, question, reply, expected):
    result = answer(mini, reply, question=question)
    assert codes(result) == expected
    if expected and reply != "Iya, judes.":
        assert set(result.codings["method"]) == {"answer"}


def test_short_answers_in_english(clinic):
    result = answer(clinic, "No, not at all.", question="Was it a long wait?", role="patient")
    assert codes(result) == {("waiting", "positive")}
    result = answer(clinic, "They were, yeah.", question="Were the staff rude?", role="patient")
    assert codes(result) == {("courtesy", "negative")}


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        ("Macet ya, Bu, jalanan lambat tadi pagi?", "Iya, Mas."),
        ("Anaknya judes juga ya, Bu, kalau disuruh sekolah?", "Iya, hehe."),
    ],
)
def test_a_short_answer_to_small_talk_codes_nothing(mini, question, reply):
    result = answer(mini, reply, question=question)
    assert result.segments.iloc[0]["topic"] == ""
    assert codes(result) == set()


@pytest.mark.parametrize(
    "question", ["Traffic was slow today, wasn't it?", "Bit slow out there on the roads, eh?"]
)
def test_a_short_answer_to_english_small_talk_codes_nothing(clinic, question):
    result = answer(clinic, "Yeah.", question=question, role="patient")
    assert result.segments.iloc[0]["topic"] == ""
    assert codes(result) == set()


def test_only_the_question_sentence_proposes_not_the_words_before_it(mini):
    question = "Saya lagi nulis soal pelayanan yang cepat. Ibu sudah rekam?"
    assert codes(answer(mini, "Sudah.", question=question)) == set()


# -- 3. a problem told with its fix ---------------------------------------------------------


def test_a_problem_fixed_is_evidence_for_the_fix_not_against():
    book = parse_codebook(
        MINI_CODEBOOK.replace(
            "positive: [gratis, tepat waktu]", "positive: [gratis, tepat waktu, genset]"
        ).replace(
            "negative: [antrian panjang, lambat,", "negative: [antrian panjang, lambat, macet,"
        )
    )
    fixed = "Printernya macet, setengah jam kemudian sudah jalan lagi."
    result = answer(book, fixed)
    assert codes(result) == set()
    assert list(result.changes["change"]) == ["problem fixed"]
    assert list(result.changes["word"]) == ["jalan lagi"]
    # Not fixed, or only waiting for a fix: the problem stands.
    assert codes(answer(book, "Printernya macet, belum jalan lagi.")) == {
        ("professionalism", "negative")
    }
    assert codes(answer(book, "Printernya macet, katanya nunggu diperbaiki.")) == {
        ("professionalism", "negative")
    }


def test_a_fix_in_english(clinic):
    result = answer(
        clinic, "The lift was slow, but they sorted it within the hour.", role="patient"
    )
    assert codes(result) == set()


# -- 4. contrast and concession ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected", "word"),
    [
        ("Petugasnya ramah, tapi ada satu yang judes.", {("attitude", "negative")}, "tapi"),
        ("Walaupun ada yang judes, petugasnya ramah.", {("attitude", "positive")}, "Walaupun"),
        ("Petugasnya ramah walaupun ada yang judes.", {("attitude", "positive")}, "walaupun"),
    ],
)
def test_the_side_the_speaker_lands_on_wins(mini, sentence, expected, word):
    result = answer(mini, sentence)
    assert codes(result) == expected
    assert list(result.changes["change"]) == ["conceded"]
    assert list(result.changes["word"]) == [word]


def test_a_contrast_between_two_criteria_keeps_both(mini):
    result = answer(mini, "Antriannya panjang, tapi petugasnya ramah.")
    assert codes(result) == {("professionalism", "negative"), ("attitude", "positive")}


def test_contrast_in_english(clinic):
    result = answer(clinic, "Although one nurse was rude, they were kind to me.", role="patient")
    assert codes(result) == {("courtesy", "positive")}
    result = answer(clinic, "It was quick, but the receptionist was rude.", role="patient")
    assert codes(result) == {("waiting", "positive"), ("courtesy", "negative")}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # What others say, set against the speaker's own word: the speaker's clause decides.
        ("Katanya antriannya panjang, tapi saya sebentar kok.", set()),
        ("Kata orang petugasnya judes, tapi ke saya baik-baik aja.", set()),
        ("Walaupun katanya antriannya panjang, saya sebentar kok.", set()),
        # Hearsay on its own, or the speaker's own clause before it, stands.
        ("Katanya antriannya panjang.", {("professionalism", "negative")}),
        (
            "Petugasnya ramah, katanya antriannya panjang, tapi saya sebentar.",
            {("attitude", "positive")},
        ),
    ],
)
def test_hearsay_before_a_contrast_is_no_evidence(mini, sentence, expected):
    result = answer(mini, sentence)
    assert codes(result) == expected
    if not expected:
        assert set(result.changes["change"]) == {"hearsay"}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("People say it's a long wait, but I got in at once.", set()),
        ("Apparently the staff are rude, but they were lovely to me.", set()),
        ("I've heard the staff can be rude.", {("courtesy", "negative")}),
    ],
)
def test_hearsay_in_english(clinic, sentence, expected):
    assert codes(answer(clinic, sentence, role="patient")) == expected


def test_the_codebook_adds_its_own_hearsay_words(mini):
    book = parse_codebook(MINI_CODEBOOK + "hearsay: [ceritanya]\n")
    assert {"ceritanya", "katanya"} <= set(book.discourse.hearsay)
    assert codes(answer(book, "Ceritanya antriannya panjang, tapi saya sebentar.")) == set()
    none = parse_codebook(MINI_CODEBOOK + "language_defaults: false\n")
    assert none.discourse.hearsay == ()
    # A codebook's own phrase of hearsay words is evidence: what people say is reputation.
    rumour = parse_codebook(MINI_CODEBOOK.replace("negative: [pungli,", "negative: [konon,"))
    assert codes(answer(rumour, "Konon begitu, Mas.")) == {("reliability", "negative")}
    with pytest.raises(InputError, match="hearsay"):
        parse_codebook(MINI_CODEBOOK + "hearsay: {a: b}\n")


def test_codebook_examples_explain_hearsay():
    from ektp_qual.loop.examples import check_examples

    block = '    examples:\n      none: ["Katanya antriannya panjang, tapi saya sebentar kok."]\n'
    text = MINI_CODEBOOK.replace(
        "    negative: [antrian panjang, lambat, berdesakan, blangko habis]\n",
        "    negative: [antrian panjang, lambat, berdesakan, blangko habis]\n" + block,
    )
    results = check_examples(parse_codebook(text))
    assert list(results["got"]) == ["none"]
    assert "hearsay 'Katanya'" in results["changed"].iloc[0]


def test_the_codebook_adds_its_own_contrast_words(mini):
    book = parse_codebook(MINI_CODEBOOK + "contrast:\n  following: [cuma ya]\n")
    assert "cuma ya" in book.discourse.contrast_following
    assert "tapi" in book.discourse.contrast_following
    none = parse_codebook(MINI_CODEBOOK + "language_defaults: false\n")
    assert none.discourse.contrast_following == ()
    assert codes(answer(none, "Petugasnya ramah, tapi ada satu yang judes.")) == {
        ("attitude", "positive"),
        ("attitude", "negative"),
    }


# -- 5. talk that is not about the service -----------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Semoga skripsinya lancar, Kak.",
        "Mudah-mudahan ke depan lebih cepat dan petugasnya ramah.",
        "Pendengaran saya memang sudah kurang, Mas.",
        "Kalau ada yang antriannya panjang, kami minta maaf.",
        "Ada baiknya petugasnya ramah sama yang antre.",
    ],
)
def test_wishes_conditions_and_ones_own_life_are_not_evidence(mini, sentence):
    question = "Bagaimana sikap petugas saat melayani?"
    assert codes(answer(mini, sentence, question=question)) == set()


def test_a_wish_reaches_to_the_end_of_its_clause_only(mini):
    result = answer(mini, "Semoga ke depan lebih cepat lagi, sekarang petugasnya ramah.")
    assert codes(result) == {("attitude", "positive")}
    assert list(result.changes["change"]) == ["wish"]


def test_not_about_the_service_in_english(clinic):
    result = answer(clinic, "Good luck with your research, it was great talking.", role="patient")
    assert codes(result) == set()
    result = answer(clinic, "My hearing is not good these days.", role="patient")
    assert codes(result) == set()
    result = answer(clinic, "It'd be good to have kind nurses on the desk.", role="patient")
    assert codes(result) == set()


@pytest.mark.parametrize(
    "sentence",
    [
        "Ibu-ibu di sebelah saya marah-marah.",
        "Padahal orang-orang pada judes sama petugasnya.",
        "Bapak-bapak sebelah saya ketus banget.",
    ],
)
def test_what_other_citizens_do_is_not_about_the_service(angry_mini, sentence):
    question = "Bagaimana sikap petugas saat melayani?"
    result = answer(angry_mini, sentence, question=question)
    assert codes(result) == set()
    assert set(result.changes["change"]) == {"not about the service"}
    assert result.changes["word"].str.lower().str.contains("-").all()  # ibu-ibu, orang-orang


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # What they undergo is the service's doing.
        ("Ibu-ibu yang bawa bayi dibentak petugas.", {("attitude", "negative")}),
        # The staff as subject, and other citizens too far from the judgement.
        ("Petugasnya marah-marah.", {("attitude", "negative")}),
        ("Ada bapak-bapak pakai batik langsung judes.", {("attitude", "negative")}),
        # "Yang lain" may be other staff: not on the list.
        ("Satu judes, yang lain ramah.", {("attitude", "negative"), ("attitude", "positive")}),
    ],
)
def test_other_citizens_only_take_a_judgement_they_are_the_subject_of(
    angry_mini, sentence, expected
):
    assert codes(answer(angry_mini, sentence)) == expected


def test_a_criterion_whose_guide_names_people_takes_their_judgements():
    book = parse_codebook(
        MINI_CODEBOOK.replace(
            "      - Apakah ada biaya atau pungutan dalam pembuatan e-KTP?\n",
            "      - Apakah ada biaya atau pungutan dalam pembuatan e-KTP?\n"
            "      - Apa kata orang-orang sekitar tentang kantor ini?\n",
        ).replace("[gratis, tepat waktu]", "[gratis, tepat waktu, percaya]")
    )
    assert codes(answer(book, "Orang-orang sini pada percaya sama kantornya.")) == {
        ("reliability", "positive")
    }


def test_what_other_people_do_in_english(clinic):
    for sentence in ("Other people were rude to the nurse.", "Some people got rude, mind."):
        assert codes(answer(clinic, sentence, role="patient")) == set()
    assert codes(answer(clinic, "The receptionist was rude.", role="patient")) == {
        ("courtesy", "negative")
    }


def test_the_codebook_adds_its_own_other_citizens():
    book = parse_codebook(MINI_CODEBOOK + "others: [para pengantar]\n")
    assert {"para pengantar", "ibu-ibu"} <= set(book.discourse.others)
    assert codes(answer(book, "Para pengantar judes semua.")) == set()


@pytest.fixture(scope="module")
def angry_mini():
    return parse_codebook(
        MINI_CODEBOOK.replace(
            "[judes, ketus, cuek, pilih kasih]", "[judes, ketus, marah-marah, dibentak]"
        )
    )


# -- 6. negation across the clause, and shortages ------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Nggak pernah saya lihat petugasnya judes.", {("attitude", "positive")}),
        ("Tidak ramah dan tidak sopan.", {("attitude", "negative")}),
        ("Nggak ramah dan sopan.", {("attitude", "negative")}),
        ("Nggak sopan dan judes.", {("attitude", "negative")}),
        (
            "Nggak lambat dan ramah kok.",
            {("professionalism", "positive"), ("attitude", "positive")},
        ),
    ],
)
def test_negation_reaches_across_its_clause_and_coordinated_phrases(mini, sentence, expected):
    assert codes(answer(mini, sentence)) == expected


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("id", "Nggak ramah banget, nggak judes juga, Mas.", set()),
        ("id", "Nggak ramah, judes malah.", {("attitude", "negative")}),
        ("id", "Nggak ramah, nggak judes, tapi cepat.", {("professionalism", "positive")}),
        ("en", "Not friendly, not rude either.", set()),
        ("en", "Not friendly, rude even.", {("courtesy", "negative")}),
    ],
)
def test_a_criterion_denied_both_ways_is_neither(mini, clinic, language, sentence, expected):
    book = mini if language == "id" else clinic
    role = "masyarakat" if language == "id" else "patient"
    assert codes(answer(book, sentence, role=role)) == expected


def test_a_negator_inside_an_ignore_phrase_negates_nothing():
    book = parse_codebook(MINI_CODEBOOK + "ignore: [tidak apa-apa]\n")
    assert codes(answer(book, "Tidak apa-apa, petugasnya ramah.")) == {("attitude", "positive")}
    assert codes(answer(book, "Tidak apa-apa ramah juga.")) == {("attitude", "positive")}


@pytest.mark.parametrize(
    "sentence",
    [
        "Kursinya penuh semua.",
        "Tenda juga cuma satu.",
        "Kursinya rebutan, Mas.",
        "Cuma satu kursi buat yang nunggu.",
    ],
)
def test_a_facility_in_short_supply_is_a_shortage(sentence):
    book = parse_codebook(
        MINI_CODEBOOK.replace("positive: [gratis, tepat waktu]", "positive: [gratis, kursi, tenda]")
    )
    result = answer(book, sentence)
    assert codes(result) == {("reliability", "negative")}
    assert "a shortage" in result.codings.iloc[0]["rule"]


def test_a_shortage_in_english(clinic):
    book = parse_codebook(
        ENGLISH_CODEBOOK.replace("positive: [free, affordable]", "positive: [free, chairs]")
    )
    assert codes(answer(book, "There were too few chairs.", role="patient")) == {
        ("cost", "negative")
    }


# -- 7. spoken forms and morphology ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "spoken"),
    [
        ("dibiarkan", "Kami dibiarin aja di luar."),
        ("menunggu lama", "Nungguin lama banget."),
        ("dicuekin", "Kami dicuekin sama mereka."),
        ("dimintai uang", "Saya nggak pernah dimintain uang."),
        ("datang terlambat", "Petugasnya dateng terlambat."),
    ],
)
def test_spoken_forms_match_the_written_phrase(phrase, spoken):
    book = parse_codebook(
        MINI_CODEBOOK.replace("negative: [judes,", f"negative: [{phrase}, judes,")
    )
    assert ("attitude", "negative") in codes(answer(book, spoken)) | codes(
        answer(book, spoken.replace("nggak pernah ", ""))
    )


def test_a_phrase_in_a_derived_form_never_changes_how_another_phrase_matches():
    with_root = parse_codebook(
        MINI_CODEBOOK.replace("positive: [gratis,", "positive: [bersih, gratis,")
    )
    with_both = parse_codebook(
        MINI_CODEBOOK.replace("positive: [gratis,", "positive: [bersih, gratis,").replace(
            "negative: [pungli,", "negative: [kebersihan kurang, pungli,"
        )
    )
    sentence = "Kebersihannya bagus kok, ruangannya bersih."
    assert codes(answer(with_root, sentence)) == codes(answer(with_both, sentence))
    assert codes(answer(with_both, "Kebersihan kurang, Mas.")) == {("reliability", "negative")}


def test_a_derived_phrase_word_never_matches_the_bare_root():
    book = parse_codebook(
        MINI_CODEBOOK.replace("negative: [judes,", "negative: [dibiarkan, judes,")
    )
    # "biar" (let, so that) is the root of "dibiarkan" (left alone)
    assert codes(answer(book, "Biar saja, saya datang pagi.")) == set()
    assert codes(answer(book, "Kami dibiarkan saja.")) == {("attitude", "negative")}


def test_a_word_of_grammar_never_joins_a_roots_derivations_under_a_phrase():
    book = parse_codebook(
        MINI_CODEBOOK.replace("positive: [gratis, tepat waktu]", "positive: [gratis, dibetulkan]")
    )
    # "betul" (yes) is a short answer, not a phrase: "kebetulan" (by chance) is no repair.
    assert codes(answer(book, "Kebetulan saya datang pagi.")) == set()
    assert codes(answer(book, "Petugas membetulkan mejanya.")) == {("reliability", "positive")}


@pytest.mark.parametrize(
    ("phrase", "sentence", "expected"),
    [
        ("ditinggal", "Bapak mertua saya sudah meninggal.", set()),
        ("ditinggal", "Saya ditinggal petugasnya.", {("attitude", "negative")}),
        ("singkat", "Papannya banyak singkatan.", set()),
        ("singkat", "Penjelasannya singkat.", {("attitude", "negative")}),
    ],
)
def test_a_derivation_with_a_meaning_of_its_own_is_not_its_roots(phrase, sentence, expected):
    book = parse_codebook(
        MINI_CODEBOOK.replace("negative: [judes,", f"negative: [{phrase}, judes,")
    )
    assert codes(answer(book, sentence)) == expected


def test_wrong_stems_can_be_corrected_in_the_codebook():
    book = parse_codebook(
        MINI_CODEBOOK.replace("negative: [judes,", "negative: [bagian, judes,")
        + "morphology:\n  stems: {kebagian: kebagian}\n"
    )
    assert codes(answer(book, "Saya kebagian nomor pagi.")) == set()
    with pytest.raises(InputError, match=r"morphology\.stems"):
        parse_codebook(MINI_CODEBOOK + "morphology:\n  stems: [a, b]\n")


# -- 8. one coding per sentence, criterion and polarity ------------------------------------------


def test_one_coding_per_sentence_criterion_and_polarity_naming_every_phrase(mini):
    result = answer(mini, "Petugasnya ramah, sopan, sabar.")
    assert len(result.codings) == 1
    row = result.codings.iloc[0]
    assert (row["phrase"], row["phrases"]) == ("petugas ramah", "petugas ramah; sopan; sabar")
    assert row["matched"] == "Petugasnya ramah; sopan; sabar"


# -- phrases with words between them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Antriannya luar biasa panjang.", {("professionalism", "negative")}),
        ("Antriannya, panjang sekali.", set()),  # never across punctuation
        ("Antriannya nggak panjang.", {("professionalism", "positive")}),  # a negator stays one
    ],
)
def test_a_phrase_matches_with_words_between_its_words(mini, sentence, expected):
    assert codes(answer(mini, sentence)) == expected


def test_the_gap_is_the_codebooks_to_set(mini):
    exact = parse_codebook(MINI_CODEBOOK + "phrase_gap: 0\n")
    assert codes(answer(exact, "Antriannya luar biasa panjang.")) == set()
    with pytest.raises(InputError, match="phrase_gap"):
        parse_codebook(MINI_CODEBOOK + "phrase_gap: 9\n")


def test_changes_are_reported_with_the_word_that_made_them(mini):
    result = answer(mini, "Semoga petugasnya ramah.")
    assert isinstance(result.changes, pd.DataFrame)
    change = result.changes.iloc[0]
    assert (change["criterion"], change["change"], change["word"]) == ("attitude", "wish", "Semoga")


# -- explaining the rules ------------------------------------------------------------------------


def test_validate_notes_what_the_words_around_phrases_changed(corpus_dir, mini_codebook):
    from typer.testing import CliRunner

    from ektp_qual import validate
    from ektp_qual.cli import app

    folder = corpus_dir(
        {
            "M1": (
                "masyarakat",
                [
                    ("P", "Bagaimana sikap petugas saat melayani?"),
                    ("M1", "Petugasnya ramah, tapi ada yang judes. Semoga lebih cepat."),
                    ("P", "Antriannya panjang nggak?"),
                    ("M1", "Nggak kok."),
                    ("P", "Kalau kecepatannya?"),
                    ("M1", "Katanya lambat, tapi saya sebentar kok."),
                ],
            )
        }
    )
    book = parse_codebook(mini_codebook.read_text(), mini_codebook)
    corpus = corpus_from([parse_transcript((folder / "M1.txt").read_text(), folder / "M1.txt")])
    notes = validate(corpus, book)
    notes = notes[notes["level"] == "note"]["message"].tolist()
    assert any("conceded side of a contrast: 'tapi' 1" in n for n in notes)
    assert any("a wish or a condition: 'semoga' 1" in n for n in notes)
    assert any("before the speaker's own word: 'katanya' 1" in n for n in notes)
    assert any("1 short answer(s)" in n for n in notes)
    args = ["validate", "-t", str(folder), "-c", str(mini_codebook), "--strict"]
    result = CliRunner().invoke(app, args)
    assert "context:" in result.output
    # Notes ask nothing of the researcher: only warnings fail --strict.
    assert result.exit_code == (1 if "warning" in set(validate(corpus, book)["level"]) else 0)


def test_codebook_test_says_which_word_changed_an_example():
    from ektp_qual.loop.examples import check_examples

    book = parse_codebook(
        MINI_CODEBOOK.replace(
            "    negative: [judes, ketus, cuek, pilih kasih]",
            "    negative: [judes, ketus, cuek, pilih kasih]\n"
            "    examples:\n"
            "      negative:\n"
            '        - "Semoga nggak ada yang judes lagi."',
        )
    )
    result = check_examples(book).iloc[0]
    assert not result["passed"]
    assert result["changed"] == "attitude negative 'judes': wish 'Semoga'"


@pytest.mark.parametrize(
    "sentence",
    [
        "Kirain bakal ramah, Mas.",  # an expectation is not a report
        "Saya pakai kursi roda, Mas.",  # a wheelchair is not seating
        "Terima kasih, Mbak, nggak apa-apa kok.",
    ],
)
def test_expectations_and_fixed_expressions_are_not_evidence(sentence):
    book = parse_codebook(
        MINI_CODEBOOK.replace("positive: [gratis, tepat waktu]", "positive: [gratis, kursi]")
    )
    assert codes(answer(book, sentence)) == set()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Sekarang jauh lebih cepat, Mas.", {("professionalism", "positive")}),
        ("Ya nggak beda jauh, Mas.", set()),
        ("Kantornya jauh dari rumah.", {("attitude", "negative")}),
    ],
)
def test_a_word_of_degree_in_a_fixed_expression_is_not_a_distance(sentence, expected):
    book = parse_codebook(MINI_CODEBOOK.replace("negative: [judes,", "negative: [jauh, judes,"))
    assert codes(answer(book, sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The pharmacy is open late at night.", set()),
        ("The doctor was late.", {("waiting", "negative")}),
    ],
)
def test_a_time_of_day_is_not_a_late_service(sentence, expected):
    book = parse_codebook(
        ENGLISH_CODEBOOK.replace("negative: [long wait,", "negative: [late, long wait,")
    )
    assert codes(answer(book, sentence, role="patient")) == expected


def test_what_turned_out_wins_over_what_was_expected(mini):
    result = answer(mini, "Saya pikir judes, ternyata ramah sekali.")
    assert codes(result) == {("attitude", "positive")}


# -- the language's default judgements, with a codebook written from theory -------------------

# Basic keys only, as a researcher writes a codebook before any interview: no evaluative
# lists, no context words. Written for this test, on services other than e-KTP.
POST_OFFICE = """\
codebook: kantor-pos
title: Pelayanan loket kantor pos
language: id
criteria:
  - id: waktu
    label: Ketepatan waktu
    definition: Pelanggan dilayani tanpa menunggu terlalu lama.
    questions: ["Berapa lama Bapak/Ibu menunggu sampai dilayani?"]
    positive: [tepat waktu]
    negative: [antrian panjang]
  - id: sikap
    label: Sikap petugas loket
    definition: Petugas loket memperlakukan pelanggan dengan hormat.
    questions: ["Bagaimana sikap petugas loket kepada Bapak/Ibu?"]
    positive: [senyum]
    negative: [membentak]
  - id: biaya
    label: Biaya pengiriman
    definition: Tarif yang dibayar sesuai dengan yang tertera.
    questions: ["Apakah tarif pengiriman sesuai dengan yang tertera?"]
    positive: [sesuai tarif]
    negative: [biaya tambahan]
"""

LIBRARY = """\
codebook: library
title: A public library's lending service
language: en
criteria:
  - id: waiting
    label: Waiting
    definition: Borrowers are served without a long wait.
    questions: ["How long did you wait to be served?"]
    positive: [served straight away]
    negative: [long queue]
  - id: staff
    label: The staff's manner
    definition: Staff treat borrowers with courtesy and respect.
    questions: ["How did the staff treat you?"]
    positive: [smiled]
    negative: [shouted]
  - id: fees
    label: Fees and fines
    definition: What borrowers pay is fair and known in advance.
    questions: ["Were there any fees or fines to pay?"]
    positive: [no fine]
    negative: [hidden charge]
"""

# A codebook asks for the language's generic judgements with one key.
JUDGE = "default_judgements: true\n"

JUDGEMENTS = [
    # (codebook, question, answer, codes expected), each coded by hand before the coder ran
    (
        POST_OFFICE,
        "Nunggunya berapa lama waktu itu, Bu?",
        "Lama banget, Mas.",
        {("waktu", "negative")},
    ),
    (POST_OFFICE, "Kalau nunggunya, Pak?", "Nggak lama kok, cepat.", {("waktu", "positive")}),
    (
        POST_OFFICE,
        "Petugas loketnya gimana sama Ibu?",
        "Ramah-ramah kok, Mas.",
        {("sikap", "positive")},
    ),
    (POST_OFFICE, "Sikap petugasnya?", "Judes, Mas, saya jadi kesal.", {("sikap", "negative")}),
    (POST_OFFICE, "Soal tarifnya, Pak?", "Murah, Mas.", {("biaya", "positive")}),
    (POST_OFFICE, "Tarifnya gimana, Bu?", "Mahal, kemahalan malah.", {("biaya", "negative")}),
    (POST_OFFICE, "Anaknya sekolah di mana, Bu?", "Di SD dekat sini, bagus sekolahnya.", set()),
    (POST_OFFICE, "Ada lagi, Bu?", "Sudah, Mas, itu saja. Semoga lancar ya.", set()),
    (
        LIBRARY,
        "How long did you have to wait?",
        "It took ages, honestly.",
        {("waiting", "negative")},
    ),
    (
        LIBRARY,
        "And the wait this time?",
        "Not long at all, it was quick.",
        {("waiting", "positive")},
    ),
    (LIBRARY, "What were the staff like with you?", "They were lovely.", {("staff", "positive")}),
    (LIBRARY, "And how did the staff treat your son?", "Rude, frankly.", {("staff", "negative")}),
    (LIBRARY, "Were there any fees?", "A few, but it was affordable.", {("fees", "positive")}),
    (LIBRARY, "Do you have kids?", "Two, both lovely.", set()),
    (LIBRARY, "Anything else?", "No, that's it. Good luck with it all.", set()),
]


@pytest.mark.parametrize(("text", "question", "reply", "expected"), JUDGEMENTS)
def test_plain_judgements_count_for_the_criterion_the_question_asked_about(
    text, question, reply, expected
):
    result = answer(parse_codebook(text + JUDGE), reply, question=question)
    assert codes(result) == expected
    assert all("the language's default judgements" in r for r in result.codings["rule"])


# Answers that are a judgement and little else: they count without the key.
SHORT_JUDGEMENTS = {
    "Lama banget, Mas.",
    "Nggak lama kok, cepat.",
    "Ramah-ramah kok, Mas.",
    "Judes, Mas, saya jadi kesal.",
    "Murah, Mas.",
    "Mahal, kemahalan malah.",
    "It took ages, honestly.",
    "Not long at all, it was quick.",
    "They were lovely.",
    "Rude, frankly.",
}


@pytest.mark.parametrize(("text", "question", "reply", "expected"), JUDGEMENTS)
def test_unless_the_codebook_asks_for_them_plain_judgements_code_only_as_a_short_answer(
    text, question, reply, expected
):
    assert parse_codebook(text).discourse.evaluative_negative == ()
    result = answer(parse_codebook(text), reply, question=question)
    assert codes(result) == (expected if reply in SHORT_JUDGEMENTS else set())
    assert all(r.startswith("a short judging answer") for r in result.codings["rule"])


@pytest.mark.parametrize(
    ("text", "question", "reply", "expected"),
    [
        (POST_OFFICE, "Sikap petugasnya?", "Saya datang jam sembilan, petugasnya ramah.", set()),
        (POST_OFFICE, "Kalau nunggunya, Pak?", "Nggak, cepat kok.", {("waktu", "positive")}),
        (POST_OFFICE, "Kalau nunggunya, Pak?", "Lama, tapi cepat.", set()),
        (POST_OFFICE, "Soal tarifnya, Pak?", "Tarifnya murah, Mas.", {("biaya", "positive")}),
        # What the word before the judgement names belongs to another criterion.
        (POST_OFFICE, "Soal tarifnya, Pak?", "Petugasnya ramah, Mas.", set()),
        (LIBRARY, "How did the staff treat you?", "I went on a Tuesday, they were lovely.", set()),
        (
            LIBRARY,
            "How did the staff treat you?",
            "Very rude, to be honest.",
            {("staff", "negative")},
        ),
        (LIBRARY, "How long did you wait to be served?", "Quick, yes.", {("waiting", "positive")}),
    ],
)
def test_a_short_judging_answer_is_a_judgement_and_little_else(text, question, reply, expected):
    assert codes(answer(parse_codebook(text), reply, question=question)) == expected


@pytest.mark.parametrize(
    ("text", "question", "reply", "expected"),
    [
        (POST_OFFICE, "Berapa lama menunggu, Bu?", "Mudah kok, Mas.", {("waktu", "positive")}),
        (POST_OFFICE, "Berapa lama menunggu, Bu?", "Nggak mudah, Mas.", {("waktu", "negative")}),
        (POST_OFFICE, "Sikap petugasnya?", "Ya petugasnya nggak becus.", {("sikap", "negative")}),
        # "mudah-mudahan" is a wish, not the judgement "mudah".
        (POST_OFFICE, "Sikap petugasnya?", "Mudah-mudahan besok lebih baik.", set()),
        (LIBRARY, "How did the staff treat you?", "Not competent, no.", {("staff", "negative")}),
    ],
)
def test_the_plain_word_for_easy_and_for_competent_are_judgements(text, question, reply, expected):
    assert codes(answer(parse_codebook(text), reply, question=question)) == expected


def test_default_judgements_is_true_or_false():
    with pytest.raises(InputError, match="'default_judgements' must be true or false"):
        parse_codebook(POST_OFFICE + "default_judgements: yes please\n")


@pytest.mark.parametrize(
    ("text", "question", "reply", "expected"),
    [
        # "senyum" and "smiled" are the codebook's: the staff, whatever the question asked.
        (POST_OFFICE, "Nunggunya lama?", "Petugasnya senyum terus.", {("sikap", "positive")}),
        (LIBRARY, "How long did you wait?", "The staff smiled at me.", {("staff", "positive")}),
    ],
)
def test_a_word_the_codebook_lists_means_what_the_codebook_says(text, question, reply, expected):
    book = parse_codebook(
        text.replace("positive: [senyum]", "positive: [senyum, ramah]").replace(
            "positive: [smiled]", "positive: [smiled, lovely]"
        )
        + JUDGE
    )
    assert "ramah" not in book.discourse.evaluative_positive
    assert "lovely" not in book.discourse.evaluative_positive
    assert codes(answer(book, reply, question=question)) == expected
    assert codes(
        answer(book, "Ramah." if book.language == "id" else "Lovely.", question=question)
    ) == {expected.copy().pop()}


def test_the_codebook_adds_to_the_language_judgements_and_notes_only_its_own(corpus_dir):
    book = parse_codebook(POST_OFFICE + JUDGE + "evaluative:\n  negative: [ribet banget]\n")
    assert "ribet banget" in book.evaluative_negative
    assert "lama" in book.discourse.evaluative_negative
    result = answer(book, "Ribet banget, Mas.", question="Nunggunya berapa lama, Bu?")
    assert codes(result) == {("waktu", "negative")}
    assert set(result.unmatched_phrases()["list"]) == {"waktu", "sikap", "biaya"}


def test_codebook_test_says_a_default_judgement_coded_an_example():
    from ektp_qual.loop.examples import check_examples

    book = parse_codebook(
        POST_OFFICE.replace(
            "    negative: [antrian panjang]",
            "    negative: [antrian panjang]\n"
            "    examples:\n"
            "      positive:\n"
            '        - {text: "Lama, Mas.", question: "Nunggunya berapa lama?"}',
        )
        + JUDGE
    )
    result = check_examples(book).iloc[0]
    assert not result["passed"]
    assert (
        "waktu negative from 'lama' (the language's default judgements.negative" in result["fired"]
    )


@pytest.mark.parametrize(
    ("text", "question", "topic"),
    [
        # A word only the criterion's phrases have ("antrian panjang", "long queue").
        (POST_OFFICE, "Antriannya gimana, Bu?", "waktu"),
        (LIBRARY, "How was the queue?", "waiting"),
        # The root of a phrase's derived word ("membentak"), said in another form.
        (POST_OFFICE, "Dibentak nggak, Bu?", "sikap"),
        # Nothing of any criterion: no topic rather than a guess.
        (POST_OFFICE, "Anaknya sekolah di mana?", None),
        (LIBRARY, "Do you have kids?", None),
    ],
)
def test_a_question_is_read_from_the_criterion_phrases_words_and_roots(text, question, topic):
    from ektp_qual.coding.coder import Coder

    assert Coder(parse_codebook(text)).question_topic(question)[0] == topic


def test_a_plain_judgement_counts_for_a_topic_read_from_the_phrases():
    book = parse_codebook(POST_OFFICE + JUDGE)
    assert codes(answer(book, "Lama, Mas.", question="Antriannya gimana, Bu?")) == {
        ("waktu", "negative")
    }
    book = parse_codebook(LIBRARY + JUDGE)
    assert codes(answer(book, "Dreadful.", question="How was the queue?")) == {
        ("waiting", "negative")
    }


@pytest.mark.parametrize(
    ("text", "question", "reply", "expected"),
    [
        # A generic judgement never concedes a phrase that names the criterion.
        (
            POST_OFFICE,
            "Sikap petugasnya?",
            "Petugasnya senyum terus, tapi saya kesal.",
            {("sikap", "positive"), ("sikap", "negative")},
        ),
        (
            LIBRARY,
            "How did the staff treat you?",
            "They smiled, but it was awful.",
            {("staff", "positive"), ("staff", "negative")},
        ),
        # Fixed expressions hold no judgement: "at the most", a greeting.
        (POST_OFFICE, "Nunggunya berapa lama?", "Lima menit paling lama, Mas.", set()),
        (LIBRARY, "How long did you wait?", "Good morning! About ten minutes.", set()),
    ],
)
def test_generic_judgements_give_way_to_the_codebook_and_fixed_expressions(
    text, question, reply, expected
):
    assert codes(answer(parse_codebook(text + JUDGE), reply, question=question)) == expected


@pytest.mark.parametrize(
    ("text", "question", "reply", "expected"),
    [
        (POST_OFFICE, "Nunggunya lama, Bu?", "Nggak.", {("waktu", "positive")}),
        (POST_OFFICE, "Nunggunya lama, Bu?", "Iya, Mas.", {("waktu", "negative")}),
        (POST_OFFICE, "Petugas loketnya ramah, Pak?", "Iya.", {("sikap", "positive")}),
        # Negated in the question: a bare no means nothing either way.
        (POST_OFFICE, "Nunggunya nggak lama, Bu?", "Nggak.", set()),
        (LIBRARY, "Were the staff friendly with you?", "Yes.", {("staff", "positive")}),
        (LIBRARY, "Were the staff friendly with you?", "No, not really.", {("staff", "negative")}),
    ],
)
def test_a_question_put_in_a_plain_judgement_is_answered_by_a_short_answer(
    text, question, reply, expected
):
    result = answer(parse_codebook(text), reply, question=question)
    assert codes(result) == expected
    assert set(result.codings["method"]) <= {"answer"}


TRUST = {
    "id": POST_OFFICE.replace("positive: [senyum]", "positive: [senyum, jujur, terus terang]"),
    "en": LIBRARY.replace("positive: [smiled]", "positive: [smiled, honest, frank]"),
}


@pytest.mark.parametrize(
    ("language", "reply", "expected"),
    [
        ("id", "Jujur aja, saya jarang ke sini.", set()),
        ("id", "Terus terang saya lupa, Mas.", set()),
        ("id", "Sejujurnya saya nggak tahu.", set()),
        ("id", "Kalau mau jujur, saya lupa.", set()),
        # Opening its clause, with no subject, the word is an adverb: "honestly".
        ("id", "Jujur, saya jarang ke sini.", set()),
        ("id", "Capek, Mas, jujur.", set()),
        ("id", "Tapi jujur saya lupa.", set()),
        ("id", "Petugasnya jujur, Mas.", {("sikap", "positive")}),
        ("id", "Kerjanya jujur, nggak macam-macam.", {("sikap", "positive")}),
        ("en", "To be honest, I rarely come here.", set()),
        ("en", "Frankly, I forget.", set()),
        ("en", "I don't know, honestly.", set()),
        ("en", "I'll be honest, I forget.", set()),
        ("en", "But honest, I forget.", set()),
        ("en", "The staff were honest with me.", {("staff", "positive")}),
    ],
)
def test_a_candour_marker_frames_what_follows_and_is_no_evidence_of_trust(
    language, reply, expected
):
    question = "Ceritakan pengalamannya." if language == "id" else "Tell me about it."
    assert codes(answer(parse_codebook(TRUST[language]), reply, question=question)) == expected


def test_the_codebook_adds_its_own_candour_words():
    book = parse_codebook(TRUST["id"].replace("positive: [senyum,", "positive: [polos, senyum,"))
    assert codes(answer(book, "Polos aja, saya lupa.")) == {("sikap", "positive")}
    book = parse_codebook(
        TRUST["id"].replace("positive: [senyum,", "positive: [polos, senyum,")
        + "candour: [polos]\n"
    )
    assert codes(answer(book, "Polos aja, saya lupa.")) == set()
    assert codes(answer(book, "Petugasnya polos, Mas.")) == {("sikap", "positive")}


ROLE_BOOKS = {
    "id": POST_OFFICE.replace(
        "negative: [antrian panjang]", "negative: [antrian panjang, pelanggan terlantar]"
    )
    .replace("Pelanggan dilayani", "Warga dilayani")
    .replace("memperlakukan pelanggan", "memperlakukan warga")
    .replace("criteria:\n", "decision:\n  roles: [pelanggan]\ncriteria:\n", 1),
    "en": LIBRARY.replace("negative: [long queue]", "negative: [long queue, borrower ignored]")
    .replace("Borrowers are served", "Readers are served")
    .replace("treat borrowers", "treat readers")
    .replace("criteria:\n", "decision:\n  roles: [borrower]\ncriteria:\n", 1),
}


@pytest.mark.parametrize(
    ("language", "question", "topic"),
    [
        ("id", "Sebagai pelanggan, menurut Ibu gimana?", None),
        ("id", "Pelanggannya gimana, Bu?", None),
        ("id", "Sebagai pelanggan, antriannya gimana?", "waktu"),
        ("en", "As a borrower, what do you think overall?", None),
        ("en", "Do other borrowers think so too?", None),
        ("en", "As a borrower, how long did you wait?", "waiting"),
    ],
)
def test_the_deciding_role_is_who_is_asked_not_the_topic(language, question, topic):
    from ektp_qual.coding.coder import Coder

    assert Coder(parse_codebook(ROLE_BOOKS[language])).question_topic(question)[0] == topic


@pytest.mark.parametrize(
    ("language", "reply", "expected"),
    [
        ("id", "Saya ambil nomor antrean dulu di mesin.", set()),
        ("id", "Ada nomor antriannya sekarang, Mas.", set()),
        ("id", "Saya antre dua jam, Mas.", {("waktu", "negative")}),
        ("id", "Dipanggil sesuai nomor antrian kok.", {("waktu", "positive")}),
        ("en", "I took a queue number at the door.", set()),
        ("en", "There was a queue right out the door.", {("waiting", "negative")}),
    ],
)
def test_a_queue_number_is_a_ticket_not_the_queue(language, reply, expected):
    books = {
        "id": POST_OFFICE.replace(
            "positive: [tepat waktu]", "positive: [tepat waktu, sesuai nomor antrian]"
        ).replace("negative: [antrian panjang]", "negative: [antrian panjang, antre]"),
        "en": LIBRARY.replace("negative: [long queue]", "negative: [long queue, queue]"),
    }
    question = "Ceritakan pengalamannya." if language == "id" else "Tell me about it."
    assert codes(answer(parse_codebook(books[language]), reply, question=question)) == expected


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # Only the root is shared, in another derivation: too weak for a topic.
        ("Pengalamannya gimana, Bu?", None),
        ("Yang perlu diperbaiki apa, Pak?", None),
        # Either voice of the same verb is the same word.
        ("Pernah dibentak, Bu?", "sikap"),
    ],
)
def test_a_root_shared_in_another_derivation_is_weak_evidence_of_a_topic(question, topic):
    from ektp_qual.coding.coder import Coder

    book = POST_OFFICE.replace("positive: [senyum]", "positive: [senyum, berpengalaman]").replace(
        "positive: [sesuai tarif]", "positive: [sesuai tarif, tarif baik]"
    )
    assert Coder(parse_codebook(book)).question_topic(question)[0] == topic


@pytest.mark.parametrize(
    ("text", "question", "topic"),
    [
        (
            POST_OFFICE.replace(
                "Petugas loket memperlakukan pelanggan dengan hormat.",
                "Petugas loket menghormati warga yang menunggu sampai dilayani.",
            ),
            "Menunggu sampai dilayani, Bu?",
            "waktu",
        ),
        (
            LIBRARY.replace(
                "Staff treat borrowers with courtesy and respect.",
                "Staff are courteous to readers who wait to be served.",
            ),
            "Did you wait to be served?",
            "waiting",
        ),
        # One shared word is no repeated guide question: the tie stays a tie.
        (
            POST_OFFICE.replace(
                "Petugas loket memperlakukan pelanggan dengan hormat.",
                "Petugas loket menghormati warga yang menunggu sampai dilayani.",
            ),
            "Dilayani, Bu?",
            None,
        ),
    ],
)
def test_a_question_that_repeats_a_guide_question_asks_its_criterion(text, question, topic):
    from ektp_qual.coding.coder import Coder

    assert Coder(parse_codebook(text)).question_topic(question)[0] == topic


@pytest.mark.parametrize(
    "reply", ["Resi-nya hilang, Mas.", "Resinya hilang, Mas.", "Resi hilang, Mas."]
)
def test_a_phrase_written_with_a_hyphened_clitic_is_one_word(reply):
    book = POST_OFFICE.replace(
        "negative: [biaya tambahan]", "negative: [biaya tambahan, resi-nya hilang]"
    )
    assert codes(answer(parse_codebook(book), reply)) == {("biaya", "negative")}


@pytest.mark.parametrize(
    ("language", "reply", "expected"),
    [
        # A phrase of two words holds in the other order too, as written.
        ("id", "Panjang antrian di loket itu.", {("waktu", "negative")}),
        ("id", "Yang saya kenal, kecewa semua.", {("sikap", "negative")}),
        ("en", "Parking free after six, which helps.", {("fees", "positive")}),
        # Not through a derivation: turning the water off is no outage.
        ("id", "Petugas matiin air dulu buat perbaikan.", set()),
        ("id", "Di rumah saya mati air tiga hari.", {("waktu", "negative")}),
        # Nor a phrase that holds a negator: "ribet tidak karuan" is no "tidak ribet".
        ("id", "Ribet tidak karuan, Mas.", set()),
    ],
)
def test_a_phrase_of_two_words_holds_in_either_order(language, reply, expected):
    books = {
        "id": POST_OFFICE.replace(
            "negative: [antrian panjang]", "negative: [antrian panjang, air mati]"
        )
        .replace("positive: [tepat waktu]", "positive: [tepat waktu, tidak ribet]")
        .replace("negative: [membentak]", "negative: [membentak, semua kecewa]"),
        "en": LIBRARY.replace("positive: [no fine]", "positive: [no fine, free parking]"),
    }
    question = "Ceritakan pengalamannya." if language == "id" else "Tell me about it."
    assert codes(answer(parse_codebook(books[language]), reply, question=question)) == expected


@pytest.mark.parametrize(
    ("question", "reply", "expected"),
    [
        ("How did the staff treat you?", "Fine, yes.", {("staff", "positive")}),
        ("How long did you wait to be served?", "Too long.", {("waiting", "negative")}),
        ("How long did you wait to be served?", "Not long at all.", {("waiting", "positive")}),
    ],
)
def test_fine_and_long_are_short_judging_answers_in_english(question, reply, expected):
    assert codes(answer(parse_codebook(LIBRARY), reply, question=question)) == expected
