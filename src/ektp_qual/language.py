"""Words as the coder sees them: a blank spaCy pipeline and a morphology-aware word key.

Matching compares *keys*, not surface words. A word's key is its lower-case form with
spelling variants mapped to one standard (``antrean`` -> ``antrian``) and clitics removed
(``antriannya`` -> ``antrian``), unless the word is itself a root in the language's
dictionary (``masalah`` keeps its ``-lah``). When the codebook's language has a stemmer
(Sastrawi for Indonesian), a derived word also takes the key of a *root* that the codebook
uses (``keramahan`` -> ``ramah`` because ``ramah`` is a phrase word). A phrase word written
in a derived form (``berdesakan``) matches only that form, so a root such as ``desa``
(village) never matches it. Derivations through prefixes that change the meaning
(``se-``: ``selama``; ``per-``: ``perbaikan``) are not followed.

Keys are set on spaCy's lexemes (``NORM``), so spaCy's PhraseMatcher does the matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

import numpy as np

from .errors import InputError
from .model import Codebook, Morphology


class _SetDictionary:
    """Sastrawi's dictionary interface over a set (its own list makes stemming O(n))."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = {w.strip() for w in words if w.strip()}

    def contains(self, word: str) -> bool:
        return word in self.words


class WordKeys:
    """The key of every word, for one codebook; results are cached per word."""

    def __init__(self, morphology: Morphology, phrase_words: Iterable[str] = ()) -> None:
        self.morphology = morphology
        self.variants = dict(morphology.variants)
        # Longest clitic first, so that "-nya" is tried before "-ya" style overlaps.
        self.clitics = tuple(sorted(morphology.clitics, key=len, reverse=True))
        self._cache: dict[str, str] = {}
        self.phrase_bases: set[str] = set()
        self.roots: set[str] = set()
        for word in phrase_words:
            base = self.base(word.lower())
            self.phrase_bases.add(base)
            if self.is_root(base):
                self.roots.add(base)
        # A derived word contains its root, save the first letter that a nasal prefix may
        # replace (memuaskan <- puas): words without any such part are never stemmed.
        cores = sorted({root[1:] for root in self.roots if len(root) > 3}, key=len, reverse=True)
        self._may_derive = re.compile("|".join(map(re.escape, cores))) if cores else None

    @cached_property
    def _sastrawi(self):
        from Sastrawi.Stemmer.Stemmer import Stemmer
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

        dictionary = _SetDictionary(StemmerFactory().get_words())
        return Stemmer(dictionary), dictionary

    def is_root(self, word: str) -> bool:
        if self.morphology.stemmer != "sastrawi":
            return False
        return self._sastrawi[1].contains(word)

    def stem(self, word: str) -> str:
        if self.morphology.stemmer != "sastrawi" or not word.isalpha():
            return word
        return self._sastrawi[0].stem(word)

    def base(self, lower: str) -> str:
        """Spelling variant and clitics resolved; derivation untouched."""
        word = self.variants.get(lower, lower)
        for clitic in self.clitics:
            if word.endswith("-" + clitic) and len(word) > len(clitic) + 2:
                return self.base(word[: -len(clitic) - 1])
        if not self.clitics or not word.isalpha() or self.is_root(word):
            return word
        for _ in range(2):  # a particle (-lah) may follow a possessive (-nya)
            for clitic in self.clitics:
                rest = word[: -len(clitic)]
                if word.endswith(clitic) and len(rest) >= 3:
                    word = self.variants.get(rest, rest)
                    break
            else:
                break
            if self.is_root(word):
                break
        return word

    def key(self, text: str) -> str:
        lower = text.lower()
        cached = self._cache.get(lower)
        if cached is not None:
            return cached
        base = self.base(lower)
        key = base
        derivable = (
            self._may_derive is not None
            and len(base) > 4
            and base not in self.phrase_bases
            and self._may_derive.search(base) is not None
        )
        if derivable and not self.is_root(base) and not self._blocked(base):
            stem = self.stem(base)
            if stem in self.roots:
                key = stem
        self._cache[lower] = key
        return key

    def _blocked(self, word: str) -> bool:
        prefixes = self.morphology.no_derivation_prefixes
        if not prefixes:
            return False
        stem = self.stem(word)
        at = word.find(stem)
        prefix = word[:at] if at > 0 else ""
        return any(prefix.endswith(p) for p in prefixes)


# spaCy's exceptions for words such as "abu-abu" or "bolak-balik" (16,000 in Indonesian)
# keep them whole, and loading them costs seconds at every start. The coder reads a
# hyphenated word as its parts in text and in phrases alike, so they are left out.
_HYPHEN_COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")


def blank_pipeline(codebook: Codebook):
    """A blank spaCy pipeline (a tokenizer) for the codebook's language."""
    from spacy.util import get_lang_class

    try:
        language = get_lang_class(codebook.language)
    except Exception:  # spaCy raises ImportError or its own errors for unknown codes
        raise InputError(
            codebook.source,
            f"language {codebook.language!r} is not a language spaCy knows "
            "(use a code such as id, en, ms, nl)",
        ) from None
    exceptions = language.Defaults.tokenizer_exceptions
    kept = {k: v for k, v in exceptions.items() if not _HYPHEN_COMPOUND.fullmatch(k)}
    if len(kept) < len(exceptions):
        defaults = type("Defaults", (language.Defaults,), {"tokenizer_exceptions": kept})
        language = type(language.__name__, (language,), {"Defaults": defaults})
    return language()


class SentenceSplitter:
    """spaCy's rule-based Sentencizer rule, computed on the doc's arrays.

    A sentence ends after a run of sentence-final punctuation ('.', '!', '?', ...); the
    next sentence starts at the first token after it that is not punctuation. Same
    rule and punctuation list as spaCy's ``sentencizer``, computed with numpy over many
    docs at once: a Token object per word made sentence splitting cost more than
    tokenising.
    """

    def __init__(self, vocab) -> None:
        from spacy.pipeline import Sentencizer

        self._final = np.array(
            sorted(vocab.strings.add(p) for p in Sentencizer.default_punct_chars), dtype=np.uint64
        )

    def starts_in(self, orths: np.ndarray, punct: np.ndarray, doc_starts: np.ndarray) -> np.ndarray:
        """The first token of each sentence in docs laid end to end.

        ``orths`` and ``punct`` are the docs' ORTH and IS_PUNCT arrays concatenated;
        ``doc_starts`` the (ascending) index where each doc begins. Returns ascending
        indices into the concatenation; a doc always starts a sentence unless it is empty.
        """
        n = len(orths)
        doc_starts = np.asarray(doc_starts, dtype=np.int64)
        final = np.isin(orths, self._final)
        # A word (neither punctuation nor sentence-final) starts a sentence when a final
        # mark stands between it and the word before it in the same doc.
        words = np.flatnonzero(~final & (punct == 0))
        finals_before = np.concatenate(([0], np.cumsum(final)))
        doc_of_word = np.searchsorted(doc_starts, words, side="right") - 1
        previous = np.concatenate(([-1], words[:-1])) + 1
        since = np.maximum(previous, doc_starts[doc_of_word])
        after_final = words[finals_before[words] > finals_before[since]]
        non_empty = doc_starts[doc_starts < np.append(doc_starts[1:], n)]
        return np.sort(np.concatenate((non_empty, after_final)))
