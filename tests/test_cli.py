"""The command line: every command, its help, its outputs and its exit codes."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from ektp_qual import __version__
from ektp_qual.cli import app

runner = CliRunner()
COMMANDS = [
    "code",
    "reduce",
    "display",
    "conclude",
    "validate",
    "review",
    "agree",
    "export",
    "import",
    "report",
    "figures",
    "kwic",
    "cooccur",
    "saturation",
]
REQUIRED_COLUMNS = {
    "codings.csv": [
        "segment_id",
        "informant",
        "role",
        "criterion",
        "polarity",
        "method",
        "phrase",
        "phrases",
        "negated",
        "start",
        "end",
        "text",
    ],
    "stances.csv": ["informant", "role", "criterion", "stance", "n_positive", "n_negative"],
    "conclusions.csv": ["criterion", "verdict", "positive", "with_stance", "share", "threshold"],
}


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"ektp-qual {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_with_examples(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "ektp-qual" in result.output and "Example" in result.output
    assert "--transcripts" in result.output and "--codebook" in result.output


@pytest.fixture
def small_corpus(corpus_dir):
    return corpus_dir(
        {
            "M1": (
                "masyarakat",
                [
                    ("P", "Bagaimana sikap petugas saat melayani?"),
                    ("M1", "Sudah baik, Mas. Petugasnya ramah."),
                    ("P", "Bagaimana kecepatan proses perekaman, cepat atau lambat?"),
                    ("M1", "Antriannya panjang sekali."),
                ],
            ),
            "M2": (
                "masyarakat",
                [
                    ("P", "Bagaimana sikap petugas saat melayani?"),
                    ("M2", "Judes, Mas. Tidak ada pungli sih."),
                ],
            ),
            "P1": ("petugas", [("P", "Bagaimana?"), ("P1", "Kami ramah dan cepat.")]),
        }
    )


def test_code_writes_every_table(small_corpus, mini_codebook, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["code", "-t", str(small_corpus), "-c", str(mini_codebook), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    for name, columns in REQUIRED_COLUMNS.items():
        table = pd.read_csv(out / name)
        assert list(table.columns[: len(columns)]) == columns
    checklist = pd.read_csv(out / "checklist_matrix.csv")
    assert checklist["informant"].tolist() == ["M1", "M2", "P1"]
    assert {"attitude", "professionalism", "reliability"} <= set(checklist.columns)
    role_matrix = pd.read_csv(out / "role_matrix.csv")
    assert {"role", "criterion", "positive", "negative", "mixed", "none"} <= set(
        role_matrix.columns
    )
    by_code = pd.read_csv(out / "segments_by_code.csv")
    assert {"attitude_positive", "attitude_negative"} <= set(by_code.columns)
    assert set(by_code["attitude_positive"]) <= {0, 1}
    conclusions = pd.read_csv(out / "conclusions.csv").set_index("criterion")
    assert conclusions.loc["attitude", "verdict"] == "not met"  # M1 positive, M2 mixed
    assert conclusions.loc["reliability", "verdict"] == "met"
    # no expected findings for one's own data: no comparison table
    assert not (out / "comparison.csv").exists()


def test_output_fits_80_columns_without_colour_codes(small_corpus, mini_codebook, tmp_path):
    result = runner.invoke(
        app,
        ["code", "-t", str(small_corpus), "-c", str(mini_codebook), "-o", str(tmp_path / "o")],
        env={"NO_COLOR": "1"},
    )
    assert result.exit_code == 0
    assert "\x1b[" not in result.output
    lines = [
        line for line in result.output.splitlines() if not line.startswith(("Wrote ", "warning:"))
    ]
    assert max(len(line) for line in lines) <= 80


def test_sample_output_fits_80_columns(tmp_path):
    result = runner.invoke(app, ["code", "-o", str(tmp_path / "o")])
    assert result.exit_code == 0
    lines = [
        line for line in result.output.splitlines() if not line.startswith(("Wrote ", "warning: "))
    ]
    assert max(len(line) for line in lines) <= 80
    for heading in [
        "Checklist matrix",
        "Role-ordered matrix",
        "Evidence by criterion",
        "Triangulation",
        "Negative evidence",
        "Conclusions",
        "Overall: partly met",
    ]:
        assert heading in result.output


def test_quiet_prints_nothing_but_warnings(small_corpus, mini_codebook, tmp_path):
    result = runner.invoke(
        app,
        [
            "code",
            "-q",
            "-t",
            str(small_corpus),
            "-c",
            str(mini_codebook),
            "-o",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 0
    # the phrases that match nothing are the codebook's coverage, not a warning
    assert result.output == ""
    assert (tmp_path / "o" / "codings.csv").exists()


def test_quiet_code_builds_no_table_it_would_not_print(
    small_corpus, mini_codebook, tmp_path, monkeypatch
):
    """Under -q the console prints nothing: building its tables would be wasted time."""
    from ektp_qual.outputs import render

    def unwanted(*args, **kwargs):
        raise AssertionError("a table was built under -q")

    for name in ("reduction_summary", "checklist_matrix", "conclusions", "triangulation"):
        monkeypatch.setattr(render, name, unwanted)
    args = ["code", "-q", "-t", str(small_corpus), "-c", str(mini_codebook)]
    result = runner.invoke(app, [*args, "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "conclusions.csv").exists()


@pytest.mark.parametrize(
    ("command", "heading", "tables"),
    [
        ("reduce", "Stances", {"codings.csv", "stances.csv", "segments.csv"}),
        ("display", "Checklist matrix", {"checklist_matrix.csv", "role_matrix.csv"}),
        ("conclude", "Conclusions", {"conclusions.csv", "triangulation.csv"}),
    ],
)
def test_each_step_alone(command, heading, tables, small_corpus, mini_codebook, tmp_path):
    args = [command, "-t", str(small_corpus), "-c", str(mini_codebook)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert heading in result.output
    result = runner.invoke(app, [*args, "--out", str(tmp_path / command)])
    assert result.exit_code == 0
    assert tables <= {p.name for p in (tmp_path / command).iterdir()}


def test_conclude_check_needs_findings(small_corpus, mini_codebook):
    result = runner.invoke(
        app, ["conclude", "-t", str(small_corpus), "-c", str(mini_codebook), "--check"]
    )
    assert result.exit_code == 2
    assert "--findings" in result.output


def test_findings_must_name_codebook_criteria(small_corpus, mini_codebook, write):
    findings = write("findings.yaml", "criteria:\n  courtesy: met\n")
    result = runner.invoke(
        app, ["conclude", "-t", str(small_corpus), "-c", str(mini_codebook), "-f", str(findings)]
    )
    assert result.exit_code == 2
    assert "findings.yaml" in result.output and "courtesy" in result.output
    assert "Traceback" not in result.output


def test_validate_names_phrases_read_alike_as_written(small_corpus, write):
    """Two voices of one verb read as one key; the warning must show what the author wrote."""
    codebook = write(
        "cb.yaml",
        """\
codebook: check
language: id
criteria:
  - id: attitude
    label: Sikap
    positive: [menghargai]
  - id: reputation
    label: Reputasi
    positive: [dihargai]
""",
    )
    result = runner.invoke(app, ["validate", "-t", str(small_corpus), "-c", str(codebook)])
    output = " ".join(result.output.split())
    assert "attitude.positive ('menghargai') and reputation.positive ('dihargai')" in output
    assert "~" not in output


def test_validate_reports_what_to_fix(small_corpus, write):
    codebook = write(
        "cb.yaml",
        """\
codebook: check
language: id
criteria:
  - id: attitude
    label: Sikap
    questions:
      - Bagaimana sikap petugas?
    positive: [ramah, sopan, murah senyum]
    negative: [judes]
  - id: speed
    label: Kecepatan
    positive: [cepat, petugas ramah]
    negative: [antrian panjang, judes]
""",
    )
    result = runner.invoke(app, ["validate", "-t", str(small_corpus), "-c", str(codebook)])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "3 transcripts and the codebook 'check' (2 criteria) are valid" in output
    assert "murah senyum" in output and "match nothing" in output
    assert re.search(
        r"attitude.negative \('judes'\) and speed.negative \('judes'\) read as the same", output
    )
    strict = runner.invoke(
        app, ["validate", "-t", str(small_corpus), "-c", str(codebook), "--strict"]
    )
    assert strict.exit_code == 1


def test_validate_reports_informants_without_evidence(corpus_dir, mini_codebook):
    folder = corpus_dir({"M9": ("masyarakat", [("P", "Apa kabar?"), ("M9", "Baik-baik.")])})
    result = runner.invoke(app, ["validate", "-t", str(folder), "-c", str(mini_codebook)])
    assert result.exit_code == 0
    assert "informant M9 has no coded evidence" in " ".join(result.output.split())


def test_validate_on_the_sample():
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert "19 transcripts" in result.output


def test_a_refused_output_folder_stops_before_the_analysis(small_corpus, mini_codebook, write):
    taken = write("results", "not a folder\n")
    result = runner.invoke(
        app, ["code", "-t", str(small_corpus), "-c", str(mini_codebook), "-o", str(taken)]
    )
    assert result.exit_code == 2
    assert "not a folder" in result.output
    assert "Checklist" not in result.output


def test_a_failing_disk_is_a_message_not_a_traceback(
    small_corpus, mini_codebook, tmp_path, monkeypatch
):
    import os

    def no_space(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    result = runner.invoke(
        app,
        [
            "code",
            "-q",
            "-t",
            str(small_corpus),
            "-c",
            str(mini_codebook),
            "-o",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2
    assert "cannot write the files: No space left on device" in result.output
    assert "Traceback" not in result.output
    assert not [p for p in (tmp_path / "o").iterdir() if p.suffix == ".csv"]


def test_an_english_study_with_its_own_roles(clinic_study, tmp_path):
    folder, codebook = clinic_study
    out = tmp_path / "out"
    result = runner.invoke(app, ["code", "-t", str(folder), "-c", str(codebook), "-o", str(out)])
    assert result.exit_code == 0, result.output
    stances = pd.read_csv(out / "stances.csv").set_index(["informant", "criterion"])
    assert stances.loc[("pt-1", "courtesy"), "stance"] == "positive"
    assert stances.loc[("pt-2", "courtesy"), "stance"] == "mixed"
    assert stances.loc[("pt-1", "waiting"), "stance"] == "negative"
    assert stances.loc[("st-1", "waiting"), "stance"] == "positive"
    conclusions = pd.read_csv(out / "conclusions.csv").set_index("criterion")
    assert conclusions.loc["courtesy", ["positive", "with_stance", "verdict"]].tolist() == [
        1,
        2,
        "met",
    ]
    assert conclusions.loc["waiting", "verdict"] == "not met"  # the staff member does not decide
    assert conclusions.loc["clarity", "verdict"] == "undetermined"
    roles = pd.read_csv(out / "role_matrix.csv")
    assert set(roles["role"]) == {"patient", "staff"}
    assert len(roles) == 10
    triangulation = pd.read_csv(out / "triangulation.csv").set_index("criterion")
    assert triangulation.loc["waiting", "agreement"] == "disagree"
