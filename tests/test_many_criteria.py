"""Display and conclusions with many criteria give what the stances say, cell by cell.

The matrices are built in whole blocks (benchmarks/bench_criteria.py measures that
they scale linearly); this checks each cell against the stances it summarises.
"""

from __future__ import annotations

import random
from pathlib import Path

from ektp_qual.analysis.conclusion import verdict_for
from ektp_qual.pipeline import conclude, display, reduce

CRITERIA = 40


def _study(folder: Path) -> tuple[Path, Path]:
    lines = ["codebook: many", "title: Many", "language: id", "decision:", "  threshold: 0.5"]
    lines.append("criteria:")
    for k in range(CRITERIA):
        lines += [f"  - id: c{k}", f"    label: C{k}", f"    positive: [bagusk{k}]"]
        lines.append(f"    negative: [jelekk{k}]")
    codebook = folder / "codebook.yaml"
    codebook.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = folder / "corpus"
    corpus.mkdir()
    rng = random.Random(3)
    for n in range(9):
        said = rng.sample(range(CRITERIA), 15)
        body = "\n".join(f"I{n}: Itu {rng.choice(['bagusk', 'jelekk'])}{k}." for k in said)
        role = "petugas" if n % 3 == 0 else "masyarakat"
        text = f"---\ninformant: I{n}\nrole: {role}\n---\nP: Bagaimana?\n{body}\n"
        (corpus / f"i{n}.txt").write_text(text, encoding="utf-8")
    return corpus, codebook


def test_every_cell_is_the_stance_it_summarises(tmp_path: Path):
    reduction = reduce(*_study(tmp_path))
    shown = display(reduction)
    drawn = conclude(reduction)
    stances = reduction.stances
    rule = reduction.codebook.decision
    assert (stances["stance"] != "none").sum() > 50
    checklist = shown.checklist_matrix.set_index("informant")
    for row in stances.itertuples():
        assert checklist.at[row.informant, row.criterion] == row.stance
        counts = f"+{row.n_positive}/-{row.n_negative}"
        assert checklist.at[row.informant, f"{row.criterion}_counts"] == counts
        assert checklist.at[row.informant, "role"] == row.role
    flags = shown.segments_by_code.set_index("segment_id")
    for coding in reduction.codings.itertuples():
        assert flags.at[coding.segment_id, f"{coding.criterion}_{coding.polarity}"] == 1
    assert flags.filter(regex="_(positive|negative)$").to_numpy().sum() == len(
        reduction.codings.drop_duplicates(["segment_id", "criterion", "polarity"])
    )
    verdicts = drawn.conclusions.set_index("criterion")
    triangulation = drawn.triangulation.set_index("criterion")
    for cid, group in stances.groupby("criterion"):
        deciding = group[group["role"].isin(rule.roles)] if rule.roles else group
        positive = int((deciding["stance"] == "positive").sum())
        with_stance = int((deciding["stance"] != "none").sum())
        assert (verdicts.at[cid, "positive"], verdicts.at[cid, "with_stance"]) == (
            positive,
            with_stance,
        )
        assert verdicts.at[cid, "verdict"] == verdict_for(positive, with_stance, rule)
        for role, alone in group.groupby("role"):
            assert (
                triangulation.at[cid, f"{role}_positive"] == (alone["stance"] == "positive").sum()
            )
            assert triangulation.at[cid, f"{role}_with_stance"] == (alone["stance"] != "none").sum()
