"""Reduction and display of a corpus coded in chunks of whole informants.

A chunk holds every sentence of its informants, so each informant's counts, stance and
strongest quotes come whole from one chunk; what spans chunks is summed (the corpus
summary, the evidence matrix's counts) or chosen again among the chunks' best (the
evidence matrix's quote). The results equal those of the whole corpus at once.
"""

from __future__ import annotations

import pandas as pd

from ..model import Codebook
from . import display
from .display import ordered_evidence, themed_codings
from .reduction import SUMMARY_COLUMNS

_THEME = display.THEME

#: Between the names of a part's ``who``: one string per theme, not a list of strings,
#: costs a few bytes per informant in the process adding the parts.
_NAMES = "\x1f"


def evidence_part(codings: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """A chunk's share of the evidence matrix: per theme its counts, its informants, and
    its best quote with the strength and offset that rank it."""
    if codings.empty:
        return pd.DataFrame(columns=[*_THEME, "segments", "informants", "who", "quote"])
    table = themed_codings(codings, quotes)
    grouped = table.groupby(_THEME, sort=False).agg(
        segments=("segment_id", "nunique"),
        informants=("informant", "nunique"),
        quote=("tagged", "first"),
        strength=("strength", "first"),
        start=("start", "first"),
    )
    names = display.informants_by_theme(table)
    who = [_NAMES.join(sorted(names[key])[: display.WHO_NAMES]) for key in grouped.index]
    grouped.insert(2, "who", who)
    return grouped.reset_index()


def evidence_parts_merged(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Chunks' parts of the evidence matrix as one part: what the process adding them
    keeps, a row per theme, however many chunks came before (``who`` keeps the first
    ``WHO_NAMES`` names, all the matrix shows).

    Informants never span chunks, so segments and informants add up; the quote is the
    strongest of the chunks' quotes, the earliest on a tie, as in one pass.
    """
    parts = [part for part in parts if len(part)]
    if len(parts) <= 1:
        return parts[0] if parts else evidence_part(pd.DataFrame(), pd.DataFrame())
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values(["strength", "start"], ascending=[False, True], kind="stable")

    def first_names(parts: pd.Series) -> str:
        names = sorted({w for p in parts for w in p.split(_NAMES)})
        return _NAMES.join(names[: display.WHO_NAMES])

    grouped = table.groupby(_THEME, sort=False).agg(
        segments=("segments", "sum"),
        informants=("informants", "sum"),
        who=("who", first_names),
        quote=("quote", "first"),
        strength=("strength", "first"),
        start=("start", "first"),
    )
    return grouped.reset_index()


def evidence_of_parts(parts: list[pd.DataFrame], codebook: Codebook) -> pd.DataFrame:
    """The evidence matrix of the whole corpus from its chunks' parts."""
    table = evidence_parts_merged(parts)
    if table.empty:
        return ordered_evidence(pd.DataFrame(columns=[*_THEME, "segments", "informants"]), codebook)
    table["who"] = [
        display.named(who.split(_NAMES), n)
        for who, n in zip(table["who"], table["informants"], strict=True)
    ]
    return ordered_evidence(table[[*_THEME, "segments", "informants", "who", "quote"]], codebook)


def summary_of_parts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The corpus summary of the whole corpus from its chunks' summaries (roles in order
    of first appearance, then ``all``)."""
    table = pd.concat(parts, ignore_index=True)
    roles = list(dict.fromkeys(r for r in table["role"] if r != "all"))
    summed = table.groupby("role", sort=False)[SUMMARY_COLUMNS[1:]].sum()
    return summed.reindex([*roles, "all"]).reset_index()[SUMMARY_COLUMNS]


_TALLY = ["role", "criterion", "stance"]


def stance_tally(stances: pd.DataFrame) -> pd.DataFrame:
    """Informants per role, criterion and stance (roles in order of first appearance):
    all the display's role matrix and the conclusions need of the stances."""
    return stances.groupby(_TALLY, sort=False).size().rename("n").reset_index()


def stance_tally_of_parts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The tally of chunks one after another (roles in order of first appearance)."""
    table = pd.concat(parts, ignore_index=True)
    return table.groupby(_TALLY, sort=False)["n"].sum().reset_index()
