"""Agreement statistics against published worked examples and independent implementations.

scikit-learn and the ``krippendorff`` package are test-only oracles: the module under test
must not depend on them, but wherever they define a value ours must equal it.
"""

from __future__ import annotations

import math
import time
import warnings

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from ektp_qual.analysis.agreement import (
    FORMULAS,
    agreement_table,
    cohen_kappa,
    detection_scores,
    detection_table,
    krippendorff_alpha,
    percent_agreement,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, 12 units, missing values ("." in the paper). Observers are rows here.
_ = None
PAPER_FOUR_OBSERVERS = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    "C": [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
}
# Krippendorff (2011), section A: two observers, binary data, 10 units.
PAPER_TWO_OBSERVERS = {
    "A": [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    "B": [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
}


def as_table(observers: dict[str, list[int | None]]) -> pd.DataFrame:
    """Observers as columns with string labels, to show categories need not be numbers."""
    return pd.DataFrame(
        {name: [None if v is None else str(v) for v in row] for name, row in observers.items()}
    )


def package_alpha(rows: list[list[int | None]]) -> float:
    """The krippendorff package on coders-as-rows data with np.nan for missing."""
    data = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    with np.errstate(all="ignore"):
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def same(ours: float, theirs: float) -> bool:
    """Equal to rounding error, with NaN equal to NaN."""
    if math.isnan(theirs):
        return math.isnan(ours)
    return ours == pytest.approx(theirs, abs=1e-12)


# Published examples


def test_four_observers_nominal_alpha_matches_paper_and_package():
    table = as_table(PAPER_FOUR_OBSERVERS)
    alpha = krippendorff_alpha(table)
    assert round(alpha, 3) == 0.743
    assert alpha == pytest.approx(package_alpha(list(PAPER_FOUR_OBSERVERS.values())), abs=1e-12)


def test_two_observers_binary_alpha_matches_paper_and_package():
    table = as_table(PAPER_TWO_OBSERVERS)
    alpha = krippendorff_alpha(table)
    assert round(alpha, 3) == 0.095
    assert alpha == pytest.approx(package_alpha(list(PAPER_TWO_OBSERVERS.values())), abs=1e-12)


def test_two_observers_binary_kappa_and_percent_match_sklearn():
    table = as_table(PAPER_TWO_OBSERVERS)
    kappa = cohen_kappa(table["A"], table["B"])
    assert kappa == pytest.approx(cohen_kappa_score(table["A"], table["B"]), abs=1e-12)
    assert round(kappa, 3) == 0.091
    assert percent_agreement(table) == pytest.approx(0.6)


def test_labels_need_not_be_numbers():
    strings = as_table(PAPER_FOUR_OBSERVERS)
    numbers = pd.DataFrame(PAPER_FOUR_OBSERVERS, dtype=float)
    assert krippendorff_alpha(strings) == pytest.approx(krippendorff_alpha(numbers), abs=1e-15)


# Properties against the independent implementations

MISSING = None


@st.composite
def reliability_rows(draw: st.DrawFn) -> list[list[int | None]]:
    """Units x coders: 2-4 coders, 2-5 categories, some cells missing."""
    coders = draw(st.integers(2, 4))
    cell = st.sampled_from([MISSING, *range(draw(st.integers(2, 5)))])
    row = st.lists(cell, min_size=coders, max_size=coders)
    return draw(st.lists(row, min_size=1, max_size=15))


@settings(max_examples=200, deadline=None)
@given(reliability_rows())
def test_alpha_equals_krippendorff_package(rows):
    table = pd.DataFrame([[None if v is None else f"c{v}" for v in row] for row in rows])
    ours = krippendorff_alpha(table)
    try:
        theirs = package_alpha([list(coder) for coder in zip(*rows, strict=True)])
    except ValueError:
        # The package refuses a one-value domain or data with no pairable unit:
        # alpha is undefined there, and ours says so.
        assert math.isnan(ours)
    else:
        assert same(ours, theirs)


pairs = st.lists(
    st.tuples(
        st.sampled_from([MISSING, "absent", "positive", "negative", "mixed"]),
        st.sampled_from([MISSING, "absent", "positive", "negative", "mixed"]),
    ),
    max_size=25,
)


def split(rows: list[tuple[str | None, str | None]]) -> tuple[pd.Series, pd.Series]:
    first = pd.Series([a for a, _ in rows], dtype=object)
    second = pd.Series([b for _, b in rows], dtype=object)
    return first, second


def both_coded(rows: list[tuple[str | None, str | None]]) -> tuple[list[str], list[str]]:
    kept = [(a, b) for a, b in rows if a is not None and b is not None]
    return [a for a, _ in kept], [b for _, b in kept]


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_kappa_equals_sklearn(rows):
    ours = cohen_kappa(*split(rows))
    first, second = both_coded(rows)
    if not first or len(set(first) | set(second)) == 1:
        # No shared unit, or both coders used one single category: p_e == 1.
        assert math.isnan(ours)
    else:
        assert ours == pytest.approx(cohen_kappa_score(first, second), abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_detection_equals_sklearn_micro_average(rows):
    automatic, reference = split(rows)
    ours = detection_scores(automatic, reference)
    auto, ref = both_coded(rows)
    if not auto:
        assert (ours["n_automatic"], ours["n_reference"], ours["n_hits"]) == (0, 0, 0)
        assert all(math.isnan(ours[key]) for key in ("precision", "recall", "f1"))
        return
    labels = sorted((set(auto) | set(ref)) - {"absent"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        precision, recall, f1, _ = precision_recall_fscore_support(
            ref, auto, labels=labels, average="micro", zero_division=np.nan
        )
    assert same(ours["precision"], precision)
    assert same(ours["recall"], recall)
    if math.isnan(precision) or math.isnan(recall):
        # sklearn reports 0 here; an F1 built on an undefined precision or recall is undefined.
        assert math.isnan(ours["f1"])
    else:
        assert same(ours["f1"], f1)
    assert ours["n_automatic"] == sum(a != "absent" for a in auto)
    assert ours["n_reference"] == sum(r != "absent" for r in ref)


# Edge cases


def test_coder_who_codes_nothing_against_one_who_codes_some():
    silent = pd.Series(["absent"] * 4)
    active = pd.Series(["positive", "absent", "negative", "absent"])
    table = pd.DataFrame({"silent": silent, "active": active})
    assert percent_agreement(table) == 0.5
    assert cohen_kappa(silent, active) == pytest.approx(cohen_kappa_score(silent, active))
    assert cohen_kappa(silent, active) == 0.0
    # "absent" is a category: 8 values, n_absent = 6, two disagreeing units.
    assert krippendorff_alpha(table) == pytest.approx(1 - 7 * 4 / (64 - 36 - 1 - 1))
    assert krippendorff_alpha(table) == pytest.approx(
        package_alpha([[0, 0, 0, 0], [1, 0, 2, 0]]), abs=1e-12
    )
    scores = detection_scores(silent, active)
    assert (scores["n_automatic"], scores["n_reference"], scores["n_hits"]) == (0, 2, 0)
    assert math.isnan(scores["precision"])
    assert scores["recall"] == 0.0
    assert math.isnan(scores["f1"])


def test_absent_is_a_category_not_missing():
    coded = pd.DataFrame(
        {"a": ["absent", "positive", "positive"], "b": ["absent", "positive", "negative"]}
    )
    uncoded = coded.replace("absent", None)
    assert percent_agreement(coded) == pytest.approx(2 / 3)
    assert percent_agreement(uncoded) == pytest.approx(1 / 2)
    assert krippendorff_alpha(coded) != krippendorff_alpha(uncoded)


def test_perfect_agreement():
    labels = ["positive", "negative", "mixed", "absent", "positive"]
    table = pd.DataFrame({"a": labels, "b": labels, "c": labels})
    assert krippendorff_alpha(table) == 1.0
    assert cohen_kappa(table["a"], table["b"]) == 1.0
    assert percent_agreement(table) == 1.0
    scores = detection_scores(table["a"], table["b"])
    assert (scores["precision"], scores["recall"], scores["f1"]) == (1.0, 1.0, 1.0)


def test_single_category_everywhere_is_undefined_not_perfect():
    table = pd.DataFrame({"a": ["positive"] * 4, "b": ["positive"] * 4})
    assert math.isnan(krippendorff_alpha(table))
    assert math.isnan(cohen_kappa(table["a"], table["b"]))
    assert percent_agreement(table) == 1.0


def test_unit_coded_by_one_coder_is_not_pairable_and_leaves_alpha_unchanged():
    table = as_table(PAPER_TWO_OBSERVERS)
    extra = pd.DataFrame({"A": ["1", None, "7"], "B": [None, "0", None]}, index=[10, 11, 12])
    widened = pd.concat([table, extra])
    assert krippendorff_alpha(widened) == pytest.approx(krippendorff_alpha(table), abs=1e-15)
    assert cohen_kappa(widened["A"], widened["B"]) == pytest.approx(
        cohen_kappa(table["A"], table["B"]), abs=1e-15
    )
    assert percent_agreement(widened) == percent_agreement(table)
    row = agreement_table(widened).iloc[0]
    assert (row["units"], row["pairable_units"]) == (13, 10)


def test_no_shared_units_gives_nan_without_error():
    first = pd.Series(["positive", "negative", None, None])
    second = pd.Series([None, None, "positive", "negative"])
    table = pd.DataFrame({"a": first, "b": second})
    assert math.isnan(percent_agreement(table))
    assert math.isnan(cohen_kappa(first, second))
    assert math.isnan(krippendorff_alpha(table))
    scores = detection_scores(first, second)
    assert (scores["n_automatic"], scores["n_reference"], scores["n_hits"]) == (0, 0, 0)
    assert all(math.isnan(scores[key]) for key in ("precision", "recall", "f1"))


def test_disjoint_indexes_share_no_units():
    first = pd.Series(["positive", "negative"], index=["u1", "u2"])
    second = pd.Series(["positive", "negative"], index=["u3", "u4"])
    assert math.isnan(cohen_kappa(first, second))
    assert detection_scores(first, second)["n_hits"] == 0


def test_empty_table_gives_nan_without_error():
    table = pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype=object)})
    assert math.isnan(percent_agreement(table))
    assert math.isnan(krippendorff_alpha(table))
    assert math.isnan(cohen_kappa(table["a"], table["b"]))
    row = agreement_table(table).iloc[0]
    assert (row["group"], row["units"], row["pairable_units"]) == ("overall", 0, 0)


def test_series_are_aligned_on_the_index_not_on_position():
    first = pd.Series(["positive", "negative", "absent"], index=["u1", "u2", "u3"])
    second = first.iloc[::-1]
    assert cohen_kappa(first, second) == 1.0
    assert detection_scores(first, second)["n_hits"] == 2


def test_percent_agreement_for_three_coders_by_hand():
    table = pd.DataFrame(
        {"a": ["x", "x", "y"], "b": ["x", "x", None], "c": ["y", "x", "y"]},
        index=["u1", "u2", "u3"],
    )
    # a-b: u1, u2 agree (u3 not shared) = 1; a-c: u2, u3 of 3 = 2/3; b-c: u2 of u1, u2 = 1/2.
    assert percent_agreement(table) == pytest.approx((1 + 2 / 3 + 1 / 2) / 3)


def test_percent_agreement_skips_pairs_without_shared_units():
    table = pd.DataFrame({"a": ["x", "y", None], "b": ["x", "x", None], "c": [None, None, "x"]})
    assert percent_agreement(table) == 0.5


def coded_units() -> tuple[pd.DataFrame, pd.Series]:
    index = pd.MultiIndex.from_tuples(
        [
            ("s1", "professionalism"),
            ("s1", "attitude"),
            ("s2", "professionalism"),
            ("s2", "attitude"),
            ("s3", "professionalism"),
            ("s3", "attitude"),
        ],
        names=["segment_id", "criterion"],
    )
    table = pd.DataFrame(
        {
            "automatic": ["positive", "absent", "negative", "positive", "absent", None],
            "human": ["positive", "negative", "negative", "positive", "mixed", "absent"],
        },
        index=index,
    )
    return table, pd.Series(index.get_level_values("criterion"), index=index)


def test_agreement_table_columns_groups_and_overall_row():
    table, criterion = coded_units()
    result = agreement_table(table, criterion, overall_label="all criteria")
    assert list(result.columns) == [
        "group",
        "units",
        "pairable_units",
        "coders",
        "percent_agreement",
        "cohen_kappa",
        "krippendorff_alpha",
    ]
    assert list(result["group"]) == ["professionalism", "attitude", "all criteria"]
    assert list(result["units"]) == [3, 3, 6]
    assert list(result["pairable_units"]) == [3, 2, 5]
    assert list(result["coders"]) == [2, 2, 2]
    overall = result.iloc[-1]
    assert overall["percent_agreement"] == percent_agreement(table)
    assert overall["cohen_kappa"] == cohen_kappa(table["automatic"], table["human"])
    assert overall["krippendorff_alpha"] == krippendorff_alpha(table)
    attitude = table.xs("attitude", level="criterion", drop_level=False)
    assert result.iloc[1]["krippendorff_alpha"] == krippendorff_alpha(attitude)


def test_agreement_table_without_groups_and_kappa_only_for_two_coders():
    table = as_table(PAPER_FOUR_OBSERVERS)
    result = agreement_table(table)
    assert list(result["group"]) == ["overall"]
    assert result.iloc[0]["coders"] == 4
    assert math.isnan(result.iloc[0]["cohen_kappa"])
    assert round(result.iloc[0]["krippendorff_alpha"], 3) == 0.743


def test_detection_table_columns_groups_and_overall_row():
    table, criterion = coded_units()
    result = detection_table(table["automatic"], table["human"], criterion)
    assert list(result.columns) == [
        "group",
        "n_automatic",
        "n_reference",
        "n_hits",
        "precision",
        "recall",
        "f1",
    ]
    assert list(result["group"]) == ["professionalism", "attitude", "overall"]
    assert list(result["n_automatic"]) == [2, 1, 3]
    assert list(result["n_reference"]) == [3, 2, 5]
    assert list(result["n_hits"]) == [2, 1, 3]
    overall = result.iloc[-1]
    assert (overall["precision"], overall["recall"]) == (1.0, 3 / 5)
    assert overall["f1"] == pytest.approx(2 * 1.0 * 0.6 / 1.6)


def test_formulas_cover_every_reported_statistic():
    assert set(FORMULAS) == {
        "percent_agreement",
        "cohen_kappa",
        "krippendorff_alpha",
        "precision",
        "recall",
        "f1",
    }
    assert all(isinstance(text, str) and "\n" not in text for text in FORMULAS.values())


def test_alpha_on_100k_units_is_fast():
    rng = np.random.default_rng(0)
    categories = ["positive", "negative", "mixed", "absent"]
    labels = rng.choice(categories, size=(100_000, 2)).astype(object)
    labels[rng.random(labels.shape) < 0.1] = None
    table = pd.DataFrame(labels, columns=["a", "b"])
    started = time.perf_counter()
    alpha = krippendorff_alpha(table)
    assert time.perf_counter() - started < 1.0
    numbers = pd.factorize(labels.ravel())[0].reshape(labels.shape).astype(float)
    numbers[numbers < 0] = np.nan
    with np.errstate(all="ignore"):
        theirs = krippendorff.alpha(reliability_data=numbers.T, level_of_measurement="nominal")
    assert alpha == pytest.approx(theirs, abs=1e-9)
