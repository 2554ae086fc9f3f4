"""``ektp-qual suggest``: the sentences worth a decision, never one already decided, with
the learned coder's proposals and reasons; ``review --suggested`` walks the same queue;
``suggest --evaluate`` measures the learned coder on the decisions."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.cli import app
from ektp_qual.coding.learned import CURVE_COLUMNS, DEFAULT_THRESHOLD, EVALUATION_COLUMNS
from ektp_qual.inputs.review_file import REVIEW_COLUMNS
from ektp_qual.loop.suggest import SUGGESTION_COLUMNS

runner = CliRunner()

WAIT = "Nunggunya berjam-jam di kursi plastik, Mas."
OTHER = ["Saya datang naik motor sama adik saya.", "Rumah saya dekat pasar.", "Hari Senin."]


@pytest.fixture
def waiting_study(tmp_path, mini_codebook, write):
    """Six citizens (one named) tell of long waits in words no phrase lists; a researcher
    coded two of those sentences."""
    for n in range(1, 7):
        name = "name: Sumarni Wijaya\n" if n == 6 else ""
        write(
            f"corpus/M{n}.txt",
            f"---\ninformant: M{n}\nrole: masyarakat\n{name}---\n"
            "P: Ceritakan pengalaman Bapak waktu itu.\n"
            f"M{n}: {WAIT} {OTHER[n % 3]}\n"
            "P: Bagaimana sikap petugas saat melayani?\n"
            f"M{n}: Petugasnya ramah. Kata Bu Sumarni juga begitu.\n",
        )
    folder = tmp_path / "corpus"
    reduction = ektp_qual.data_reduction(folder, mini_codebook)
    waits = reduction.segments[reduction.segments["text"] == WAIT]["segment_id"]
    rows = [f"{sid},professionalism,negative,add,ana,," for sid in waits.iloc[:2]]
    review = write("review.csv", ",".join(REVIEW_COLUMNS) + "\n" + "\n".join(rows) + "\n")
    return folder, mini_codebook, review, list(waits)


def test_suggest_leaves_out_what_was_reviewed_and_proposes_what_was_learned(waiting_study):
    folder, book, review, waits = waiting_study
    table = ektp_qual.suggest(folder, book, review=review, count=8)
    assert list(table.columns) == SUGGESTION_COLUMNS
    assert table["segment_id"].nunique() == 8
    every = ektp_qual.suggest(folder, book, review=review, count=100)
    order = list(dict.fromkeys(every["segment_id"]))
    assert len(order) == 6 * 4 - 2  # every sentence but the two reviewed
    assert not set(waits[:2]) & set(order)
    assert order[:8] == list(dict.fromkeys(table["segment_id"]))
    # The paraphrases nobody reviewed get the code the researcher taught, and why.
    taught = every[every["segment_id"].isin(waits[2:]) & (every["criterion"] == "professionalism")]
    assert set(taught["segment_id"]) == set(waits[2:])
    assert set(taught["polarity"]) == {"negative"}
    assert taught["reason"].str.startswith("the learned coder proposes it").all()
    assert taught["probability"].between(DEFAULT_THRESHOLD, 1).all()
    # Sentences the rules code and the learned coder agrees with are the least worth a
    # decision: the first of them comes after the first of every other way of speaking.
    friendly = every[every["text"] == "Petugasnya ramah."]
    assert friendly["reason"].str.contains("the rules code it; the learned coder agrees").any()
    said = list(dict.fromkeys(every.drop_duplicates("segment_id")["text"]))
    assert said[-1] == "Petugasnya ramah."
    again = ektp_qual.suggest(folder, book, review=review, count=8)
    pd.testing.assert_frame_equal(table, again)


def test_a_sentence_with_nothing_to_propose_appears_once_with_no_criterion(
    corpus_dir, mini_codebook
):
    turns = [("P", "Apakah ada biaya atau pungutan dalam pembuatan e-KTP?"), ("M1", "Hmm.")]
    folder = corpus_dir({"M1": ("masyarakat", turns)})
    table = ektp_qual.suggest(folder, mini_codebook, count=5)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["criterion"] == "" and row["polarity"] == ""
    assert row["reason"] == "answers a question about reliability, nothing coded"


def test_suggest_cli_writes_and_prints_masked_suggestions(waiting_study, tmp_path):
    folder, book, review, _ = waiting_study
    out = tmp_path / "next.csv"
    args = ["suggest", "-t", str(folder), "-c", str(book), "--review", str(review)]
    done = runner.invoke(app, [*args, "-n", "12", "-o", str(out)])
    assert done.exit_code == 0, done.output
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == SUGGESTION_COLUMNS
    assert table["segment_id"].nunique() == 12
    assert "worth a decision" in done.output
    assert "[NAME]" in out.read_text(encoding="utf-8")
    assert "sumarni" not in out.read_text(encoding="utf-8").lower()
    assert "sumarni" not in done.output.lower()


def test_review_suggested_walks_the_queue_and_suggest_then_skips_the_decided(
    waiting_study, tmp_path, monkeypatch
):
    folder, book, review, _ = waiting_study
    monkeypatch.chdir(tmp_path)
    args = ["-t", str(folder), "-c", str(book), "--review", str(review)]
    queue = ektp_qual.suggest(folder, book, review=review, count=1)
    first = queue.iloc[0]
    done = runner.invoke(
        app, ["review", *args, "--suggested", "-n", "1", "--coder", "ana"], input="a"
    )
    assert done.exit_code == 0, done.output
    assert "why: p = " in done.output
    decisions = pd.read_csv(review, keep_default_na=False)
    last = decisions.iloc[-1]
    assert (last["segment_id"], last["criterion"], last["decision"]) == (
        first["segment_id"],
        first["criterion"],
        "accept",
    )
    after = ektp_qual.suggest(folder, book, review=review, count=20)
    assert first["segment_id"] not in set(after["segment_id"])
    # Accepting a learned proposal makes it the researcher's coding.
    coded = ektp_qual.data_reduction(folder, book, review=review).codings
    mine = coded[coded["segment_id"] == first["segment_id"]]
    assert first["criterion"] in set(mine["criterion"])


def test_evaluate_cross_validates_against_the_decisions(waiting_study, tmp_path):
    folder, book, review, _ = waiting_study
    result = ektp_qual.evaluate_learned_coder(folder, book, review=review)
    assert list(result.scores.columns) == EVALUATION_COLUMNS
    assert list(result.scores["criterion"]) == [
        *ektp_qual.read_codebook(book).criterion_ids,
        "overall",
    ]
    assert result.reviewed == 2
    assert list(result.curve.columns) == CURVE_COLUMNS
    out = tmp_path / "evaluation"
    done = runner.invoke(
        app,
        [
            "suggest",
            "-t",
            str(folder),
            "-c",
            str(book),
            "--review",
            str(review),
            "--evaluate",
            "-o",
            str(out),
        ],
    )
    assert done.exit_code == 0, done.output
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {
        "evaluation.csv",
        "learning_curve.csv",
        "learning_curve.png",
        "learning_curve.svg",
    }
    assert "Learning curve" in done.output
    assert "coding where at least 0.40 sure" in " ".join(done.output.split())


def test_evaluate_with_no_decisions_says_so(tmp_path):
    done = runner.invoke(app, ["suggest", "--evaluate", "--no-review", "-o", str(tmp_path / "e")])
    assert done.exit_code == 0, done.output
    assert "Nothing to evaluate yet" in done.output


def test_review_suggested_refuses_the_filters_it_would_ignore(tmp_path):
    done = runner.invoke(
        app,
        ["review", "--suggested", "--criterion", "attitude", "--review", str(tmp_path / "r.csv")],
    )
    assert done.exit_code == 2
    assert "--suggested walks the queue" in done.output
    assert not (tmp_path / "r.csv").exists()


def test_help_loads_no_scikit_learn():
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ektp_qual", "suggest", "--help"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "--evaluate" in run.stdout
    assert "sklearn" not in run.stderr and "scipy" not in run.stderr


def test_evaluate_refuses_a_file_name_for_its_folder(tmp_path):
    """--evaluate writes four files: ``-o x.csv`` is a mistake, not a folder to make."""
    done = runner.invoke(
        app, ["suggest", "--evaluate", "--no-review", "-o", str(tmp_path / "x.csv")]
    )
    assert done.exit_code == 2, done.output
    assert "a folder" in done.output and not (tmp_path / "x.csv").exists()


def test_a_batch_does_not_spend_its_decisions_on_one_sentence_said_again(waiting_study):
    """Six citizens say the same words; a batch proposes each way of saying it once
    before any twice, since one decision teaches the model what the copies would."""
    folder, book, review, _ = waiting_study
    for decided in (None, review):
        table = ektp_qual.suggest(folder, book, review=decided, count=100)
        texts = table.drop_duplicates("segment_id")["text"].tolist()
        distinct = len(set(texts))
        assert 4 <= distinct < len(texts)
        assert len(set(texts[:distinct])) == distinct, texts


def test_a_long_list_keeps_its_first_sentences_diverse_and_lists_every_other(
    waiting_study, monkeypatch
):
    """Past the diverse part (bounded, so ``-n`` in the thousands stays fast) the
    sentences follow by expected errors alone: none is lost or listed twice."""
    from ektp_qual.loop import suggest

    folder, book, review, _ = waiting_study
    whole = ektp_qual.suggest(folder, book, review=review, count=100)
    monkeypatch.setattr(suggest, "DIVERSE_AT_MOST", 3)
    bounded = ektp_qual.suggest(folder, book, review=review, count=100)
    first = list(dict.fromkeys(whole["segment_id"]))
    order = list(dict.fromkeys(bounded["segment_id"]))
    assert order[:3] == first[:3]
    assert sorted(order) == sorted(first) and len(order) == len(set(order)) == 22
    assert order != first


def test_suggest_and_phrases_code_and_review_but_draw_no_conclusion(waiting_study, monkeypatch):
    """A researcher waits for ``suggest`` between decisions: it reads the coding and the
    review, never the stances, quotes and verdicts the analysis goes on to."""
    folder, book, review, waits = waiting_study
    expected = ektp_qual.suggest(folder, book, review=review, count=5)
    phrases = ektp_qual.suggest_phrases(folder, book, review=review)

    def refused(*args, **kwargs):
        raise AssertionError("suggest reduced the corpus")

    from ektp_qual.analysis import reduction

    monkeypatch.setattr(reduction, "stances", refused)
    monkeypatch.setattr(reduction, "quotes", refused)
    assert ektp_qual.suggest(folder, book, review=review, count=5).equals(expected)
    assert ektp_qual.suggest_phrases(folder, book, review=review).equals(phrases)
    assert ektp_qual.evaluate_learned_coder(folder, book, review=review).reviewed == 2
    # reviewed sentences stay out, and the masked name stays masked, as before
    assert not set(waits[:2]) & set(expected["segment_id"])
    assert not expected["text"].str.contains("Sumarni").any()
