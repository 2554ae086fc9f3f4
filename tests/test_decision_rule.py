"""The default decision rule of docs/formats.md section 3, at its edges."""

from __future__ import annotations

import pandas as pd
import pytest

from ektp_qual import conclude, parse_codebook, reduce
from ektp_qual.analysis.conclusion import overall_verdict, verdict_for, verdicts
from ektp_qual.analysis.reduction import stance_of
from ektp_qual.model import DecisionRule

from .conftest import MINI_CODEBOOK


@pytest.mark.parametrize(
    ("plus", "minus", "stance"),
    [
        (0, 0, "none"),
        (1, 0, "positive"),
        (0, 1, "negative"),
        (2, 2, "mixed"),
        (3, 2, "positive"),
        (2, 3, "negative"),
        (1, 1, "mixed"),
    ],
)
def test_stance(plus, minus, stance):
    assert stance_of(pd.Series([plus]), pd.Series([minus])).iloc[0] == stance


@pytest.mark.parametrize(
    ("positive", "with_stance", "threshold", "verdict"),
    [
        (3, 4, 0.75, "met"),  # exactly at the threshold is met
        (2, 3, 0.75, "not met"),
        (10, 15, 0.75, "not met"),  # "mostly good" still fails
        (12, 15, 0.75, "met"),
        (0, 0, 0.75, "undetermined"),
        (1, 1, 1.0, "met"),
        (7, 10, 0.7, "met"),
        (0, 5, 0.75, "not met"),
    ],
)
def test_verdict(positive, with_stance, threshold, verdict):
    assert verdict_for(positive, with_stance, DecisionRule(threshold=threshold)) == verdict


def _stances(rows):
    return pd.DataFrame(rows, columns=["informant", "role", "criterion", "stance"])


def test_only_deciding_roles_count_and_none_is_left_out():
    book = parse_codebook(MINI_CODEBOOK)
    stances = _stances(
        [
            ("M1", "masyarakat", "attitude", "positive"),
            ("M2", "masyarakat", "attitude", "positive"),
            ("M3", "masyarakat", "attitude", "positive"),
            ("M4", "masyarakat", "attitude", "negative"),
            ("M5", "masyarakat", "attitude", "none"),
            ("P1", "petugas", "attitude", "negative"),
            ("P2", "petugas", "attitude", "negative"),
            ("M1", "masyarakat", "professionalism", "mixed"),
            ("M2", "masyarakat", "professionalism", "positive"),
        ]
    )
    table = verdicts(stances, book).set_index("criterion")
    assert table.loc["attitude", ["positive", "with_stance", "verdict"]].tolist() == [3, 4, "met"]
    assert table.loc["attitude", "share"] == 0.75
    assert table.loc["professionalism", "verdict"] == "not met"  # mixed is not positive
    assert table.loc["reliability", "verdict"] == "undetermined"
    assert table.loc["reliability", "with_stance"] == 0
    assert pd.isna(table.loc["reliability", "share"])
    assert set(table["deciding_roles"]) == {"masyarakat"}


def test_without_roles_every_role_decides():
    book = parse_codebook(MINI_CODEBOOK.replace("  roles: [masyarakat]\n", ""))
    stances = _stances(
        [
            ("M1", "masyarakat", "attitude", "positive"),
            ("P1", "petugas", "attitude", "negative"),
        ]
    )
    row = verdicts(stances, book).set_index("criterion").loc["attitude"]
    assert (row["positive"], row["with_stance"], row["verdict"]) == (1, 2, "not met")


@pytest.mark.parametrize(
    ("verdict_list", "overall"),
    [
        (["met", "met", "met"], "met"),
        (["not met", "not met", "not met"], "not met"),
        (["met", "not met", "met"], "partly met"),
        (["met", "undetermined", "met"], "partly met"),
        (["undetermined"] * 3, "undetermined"),
        (["not met", "undetermined", "not met"], "not met"),
    ],
)
def test_overall(verdict_list, overall):
    book = parse_codebook(MINI_CODEBOOK)
    table = pd.DataFrame({"criterion": ["a", "b", "c"], "verdict": verdict_list})
    assert overall_verdict(table, book)["verdict"].iloc[0] == overall


def test_rule_end_to_end_on_a_small_corpus(corpus_dir, mini_codebook):
    folder = corpus_dir(
        {
            "M1": ("masyarakat", [("P", "Bagaimana?"), ("M1", "Petugasnya ramah. Cepat kok.")]),
            "M2": ("masyarakat", [("P", "Bagaimana?"), ("M2", "Ramah. Antriannya panjang.")]),
            "M3": ("masyarakat", [("P", "Bagaimana?"), ("M3", "Judes. Sopan juga sih.")]),
            "M4": ("masyarakat", [("P", "Bagaimana?"), ("M4", "Sabar sekali. Gratis.")]),
            "P1": ("petugas", [("P", "Bagaimana?"), ("P1", "Kami judes, jujur saja.")]),
        }
    )
    reduction = reduce(folder, mini_codebook)
    stances = reduction.stances.set_index(["informant", "criterion"])
    assert stances.loc[("M3", "attitude"), "stance"] == "mixed"
    assert stances.loc[("M2", "professionalism"), "stance"] == "negative"
    assert stances.loc[("M1", "reliability"), "stance"] == "none"
    result = conclude(reduction)
    table = result.conclusions.set_index("criterion")
    # attitude: M1, M2, M4 positive, M3 mixed: 3/4 = 0.75 -> met; P1 does not decide
    assert table.loc["attitude", ["positive", "with_stance", "verdict"]].tolist() == [3, 4, "met"]
    assert table.loc["professionalism", "verdict"] == "not met"  # 1/2
    assert table.loc["reliability", "verdict"] == "met"  # 1/1
    assert result.overall["verdict"].iloc[0] == "partly met"
    triangulation = result.triangulation.set_index("criterion")
    assert triangulation.loc["attitude", "petugas_verdict"] == "not met"
    assert triangulation.loc["attitude", "agreement"] == "disagree"
    against = result.negative_evidence
    assert set(against[against["criterion"] == "attitude"]["informant"]) == {"M3"}


def test_the_rule_is_worded_once_for_the_report_and_the_workbook(tmp_path):
    """The report and the workbook state the same rule, with its roles and threshold."""
    import html

    import pandas as pd

    import ektp_qual
    from ektp_qual.outputs.report import report_html
    from ektp_qual.outputs.xlsx import workbook_bytes

    result = ektp_qual.analyse()
    words = result.codebook.decision.in_words()
    assert "masyarakat" in words and "0.75 (75%)" in words
    assert words in html.unescape(report_html(result, transcripts=False))
    (tmp_path / "w.xlsx").write_bytes(workbook_bytes(result))
    study = pd.read_excel(tmp_path / "w.xlsx", sheet_name="study", dtype=object)
    assert words in set(study["value"])
