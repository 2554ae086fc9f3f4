""" "Nothing here": a review decision that a sentence holds no evidence for any criterion."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import ektp_qual
from ektp_qual import InputError
from ektp_qual.cli import app
from ektp_qual.inputs.review_file import REVIEW_COLUMNS, parse_review, read_review

runner = CliRunner()

HEADER = ",".join(REVIEW_COLUMNS)
KIND = "Petugasnya ramah."


def review_text(*rows: tuple[str, ...]) -> str:
    return "\n".join([HEADER, *(",".join(row) for row in rows)]) + "\n"


@pytest.fixture
def study(corpus_dir, mini_codebook):
    """M1's first sentence has two codings, its second one, its third none; M2's one."""
    corpus = corpus_dir(
        {
            "M1": (
                "masyarakat",
                [
                    ("P", "Bagaimana sikap petugas saat melayani?"),
                    (
                        "M1",
                        "Petugasnya ramah tapi lambat sekali. Antriannya panjang sekali. "
                        "Saya datang pagi.",
                    ),
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


def first_sentence(reduction, informant: str = "M1") -> str:
    segments = reduction.segments
    return segments[segments["informant"] == informant]["segment_id"].iloc[0]


def codes_of(codings, segment_id: str) -> set[tuple[str, str]]:
    here = codings[codings["segment_id"] == segment_id]
    return set(zip(here["criterion"], here["polarity"], strict=True))


def test_nothing_here_drops_every_code_of_the_sentence_and_the_last_row_wins(study):
    corpus, book = study
    plain = ektp_qual.data_reduction(corpus, book)
    sid = first_sentence(plain)
    assert len(codes_of(plain.codings, sid)) >= 2  # two criteria to drop at once
    nothing = parse_review(review_text((sid, "", "", "none", "ana", "small talk", "")))
    reduced = ektp_qual.data_reduction(corpus, book, review=nothing)
    assert codes_of(reduced.codings, sid) == set()
    # Other sentences keep their codings.
    others = plain.codings[plain.codings["segment_id"] != sid]
    assert len(reduced.codings) == len(others)
    assert reduced.review.rejected == len(plain.codings) - len(others)
    # A code added after "nothing here" stands; "nothing here" after a code drops it.
    added = (sid, "reliability", "negative", "add", "ana", "", "")
    nothing_row = (sid, "", "", "none", "ana", "", "")
    later = ektp_qual.data_reduction(
        corpus, book, review=parse_review(review_text(nothing_row, added))
    )
    assert codes_of(later.codings, sid) == {("reliability", "negative")}
    earlier = ektp_qual.data_reduction(
        corpus, book, review=parse_review(review_text(added, nothing_row))
    )
    assert codes_of(earlier.codings, sid) == set()


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (("M1-a", "attitude", "", "none", "", "", ""), "leave its criterion and polarity empty"),
        (("M1-a", "", "positive", "NONE", "", "", ""), "leave its criterion and polarity empty"),
        (("", "", "", "none", "", "", ""), "segment_id"),
        (("M1-a", "", "", "nothing", "", "", ""), "unknown decision 'nothing'"),
    ],
)
def test_a_malformed_nothing_here_names_file_and_line(row, problem):
    with pytest.raises(InputError) as caught:
        parse_review(
            review_text(("M1-b", "attitude", "positive", "accept", "", "", ""), row), "r.csv"
        )
    assert caught.value.line == 3
    assert problem in caught.value.problem


def test_code_refuses_a_nothing_here_with_a_criterion_with_one_message(study, tmp_path):
    corpus, book = study
    path = tmp_path / "review.csv"
    path.write_text(review_text(("M1-a", "attitude", "positive", "none", "", "", "")))
    result = runner.invoke(
        app,
        [
            "code",
            "-t",
            str(corpus),
            "-c",
            str(book),
            "--review",
            str(path),
            "-o",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 2
    assert "review.csv:2: a 'none' decision" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_the_terminal_review_records_nothing_here_with_one_key(study, tmp_path):
    corpus, book = study
    path = tmp_path / "review.csv"
    args = ["review", "-t", str(corpus), "-c", str(book), "--review", str(path), "--coder", "ana"]
    plain = ektp_qual.data_reduction(corpus, book)
    sid = first_sentence(plain)
    items = len(codes_of(plain.codings, sid))
    result = runner.invoke(app, args, input="0q")
    assert result.exit_code == 0, result.output
    assert "-> nothing here" in result.output
    decisions = read_review(path).decisions()
    assert decisions[["segment_id", "criterion", "polarity", "decision"]].values.tolist() == [
        [sid, "", "", "none"]
    ]
    # The sentence's other codings are decided too: the next session starts after them.
    total = len(plain.codings)
    again = runner.invoke(app, args, input="q")
    assert f"1/{total - items}" in again.output
    assert "Petugasnya ramah tapi" not in again.output
    # Undone, then on a sentence with no coding (--uncoded).
    uncoded = runner.invoke(app, [*args, "--uncoded", "--informant", "M1"], input="0us0")
    assert uncoded.exit_code == 0, uncoded.output
    assert "-> undone: nothing here" in uncoded.output, uncoded.output
    decided = read_review(path).decisions()
    assert decided["decision"].tolist() == ["none", "none"]
    assert decided["segment_id"].iloc[1] == plain.segments["segment_id"].iloc[2]


def test_review_suggested_skips_the_rest_of_a_sentence_decided_as_nothing_here(study, tmp_path):
    corpus, book = study
    path = tmp_path / "review.csv"
    args = ["review", "-t", str(corpus), "-c", str(book), "--review", str(path), "--coder", "ana"]
    queue = ektp_qual.suggest(corpus, book, count=2)
    first = queue["segment_id"].iloc[0]
    rows_of_first = int((queue["segment_id"] == first).sum())
    result = runner.invoke(app, [*args, "--suggested", "-n", "2"], input="0q")
    assert result.exit_code == 0, result.output
    assert f"{rows_of_first + 1}/{len(queue)}" in result.output
    assert read_review(path).decisions()["segment_id"].tolist() == [first]
    # suggest leaves the decided sentence out from now on.
    assert first not in set(ektp_qual.suggest(corpus, book, review=path)["segment_id"])


def test_the_workbench_records_nothing_here(study, tmp_path):
    from ektp_qual.workbench.study import Workbench

    corpus, book = study
    path = tmp_path / "review.csv"
    workbench = Workbench(corpus, book, path, coder="ana")
    sid = first_sentence(workbench.reduction())
    before = [q for q in workbench.state()["queue"] if q["segment_id"] == sid]
    assert before
    state = workbench.decide({"action": "none", "segment_id": sid, "coder": "ana"})
    assert not [q for q in state["queue"] if q["segment_id"] == sid]
    margin = state["codings"][sid]
    assert margin and {c["status"] for c in margin} == {"rejected"}
    assert read_review(path).decisions()["decision"].tolist() == ["none"]
    workbench.undo({"coder": "ana"})
    assert read_review(path).decisions().empty


def test_the_learned_coder_learns_nothing_here_as_a_no_for_every_criterion(
    corpus_dir, mini_codebook, write
):
    """The rules code a polite officer's greeting as attitude; the researcher says, of
    three of the six, that there is nothing here: the learned coder then doubts it on
    the others, where before it agreed with the rules."""
    turns = [("P", "Ceritakan pengalaman Bapak waktu itu."), ("M", f"{KIND} Saya datang pagi.")]
    spec = {
        f"M{n}": ("masyarakat", [(s if s == "P" else f"M{n}", t) for s, t in turns])
        for n in range(1, 7)
    }
    folder = corpus_dir(spec)
    reduction = ektp_qual.data_reduction(folder, mini_codebook)
    kind = reduction.segments[reduction.segments["text"] == KIND]["segment_id"].tolist()
    assert set(codes_of(reduction.codings, kind[0])) == {("attitude", "positive")}

    def probability(review) -> float:
        table = ektp_qual.suggest(folder, mini_codebook, review=review, count=20)
        rows = table[table["segment_id"].isin(kind[3:]) & (table["criterion"] == "attitude")]
        return float(rows["probability"].mean())

    accepted = write(
        "accepted.csv",
        review_text(*((s, "attitude", "positive", "accept", "", "", "") for s in kind[:3])),
    )
    nothing = write(
        "nothing.csv", review_text(*((s, "", "", "none", "", "", "") for s in kind[:3]))
    )
    assert probability(accepted) - probability(nothing) > 0.2
    taught = ektp_qual.data_reduction(folder, mini_codebook, review=nothing, learn=True)
    assert not set(taught.codings["segment_id"]) & set(kind[:3])
