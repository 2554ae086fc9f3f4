"""Coding: morphology, negation, structural coding, overlaps and provenance."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ektp_qual import code_corpus, parse_codebook, parse_transcript
from ektp_qual.coding import coder as coding
from ektp_qual.inputs.transcripts import corpus_from

from .conftest import ENGLISH_CODEBOOK, MINI_CODEBOOK, transcript_text


@pytest.fixture(scope="module")
def codebook():
    return parse_codebook(MINI_CODEBOOK, "mini.yaml")


def code(codebook, *turns: tuple[str, str], informant: str = "M01", role: str = "masyarakat"):
    text = transcript_text(informant, role, list(turns))
    corpus = corpus_from([parse_transcript(text, f"{informant}.txt")])
    return code_corpus(corpus, codebook)


def codings_of(codebook, answer: str, question: str = "Ceritakan pengalaman Ibu.") -> pd.DataFrame:
    return code(codebook, ("P", question), ("M01", answer)).codings


def pairs(codings: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(codings["criterion"], codings["polarity"], strict=True))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Antriannya panjang sekali.", {("professionalism", "negative")}),
        ("Antreannya panjang, Mas.", {("professionalism", "negative")}),
        ("ANTREAN PANJANG!", {("professionalism", "negative")}),
        ("Petugasnya ramah kok.", {("attitude", "positive")}),
        ("Blankonya habis, katanya.", {("professionalism", "negative")}),
        ("Keramahan petugasnya luar biasa.", {("attitude", "positive")}),
        ("Pelayanannya cepet banget.", {("professionalism", "positive")}),
    ],
)
def test_morphology_clitics_variants_and_derivation(codebook, answer, expected):
    assert pairs(codings_of(codebook, answer)) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "Saya dari desa sebelah, Mas.",  # desa (village) is not berdesakan (crowded)
        "Selama ini saya tinggal di sini.",  # se- derivation of 'lama' is not followed
        "Itu masalahnya, Mas.",  # -lah of a root word is not a clitic
        "Petugasnya datang.",  # 'petugas' alone is not the phrase 'petugas ramah'
    ],
)
def test_robust_is_not_loose(codebook, answer):
    assert codings_of(codebook, answer).empty


def test_berdesakan_matches_itself_with_clitic(codebook):
    assert pairs(codings_of(codebook, "Orangnya berdesakan di dalam.")) == {
        ("professionalism", "negative")
    }


@pytest.mark.parametrize(
    ("answer", "polarity", "negator"),
    [
        ("Petugasnya tidak ramah.", "negative", "tidak"),
        ("Kurang ramah, Mas.", "negative", "Kurang"),
        ("Tidak ada pungli sama sekali.", "positive", "Tidak"),
        ("Nggak ada pungli kok.", "positive", "Nggak"),
        ("Tidak terlalu lambat juga.", "positive", "Tidak"),
    ],
)
def test_negation_flips_polarity(codebook, answer, polarity, negator):
    codings = codings_of(codebook, answer)
    assert len(codings) == 1
    row = codings.iloc[0]
    assert row["polarity"] == polarity
    assert bool(row["negated"]) is True
    assert row["method"] == "negated phrase"
    assert row["negator"] == negator


def test_negation_stays_in_its_clause_and_window(codebook):
    # the comma ends the negator's reach; 'ramah' keeps its polarity
    assert pairs(codings_of(codebook, "Tidak, petugasnya ramah.")) == {("attitude", "positive")}
    # 'tapi' is not a negator and 'judes' after it is negative
    codings = codings_of(codebook, "Tidak lambat, tapi judes.")
    assert pairs(codings) == {("professionalism", "positive"), ("attitude", "negative")}
    # a negator in another sentence does not reach
    assert pairs(codings_of(codebook, "Tidak. Ramah kok.")) == {("attitude", "positive")}


def test_longest_phrase_wins(codebook):
    codings = codings_of(codebook, "Petugas ramah semua.")
    assert list(codings["phrase"]) == ["petugas ramah"]
    codings = codings_of(codebook, "Katanya ada pungutan liar.")
    assert list(codings["phrase"]) == ["pungutan liar"]


def test_structural_coding_attributes_generic_judgements_to_the_question(codebook):
    result = code(
        codebook,
        ("P", "Bagaimana sikap petugas saat melayani?"),
        ("M01", "Sudah baik, Mas."),
        ("P", "Kalau perilaku petugasnya ke warga, menurut Ibu bagaimana sikapnya?"),
        ("M01", "Ya kecewa saya."),
        ("P", "Terus?"),
        ("M01", "Nggak bagus."),
        ("P", "Ibu sudah berapa lama tinggal di kampung ini, Bu, sejak kecil?"),
        ("M01", "Sudah baik lah di sini."),
    )
    codings = result.codings
    assert list(codings["method"]) == ["structural"] * 3
    assert list(codings["criterion"]) == ["attitude"] * 3
    assert list(codings["polarity"]) == ["positive", "negative", "negative"]
    assert list(codings["phrase"]) == ["baik", "kecewa", "bagus"]
    segments = result.segments
    assert segments["topic"].tolist() == ["attitude", "attitude", "attitude", ""]


def test_generic_judgement_without_a_guide_question_is_not_evidence(codebook):
    assert codings_of(codebook, "Bagus, Mas.", question="Apa kabar, Bu?").empty


def test_interviewer_turns_are_never_coded(codebook):
    result = code(codebook, ("P", "Apakah petugasnya ramah dan cepat?"), ("M01", "Oh, iya."))
    assert result.segments["text"].tolist() == ["Oh, iya."]
    # The question's phrases are not the informant's evidence: only the answer is.
    assert set(result.codings["method"]) == {"answer"}
    result = code(codebook, ("P", "Apakah petugasnya ramah dan cepat?"), ("M01", "Hmm."))
    assert result.codings.empty


def test_segments_trace_back_to_the_body(codebook):
    text = transcript_text(
        "M07",
        "masyarakat",
        [
            ("P", "Bagaimana pengalaman Ibu?"),
            ("M07", "[00:04:12] Antriannya panjang sekali. Saya datang jam tujuh pagi,"),
        ],
    )
    text += "baru dipanggil jam dua siang.\n\nPetugasnya ramah, tapi ada satu yang judes.\n"
    transcript = parse_transcript(text, "M07.txt")
    result = code_corpus(corpus_from([transcript]), codebook)
    segments = result.segments
    assert segments["text"].tolist() == [
        "Antriannya panjang sekali.",
        "Saya datang jam tujuh pagi,\nbaru dipanggil jam dua siang.",
        "Petugasnya ramah, tapi ada satu yang judes.",
    ]
    for row in segments.itertuples():
        assert transcript.body[row.start : row.end] == row.text
    assert segments["line"].tolist() == [6, 6, 9]
    codings = result.codings
    for row in codings.itertuples():
        assert transcript.body[row.start : row.end] == row.text
    assert set(codings["codebook_sha256"]) == {codebook.sha256[:12]}
    assert {"segment_id", "method", "phrase", "negated", "start", "end", "rule"} <= set(
        codings.columns
    )


def test_one_sentence_with_both_polarities_counts_once_each(codebook):
    codings = codings_of(codebook, "Ada yang ramah, ada yang judes, ada yang sopan.")
    assert sorted(zip(codings["polarity"], codings["phrases"], strict=True)) == [
        ("negative", "judes"),
        ("positive", "ramah; sopan"),
    ]


def test_segment_ids_are_stable_across_codebooks_and_edits(codebook):
    turns = [("P", "Bagaimana?"), ("M01", "Iya. Petugasnya ramah. Iya.")]
    first = code(codebook, *turns).segments["segment_id"].tolist()
    other_book = parse_codebook(MINI_CODEBOOK.replace("sopan", "santun"), "other.yaml")
    assert code(other_book, *turns).segments["segment_id"].tolist() == first
    edited = [("P", "Pertanyaan lain yang panjang?"), ("M01", "Halo."), *turns]
    assert code(codebook, *edited).segments["segment_id"].tolist()[1:] == first
    assert len(set(first)) == 3  # the repeated "Iya." gets its own id


def test_nothing_assumes_indonesian_or_six_criteria():
    book = parse_codebook(ENGLISH_CODEBOOK, "clinic.yaml")
    text = transcript_text(
        "pt-1",
        "patient",
        [
            ("Interviewer", "How did the staff treat you?"),
            ("R", "The nurse was not rude at all. Fine, really."),
            ("Interviewer", "How long did you wait?"),
            ("R", "A long wait. It was slow."),
        ],
    )
    corpus = corpus_from([parse_transcript(text, "pt-1.txt")])
    codings = code_corpus(corpus, book).codings
    assert list(zip(codings["criterion"], codings["polarity"], codings["method"], strict=True)) == [
        ("courtesy", "positive", "negated phrase"),
        ("courtesy", "positive", "structural"),
        ("waiting", "negative", "phrase"),
        ("waiting", "negative", "phrase"),
    ]


def test_spellings_that_read_the_same_are_one_rule():
    book = parse_codebook(
        MINI_CODEBOOK.replace(
            "negative: [judes, ketus, cuek, pilih kasih]",
            "negative: [tidak ada kursi, nggak ada kursi, gak ada kursi, judes]",
        )
    )
    result = code(book, ("P", "Bagaimana?"), ("M01", "Nggak ada kursi, Mas."))
    assert list(result.codings["phrase"]) == ["tidak ada kursi"]
    unmatched = set(result.unmatched_phrases()["phrase"])
    assert "judes" in unmatched
    assert not {"tidak ada kursi", "nggak ada kursi", "gak ada kursi"} & unmatched


def test_wishes_and_multiword_markers():
    book = parse_codebook(
        MINI_CODEBOOK.replace(
            "evaluative:",
            "irrealis: [semoga, mudah-mudahan, kalau bisa]\n"
            "clause_breaks: [tapi, walaupun begitu]\nevaluative:",
        ).replace("negators: [tidak,", "negators: [tidak ada, tidak,")
    )
    for wish in [
        "Semoga petugasnya ramah.",
        "Mudah-mudahan lebih cepat.",
        "Kalau bisa petugasnya sabar.",
    ]:
        assert code(book, ("P", "Bagaimana?"), ("M01", wish)).codings.empty, wish
    codings = code(book, ("P", "Bagaimana?"), ("M01", "Tidak, walaupun begitu ramah.")).codings
    assert list(codings["polarity"]) == ["positive"]
    codings = code(book, ("P", "Bagaimana?"), ("M01", "Tidak ada yang judes.")).codings
    assert list(zip(codings["polarity"], codings["negator"], strict=True)) == [
        ("positive", "Tidak ada")
    ]


def test_a_phrase_split_by_a_line_break_still_matches(codebook):
    # Hard-wrapped transcripts continue a turn on the next line (docs/formats.md).
    result = code(
        codebook,
        ("P", "Bagaimana kecepatan proses perekaman, cepat atau lambat?"),
        ("M01", "Ya itu, antriannya\npanjang sekali, Mas."),
    )
    coding = result.codings.iloc[0]
    assert (coding["criterion"], coding["polarity"], coding["phrase"]) == (
        "professionalism",
        "negative",
        "antrian panjang",
    )
    assert coding["matched"] == "antriannya\npanjang"
    assert coding["text"] == "Ya itu, antriannya\npanjang sekali, Mas."


def test_a_negator_split_by_a_line_break_is_reported_on_one_line():
    book = parse_codebook(
        MINI_CODEBOOK.replace("negators: [tidak,", "negators: [tidak ada, tidak,")
    )
    codings = code(book, ("P", "Bagaimana?"), ("M01", "Tidak\nada yang judes.")).codings
    assert list(zip(codings["polarity"], codings["negator"], strict=True)) == [
        ("positive", "Tidak ada")
    ]


def test_coding_does_not_depend_on_how_paragraphs_are_batched(codebook, monkeypatch):
    # Paragraphs are tokenised and split into sentences a batch at a time.
    answers = [
        "Petugasnya ramah.\n\nTapi antriannya panjang, Mas. Tidak ada pungli.",
        "",
        "Ya. Blangkonya habis!\n\nNggak judes kok... Petugas ramah.",
    ]
    turns = [("P", "Bagaimana sikap petugas?")]
    for answer in answers:
        turns += [("M01", answer or "Hmm."), ("P", "Terus?")]
    whole = code(codebook, *turns)
    monkeypatch.setattr(coding, "_BATCH", 2)
    batched = code(codebook, *turns)
    pd.testing.assert_frame_equal(whole.segments, batched.segments)
    pd.testing.assert_frame_equal(whole.codings, batched.codings)
    # A turn's sentences are numbered through all its paragraphs.
    numbers = list(zip(whole.segments["turn"], whole.segments["sentence"], strict=True))
    assert numbers == [(1, 1), (1, 2), (1, 3), (2, 1), (3, 1), (3, 2), (3, 3)]


def test_a_sentence_said_again_codes_for_the_question_it_answers(codebook):
    # The coder reads each distinct sentence once; a generic judgement still counts
    # for the topic of the question each time it answers, and one that answers no
    # guide question is no evidence.
    result = code(
        codebook,
        ("P", "Bagaimana sikap petugas saat melayani?"),
        ("M01", "Sudah baik, Mas. Petugasnya ramah."),
        ("P", "Apakah ada biaya atau pungutan dalam pembuatan e-KTP?"),
        ("M01", "Sudah baik, Mas. Petugasnya ramah."),
        ("P", "Ibu sudah berapa lama tinggal di kampung ini, Bu, sejak kecil?"),
        ("M01", "Sudah baik, Mas. Petugasnya ramah."),
    )
    codings = result.codings
    assert list(zip(codings["criterion"], codings["method"], strict=True)) == [
        ("attitude", "structural"),
        ("attitude", "phrase"),
        ("reliability", "structural"),
        ("attitude", "phrase"),
        ("attitude", "phrase"),
    ]
    assert codings["rule"].iloc[2] == "evaluative.positive in an answer about reliability"
    assert codings["segment_id"].nunique() == 5


def test_a_sentence_said_again_keeps_its_own_line_breaks_and_place(codebook):
    answer = "Antriannya\npanjang, Mas. Antriannya panjang, Mas."
    result = code(codebook, ("P", "Ceritakan pengalaman Ibu."), ("M01", answer))
    codings = result.codings
    assert codings["matched"].tolist() == ["Antriannya\npanjang", "Antriannya panjang"]
    assert codings["start"].tolist() == result.segments["start"].tolist()
    first, second = result.segments["line"].tolist()
    assert second == first + 1


def test_a_phrase_written_across_a_sentence_end_still_matches():
    # Such a phrase makes where a sentence stands matter: each is read in its paragraph.
    book = parse_codebook(
        MINI_CODEBOOK.replace("[gratis, tepat waktu]", '[gratis, tepat waktu, "cepat. ramah"]'),
        "mini.yaml",
    )
    answers = ("Prosesnya cepat. Ramah juga.", "Prosesnya cepat. Lama juga.")
    turns = [turn for answer in answers for turn in (("P", "Ceritakan."), ("M01", answer))]
    codings = code(book, *turns).codings
    assert list(zip(codings["phrase"], codings["matched"], strict=True)) == [
        ("cepat. ramah", "cepat. Ramah"),
        ("cepat", "cepat"),
        ("lama", "Lama"),
    ]


def test_coding_does_not_depend_on_how_many_sentences_are_remembered(codebook, monkeypatch):
    turns = [("P", "Bagaimana sikap petugas saat melayani?")]
    for answer in ("Ramah. Tidak ramah.", "Ramah. Sudah baik.", "Tidak ramah.\n\nRamah."):
        turns += [("M01", answer), ("P", "Terus?")]
    remembered = code(codebook, *turns)
    monkeypatch.setattr(coding, "_SENTENCES_KEPT", 1)
    forgotten = code(codebook, *turns)
    pd.testing.assert_frame_equal(remembered.segments, forgotten.segments)
    pd.testing.assert_frame_equal(remembered.codings, forgotten.codings)
    pd.testing.assert_frame_equal(remembered.changes, forgotten.changes)
    assert remembered.codings["polarity"].tolist() == [
        *("positive", "negative", "positive", "positive", "negative", "positive"),
    ]


@pytest.fixture(scope="module")
def coder(codebook):
    return coding.Coder(codebook)


_SAID = [
    "Petugasnya ramah.",
    "Tidak ramah, Mas.",
    "Sudah baik.",
    "Antriannya panjang\nsekali.",
    "Tapi tidak ada pungli.",
    "Belum.",
    "Iya.",
    "Nggak judes kok... Petugas ramah.",
]
_ASKED = [
    "Bagaimana sikap petugas saat melayani?",
    "Apakah ada biaya atau pungutan dalam pembuatan e-KTP?",
    "Sudah tepat waktu?",
    "Terus?",
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(
            st.tuples(st.sampled_from(_ASKED), st.lists(st.sampled_from(_SAID), min_size=1)),
            min_size=1,
            max_size=4,
        ),
        min_size=2,
        max_size=3,
    )
)
def test_each_transcript_codes_the_same_alone_or_among_others(coder, interviews):
    # What a sentence codes is remembered across the corpus: never across contexts.
    parsed = []
    for n, interview in enumerate(interviews):
        turns = [t for asked, said in interview for t in (("P", asked), ("M", " ".join(said)))]
        informant = f"M{n:02d}"
        turns = [(informant if who == "M" else who, words) for who, words in turns]
        text = transcript_text(informant, "masyarakat", turns)
        parsed.append(parse_transcript(text, f"{informant}.txt"))
    together = coder.code(corpus_from(parsed))
    alone = [coder.code(corpus_from([t])) for t in parsed]
    for name in ("segments", "codings", "changes"):
        expected = pd.concat([getattr(r, name) for r in alone], ignore_index=True)
        pd.testing.assert_frame_equal(getattr(together, name), expected, check_dtype=False)


def test_coding_leaves_the_programs_frozen_objects_frozen(codebook):
    """The coder moves what it made to the oldest generation by freezing and unfreezing
    the collector's objects; objects a program froze itself (before forking workers)
    must stay frozen."""
    import gc

    kept = [["a program's own object"]]
    gc.freeze()
    try:
        assert pairs(codings_of(codebook, "Petugasnya ramah kok.")) == {("attitude", "positive")}
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())  # still frozen: in no generation
        assert gc.isenabled()
    finally:
        gc.unfreeze()
