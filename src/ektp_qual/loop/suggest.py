"""The next sentences worth a researcher's decision, chosen to improve the coding fastest.

A decision pays most where the coding is most likely wrong. For each sentence nobody
reviewed, the learned coder (``coding.learned``) gives every code a probability; the
coding that ``code --learn`` would give the sentence is then wrong, on each code, with
probability ``1 - p`` where it codes and ``p`` where it does not. Their sum, the
sentence's expected errors, ranks the queue: sentences where the rules and the learned
coder disagree and where the learned coder is unsure rise to the top, and a decision
there also teaches the model most.
A batch is chosen greedily and kept diverse: each next sentence's expected errors are
discounted by its similarity to those already chosen (``_batch``), since many sentences
that say the same thing teach the model what one of them would. The ranking does not
depend on whether ``code`` is then run with ``--learn``.
"""

from __future__ import annotations

import pandas as pd

from ..coding.learned import (
    code_keys,
    learned_coder,
    reviewed_segments,
    rule_codes,
    rule_features,
    sure_codes,
)
from ..model import Codebook

#: The columns of ``suggest``'s table, one row per proposed code of a chosen sentence.
SUGGESTION_COLUMNS = [
    "segment_id",
    "informant",
    "criterion",
    "polarity",
    "probability",
    "reason",
    "text",
]
#: A code at least this likely is shown with a chosen sentence even if not coded.
SHOWN = 0.3
DEFAULT_COUNT = 25
#: How many sentences of a batch are chosen for their difference from the others.
DIVERSE_AT_MOST = 200


def suggestions(
    segments: pd.DataFrame,
    automatic: pd.DataFrame,
    codings: pd.DataFrame,
    decisions: pd.DataFrame | None,
    codebook: Codebook,
    *,
    count: int = DEFAULT_COUNT,
    threshold: float | None = None,
) -> pd.DataFrame:
    """The ``count`` sentences nobody reviewed whose decision is worth most, best first.

    Each chosen sentence has a row per code it is coded with or the learned coder finds
    likely (at least ``SHOWN``), else its likeliest code; a sentence for which nothing can
    be proposed (no code has been learned yet) has one row with ``criterion`` empty.
    ``codings`` are the codings after review (without learned ones).
    """
    reviewed = reviewed_segments(decisions, segments)
    open_segments = segments[~segments["segment_id"].isin(reviewed)].reset_index(drop=True)
    if open_segments.empty or count <= 0:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    coder, threshold = learned_coder(
        segments, automatic, codings, reviewed, codebook, threshold=threshold
    )
    described = rule_features(segments, rule_codes(automatic))
    rules = [described[s] for s in open_segments["segment_id"].tolist()]
    matrix = coder.vectors(open_segments, rules) if coder.trained else None
    predicted = coder.predict(open_segments, rules, explain=2.0, matrix=matrix)
    coded = _coded(codings, set(open_segments["segment_id"]))
    learned = _learned(predicted, coded, threshold)
    final = coded | learned
    keys = code_keys(predicted)
    chosen_now = pd.Series([k in final for k in keys], index=predicted.index, dtype=bool)
    error = predicted["probability"].where(~chosen_now, 1 - predicted["probability"])
    errors = error.groupby(predicted["segment_id"], sort=False).sum().to_dict()
    # A code the rules give for which nothing was learned yet: as likely wrong as right.
    for sid, _, _ in coded - set(keys):
        errors[sid] = errors.get(sid, 0.0) + 0.5
    # No extra weight for an answer to a guide question with nothing coded: with a quarter
    # more, the tuning studies' verdicts came right later (docs/learning.md).
    worth = [round(errors.get(sid, 0.0), 9) for sid in open_segments["segment_id"].tolist()]
    picked = open_segments.iloc[_batch(worth, matrix, count)]
    explained = coder.predict(picked, [rules[i] for i in picked.index], explain=0.0)
    return _rows(picked, explained, coded, learned, threshold)


def _batch(worth: list[float], matrix, count: int) -> list[int]:
    """The ``count`` sentences to decide now, best first: by expected errors, each next
    one discounted by its greatest cosine similarity to those already chosen, so that one
    batch does not spend its decisions on one way of saying one thing (25 sentences that
    differ teach the learned coder more than 25 that repeat each other). Ties keep the
    corpus order. Past ``DIVERSE_AT_MOST`` sentences (more than anyone decides before
    asking again) the rest follow by expected errors alone, so a long list stays fast."""
    import numpy as np

    score = np.asarray(worth, dtype=float)
    order = np.lexsort((np.arange(len(score)), -score))
    if matrix is None:
        return [int(i) for i in order[:count]]
    closest = np.zeros(len(score))
    chosen: list[int] = []
    for _ in range(min(count, len(score), DIVERSE_AT_MOST)):
        discounted = np.where(np.isnan(score), -np.inf, score * (1 - closest))
        best = int(np.argmax(discounted))  # the first of equals: corpus order
        chosen.append(best)
        score[best] = np.nan
        similar = (matrix @ matrix[best].T).toarray().ravel()
        closest = np.maximum(closest, np.clip(similar, 0, 1))
    taken = set(chosen)
    chosen += [int(i) for i in order if i not in taken][: max(count - len(chosen), 0)]
    return chosen


def _coded(codings: pd.DataFrame, among: set[str]) -> set[tuple[str, str, str]]:
    return {k for k in code_keys(codings) if k[0] in among}


def _learned(predicted: pd.DataFrame, coded: set, threshold: float) -> set:
    """What ``code --learn`` would add (see ``coding.learned.learned_codings``)."""
    return set(code_keys(sure_codes(predicted, coded, threshold)))


def _rows(picked, predicted, coded, learned, threshold) -> pd.DataFrame:
    """Each chosen sentence's codes worth showing, likeliest first."""
    by_segment = {sid: group for sid, group in predicted.groupby("segment_id", sort=False)}
    rows = []
    for segment in picked.itertuples(index=False):
        sid = segment.segment_id
        base = {"segment_id": sid, "informant": segment.informant, "text": segment.text}
        group = by_segment.get(sid, predicted.iloc[:0])
        group = group.sort_values("probability", ascending=False, kind="stable")
        shown = []
        for r in group.itertuples(index=False):
            key = (sid, r.criterion, r.polarity)
            if key in coded or key in learned or r.probability >= SHOWN:
                shown.append(
                    (
                        r.criterion,
                        r.polarity,
                        r.probability,
                        _reason(key, r, coded, learned, threshold),
                    )
                )
        modelled = set(zip(group["criterion"], group["polarity"], strict=True))
        shown += [
            (c, p, float("nan"), "the rules code it; nothing learned for this code yet")
            for s, c, p in sorted(coded)
            if s == sid and (c, p) not in modelled
        ]
        if not shown and len(group):
            r = next(group.itertuples(index=False))
            reason = f"its likeliest code, though unlikely: {r.features or '-'}"
            shown.append((r.criterion, r.polarity, r.probability, reason))
        if not shown:
            topic = segment.topic
            reason = (
                f"answers a question about {topic}, nothing coded"
                if isinstance(topic, str) and topic
                else "nothing coded, and no code learned yet"
            )
            shown.append(("", "", float("nan"), reason))
        for criterion, polarity, probability, reason in shown:
            rows.append(
                {
                    **base,
                    "criterion": criterion,
                    "polarity": polarity,
                    "probability": float(probability),
                    "reason": reason,
                }
            )
    return pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)


def _reason(key, r, coded, learned, threshold) -> str:
    why = r.features or "-"
    p = r.probability
    if key in coded:
        if p < threshold:
            return f"the rules code it; the learned coder doubts it (features: {why})"
        return f"the rules code it; the learned coder agrees (features: {why})"
    if key in learned:
        return f"the learned coder proposes it, the rules found nothing: {why}"
    return f"the learned coder is unsure: {why}"


def suggested_items(segments: pd.DataFrame, table: pd.DataFrame) -> list:
    """The suggestions as review items, in the queue's order: one per proposed code (the
    learned coder's probability and the reason shown with it), one for a sentence with
    none."""
    from .review_session import ReviewItem

    where = segments.set_index("segment_id")
    items = []
    for r in table.itertuples(index=False):
        segment = where.loc[r.segment_id]
        proposal = {}
        if r.criterion:
            chance = "" if r.probability != r.probability else f"p = {r.probability:.2f}; "
            proposal = {
                "criterion": r.criterion,
                "polarity": r.polarity,
                "rules": (f"{chance}{r.reason}",),
            }
        items.append(
            ReviewItem(
                segment_id=r.segment_id,
                informant=str(segment["informant"]),
                role=str(segment["role"]),
                line=int(segment["line"]),
                question=str(segment["question"]),
                text=str(segment["text"]),
                **proposal,
            )
        )
    return items
