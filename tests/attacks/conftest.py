"""Running the command line on a hostile file, under a memory and a CPU-time limit.

Every case builds its hostile file in a temporary folder (small on disk: a ZIP member
that inflates is streamed into the archive, never written out inflated) and runs
``python -m ektp_qual`` in a child process whose address space and CPU time are capped,
so that a regression fails the test instead of taking the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

#: Address space of the child process: the interpreter, pandas and spaCy take about
#: 600 MiB of it before any file is read.
MEMORY_LIMIT = 1024 * 1024 * 1024
#: CPU seconds of the child process; the wall-clock timeout only guards a hung child.
CPU_LIMIT = 30
WALL_TIMEOUT = 180

TINY_CODEBOOK = """\
codebook: tiny
title: Tiny
language: id
criteria:
  - id: attitude
    label: Sikap
    positive: [ramah]
    negative: [judes]
"""


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT))


def run_limited(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``ektp-qual ARGS`` in ``cwd`` under the limits; its exit status and output."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "ektp_qual", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=WALL_TIMEOUT,
        preexec_fn=_limits,
        env=env,
        check=False,
    )


def assert_refused(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit status 2 and one line on stderr naming the problem, no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, f"status {result.returncode}: {result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def tiny_codebook(tmp_path: Path) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(TINY_CODEBOOK, encoding="utf-8")
    return path
