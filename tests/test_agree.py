"""``ektp-qual agree``: coders' files made into units and values, then measured.

The statistics themselves are checked in ``test_agreement_statistics.py``; here the
question is whether files become the right reliability table, and whether the figures
reported for it equal what scikit-learn and the ``krippendorff`` package compute.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import ektp_qual
from ektp_qual import InputError, agree
from ektp_qual.cli import app

krippendorff = pytest.importorskip("krippendorff")
metrics = pytest.importorskip("sklearn.metrics")

runner = CliRunner()
HEADER = "segment_id,criterion,polarity,decision,coder,note,decided_at\n"


@pytest.fixture
def study(corpus_dir, mini_codebook):
    corpus = corpus_dir(
        {
            "M1": (
                "masyarakat",
                [
                    ("P", "Bagaimana sikap petugas saat melayani?"),
                    ("M1", "Petugasnya ramah. Antriannya panjang sekali. Saya pulang siang."),
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
    result = ektp_qual.reduce(corpus, mini_codebook)
    ids = dict(zip(result.segments["text"], result.segments["segment_id"], strict=True))
    return corpus, mini_codebook, ids


def write_codings(path, rows):
    path.write_text(
        "segment_id,criterion,polarity\n" + "".join(f"{s},{c},{p}\n" for s, c, p in rows)
    )
    return path


def test_files_become_units_and_values(study, tmp_path):
    corpus, book, ids = study
    a = write_codings(
        tmp_path / "a.csv",
        [
            (ids["Petugasnya ramah."], "attitude", "positive"),
            (ids["Antriannya panjang sekali."], "professionalism", "negative"),
            (ids["Petugasnya judes."], "attitude", "negative"),
            (ids["Petugasnya judes."], "attitude", "positive"),
        ],
    )
    b = write_codings(
        tmp_path / "b.csv",
        [
            (ids["Petugasnya ramah."], "attitude", "positive"),
            (ids["Saya pulang siang."], "professionalism", "negative"),
        ],
    )
    result = agree([a, b], corpus, book)
    values = result.values
    assert list(values.columns) == ["a", "b"]
    assert len(values) == 5 * 3  # five sentences x three criteria
    assert values.loc[(ids["Petugasnya ramah."], "attitude")].tolist() == ["positive"] * 2
    assert values.loc[(ids["Petugasnya judes."], "attitude"), "a"] == "mixed"
    assert values.loc[(ids["Saya pulang siang."], "professionalism")].tolist() == [
        "absent",
        "negative",
    ]
    # b never coded M2's interview: missing there, not absent.
    assert pd.isna(values.loc[(ids["Petugasnya judes."], "attitude"), "b"])
    whole = agree([a, b], corpus, book, whole_corpus=True)
    assert whole.values.loc[(ids["Petugasnya judes."], "attitude"), "b"] == "absent"

    disagreements = result.disagreements
    assert set(zip(disagreements["text"], disagreements["criterion"], strict=True)) == {
        ("Antriannya panjang sekali.", "professionalism"),
        ("Saya pulang siang.", "professionalism"),
    }
    assert list(disagreements.columns[-2:]) == ["a", "b"]


def test_reported_figures_equal_independent_implementations(study, tmp_path):
    corpus, book, ids = study
    a = write_codings(
        tmp_path / "a.csv",
        [
            (ids["Petugasnya ramah."], "attitude", "positive"),
            (ids["Antriannya panjang sekali."], "professionalism", "negative"),
            (ids["Petugasnya judes."], "attitude", "negative"),
            (ids["Tidak ada pungli."], "reliability", "positive"),
        ],
    )
    b = write_codings(
        tmp_path / "b.csv",
        [
            (ids["Petugasnya ramah."], "attitude", "positive"),
            (ids["Petugasnya judes."], "attitude", "negative"),
            (ids["Saya pulang siang."], "attitude", "negative"),
            (ids["Tidak ada pungli."], "reliability", "positive"),
        ],
    )
    result = agree([a, b], corpus, book)
    values = result.values
    overall = result.agreement.set_index("criterion").loc["overall"]
    assert overall["units"] == overall["pairable_units"] == 15
    expected_kappa = metrics.cohen_kappa_score(values["a"], values["b"])
    assert overall["cohen_kappa"] == pytest.approx(expected_kappa)
    codes = {v: n for n, v in enumerate(sorted(set(values["a"]) | set(values["b"])))}
    data = np.array([[codes[v] for v in values[c]] for c in ("a", "b")], dtype=float)
    expected_alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert overall["krippendorff_alpha"] == pytest.approx(expected_alpha)
    assert overall["percent_agreement"] == pytest.approx(13 / 15)


def test_the_automatic_coder_against_a_review(study, tmp_path):
    corpus, book, ids = study
    review = tmp_path / "ana.csv"
    review.write_text(
        HEADER
        + f"{ids['Petugasnya ramah.']},attitude,positive,accept,ana,,\n"
        + f"{ids['Antriannya panjang sekali.']},professionalism,negative,reject,ana,,\n"
        + f"{ids['Saya pulang siang.']},reliability,negative,add,ana,,\n"
    )
    result = agree(["auto", review], corpus, book)
    assert result.coders == ("auto", "ana")
    detection = result.detection.set_index("criterion")
    assert detection.loc["professionalism", ["n_automatic", "n_reference", "n_hits"]].tolist() == [
        1,
        0,
        0,
    ]
    assert detection.loc["professionalism", "precision"] == 0.0
    assert math.isnan(detection.loc["professionalism", "recall"])
    assert detection.loc["reliability", "recall"] == 0.0
    assert detection.loc["attitude", "f1"] == 1.0
    # ana reviewed only M1: M2's units are missing for her, not absent.
    assert result.agreement.set_index("criterion").loc["overall", "pairable_units"] == 9


def test_a_codings_csv_from_the_tool_is_the_automatic_coder(study, tmp_path):
    corpus, book, ids = study
    out = tmp_path / "out"
    reduced = runner.invoke(app, ["reduce", "-t", str(corpus), "-c", str(book), "-o", str(out)])
    assert reduced.exit_code == 0, reduced.output
    human = write_codings(
        tmp_path / "human.csv", [(ids["Petugasnya ramah."], "attitude", "positive")]
    )
    result = agree([out / "codings.csv", human], corpus, book, whole_corpus=True)
    assert result.detection is not None
    assert result.detection["automatic"].unique().tolist() == ["codings"]


def test_agree_command_prints_unit_formulas_and_writes_tables(study, tmp_path):
    corpus, book, ids = study
    a = write_codings(tmp_path / "a.csv", [(ids["Petugasnya ramah."], "attitude", "positive")])
    b = write_codings(tmp_path / "b.csv", [(ids["Petugasnya ramah."], "attitude", "negative")])
    out = tmp_path / "agreement"
    args = ["agree", str(a), str(b), "-t", str(corpus), "-c", str(book), "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Unit: one informant sentence x one criterion" in result.output
    assert "kappa = (p_o - p_e) / (1 - p_e)" in result.output
    assert "alpha = 1 - (n - 1)" in result.output
    tables = {p.name for p in out.glob("*.csv")}
    assert tables == {"agreement.csv", "disagreements.csv"}
    disagreements = pd.read_csv(out / "disagreements.csv")
    assert disagreements[["a", "b"]].values.tolist() == [["positive", "negative"]]


def test_agree_refuses_bad_input_with_one_message(study, tmp_path):
    corpus, book, ids = study
    base = ["agree", "-t", str(corpus), "-c", str(book), "-o", str(tmp_path / "o")]
    one = runner.invoke(app, [*base, "auto"])
    assert one.exit_code == 2 and "at least two coders" in one.output
    missing = runner.invoke(app, [*base, "auto", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "nope.csv: no such file" in missing.output
    bad = write_codings(tmp_path / "bad.csv", [(ids["Petugasnya ramah."], "speed", "positive")])
    wrong = runner.invoke(app, [*base, "auto", str(bad)])
    assert wrong.exit_code == 2 and "bad.csv:2: criterion 'speed'" in wrong.output
    assert "Traceback" not in wrong.output
    assert not (tmp_path / "o").exists()


def test_a_coder_who_codes_nothing(study, tmp_path):
    corpus, book, ids = study
    empty = write_codings(tmp_path / "empty.csv", [])
    some = write_codings(
        tmp_path / "some.csv", [(ids["Petugasnya ramah."], "attitude", "positive")]
    )
    result = agree([empty, some], corpus, book, whole_corpus=True)
    overall = result.agreement.set_index("criterion").loc["overall"]
    assert overall["percent_agreement"] == pytest.approx(14 / 15)
    assert overall["cohen_kappa"] == pytest.approx(0.0)
    with pytest.raises(InputError):
        agree([empty], corpus, book)


def test_the_readme_worked_example_still_holds():
    folder = Path(__file__).resolve().parents[1] / "examples" / "agreement"
    result = agree([folder / "review-ana.csv", folder / "review-budi.csv"])
    assert result.notices == []
    overall = result.agreement.set_index("criterion").loc["overall"]
    assert (overall["units"], overall["pairable_units"]) == (5832, 936)
    assert round(overall["cohen_kappa"], 3) == round(overall["krippendorff_alpha"], 3) == 0.874
    assert len(result.disagreements) == 24
    auto = agree(["auto", folder / "review-ana.csv"])
    detection = auto.detection.set_index("criterion").loc["overall"]
    assert (round(detection["precision"], 2), round(detection["recall"], 2)) == (0.84, 0.69)
    assert round(auto.agreement.set_index("criterion").loc["overall", "krippendorff_alpha"], 3) == (
        0.745
    )


def test_stances_and_verdicts_of_the_automatic_coder_against_a_human(study, tmp_path):
    corpus, book, ids = study
    # The automatic coder: M1 attitude +, professionalism -; M2 attitude -, reliability +.
    # The human agrees on M1 and on M2's reliability, but codes M2's attitude positive.
    human = write_codings(
        tmp_path / "human.csv",
        [
            (ids["Petugasnya ramah."], "attitude", "positive"),
            (ids["Antriannya panjang sekali."], "professionalism", "negative"),
            (ids["Petugasnya judes."], "attitude", "positive"),
            (ids["Tidak ada pungli."], "reliability", "positive"),
        ],
    )
    table = agree(["auto", human], corpus, book).verdicts.set_index("criterion")
    # 2 informants x 3 criteria; only M2's attitude differs.
    assert table.loc["overall", ["stances", "same_stance"]].tolist() == [6, 5]
    assert table.loc["overall", "stance_agreement"] == pytest.approx(0.833)
    # attitude: auto 1 of 2 positive (not met), human 2 of 2 (met).
    assert table.loc[
        "attitude", ["verdict_automatic", "verdict_reference", "matches"]
    ].tolist() == [
        "not met",
        "met",
        False,
    ]
    assert table.loc["reliability", "matches"]
    assert table.loc["overall", ["verdict_automatic", "verdict_reference"]].tolist() == [
        "partly met",
        "partly met",
    ]


def test_a_file_in_a_study_folder_is_read_against_that_study(study, tmp_path):
    corpus, book, ids = study
    folder = tmp_path / "studies" / "mini"
    (folder / "transcripts").mkdir(parents=True)
    for path in Path(corpus).glob("*.txt"):
        (folder / "transcripts" / path.name).write_text(path.read_text())
    (folder / "codebook.yaml").write_text(Path(book).read_text())
    gold = write_codings(folder / "gold.csv", [(ids["Petugasnya ramah."], "attitude", "positive")])
    result = agree(["auto", gold])
    assert result.detection is not None and result.verdicts is not None
    out = tmp_path / "out"
    cli = runner.invoke(app, ["agree", "auto", str(gold), "--out", str(out), "--quiet"])
    assert cli.exit_code == 0, cli.output
    assert (out / "verdicts.csv").exists()
