"""Exploratory analyses of a coded corpus: concordance, co-occurrence and saturation.

Pure functions: a reduction (or its codings) in, a DataFrame out; nothing prints or
touches files.

* ``kwic``, a concordance (keyword in context): every occurrence of a phrase in the
  informants' sentences, matched the way the coder matches a codebook phrase (whole
  words, case-insensitive, clitics, spelling variants, derivation), with the codes of
  its sentence. It shows the words in context as the coder sees them: before adding a
  phrase to the codebook, what it would find; after, what a code rests on. Matching
  runs on the real transcript text (offsets slice the body, as the segments' do); the
  context is shown as the segments table shows it, with personal data masked.
* ``cooccurrence``, which criteria are talked about together: for each pair of codes
  *a*, *b* and a unit (a sentence, or an informant), ``n_a`` and ``n_b`` units with
  each code, ``n_ab`` with both, and ATLAS.ti's c-coefficient
  ``c = n_ab / (n_a + n_b - n_ab)``: 0 when the codes never meet, 1 when they always
  come together (NaN when neither occurs).
* ``saturation``, so that a researcher can argue whether the interviews were enough:
  how many codes each successive interview adds that no earlier one had, in the
  corpus's order and over random orders of the interviews. If the last interviews add
  nothing, in most orders, more interviews like them would likely add little.
  With an incidence matrix ``X`` (interviews x codes) and an order ``p``, a code is new
  at the first position ``j`` with ``X[p[j], code]``; ``new_j`` counts the codes new at
  ``j`` and ``total_j = new_1 + ... + new_j``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..coding.coder import Coder
from ..model import PHRASE_SEPARATOR, POLARITIES, Codebook

if TYPE_CHECKING:
    from ..model.results import Reduction

KWIC_COLUMNS = [
    "informant",
    "role",
    "segment_id",
    "line",  # file line of the match (not of the sentence's start)
    "criteria",  # the codes of the match's sentence: "attitude +; professionalism -"
    "left",
    "match",
    "right",
    "start",  # offsets of the match in the transcript body: body[start:end]
    "end",
]
COOCCURRENCE_COLUMNS = ["code_a", "code_b", "n_a", "n_b", "n_ab", "c"]
SATURATION_COLUMNS = [
    "interview",
    "informant",
    "new_in_order",
    "total_in_order",
    "mean_new",
    "sd_new",
    "min_new",
    "max_new",
    "mean_total",
    "p05_total",
    "p95_total",
    "reached_95",  # share of random orders that had found 95% of the codes by then
]
UNITS = {"segment": "segment_id", "informant": "informant"}
SATURATION_KINDS = ("codes", "phrases")
_SIGNS = {"positive": "+", "negative": "-"}
_WHITESPACE = re.compile(r"\s+")
_ELLIPSIS = "…"
# Bytes of the interviews x codes incidence matrix reordered per random order, at most,
# held at once: orders are processed in chunks below this.
_CHUNK_BYTES = 50_000_000


def _code_label(criterion: str, polarity: str) -> str:
    """A criterion and polarity as one code: ``attitude +``."""
    return f"{criterion} {_SIGNS[polarity]}"


def _code_labels(codings: pd.DataFrame) -> list[str]:
    """Each coding's criterion and polarity as one code."""
    return [
        _code_label(c, p) for c, p in zip(codings["criterion"], codings["polarity"], strict=True)
    ]


# -- concordance -----------------------------------------------------------------------


def kwic(reduction: Reduction, phrase: str, *, width: int = 40) -> pd.DataFrame:
    """Every occurrence of ``phrase`` in the informants' sentences, in context.

    Matching is the coder's (``Coder.find``) on the real sentence in the transcript
    body, so ``start``/``end`` slice the body and masking never hides or invents a match;
    what is shown (``left``, ``match``, ``right``) is the sentence as the segments table
    shows it, masked when the reduction masked personal data (a match on a name reads
    ``[NAME]``). ``left`` and ``right`` hold at most ``width`` characters of the
    sentence, whitespace collapsed, cut at a word boundary and marked with "…" (counted
    in ``width``); ``left + match + right`` is the sentence when nothing is cut. Rows
    are in corpus order; ``line`` is the file line of the match itself. As in coding, a
    phrase does not match across a line break inside a sentence.
    Raises ValueError for a phrase without words or a width below 1.
    """
    if width < 1:
        raise ValueError(f"width must be at least 1, not {width}")
    segments = reduction.segments
    bodies = {t.informant: t.body for t in reduction.corpus.transcripts}
    real = [
        bodies[informant][start:end]
        for informant, start, end in zip(
            segments["informant"], segments["start"], segments["end"], strict=True
        )
    ]
    found = Coder(reduction.codebook).find(phrase, real)
    codes = _segment_codes(reduction.codings, reduction.codebook)
    masker = reduction.masker
    rows = []
    for segment, sentence, spans in zip(segments.itertuples(), real, found, strict=True):
        if not spans:
            continue
        shown, masked = segment.text, None
        if shown != sentence:
            masked = masker.mask_with_offsets(sentence)
            shown = masked.text
        for start, end in spans:
            at, to = start, end
            if masked is not None:
                at, to = masked.position(start), masked.position(end, end=True)
            rows.append(
                (
                    segment.informant,
                    segment.role,
                    segment.segment_id,
                    segment.line + sentence.count("\n", 0, start),
                    codes.get(segment.segment_id, ""),
                    _cut_left(_collapse(shown[:at]), width),
                    _collapse(shown[at:to]),
                    _cut_right(_collapse(shown[to:]), width),
                    segment.start + start,
                    segment.start + end,
                )
            )
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def _segment_codes(codings: pd.DataFrame, codebook: Codebook) -> dict[str, str]:
    """Each coded segment's codes, in codebook order: ``"attitude +; professionalism -"``."""
    order = {code: i for i, code in enumerate(_codes(codebook, polarity=True))}
    labels: dict[str, set[str]] = {}
    for segment_id, code in zip(codings["segment_id"], _code_labels(codings), strict=True):
        labels.setdefault(segment_id, set()).add(code)
    return {
        segment_id: "; ".join(sorted(found, key=lambda code: (order.get(code, len(order)), code)))
        for segment_id, found in labels.items()
    }


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text)


def _cut_left(text: str, width: int) -> str:
    """The last ``width`` characters at most, "…" included, not starting mid-word."""
    if len(text) <= width:
        return text
    kept = text[len(text) - width + 1 :]
    if kept and not kept[0].isspace() and not text[-len(kept) - 1].isspace():
        space = kept.find(" ")
        kept = kept[space:] if space >= 0 else ""
    return _ELLIPSIS + kept.lstrip()


def _cut_right(text: str, width: int) -> str:
    """The first ``width`` characters at most, "…" included, not ending mid-word."""
    if len(text) <= width:
        return text
    kept = text[: width - 1]
    if kept and not kept[-1].isspace() and not text[len(kept)].isspace():
        space = kept.rfind(" ")
        kept = kept[:space] if space >= 0 else ""
    return kept.rstrip() + _ELLIPSIS


# -- co-occurrence ---------------------------------------------------------------------


def cooccurrence(
    codings: pd.DataFrame, codebook: Codebook, *, unit: str = "segment", polarity: bool = False
) -> pd.DataFrame:
    """How often two codes are coded in the same unit: one row per unordered pair.

    Codes are the codebook's criteria, or with ``polarity`` criterion and polarity
    (``attitude +``, ``attitude -``), in codebook order; every pair is listed, also one
    that never co-occurs. ``unit`` is ``"segment"`` (the same sentence) or
    ``"informant"``. ``c = n_ab / (n_a + n_b - n_ab)``, NaN when neither code occurs.
    """
    codes = _codes(codebook, polarity)
    counts = _cooccurrence_counts(codings, codes, unit, polarity)
    a, b = np.triu_indices(len(codes), 1)
    n_a, n_b, n_ab = np.diag(counts)[a], np.diag(counts)[b], counts[a, b]
    union = n_a + n_b - n_ab
    c = np.divide(n_ab, union, out=np.full(len(a), np.nan), where=union > 0)
    names = np.array(codes, dtype=object)
    return pd.DataFrame(
        {"code_a": names[a], "code_b": names[b], "n_a": n_a, "n_b": n_b, "n_ab": n_ab, "c": c},
        columns=COOCCURRENCE_COLUMNS,
    )


def cooccurrence_matrix(
    codings: pd.DataFrame, codebook: Codebook, *, unit: str = "segment", polarity: bool = False
) -> pd.DataFrame:
    """The co-occurrence counts as a square table for display: ``n_ab``, ``n_a`` on the
    diagonal (arguments as for ``cooccurrence``)."""
    codes = _codes(codebook, polarity)
    counts = _cooccurrence_counts(codings, codes, unit, polarity)
    return pd.DataFrame(counts, index=pd.Index(codes, name="code"), columns=codes)


def _codes(codebook: Codebook, polarity: bool) -> list[str]:
    if polarity:
        return [_code_label(c.id, p) for c in codebook.criteria for p in POLARITIES]
    return codebook.criterion_ids


def _cooccurrence_counts(
    codings: pd.DataFrame, codes: list[str], unit: str, polarity: bool
) -> np.ndarray:
    """``X.T @ X`` for the units x codes incidence matrix ``X`` (0/1)."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    labels = _code_labels(codings) if polarity else list(codings["criterion"])
    column = {code: j for j, code in enumerate(codes)}
    pairs = {
        (u, column[label])
        for u, label in zip(codings[UNITS[unit]], labels, strict=True)
        if label in column
    }
    units = {u: i for i, u in enumerate({u for u, _ in pairs})}
    incidence = np.zeros((len(units), len(codes)), dtype=np.int64)
    for u, j in pairs:
        incidence[units[u], j] = 1
    return incidence.T @ incidence


# -- saturation ------------------------------------------------------------------------


def saturation(
    reduction: Reduction, *, what: str = "codes", orders: int = 200, seed: int = 0
) -> pd.DataFrame:
    """New codes per successive interview, in corpus order and over random orders.

    A code is a criterion and polarity (``what="codes"``, ``attitude +``) or a codebook
    phrase that fired (``what="phrases"``, structural codings by their evaluative phrase;
    a phrase counts once whatever it coded; codings added by hand have none). One row per
    interview position: ``informant`` and ``new_in_order``/``total_in_order`` in the order
    of ``reduction.corpus.transcripts``; then, over ``orders`` random orders (numpy's
    Generator with ``seed``), the mean, standard deviation (over the orders), minimum and
    maximum of the new codes at that position, the mean and 5th/95th percentiles of the
    cumulative count, and ``reached_95``, the share of orders that had found 95% of the
    codes by then.
    """
    if what not in SATURATION_KINDS:
        raise ValueError(f"what must be one of {', '.join(SATURATION_KINDS)}, not {what!r}")
    if orders < 1:
        raise ValueError(f"orders must be at least 1, not {orders}")
    informants = reduction.corpus.informants
    incidence = _saturation_incidence(reduction.codings, informants, what)
    n, k = incidence.shape
    in_order = np.bincount(incidence.argmax(axis=0), minlength=n)
    rng = np.random.default_rng(seed)
    permutations = rng.permuted(np.tile(np.arange(n), (orders, 1)), axis=1)
    first = np.empty((orders, k), dtype=np.intp)
    step = max(1, _CHUNK_BYTES // max(1, n * k))
    for lo in range(0, orders, step):
        first[lo : lo + step] = incidence[permutations[lo : lo + step]].argmax(axis=1)
    offsets = (np.arange(orders) * n)[:, None]
    new = np.bincount((first + offsets).ravel(), minlength=orders * n).reshape(orders, n)
    totals = new.cumsum(axis=1)
    return pd.DataFrame(
        {
            "interview": np.arange(1, n + 1),
            "informant": informants,
            "new_in_order": in_order,
            "total_in_order": in_order.cumsum(),
            "mean_new": new.mean(axis=0),
            "sd_new": new.std(axis=0),
            "min_new": new.min(axis=0),
            "max_new": new.max(axis=0),
            "mean_total": totals.mean(axis=0),
            "p05_total": np.percentile(totals, 5, axis=0),
            "p95_total": np.percentile(totals, 95, axis=0),
            "reached_95": (totals >= _share_95(k)).mean(axis=0),
        },
        columns=SATURATION_COLUMNS,
    )


def _saturation_incidence(codings: pd.DataFrame, informants: list[str], what: str) -> np.ndarray:
    """Interviews (in ``informants`` order) x codes they contain, as booleans."""
    if what == "codes":
        labels = [[label] for label in _code_labels(codings)]
    else:  # codebook phrases: a short answer's own words are none
        labels = [
            [] if method == "answer" else str(p).split(PHRASE_SEPARATOR)
            for p, method in zip(codings["phrases"], codings["method"], strict=True)
        ]
    row = {informant: i for i, informant in enumerate(informants)}
    pairs = {
        (row[informant], label)
        for informant, found in zip(codings["informant"], labels, strict=True)
        if informant in row
        for label in found
        if label
    }
    column = {label: j for j, label in enumerate(sorted({label for _, label in pairs}))}
    incidence = np.zeros((len(informants), len(column)), dtype=bool)
    for i, label in pairs:
        incidence[i, column[label]] = True
    return incidence


def _share_95(codes: int) -> int:
    """How many codes make 95% of ``codes``, rounded up."""
    return -(-95 * codes // 100)


def saturation_summary(table: pd.DataFrame) -> dict[str, object]:
    """The numbers to argue saturation with, from a ``saturation`` table.

    * ``interviews``, ``codes``: how many of each;
    * ``last_new_in_order``, ``last_new_informant``: the interview (1-based position in
      corpus order) after which no new code appeared, and its informant (0 and "" when
      nothing was coded); ``without_new_at_end``: how many interviews followed it;
    * ``position_95_in_order``: the interview by which 95% of the codes were found, in
      corpus order; ``mean_position_95``: the same, averaged over the random orders.
    """
    n = len(table)
    codes = int(table["total_in_order"].iloc[-1])
    adding = np.flatnonzero(table["new_in_order"].to_numpy() > 0)
    last = int(adding[-1]) + 1 if len(adding) else 0
    reached = np.flatnonzero(table["total_in_order"].to_numpy() >= _share_95(codes))
    # The mean of a position T in 1..n is the sum over j = 0..n-1 of P(T > j).
    not_yet = 1 - table["reached_95"].to_numpy()[:-1]
    return {
        "interviews": n,
        "codes": codes,
        "last_new_in_order": last,
        "last_new_informant": table["informant"].iloc[last - 1] if last else "",
        "without_new_at_end": n - last,
        "position_95_in_order": int(reached[0]) + 1,
        "mean_position_95": float(1 + not_yet.sum()),
    }
