"""Phrases worth adding to a codebook: words and word pairs key to a criterion's sentences.

A criterion's sentences are those coded for it (by the rules or by review) and the
answers to its guide questions. A word or pair of words said in many more of them
than of the rest of the corpus's sentences is a candidate phrase, ranked by Dunning's
(1993) log-likelihood ratio, G² = 2 Σ O ln(O / E) over the two sets of sentences, with O
the sentences that say the term and E the number expected if they were spread evenly
by size (counting sentences, not words, keeps a word repeated in one answer from
looking key). G² >= 3.84 is p < 0.05 on one degree of
freedom; only terms more frequent in the criterion's sentences are kept.

Terms are counted by word key (clitics and spelling variants resolved, derived words by
their root as the coder reads them: ``language.words``), and shown in the form most
often said. A term the codebook already matches (one of its phrases, or a part of one)
is left out, as are terms made only of the codebook's context words (negators, fillers,
yes and no) and terms said in fewer than ``MIN_SENTENCES`` sentences. Nothing here edits
the codebook: the researcher decides.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import pandas as pd

from ..language.words import DERIVED, WordKeys
from ..model import Codebook

#: The columns of ``codebook suggest``'s table, one row per candidate phrase.
KEYNESS_COLUMNS = [
    "criterion",
    "phrase",
    "polarity",
    "in_criterion",
    "elsewhere",
    "g2",
    "example_1",
    "example_2",
]
#: G² at p < 0.05 with one degree of freedom.
CRITICAL_G2 = 3.84
MIN_SENTENCES = 2
DEFAULT_PER_CRITERION = 10
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def g2(in_target: int, in_rest: int, target_size: int, rest_size: int) -> float:
    """Dunning's log-likelihood ratio of a term's frequency in two corpora."""
    total = in_target + in_rest
    size = target_size + rest_size
    score = 0.0
    for observed, corpus in ((in_target, target_size), (in_rest, rest_size)):
        expected = corpus * total / size
        if observed > 0:
            score += observed * math.log(observed / expected)
    return 2 * score


class _Terms:
    """Each sentence's words and word pairs by key, and the form each was said in."""

    def __init__(self, codebook: Codebook) -> None:
        phrases = _phrases(codebook)
        words = [w for p in phrases for w in _WORD.findall(p.lower())]
        self.keys = WordKeys(codebook.morphology, words)
        self.known = {tuple(self.key(w) for w in _WORD.findall(p.lower())) for p in phrases}
        self.context = {self.key(w) for w in _context_words(codebook)}
        self.forms: dict[tuple[str, ...], Counter] = {}

    def key(self, word: str) -> str:
        return self.keys.key(word).removesuffix(DERIVED)

    def of(self, text: str) -> set[tuple[str, ...]]:
        said = _WORD.findall(str(text).lower())
        keys = [self.key(w) for w in said]
        terms = set()
        for n in (1, 2):
            for i in range(len(keys) - n + 1):
                term = tuple(keys[i : i + n])
                terms.add(term)
                self.forms.setdefault(term, Counter())[" ".join(said[i : i + n])] += 1
        return terms

    def matched(self, term: tuple[str, ...]) -> bool:
        """Whether the codebook already has the term: inside one of its phrases, holding
        one, or made only of its context words."""
        if all(k in self.context for k in term):
            return True
        return any(_inside(term, p) or _inside(p, term) for p in self.known)


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def _phrases(codebook: Codebook) -> list[str]:
    return [
        *(p for c in codebook.criteria for p in (*c.positive, *c.negative)),
        *codebook.evaluative_positive,
        *codebook.evaluative_negative,
        *codebook.ignore,
    ]


def _context_words(codebook: Codebook) -> list[str]:
    talk = codebook.discourse
    lists = [
        codebook.negators,
        talk.fillers,
        talk.affirm,
        talk.deny,
        talk.question_words,
        talk.follow_ups,
    ]
    return [w for words in lists for phrase in words for w in _WORD.findall(phrase.lower())]


def keyness(
    segments: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    *,
    per_criterion: int = DEFAULT_PER_CRITERION,
) -> pd.DataFrame:
    """The ``per_criterion`` keyest terms of each criterion's sentences (``KEYNESS_COLUMNS``).

    ``polarity`` says which way the term's coded sentences lean (empty when they do not,
    or when it is found only in answers to the guide questions); ``in_criterion`` and
    ``elsewhere`` count the sentences that say it; the examples are two of them.
    """
    terms = _Terms(codebook)
    ids = segments["segment_id"].tolist()
    texts = dict(zip(ids, segments["text"], strict=True))
    said = {sid: terms.of(texts[sid]) for sid in ids}
    coded: dict[str, dict[str, str]] = {}
    for sid, c, p in zip(
        codings["segment_id"], codings["criterion"], codings["polarity"], strict=True
    ):
        if sid in said:
            coded.setdefault(c, {})
            coded[c][sid] = "mixed" if coded[c].get(sid, p) != p else p
    topics = dict(zip(ids, segments["topic"], strict=True))
    everywhere = Counter(t for sid in ids for t in said[sid])
    rows = []
    for criterion in codebook.criterion_ids:
        members = set(coded.get(criterion, {})) | {s for s in ids if topics[s] == criterion}
        if not members or len(members) == len(ids):
            continue
        inside = Counter(t for sid in members for t in said[sid])
        found = []
        for term, a in inside.items():
            b = everywhere[term] - a
            if a < MIN_SENTENCES or a / len(members) <= b / (len(ids) - len(members)):
                continue
            score = g2(a, b, len(members), len(ids) - len(members))
            if score >= CRITICAL_G2 and not terms.matched(term):
                found.append((score, term, a, b))
        found.sort(key=lambda x: (-x[0], x[1]))
        for score, term, a, b in _without_parts(found)[:per_criterion]:
            examples = [sid for sid in ids if sid in members and term in said[sid]]
            leaning = Counter(coded.get(criterion, {}).get(sid) for sid in examples)
            rows.append(
                {
                    "criterion": criterion,
                    "phrase": terms.forms[term].most_common(1)[0][0],
                    "polarity": _leaning(leaning),
                    "in_criterion": a,
                    "elsewhere": b,
                    "g2": round(score, 2),
                    "example_1": texts[examples[0]],
                    "example_2": texts[examples[1]] if len(examples) > 1 else "",
                }
            )
    return pd.DataFrame(rows, columns=KEYNESS_COLUMNS)


def _without_parts(found: list) -> list:
    """A word said only inside a keyer pair is the pair: keep the pair alone."""
    kept = []
    for score, term, a, b in found:
        covered = any(
            len(other) > len(term) and _inside(term, other) and oa == a for _, other, oa, _ in found
        )
        if not covered:
            kept.append((score, term, a, b))
    return kept


def _leaning(counts: Counter) -> str:
    positive, negative = counts.get("positive", 0), counts.get("negative", 0)
    if positive > 2 * negative:
        return "positive"
    if negative > 2 * positive:
        return "negative"
    return ""
