"""The researcher decides: review files, how decisions change the analysis, and
``ektp-qual review`` driven through ``CliRunner`` (the real terminal is in
``test_review_terminal.py``)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import ektp_qual
from ektp_qual import InputError
from ektp_qual.cli import app
from ektp_qual.inputs.review_file import (
    REVIEW_COLUMNS,
    ReviewFile,
    decision_row,
    parse_review,
    read_review,
)

runner = CliRunner()

HEADER = ",".join(REVIEW_COLUMNS)


@pytest.fixture
def study(corpus_dir, mini_codebook):
    """Two community members; M1's first coding is a misreading a researcher rejects."""
    corpus = corpus_dir(
        {
            "M1": (
                "masyarakat",
                [
                    ("P", "Bagaimana sikap petugas saat melayani?"),
                    ("M1", "Petugasnya ramah. Antriannya panjang sekali."),
                    ("P", "Ada biaya?"),
                    ("M1", "Saya bayar dua puluh ribu ke orang di loket."),
                ],
            ),
            "M2": (
                "masyarakat",
                [
                    ("P", "Bagaimana sikap petugas saat melayani?"),
                    ("M2", "Petugasnya sopan dan sabar."),
                ],
            ),
        }
    )
    return corpus, mini_codebook


def segment(result, informant: str, starts: str) -> str:
    segments = result.reduction.segments
    rows = segments[(segments["informant"] == informant) & segments["text"].str.startswith(starts)]
    return rows["segment_id"].iloc[0]


def review_text(*rows: tuple[str, ...], header: str = HEADER) -> str:
    return "\n".join([header, *(",".join(row) for row in rows)]) + "\n"


# --- the review file ---------------------------------------------------------------------


def test_a_spreadsheet_file_keeps_everything_when_a_decision_is_added():
    text = (
        "\ufeffSegment_ID;Criterion;Polarity;Decision;Coder;Komentar\r\n"
        'M1-aaa;attitude;Positive;ACCEPT;ana;"yes; clearly"\r\n'
        "\r\n"
        "M1-bbb;attitude;negative;reject;ana;\r\n"
    )
    review = parse_review(text, "review.csv")
    assert review.delimiter == ";" and review.bom and review.newline == "\r\n"
    decisions = review.decisions()
    assert decisions["decision"].tolist() == ["accept", "reject"]
    assert decisions["polarity"].tolist() == ["positive", "negative"]
    assert decisions["line"].tolist() == [2, 4]
    grown = review.with_decisions([decision_row("M2-ccc", "attitude", "positive", "add", "bo")])
    saved = grown.to_text()
    assert saved.startswith("\ufeffSegment_ID;Criterion;Polarity;Decision;Coder;Komentar;")
    assert 'M1-aaa;attitude;Positive;ACCEPT;ana;"yes; clearly"' in saved
    again = parse_review(saved)
    assert again.decisions()["segment_id"].tolist() == ["M1-aaa", "M1-bbb", "M2-ccc"]
    assert again.rows[0][5] == "yes; clearly"
    undone = again.without_decisions([{"segment_id": "M2-ccc", "decision": "add"}])
    assert undone.to_text() == review.with_decisions([]).to_text()


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("segment_id,criterion,decision\nM1-a,attitude,accept\n", 1, "missing column(s) polarity"),
        (review_text(("M1-a", "attitude", "positive", "accepted", "", "", "")), 2, "accepted"),
        (review_text(("M1-a", "attitude", "good", "accept", "", "", "")), 2, "polarity 'good'"),
        (review_text(("", "attitude", "positive", "add", "", "", "")), 2, "segment_id"),
        (review_text(("M1-a", "", "positive", "add", "", "", "")), 2, "criterion"),
        (HEADER + ",criterion\n", 1, "duplicate column(s) criterion"),
        (HEADER + '\nM1-a,"attitude\n', 2, "not a readable CSV"),
    ],
)
def test_a_malformed_review_file_names_the_line(text, line, problem):
    with pytest.raises(InputError) as caught:
        parse_review(text, "review.csv")
    assert caught.value.line == line
    assert problem in caught.value.problem


def test_a_missing_review_file_is_an_empty_review(tmp_path):
    review = read_review(tmp_path / "review.csv")
    assert review.decisions().empty
    assert review.to_text() == HEADER + "\n"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*',;\t"\n\r\ufeffabc-\x00', "accept", "attitude"])).map("".join))
def test_no_text_makes_the_review_reader_crash(text):
    try:
        review = parse_review(HEADER + "\n" + text)
    except InputError:
        return
    assert parse_review(review.to_text()).decisions().equals(review.decisions())


# --- what decisions do to the analysis --------------------------------------------------------


def test_reject_add_and_accept_change_the_analysis(study, write):
    corpus, book = study
    auto = ektp_qual.analyse(corpus, book)
    ramah = segment(auto, "M1", "Petugasnya ramah")
    bayar = segment(auto, "M1", "Saya bayar")
    sopan = segment(auto, "M2", "Petugasnya sopan")
    path = write(
        "review.csv",
        review_text(
            (ramah, "attitude", "positive", "reject", "ana", "irony", ""),
            (bayar, "reliability", "negative", "add", "ana", "a bribe", ""),
            (sopan, "attitude", "positive", "accept", "ana", "", ""),
        ),
    )
    result = ektp_qual.analyse(corpus, book, review=path)
    codings = result.reduction.codings
    assert ramah not in set(codings.loc[codings["criterion"] == "attitude", "segment_id"])
    added = codings[codings["source"] == "added"].iloc[0]
    assert (added["segment_id"], added["criterion"], added["polarity"]) == (
        bayar,
        "reliability",
        "negative",
    )
    assert added["method"] == "manual" and added["rule"] == "added by ana"
    assert added["text"] == "Saya bayar dua puluh ribu ke orang di loket."
    assert set(codings.loc[codings["segment_id"] == sopan, "source"]) == {"accepted"}
    assert set(codings.loc[codings["segment_id"] != sopan, "source"]) <= {"auto", "added"}

    stances = result.reduction.stances.set_index(["informant", "criterion"])
    assert stances.loc[("M1", "attitude"), "stance"] == "none"
    assert stances.loc[("M1", "reliability"), "stance"] == "negative"
    assert stances.loc[("M1", "reliability"), "n_reviewed"] == 1
    assert stances.loc[("M2", "attitude"), "n_reviewed"] == 1
    review = result.reduction.review
    assert (review.accepted, review.rejected, review.added, review.coders) == (1, 1, 1, ("ana",))

    auto_stances = auto.reduction.stances.set_index(["informant", "criterion"])
    assert auto_stances.loc[("M1", "attitude"), "stance"] == "positive"


def test_the_last_decision_wins_and_stale_ones_are_reported(study, write):
    corpus, book = study
    auto = ektp_qual.analyse(corpus, book)
    sopan = segment(auto, "M2", "Petugasnya sopan")
    path = write(
        "review.csv",
        review_text(
            (sopan, "attitude", "positive", "reject", "ana", "", ""),
            (sopan, "attitude", "positive", "accept", "bo", "on second thought", ""),
            ("M9-0000000000", "attitude", "positive", "add", "ana", "", ""),
        ),
    )
    result = ektp_qual.analyse(corpus, book, review=path)
    codings = result.reduction.codings
    kept = codings[codings["segment_id"] == sopan]
    assert set(kept["source"]) == {"accepted"} and set(kept["coder"]) == {"bo"}
    notices = [str(n) for n in result.reduction.notices]
    assert any("review.csv:4: 1 decision(s) refer to segments" in n for n in notices)


def test_an_accepted_coding_stands_when_the_rules_no_longer_propose_it(study, write):
    corpus, book = study
    auto = ektp_qual.analyse(corpus, book)
    sopan = segment(auto, "M2", "Petugasnya sopan")
    path = write("review.csv", review_text((sopan, "attitude", "positive", "accept", "", "", "")))
    narrower = book.read_text().replace("sopan, sabar, ", "")
    narrow_book = write("narrow.yaml", narrower)
    result = ektp_qual.analyse(corpus, narrow_book, review=path)
    codings = result.reduction.codings
    kept = codings[codings["segment_id"] == sopan]
    assert kept["source"].tolist() == ["accepted"]
    assert kept["method"].tolist() == ["manual"]


def test_a_decision_for_a_criterion_the_codebook_lacks_is_an_error(study, write):
    corpus, book = study
    path = write("review.csv", review_text(("M1-a", "speed", "positive", "add", "", "", "")))
    with pytest.raises(InputError) as caught:
        ektp_qual.analyse(corpus, book, review=path)
    assert caught.value.line == 2 and "'speed' is not in the codebook" in caught.value.problem


# --- the CLI: code picks up the review, review writes it -------------------------------------


def test_code_applies_review_csv_here_unless_told_not_to(study, tmp_path, monkeypatch):
    corpus, book = study
    auto = ektp_qual.analyse(corpus, book)
    ramah = segment(auto, "M1", "Petugasnya ramah")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "review.csv").write_text(
        review_text((ramah, "attitude", "positive", "reject", "ana", "", ""))
    )
    args = ["code", "-t", str(corpus), "-c", str(book)]
    reviewed = runner.invoke(app, [*args, "-o", "with"])
    assert reviewed.exit_code == 0, reviewed.output
    assert "Review by ana: 0 accepted, 1 rejected, 0 added" in reviewed.output
    codings = pd.read_csv(tmp_path / "with" / "codings.csv")
    assert ramah not in set(codings.loc[codings["criterion"] == "attitude", "segment_id"])
    assert "source" in codings.columns

    plain = runner.invoke(app, [*args, "-o", "without", "--no-review"])
    assert plain.exit_code == 0 and "Review" not in plain.output
    codings = pd.read_csv(tmp_path / "without" / "codings.csv")
    assert ramah in set(codings["segment_id"])

    missing = runner.invoke(app, [*args, "-o", "x", "--review", "nope.csv"])
    assert missing.exit_code == 2 and "nope.csv: no such review file" in missing.output


def test_review_with_keys_saves_each_decision_and_resumes(study, tmp_path):
    corpus, book = study
    path = tmp_path / "review.csv"
    args = ["review", "-t", str(corpus), "-c", str(book), "--review", str(path), "--coder", "ana"]
    first = runner.invoke(app, args, input="ar")
    assert first.exit_code == 0, first.output
    assert "1/3" in first.output and "Asked: Bagaimana sikap petugas saat melayani?" in first.output
    assert "2 decision(s) saved" in first.output
    decisions = read_review(path).decisions()
    assert decisions["decision"].tolist() == ["accept", "reject"]
    assert set(decisions["coder"]) == {"ana"}
    assert decisions["decided_at"].str.match(r"\d{4}-\d\d-\d\dT").all()

    second = runner.invoke(app, args, input="q")
    assert "1/1" in second.output  # the two decided codings are not shown again
    everything = runner.invoke(app, [*args, "--all"], input="q")
    assert "1/3" in everything.output


def test_review_flip_recode_add_and_undo(study, tmp_path):
    corpus, book = study
    path = tmp_path / "review.csv"
    args = ["review", "-t", str(corpus), "-c", str(book), "--review", str(path)]
    # flip the 1st; recode the 2nd to the 3rd criterion of the codebook (reliability);
    # add reliability + to the 3rd, then undo that, then quit.
    keys = "f" + "c3" + "n3+" + "u" + "q"
    result = runner.invoke(app, [*args, "--coder", "bo"], input=keys)
    assert result.exit_code == 0, result.output
    assert "-> undone: add reliability positive" in result.output
    decisions = read_review(path).decisions()
    columns = ["decision", "criterion", "polarity"]
    assert decisions[columns].values.tolist() == [
        ["reject", "attitude", "positive"],
        ["add", "attitude", "negative"],
        ["reject", "professionalism", "negative"],
        ["add", "reliability", "negative"],
    ]


def test_review_filters_and_uncoded_sentences(study, tmp_path):
    corpus, book = study
    path = tmp_path / "review.csv"
    base = ["review", "-t", str(corpus), "-c", str(book), "--review", str(path)]
    only = runner.invoke(app, [*base, "--informant", "M2", "--criterion", "attitude"], input="q")
    assert "1/1" in only.output and "M2 (masyarakat)" in only.output
    uncoded = runner.invoke(app, [*base, "--informant", "M1", "--uncoded"], input="ssn3-q")
    assert "No coding proposed for this sentence." in uncoded.output
    decisions = read_review(path).decisions()
    assert decisions[["criterion", "polarity", "decision"]].values.tolist() == [
        ["reliability", "negative", "add"]
    ]
    assert decisions["segment_id"].iloc[0].startswith("M1-")
    typo = runner.invoke(app, [*base, "--criterion", "atitude"])
    assert typo.exit_code == 2 and "'atitude' is not in this study" in typo.output


def test_review_keeps_what_a_researcher_wrote_by_hand(study, tmp_path):
    corpus, book = study
    path = tmp_path / "review.csv"
    by_hand = (
        "segment_id;criterion;polarity;decision;coder;note;decided_at;meeting\r\n"
        "M1-elsewhere;attitude;positive;add;sri;see memo 3;;2026-10-01\r\n"
    )
    path.write_bytes(by_hand.encode("utf-8"))
    args = ["review", "-t", str(corpus), "-c", str(book), "--review", str(path)]
    result = runner.invoke(app, [*args, "--coder", "ana"], input="aq")
    assert result.exit_code == 0, result.output
    saved = path.read_bytes().decode("utf-8")
    assert saved.startswith(by_hand)
    assert saved.count("\r\n") == 3 and ";ana;" in saved


def test_a_broken_review_file_stops_review_with_one_message(study, tmp_path):
    corpus, book = study
    path = tmp_path / "review.csv"
    path.write_text("segment,code\nx,y\n")
    result = runner.invoke(app, ["review", "-t", str(corpus), "-c", str(book), "--review", path])
    assert result.exit_code == 2
    assert "review.csv:1: not a review file" in result.output
    assert path.read_text() == "segment,code\nx,y\n"


def test_review_file_api_round_trip_is_lossless():
    review = ReviewFile().with_decisions(
        [decision_row("M1-a", "attitude", "positive", "accept", "ana", note='says "ok", twice')]
    )
    again = parse_review(review.to_text())
    assert again.decisions()["note"].tolist() == ['says "ok", twice']
