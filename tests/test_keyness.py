"""``ektp-qual codebook suggest``: phrases key to a criterion's sentences, by Dunning's G²,
never one the codebook already has, and never written into the codebook."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.analysis.keyness import KEYNESS_COLUMNS, g2
from ektp_qual.cli import app

runner = CliRunner()

ASKED = "Bagaimana kecepatan proses perekaman, cepat atau lambat?"


def test_g2_is_dunnings_log_likelihood():
    # 10 of 20 sentences against 5 of 80: E = 3 and 12.
    expected = 2 * (10 * math.log(10 / 3) + 5 * math.log(5 / 12))
    assert math.isclose(g2(10, 5, 20, 80), expected)


@given(st.integers(0, 200), st.integers(0, 200), st.integers(1, 400), st.integers(1, 400))
def test_g2_is_never_negative_grows_with_the_counts_and_is_zero_for_equal_rates(a, b, c, d):
    a, b = min(a, c), min(b, d)
    if a + b == 0:
        return
    assert g2(a, b, c, d) >= -1e-9
    assert math.isclose(g2(a * 2, b * 2, c * 2, d * 2), 2 * g2(a, b, c, d), abs_tol=1e-6)
    assert math.isclose(g2(c, d, c, d), 0.0, abs_tol=1e-9)  # every sentence says it


def _study(write, tmp_path):
    """Five citizens (one named) answer the speed question with words no phrase lists."""
    for n in range(1, 6):
        name = "name: Sumarni Wijaya\n" if n == 1 else ""
        write(
            f"corpus/M{n}.txt",
            f"---\ninformant: M{n}\nrole: masyarakat\n{name}---\n"
            f"P: {ASKED}\n"
            f"M{n}: Sumarni bilang nunggunya berjam-jam, lambat sekali.\n"
            "P: Ceritakan pengalaman Bapak waktu itu.\n"
            f"M{n}: Saya datang naik motor. Rumah saya dekat pasar. Hari Senin cerah.\n",
        )
    return tmp_path / "corpus"


def test_the_paraphrase_of_a_criterions_answers_is_suggested_and_known_phrases_are_not(
    write, tmp_path, mini_codebook
):
    folder = _study(write, tmp_path)
    table = ektp_qual.suggest_phrases(folder, mini_codebook)
    assert list(table.columns) == KEYNESS_COLUMNS
    speed = table[table["criterion"] == "professionalism"]
    assert "berjam-jam" in set(speed["phrase"]) or "nunggunya berjam-jam" in set(speed["phrase"])
    row = speed.iloc[0]
    assert row["in_criterion"] == 5 and row["elsewhere"] == 0
    assert row["g2"] >= 3.84
    assert row["polarity"] == "negative"  # the sentences are coded negative (lambat)
    # "lambat" is the codebook's already; "sekali" and "bilang" no more key than the rest.
    assert not any("lambat" in p for p in table["phrase"])
    assert "[NAME]" in row["example_1"]
    assert not table.apply(lambda c: c.astype(str).str.contains("Sumarni")).any().any()


def test_codebook_suggest_writes_a_table_and_never_touches_the_codebook(
    write, tmp_path, mini_codebook
):
    folder = _study(write, tmp_path)
    before = mini_codebook.read_bytes()
    out = tmp_path / "phrases.csv"
    done = runner.invoke(
        app, ["codebook", "suggest", "-t", str(folder), "-c", str(mini_codebook), "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert mini_codebook.read_bytes() == before
    written = pd.read_csv(out, keep_default_na=False)
    assert list(written.columns) == KEYNESS_COLUMNS
    assert "professionalism" in done.output and "berjam-jam" in done.output
    assert "Sumarni" not in done.output


def test_on_the_sample_each_criterion_gets_phrases_it_does_not_have():
    table = ektp_qual.suggest_phrases(per_criterion=5)
    book = ektp_qual.read_codebook(ektp_qual.sample_codebook())
    assert set(table["criterion"]) == set(book.criterion_ids)
    assert (table.groupby("criterion").size() <= 5).all()
    phrases = {p for c in book.criteria for p in (*c.positive, *c.negative)}
    assert not set(table["phrase"]) & phrases
    assert (table["g2"] >= 3.84).all()
