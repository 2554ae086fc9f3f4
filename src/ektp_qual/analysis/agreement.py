"""Intercoder agreement: reliability figures a reviewer of a qualitative study can trust.

Every statistic here follows a published definition exactly and is tested against
independent implementations (scikit-learn, the ``krippendorff`` package) and the worked
examples in Krippendorff (2011). None of them decides what a unit is: the caller builds
a *reliability table*, a DataFrame whose index is the units (for instance
``(segment_id, criterion)``) and which has one column per coder. Each cell is a category
label or missing (None / NaN: that coder did not code that unit). A category such as
"absent" (the coder saw the unit and coded nothing) is an ordinary category, not missing.

Formulas (nominal data):

- percent agreement: for each pair of coders, the share of the units both coded on which
  they agree; averaged over the pairs that share at least one unit.
- Cohen's (1960) kappa = (p_o - p_e) / (1 - p_e), over the units both coders coded, with
  p_o the observed agreement and p_e = sum_c p_1c * p_2c from each coder's own marginals.
- Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"),
  from the coincidence matrix over pairable units (m_u >= 2 values in unit u):
  o_ck = sum_u (number of c-k pairs in u) / (m_u - 1), n_c = sum_k o_ck, n = sum_c n_c,
  alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k.
- Detection of an automatic coder against a human reference, over the units both coded:
  a hit is a unit where automatic == reference != absent; precision = hits / units the
  automatic coder coded (not absent), recall = hits / units the reference coded (not
  absent), f1 = 2 * precision * recall / (precision + recall).

A statistic whose denominator is zero is NaN (undefined), never an exception or a
misleading 0 or 1.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd

FORMULAS: dict[str, str] = {
    "percent_agreement": (
        "percent = mean over coder pairs of (units where both agree) / (units both coded)"
    ),
    "cohen_kappa": "kappa = (p_o - p_e) / (1 - p_e), p_e from each coder's marginals",
    "krippendorff_alpha": (
        "alpha = 1 - (n - 1) * sum_{c!=k} o_ck / sum_{c!=k} n_c * n_k, "
        "o_ck from the coincidence matrix over pairable units (nominal)"
    ),
    "precision": "precision = hits / units the automatic coder coded (not absent)",
    "recall": "recall = hits / units the reference coder coded (not absent)",
    "f1": "f1 = 2 * precision * recall / (precision + recall)",
}

AGREEMENT_COLUMNS = [
    "group",
    "units",
    "pairable_units",
    "coders",
    "percent_agreement",
    "cohen_kappa",
    "krippendorff_alpha",
]
DETECTION_COLUMNS = ["group", "n_automatic", "n_reference", "n_hits", "precision", "recall", "f1"]


def _codes(values: pd.DataFrame) -> np.ndarray:
    """Integer codes (units x coders, -1 missing): labels of any type compare exactly, fast."""
    codes, _ = pd.factorize(values.to_numpy(dtype=object).ravel())
    return codes.reshape(values.shape)


def _ratio(numerator: float, denominator: float) -> float:
    """An undefined statistic is NaN, never an exception or a misleading 0."""
    return numerator / denominator if denominator else float("nan")


def _pair(first: pd.Series, second: pd.Series) -> pd.DataFrame:
    """The two coders side by side, aligned on the unit index; units either lacks are missing."""
    return pd.concat([first, second], axis=1, keys=[0, 1])


def percent_agreement(values: pd.DataFrame) -> float:
    """Simple agreement, reported because readers expect it; it ignores chance agreement."""
    codes = _codes(values)
    shares = []
    for i, j in combinations(range(codes.shape[1]), 2):
        both = (codes[:, i] >= 0) & (codes[:, j] >= 0)
        if both.any():
            shares.append(np.mean(codes[both, i] == codes[both, j]))
    return float(np.mean(shares)) if shares else float("nan")


def cohen_kappa(first: pd.Series, second: pd.Series) -> float:
    """Two-coder agreement corrected for chance, with each coder's own category preferences."""
    codes = _codes(_pair(first, second))
    codes = codes[(codes >= 0).all(axis=1)]
    n = len(codes)
    categories = int(codes.max()) + 1 if n else 0
    observed = int(np.sum(codes[:, 0] == codes[:, 1]))
    # Integer arithmetic so p_e == 1 is detected exactly: kappa = (n*agree - E) / (n^2 - E).
    expected = int(
        np.dot(
            np.bincount(codes[:, 0], minlength=categories),
            np.bincount(codes[:, 1], minlength=categories),
        )
    )
    return _ratio(n * observed - expected, n * n - expected)


def krippendorff_alpha(values: pd.DataFrame) -> float:
    """Chance-corrected agreement for any number of coders that tolerates missing codes."""
    codes = _codes(values)
    units, coders = np.nonzero(codes >= 0)
    categories = codes[units, coders]
    m_u = np.bincount(units, minlength=len(codes))
    pairable = m_u >= 2
    units, categories = units[pairable[units]], categories[pairable[units]]
    # Within unit u the off-diagonal coincidences add up to (m_u^2 - sum_c n_uc^2) / (m_u - 1),
    # so only the counts n_uc of each category in each unit are needed, never the c x k matrix.
    width = int(categories.max()) + 1 if len(categories) else 1
    cells, n_uc = np.unique(units * width + categories, return_counts=True)
    squares = np.bincount(cells // width, weights=n_uc**2, minlength=len(codes))
    m = m_u[pairable].astype(float)
    disagreement = float(np.sum((m**2 - squares[pairable]) / (m - 1)))
    n_c = np.bincount(categories)
    n = int(n_c.sum())
    expected = n * n - int(np.dot(n_c, n_c))
    return 1.0 - _ratio((n - 1) * disagreement, expected)


def detection_scores(
    automatic: pd.Series, reference: pd.Series, absent: str = "absent"
) -> dict[str, float]:
    """How well an automatic coder finds what the human reference found, ignoring units
    where both say the category is absent."""
    pairs = _pair(automatic, reference).dropna()
    auto, ref = pairs[0].to_numpy(dtype=object), pairs[1].to_numpy(dtype=object)
    n_automatic = int(np.sum(auto != absent))
    n_reference = int(np.sum(ref != absent))
    n_hits = int(np.sum((auto == ref) & (ref != absent)))
    precision = _ratio(n_hits, n_automatic)
    recall = _ratio(n_hits, n_reference)
    if math.isnan(precision) or math.isnan(recall):
        f1 = float("nan")
    elif precision + recall == 0:
        f1 = 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "n_automatic": n_automatic,
        "n_reference": n_reference,
        "n_hits": n_hits,
    }


def _agreement_row(label: object, values: pd.DataFrame) -> dict[str, object]:
    coders = values.shape[1]
    return {
        "group": label,
        "units": len(values),
        "pairable_units": int((values.notna().sum(axis=1) >= 2).sum()),
        "coders": coders,
        "percent_agreement": percent_agreement(values),
        "cohen_kappa": (
            cohen_kappa(values.iloc[:, 0], values.iloc[:, 1]) if coders == 2 else float("nan")
        ),
        "krippendorff_alpha": krippendorff_alpha(values),
    }


def agreement_table(
    values: pd.DataFrame, groups: pd.Series | None = None, overall_label: str = "overall"
) -> pd.DataFrame:
    """Agreement per group (e.g. per criterion) and overall, since a good overall figure can
    hide a criterion the coders do not share. Units without a group count only overall."""
    rows = []
    if groups is not None:
        for label, part in values.groupby(groups, sort=False, observed=True):
            rows.append(_agreement_row(label, part))
    rows.append(_agreement_row(overall_label, values))
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


def detection_table(
    automatic: pd.Series,
    reference: pd.Series,
    groups: pd.Series | None = None,
    absent: str = "absent",
    overall_label: str = "overall",
) -> pd.DataFrame:
    """Detection scores per group and overall, laid out like agreement_table."""
    pairs = _pair(automatic, reference)
    parts = []
    if groups is not None:
        parts = list(pairs.groupby(groups, sort=False, observed=True))
    parts.append((overall_label, pairs))
    rows = [
        {"group": label, **detection_scores(part[0], part[1], absent=absent)}
        for label, part in parts
    ]
    return pd.DataFrame(rows, columns=DETECTION_COLUMNS)
