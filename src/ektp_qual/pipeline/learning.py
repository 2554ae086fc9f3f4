"""Learning from the researcher's decisions: ``suggest``, the learned coder's evaluation
and the phrases worth adding to a codebook."""

from __future__ import annotations

import pandas as pd

from ..analysis.keyness import DEFAULT_PER_CRITERION, keyness
from ..coding.learned import (
    DEFAULT_THRESHOLD,
    Evaluation,
    evaluate,
)
from ..inputs.review_file import ReviewFile, read_review
from ..loop.suggest import DEFAULT_COUNT, suggestions
from ..model import Codebook, Corpus, PathLike
from .steps import _check_threshold, _reduce, load


def suggest(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    count: int = DEFAULT_COUNT,
    learn_threshold: float = DEFAULT_THRESHOLD,
    personal_data: bool = False,
) -> pd.DataFrame:
    """The next ``count`` sentences worth a researcher's decision: ``ektp-qual suggest``.

    Sentences already reviewed in ``review`` are left out; the rest are ranked by how
    likely their coding is wrong (``loop.suggest``). One row per proposed code, with the
    learned coder's probability and the reason; text masked unless ``personal_data``.
    """
    corpus, book, _ = load(transcripts, codebook, None)
    _check_threshold(learn_threshold)
    decisions = _review_of(review)
    reduction = _reduce(corpus, book, personal_data, decisions)
    return suggestions(
        reduction.segments,
        reduction.automatic,
        reduction.codings,
        decisions.decisions(),
        book,
        count=count,
        threshold=learn_threshold,
    )


def evaluate_learned_coder(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    learn_threshold: float = DEFAULT_THRESHOLD,
) -> Evaluation:
    """Cross-validated precision, recall and F1 of the learned coder on the researcher's
    decisions, beside the rules', and a learning curve: ``ektp-qual suggest --evaluate``.
    """
    corpus, book, _ = load(transcripts, codebook, None)
    _check_threshold(learn_threshold)
    decisions = _review_of(review)
    reduction = _reduce(corpus, book, False, decisions)  # masked, as code --learn learns
    return evaluate(
        reduction.segments,
        reduction.automatic,
        reduction.codings,
        decisions.decisions(),
        book,
        threshold=learn_threshold,
    )


def suggest_phrases(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    per_criterion: int = DEFAULT_PER_CRITERION,
    personal_data: bool = False,
) -> pd.DataFrame:
    """Phrases worth adding to each criterion, by keyness (Dunning's G²) of words and word
    pairs in its coded sentences and answers to its guide questions: ``ektp-qual codebook
    suggest``. The codebook is never changed; examples are masked unless ``personal_data``.
    """
    corpus, book, _ = load(transcripts, codebook, None)
    reduction = _reduce(corpus, book, personal_data, review)
    return keyness(reduction.segments, reduction.codings, book, per_criterion=per_criterion)


def _review_of(review: PathLike | ReviewFile | None) -> ReviewFile:
    if review is None:
        return ReviewFile()
    return review if isinstance(review, ReviewFile) else read_review(review)
