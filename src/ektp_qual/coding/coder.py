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

import gc
import re
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..inputs.codebook import read_codebook
from ..inputs.transcripts import read_corpus
from ..language.words import DERIVED, SentenceSplitter, WordKeys, blank_pipeline
from ..model import (
    ASPECT_RULE,
    CODING_COLUMNS,
    SEGMENT_COLUMNS,
    Codebook,
    Corpus,
    PathLike,
    Transcript,
)
from ..model.errors import InputError
from .context import ContextReading, Judgement, one_per_code, wished_for
from .matching import Matching
from .questions import Question, QuestionReading
from .result import CHANGE_COLUMNS, CodingResult
from .rules import MARKER_LISTS, MARKERS, SCOPE_TRANSPARENT, Rule
from .segments import (
    Occurrences,
    Tokens,
    normal_form,
    paragraphs,
    piece_spans,
    segment_id,
    unwrapped,
)

_BATCH = 1000
#: The longest paragraph (and phrase) read, in characters. spaCy's default limit is a
#: million; a paragraph longer than this is a transcript without paragraph breaks.
MAX_PARAGRAPH = 5_000_000
# How many distinct sentences' codings are kept at once, which bounds the memory they take.
_SENTENCES_KEPT = 100_000
# How many distinct pieces of paragraphs are kept with their docs.
_PIECES_KEPT = 20_000

# What coding finds, field by field: tables are built from them by column name, so
# reordering a table's columns can never mislabel data.
_SEGMENT_FIELDS = ("unit", "segment_id", "sentence", "line", "start", "end", "text")
_CODE_FIELDS = (
    "criterion",
    "polarity",
    "method",
    "phrase",
    "phrases",
    "negator",
    "matched",
    "rule",
)
_CHANGE_FIELDS = ("criterion", "polarity", "phrase", "change", "word")


class Coder(Matching, QuestionReading, ContextReading):
    """Codes transcripts against one codebook. Build once, reuse for many corpora.

    The codebook and the corpus may be given as files, as everywhere else in the API."""

    def __init__(self, codebook: Codebook | PathLike) -> None:
        if not isinstance(codebook, Codebook):
            codebook = read_codebook(codebook)
        with no_cycle_collection():  # it makes spaCy's and the matcher's many objects
            self._build(codebook)

    def _build(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.nlp = blank_pipeline(codebook)
        self.nlp.max_length = MAX_PARAGRAPH + 1
        self.sentences = SentenceSplitter(self.nlp.vocab)
        talk = codebook.discourse
        phrases = [
            *(p for c in codebook.criteria for p in (*c.positive, *c.negative)),
            *codebook.evaluative_positive,
            *codebook.evaluative_negative,
            *talk.evaluative_positive,
            *talk.evaluative_negative,
            *(word for _, word in self._short_judgements()),
            *codebook.ignore,
        ]
        # Words of grammar match as written: their roots are no phrase roots, so "betul"
        # (yes) never makes "kebetulan" (by chance) a form of the phrase "dibetulkan".
        grammar = [
            *(p for kind in MARKERS for p in self._marker_words(kind)),
            *talk.affirm,
            *talk.deny,
            *talk.fillers,
            *talk.follow_ups,
            *talk.question_words,
            *talk.events,
            *talk.small_talk,
        ]
        self._phrase_words = [t.text for p in phrases for t in self.nlp.make_doc(p) if t.is_alpha]
        self._grammar_words = [t.text for p in grammar for t in self.nlp.make_doc(p) if t.is_alpha]
        self.keys = WordKeys(codebook.morphology, self._phrase_words, self._grammar_words)
        strings = self.nlp.vocab.strings
        self._clitic_tokens = {strings.add(f"-{c}") for c in self.keys.clitics}
        self._clitic_text = (
            re.compile("|".join(re.escape(f"-{c}") for c in self.keys.clitics), re.IGNORECASE)
            if self.keys.clitics
            else None
        )
        self._keyed: set[int] = set()
        # What each distinct sentence matched and coded, by its text and tokens, and each
        # piece of a paragraph read (see ``_code``): kept from one call to the next, so a
        # worker coding batch after batch, or a survey coded chunk by chunk, reads a
        # sentence said again as seldom as one call on the whole corpus does.
        self._sentences_read: dict[tuple, _Read] = {}
        self._pieces_read: dict[str, _Piece] = {}
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
        # What a piece of a paragraph must end with for a cut after it to stand: a
        # sentence-final mark, not a word of a tokenizer exception that holds a space.
        self._sentence_final = set(self.sentences.final_marks.tolist())
        self._joining_words = {
            word
            for rule in self.nlp.tokenizer.rules
            if len(rule.split()) > 1
            for word in rule.split()[:-1]
        }

    # -- coding ------------------------------------------------------------------------

    def code(self, corpus: Corpus | PathLike) -> CodingResult:
        """Segment and code every informant turn of the corpus (or of a folder or file)."""
        if not isinstance(corpus, Corpus):
            corpus = read_corpus(corpus)
        with no_cycle_collection():
            return self._code(corpus)

    def _code(self, corpus: Corpus) -> CodingResult:
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
        rows = _Rows()
        occurrences: dict[str, Occurrences] = {}
        # A sentence said again ("Iya, Mas.", a stock phrase) is matched and read once.
        read = self._sentences_read
        if self._sentences_alone:
            # Each piece of a paragraph (see ``piece_spans``), by its text: tokenised once.
            pieces = self._pieces_read
            for start in range(0, len(units), _BATCH):
                batch = units[start : start + _BATCH]
                if len(pieces) >= _PIECES_KEPT:
                    pieces.clear()
                for k, (unit, found) in enumerate(
                    zip(batch, self._pieces(batch, pieces, read), strict=True)
                ):
                    self._piece_rows(start + k, unit, found, occurrences, rows, read)
        else:
            for start in range(0, len(units), _BATCH):
                self._code_batch(start, units[start : start + _BATCH], occurrences, read, rows)
        segments, codings, changes = rows.tables(units, self._sha)
        return CodingResult(segments, codings, self.codebook, self.readings, changes)

    def _units(self, corpus: Corpus):
        """Each paragraph of an informant turn, with the question it answers."""
        for transcript in corpus.transcripts:
            asked = Question()
            question, topic, answer = "", "", ""
            topic_question = ""  # the question that set the topic
            change = keep = False  # whether that question asked what should change, or stay
            informant_turn = 0
            opening = True  # no interviewer turn yet
            greeted = ""  # the greeting of an opening turn that only greets, answered now
            for turn in transcript.turns:
                if turn.is_interviewer:
                    asked = self.read_question(turn.text, answer)
                    greeted, opening = asked.greeting if opening else "", False
                    question = " ".join(turn.text.split())
                    if not asked.follow_up:
                        topic = asked.topic
                        topic_question = question
                        change, keep = asked.change, asked.keep
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
                        topic_question,
                        change,
                        keep,
                        greeted,
                    )

    def _code_batch(self, start: int, batch: list[Unit], occurrences, read, rows) -> None:
        """Code a batch of paragraphs, each read whole: the way for a codebook with a
        phrase that may span two sentences, whose sentences code by what stands around them."""
        texts = [unwrapped(unit.text) for unit in batch]
        docs = [
            self._merge_clitics(doc, text)
            for doc, text in zip(self.nlp.pipe(texts), texts, strict=True)
        ]
        tokens, sentences, loose = self._batch_arrays(docs)
        for k, (unit, doc) in enumerate(zip(batch, docs, strict=True)):
            text = unit.text
            found = self._read_sentences(doc, tokens, k, sentences[k], text, loose[k], read)
            self._sentence_rows(start + k, unit, [(0, doc, tokens, text, found)], occurrences, rows)

    def _batch_arrays(self, docs: list) -> tuple[Tokens, list[list[int]], list[tuple]]:
        """The token arrays of a batch of docs, the first token of each doc's sentences
        (indices into the arrays), and what gapped matching needs of each doc."""
        tokens = Tokens(docs, self._transparent_ids)
        norms, is_first = self._keyed_norms(tokens.orth)
        starts = np.flatnonzero(is_first)
        cut = np.searchsorted(starts, tokens.doc_starts).tolist()
        starts = starts.tolist()
        norms = norms.tolist()
        firsts = self.sentences.starts_in(
            tokens.orth, tokens.punct, tokens.doc_starts, self._opening(tokens)
        )
        bounds = np.searchsorted(firsts, tokens.doc_starts).tolist()
        firsts = firsts.tolist()
        sentences, loose = [], []
        for k in range(len(docs)):
            sentences.append(firsts[bounds[k] : bounds[k + 1]])
            at, stop = tokens.starts[k], tokens.starts[k + 1]
            loose.append(
                (
                    norms[at:stop],
                    tokens.punct_list[at:stop],
                    [i - at for i in starts[cut[k] : cut[k + 1]]],
                )
            )
        return tokens, sentences, loose

    def _pieces(self, batch: list[Unit], pieces: dict, read: dict) -> list[list[tuple]]:
        """Each paragraph of ``batch`` as ``(start, end, piece)``: its pieces, tokenised and
        matched only when their words were not read before (``pieces``, by their text on
        one line: a piece hard-wrapped elsewhere is read once too).

        A cut stands only where the piece before it ends a sentence by its tokens (a
        sentence-final mark, not a word of a multi-word exception such as "Dr. med."), so
        every sentence of the paragraph lies in one piece, as it would in the whole.
        """
        flat = [unwrapped(unit.text) for unit in batch]
        spans = [piece_spans(text) for text in flat]
        pending = range(len(batch))  # paragraphs whose cuts may not all stand yet
        while pending:
            new = {}
            for k in pending:
                for _, _, piece in spans[k]:
                    if piece not in pieces:
                        new[piece] = None
            if new:
                self._read_pieces(list(new), pieces, read)
            joined = []
            for k in pending:
                cuts = spans[k]
                n = 0
                while n < len(cuts) - 1:
                    if not pieces[cuts[n][2]].closed:
                        a, d = cuts[n][0], cuts[n + 1][1]
                        cuts[n : n + 2] = [(a, d, flat[k][a:d])]
                        if not joined or joined[-1] != k:
                            joined.append(k)
                    n += 1
            pending = joined
        return [[(a, b, pieces[piece]) for a, b, piece in cuts] for cuts in spans]

    def _read_pieces(self, texts: list[str], pieces: dict, read: dict) -> None:
        """Tokenise and match pieces not read before (on one line), in one batch."""
        docs = [
            self._merge_clitics(doc, text)
            for doc, text in zip(self.nlp.tokenizer.pipe(texts), texts, strict=True)
        ]
        tokens, sentences, loose = self._batch_arrays(docs)
        final, joining = self._sentence_final, self._joining_words
        orth = tokens.orth_list
        for k, (text, doc) in enumerate(zip(texts, docs, strict=True)):
            last = tokens.starts[k + 1] - 1
            closed = (
                last >= tokens.starts[k]
                and orth[last] in final
                and text.rsplit(None, 1)[-1] not in joining
            )
            found = self._read_sentences(doc, tokens, k, sentences[k], text, loose[k], read)
            pieces[text] = _Piece(doc, tokens, text, found, closed)

    def _as_written(self, piece: _Piece, written: str, read: dict) -> list[tuple]:
        """The sentences of a piece as written with line breaks: the same words and
        matches, but their own text (a segment's text and a coding's words keep the
        line breaks), each distinct one remembered in ``read``.

        A sentence is known by its text as written and the sentence read on one line (its
        tokens); one with no line break is that sentence."""
        idx, length = piece.tokens.idx, piece.tokens.length
        sentences = []
        for first, stop, flat in piece.sentences:
            raw = written[idx[first] : idx[stop - 1] + length[stop - 1]]
            if "\n" not in raw:
                sentences.append((first, stop, flat))
                continue
            key = (raw, flat)
            seen = read.get(key)
            if seen is None:
                seen = _Read(raw)
                seen.matched, seen.evaluative = flat.matched, flat.evaluative
                seen.short = flat.short
                if len(read) >= _SENTENCES_KEPT:
                    read.clear()
                read[key] = seen
            sentences.append((first, stop, seen))
        return sentences

    def _read_sentences(self, doc, tokens: Tokens, k: int, firsts, text: str, loose, read):
        """``(first, stop, read)`` of each sentence of the ``k``-th doc of ``tokens``, those
        not read before matched now.

        Token indices are into the batch's concatenated arrays; ``firsts`` are the first
        tokens of the doc's sentences; ``text`` is the doc's text as written. ``read`` holds
        what each distinct sentence matched and coded (see ``code``).
        """
        at = tokens.starts[k]
        idx, length, orth = tokens.idx, tokens.length, tokens.orth
        bounds = [*firsts, tokens.starts[k + 1]]
        alone = self._sentences_alone
        sentences = []
        new = []
        for s, first in enumerate(firsts):
            stop = bounds[s + 1]
            raw = text[idx[first] : idx[stop - 1] + length[stop - 1]]
            if alone:
                key = (raw, orth[first:stop].tobytes())
                seen = read.get(key)
                if seen is None:
                    seen = _Read(raw)
                    if not seen.stripped:
                        continue
                    new.append(len(sentences))
                    if len(read) >= _SENTENCES_KEPT:
                        read.clear()
                    read[key] = seen
            else:
                seen = _Read(raw)
                if not seen.stripped:
                    continue
                new.append(len(sentences))
            sentences.append((first, stop, seen))
        whole = None
        if not alone or 3 * len(new) > len(sentences):  # most are new: match them at once
            whole = self._resolve(doc, loose)
        for n in new:
            first, stop, seen = sentences[n]
            a, b = first - at, stop - at
            if whole is not None:
                seen.matched = _part(whole, a, b)
            else:
                norms, punct, candidates = loose
                lo, hi = bisect_left(candidates, a), bisect_left(candidates, b)
                part = (norms[a:b], punct[a:b], [i - a for i in candidates[lo:hi]])
                seen.matched = self._resolve(doc, part, a, b)
            seen.evaluative = any(rule.kind == "evaluative" for _, _, rule in seen.matched[0])
            seen.short = any(rule.kind == "short_judgement" for _, _, rule in seen.matched[0])
        return sentences

    def _piece_rows(self, u: int, unit: Unit, found: list[tuple], occurrences, rows, read):
        """The rows of a paragraph read in pieces (``_pieces``)."""
        text = unit.text
        wrapped = "\n" in text
        parts = []
        for a, b, p in found:
            if wrapped and text.find("\n", a, b) >= 0:
                written = text[a:b]
                parts.append((a, p.doc, p.tokens, written, self._as_written(p, written, read)))
            else:
                parts.append((a, p.doc, p.tokens, p.text, p.sentences))
        self._sentence_rows(u, unit, parts, occurrences, rows)

    def _sentence_rows(self, u: int, unit: Unit, parts: list[tuple], occurrences, rows) -> None:
        """Segments and codings of the ``u``-th unit, a paragraph, from its sentences.

        ``parts`` are ``(offset, doc, tokens, text, sentences)``: where a doc's text
        begins in the paragraph, and its sentences (``_read_sentences``).
        """
        transcript = unit.transcript
        known = occurrences.get(transcript.informant)
        if known is None:
            known = occurrences[transcript.informant] = Occurrences(transcript)
        occurrences = known
        paragraph, offset = unit.text, unit.offset
        turn_no, topic = unit.turn, unit.topic
        number = occurrences.sentences.get(turn_no, 0)
        # An aspect named codes in the answer to the question itself, not after a prompt
        # to go on ("Anything else?"): the polarity it codes with, or "".
        named = ""
        asked_itself = unit.question == unit.topic_question
        if (unit.change or unit.keep) and asked_itself:
            named = "negative" if unit.change else "positive"
        change = unit.change
        refused = ""  # the refusal to change anything that opens the answer ("Nggak")
        # The paragraph lies within one turn: its lines follow from the first one's.
        first_line = occurrences.line(offset)
        wrapped = "\n" in paragraph
        informant, ids_seen = transcript.informant, occurrences.seen
        fields = rows.segment
        units, ids, texts = fields["unit"], fields["segment_id"], fields["text"]
        numbers, lines, starts, ends = (
            fields["sentence"],
            fields["line"],
            fields["start"],
            fields["end"],
        )
        for at, doc, tokens, text, sentences in parts:
            idx = tokens.idx
            for first, stop, seen in sentences:
                number += 1
                begin = at + idx[first] + seen.lead
                stripped = seen.stripped
                row = len(units)
                units.append(u)
                ids.append(segment_id(informant, stripped, ids_seen, seen.normal))
                numbers.append(number)
                line = first_line + paragraph.count("\n", 0, begin) if wrapped else first_line
                lines.append(line)
                starts.append(offset + begin)
                ends.append(offset + begin + len(stripped))
                texts.append(stripped)
                # A short answer means something only against a question about the
                # study's criteria: small talk ("Panas ya?" + "Iya") has no topic.
                asked = unit.asked if number == 1 and topic else None
                if asked is not None and (asked.cues or seen.short):
                    # An answer's first sentence opens its doc: positions from the
                    # sentence's first token are the doc's, which the short answer reads.
                    # A short judging answer names the question that gave its topic.
                    reading = (topic, asked, unit.topic_question if seen.short else "")
                else:
                    reading = topic if seen.evaluative else ""
                    asked = None
                bare = False
                if change and number == 1:
                    refused = self._refusal(doc, tokens, first, stop - first, seen.matched[2])
                    if refused:
                        # Nothing should change: what the answer praises is praise, and a
                        # bare refusal to the question itself praises its topic.
                        change, named, bare = False, "", asked_itself
                if change or named or refused:
                    reading = (change, named, refused, bare, reading)
                found = seen.codes.get(reading)
                if found is None:
                    found = seen.codes[reading] = self._code_sentence(
                        doc,
                        tokens,
                        first,
                        0,
                        stop - first,
                        text,
                        seen.matched,
                        topic,
                        asked,
                        unit.topic_question,
                        change,
                        named,
                        stripped,
                        refused,
                        bare,
                    )
                if unit.greeted:
                    # The answer to a greeting that opens the interview ("Selamat sore, Bu.
                    # Maaf ganggu ya?" + "Panas banget ya hari ini") is small talk, not yet
                    # evidence: what it would code is kept as a change, as hearsay is.
                    kept = tuple((*c[:2], c[3], "greeting", unit.greeted) for c in found[1])
                    found = (found[0] + kept, ())
                changes, codes = rows.numbered(found)
                if codes:
                    rows.coded += [row] * len(codes)
                    rows.codes += codes
                if changes:
                    rows.changed += [row] * len(changes)
                    rows.changes += changes
        occurrences.sentences[turn_no] = number

    def _code_sentence(
        self,
        doc,
        tokens,
        at,
        a,
        b,
        text,
        resolved,
        topic,
        asked,
        asker="",
        change=False,
        named="",
        sentence="",
        refused="",
        bare=False,
    ):
        """What the sentence ``[a, b)`` of a doc codes, free of where it stands: the
        changes ``(criterion, polarity, phrase, change, word)`` and the codings
        ``(criterion, polarity, method, phrase, phrases, negator, matched, rule)``;
        ``asker`` is the question that gave ``topic``, ``change`` whether it asked what
        should change (``wished_for``), ``named`` the polarity an aspect named without a
        judgement codes with ("" for none: ``_aspect_named``), ``sentence`` the sentence as
        written, ``refused`` the words that refused to change anything at the answer's
        start ("" for none), ``bare`` whether this sentence is that refusal, answering
        the question itself (``_praised``)."""
        matches, ignored, markers = resolved
        lo, hi = bisect_left(matches, (a,)), bisect_left(matches, (b,))
        if (
            asked is None
            and not named
            and not bare
            and all(m[2].kind == "short_judgement" for m in matches[lo:hi])
        ):
            return (), ()  # nothing, or judgements that count only as a short answer
        judged = self._judge(tokens, at, a, b, text, matches[lo:hi], markers, ignored, topic)
        if asked is not None and asked.cues:
            judged += self._short_answer(doc, tokens, at, a, b, text, judged, asked)
        if asked is not None and not judged:
            judged = self._short_judgement(
                doc, tokens, at, a, b, text, matches[lo:hi], markers, topic, asker
            )
        if change:
            wished_for(judged)
        elif refused:
            judged = self._praised(judged, a, b, topic, asker, refused, bare)
        if named and not judged:
            judged = self._aspect_named(matches[lo:hi], sentence, named)
        changes = tuple(
            (j.criterion, j.polarity, j.rule.phrase, j.change, j.word) for j in judged if j.change
        )
        codes = tuple(
            (j.criterion, j.polarity, j.method, j.rule.phrase, phrases, j.negator, matched, rule)
            for j, phrases, matched, rule in one_per_code(judged)
        )
        return changes, codes

    @staticmethod
    def _praised(judged, a, b, topic, asker, refused, bare) -> list[Judgement]:
        """Read an answer that refuses to change anything ("Ada saran?" + "Nggak, udah
        bagus.", "Anything you'd change?" + "Nothing really, it's fine."): what it praises
        stays praise, and the refusal alone, to the question itself, praises its topic."""
        for j in judged:
            if not j.change and j.polarity == "positive":
                j.origin += f", after the refusal {refused!r} to change anything"
        if judged or not bare or not topic:
            return judged
        j = Judgement(a, b, Rule("answer", "", "", refused), topic, "positive", "answer")
        j.matched = refused
        j.origin = f"the refusal {refused!r} to change anything about {topic} ({asker!r})"
        return [j]

    def _aspect_named(self, matches, sentence: str, polarity: str) -> list[Judgement]:
        """An aspect named, without a judgement, in an answer to a question of what should
        change or stay ("If you could change one thing?" + "Definitely Mondays.", "And
        keep?" + "The job club."): it codes the criterion it is about with the question's
        polarity. The criterion is read as a question's topic is (``question_topic``),
        words of degree aside ("Itu aja."); a sentence with none codes nothing, nor one
        with a judgement or a yes or no ("Nggak ada, udah bagus", "Nothing, it's fine"),
        which answers the question itself."""
        if any(m[2].kind in ("evaluative", "short_judgement") for m in matches):
            return []
        words = self.nlp.make_doc(sentence)
        if self._covered(words, 0, len(words), ("affirm", "deny")):
            return []
        degree = self._degree_words
        told = " ".join(t.text for t in words if t.lower_ not in degree)
        criterion, _ = self.question_topic(told)
        if not criterion:
            return []
        kind = "what should change" if polarity == "negative" else "what should stay"
        # The phrase is the words that named the aspect ("story time"), not the sentence:
        # the evidence matrix groups codings by it.
        guide, roots, _ = self._topic_model
        named = " ".join(
            dict.fromkeys(
                key
                for key, root, covered in self._question_words(told)
                if key in guide[criterion] or root in roots[criterion] or covered == criterion
            )
        )
        j = Judgement(
            0,
            len(words),
            Rule("aspect", "", "", named or sentence),
            criterion,
            polarity,
            "structural",
        )
        j.matched = sentence
        j.origin = f"{ASPECT_RULE}{criterion} named in an answer to {kind}"
        return [j]


class _Read:
    """A distinct sentence as written: its text without the space around it, what it
    matched, and what it coded under each topic it came with (one entry, "", when it
    has no generic judgement, which alone reads the topic)."""

    __slots__ = ("codes", "evaluative", "lead", "matched", "normal", "short", "stripped")

    def __init__(self, raw: str) -> None:
        self.stripped = raw.strip()
        self.lead = len(raw) - len(raw.lstrip())
        self.normal = normal_form(self.stripped)
        self.matched: tuple = ([], set(), [])
        self.evaluative = False
        self.short = False  # holds a judgement that may make a short judging answer
        self.codes: dict[str, tuple] = {}


class _Piece:
    """A piece of a paragraph (``piece_spans``) as read: its doc, the token arrays of the
    batch it was read in, its text as written, its sentences (``_read_sentences``), and
    whether the cut after it may stand (it ends a sentence)."""

    __slots__ = ("closed", "doc", "sentences", "text", "tokens")

    def __init__(self, doc, tokens: Tokens, text: str, sentences: list, closed: bool) -> None:
        self.doc = doc
        self.tokens = tokens
        self.text = text
        self.sentences = sentences
        self.closed = closed


class _Rows:
    """The rows of the three tables as coding finds them, built into tables by name.

    A segment's fields are ``_SEGMENT_FIELDS``; a coding or a change is the row of its
    segment and the number of what ``_code_sentence`` found (``_CODE_FIELDS``,
    ``_CHANGE_FIELDS``): the same few findings recur across a corpus.
    """

    def __init__(self) -> None:
        self.segment: dict[str, list] = {name: [] for name in _SEGMENT_FIELDS}
        self.coded: list[int] = []
        self.codes: list[int] = []
        self.changed: list[int] = []
        self.changes: list[int] = []
        self._numbers: tuple[dict[tuple, int], dict[tuple, int]] = ({}, {})
        self._numbered: dict[int, tuple[tuple, tuple]] = {}

    def numbered(self, found: tuple[tuple, tuple]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The changes and codings a sentence found, by number; each distinct ``found``
        (a sentence's codes, shared by every time it is said) is numbered once."""
        known = self._numbered.get(id(found))
        if known is not None and known[0] is found:
            return known[1]
        numbered = found
        if any(found):
            numbered = tuple(
                tuple(numbers.setdefault(item, len(numbers)) for item in items)
                for numbers, items in zip(self._numbers, found, strict=True)
            )
        # ``found`` is kept with its numbers, so its id is not reused while this lives.
        self._numbered[id(found)] = (found, numbered)
        return numbered

    def tables(
        self, units: list[Unit], sha: str
    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        if not self.segment["unit"]:
            empty = pd.DataFrame([], columns=CODING_COLUMNS)
            empty["negated"] = empty["negated"].astype(bool)
            return (
                pd.DataFrame([], columns=SEGMENT_COLUMNS),
                empty,
                pd.DataFrame([], columns=CHANGE_COLUMNS),
            )
        segment = {
            name: np.array(column, dtype=object if name in ("segment_id", "text") else np.int64)
            for name, column in self.segment.items()
        }
        of_unit = segment.pop("unit")
        for name in ("segment_id", "text"):
            segment[name] = _column(segment[name])
        segment["informant"] = _column([u.transcript.informant for u in units], of_unit)
        segment["role"] = _column([u.transcript.role for u in units], of_unit)
        segment["turn"] = np.array([u.turn for u in units], np.int64)[of_unit]
        segment["question"] = _column([u.question for u in units], of_unit)
        segment["topic"] = _column([u.topic for u in units], of_unit)
        segments = pd.DataFrame(segment, columns=SEGMENT_COLUMNS)
        changes, codes = self._numbers
        return (
            segments,
            _table(segment, self.coded, self.codes, codes, _CODE_FIELDS, CODING_COLUMNS, sha),
            _table(
                segment, self.changed, self.changes, changes, _CHANGE_FIELDS, CHANGE_COLUMNS, sha
            ),
        )


def _table(segment, rows, numbers, found, fields, columns, sha) -> pd.DataFrame:
    """A table of codings or changes: the segment's fields of each ``rows`` and what was
    found (``found``, numbered), each item its ``numbers``."""
    if not rows:
        table = pd.DataFrame([], columns=columns)
        if "negated" in columns:
            table["negated"] = table["negated"].astype(bool)
        return table
    at = np.array(rows, dtype=np.int64)
    table = {name: segment[name][at] for name in columns if name in segment}
    distinct = np.empty((len(found), len(fields)), dtype=object)
    for item, number in found.items():
        distinct[number] = item
    of_row = np.array(numbers, dtype=np.int64)
    table.update((name, _column(distinct[:, j], of_row)) for j, name in enumerate(fields))
    if "negated" in columns:
        table["negated"] = table["negator"] != ""
        table["codebook_sha256"] = np.full(len(at), sha, dtype=object)
    return pd.DataFrame(table, columns=columns)


def _column(values, at: np.ndarray | None = None):
    """The column pandas makes of ``values`` (strings: Arrow-backed), taken at ``at``.

    A column of a few distinct values (a unit's informant, a coding's criterion) is made
    of those values and then taken, which copies Arrow buffers: making it of every row
    converted each row's Python string again.
    """
    array = pd.Series(np.asarray(values, dtype=object)).array
    return array if at is None else array.take(at)


@contextmanager
def no_cycle_collection():
    """Python's cycle collector paused while coding, then resumed as it was.

    Coding makes millions of small objects that live until the tables are built (rows,
    the sentences read, their docs) and frees them by reference counting; the collector
    would walk them all again and again, for a quarter of coding's time, to find no
    cycle to free. Building a coder makes enough objects to start a full collection,
    which walked the corpus and any other coder alive (0.1 to 0.2 s) to free nothing.

    What was made is then moved to the oldest generation (``gc.freeze`` and
    ``gc.unfreeze``, each a constant-time move), as if it had lived through the young
    collections: those would walk all of it first, 0.04 s and then 0.05 s at a million
    words, for what lives until the tables are written. Not when the program froze
    objects of its own, which unfreezing would release.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _part(matched: tuple, a: int, b: int) -> tuple:
    """The matches, ignored tokens and markers of a doc's tokens ``[a, b)``, counted from
    ``a``: what ``_resolve`` finds in them alone when no phrase spans two sentences."""
    matches, ignored, markers = matched
    lo, hi = bisect_left(matches, (a,)), bisect_left(matches, (b,))
    kept = [(start - a, end - a, rule) for start, end, rule in matches[lo:hi]]
    lo, hi = bisect_left(markers, (a,)), bisect_left(markers, (b,))
    marks = [(start - a, end - a, kind) for start, end, kind in markers[lo:hi]]
    return kept, {i - a for i in ignored if a <= i < b}, marks


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
    topic_question: str = ""  # the question that set ``topic`` (before any prompt to go on)
    change: bool = False  # ``topic_question`` asks what should change ("Ada saran?")
    keep: bool = False  # ``topic_question`` asks what is good or should stay ("And keep?")
    greeted: str = ""  # the greeting of the opening turn it answers ("Selamat sore")


def code_corpus(corpus: Corpus | PathLike, codebook: Codebook | PathLike) -> CodingResult:
    """Segment and code a corpus with a codebook: the coding step as one call."""
    return Coder(codebook).code(corpus)
