"""Words as the coder sees them: a blank spaCy pipeline and a morphology-aware word key.

Matching compares *keys*, not surface words. A word's key is its lower-case form with
spelling variants mapped to one standard (``antrean`` -> ``antrian``) and clitics removed
(``antriannya`` -> ``antrian``), unless the word is itself a root in the language's
dictionary (``masalah`` keeps its ``-lah``). When the codebook's language has a stemmer
(Sastrawi for Indonesian), a derived word whose root some phrase word comes from takes
that root, marked as derived (``keramahan`` -> ``ramah*``), and spoken forms are read as
written ones (``dibiarin`` as ``dibiarkan``, ``nyuruh`` as ``menyuruh``). A phrase word
written as a root matches the root and its derived forms (``ramah`` finds ``keramahan``);
one written in a derived form matches that form, in writing or speech (``dibiarkan``
finds ``dibiarin``), and, where the codebook also has the root as a phrase word, the
root's other derived forms, but never the bare root: ``berdesakan`` never matches ``desa``
(village), nor ``dibiarkan`` the wish word ``biar``. Which derived forms a phrase uses
never changes how another phrase matches. Derivations through prefixes that change the
meaning (``se-``: ``selama``; ``per-``: ``perbaikan``) are not followed, and known
mis-stems are corrected (``morphology.stems``).

Keys are set on spaCy's lexemes (``NORM``), so spaCy's PhraseMatcher does the matching.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from collections.abc import Iterable
from functools import cached_property

import numpy as np

from ..model import Codebook, Morphology
from ..model.errors import InputError


class _SetDictionary:
    """Sastrawi's dictionary interface over a set (its own list makes stemming O(n))."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = {w.strip() for w in words if w.strip()}

    def contains(self, word: str) -> bool:
        return word in self.words


# Spoken Indonesian says "e" for "a" in a closed last syllable: dateng, deket, seneng.
_SPOKEN_E = re.compile(r"e(?:ng|[^aeiou])$")

#: The key of a derived word whose root a phrase word is ends with this mark, so that a
#: phrase word written as a root (``ramah``) matches the root and its derived forms
#: (``keramahan``) while other words never match the bare root.
DERIVED = "*"


class WordKeys:
    """The key of every word, for one codebook; results are cached per word.

    A word's key does not depend on which *derived* words the codebook's phrases use: a
    phrase written in a derived form never stops another from matching. A derived word
    takes its root's key (marked ``DERIVED``) when some phrase word is that root;
    otherwise it keeps its written form, spoken forms read as written ones
    (``dibiarin`` as ``dibiarkan``), so a derived phrase word matches its own form and
    never another derivation of the root (``diomongin`` is not ``ngomong``).
    ``grammar_words`` (negators, wishes, yes and no...) match as written: they are no
    roots, so they never join a root's derivations under one key.
    """

    def __init__(
        self,
        morphology: Morphology,
        phrase_words: Iterable[str] = (),
        grammar_words: Iterable[str] = (),
    ) -> None:
        self.morphology = morphology
        self.variants = dict(morphology.variants)
        self.stems = dict(morphology.stems)
        # Longest clitic first, so that "-nya" is tried before "-ya" style overlaps.
        self.clitics = tuple(sorted(morphology.clitics, key=len, reverse=True))
        self._cache: dict[str, str] = {}
        self._derived: dict[str, tuple[str, str] | None] = {}
        self.phrase_bases: set[str] = set()
        self.roots: set[str] = set()  # phrase words written as roots
        derived_roots: set[str] = set()
        words = [(w, True) for w in phrase_words] + [(w, False) for w in grammar_words]
        for word, evidence in words:
            base = self.base(word.lower())
            self.phrase_bases.add(base)
            found = (base, base) if self.is_root(base) else self.derivation(base)
            if found and found[0] == found[1] and evidence:
                self.roots.add(found[0])
            elif found:
                derived_roots.add(found[0])
        # A derived word contains its root, save the first letter that a nasal prefix may
        # replace (memuaskan <- puas): words without any such part are never stemmed.
        cores = sorted(
            {root[1:] for root in self.roots | derived_roots if len(root) > 3},
            key=len,
            reverse=True,
        )
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

    def derivation(self, base: str) -> tuple[str, str] | None:
        """``(root, written form)`` of a derived word, or None for a root or an unknown word.

        Derivation through a blocked prefix (``se-``, ``per-``) is no derivation, nor is
        one the codebook's ``morphology.stems`` maps a word to itself. Spoken forms are
        read as the written ones they stand for: the suffix ``-in`` for ``-kan``/``-i``
        (``dibiarin``), a bare nasal prefix for ``me-`` (``nyuruh``, ``ngomel``), and
        ``e`` for ``a`` in the last syllable (``dateng``, ``seneng``).
        """
        if base in self._derived:
            return self._derived[base]
        found = None
        if base in self.stems:
            root = self.stems[base]
            found = (root, base) if root != base else None
        elif self.morphology.stemmer == "sastrawi" and base.isalpha() and not self.is_root(base):
            for form in self._written_forms(base):
                if self.is_root(form):
                    found = (form, form)
                    break
                stem = self.stem(form)
                if stem != form and self.is_root(stem) and not self._blocked(form, stem):
                    found = (stem, form)
                    break
        self._derived[base] = found
        return found

    def _written_forms(self, word: str) -> list[str]:
        """The word, then the written forms a spoken one may stand for."""
        forms = [word]
        if word.endswith("in") and len(word) > 5:
            forms += [word[:-2] + "kan", word[:-2] + "i"]
        if word[:2] in ("ng", "ny") or (
            len(word) > 1 and word[0] in "mn" and word[1] not in "aeiou"
        ):
            forms += ["me" + form for form in list(forms)]
        spoken_e = _SPOKEN_E.search(word)
        if spoken_e and spoken_e.start() > 0:
            forms.append(word[: spoken_e.start()] + "a" + word[spoken_e.start() + 1 :])
        return forms

    def key(self, text: str) -> str:
        """The word's key: a phrase root, a phrase root marked ``DERIVED``, or a written form."""
        lower = text.lower()
        cached = self._cache.get(lower)
        if cached is not None:
            return cached
        key = base = self.base(lower)
        if base not in self.roots and (
            base in self.stems
            or (
                self._may_derive is not None
                and len(base) > 4
                and any(self._may_derive.search(f) for f in self._written_forms(base))
            )
        ):
            found = self.derivation(base)
            if found and is_agent_noun(*found):
                found = None  # "pembantu" (an assistant) is no form of "dibantu"
            if found:
                root, form = found
                # A spoken form of the root itself ("dateng") is the root.
                key = root if form == root else (root + DERIVED if root in self.roots else form)
                if key == form:
                    key = voiceless(root, form)
        self._cache[lower] = key
        return key

    def alternatives(self, key: str) -> tuple[str, ...]:
        """The keys a phrase word of this key matches: a root also matches its derivations."""
        if key in self.roots:
            return (key, key + DERIVED)
        return (key,)

    def _blocked(self, word: str, stem: str) -> bool:
        prefixes = self.morphology.no_derivation_prefixes
        if not prefixes:
            return False
        at = word.find(stem)
        prefix = word[:at] if at > 0 else ""
        return any(prefix.endswith(p) for p in prefixes)


#: Prefixes of a verb's active (``meN-``, its nasal written out) and passive (``di-``) voice.
_VOICE_PREFIXES = ("di", "me", "mem", "men", "meng", "meny", "menge")
#: Marks a key that stands for both voices of a derived verb.
VOICELESS = "~"


#: Prefixes of a noun of the doer or the means (``peN-`` with its nasal written out,
#: ``pe-``): "pembantu" (an assistant), "pelayan" (a waiter), "penjual" (a seller).
_AGENT_PREFIXES = ("pe", "pem", "pen", "peng", "peny", "penge")


def is_agent_noun(root: str, form: str) -> bool:
    """Whether a derived word is the noun of the one who does what its root tells, or of
    the means (``peN-`` and the root, no suffix: "pembantu", "pelayan", "pemandu"): a
    person or a thing, not the event, so no form of a phrase word written as the root
    ("cabang pembantu", a sub-branch, does not say anyone was helped). ``peN-...-an``
    ("pelayanan", service) tells the event and stays a form of it."""
    for core in (root, root[1:]):  # a nasal prefix may replace the root's first letter
        at = form.find(core, 1)
        if at > 0 and form[:at] in _AGENT_PREFIXES and form[at + len(core) :] == "":
            return True
    return False


def voiceless(root: str, form: str) -> str:
    """One key for the active and passive voice of a derived verb: ``membentak`` and
    ``dibentak``, ``menanggapi`` and ``ditanggapi`` (the root and the suffix, marked
    ``VOICELESS``); any other derived form keeps its own.

    The two voices tell the same event, and a codebook from theory is written in one of
    them ("membentak") while people speak in the other ("saya dibentak"). No other
    derivation is followed (``berdesakan`` is still not ``desa``).
    """
    for core in (root, root[1:]):  # a nasal prefix may replace the root's first letter
        at = form.find(core, 1)
        if at > 0 and form[:at] in _VOICE_PREFIXES and (core == root or form[:at] != "di"):
            return root + VOICELESS + form[at + len(core) :]
    return form


# spaCy's exceptions for words such as "abu-abu" or "bolak-balik" (16,000 in Indonesian)
# keep them whole, and loading them costs seconds at every start. The coder reads a
# hyphenated word as its parts in text and in phrases alike, so they are left out.
_HYPHEN_COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")


_SPACY_INFO = "spacy.cli.info"


def import_spacy() -> None:
    """Import spaCy without its command line.

    ``spacy/__init__`` imports ``spacy.cli.info`` for ``spacy.info()``, and with it every
    spaCy command (typer apps, weasel, requests, the training and project tools): about a
    third of spaCy's import time, paid by every ``ektp-qual`` run that codes. A stand-in
    for that one module lets spaCy's import skip them. It is removed once spaCy is
    imported, so ``spacy.info()`` and any later ``import spacy.cli`` load the real ones,
    and a name the stand-in lacks (a newer spaCy) is read from the real module.
    """
    if "spacy" in sys.modules or _SPACY_INFO in sys.modules:
        return

    def info(*args: object, **kwargs: object) -> object:
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    def real_name(name: str) -> object:
        if name.startswith("__"):  # the import system's own probes (__path__, ...)
            raise AttributeError(name)
        if sys.modules.get(_SPACY_INFO) is stand_in:
            del sys.modules[_SPACY_INFO]
        return getattr(importlib.import_module(_SPACY_INFO), name)

    stand_in = types.ModuleType(_SPACY_INFO)
    stand_in.info = info  # type: ignore[attr-defined]
    stand_in.__getattr__ = real_name  # type: ignore[method-assign]
    sys.modules[_SPACY_INFO] = stand_in
    try:
        import spacy  # noqa: F401
    finally:
        if sys.modules.get(_SPACY_INFO) is stand_in:
            del sys.modules[_SPACY_INFO]


def blank_pipeline(codebook: Codebook):
    """A blank spaCy pipeline (a tokenizer) for the codebook's language."""
    import_spacy()
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


# Below this many tokens, membership is looked up in a set: np.isin's fixed cost would
# outweigh the work on the few tokens of a question.
_FEW = 64


def among(values: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Which of ``values`` are among ``members`` (``np.isin``), quick on a few values too."""
    if len(values) > _FEW:
        return np.isin(values, members)
    wanted = set(members.tolist())
    return np.fromiter((v in wanted for v in values.tolist()), dtype=bool, count=len(values))


#: Marks that open a quotation or a bracket when a space stands before them and none after.
OPENING_MARKS = ('"', "'", "“", "‘", "«", "„", "(", "[")


def opening_marks(orths: np.ndarray, idx: np.ndarray, length: np.ndarray, vocab) -> np.ndarray:
    """Which tokens open a quotation or a bracket: an opening mark with a space (or the
    start of the text) before it and the next token right after it."""
    marks = np.array(sorted(vocab.strings.add(m) for m in OPENING_MARKS), dtype=np.uint64)
    n = len(orths)
    ends = idx + length
    spaced_before = np.ones(n, dtype=bool)
    spaced_before[1:] = idx[1:] > ends[:-1]
    joined_after = np.zeros(n, dtype=bool)
    joined_after[:-1] = idx[1:] == ends[:-1]
    return among(orths, marks) & spaced_before & joined_after


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

    @property
    def final_marks(self) -> np.ndarray:
        """The ORTH ids of the marks that end a sentence."""
        return self._final

    def may_span(self, phrase) -> bool:
        """Whether a phrase (a doc) could match the end of one sentence and the start of
        the next: only one that holds a sentence-final mark or whitespace, or opens with
        punctuation, since a final mark always stands between two sentences' words."""
        final = set(self._final.tolist())
        return len(phrase) > 0 and (
            phrase[0].is_punct or any(t.is_space or t.orth in final for t in phrase)
        )

    def starts_in(
        self,
        orths: np.ndarray,
        punct: np.ndarray,
        doc_starts: np.ndarray,
        opening: np.ndarray | None = None,
    ) -> np.ndarray:
        """The first token of each sentence in docs laid end to end.

        ``orths`` and ``punct`` are the docs' ORTH and IS_PUNCT arrays concatenated;
        ``doc_starts`` the (ascending) index where each doc begins. Returns ascending
        indices into the concatenation; a doc always starts a sentence unless it is empty.
        ``opening`` marks tokens that open a quotation or a bracket (see ``opening_marks``):
        one just before a sentence's first word belongs to that sentence, so
        ``... sabar. "Pelan-pelan aja"`` does not leave its quote mark at the end of the
        sentence before.
        """
        n = len(orths)
        doc_starts = np.asarray(doc_starts, dtype=np.int64)
        final = among(orths, self._final)
        # A word (neither punctuation nor sentence-final) starts a sentence when a final
        # mark stands between it and the word before it in the same doc.
        words = np.flatnonzero(~final & (punct == 0))
        finals_before = np.concatenate(([0], np.cumsum(final)))
        doc_of_word = np.searchsorted(doc_starts, words, side="right") - 1
        previous = np.concatenate(([-1], words[:-1])) + 1
        since = np.maximum(previous, doc_starts[doc_of_word])
        starting = finals_before[words] > finals_before[since]
        after_final = words[starting]
        if opening is not None and len(after_final):
            lower = since[starting]
            while True:  # a bracket and a quote may both open ('("Jadi')
                earlier = np.maximum(after_final - 1, lower)
                moves = opening[earlier] & (finals_before[earlier] > finals_before[lower])
                if not moves.any():
                    break
                after_final = np.where(moves, earlier, after_final)
        non_empty = doc_starts[doc_starts < np.append(doc_starts[1:], n)]
        return np.sort(np.concatenate((non_empty, after_final)))
