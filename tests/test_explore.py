"""Exploratory analyses: concordance, co-occurrence and saturation, and ``Coder.find``."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import ektp_qual
from ektp_qual import Coder, code_corpus, parse_codebook, parse_transcript
from ektp_qual.analysis.explore import (
    COOCCURRENCE_COLUMNS,
    KWIC_COLUMNS,
    SATURATION_COLUMNS,
    cooccurrence,
    cooccurrence_matrix,
    kwic,
    saturation,
    saturation_summary,
)
from ektp_qual.inputs.transcripts import corpus_from

from .conftest import MINI_CODEBOOK, transcript_text

# Not a guide question: answers to it get no structural coding, only phrase codings.
OPEN = "Ceritakan pengalaman Ibu waktu itu."


@pytest.fixture(scope="module")
def book():
    return parse_codebook(MINI_CODEBOOK, "mini.yaml")


@pytest.fixture(scope="module")
def sample():
    return ektp_qual.analyse().reduction


def reduce(book, spec: dict[str, list[str]], *, personal_data: bool = False, **attributes):
    """A reduction of one transcript per informant, each answer to the open question."""
    transcripts = [
        parse_transcript(
            transcript_text(
                informant,
                "masyarakat",
                [turn for answer in answers for turn in (("P", OPEN), (informant, answer))],
                **attributes,
            ),
            f"{informant}.txt",
        )
        for informant, answers in spec.items()
    ]
    return ektp_qual.reduce(corpus_from(transcripts), book, personal_data=personal_data)


def body(reduction, informant: str) -> str:
    return next(t.body for t in reduction.corpus.transcripts if t.informant == informant)


# -- kwic ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def one(book):
    return reduce(
        book,
        {
            "M01": [
                "Antreannya panjang sekali. Antrian yang panjang juga ada.\n"
                "Kami berdesakan di depan kantor desa, petugasnya ramah tapi\n"
                "antrian panjang. Selamat pagi.",
                "Keramahan petugas luar biasa, ramahnya tulus. RAMAH sekali, dilayani dengan "
                "baik. Bu Sari juga ramah.",
            ]
        },
        name="Ibu Sari",
    )


def matches(reduction, phrase: str) -> list[str]:
    table = kwic(reduction, phrase)
    return [
        body(reduction, informant)[start:end]
        for informant, start, end in zip(
            table["informant"], table["start"], table["end"], strict=True
        )
    ]


def test_kwic_columns_and_offsets_slice_the_body(one):
    table = kwic(one, "antrian panjang")
    assert list(table.columns) == KWIC_COLUMNS
    text = body(one, "M01")
    assert [text[s:e] for s, e in zip(table["start"], table["end"], strict=True)] == [
        "Antreannya panjang",
        "Antrian yang panjang",
        "antrian panjang",
    ]
    assert list(table["match"]) == ["Antreannya panjang", "Antrian yang panjang", "antrian panjang"]
    # The line is the match's own, not the line its sentence starts on.
    transcript = one.corpus.transcripts[0]
    expected = [transcript.body_line + text[:s].count("\n") for s in table["start"]]
    assert list(table["line"]) == expected
    assert (
        table["line"].iloc[2]
        == one.segments.set_index("segment_id").loc[table["segment_id"].iloc[2], "line"] + 1
    )


def test_kwic_morphology_clitics_variants_derivation(one):
    # Variant and clitic (antreannya), and up to phrase_gap words in between.
    assert matches(one, "antrian panjang") == [
        "Antreannya panjang",
        "Antrian yang panjang",
        "antrian panjang",
    ]
    # Derivation to a root the codebook uses, clitics, any case.
    assert matches(one, "ramah") == ["ramah", "Keramahan", "ramahnya", "RAMAH", "ramah"]
    # A root the codebook does not use is matched as if it were added to it.
    assert matches(one, "layan") == ["dilayani"]
    # The phrase's own spelling variants and clitics normalise too.
    assert matches(one, "Antreannya  Panjang") == matches(one, "antrian panjang")


def test_kwic_desa_never_finds_berdesakan_and_matches_whole_words(one):
    assert matches(one, "desa") == ["desa"]
    assert matches(one, "berdesakan") == ["berdesakan"]
    assert matches(one, "lama") == []  # not inside "Selamat"
    assert matches(one, "sela") == []
    assert matches(one, "tug") == []
    assert kwic(one, "lama").columns.tolist() == KWIC_COLUMNS


def test_kwic_criteria_of_the_sentence(one):
    table = kwic(one, "ramah")
    assert list(table["criteria"]) == [
        "attitude +; professionalism -",
        "attitude +",
        "attitude +",
        "attitude +",
        "attitude +",
    ]
    selamat = kwic(one, "selamat pagi")
    assert list(selamat["criteria"]) == [""]


def test_kwic_context_is_cut_at_word_boundaries(one):
    wide = kwic(one, "ramah", width=200)
    sentences = one.segments.set_index("segment_id")["text"]
    for row in wide.itertuples():
        assert row.left + row.match + row.right == " ".join(sentences[row.segment_id].split())
    narrow = kwic(one, "ramah", width=20).iloc[0]
    assert narrow["left"] == "…desa, petugasnya "
    assert narrow["right"] == " tapi antrian…"
    assert kwic(one, "desa", width=12).iloc[0][["left", "right"]].tolist() == [
        "…kantor ",
        ",…",  # ", petugasny" would end mid-word
    ]
    for width in (1, 5, 20):
        table = kwic(one, "ramah", width=width)
        assert (table["left"].str.len() <= width).all()
        assert (table["right"].str.len() <= width).all()
    with pytest.raises(ValueError, match="width"):
        kwic(one, "ramah", width=0)


def test_kwic_matches_real_text_and_shows_masked_text(one, book):
    table = kwic(one, "sari")
    assert table[["left", "match", "right"]].iloc[0].tolist() == ["Bu ", "[NAME]", " juga ramah."]
    start, end = table[["start", "end"]].iloc[0]
    assert body(one, "M01")[start:end] == "Sari"
    assert kwic(one, "juga ramah")["left"].tolist() == ["Bu [NAME] "]
    private = reduce(
        book,
        {"M01": ["Bu Sari juga ramah."]},
        personal_data=True,
        name="Ibu Sari",
    )
    assert kwic(private, "sari")["match"].tolist() == ["Sari"]


@pytest.mark.parametrize("phrase", ["", "   ", "...", " , ! "])
def test_kwic_phrase_without_words(one, phrase):
    with pytest.raises(ValueError, match="no words"):
        kwic(one, phrase)


def test_kwic_on_the_sample(sample):
    table = kwic(sample, "antrian panjang")
    assert len(table) >= 4
    assert table["match"].str.lower().str.startswith("antrian").all()
    # One officer concedes the queue and lands on the process: "..., tapi prosesnya lancar".
    assert (table["criteria"].str.contains("professionalism -")).sum() >= len(table) - 1
    assert not kwic(sample, "desa")["match"].str.contains("desak", case=False).any()


# -- Coder.find ------------------------------------------------------------------------


def test_find_spans(book):
    coder = Coder(book)
    texts = ["Antrean panjang, antriannya panjang.", "Berdesakan di desa.", "Tidak ada."]
    spans = coder.find("antrian panjang", texts)
    assert spans == [[(0, 15), (17, 35)], [], []]
    assert coder.find("desa", texts) == [[], [(14, 18)], []]
    with pytest.raises(ValueError):
        coder.find("", texts)


def test_find_leaves_the_coding_unchanged(book):
    text = transcript_text(
        "M01", "masyarakat", [("P", OPEN), ("M01", "Dilayani cepat, pelayanan ramah, desa jauh.")]
    )
    corpus = corpus_from([parse_transcript(text, "M01.txt")])
    coder = Coder(book)
    before = coder.code(corpus).codings
    assert coder.find("layan", ["Dilayani cepat."]) == [[(0, 8)]]
    assert coder.find("jauh desa", ["desa jauh"]) == [[]]
    pd.testing.assert_frame_equal(coder.code(corpus).codings, before)


def test_find_is_consistent_with_the_coder():
    """Every phrase behind a coding lies in its sentence where ``find`` finds it."""
    corpus = ektp_qual.read_corpus(ektp_qual.sample_transcripts())
    book = ektp_qual.read_codebook(ektp_qual.sample_codebook())
    coder = Coder(book)
    result = coder.code(corpus)
    codings = result.codings
    texts = result.segments.set_index("segment_id")["text"]
    phrases = {
        *(p for c in book.criteria for p in (*c.positive, *c.negative)),
        *book.evaluative_positive,
        *book.evaluative_negative,
    }
    by_phrase = codings[codings["method"] != "answer"]
    fresh = Coder(book)
    checked = 0
    for row in by_phrase.itertuples():
        sentence = texts[row.segment_id]
        matched = set(row.matched.split("; "))
        for phrase in row.phrases.split("; "):
            if phrase not in phrases:  # a short answer's own words
                assert "answer" in row.rule
                continue
            for finder in (coder, fresh):
                spans = finder.find(phrase, [sentence])[0]
                assert matched & {sentence[s:e] for s, e in spans}, (phrase, sentence)
        checked += 1
    assert checked == len(by_phrase) > 0
    assert set(codings["method"]) == {"phrase", "negated phrase", "structural", "answer"}
    assert code_corpus(corpus, book).codings.equals(codings)


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("resi-nya hilang", "Resi-nya hilang, Mas.", ["Resi-nya hilang"]),
        ("resi-nya hilang", "Resinya hilang, Mas.", ["Resinya hilang"]),
        ("semua kecewa", "Yang saya kenal, kecewa semua.", ["kecewa semua"]),
        # An evaluative phrase is not read the other way, as the coder does not read it.
        ("puas sekali", "Sekali puas, Mas.", []),
    ],
)
def test_find_reads_phrases_as_the_coder_does(phrase, text, found):
    book = parse_codebook(
        MINI_CODEBOOK.replace(
            "negative: [judes, ketus, cuek, pilih kasih]",
            "negative: [judes, ketus, cuek, pilih kasih, resi-nya hilang, semua kecewa]",
        ).replace("positive: [baik, bagus, puas, memuaskan, lancar]", "positive: [puas sekali]")
    )
    spans = Coder(book).find(phrase, [text])[0]
    assert [text[a:b] for a, b in spans] == found


# -- co-occurrence ---------------------------------------------------------------------


@pytest.fixture
def codings():
    rows = [
        ("s1", "A", "attitude", "positive"),
        ("s1", "A", "professionalism", "negative"),
        ("s1", "A", "attitude", "positive"),  # the same code twice counts once
        ("s2", "A", "attitude", "positive"),
        ("s3", "B", "professionalism", "negative"),
        ("s3", "B", "professionalism", "positive"),
        ("s4", "B", "reliability", "negative"),
    ]
    return pd.DataFrame(rows, columns=["segment_id", "informant", "criterion", "polarity"])


def rows(table: pd.DataFrame) -> dict[tuple[str, str], tuple]:
    return {
        (r.code_a, r.code_b): (r.n_a, r.n_b, r.n_ab, r.c) for r in table.itertuples(index=False)
    }


def test_cooccurrence_by_segment(codings, book):
    table = cooccurrence(codings, book)
    assert list(table.columns) == COOCCURRENCE_COLUMNS
    assert list(zip(table["code_a"], table["code_b"], strict=True)) == [
        ("attitude", "professionalism"),
        ("attitude", "reliability"),
        ("professionalism", "reliability"),
    ]
    assert rows(table) == {
        ("attitude", "professionalism"): (2, 2, 1, pytest.approx(1 / 3)),
        ("attitude", "reliability"): (2, 1, 0, 0.0),
        ("professionalism", "reliability"): (2, 1, 0, 0.0),
    }


def test_cooccurrence_by_informant(codings, book):
    assert rows(cooccurrence(codings, book, unit="informant")) == {
        ("attitude", "professionalism"): (1, 2, 1, 0.5),
        ("attitude", "reliability"): (1, 1, 0, 0.0),
        ("professionalism", "reliability"): (2, 1, 1, 0.5),
    }


def test_cooccurrence_with_polarity(codings, book):
    table = cooccurrence(codings, book, polarity=True)
    assert len(table) == 15  # 6 codes, every unordered pair
    assert list(table["code_a"][:5]) == ["attitude +"] * 5
    assert list(table["code_b"][:5]) == [
        "attitude -",
        "professionalism +",
        "professionalism -",
        "reliability +",
        "reliability -",
    ]
    found = rows(table)
    assert found[("attitude +", "professionalism -")] == (2, 2, 1, pytest.approx(1 / 3))
    assert found[("professionalism +", "professionalism -")] == (1, 2, 1, 0.5)
    assert found[("attitude +", "attitude -")] == (2, 0, 0, 0.0)
    n_a, n_b, n_ab, c = found[("attitude -", "reliability +")]  # neither occurs
    assert (n_a, n_b, n_ab) == (0, 0, 0)
    assert math.isnan(c)


def test_cooccurrence_matrix(codings, book):
    matrix = cooccurrence_matrix(codings, book, polarity=True)
    codes = [f"{c} {s}" for c in ("attitude", "professionalism", "reliability") for s in "+-"]
    assert list(matrix.index) == list(matrix.columns) == codes
    assert np.diag(matrix).tolist() == [2, 0, 1, 2, 0, 1]
    assert (matrix.to_numpy() == matrix.to_numpy().T).all()
    assert matrix.loc["attitude +", "professionalism -"] == 1
    by_informant = cooccurrence_matrix(codings, book, unit="informant")
    assert by_informant.to_numpy().tolist() == [[1, 1, 0], [1, 2, 1], [0, 1, 1]]
    with pytest.raises(ValueError, match="unit"):
        cooccurrence(codings, book, unit="sentence")


def test_cooccurrence_on_the_sample(sample):
    codings, book = sample.codings, sample.codebook
    matrix = cooccurrence_matrix(codings, book)
    per_criterion = codings.groupby("criterion")["segment_id"].nunique()
    assert np.diag(matrix).tolist() == [per_criterion[c] for c in book.criterion_ids]
    table = cooccurrence(codings, book)
    assert len(table) == 15
    assert table["c"].between(0, 1).all()
    both = codings.groupby("segment_id")["criterion"].agg(set)
    first = table.iloc[0]
    assert first["n_ab"] == sum({first["code_a"], first["code_b"]} <= s for s in both)


# -- saturation ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def four(book):
    # Codes: M01 attitude +, professionalism -; M02 attitude +; M03 attitude -,
    # reliability +; M04 nothing. Phrases: ramah, antrian panjang; sopan; judes, gratis.
    return reduce(
        book,
        {
            "M01": ["Orangnya ramah. Antriannya panjang."],
            "M02": ["Orangnya sopan."],
            "M03": ["Orangnya judes. Gratis kok."],
            "M04": ["Saya lupa."],
        },
    )


def test_saturation_in_corpus_order(four):
    table = saturation(four)
    assert list(table.columns) == SATURATION_COLUMNS
    assert list(table["interview"]) == [1, 2, 3, 4]
    assert list(table["informant"]) == ["M01", "M02", "M03", "M04"]
    assert list(table["new_in_order"]) == [2, 0, 2, 0]
    assert list(table["total_in_order"]) == [2, 2, 4, 4]
    phrases = saturation(four, what="phrases")
    assert list(phrases["new_in_order"]) == [2, 1, 2, 0]
    assert list(phrases["total_in_order"]) == [2, 3, 5, 5]
    assert saturation_summary(table) == {
        "interviews": 4,
        "codes": 4,
        "last_new_in_order": 3,
        "last_new_informant": "M03",
        "without_new_at_end": 1,
        "position_95_in_order": 3,
        "mean_position_95": pytest.approx(10 / 3, abs=0.05),
    }


def test_saturation_over_random_orders(four):
    table = saturation(four, orders=20_000, seed=1)
    # Expected codes after j interviews: sum over codes of 1 - C(n - m, j) / C(n, j),
    # m the number of interviews with the code (attitude + in 2, the others in 1).
    n, found_in = 4, [2, 1, 1, 1]
    expected = [
        sum(1 - math.comb(n - m, j) / math.comb(n, j) for m in found_in) for j in range(1, 5)
    ]
    assert table["mean_total"].tolist() == pytest.approx(expected, abs=0.03)
    assert table["min_new"].iloc[0] == 0 and table["max_new"].iloc[0] == 2
    assert table["p05_total"].iloc[-1] == table["p95_total"].iloc[-1] == 4
    # 95% of four codes is all four: found when both M01 and M03 have been read.
    assert saturation_summary(table)["mean_position_95"] == pytest.approx(10 / 3, abs=0.03)


def test_saturation_reproducible_and_consistent(sample):
    first = saturation(sample, orders=300, seed=7)
    pd.testing.assert_frame_equal(first, saturation(sample, orders=300, seed=7))
    other = saturation(sample, orders=300, seed=8)
    assert not first["mean_new"].equals(other["mean_new"])
    total = first["total_in_order"].iloc[-1]
    codes = set(zip(sample.codings["criterion"], sample.codings["polarity"], strict=True))
    assert total == len(codes)
    # Every order ends with every code.
    assert (first[["p05_total", "p95_total", "mean_total"]].iloc[-1] == total).all()
    assert first["mean_new"].sum() == pytest.approx(total)
    assert (first["min_new"] <= first["mean_new"]).all()
    assert (first["mean_new"] <= first["max_new"]).all()
    assert first["mean_total"].is_monotonic_increasing
    assert first["reached_95"].is_monotonic_increasing and first["reached_95"].iloc[-1] == 1
    assert list(first["informant"]) == sample.corpus.informants


def test_saturation_of_phrases_on_the_sample(sample):
    table = saturation(sample, what="phrases", orders=100)
    by_phrase = sample.codings[sample.codings["method"] != "answer"]
    phrases = {p for row in by_phrase["phrases"] for p in row.split("; ")} - {""}
    assert table["total_in_order"].iloc[-1] == len(phrases)
    assert table["mean_new"].sum() == pytest.approx(len(phrases))
    summary = saturation_summary(table)
    assert summary["codes"] == len(phrases)
    assert 1 <= summary["mean_position_95"] <= len(table)


def test_saturation_of_many_orders_finishes(sample):
    for what in ("codes", "phrases"):
        assert len(saturation(sample, what=what, orders=1000)) == 19


@pytest.mark.parametrize(("what", "orders"), [("words", 10), ("codes", 0)])
def test_saturation_arguments(four, what, orders):
    with pytest.raises(ValueError):
        saturation(four, what=what, orders=orders)
