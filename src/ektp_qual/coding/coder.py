"""Text in, codings out: segmentation, phrase matching, and what the words around a phrase do.

Pure functions of a corpus and a codebook: nothing here prints or touches files.

* Segmentation: each informant turn is split into paragraphs (blank lines) and
  sentences (the rule of spaCy's sentencizer); each sentence is a segment with a stable
  id and its offsets into the transcript body.
* Phrase coding: a codebook phrase matches whole words in order, compared by word key
  (see ``language``); where phrases overlap, the longest wins.
* Clauses: punctuation, clause breaks and words of contrast cut a sentence into clauses;
  the words that change what a phrase means reach to the end of their clause at most:
  a negator flips the next phrase within ``negation_window`` words (and phrases of the
  same polarity coordinated with it), a wish or a subject that is not the service
  (``self``) makes the rest of its clause no evidence, and a word of quantity next to a
  positive phrase makes it a shortage.
* Sentences: where a sentence contrasts two clauses, the one the speaker lands on wins
  for a criterion coded both ways; a problem told with its fix is evidence for the fix,
  not against.
* Questions: every answer carries the interviewer turn it answers. Its topic is the
  criterion that question asks about, kept through prompts that only ask to go on; the
  generic judgements in the answer (``evaluative``) count for that topic, and a short
  answer ("Belum.", "No.") is read against what the question asked.
* One coding per sentence, criterion and polarity, naming every phrase behind it.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from hashlib import sha1
from itertools import product

import numpy as np
import pandas as pd
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, NORM, ORTH

from ..language.words import DERIVED, SentenceSplitter, WordKeys, blank_pipeline, opening_marks
from ..model import (
    CODING_COLUMNS,
    PHRASE_SEPARATOR,
    SEGMENT_COLUMNS,
    Codebook,
    Corpus,
    Transcript,
)
from ..model.errors import InputError

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_WORD = re.compile(r"[^\W\d_]+")
_NEWLINE = re.compile("\n")
# Punctuation that does not end a clause: word-internal hyphens and quotes.
_SCOPE_TRANSPARENT = {"-", "'", '"', "“", "”", "‘", "’"}
# Minimum share of a question's informative words that a criterion must account for.
TOPIC_MIN_SCORE = 0.4
# How many words may stand between a word of quantity and the phrase it makes a shortage.
QUANTITY_REACH = 3
_BATCH = 1000
#: The longest paragraph (and phrase) read, in characters. spaCy's default limit is a
#: million; a paragraph longer than this is a transcript without paragraph breaks.
MAX_PARAGRAPH = 5_000_000
# What the coder reads of each token, in this order (see ``_Tokens``).
_TOKEN_ATTRS = [ORTH, IS_PUNCT, IS_SPACE, IDX, LENGTH]
# Rule kinds that mark words around evidence rather than code it, with the codebook
# list each comes from.
_MARKER_LISTS = {
    "negator": "negators",
    "irrealis": "irrealis",
    "clause_break": "clause_breaks",
    "contrast_following": "contrast_following",
    "contrast_conceding": "contrast_conceding",
    "remedy": "remedy",
    "self": "self",
    "quantity_before": "quantity_before",
    "quantity_after": "quantity_after",
}
_MARKERS = tuple(_MARKER_LISTS)
# Markers that still count inside a matched phrase: "diperbaiki" may be recovery
# evidence and tell a fix at once. The others belong to the phrase ("tidak ada pungli").
_KEPT_IN_PHRASES = {"remedy", "self"}
# A negator between the words of a phrase matched with a gap negates it.
_KEPT_IN_GAPS = {"negator", *_KEPT_IN_PHRASES}
# Markers that begin a new clause.
_CLAUSE_STARTS = {"clause_break", "contrast_following", "contrast_conceding"}
# Which method stands first when a sentence codes a criterion and polarity several ways.
_METHOD_RANK = {"phrase": 0, "negated phrase": 1, "answer": 2, "structural": 3}
#: Why a phrase that matched did not code as written (see ``CodingResult.changes``).
CHANGE_COLUMNS = ["segment_id", "informant", "criterion", "polarity", "phrase", "change", "word"]

# Rows are built by column name, so reordering a table's columns can never mislabel data.
_SegmentRow = namedtuple("_SegmentRow", SEGMENT_COLUMNS)
_CodingRow = namedtuple("_CodingRow", CODING_COLUMNS)
_ChangeRow = namedtuple("_ChangeRow", CHANGE_COLUMNS)


@dataclass(frozen=True)
class _Rule:
    kind: str  # "criterion", "evaluative", "ignore", or one of _MARKERS
    criterion: str
    polarity: str
    phrase: str


@dataclass
class CodingResult:
    """The segments of a corpus and the codings found in them."""

    segments: pd.DataFrame
    codings: pd.DataFrame
    codebook: Codebook
    # (criterion id or "evaluative", polarity, phrase) -> the phrase that codes for it:
    # spellings that read the same are one rule, named by the first of them.
    readings: dict[tuple[str, str, str], str] = field(default_factory=dict)
    #: Phrases that matched but did not code as written, and why (``CHANGE_COLUMNS``):
    #: a wish, a subject that is not the service, a contrast, a fix, a shortage.
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))

    def unmatched_phrases(self) -> pd.DataFrame:
        """Codebook phrases that coded nothing: columns ``list``, ``polarity``, ``phrase``."""
        fired: set[tuple[str, str]] = set()
        for method, criterion, phrases in zip(
            self.codings["method"].to_numpy(),
            self.codings["criterion"].to_numpy(),
            self.codings["phrases"].to_numpy(),
            strict=True,
        ):
            name = "evaluative" if method == "structural" else criterion
            fired.update((name, p) for p in str(phrases).split(PHRASE_SEPARATOR))
        book = self.codebook
        lists = [(c.id, "positive", c.positive) for c in book.criteria]
        lists += [(c.id, "negative", c.negative) for c in book.criteria]
        lists += [("evaluative", "positive", book.evaluative_positive)]
        lists += [("evaluative", "negative", book.evaluative_negative)]
        order = {c.id: i for i, c in enumerate(book.criteria)}
        rows = [
            (name, polarity, phrase)
            for name, polarity, phrases in sorted(
                lists, key=lambda x: (order.get(x[0], len(order)), x[1] == "negative")
            )
            for phrase in phrases
            if (name, self.readings.get((name, polarity, phrase), phrase)) not in fired
        ]
        return pd.DataFrame(rows, columns=["list", "polarity", "phrase"])


@dataclass(slots=True)
class _Judgement:
    """What one matched phrase (or a short answer) says, once the words around it are read."""

    start: int  # token span in the doc
    end: int
    rule: _Rule
    criterion: str
    polarity: str
    method: str
    negator: str = ""
    origin: str = ""
    matched: str = ""
    clause: int = 0
    change: str = ""  # why it is not evidence as written ("" when it is)
    word: str = ""  # the word that made the change

    @classmethod
    def of(cls, start: int, end: int, rule: _Rule, topic: str, matched: str) -> _Judgement:
        """A phrase as written: a criterion's, or a generic judgement about the topic."""
        if rule.kind == "evaluative":
            origin = f"evaluative.{rule.polarity} in an answer about {topic}"
            return cls(start, end, rule, topic, rule.polarity, "structural", "", origin, matched)
        origin = f"{rule.criterion}.{rule.polarity}"
        return cls(start, end, rule, rule.criterion, rule.polarity, "phrase", "", origin, matched)


class Coder:
    """Codes transcripts against one codebook. Build once, reuse for many corpora."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.nlp = blank_pipeline(codebook)
        self.nlp.max_length = MAX_PARAGRAPH + 1
        self.sentences = SentenceSplitter(self.nlp.vocab)
        talk = codebook.discourse
        phrases = [
            *(p for c in codebook.criteria for p in (*c.positive, *c.negative)),
            *codebook.evaluative_positive,
            *codebook.evaluative_negative,
            *codebook.ignore,
            *(p for kind in _MARKERS for p in self._marker_words(kind)),
            *talk.affirm,
            *talk.deny,
            *talk.fillers,
            *talk.follow_ups,
            *talk.question_words,
        ]
        self._phrase_words = [t.text for p in phrases for t in self.nlp.make_doc(p) if t.is_alpha]
        self.keys = WordKeys(codebook.morphology, self._phrase_words)
        strings = self.nlp.vocab.strings
        self._clitic_tokens = {strings.add(f"-{c}") for c in self.keys.clitics}
        self._clitic_text = (
            re.compile("|".join(re.escape(f"-{c}") for c in self.keys.clitics), re.IGNORECASE)
            if self.keys.clitics
            else None
        )
        self._keyed: set[int] = set()
        self._questions: dict[str, _Question] = {}
        self._rules: dict[int, _Rule] = {}
        # Phrases of several words, by the key of their first word, for matches with words
        # between them ("antriannya luar biasa panjang" for "antrian panjang").
        self._loose: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        self.readings: dict[tuple[str, str, str], str] = {}
        self._build_matcher()
        self._loose_firsts = np.array(sorted(self._loose), dtype=np.uint64)
        strings = self.nlp.vocab.strings
        self._root_of = {strings.add(r + DERIVED): strings.add(r) for r in self.keys.roots}
        self._marker_kinds = {i: r.kind for i, r in self._rules.items() if r.kind in _MARKER_LISTS}
        self._transparent = {strings.add(w) for w in _SCOPE_TRANSPARENT}
        self._transparent_ids = np.array(sorted(self._transparent), dtype=np.uint64)
        self._sha = codebook.sha256[:12]

    def _marker_words(self, kind: str) -> tuple[str, ...]:
        name = _MARKER_LISTS[kind]
        if name in ("negators", "irrealis", "clause_breaks"):
            return getattr(self.codebook, name)
        return getattr(self.codebook.discourse, name)

    def _key_words(self, docs) -> None:
        """Give every new word of ``docs`` its key, which the matcher compares (NORM)."""
        self._key_orths(np.concatenate([doc.to_array([ORTH]) for doc in docs] or [[]]))

    def _norms(self, orths: np.ndarray) -> np.ndarray:
        """The word key (NORM id) of each token, from its ORTH id."""
        unique, inverse = np.unique(orths, return_inverse=True)
        vocab = self.nlp.vocab
        keys = np.array([vocab[o].norm for o in unique.tolist()], dtype=np.uint64)
        return keys[inverse] if len(orths) else np.zeros(0, dtype=np.uint64)

    def _key_orths(self, orths: np.ndarray) -> None:
        """Key every word among ``orths`` (ORTH ids) not keyed before."""
        vocab = self.nlp.vocab
        for orth in set(np.unique(orths).tolist()) - self._keyed:
            self._keyed.add(orth)
            lexeme = vocab[orth]
            key = self.keys.key(lexeme.orth_)
            if key != lexeme.norm_:
                lexeme.norm_ = key

    def _build_matcher(self) -> None:
        from spacy.matcher import PhraseMatcher

        cb = self.codebook
        entries: list[_Rule] = []
        for c in cb.criteria:
            entries += [_Rule("criterion", c.id, "positive", p) for p in c.positive]
            entries += [_Rule("criterion", c.id, "negative", p) for p in c.negative]
        entries += [_Rule("evaluative", "", "positive", p) for p in cb.evaluative_positive]
        entries += [_Rule("evaluative", "", "negative", p) for p in cb.evaluative_negative]
        entries += [_Rule("ignore", "", "", p) for p in cb.ignore]
        for kind in _MARKERS:
            entries += [_Rule(kind, "", "", p) for p in self._marker_words(kind)]
        talk = cb.discourse
        answers = [_Rule("affirm", "", "", p) for p in talk.affirm]
        answers += [_Rule("deny", "", "", p) for p in talk.deny]
        answers += [_Rule("filler", "", "", p) for p in talk.fillers]
        answers += [_Rule("follow_up", "", "", p) for p in talk.follow_ups]
        answers += [_Rule("question_word", "", "", p) for p in talk.question_words]
        docs = [self.nlp.make_doc(rule.phrase) for rule in entries]
        answer_docs = [self.nlp.make_doc(rule.phrase) for rule in answers]
        self._key_words(docs + answer_docs)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        first: dict[tuple, str] = {}
        for rule, doc in zip(entries, docs, strict=True):
            # Spellings that read the same ("nggak ada kursi", "tidak ada kursi") are one rule.
            reading = (rule.kind, rule.criterion, rule.polarity, *(t.norm for t in doc))
            name_of = rule.criterion or rule.kind
            self.readings[(name_of, rule.polarity, rule.phrase)] = first.setdefault(
                reading, rule.phrase
            )
            if first[reading] != rule.phrase:
                continue
            self._add(self.matcher, rule, doc)
        # A phrase that holds a negator or another marker ("tidak jalan") says exactly
        # what it says: only phrases of content words match with words between them.
        marker_keys = {
            doc[0].norm
            for rule, doc in zip(entries, docs, strict=True)
            if rule.kind in _MARKER_LISTS and len(doc) == 1
        }
        self._loose = {
            first: kept
            for first, phrases in self._loose.items()
            if (kept := [p for p in phrases if not any(marker_keys & k for k in p[1])])
        }
        # Answer words are looked up only in questions and the first words of answers.
        self.answer_matcher = PhraseMatcher(self.nlp.vocab, attr="NORM")
        for rule, doc in zip(answers, answer_docs, strict=True):
            self._add(self.answer_matcher, rule, doc)

    def _add(self, matcher, rule: _Rule, doc) -> None:
        """Add a phrase; a word written as a root also matches the root's derived forms."""
        from spacy.tokens import Doc

        name = "\x1f".join((rule.kind, rule.criterion, rule.polarity, rule.phrase))
        match_id = self.nlp.vocab.strings.add(name)
        self._rules[match_id] = rule
        options = [self.keys.alternatives(t.norm_) for t in doc]
        patterns = [doc] if all(len(o) == 1 for o in options) else []
        for norms in product(*options) if not patterns else ():
            pattern = Doc(self.nlp.vocab, words=[t.text for t in doc])
            for token, norm in zip(pattern, norms, strict=True):
                token.norm_ = norm
            patterns.append(pattern)
        matcher.add(name, patterns)
        if (
            matcher is self.matcher
            and rule.kind in ("criterion", "evaluative")
            and len(doc) > 1
            and all(t.is_alpha for t in doc)
            and not doc[0].is_stop
        ):
            strings = self.nlp.vocab.strings
            keys = tuple(frozenset(strings.add(k) for k in keys) for keys in options)
            # The later words a doc must hold at all, by their first key (a root for a
            # root and its derived forms: see ``_present``).
            later = frozenset(strings.add(k[0]) for k in options[1:])
            for first in keys[0]:
                self._loose.setdefault(first, []).append((match_id, keys, later))

    # -- search ------------------------------------------------------------------------

    def find(self, phrase: str, texts: Iterable[str]) -> list[list[tuple[int, int]]]:
        """Where ``phrase`` occurs in each text, matched as the coder matches a codebook phrase.

        Same tokenisation, clitic merging and word keys as coding, with the phrase's words
        counted among the codebook's, as if it were added to it: a root the codebook does
        not use (``layan``) still finds its derived forms (``dilayani``). For a phrase
        whose words the codebook has, the keys are exactly the coder's; up to
        ``phrase_gap`` words may stand between its words, within a clause. Every
        occurrence counts, also where the coder would prefer a longer overlapping phrase
        or the ``ignore`` list. Returns ``(start, end)`` character offsets into each text.
        """
        pattern = self.nlp.make_doc(" ".join(phrase.split()))
        if all(t.is_punct or t.is_space for t in pattern):
            raise ValueError(f"phrase {phrase!r} has no words to search for")
        keys = self._keys_with([t.text for t in pattern if t.is_alpha])
        wanted = [set(keys.alternatives(keys.key(t.text))) for t in pattern]
        gap = self.codebook.phrase_gap if all(t.is_alpha for t in pattern) else 0
        found = []
        for doc in self.nlp.pipe(map(_unwrapped, texts)):
            doc = self._merge_clitics(doc)
            words = [keys.key(t.text) for t in doc]
            spans = []
            for i, word in enumerate(words):
                if word not in wanted[0]:
                    continue
                at = i
                for options in wanted[1:]:
                    reach = range(at + 1, min(at + 2 + gap, len(words)))
                    after = next((j for j in reach if words[j] in options), -1)
                    if after < 0 or any(doc[t].is_punct for t in range(at + 1, after)):
                        at = -1
                        break
                    at = after
                if at >= 0:
                    spans.append((doc[i].idx, doc[at].idx + len(doc[at])))
            found.append(spans)
        return found

    def _keys_with(self, words: list[str]) -> WordKeys:
        """The coder's word keys, extended by phrase words the codebook does not have."""
        new = [w for w in words if self.keys.base(w.lower()) not in self.keys.phrase_bases]
        if not new:
            return self.keys
        return WordKeys(self.codebook.morphology, [*self._phrase_words, *new])

    # -- structural coding -------------------------------------------------------------

    def _question_words(self, text: str) -> list[tuple[str, str]]:
        """(key, criterion whose phrase covers the word or "") for each telling word.

        Left out: spans of the codebook's ``ignore`` list (place names, "terima kasih") and
        the language's function words (spaCy's stop words), unless a codebook phrase
        covers them ("sudah jadi"): with a handful of guide questions per criterion, a
        word like "kalau" would otherwise look telling just by where it happens to stand.
        """
        doc = self.nlp.make_doc(text)
        self._key_words([doc])
        matches, ignored, _ = self._resolve(doc, self._loose_inputs(doc))
        covered = {
            i: rule.criterion
            for start, end, rule in matches
            if rule.kind == "criterion"
            for i in range(start, end)
        }
        stop = self.nlp.Defaults.stop_words
        return [
            (t.norm_.removesuffix(DERIVED), covered.get(t.i, ""))
            for t in doc
            if t.is_alpha
            and len(t.text) > 2
            and t.i not in ignored
            and (t.i in covered or (t.lower_ not in stop and t.norm_ not in stop))
        ]

    @cached_property
    def _topic_model(self) -> tuple[dict[str, set[str]], dict[str, float]]:
        """Per criterion, the words of its guide questions, labels and definition, and idf.

        The definition brings the wordings a guide question may not use ("sesuai janji",
        "nama baik"); words every criterion shares weigh nothing.
        """
        words: dict[str, set[str]] = {}
        for c in self.codebook.criteria:
            words[c.id] = {
                key
                for text in (*c.questions, c.label, c.label_en, c.definition)
                for key, _ in self._question_words(text)
            }
        n = len(words)
        df = Counter(k for w in words.values() for k in w)
        idf = {k: math.log((n + 1) / count) for k, count in df.items()}
        return words, idf

    def question_topic(self, question: str) -> tuple[str | None, float]:
        """The criterion a question asks about, with its score.

        The score of a criterion is the share of the question's information (idf) carried
        by words of that criterion's guide questions, labels and definition, with words
        that only its phrases cover counting half. Returns ``(None, score)`` when no
        criterion clearly leads: a question about something else has no topic, rather
        than a guessed one.
        """
        words, idf = self._topic_model
        found = list(dict(self._question_words(question)).items())
        unknown = math.log(len(words) + 1) / 2
        weight = {k: idf.get(k, unknown) for k, _ in found}
        total = sum(weight.values())
        if total <= 0:
            return None, 0.0
        scores = sorted(
            (
                (
                    sum(
                        w if k in words[cid] else w / 2
                        for (k, c), w in zip(found, weight.values(), strict=True)
                        if c == cid or k in words[cid]
                    )
                    / total,
                    cid,
                )
                for cid in words
            ),
            reverse=True,
        )
        best, cid = scores[0]
        runner_up = scores[1][0] if len(scores) > 1 else 0.0
        if best >= TOPIC_MIN_SCORE and best > runner_up:
            return cid, best
        return None, best

    def read_question(self, question: str, previous_answer: str = "") -> _Question:
        """What an interviewer turn asks: a prompt to go on, or a topic and what it proposes.

        A prompt to go on ("Terus?", "Maksudnya?", "Oh ya?", or words echoing the answer
        before it, "Tiga kali?") keeps the topic of the question before it; any other
        question sets its own topic, or none. What it proposes (``cues``) is the
        criterion and polarity of the phrases it asks about ("Sudah tepat waktu?"), so a
        short answer can be read against it.
        """
        found = self._questions.get(question)
        if found is None:
            found = self._questions[question] = self._read_question(question)
        if (
            not found.follow_up
            and all(w in previous_answer.lower() for w in found.asks)  # cheap first look
            and found.asks <= _words_of(previous_answer)
        ):
            return _Question(follow_up=True)
        return found

    def _read_question(self, question: str) -> _Question:
        """``read_question`` without the answer before it, remembered: guides repeat."""
        doc = self._merge_clitics(self.nlp.make_doc(_unwrapped(question)))
        self._key_words([doc])
        prompt = self._covered(doc, 0, len(doc), ("follow_up", "filler"))
        asks = frozenset(t.lower_ for t in doc if t.is_alpha and t.i not in prompt)
        if not asks:
            return _Question(follow_up=any(t.is_alpha for t in doc))
        topic, _ = self.question_topic(question)
        tokens = _Tokens([doc], self._transparent_ids)
        matches, ignored, markers = self._resolve(doc, self._loose_inputs(doc))
        # What is proposed is in the question itself, the turn's last sentence: not in
        # what the interviewer said before asking it ("Saya lagi penelitian, ...").
        starts = self.sentences.starts_in(
            tokens.orth, tokens.punct, tokens.doc_starts, self._opening(tokens)
        )
        last = int(starts[-1]) if len(starts) else 0
        asked = [m for m in matches if m[0] >= last]
        judged = self._judge(tokens, 0, last, len(doc), question, asked, markers, ignored, topic)
        cues: dict[str, set[str]] = {}
        negated = False
        for j in judged:
            if j.change or not j.criterion:
                continue
            cues.setdefault(j.criterion, set()).add(j.polarity)
            negated = negated or bool(j.negator)
        open_question = bool(self._covered(doc, last, len(doc), ("question_word",)))
        if open_question or negated or any(len(p) > 1 for p in cues.values()):
            # "Nggak repot?" is answered "Nggak" for "not troublesome": a question that
            # negates what it asks, asks both ways, or asks how rather than whether, gives
            # no reading of a bare yes or no.
            cues = {}
        return _Question(
            topic=topic or "",
            cues=tuple((c, p.pop()) for c, p in cues.items()),
            cue_words=PHRASE_SEPARATOR.join(dict.fromkeys(j.matched for j in judged if j.matched)),
            asks=asks,
        )

    def _covered(self, doc, start: int, end: int, kinds: tuple[str, ...]) -> dict[int, set[str]]:
        """Tokens of ``doc[start:end]`` that answer words of ``kinds`` cover, with their kinds."""
        covered: dict[int, set[str]] = {}
        for match_id, m_start, m_end in self.answer_matcher(doc[start:end]):
            kind = self._rules[match_id].kind
            if kind in kinds:
                for i in range(start + m_start, start + m_end):
                    covered.setdefault(i, set()).add(kind)
        return covered

    # -- coding ------------------------------------------------------------------------

    def code(self, corpus: Corpus) -> CodingResult:
        """Segment and code every informant turn of the corpus."""
        units = list(self._units(corpus))
        for unit in units:
            if len(unit.text) > MAX_PARAGRAPH:
                transcript = unit.transcript
                raise InputError(
                    transcript.source,
                    f"a paragraph of {len(unit.text):,} characters is longer than ektp-qual "
                    f"reads ({MAX_PARAGRAPH:,}); break the text into turns or paragraphs",
                    _Occurrences(transcript).line(unit.offset),
                )
        segment_rows: list[_SegmentRow] = []
        coding_rows: list[_CodingRow] = []
        change_rows: list[_ChangeRow] = []
        occurrences: dict[str, _Occurrences] = {}
        for start in range(0, len(units), _BATCH):
            batch = units[start : start + _BATCH]
            texts = [_unwrapped(unit.text) for unit in batch]
            docs = [
                self._merge_clitics(doc, text)
                for doc, text in zip(self.nlp.pipe(texts), texts, strict=True)
            ]
            tokens = _Tokens(docs, self._transparent_ids)
            self._key_orths(tokens.orth)
            norms = self._norms(tokens.orth)
            starts = np.flatnonzero(np.isin(norms, self._loose_firsts))
            cut = np.searchsorted(starts, tokens.doc_starts).tolist()
            starts = starts.tolist()
            norms = norms.tolist()
            firsts = self.sentences.starts_in(
                tokens.orth, tokens.punct, tokens.doc_starts, self._opening(tokens)
            )
            bounds = np.searchsorted(firsts, tokens.doc_starts).tolist()
            firsts = firsts.tolist()
            for k, (unit, doc) in enumerate(zip(batch, docs, strict=True)):
                transcript = unit.transcript
                found = occurrences.get(transcript.informant)
                if found is None:
                    found = occurrences[transcript.informant] = _Occurrences(transcript)
                sentences = firsts[bounds[k] : bounds[k + 1]]
                at, stop = tokens.starts[k], tokens.starts[k + 1]
                loose = (
                    norms[at:stop],
                    tokens.punct_list[at:stop],
                    [i - at for i in starts[cut[k] : cut[k + 1]]],
                )
                self._code_doc(
                    unit,
                    doc,
                    tokens,
                    k,
                    sentences,
                    found,
                    loose,
                    segment_rows,
                    coding_rows,
                    change_rows,
                )
        segments = pd.DataFrame(segment_rows, columns=SEGMENT_COLUMNS)
        codings = pd.DataFrame(coding_rows, columns=CODING_COLUMNS)
        codings["negated"] = codings["negated"].astype(bool)
        changes = pd.DataFrame(change_rows, columns=CHANGE_COLUMNS)
        return CodingResult(segments, codings, self.codebook, self.readings, changes)

    def _units(self, corpus: Corpus):
        """Each paragraph of an informant turn, with the question it answers."""
        for transcript in corpus.transcripts:
            asked = _Question()
            question, topic, answer = "", "", ""
            informant_turn = 0
            for turn in transcript.turns:
                if turn.is_interviewer:
                    asked = self.read_question(turn.text, answer)
                    question = " ".join(turn.text.split())
                    if not asked.follow_up:
                        topic = asked.topic
                    answer = ""
                    continue
                informant_turn += 1
                first = not answer
                answer = turn.text
                for n, (offset, text) in enumerate(_paragraphs(turn.text, turn.start)):
                    yield _Unit(
                        transcript,
                        informant_turn,
                        question,
                        topic,
                        asked if first and n == 0 else None,
                        offset,
                        text,
                    )

    def _opening(self, tokens: _Tokens) -> np.ndarray:
        """The tokens that open a quotation or bracket, for the sentence splitter."""
        return opening_marks(tokens.orth, *tokens.offsets, self.nlp.vocab)

    def _code_doc(
        self,
        unit: _Unit,
        doc,
        tokens: _Tokens,
        k: int,
        firsts: list[int],
        occurrences: _Occurrences,
        loose: tuple,
        segment_rows: list,
        coding_rows: list,
        change_rows: list,
    ) -> None:
        """Segments and codings of one paragraph, the ``k``-th doc of ``tokens``.

        Token indices are into the batch's concatenated arrays; ``firsts`` are the first
        tokens of the doc's sentences.
        """
        transcript, turn_no, text, offset = unit.transcript, unit.turn, unit.text, unit.offset
        informant, role = transcript.informant, transcript.role
        at = tokens.starts[k]
        matches, ignored, markers = self._resolve(doc, loose)
        idx, length = tokens.idx, tokens.length
        bounds = [*firsts, tokens.starts[k + 1]]
        number = occurrences.sentences.get(turn_no, 0)
        # The paragraph lies within one turn: its lines follow from the first one's.
        first_line = occurrences.line(offset)
        local = [first - at for first in firsts]
        for s, first in enumerate(firsts):
            last = bounds[s + 1] - 1
            raw = text[idx[first] : idx[last] + length[last]]
            stripped = raw.strip()
            if not stripped:
                continue
            number += 1
            begin = idx[first] + len(raw) - len(raw.lstrip())
            start = offset + begin
            end = start + len(stripped)
            segment_id = occurrences.segment_id(stripped)
            segment_rows.append(
                _SegmentRow(
                    segment_id=segment_id,
                    informant=informant,
                    role=role,
                    turn=turn_no,
                    sentence=number,
                    line=first_line + text.count("\n", 0, begin),
                    start=start,
                    end=end,
                    text=stripped,
                    question=unit.question,
                    topic=unit.topic,
                )
            )
            a, b = local[s], bounds[s + 1] - at
            lo, hi = bisect_left(matches, (a,)), bisect_left(matches, (b,))
            asked = unit.asked if number == 1 else None
            if lo == hi and asked is None:
                continue
            judged = self._judge(
                tokens, at, a, b, text, matches[lo:hi], markers, ignored, unit.topic
            )
            if asked is not None and asked.cues:
                judged += self._short_answer(doc, tokens, at, a, b, text, judged, asked)
            for j in judged:
                if j.change:
                    change_rows.append(
                        _ChangeRow(
                            segment_id=segment_id,
                            informant=informant,
                            criterion=j.criterion,
                            polarity=j.polarity,
                            phrase=j.rule.phrase,
                            change=j.change,
                            word=j.word,
                        )
                    )
            for j, phrases, matched, origins in _one_per_code(judged):
                coding_rows.append(
                    _CodingRow(
                        segment_id=segment_id,
                        informant=informant,
                        role=role,
                        criterion=j.criterion,
                        polarity=j.polarity,
                        method=j.method,
                        phrase=j.rule.phrase,
                        phrases=phrases,
                        negated=bool(j.negator),
                        start=start,
                        end=end,
                        text=stripped,
                        negator=j.negator,
                        matched=matched,
                        rule=origins,
                        codebook_sha256=self._sha,
                    )
                )
        occurrences.sentences[turn_no] = number

    def _judge(
        self,
        tokens: _Tokens,
        at: int,
        a: int,
        b: int,
        text: str,
        matches: list[tuple[int, int, _Rule]],
        markers: list[tuple[int, int, str]],
        ignored: set[int],
        topic: str,
    ) -> list[_Judgement]:
        """What each phrase matched in the sentence ``[a, b)`` of a doc says, read in context.

        ``a``, ``b``, match and marker spans count tokens in the doc, which begins at token
        ``at`` of ``tokens``; ``text`` is the doc's text as written.
        """
        judged = [
            _Judgement.of(m_start, m_end, rule, topic, tokens.said(text, at, m_start, m_end, True))
            for m_start, m_end, rule in matches
            if topic or rule.kind != "evaluative"
        ]
        here = markers[bisect_left(markers, (a,)) : bisect_left(markers, (b,))]
        if not here:  # nothing around the phrases to weigh: each says what it says
            return judged
        cuts_before, words_before = tokens.cuts_before, tokens.words_before
        opening = [m[0] for m in here if m[2] in _CLAUSE_STARTS]

        def clause(i: int) -> int:
            """The clause of token ``i``: punctuation and clause-opening words cut them."""
            return cuts_before[at + i] + bisect_right(opening, i)

        def words(i: int, j: int) -> int:
            """Words from token ``i`` up to token ``j``."""
            return words_before[at + j] - words_before[at + i]

        def said(start: int, end: int) -> str:
            return tokens.said(text, at, start, end)

        window = self.codebook.negation_window
        for n, j in enumerate(judged):
            j.clause = c = clause(j.start)
            before = [m for m in here if m[1] <= j.start and clause(m[0]) == c]
            for kind, change in (("irrealis", "wish"), ("self", "not about the service")):
                found = [m for m in before if m[2] == kind]
                if found:
                    j.change, j.word = change, said(found[-1][0], found[-1][1])
            if j.change:
                continue
            negator = self._negator(j, judged[:n], before, window, words, ignored)
            if negator is None:  # one between the words of a phrase matched with a gap
                negator = next(
                    (m for m in here if m[2] == "negator" and j.start < m[0] < j.end), None
                )
            if negator is not None:
                j.negator = said(negator[0], negator[1])
                j.polarity = _flipped(j.polarity)
                if j.method == "phrase":
                    j.method = "negated phrase"
                j.origin += f", negated by {j.negator!r}"
            elif j.polarity == "positive":
                short = self._shortage(j.start, j.end, here, c, clause, words)
                if short is not None:
                    j.polarity = "negative"
                    j.word = said(short[0], short[1])
                    j.origin += f", a shortage by {j.word!r}"
        _weigh_contrast(judged, here, clause, said)
        _weigh_remedies(judged, here, clause, said)
        return judged

    def _negator(self, j, judged, before, window, words, ignored):
        """The negator that reaches the match of ``j``, if any, as its marker span.

        The nearest negator before the phrase, within ``window`` words and the clause; a
        phrase between them takes the negator for itself, unless it is of the same
        polarity and only joined to this one ("tidak bersih dan rapi"): "nggak bersih
        dan bau" leaves "bau" negative.
        """
        negators = [m for m in before if m[2] == "negator"]
        if not negators:
            return None
        negator = negators[-1]
        previous = [p for p in judged if negator[1] <= p.end <= j.start and p.clause == j.clause]
        if previous:
            p = previous[-1]
            if p.negator and p.rule.polarity == j.rule.polarity and words(p.end, j.start) <= 1:
                return negator
            return None
        gap = words(negator[1], j.start) - sum(
            1 for i in range(negator[1], j.start) if i in ignored
        )
        return negator if gap <= window - 1 else None

    def _shortage(self, m_start, m_end, here, c, clause, words):
        """A word of quantity right before or after a positive phrase: "tendanya cuma satu"."""
        for q_start, q_end, kind in here:
            if clause(q_start) != c:
                continue
            if (
                kind == "quantity_after"
                and q_start >= m_end
                and words(m_end, q_start) <= (QUANTITY_REACH)
            ):
                return q_start, q_end
            if (
                kind == "quantity_before"
                and q_end <= m_start
                and words(q_end, m_start) <= (QUANTITY_REACH)
            ):
                return q_start, q_end
        return None

    def _short_answer(self, doc, tokens, at, a, b, text, judged, asked: _Question):
        """A short answer ("Belum.", "Nggak kok.", "No.") read against what its question asked.

        The clauses that open an answer's first sentence, as long as they hold nothing but
        words that say yes or no, particles and forms of address, and no evidence of their
        own: yes keeps what the question proposed, no turns it round.
        """
        punct, space = tokens.punct_list, tokens.space_list
        covered = self._covered(doc, a, b, ("affirm", "deny", "filler"))
        kinds: set[str] = set()
        clause_kinds: set[str] = set()
        end = a
        for i in range(a, b + 1):
            if i == b or (punct[at + i] and not space[at + i]):
                kinds |= clause_kinds
                end = min(i + 1, b)
                clause_kinds = set()
                continue
            if space[at + i]:
                continue
            if i not in covered:
                break
            clause_kinds |= covered[i]
        if any(j.start < end for j in judged):
            return []
        if "deny" in kinds:
            yes = False
        elif "affirm" in kinds:
            yes = True
        else:
            return []
        words = tokens.said(text, at, a, end).rstrip(" ,.;:!?")
        rule = _Rule("answer", "", "", words)
        found = []
        for criterion, proposed in asked.cues:
            polarity = proposed if yes else _flipped(proposed)
            j = _Judgement(a, end, rule, criterion, polarity, "answer", matched=words)
            j.origin = (
                f"answer {words!r} to a question proposing {criterion}.{proposed} "
                f"({asked.cue_words!r})"
            )
            found.append(j)
        return found

    def _merge_clitics(self, doc, text: str | None = None):
        """Join a split-off clitic ("KTP", "-nya") to its word, so phrases see one word.

        ``text``, the doc's text if at hand, spares the search where no clitic is
        written after a hyphen.
        """
        if text is not None and (self._clitic_text is None or not self._clitic_text.search(text)):
            return doc
        clitics = self._clitic_tokens
        spans = [
            doc[i - 1 : i + 1]
            for i, lower in enumerate(doc.to_array(LOWER).tolist())
            if lower in clitics and i > 0 and not doc[i - 1].whitespace_
        ]
        if spans:
            with doc.retokenize() as retokenizer:
                for span in spans:
                    retokenizer.merge(span)
        return doc

    def _resolve(self, doc, loose: tuple | None = None):
        """Evidence matches (longest first where they overlap), ignored tokens, and markers.

        Evidence is ``(start, end, rule)``; a phrase of several words also matches with up
        to ``phrase_gap`` other words between its words (``loose``: the doc's word keys,
        punctuation flags and the positions where such a phrase's first word stands),
        but never across punctuation, a marker or other evidence; where matches overlap,
        the one with more phrase words wins, then the one without gaps.

        Markers (negators, wishes, clause breaks, contrast, fixes, subjects, quantity) are
        ``(start, end, kind)``, sorted, the longest winning where they overlap. One inside
        an ``ignore`` phrase ("tidak apa-apa") is no marker, nor, save a fix or a
        subject, one inside a matched phrase ("tidak ada pungli").
        """
        by_span: dict[tuple[int, int, int], list[_Rule]] = {}
        found_markers: dict[tuple[int, int], list[str]] = {}
        rules = self._rules
        marker_kinds = self._marker_kinds
        for match_id, start, end in self.matcher(doc):
            kind = marker_kinds.get(match_id)
            if kind is not None:
                found_markers.setdefault((start, end), []).append(kind)
            else:
                by_span.setdefault((start, end, end - start), []).append(rules[match_id])
        if loose is not None and loose[2] and self.codebook.phrase_gap:
            for match_id, start, end, size in self._loose_matches(*loose, by_span, found_markers):
                by_span.setdefault((start, end, size), []).append(rules[match_id])
        if not by_span:  # markers only matter around evidence
            return [], set(), []
        n = len(doc)
        taken, in_phrase, gapped, marked = bytearray(n), bytearray(n), bytearray(n), bytearray(n)
        kept: list[tuple[int, int, _Rule]] = []
        ignored: set[int] = set()
        for (start, end, size), span_rules in sorted(
            by_span.items(), key=lambda s: (-s[0][2], s[0][1] - s[0][0], s[0])
        ):
            if 1 in taken[start:end]:
                continue
            ones = b"\x01" * (end - start)
            taken[start:end] = ones
            evidence = [(start, end, r) for r in span_rules if r.kind != "ignore"]
            kept += evidence
            if evidence:
                in_phrase[start:end] = ones
                if size < end - start:
                    gapped[start:end] = ones
            if len(evidence) < len(span_rules):
                ignored.update(range(start, end))
        kept.sort(key=lambda m: (m[0], m[1]))
        markers: list[tuple[int, int, str]] = []
        for (start, end), kinds in sorted(
            found_markers.items(), key=lambda s: (s[0][0] - s[0][1], s[0])
        ):
            if 1 in marked[start:end] or (ignored and not ignored.isdisjoint(range(start, end))):
                continue
            if 1 in in_phrase[start:end]:
                kept_inside = _KEPT_IN_GAPS if 0 not in gapped[start:end] else _KEPT_IN_PHRASES
                kinds = [k for k in kinds if k in kept_inside]
            if kinds:
                marked[start:end] = b"\x01" * (end - start)
                markers += [(start, end, kind) for kind in kinds]
        markers.sort()
        return kept, ignored, markers

    def _loose_inputs(self, doc) -> tuple:
        """What ``_resolve`` needs for gapped matches in one doc."""
        norms = doc.to_array(NORM)
        starts = np.flatnonzero(np.isin(norms, self._loose_firsts)).tolist()
        return norms.tolist(), doc.to_array(IS_PUNCT).tolist(), starts

    def _loose_matches(self, norms, punct, candidates, exact, markers):
        """Phrases of several words matched with words between them: ``(id, start, end, size)``.

        Each next word of the phrase must come within ``phrase_gap`` words of the one
        before; the words between may not be punctuation, evidence matched word for word,
        or a marker other than a negator (which then negates the phrase: "antriannya
        nggak panjang"). A match with no gap is left to the exact matcher.
        """
        gap = self.codebook.phrase_gap
        present = None
        blocked = None
        n = len(norms)
        found = []
        for i in candidates:
            for match_id, keys, later in self._loose.get(norms[i], ()):
                if present is None:
                    present = set(norms)
                    present.update([self._root_of[k] for k in present if k in self._root_of])
                # Most candidates lack a later word altogether: skip them before scanning.
                if not later <= present:
                    continue
                if blocked is None:
                    blocked = {i for (start, end, _) in exact for i in range(start, end)}
                    blocked.update(
                        i
                        for (start, end), kinds in markers.items()
                        if kinds != ["negator"]
                        for i in range(start, end)
                    )
                at, spread = i, 0
                for key in keys[1:]:
                    for j in range(at + 1, min(at + 2 + gap, n)):
                        if norms[j] in key:
                            spread += j - at - 1
                            at = j
                            break
                        if punct[j] or j in blocked:
                            at = -1
                            break
                    else:
                        at = -1
                    if at < 0:
                        break
                if at >= 0 and spread:
                    found.append((match_id, i, at + 1, len(keys)))
        return found


@dataclass(frozen=True)
class _Question:
    """What an interviewer turn asks (see ``Coder.read_question``)."""

    follow_up: bool = False
    topic: str = ""
    cues: tuple[tuple[str, str], ...] = ()  # (criterion, polarity) the question proposes
    cue_words: str = ""
    asks: frozenset[str] = frozenset()  # its words, but prompts and fillers (lower case)


@dataclass(frozen=True)
class _Unit:
    """A paragraph of an informant turn, with the question it answers."""

    transcript: Transcript
    turn: int
    question: str
    topic: str
    asked: _Question | None  # the question, for the first paragraph of an answer only
    offset: int
    text: str


def _words_of(text: str) -> set[str]:
    """The lower-case words of a text, for a question's echo of the answer before it."""
    return set(_WORD.findall(text.lower()))


def _flipped(polarity: str) -> str:
    return "negative" if polarity == "positive" else "positive"


def _weigh_contrast(judged: list[_Judgement], markers, clause, said) -> None:
    """Where a sentence codes a criterion both ways across a contrast, the side the speaker
    lands on wins: after "tapi"/"but", or outside the clause "walaupun"/"although" opens.
    The conceded side's codings of other criteria stand."""
    for start, end, kind in markers:
        if kind == "contrast_following":
            losing = [j for j in judged if not j.change and j.start < start]
        elif kind == "contrast_conceding":
            opened = clause(start)
            losing = [j for j in judged if not j.change and j.clause == opened]
        else:
            continue
        landed = {(j.criterion, j.polarity) for j in judged if not j.change and j not in losing}
        for j in losing:
            code, other = (j.criterion, j.polarity), (j.criterion, _flipped(j.polarity))
            if other in landed and code not in landed:
                j.change, j.word = "conceded", said(start, end)


def _weigh_remedies(judged: list[_Judgement], markers, clause, said) -> None:
    """A problem told with its fix ("macet, tapi langsung diperbaiki") is evidence for the
    fix, not against: negative codings before a fix that is not itself negated drop out."""
    for start, end, kind in markers:
        if kind != "remedy":
            continue
        if any(
            k == "negator" and clause(s) == clause(start) and 0 <= start - e <= 1
            for s, e, k in markers
        ):
            continue
        for j in judged:
            if not j.change and j.polarity == "negative" and j.end <= start:
                j.change, j.word = "problem fixed", said(start, end)


def _one_per_code(judged: list[_Judgement]):
    """One coding per criterion and polarity: the first by method, naming all behind it."""
    if len(judged) == 1:
        j = judged[0]
        if not j.change:
            yield j, j.rule.phrase, j.matched, j.origin
        return
    groups: dict[tuple[str, str], list[_Judgement]] = {}
    for j in judged:
        if not j.change:
            groups.setdefault((j.criterion, j.polarity), []).append(j)
    for group in groups.values():
        group.sort(key=lambda j: (_METHOD_RANK[j.method], j.start))
        yield (
            group[0],
            PHRASE_SEPARATOR.join(dict.fromkeys(j.rule.phrase for j in group)),
            PHRASE_SEPARATOR.join(dict.fromkeys(j.matched for j in group)),
            PHRASE_SEPARATOR.join(dict.fromkeys(j.origin for j in group)),
        )


class _Tokens:
    """The token arrays of a batch of docs laid end to end, read once from spaCy.

    ``doc_starts[k]`` is where the ``k``-th doc begins; one more entry marks the end.
    """

    def __init__(self, docs: list, transparent: np.ndarray) -> None:
        arrays = [doc.to_array(_TOKEN_ATTRS) for doc in docs]
        sizes = [len(doc) for doc in docs]
        table = (
            np.concatenate(arrays) if arrays else np.zeros((0, len(_TOKEN_ATTRS)), dtype=np.uint64)
        )
        self.doc_starts = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self.starts = self.doc_starts.tolist()
        self.orth, self.punct = table[:, 0], table[:, 1]
        self.orth_list = self.orth.tolist()
        self.punct_list = self.punct.tolist()
        self.space_list = table[:, 2].tolist()
        self.idx = table[:, 3].tolist()
        self.length = table[:, 4].tolist()
        self.offsets = table[:, 3].astype(np.int64), table[:, 4].astype(np.int64)
        # Running counts, so that clauses and word distances cost a subtraction:
        # punctuation that ends a clause, and words, among the tokens before each token.
        wordish = (table[:, 2] == 0) & ~np.isin(self.orth, transparent)
        cutting = wordish & (self.punct != 0)
        self.cuts_before = np.concatenate(([0], np.cumsum(cutting))).tolist()
        self.words_before = np.concatenate(([0], np.cumsum(wordish))).tolist()

    def said(self, text: str, at: int, start: int, end: int, lines: bool = False) -> str:
        """The words of tokens ``[start, end)`` of the doc at ``at`` in ``text``, on one line
        unless ``lines`` keeps the line breaks as written."""
        last = at + end - 1
        words = text[self.idx[at + start] : self.idx[last] + self.length[last]]
        return words if lines else _unwrapped(words)


class _Occurrences:
    """Stable segment ids, sentence numbers and line numbers for one transcript."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.seen: dict[str, int] = {}
        # Sentences so far in each turn: a turn's paragraphs continue its numbering.
        self.sentences: dict[int, int] = {}
        body = transcript.body
        self.line_starts = [0] + [m.end() for m in _NEWLINE.finditer(body)]
        self.turn_starts = [turn.start for turn in transcript.turns]

    def segment_id(self, text: str) -> str:
        return segment_id(self.transcript.informant, text, self.seen)

    def line(self, offset: int) -> int:
        """The file line of an offset, counted from its turn's own line.

        For a text transcript that is the body's line; a Word or subtitle reader builds
        its body from paragraphs or cues, and its turns know where they are in the file.
        """
        index = bisect_right(self.line_starts, offset) - 1
        k = bisect_right(self.turn_starts, offset) - 1
        if k < 0:
            return self.transcript.body_line + index
        turn = self.transcript.turns[k]
        return turn.line + index - (bisect_right(self.line_starts, turn.start) - 1)


def _unwrapped(text: str) -> str:
    """A paragraph with its line breaks read as spaces (same length, same offsets).

    Transcripts are often hard-wrapped; spaCy makes a token of a line break, and a
    phrase split by one ("cuma\\ndua meja") would otherwise never match.
    """
    return text.replace("\n", " ")


def segment_id(informant: str, text: str, seen: dict[str, int] | None = None) -> str:
    """An id that survives re-coding, codebook changes and edits elsewhere in the file.

    Built from the informant, the sentence's words and how many times the same sentence
    occurred before it in the transcript (so repeated "Iya, Mas." get distinct ids).
    ``seen`` counts the sentences of the transcript so far.
    """
    normal = " ".join(text.split()).casefold()
    occurrence = 0
    if seen is not None:
        occurrence = seen.get(normal, 0)
        seen[normal] = occurrence + 1
    digest = sha1(f"{informant}\x1f{normal}\x1f{occurrence}".encode()).hexdigest()
    return f"{informant}-{digest[:10]}"


def _paragraphs(text: str, offset: int):
    """(offset, text) of each non-blank paragraph of a turn."""
    position = 0
    for piece in [*_PARAGRAPH_BREAK.split(text)]:
        at = text.index(piece, position) if piece else position
        position = at + len(piece)
        lead = len(piece) - len(piece.lstrip())
        body = piece.strip()
        if body:
            yield offset + at + lead, body


def code_corpus(corpus: Corpus, codebook: Codebook) -> CodingResult:
    """Segment and code a corpus with a codebook: the coding step as one call."""
    return Coder(codebook).code(corpus)
