"""Where each command writes, and how a run replaces the files of the run before it.

Every test writes its own small corpus and runs the commands through the CLI, the way a
researcher would run them twice into one folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ektp_qual.cli import app
from ektp_qual.export import MANIFEST

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
