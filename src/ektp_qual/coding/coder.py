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

``Coder`` is built here and runs the batches; its jobs live beside it: ``matching``
(word keys, the phrase matchers, what a doc matches), ``questions`` (a question's topic
and what it proposes), ``context`` (the words around a phrase, the short answer),
``segments`` (paragraphs, token arrays, segment ids), ``rules`` and ``result``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..language.words import DERIVED, SentenceSplitter, WordKeys, blank_pipeline
from ..model import CODING_COLUMNS, SEGMENT_COLUMNS, Codebook, Corpus, Transcript
from ..model.errors import InputError
from .context import ContextReading, one_per_code
from .matching import Matching
from .questions import Question, QuestionReading
from .result import CHANGE_COLUMNS, CodingResult
from .rules import MARKER_LISTS, MARKERS, SCOPE_TRANSPARENT, Rule
from .segments import Occurrences, Tokens, paragraphs, unwrapped

_BATCH = 1000
#: The longest paragraph (and phrase) read, in characters. spaCy's default limit is a
#: million; a paragraph longer than this is a transcript without paragraph breaks.
MAX_PARAGRAPH = 5_000_000

# Rows are built by column name, so reordering a table's columns can never mislabel data.
_SegmentRow = namedtuple("_SegmentRow", SEGMENT_COLUMNS)
_CodingRow = namedtuple("_CodingRow", CODING_COLUMNS)
_ChangeRow = namedtuple("_ChangeRow", CHANGE_COLUMNS)


class Coder(Matching, QuestionReading, ContextReading):
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
            *(p for kind in MARKERS for p in self._marker_words(kind)),
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
        self._questions: dict[str, Question] = {}
        self._rules: dict[int, Rule] = {}
        # Phrases of several words, by the key of their first word, for matches with words
        # between them ("antriannya luar biasa panjang" for "antrian panjang").
        self._loose: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        self.readings: dict[tuple[str, str, str], str] = {}
        self._build_matcher()
        self._loose_firsts = np.array(sorted(self._loose), dtype=np.uint64)
        strings = self.nlp.vocab.strings
        self._root_of = {strings.add(r + DERIVED): strings.add(r) for r in self.keys.roots}
        self._marker_kinds = {i: r.kind for i, r in self._rules.items() if r.kind in MARKER_LISTS}
        self._transparent = {strings.add(w) for w in SCOPE_TRANSPARENT}
        self._transparent_ids = np.array(sorted(self._transparent), dtype=np.uint64)
        self._sha = codebook.sha256[:12]

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
                    Occurrences(transcript).line(unit.offset),
                )
        segment_rows: list[_SegmentRow] = []
        coding_rows: list[_CodingRow] = []
        change_rows: list[_ChangeRow] = []
        occurrences: dict[str, Occurrences] = {}
        for start in range(0, len(units), _BATCH):
            batch = units[start : start + _BATCH]
            texts = [unwrapped(unit.text) for unit in batch]
            docs = [
                self._merge_clitics(doc, text)
                for doc, text in zip(self.nlp.pipe(texts), texts, strict=True)
            ]
            tokens = Tokens(docs, self._transparent_ids)
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
                    found = occurrences[transcript.informant] = Occurrences(transcript)
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
            asked = Question()
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
                for n, (offset, text) in enumerate(paragraphs(turn.text, turn.start)):
                    yield Unit(
                        transcript,
                        informant_turn,
                        question,
                        topic,
                        asked if first and n == 0 else None,
                        offset,
                        text,
                    )

    def _code_doc(
        self,
        unit: Unit,
        doc,
        tokens: Tokens,
        k: int,
        firsts: list[int],
        occurrences: Occurrences,
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
            for j, phrases, matched, origins in one_per_code(judged):
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


@dataclass(frozen=True)
class Unit:
    """A paragraph of an informant turn, with the question it answers."""

    transcript: Transcript
    turn: int
    question: str
    topic: str
    asked: Question | None  # the question, for the first paragraph of an answer only
    offset: int
    text: str


def code_corpus(corpus: Corpus, codebook: Codebook) -> CodingResult:
    """Segment and code a corpus with a codebook: the coding step as one call."""
    return Coder(codebook).code(corpus)
