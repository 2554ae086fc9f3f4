"""The embedded sample: the corpus reads as BRIEF.md asks, and reproduces the thesis."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.cli import app

CRITERIA = ["professionalism", "attitude", "accessibility", "reliability", "recovery", "reputation"]


@pytest.fixture(scope="module")
def analysis():
    return ektp_qual.analyse()


def test_corpus_shape(analysis):
    corpus = analysis.corpus
    assert len(corpus.transcripts) == 19
    roles = pd.Series([t.role for t in corpus.transcripts]).value_counts().to_dict()
    assert roles == {"masyarakat": 15, "petugas": 4}
    for t in corpus.transcripts:
        words = len(re.findall(r"\S+", t.body))
        assert 400 <= words <= 900, (t.informant, words)
        assert t.name and t.name.endswith("(pseudonym)")
        assert {"gender", "age", "occupation", "kelurahan", "interviewed"} <= set(t.attributes)
    kelurahan = {t.attributes["kelurahan"] for t in corpus.transcripts}
    assert len(kelurahan) >= 8


def test_every_interview_touches_all_six_criteria(analysis):
    stances = analysis.reduction.stances
    assert analysis.codebook.criterion_ids == CRITERIA
    assert not (stances["stance"] == "none").any()


def test_reproduces_the_thesis(analysis):
    conclusions = analysis.conclusion.conclusions.set_index("criterion")
    expected = yaml.safe_load(ektp_qual.sample_findings().read_text(encoding="utf-8"))
    for criterion, verdict in expected["criteria"].items():
        assert conclusions.loc[criterion, "verdict"] == verdict
    assert analysis.conclusion.overall["verdict"].iloc[0] == "partly met"
    assert analysis.conclusion.overall["label"].iloc[0] == "sebagian berkualitas"
    assert analysis.conclusion.reproduces_findings is True
    # attitude is "mostly good" and still fails: a majority positive below the threshold
    attitude = conclusions.loc["attitude"]
    assert 0.5 < attitude["share"] < 0.75


def test_negative_cases_inside_verdicts(analysis):
    stances = analysis.reduction.stances
    community = stances[stances["role"] == "masyarakat"]
    conclusions = analysis.conclusion.conclusions.set_index("criterion")
    for criterion in CRITERIA:
        held = set(community[community["criterion"] == criterion]["stance"])
        against = "negative" if conclusions.loc[criterion, "verdict"] == "met" else "positive"
        assert against in held, criterion


def test_officers_judge_their_service_more_kindly(analysis):
    roles = analysis.display.role_matrix
    share = roles.pivot(index="criterion", columns="role", values="share_positive")
    assert (share["petugas"] >= share["masyarakat"]).all()
    assert (share["petugas"] - share["masyarakat"]).mean() > 0.15
    disagree = analysis.conclusion.triangulation
    assert (disagree["agreement"] == "disagree").any()


def test_cli_check_passes_on_the_sample(tmp_path):
    result = CliRunner().invoke(app, ["code", "--check", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "The expected findings are reproduced." in result.output
    assert "reconstruction" in result.output  # never presented as the thesis's own data
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert {
        "codings.csv",
        "stances.csv",
        "checklist_matrix.csv",
        "role_matrix.csv",
        "conclusions.csv",
        "segments_by_code.csv",
    } <= written


def test_cli_check_fails_when_a_verdict_differs(tmp_path):
    findings = tmp_path / "findings.yaml"
    findings.write_text(
        "criteria:\n  attitude: met\n  professionalism: not met\noverall: partly met\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["code", "--check", "--findings", str(findings), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert "✗" in result.output
    assert "Some verdicts differ" in result.output


def test_personal_data_never_reaches_the_exports(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["code", "--quiet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = []
    for t in ektp_qual.read_corpus(ektp_qual.sample_transcripts()).transcripts:
        plain = re.sub(r"\(.*?\)", "", t.name)
        names += [w for w in plain.split() if w not in {"Pak", "Ibu", "Bu", "Mbak", "Mas", "Dik"}]
    exported = "\n".join(p.read_text(encoding="utf-8") for p in out.glob("*.csv"))
    for name in names:
        assert not re.search(rf"\b{re.escape(name)}\b", exported), name
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", exported)  # the NIK read out in M06
    assert "0812-7345-9921" not in exported  # the phone number in M02
    assert "[NIK]" in exported and "[PHONE]" in exported
    assert "name" not in pd.read_csv(out / "informants.csv").columns


def test_personal_data_on_request(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["code", "-q", "--personal-data", "--out", str(out)])
    assert result.exit_code == 0, result.output
    informants = pd.read_csv(out / "informants.csv")
    assert informants["name"].str.endswith("(pseudonym)").all()
    assert "0812-7345-9921" in (out / "codings.csv").read_text(encoding="utf-8") or (
        "0812-7345-9921" in (out / "segments.csv").read_text(encoding="utf-8")
    )
