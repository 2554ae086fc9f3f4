"""The coder measured against blind human coding: no figure may drop.

The floors are the figures recorded in ``validation/README.md`` and ``tuning/README.md``.
A change that lowers one must say why there and lower the floor with it; a change that
raises one should raise it. The validation studies measure and never train: nothing in
the coder may be tuned to a sentence of theirs. The tuning studies, made the same way,
may be tuned on; their floors keep what tuning gained.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ektp_qual import agree

ROOT = Path(__file__).resolve().parents[1]

# study folder: precision, recall, F1, alpha, same stances, criteria with the same verdict
RECORDED = {
    "validation/sample-gronroos": (0.87, 0.63, 0.73, 0.72, 29, 6),
    # Held-out figures that fell under a rule accepted by the pre-registered acceptance
    # rule (validation/README.md) are lowered, the others raised: last, an aspect named
    # in answer to a question of what should change or stay, then the answer to an
    # opening greeting left uncoded, then issue 10's seven further mechanics and three
    # matching fixes for recall (2 December 2026).
    "validation/puskesmas-servqual": (0.70, 0.28, 0.40, 0.38, 26, 5),
    "validation/housing-repairs-gronroos": (0.65, 0.19, 0.30, 0.27, 28, 5),
    "validation/paspor-gronroos": (0.62, 0.13, 0.21, 0.19, 29, 5),
    "validation/gp-surgery-servqual": (0.53, 0.11, 0.18, 0.15, 17, 4),
    # The codebooks written alongside the interviews.
    "validation/sim-gronroos": (0.86, 0.59, 0.70, 0.70, 44, 6),
    "validation/student-services-servqual": (0.81, 0.49, 0.61, 0.60, 34, 5),
    # Stances and a verdict that agreed only through false positives are lowered (see
    # tuning/README.md); every other tuning figure is raised. An aspect named in answer
    # to a question of what should change or stay (issue 10) lowered water's, samsat's
    # and library's precision and water's and library's stances, for the sum of F1 and
    # alpha over the six studies; the answer to an opening greeting, one of bus's stances;
    # a question about the informant given no topic, one of water's (issue 10's mechanics);
    # a phrase written with a hyphened clitic, one of bpjs's (issue 10's misses).
    "tuning/water-gronroos": (0.48, 0.16, 0.24, 0.23, 22, 6),
    "tuning/bus-servqual": (0.61, 0.10, 0.17, 0.14, 18, 5),
    "tuning/samsat-servqual": (0.49, 0.26, 0.34, 0.32, 28, 4),
    "tuning/waste-gronroos": (0.47, 0.09, 0.15, 0.12, 15, 5),
    "tuning/bpjs-servqual": (0.86, 0.57, 0.68, 0.67, 41, 4),
    "tuning/library-gronroos": (0.85, 0.58, 0.69, 0.69, 48, 6),
}


@pytest.fixture(scope="module", params=sorted(RECORDED))
def measured(request):
    study = request.param
    result = agree(["auto", ROOT / study / "gold.csv"])
    assert result.notices == []
    return study, result


def test_no_figure_drops_below_the_recorded_one(measured):
    study, result = measured
    precision, recall, f1, alpha, stances, verdicts = RECORDED[study]
    detection = result.detection.set_index("criterion").loc["overall"]
    assert round(detection["precision"], 2) >= precision
    assert round(detection["recall"], 2) >= recall
    assert round(detection["f1"], 2) >= f1
    overall = result.agreement.set_index("criterion").loc["overall"]
    assert round(overall["krippendorff_alpha"], 2) >= alpha
    table = result.verdicts.set_index("criterion")
    assert table.loc["overall", "same_stance"] >= stances
    assert table.drop("overall")["matches"].sum() >= verdicts


def test_every_gold_row_names_a_sentence_and_criterion_of_its_study(measured):
    study, result = measured
    gold = (ROOT / study / "gold.csv").read_text(encoding="utf-8").splitlines()
    assert gold[0] == "segment_id,criterion,polarity"
    sentences = (ROOT / study / "sentences.csv").read_text(encoding="utf-8")
    assert all(row.split(",")[0] in sentences for row in gold[1:])
    assert result.values.notna().any().all()
