"""Conclusion drawing and verification: verdicts by a stated rule, and their checks.

* ``verdicts``: docs/formats.md section 3, step 3, with the numbers behind each verdict.
* ``overall_verdict``: step 4.
* ``triangulation``: the same rule applied to each role alone; where roles disagree.
* ``negative_evidence``: the quotes that go against each verdict.
* ``compare_with_findings``: side by side with expected findings (a thesis's, say).
"""

from __future__ import annotations

import pandas as pd

from ..model import CONCLUSION_COLUMNS, Codebook, DecisionRule, Findings

OVERALL_COLUMNS = ["verdict", "met", "not_met", "undetermined", "criteria", "label"]


def verdict_for(positive: int, with_stance: int, rule: DecisionRule) -> str:
    """'met', 'not met' or 'undetermined' for counts of deciding informants."""
    if with_stance == 0:
        return "undetermined"
    # A tiny tolerance so that 3/4 against 0.75 is met despite binary floating point.
    return "met" if positive / with_stance >= rule.threshold - 1e-12 else "not met"


def _deciding(stances: pd.DataFrame, rule: DecisionRule) -> pd.DataFrame:
    if rule.roles is None:
        return stances
    return stances[stances["role"].isin(rule.roles)]


def verdicts(stances: pd.DataFrame, codebook: Codebook, weight: str | None = None) -> pd.DataFrame:
    """One row per criterion with its verdict and the counts it rests on (``weight``: a
    column of how many informants each row stands for, as in ``_counts``)."""
    rule = codebook.decision
    counted = _counts(_deciding(stances, rule), ["criterion"], weight)
    rows = []
    for c in codebook.criteria:
        positive, with_stance = counted.get(c.id, (0, 0))
        rows.append(
            {
                "criterion": c.id,
                "label": c.label,
                "verdict": verdict_for(positive, with_stance, rule),
                "positive": positive,
                "with_stance": with_stance,
                "share": round(positive / with_stance, 3) if with_stance else None,
                "threshold": rule.threshold,
                "rule": rule.rule,
                "deciding_roles": ", ".join(rule.roles) if rule.roles else "all",
            }
        )
    table = pd.DataFrame(rows, columns=CONCLUSION_COLUMNS)
    table["share"] = table["share"].astype(float)
    return table


def overall_verdict(conclusions: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The study's verdict: met when every criterion is met, not met when none is."""
    counts = conclusions["verdict"].value_counts()
    met, not_met = int(counts.get("met", 0)), int(counts.get("not met", 0))
    undetermined = int(counts.get("undetermined", 0))
    total = len(conclusions)
    if undetermined == total:
        verdict = "undetermined"
    elif met == total:
        verdict = "met"
    elif met == 0:
        verdict = "not met"
    else:
        verdict = "partly met"
    return pd.DataFrame(
        [[verdict, met, not_met, undetermined, total, codebook.decision.label(verdict)]],
        columns=OVERALL_COLUMNS,
    )


def triangulation(
    stances: pd.DataFrame, codebook: Codebook, weight: str | None = None
) -> pd.DataFrame:
    """Per criterion and role: positive / with stance, and the verdict that role alone gives.

    ``agreement`` is "agree" when every role with a stance reaches the same verdict.
    """
    rule = codebook.decision
    roles = list(dict.fromkeys(stances["role"]))
    counted = _counts(stances, ["criterion", "role"], weight)
    rows = []
    for cid in codebook.criterion_ids:
        row: dict[str, object] = {"criterion": cid}
        found = set()
        for role in roles:
            positive, with_stance = counted.get((cid, role), (0, 0))
            verdict = verdict_for(positive, with_stance, rule)
            row[f"{role}_positive"] = positive
            row[f"{role}_with_stance"] = with_stance
            row[f"{role}_share"] = round(positive / with_stance, 3) if with_stance else None
            row[f"{role}_verdict"] = verdict
            if verdict != "undetermined":
                found.add(verdict)
        row["agreement"] = "agree" if len(found) <= 1 else "disagree"
        rows.append(row)
    return pd.DataFrame(rows)


def _counts(
    stances: pd.DataFrame, keys: list[str], weight: str | None = None
) -> dict[object, tuple[int, int]]:
    """(positive, with a stance) informants per key, in one grouping.

    A filter per criterion made 2,000 criteria cost a minute (quadratic). ``weight``
    names a column saying how many informants each row stands for (a streamed survey's
    tally of stances, a row per role, criterion and stance); without it, a row is one.
    """
    times = 1 if weight is None else stances[weight]
    flags = pd.DataFrame(
        {
            **{key: stances[key] for key in keys},
            "positive": (stances["stance"] == "positive") * times,
            "with_stance": (stances["stance"] != "none") * times,
        }
    )
    sums = flags.groupby(keys, sort=False)[["positive", "with_stance"]].sum()
    return {
        key: (int(positive), int(with_stance))
        for key, positive, with_stance in zip(
            sums.index, sums["positive"], sums["with_stance"], strict=True
        )
    }


#: The columns of ``negative_evidence``.
NEGATIVE_EVIDENCE_COLUMNS = [
    "criterion",
    "verdict",
    "informant",
    "role",
    "polarity",
    "segment_id",
    "quote",
    "phrases",
    "strength",
    "source",
]


def negative_evidence(
    conclusions: pd.DataFrame, quotes: pd.DataFrame, codebook: Codebook
) -> pd.DataFrame:
    """The quotes of deciding informants that go against each criterion's verdict."""
    columns = NEGATIVE_EVIDENCE_COLUMNS
    rule = codebook.decision
    table = _deciding(quotes, rule)
    if table.empty:
        return pd.DataFrame(columns=columns)
    against = {
        r.criterion: {"met": "negative", "not met": "positive"}.get(r.verdict)
        for r in conclusions.itertuples()
    }
    verdict = dict(zip(conclusions["criterion"], conclusions["verdict"], strict=True))
    table = table[table["polarity"] == table["criterion"].map(against)].copy()
    table["verdict"] = table["criterion"].map(verdict)
    order = {cid: i for i, cid in enumerate(codebook.criterion_ids)}
    table = table.sort_values(
        ["criterion", "strength", "informant", "start"],
        key=lambda s: s.map(order) if s.name == "criterion" else s,
        ascending=[True, False, True, True],
        kind="stable",
    )
    return table[columns].reset_index(drop=True)


def compare_with_findings(
    conclusions: pd.DataFrame, overall: pd.DataFrame, findings: Findings
) -> pd.DataFrame:
    """Each criterion (and the overall verdict) next to the expected finding."""
    rows = [
        {
            "criterion": r.criterion,
            "expected": findings.expected(r.criterion),
            "verdict": r.verdict,
        }
        for r in conclusions.itertuples()
    ]
    if findings.overall is not None:
        rows.append(
            {
                "criterion": "(overall)",
                "expected": findings.overall,
                "verdict": overall["verdict"].iloc[0],
            }
        )
    table = pd.DataFrame(rows, columns=["criterion", "expected", "verdict"])
    table["matches"] = [
        None if e is None else e == v
        for e, v in zip(table["expected"], table["verdict"], strict=True)
    ]
    return table
