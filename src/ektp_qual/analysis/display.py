"""Data display: the matrices a reader scans (Miles and Huberman's displays).

* ``checklist_matrix``: informants (grouped by role) x criteria, each cell a stance,
  with the counts and the informant's strongest quote beside it.
* ``role_ordered_matrix``: roles x criteria, how many informants hold each stance.
* ``conceptually_clustered_matrix``: criterion x theme (the phrase or judgement that
  carried the evidence), with the informants behind it and a quote.
* ``segments_by_code``: one row per segment, a 0/1 column per criterion and polarity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import ASPECT_RULE, POLARITIES, STANCES, Codebook
from .reduction import strongest_quotes


def checklist_matrix(
    stances: pd.DataFrame, quotes: pd.DataFrame, codebook: Codebook
) -> pd.DataFrame:
    """One row per informant (in role groups), one stance column per criterion.

    After the stance columns come ``<criterion>_counts`` ("+3/-1") and
    ``<criterion>_quote`` (the informant's strongest quote for their stance).
    """
    ids = codebook.criterion_ids
    order = list(dict.fromkeys(stances["informant"]))
    roles = stances.drop_duplicates("informant").set_index("informant")["role"]
    matrix = stances.pivot(index="informant", columns="criterion", values="stance")
    counts = stances.assign(
        counts="+" + stances["n_positive"].astype(str) + "/-" + stances["n_negative"].astype(str)
    ).pivot(index="informant", columns="criterion", values="counts")
    best = _stance_quotes(stances, quotes)
    quoted = (
        pd.Series(
            list(best.values()), index=pd.MultiIndex.from_tuples(best), dtype=object
        ).unstack()
        if best
        else pd.DataFrame(index=order)
    )
    # Whole blocks, each reindexed once: a reindex per criterion is quadratic.
    columns = {"informant": order, "role": roles.reindex(order).to_numpy()}
    for wide, suffix, fill in (
        (matrix, "", None),
        (counts, "_counts", None),
        (quoted, "_quote", ""),
    ):
        values = wide.reindex(index=order, columns=ids).astype(object)
        if fill is not None:
            values = values.where(values.notna(), fill)
        columns.update(zip([f"{cid}{suffix}" for cid in ids], values.to_numpy().T, strict=True))
    table = pd.DataFrame(columns)
    role_order = {role: i for i, role in enumerate(dict.fromkeys(table["role"]))}
    table = table.sort_values("role", key=lambda s: s.map(role_order), kind="stable")
    return table.reset_index(drop=True)


def _stance_quotes(stances: pd.DataFrame, quotes: pd.DataFrame) -> dict[tuple[str, str], str]:
    """The strongest quote of each informant for the polarity of their stance."""
    best = strongest_quotes(quotes)
    keys = zip(
        *(best[k].to_numpy().tolist() for k in ("informant", "criterion", "polarity")), strict=True
    )
    by_key = dict(zip(keys, map(str, best["quote"].to_numpy().tolist()), strict=True))
    out = {}
    for informant, criterion, stance in zip(
        *(stances[k].to_numpy().tolist() for k in ("informant", "criterion", "stance")),
        strict=True,
    ):
        polarities = {"positive": ["positive"], "negative": ["negative"]}.get(
            stance, list(POLARITIES)
        )
        found = [
            by_key[(informant, criterion, p)]
            for p in polarities
            if (informant, criterion, p) in by_key
        ]
        if found:
            out[(informant, criterion)] = " / ".join(found)
    return out


def role_ordered_matrix(
    stances: pd.DataFrame, codebook: Codebook, weight: str | None = None
) -> pd.DataFrame:
    """One row per role and criterion: informants by stance and the share positive.

    ``weight``: a column saying how many informants each row stands for (a streamed
    survey's tally of stances, see ``analysis.streaming``)."""
    grouped = stances.groupby(["role", "criterion", "stance"], sort=False)
    counts = (
        (grouped.size() if weight is None else grouped[weight].sum())
        .unstack("stance", fill_value=0)
        .reindex(columns=list(STANCES), fill_value=0)
        .reset_index()
    )
    roles = list(dict.fromkeys(stances["role"]))
    grid = pd.MultiIndex.from_product(
        [roles, codebook.criterion_ids], names=["role", "criterion"]
    ).to_frame(index=False)
    table = grid.merge(counts, on=["role", "criterion"], how="left").fillna(0)
    for stance in STANCES:
        table[stance] = table[stance].astype(int)
    table.insert(2, "informants", table[list(STANCES)].sum(axis=1))
    with_stance = table["informants"] - table["none"]
    table["with_stance"] = with_stance
    table["share_positive"] = (table["positive"] / with_stance.where(with_stance > 0)).round(3)
    return table


def conceptually_clustered_matrix(
    codings: pd.DataFrame, quotes: pd.DataFrame, codebook: Codebook
) -> pd.DataFrame:
    """Criterion x theme: what carried the evidence, who said it, and a quote.

    A theme is the codebook phrase that fired, "judgement: <word>" for a generic
    judgement attributed through the question, "aspect named: <words>" for an aspect
    named in an answer to what should change or stay, or "researcher's coding" for a coding a
    researcher added in review ("learned coder" for one ``code --learn`` added); its quote
    is the strongest sentence.
    """
    if codings.empty:
        return pd.DataFrame(columns=EVIDENCE_MATRIX_COLUMNS)
    table = themed_codings(codings, quotes)
    grouped = table.groupby(THEME, sort=False).agg(
        segments=("segment_id", "nunique"),
        informants=("informant", "nunique"),
        quote=("tagged", "first"),
    )
    names = informants_by_theme(table)
    grouped["who"] = [named(sorted(names[key]), len(names[key])) for key in grouped.index]
    return ordered_evidence(grouped.reset_index(), codebook)


#: What a theme of the evidence matrix is grouped by.
THEME = ["criterion", "polarity", "theme"]


def informants_by_theme(table: pd.DataFrame) -> dict[tuple, set[str]]:
    """The informants of each theme (``THEME``) of themed codings: one pass over the
    rows, where a Python function per group would cost pandas a Series per theme."""
    found: dict[tuple, set[str]] = {}
    keys = zip(*(table[column].tolist() for column in THEME), strict=True)
    for key, informant in zip(keys, table["informant"].tolist(), strict=True):
        found.setdefault(key, set()).add(informant)
    return found


#: Informants named in the evidence matrix's ``who`` per theme, at most: a survey of
#: 200,000 respondents would otherwise write (and hold) every one of them in one cell.
WHO_NAMES = 100


def named(names: list[str], informants: int) -> str:
    """``who``: the first ``WHO_NAMES`` of the sorted ``names`` of a theme's
    ``informants``, and how many more there are."""
    shown = ", ".join(names[:WHO_NAMES])
    more = informants - min(len(names), WHO_NAMES)
    return f"{shown} and {more} more" if more > 0 else shown


#: The columns of the conceptually clustered matrix (``evidence.csv``).
EVIDENCE_MATRIX_COLUMNS = [
    "criterion",
    "polarity",
    "theme",
    "segments",
    "informants",
    "who",
    "quote",
]


def themed_codings(codings: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """Each coding with its theme, its quote's strength and its tagged text, strongest
    first: the rows the evidence matrix groups (a streamed survey groups them by chunk)."""
    strength = quotes[["segment_id", "criterion", "polarity", "strength"]]
    aspect = codings["rule"].str.startswith(ASPECT_RULE, na=False)
    table = codings.assign(
        theme=codings["phrase"]
        .where(codings["method"] != "structural", "judgement: " + codings["phrase"])
        .where(~aspect, "aspect named: " + codings["phrase"])
        .where(codings["method"] != "manual", "researcher's coding")
        .where(codings["method"] != "learned", "learned coder")
    ).merge(strength, on=["segment_id", "criterion", "polarity"], how="left")
    table = table.sort_values(["strength", "start"], ascending=[False, True], kind="stable")
    table["tagged"] = table["informant"] + ": " + table["text"]
    return table


def ordered_evidence(out: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The evidence matrix in the codebook's order, the most widely held themes first."""
    columns = EVIDENCE_MATRIX_COLUMNS
    order = {cid: i for i, cid in enumerate(codebook.criterion_ids)}
    out = out.sort_values(
        ["criterion", "polarity", "informants", "segments", "theme"],
        key=lambda s: s.map(order) if s.name == "criterion" else s,
        ascending=[True, False, False, False, True],
        kind="stable",
    )
    return out[columns].reset_index(drop=True)


def segments_by_code(
    segments: pd.DataFrame, codings: pd.DataFrame, codebook: Codebook
) -> pd.DataFrame:
    """One row per segment; for each criterion and polarity a 0/1 column."""
    table = segments[["segment_id", "informant", "role", "line", "start", "end", "text"]]
    columns = [f"{cid}_{polarity}" for cid in codebook.criterion_ids for polarity in POLARITIES]
    coded = codings.assign(code=codings["criterion"] + "_" + codings["polarity"])
    # One 0/1 matrix filled at once: assigning thousands of columns is slow.
    rows = pd.Index(table["segment_id"]).get_indexer(coded["segment_id"])
    cols = pd.Index(columns).get_indexer(coded["code"])
    found = (rows >= 0) & (cols >= 0)
    flags = np.zeros((len(table), len(columns)), dtype=int)
    flags[rows[found], cols[found]] = 1
    return pd.concat(
        [table.reset_index(drop=True), pd.DataFrame(flags, columns=columns)], axis=1
    ).set_axis(table.index)
