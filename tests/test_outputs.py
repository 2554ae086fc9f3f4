"""Where each command writes, and how a run replaces the files of the run before it.

Every test writes its own small corpus and runs the commands through the CLI, the way a
researcher would run them twice into one folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ektp_qual import InputError
from ektp_qual.cli import app
from ektp_qual.outputs.export import MANIFEST, recover, write_run

runner = CliRunner()


@pytest.fixture
def study(corpus_dir, mini_codebook, tmp_path):
    """Two interviews, the mini codebook, expected findings and one coder's codings."""
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
                    ("P", "Bagaimana sikap petugas saat melayani?"),
                    ("M2", "Petugasnya judes. Tidak ada pungli."),
                ],
            ),
        }
    )
    findings = tmp_path / "expected.yaml"
    findings.write_text("criteria:\n  attitude: met\noverall: partly met\n", encoding="utf-8")
    return corpus, mini_codebook, findings


def code(study, out: Path, *extra: str):
    corpus, book, _ = study
    return runner.invoke(
        app, ["code", "-q", "-t", str(corpus), "-c", str(book), *extra, "-o", str(out)]
    )


def manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def tables(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*.csv")}


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


def test_a_run_removes_the_tables_its_command_wrote_before_and_no_longer_writes(study, tmp_path):
    out = tmp_path / "results"
    first = code(study, out, "-f", str(study[2]))
    assert first.exit_code == 0, first.output
    assert "comparison.csv" in names(out)
    mine = out / "notes.txt"
    mine.write_text("my notes\n", encoding="utf-8")
    second = runner.invoke(
        app, ["code", "-t", str(study[0]), "-c", str(study[1]), "-o", str(out)], terminal_width=200
    )
    assert second.exit_code == 0, second.output
    assert "comparison.csv" not in names(out)
    assert "Removed" in second.output and "comparison.csv" in second.output
    assert mine.read_text(encoding="utf-8") == "my notes\n"
    files = manifest(out)["files"]
    assert "comparison.csv" not in files and "notes.txt" not in files
    assert {entry["command"] for entry in files.values()} == {"code"}
    assert len({entry["run"] for entry in files.values()}) == 1


def test_a_stale_table_edited_since_is_kept_and_named(study, tmp_path):
    out = tmp_path / "results"
    assert code(study, out, "-f", str(study[2])).exit_code == 0
    comparison = out / "comparison.csv"
    comparison.write_text(comparison.read_text(encoding="utf-8") + "checked,,,\n")
    second = code(study, out)
    assert second.exit_code == 0, second.output
    assert comparison.read_text(encoding="utf-8").endswith("checked,,,\n")
    assert "comparison.csv" in second.output and "edited since" in second.output


@pytest.mark.parametrize("stream", [False, True])
def test_a_table_made_private_stays_private_when_written_again(study, tmp_path, stream):
    """Tables quote informants: a researcher who closed one to others (chmod 600) must not
    find it open again after the next run, whether it was written whole or as produced."""
    out = tmp_path / "results"
    args = ["code", "-q", "-t", str(study[0]), "-c", str(study[1]), "-o", str(out)]
    if stream:
        survey = tmp_path / "answers.csv"
        survey.write_text("id,jawaban\nA,Petugasnya ramah.\nB,Petugasnya judes.\n")
        args[3] = str(survey)
        args += ["--stream", "--survey=informant=id", "--survey=answer=jawaban"]
        args += ["--survey=default_role=masyarakat"]
    assert runner.invoke(app, args).exit_code == 0
    codings = out / "codings.csv"
    codings.chmod(0o600)
    opened = (out / "stances.csv").stat().st_mode & 0o777
    assert runner.invoke(app, args).exit_code == 0
    assert codings.stat().st_mode & 0o777 == 0o600
    assert (out / "stances.csv").stat().st_mode & 0o777 == opened


def test_agree_removes_its_own_old_detection_table(study, tmp_path):
    corpus, book, _ = study
    reduced = tmp_path / "reduced"
    assert (
        runner.invoke(
            app, ["reduce", "-q", "-t", str(corpus), "-c", str(book), "-o", str(reduced)]
        ).exit_code
        == 0
    )
    segments = (reduced / "segments.csv").read_text(encoding="utf-8").splitlines()[1:]
    ids = [row.split(",")[0] for row in segments]
    ana = tmp_path / "ana.csv"
    ana.write_text(f"segment_id,criterion,polarity\n{ids[0]},attitude,positive\n")
    budi = tmp_path / "budi.csv"
    budi.write_text(f"segment_id,criterion,polarity\n{ids[0]},attitude,negative\n")
    out = tmp_path / "agreement"
    common = ["-q", "-t", str(corpus), "-c", str(book), "-o", str(out)]
    with_auto = runner.invoke(app, ["agree", "auto", str(ana), *common])
    assert with_auto.exit_code == 0, with_auto.output
    assert {"detection.csv", "verdicts.csv"} <= names(out)
    humans = runner.invoke(app, ["agree", str(ana), str(budi), *common])
    assert humans.exit_code == 0, humans.output
    assert names(out) == {"agreement.csv", "disagreements.csv"}


def test_a_command_never_replaces_the_result_of_another(study, tmp_path):
    corpus, book, _ = study
    out = tmp_path / "results"
    reduced = runner.invoke(
        app, ["reduce", "-q", "-t", str(corpus), "-c", str(book), "-o", str(out)]
    )
    assert reduced.exit_code == 0, reduced.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    refused = code(study, out)
    assert refused.exit_code == 2
    assert "'ektp-qual reduce'" in refused.output and "another command" in refused.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_options_that_take_a_file_also_take_a_folder(study, tmp_path):
    corpus, book, _ = study
    out = tmp_path / "results"
    assert code(study, out).exit_code == 0
    inputs = ["-t", str(corpus), "-c", str(book)]
    report = runner.invoke(app, ["report", "-q", *inputs, "-o", f"{out}/"])
    assert report.exit_code == 0, report.output
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    kwic = runner.invoke(app, ["kwic", "ramah", "-q", *inputs, "-o", str(out)])
    assert kwic.exit_code == 0, kwic.output
    assert (out / "kwic.csv").read_text(encoding="utf-8").startswith("informant")
    named = runner.invoke(app, ["kwic", "ramah", "-q", *inputs, "-o", str(tmp_path / "k.csv")])
    assert named.exit_code == 0 and (tmp_path / "k.csv").is_file()
    help_text = runner.invoke(app, ["report", "--help"], terminal_width=200).output
    assert "or a folder to write report.html into" in help_text


def test_every_command_writes_under_its_own_default_folder(study, tmp_path, monkeypatch):
    corpus, book, _ = study
    monkeypatch.chdir(tmp_path)
    inputs = ["-q", "-t", str(corpus), "-c", str(book)]
    assert runner.invoke(app, ["code", *inputs]).exit_code == 0
    segment = (tmp_path / "ektp-qual-output/code/segments.csv").read_text().splitlines()[1]
    ana = tmp_path / "ana.csv"
    ana.write_text(f"segment_id,criterion,polarity\n{segment.split(',')[0]},attitude,positive\n")
    agreed = runner.invoke(app, ["agree", "auto", str(ana), *inputs])
    assert agreed.exit_code == 0, agreed.output
    report = runner.invoke(app, ["report", *inputs, "--no-transcripts"])
    assert report.exit_code == 0, report.output
    output = tmp_path / "ektp-qual-output"
    assert sorted(p.name for p in output.iterdir()) == ["agree", "code", "report"]
    assert "conclusions.csv" in names(output / "code")
    assert names(output / "agree") == {
        "agreement.csv",
        "disagreements.csv",
        "detection.csv",
        "verdicts.csv",
    }
    assert names(output / "report") == {"report.html"}
    assert names(tmp_path) == {
        "ana.csv",
        "corpus",
        "codebook.yaml",
        "expected.yaml",
        "ektp-qual-output",
    }


def test_a_crash_between_renames_is_finished_by_the_next_run(study, tmp_path, monkeypatch):
    corpus, _, findings = study
    out = tmp_path / "results"
    assert code(study, out, "-f", str(findings)).exit_code == 0
    (corpus / "M3.txt").write_text(
        "---\ninformant: M3\nrole: masyarakat\n---\nP: Bagaimana sikap petugas?\n"
        "M3: Petugasnya sopan.\n",
        encoding="utf-8",
    )
    clean = tmp_path / "clean"
    assert code(study, clean).exit_code == 0
    real_replace = os.replace
    calls = {"n": 0}

    def crash_after_the_first_table(src, dst):
        calls["n"] += 1
        if calls["n"] > 2:  # the manifest of the pending run, then one table
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_after_the_first_table)
    crashed = code(study, out)
    monkeypatch.setattr(os, "replace", real_replace)
    assert crashed.exit_code == 2 and "No space left" in crashed.output
    mixed = tables(out)
    assert mixed != tables(clean) and any(
        mixed[name] == data for name, data in tables(clean).items()
    )

    rerun = runner.invoke(
        app, ["code", "-t", str(corpus), "-c", str(study[1]), "-o", str(out)], terminal_width=200
    )
    assert rerun.exit_code == 0, rerun.output
    assert "finished the run" in rerun.output
    assert tables(out) == tables(clean)
    assert not list(out.glob(".ektp-qual-*.tmp"))
    record = manifest(out)
    assert "pending" not in record and set(record["files"]) == set(tables(clean))
    for name, entry in record["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == entry["sha256"]


@pytest.mark.skipif(os.name != "posix", reason="kills a process with SIGKILL")
@pytest.mark.parametrize("killed_in", ["os.replace", "os.fsync"])
def test_a_killed_run_is_finished_or_cleaned_up_by_the_next(study, tmp_path, killed_in):
    """A real kill, between renames (os.replace) or while staging the files (os.fsync)."""
    corpus, book, findings = study
    out = tmp_path / "results"
    assert code(study, out, "-f", str(findings)).exit_code == 0
    before = tables(out)
    killer = textwrap.dedent(
        f"""
        import os, signal, sys
        from ektp_qual.cli import app
        real, calls = {killed_in}, []
        def dying(*args):
            calls.append(args)
            if len(calls) > 2:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args)
        {killed_in} = dying
        app(["code", "-q", "-t", sys.argv[1], "-c", sys.argv[2], "-o", sys.argv[3]])
        """
    )
    killed = subprocess.run(
        [sys.executable, "-c", killer, str(corpus), str(book), str(out)], capture_output=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert list(out.glob(".ektp-qual-*.tmp"))
    pending = "pending" in manifest(out)
    after_kill = tables(out)
    rerun = runner.invoke(app, ["code", "-t", str(corpus), "-c", str(book), "-o", str(out)])
    assert rerun.exit_code == 0, rerun.output
    assert not list(out.glob(".ektp-qual-*.tmp"))
    assert "comparison.csv" not in names(out)
    said = " ".join(rerun.output.split())  # where rich wraps depends on the path's length
    if killed_in == "os.replace":
        assert pending and "finished the run" in said
    else:
        assert not pending and after_kill == before
        assert "removed 3 temporary files" in said


def test_temporary_files_of_runs_no_longer_running_are_removed(study, tmp_path):
    out = tmp_path / "results"
    assert code(study, out).exit_code == 0
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    big = out / f".ektp-qual-{ended.pid}-x1y2.tmp"
    with big.open("wb") as handle:
        handle.truncate(117_000_000)  # sparse: the size of the one in the report
    old_version = out / ".ektp-qual-k3j4.tmp"
    old_version.write_bytes(b"x")
    no_such_process = out / ".ektp-qual-99999999999999999999-z9.tmp"
    no_such_process.write_bytes(b"x")
    running = out / ".ektp-qual-1-a1b2.tmp"  # process 1 always runs
    running.write_bytes(b"x")
    folder = out / ".ektp-qual-notes.tmp"  # a folder is not a temporary file of the tool
    folder.mkdir()
    assert recover(out) == [
        "removed 3 temporary files (117.0 MB) left by a run that was killed or failed"
    ]
    assert sorted(out.glob(".ektp-qual-*.tmp")) == [running, folder]


KEEP = hashlib.sha256(b"keep\n").hexdigest()
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
ENTRY = st.fixed_dictionaries(
    {"sha256": st.text(max_size=4)},
    optional={"command": JSON, "run": JSON},
)
PENDING = st.fixed_dictionaries(
    {},
    optional={
        "command": JSON,
        "run": JSON,
        "written": JSON,
        "write": st.dictionaries(st.text(max_size=12), JSON | ENTRY, max_size=2),
        "remove": st.dictionaries(st.text(max_size=12), JSON, max_size=2),
    },
)
MANIFESTS = JSON | st.fixed_dictionaries(
    {"files": st.dictionaries(st.text(max_size=12), JSON | ENTRY, max_size=3) | JSON},
    optional={"pending": PENDING | JSON},
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(record=MANIFESTS)
@example(record={"files": {"../outside.csv": {"sha256": KEEP, "command": "code"}}})
@example(
    record={
        "files": {},
        "pending": {
            "command": "code",
            "run": "r",
            "written": "t",
            "write": {},
            "remove": {"../outside.csv": KEEP},
        },
    }
)
def test_any_manifest_is_read_or_refused_in_one_line(tmp_path_factory, record):
    """A manifest edited or damaged by hand never gives a traceback, nor reaches outside
    its folder: the run goes on or stops with the one error naming the manifest."""
    base = tmp_path_factory.mktemp("m")
    folder = base / "out"
    folder.mkdir()
    (base / "outside.csv").write_text("keep\n")
    (folder / MANIFEST).write_text(json.dumps(record), encoding="utf-8")
    try:
        write_run({"a.csv": b"x\n"}, folder, "code")
    except InputError as error:
        assert Path(error.source).parent == folder, error
    assert (base / "outside.csv").read_text() == "keep\n"


def test_a_run_still_writing_is_left_to_finish(tmp_path):
    """Another process writing into the folder at this moment is not raced."""
    out = tmp_path / "results"
    write_run({"a.csv": b"old\n"}, out, "code")
    staged = out / ".ektp-qual-1-a1b2.tmp"  # staged by process 1, which always runs
    staged.write_bytes(b"new\n")
    record = manifest(out)
    record["pending"] = {
        "command": "code",
        "run": "20261130T000000Z-000000",
        "written": "2026-11-30T00:00:00+00:00",
        "write": {"a.csv": {"sha256": hashlib.sha256(b"new\n").hexdigest(), "staged": staged.name}},
        "remove": {},
    }
    (out / MANIFEST).write_text(json.dumps(record), encoding="utf-8")
    assert recover(out) == []
    assert (out / "a.csv").read_bytes() == b"old\n" and staged.exists()
    assert "pending" in manifest(out)
