"""Learning from the researcher's decisions: ``suggest``, the learned coder's evaluation
and the phrases worth adding to a codebook."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..analysis.keyness import DEFAULT_PER_CRITERION, keyness
from ..coding.learned import Evaluation, evaluate, load_models, models_loaded
from ..coding.parallel import code_aside, code_with_jobs
from ..inputs.review_file import ReviewFile, apply_review, read_review
from ..loop.suggest import DEFAULT_COUNT, suggestions
from ..model import Codebook, Corpus, PathLike
from .cache import coding_key, load_coding, save_coding
from .steps import _check_threshold, _masked, _masker, load


def suggest(
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    review: PathLike | ReviewFile | None = None,
    count: int = DEFAULT_COUNT,
    learn_threshold: float | None = None,
    personal_data: bool = False,
    cache: bool = False,
) -> pd.DataFrame:
    """The next ``count`` sentences worth a researcher's decision: ``ektp-qual suggest``.

    Sentences already reviewed in ``review`` are left out; the rest are ranked by how
    likely their coding is wrong (``loop.suggest``). One row per proposed code, with the
    learned coder's probability and the reason; text masked unless ``personal_data``.
    ``cache``: keep the rules' coding of this corpus and codebook for the next call
    (``pipeline.cache``: ``suggest`` runs again after every batch of decisions).
    """
    corpus, book, _ = load(transcripts, codebook, None)
    _check_threshold(learn_threshold)
    decisions = _review_of(review)
    coded = _reviewed_coding(corpus, book, personal_data, decisions, cache, learning=True)
    return suggestions(
        coded.segments,
        coded.automatic,
        coded.codings,
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
    learn_threshold: float | None = None,
    cache: bool = False,
) -> Evaluation:
    """Cross-validated precision, recall and F1 of the learned coder on the researcher's
    decisions, beside the rules', and a learning curve: ``ektp-qual suggest --evaluate``.
    ``cache``: as for ``suggest``.
    """
    corpus, book, _ = load(transcripts, codebook, None)
    _check_threshold(learn_threshold)
    decisions = _review_of(review)
    # masked, as code --learn learns
    coded = _reviewed_coding(corpus, book, False, decisions, cache, learning=True)
    return evaluate(
        coded.segments,
        coded.automatic,
        coded.codings,
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
    cache: bool = False,
) -> pd.DataFrame:
    """Phrases worth adding to each criterion, by keyness (Dunning's G²) of words and word
    pairs in its coded sentences and answers to its guide questions: ``ektp-qual codebook
    suggest``. The codebook is never changed; examples are masked unless ``personal_data``.
    ``cache``: as for ``suggest``.
    """
    corpus, book, _ = load(transcripts, codebook, None)
    coded = _reviewed_coding(corpus, book, personal_data, _review_of(review), cache)
    return keyness(coded.segments, coded.codings, book, per_criterion=per_criterion)


@dataclass
class _ReviewedCoding:
    segments: pd.DataFrame
    automatic: pd.DataFrame  # the rules' codings, before review
    codings: pd.DataFrame  # after review


def _reviewed_coding(
    corpus: Corpus,
    book: Codebook,
    personal_data: bool,
    decisions: ReviewFile,
    cache: bool = False,
    *,
    learning: bool = False,
) -> _ReviewedCoding:
    """The sentences and codings these calls read, as ``data_reduction`` makes them
    (coded, the review applied, personal data masked unless ``personal_data``), without
    the stances, quotes and tables they do not read: a researcher waits for each
    suggestion between decisions. ``cache``: keep the rules' masked coding of this corpus
    and codebook between runs (``pipeline.cache``; never with personal data shown).
    ``learning``: the caller trains the learned coder next, so scikit-learn is imported
    while a worker codes (``code_aside``)."""
    mask = _masker(corpus, book, personal_data)
    key = coding_key(corpus, book) if cache and mask is not None else None
    kept = load_coding(key) if key else None
    if kept is not None:
        segments, rules = kept
    else:
        if learning and not models_loaded():
            result = code_aside(corpus, book, load_models)
        else:
            result = code_with_jobs(corpus, book, 1)
        segments, rules = result.segments, result.codings
        if mask is not None:
            masked: dict[str, str] = {}
            segments = segments.assign(
                text=_masked(segments["text"], mask, masked),
                question=_masked(segments["question"], mask, masked),
            )
            rules = rules.assign(text=_masked(rules["text"], mask, masked))
        if key:
            save_coding(key, segments, rules)
    codings = apply_review(rules, segments, decisions, book).codings
    automatic = rules[["segment_id", "criterion", "polarity", "method"]]
    return _ReviewedCoding(segments, automatic, codings)


def _review_of(review: PathLike | ReviewFile | None) -> ReviewFile:
    if review is None:
        return ReviewFile()
    return review if isinstance(review, ReviewFile) else read_review(review)
