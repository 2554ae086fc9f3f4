"""``ektp-qual review`` in a real pseudo-terminal: single keys, a kill, and a resume."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from ektp_qual.inputs.review_file import read_review

pexpect = pytest.importorskip("pexpect")


@pytest.fixture
def review_args(corpus_dir, mini_codebook, tmp_path):
    corpus = corpus_dir(
        {
            "M1": (
                "masyarakat",
                [
                    ("P", "Bagaimana sikap petugas saat melayani?"),
                    ("M1", "Petugasnya ramah. Antriannya panjang sekali."),
                ],
            ),
            "M2": (
                "masyarakat",
                [
                    ("P", "Bagaimana kecepatan proses perekaman, cepat atau lambat?"),
                    ("M2", "Lambat, Mas."),
                ],
            ),
        }
    )
    path = tmp_path / "review.csv"
    args = ["-m", "ektp_qual", "review", "-t", str(corpus), "-c", str(mini_codebook)]
    return [*args, "--review", str(path), "--coder", "ana"], path


def spawn(args):
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm"}
    return pexpect.spawn(
        sys.executable, args, env=env, encoding="utf-8", timeout=60, dimensions=(40, 120)
    )


def decide(child, key: str, echo: str) -> None:
    child.expect_exact("[q]uit")
    child.send(key)
    child.expect_exact(echo)


def test_single_keys_in_a_terminal_survive_a_kill_and_resume(review_args):
    args, path = review_args
    child = spawn(args)
    child.expect_exact("1/3 · M1 (masyarakat)")
    decide(child, "a", "-> accept attitude positive")
    child.expect_exact("2/3")
    decide(child, "f", "-> reject professionalism negative, add professionalism positive")
    decide(child, "u", "-> undone: reject professionalism negative")
    child.expect_exact("2/3")
    decide(child, "r", "-> reject professionalism negative")
    child.expect_exact("3/3 · M2 (masyarakat)")
    child.kill(signal.SIGKILL)
    child.wait()
    assert child.signalstatus == signal.SIGKILL

    decisions = read_review(path).decisions()
    assert decisions["decision"].tolist() == ["accept", "reject"]

    child = spawn(args)
    child.expect_exact("1/1 · M2 (masyarakat)")  # resumes at the first undecided coding
    decide(child, "a", "-> accept professionalism negative")
    child.expect_exact("End of the codings to review")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(read_review(path).decisions()) == 3


def test_ctrl_c_quits_cleanly_and_keeps_the_decisions(review_args):
    args, path = review_args
    child = spawn(args)
    decide(child, "r", "-> reject attitude positive")
    child.expect_exact("2/3")
    child.expect_exact("[q]uit")
    child.send("\x03")
    child.expect_exact("1 decision(s) saved")
    child.expect(pexpect.EOF)
    assert "Traceback" not in child.before
    child.close()
    assert child.exitstatus == 0
    assert read_review(path).decisions()["decision"].tolist() == ["reject"]
