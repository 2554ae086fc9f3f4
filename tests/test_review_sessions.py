"""The review file under real use: two researchers reviewing into one file at once, a
file only its owner may read, a file reached through a link."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ektp_qual.cli import app
from ektp_qual.inputs.review_file import read_review

runner = CliRunner()

DECISIONS = 60


@pytest.fixture
def sixty_codings(corpus_dir, mini_codebook):
    """Three community members with twenty coded sentences each."""
    spec = {}
    for m in (1, 2, 3):
        turns = []
        for k in range(20):
            turns += [("P", "Bagaimana sikap petugas?"), (f"M{m}", f"Petugas nomor {k} ramah.")]
        spec[f"M{m}"] = ("masyarakat", turns)
    return corpus_dir(spec), mini_codebook


def _session(corpus, codebook, review, coder: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "ektp_qual", "review", "-t", str(corpus)]
    command += ["-c", str(codebook), "--review", str(review), "--coder", coder]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )


def test_two_sessions_on_one_file_keep_every_decision(sixty_codings, tmp_path):
    corpus, codebook = sixty_codings
    review = tmp_path / "review.csv"
    sessions = {coder: _session(corpus, codebook, review, coder) for coder in ("ana", "budi")}
    shown = {}
    for coder, session in sessions.items():  # both are waiting for their first key
        shown[coder] = ""
        while f"1/{DECISIONS}" not in shown[coder]:
            line = session.stdout.readline()
            assert line, shown[coder]
            shown[coder] += line
    for session in sessions.values():
        session.stdin.write("a" * DECISIONS)
        session.stdin.flush()
    outputs = {}
    for coder, session in sessions.items():
        session.stdin.close()
        outputs[coder] = session.stdout.read()
        assert session.wait(timeout=300) == 0, outputs[coder]
        assert f"{DECISIONS} decision(s) saved" in outputs[coder]
    decisions = read_review(review).decisions()
    assert decisions["coder"].value_counts().to_dict() == {"ana": DECISIONS, "budi": DECISIONS}
    for coder in sessions:
        mine = decisions[decisions["coder"] == coder]
        assert mine["segment_id"].nunique() == DECISIONS


@pytest.fixture
def one_coding(corpus_dir, mini_codebook):
    corpus = corpus_dir(
        {"M1": ("masyarakat", [("P", "Bagaimana sikap petugas?"), ("M1", "Petugasnya ramah.")])}
    )
    return ["review", "-t", str(corpus), "-c", str(mini_codebook), "--coder", "ana"]


BY_HAND = (
    "segment_id,criterion,polarity,decision,coder,note,decided_at\n"
    "M9-x,attitude,positive,add,sri,,\n"
)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_a_review_file_keeps_its_permissions(one_coding, tmp_path, mode):
    review = tmp_path / "review.csv"
    review.write_text(BY_HAND)
    review.chmod(mode)
    result = runner.invoke(app, [*one_coding, "--review", str(review)], input="a")
    assert result.exit_code == 0, result.output
    assert len(read_review(review).decisions()) == 2
    assert stat.S_IMODE(review.stat().st_mode) == mode


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_decisions_go_through_a_link_into_the_researchers_file(one_coding, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "ana.csv").write_text(BY_HAND)
    (tmp_path / "latest.csv").symlink_to("shared/ana.csv")
    review = tmp_path / "review.csv"
    review.symlink_to("latest.csv")  # a link to a link
    result = runner.invoke(app, [*one_coding, "--review", str(review)], input="a")
    assert result.exit_code == 0, result.output
    assert review.is_symlink() and (tmp_path / "latest.csv").is_symlink()
    decisions = read_review(shared / "ana.csv").decisions()
    assert decisions["coder"].tolist() == ["sri", "ana"]
    assert (shared / ".ana.csv.lock").exists()  # the lock guards the file, not the link
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_review_link_in_a_loop_is_refused_with_one_message(one_coding, tmp_path):
    (tmp_path / "review.csv").symlink_to("other.csv")
    (tmp_path / "other.csv").symlink_to("review.csv")
    result = runner.invoke(app, [*one_coding, "--review", str(tmp_path / "review.csv")])
    assert result.exit_code == 2
    assert "review.csv: is a symbolic link that never reaches a file" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "review.csv").is_symlink()
