"""The review file under real use: two researchers reviewing into one file at once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ektp_qual.review import read_review

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
