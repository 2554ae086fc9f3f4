"""Verification (issue 16): how sure each verdict is, by the study's own decision rule.

The small study below is computed by hand in the comments; every figure of
``verification`` on it is checked against that computation.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.main import get_command
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.analysis.verification import _CodebookRuns
from ektp_qual.cli import app
from ektp_qual.model.results import VerificationSettings

from .conftest import transcript_text

SERVICE_CODEBOOK = """\
codebook: service
title: A town hall's service
language: en
decision:
  threshold: 0.75
  roles: [resident]
criteria:
  - id: courtesy
    label: Courtesy
    questions:
      - How did the staff treat you?
    positive: [friendly]
    negative: [rude]
  - id: speed
    label: Speed
    questions:
      - How long did it take?
    positive: [quick]
    negative: [slow]
"""

# Stances of the deciding residents (staff do not decide):
#
#   informant  kelurahan  courtesy            speed
#   R1         North      + (friendly)        + (quick)
#   R2         North      + (friendly)        + (quick)
#   R3         South      - (rude)            + (quick)
#   R4         South      - (rude)            - (slow)
#   R5         South      ± (friendly, rude)  · (nothing)
#   S1 (staff) North      - (rude)            - (slow)
#
# courtesy: 2 positive of 5 with a stance = 0.40 < 0.75: not met.
#   margin: 3/5 = 0.60 is still not met, 4/5 = 0.80 is met: 2 informants (2/5 = 0.40).
#   leave one out: without a positive one 1/4, without another 2/4: never met: nobody.
#   threshold sweep: 0.40 is below every swept threshold: no flip.
#   pivotal: without "rude", R3 and R4 have no stance and R5 is positive: 3/3, met.
# speed: 3 positive of 4 with a stance = 0.75 >= 0.75: met.
#   margin: 2/4 = 0.50 is not met: 1 informant (1/4 = 0.25).
#   leave one out: without R1 (or R2, or R3) 2/3 = 0.67: not met; without R4 3/3: met.
#   threshold sweep: met up to 0.75, not met from 0.80: flips at 0.80.
#   pivotal: without "quick", 0/1: not met.
# subgroups by kelurahan: North courtesy 2/2 met (the whole: not met), South speed 1/2
#   not met (the whole: met): both differ; North speed 2/2 and South courtesy 0/3 agree.
TURNS = {
    "R1": [("I", "How did the staff treat you?"), ("R1", "They were friendly."),
           ("I", "How long did it take?"), ("R1", "Quick.")],
    "R2": [("I", "How did the staff treat you?"), ("R2", "Friendly people."),
           ("I", "How long did it take?"), ("R2", "It was quick.")],
    "R3": [("I", "How did the staff treat you?"), ("R3", "One clerk was rude."),
           ("I", "How long did it take?"), ("R3", "Quick enough.")],
    "R4": [("I", "How did the staff treat you?"), ("R4", "Rude."),
           ("I", "How long did it take?"), ("R4", "Slow, very slow.")],
    "R5": [("I", "How did the staff treat you?"), ("R5", "The clerk was friendly."),
           ("I", "And the guard?"), ("R5", "The guard was rude."),
           ("I", "How long did it take?"), ("R5", "I cannot remember.")],
    "S1": [("I", "How do you treat people?"), ("S1", "I am rude sometimes."),
           ("I", "How long does it take?"), ("S1", "Slow, honestly.")],
}  # fmt: skip
PLACES = {"R1": "North", "R2": "North", "R3": "South", "R4": "South", "R5": "South"}


def _write_study(folder: Path, names: dict[str, str] | None = None) -> tuple[Path, Path]:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for informant, turns in TURNS.items():
        role = "staff" if informant.startswith("S") else "resident"
        extra = {"name": names[informant]} if names and informant in names else {}
        text = transcript_text(
            informant,
            role,
            [("P" if label == "I" else label, text) for label, text in turns],
            kelurahan=PLACES.get(informant, "North"),
            **extra,
        )
        (corpus / f"{informant}.txt").write_text(text, encoding="utf-8")
    codebook = folder / "service.yaml"
    codebook.write_text(SERVICE_CODEBOOK, encoding="utf-8")
    return corpus, codebook


@pytest.fixture
def service(tmp_path: Path) -> tuple[Path, Path]:
    return _write_study(tmp_path)


def _rows(table: pd.DataFrame) -> dict[str, dict]:
    return {r["criterion"]: r for r in table.to_dict("records")}


def test_the_stances_are_as_the_hand_computation_assumes(service):
    stances = ektp_qual.reduce(*service).stances.set_index(["informant", "criterion"])
    assert {(i, c): s for (i, c), s in stances["stance"].items() if i.startswith("R")} == {
        ("R1", "courtesy"): "positive",
        ("R1", "speed"): "positive",
        ("R2", "courtesy"): "positive",
        ("R2", "speed"): "positive",
        ("R3", "courtesy"): "negative",
        ("R3", "speed"): "positive",
        ("R4", "courtesy"): "negative",
        ("R4", "speed"): "negative",
        ("R5", "courtesy"): "mixed",
        ("R5", "speed"): "none",
    }


def test_margin_and_leave_one_out_equal_the_hand_computation(service):
    rows = _rows(ektp_qual.analyse(*service, verify=True).verification.verification)
    courtesy, speed = rows["courtesy"], rows["speed"]
    assert (courtesy["verdict"], courtesy["positive"], courtesy["with_stance"]) == (
        "not met",
        2,
        5,
    )
    assert (courtesy["margin"], courtesy["margin_share"]) == (2, 0.4)
    assert courtesy["loo_flips"] == ""
    assert (speed["verdict"], speed["positive"], speed["with_stance"]) == ("met", 3, 4)
    assert (speed["margin"], speed["margin_share"]) == (1, 0.25)
    assert speed["loo_flips"] == "R1; R2; R3"


def test_threshold_sweep_and_pivotal_phrases_equal_the_hand_computation(service):
    verification = ektp_qual.analyse(*service, verify=True).verification
    rows = _rows(verification.verification)
    assert math.isnan(rows["courtesy"]["threshold_flip"])
    assert rows["speed"]["threshold_flip"] == 0.8
    sweep = verification.threshold_sweep
    speed = sweep[sweep["criterion"] == "speed"].set_index("threshold")["verdict"]
    assert list(speed.loc[:0.75].unique()) == ["met"]
    assert list(speed.loc[0.8:].unique()) == ["not met"]
    assert rows["courtesy"]["pivotal_phrases"] == "rude"
    assert rows["speed"]["pivotal_phrases"] == "quick"
    # Both fall to one change (speed to one informant, courtesy to one phrase).
    assert rows["courtesy"]["label"] == rows["speed"]["label"] == "fragile"
    assert rows["(all)"]["label"] == "fragile"
    assert "robust: at least 2 deciding informants" in verification.rule


def test_pivotal_phrases_equal_a_recount_without_each_phrase(service):
    """The shortcut that finds pivotal phrases misses none a whole recount finds."""
    result = ektp_qual.analyse(*service, verify=True)
    conclusions = result.conclusion.conclusions
    verdict = dict(zip(conclusions["criterion"], conclusions["verdict"], strict=True))
    runs = _CodebookRuns(result.reduction, verdict)
    recounted: dict[str, list[str]] = {cid: [] for cid in verdict}
    for p, phrase in enumerate(runs.phrases):
        dropped = np.zeros(len(runs.phrases), dtype=bool)
        dropped[p] = True
        new = runs.verdicts(runs.kept(dropped))
        for cid in verdict:
            if new[cid] != verdict[cid]:
                recounted[cid].append(phrase)
    assert recounted == runs.pivotal_phrases() == {"courtesy": ["rude"], "speed": ["quick"]}


def test_a_kelurahan_with_another_verdict_is_flagged(service):
    groups = ektp_qual.analyse(*service, verify=True).verification.subgroups
    flagged = groups[groups["differs"]]
    assert set(zip(flagged["attribute"], flagged["value"], flagged["criterion"], strict=True)) == {
        ("kelurahan", "North", "courtesy"),
        ("kelurahan", "South", "speed"),
    }
    south = groups.set_index(["attribute", "value", "criterion"]).loc[
        ("kelurahan", "South", "speed")
    ]
    assert (south["positive"], south["with_stance"], south["verdict"]) == (1, 2, "not met")
    assert south["whole_verdict"] == "met"
    # The staff member alone is a subgroup of one: listed, never flagged.
    staff = groups[(groups["attribute"] == "role") & (groups["value"] == "staff")]
    assert list(staff["verdict"]) == ["not met", "not met"] and not staff["differs"].any()


def test_bootstrap_resamples_only_the_deciding_roles(tmp_path):
    """Every resident is positive on speed and the staff member negative: a resample
    that drew the staff member could fail the verdict; none may."""
    corpus, codebook = _write_study(tmp_path)
    (corpus / "R4.txt").write_text(
        transcript_text(
            "R4", "resident", [("P", "How long did it take?"), ("R4", "Quick.")], kelurahan="South"
        ),
        encoding="utf-8",
    )
    rows = _rows(ektp_qual.analyse(corpus, codebook, verify=True).verification.verification)
    assert (rows["speed"]["positive"], rows["speed"]["with_stance"]) == (4, 4)
    assert rows["speed"]["bootstrap_share"] == 1.0
    assert 0 < rows["courtesy"]["bootstrap_share"] < 1


def test_the_same_seed_gives_the_same_figures_and_another_seed_others(service):
    result = ektp_qual.analyse(*service)
    first = ektp_qual.verify(result, seed=7, bootstrap=300, ablation=30, drop=0.5)
    again = ektp_qual.verify(result, seed=7, bootstrap=300, ablation=30, drop=0.5)
    other = ektp_qual.verify(result, seed=8, bootstrap=300, ablation=30, drop=0.5)
    for name, table in first.tables().items():
        pd.testing.assert_frame_equal(table, again.tables()[name])
    shares = ["bootstrap_share", "ablation_share"]
    assert not first.verification[shares].equals(other.verification[shares])
    # More resamples never change the codebook runs: each draws from its own stream.
    more = ektp_qual.verify(result, seed=7, bootstrap=500, ablation=30, drop=0.5)
    assert more.verification["ablation_share"].equals(first.verification["ablation_share"])


STRUCTURAL = {
    f"R{n}": [("P", "How did the staff treat you?"), (f"R{n}", "Good, fine.")] for n in range(1, 4)
}
PHRASED = {
    f"R{n}": [("P", "How did the staff treat you?"), (f"R{n}", "Friendly.")] for n in range(1, 4)
}


@pytest.mark.parametrize(("turns", "share"), [(STRUCTURAL, 1.0), (PHRASED, 0.0)])
def test_codings_without_a_phrase_survive_every_ablation(tmp_path, turns, share):
    """With nearly every phrase dropped, evidence from generic judgements in answers to a
    question about the criterion (structural coding) stands; evidence by a phrase goes."""
    codebook = tmp_path / "service.yaml"
    codebook.write_text(
        SERVICE_CODEBOOK.replace("language: en\n", "language: en\nevaluative:\n"
                                 "  positive: [good, fine]\n  negative: [bad]\n"),
        encoding="utf-8",
    )  # fmt: skip
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for informant, spoken in turns.items():
        (corpus / f"{informant}.txt").write_text(
            transcript_text(informant, "resident", spoken), encoding="utf-8"
        )
    result = ektp_qual.analyse(corpus, codebook)
    assert result.conclusion.conclusions.set_index("criterion").at["courtesy", "verdict"] == "met"
    verification = ektp_qual.verify(result, ablation=10, drop=0.9)
    assert _rows(verification.verification)["courtesy"]["ablation_share"] == share


def test_leave_one_out_names_informants_as_the_privacy_setting_says(tmp_path):
    names = {"R1": "Wahyuni Lestari", "R2": "Bambang Sutrisno"}
    corpus, codebook = _write_study(tmp_path, names)
    (corpus / "R1.txt").rename(corpus / "Wahyuni-1.txt")
    text = (corpus / "Wahyuni-1.txt").read_text(encoding="utf-8")
    (corpus / "Wahyuni-1.txt").write_text(
        text.replace("informant: R1", "informant: Wahyuni-1").replace("R1:", "Wahyuni-1:"),
        encoding="utf-8",
    )
    with pytest.raises(ektp_qual.InputError, match="give the informant a code"):
        ektp_qual.analyse(corpus, codebook, verify=True)
    kept = ektp_qual.analyse(corpus, codebook, verify=True, personal_data=True)
    flips = _rows(kept.verification.verification)["speed"]["loo_flips"]
    assert flips == "R2 (Bambang Sutrisno); R3; Wahyuni-1 (Wahyuni Lestari)"


def test_settings_out_of_bounds_are_refused_before_any_coding(service):
    for wrong in (
        VerificationSettings(drop=0),
        VerificationSettings(drop=1.0),
        VerificationSettings(bootstrap=-1),
        VerificationSettings(ablation=10**9),
    ):
        with pytest.raises(ValueError):
            ektp_qual.analyse(*service, verify=wrong)


def test_without_verify_nothing_is_verified(service):
    result = ektp_qual.analyse(*service)
    assert result.verification is None
    assert "verification" not in result.tables()


# -- the command line -------------------------------------------------------------------

runner = CliRunner()


def test_conclude_verify_prints_80_columns_and_writes_the_tables(service, tmp_path):
    corpus, codebook = service
    out = tmp_path / "out"
    args = ["conclude", "-t", str(corpus), "-c", str(codebook), "--verify", "--seed", "3"]
    result = runner.invoke(app, [*args, "-o", str(out)], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert "Verification: how sure each verdict is" in result.output
    assert "robust: at least 2 deciding informants" in result.output
    assert "Flips without one informant: speed (R1; R2; R3)." in result.output
    assert "kelurahan South: speed not met (1/2)" in result.output
    written = pd.read_csv(out / "verification.csv", keep_default_na=False)
    api = ektp_qual.verify(ektp_qual.analyse(corpus, codebook), seed=3).verification
    assert list(written.columns) == list(api.columns)
    assert list(written["loo_flips"]) == list(api["loo_flips"])
    assert list(written["bootstrap_share"].astype(str)) == [
        "" if pd.isna(v) else str(v) for v in api["bootstrap_share"]
    ]
    assert {p.name for p in out.glob("*.csv")} >= {
        "verification.csv",
        "subgroups.csv",
        "threshold_sweep.csv",
        "conclusions.csv",
    }


def test_conclude_without_verify_writes_no_verification(service, tmp_path):
    corpus, codebook = service
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["conclude", "-t", str(corpus), "-c", str(codebook), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Verification" not in result.output
    assert not (out / "verification.csv").exists()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--drop", "1"], "--drop"),
        (["--drop", "0"], "--drop"),
        (["--bootstrap", "-1"], "--bootstrap"),
    ],
)
def test_verify_options_out_of_bounds_exit_2_with_one_message(service, option, message):
    corpus, codebook = service
    result = runner.invoke(
        app, ["conclude", "-t", str(corpus), "-c", str(codebook), "--verify", *option]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_the_commands_defaults_are_the_settings_defaults():
    defaults = VerificationSettings()
    for name in ("code", "conclude", "report", "figures"):
        command = get_command(app).commands[name]
        given = {p.name: p.default for p in command.params}
        assert (given["seed"], given["bootstrap"], given["ablation"], given["drop"]) == (
            defaults.seed,
            defaults.bootstrap,
            defaults.ablation,
            defaults.drop,
        ), name


def test_code_verify_on_the_sample(tmp_path):
    out = tmp_path / "code"
    result = runner.invoke(app, ["code", "--verify", "-o", str(out)], terminal_width=80)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    table = pd.read_csv(out / "verification.csv", keep_default_na=False).set_index("criterion")
    # attitude: 10 of 15 positive against 0.75; 12 of 15 would be met: 2 informants.
    assert table.at["attitude", "margin"] == 2
    assert float(table.at["attitude", "threshold_flip"]) == 0.65
    assert table.at["professionalism", "label"] == "robust"
    assert table.at["attitude", "label"] == "fragile"
    groups = pd.read_csv(out / "subgroups.csv", keep_default_na=False)
    petugas = groups[(groups["attribute"] == "role") & (groups["value"] == "petugas")]
    assert set(petugas.loc[petugas["differs"], "criterion"]) == {
        "professionalism",
        "attitude",
        "recovery",
    }


# -- the report and the figure --------------------------------------------------------


def test_report_verify_adds_a_section_before_the_appendices(service, tmp_path):
    corpus, codebook = service
    plain = tmp_path / "plain" / "report.html"
    verified = tmp_path / "verified" / "report.html"
    base = ["report", "-t", str(corpus), "-c", str(codebook)]
    assert runner.invoke(app, [*base, "-o", str(plain)]).exit_code == 0
    result = runner.invoke(app, [*base, "--verify", "-o", str(verified)])
    assert result.exit_code == 0, result.output
    page = verified.read_text(encoding="utf-8")
    assert 'id="verification"' not in plain.read_text(encoding="utf-8")
    assert page.index('<section id="conclusions"') < page.index('<section id="verification"')
    assert page.index('<section id="verification"') < page.index('<section id="codebook"')
    section = page[page.index('<section id="verification"') : page.index('<section id="codebook"')]
    assert "robust: at least 2 deciding informants" in section
    assert "<td>R1; R2; R3</td>" in section  # who alone flips speed
    assert "<td>rude</td>" in section and "<td>quick</td>" in section  # pivotal phrases
    assert "kelurahan: South" in section and "kelurahan: North" in section
    assert section.count('data-label="fragile"') == 3  # courtesy, speed and (all)


def test_report_names_no_informant_when_personal_data_is_masked(tmp_path):
    corpus, codebook = _write_study(tmp_path, {"R1": "Wahyuni Lestari"})
    page = tmp_path / "r.html"
    args = ["report", "-t", str(corpus), "-c", str(codebook), "--verify", "-o", str(page)]
    assert runner.invoke(app, args).exit_code == 0
    section = page.read_text(encoding="utf-8").split('<section id="verification"')[1]
    section = section.split("</section>")[0]
    assert "R1" in section and "Wahyuni" not in section
    for path in corpus.glob("R1.txt"):
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("informant: R1", "informant: Wahyuni-1").replace("R1:", "Wahyuni-1:"),
            encoding="utf-8",
        )
    named = tmp_path / "named.html"
    refused = runner.invoke(app, [*args[:-1], str(named)])
    assert refused.exit_code == 2 and "Wahyuni-1" in refused.output
    assert not named.exists()


def test_figures_verify_draws_verdict_stability(service, tmp_path):
    corpus, codebook = service
    out = tmp_path / "figures"
    args = ["figures", "-t", str(corpus), "-c", str(codebook), "--verify", "-F", "svg"]
    result = runner.invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = (out / "verification_stability.svg").read_bytes()
    texts = " ".join(
        "".join(e.itertext()) for e in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")
    )
    assert "Verdict stability by criterion" in texts
    assert "fragile" in texts and "margin 1" in texts and "margin 2" in texts
    assert "Courtesy" in texts and "(not met)" in texts
    again = tmp_path / "again"
    assert runner.invoke(app, [*args, "-o", str(again)]).exit_code == 0
    assert (again / "verification_stability.svg").read_bytes() == svg  # same seed, same bytes
    plain = tmp_path / "plain"
    plain_args = ["figures", "-t", str(corpus), "-c", str(codebook), "-F", "svg", "-o", str(plain)]
    assert runner.invoke(app, plain_args).exit_code == 0
    assert not (plain / "verification_stability.svg").exists()


def test_the_workbook_holds_the_verification_and_its_rule(service):
    import io

    import openpyxl

    from ektp_qual.outputs.xlsx import workbook_bytes

    verified = ektp_qual.analyse(*service, verify=True)
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(verified)), read_only=True)
    assert {"verification", "subgroups", "threshold_sweep"} <= set(book.sheetnames)
    study = dict(book["study"].iter_rows(values_only=True))
    assert study["verification"] == verified.verification.rule
    assert "how sure the verdict is" in study["sheet verification"]
    rows = list(book["verification"].iter_rows(values_only=True))
    speed = dict(zip(rows[0], next(r for r in rows if r[0] == "speed"), strict=True))
    assert (speed["margin"], speed["loo_flips"], speed["label"]) == (1, "R1; R2; R3", "fragile")


def test_export_verify_puts_the_verification_in_the_workbook_and_without_it_nothing(
    service, tmp_path
):
    import openpyxl

    corpus, codebook = service
    common = ["export", "-q", "-t", str(corpus), "-c", str(codebook), "-F", "xlsx,csv"]
    verified = runner.invoke(app, [*common, "--verify", "--seed", "3", "-o", str(tmp_path / "v")])
    assert verified.exit_code == 0, verified.output
    sheets = openpyxl.load_workbook(tmp_path / "v" / "analysis.xlsx", read_only=True).sheetnames
    assert {"verification", "subgroups", "threshold_sweep"} <= set(sheets)
    table = pd.read_csv(tmp_path / "v" / "verification.csv").set_index("criterion")
    assert table.loc["speed", "label"] == "fragile"
    plain = runner.invoke(app, [*common, "-o", str(tmp_path / "p")])
    assert plain.exit_code == 0, plain.output
    sheets = openpyxl.load_workbook(tmp_path / "p" / "analysis.xlsx", read_only=True).sheetnames
    assert "verification" not in sheets
    assert not (tmp_path / "p" / "verification.csv").exists()


def test_codings_a_researcher_accepted_survive_every_ablation(tmp_path):
    """The phrased study above loses every verdict when nearly all phrases go; with two of
    its three codings accepted in review, those two stand: 2 of 2 positive, still met."""
    codebook = tmp_path / "service.yaml"
    codebook.write_text(SERVICE_CODEBOOK, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for informant, spoken in PHRASED.items():
        (corpus / f"{informant}.txt").write_text(
            transcript_text(informant, "resident", spoken), encoding="utf-8"
        )
    codings = ektp_qual.analyse(corpus, codebook).reduction.codings
    accepted = codings[codings["informant"].isin(["R1", "R2"])]
    review = tmp_path / "review.csv"
    review.write_text(
        "segment_id,criterion,polarity,decision,coder\n"
        + "".join(
            f"{r.segment_id},{r.criterion},{r.polarity},accept,ana\n" for r in accepted.itertuples()
        ),
        encoding="utf-8",
    )
    result = ektp_qual.analyse(corpus, codebook, review=review)
    assert set(result.reduction.codings["source"]) == {"accepted", "auto"}
    verification = ektp_qual.verify(result, ablation=10, drop=0.9)
    assert _rows(verification.verification)["courtesy"]["ablation_share"] == 1.0


# -- the shortcuts against whole recounts, on any stances ---------------------------------

_STANCE = st.sampled_from(["positive", "negative", "mixed", "none"])


@settings(max_examples=60, deadline=None)
@given(
    residents=st.lists(st.tuples(_STANCE, _STANCE), min_size=1, max_size=9),
    staff=st.lists(st.tuples(_STANCE, _STANCE), max_size=3),
    threshold=st.sampled_from([0.5, 0.6, 0.75, 0.8, 1.0]),
)
def test_margin_and_leave_one_out_equal_recounts_by_verdicts(residents, staff, threshold):
    """Margin: the fewest stances changed (to positive, or positive to negative) after
    which ``verdicts`` gives another verdict. Leave one out: the informants without whom
    ``verdicts`` gives another verdict."""
    from dataclasses import replace

    from ektp_qual.analysis.conclusion import verdicts
    from ektp_qual.analysis.verification import _leave_one_out, verdict_margin

    book = ektp_qual.parse_codebook(SERVICE_CODEBOOK)
    book = replace(book, decision=replace(book.decision, threshold=threshold))
    rows = [
        (f"{role[0]}{n}", role, cid, stance)
        for role, people in (("resident", residents), ("staff", staff))
        for n, pair in enumerate(people)
        for cid, stance in zip(("courtesy", "speed"), pair, strict=True)
    ]
    stances = pd.DataFrame(rows, columns=["informant", "role", "criterion", "stance"])
    base = verdicts(stances, book).set_index("criterion")
    verdict = base["verdict"].to_dict()
    loo = _leave_one_out(stances, book, verdict, str)
    for cid in ("courtesy", "speed"):
        without = [
            i
            for i in dict.fromkeys(stances["informant"])
            if verdicts(stances[stances["informant"] != i], book)
            .set_index("criterion")
            .at[cid, "verdict"]
            != verdict[cid]
        ]
        assert loo[cid] == without
        mine = stances[(stances["criterion"] == cid) & (stances["role"] == "resident")]
        if verdict[cid] == "met":
            movable = list(mine.index[mine["stance"] == "positive"])
            to = "negative"
        else:
            movable = list(mine.index[mine["stance"].isin(["negative", "mixed"])])
            to = "positive"
        expected = None
        for k in range(1, len(movable) + 1):
            changed = stances.copy()
            changed.loc[movable[:k], "stance"] = to
            if verdicts(changed, book).set_index("criterion").at[cid, "verdict"] != verdict[cid]:
                expected = k
                break
        positive, with_stance = base.at[cid, "positive"], base.at[cid, "with_stance"]
        assert verdict_margin(int(positive), int(with_stance), book) == expected
