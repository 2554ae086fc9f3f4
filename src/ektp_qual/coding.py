"""Text in, codings out: segmentation, phrase matching, negation and structural coding.

Pure functions of a corpus and a codebook: nothing here prints or touches files.

* Segmentation: each informant turn is split into paragraphs (blank lines) and
  sentences (the rule of spaCy's sentencizer); each sentence is a segment with a stable
  id and its offsets into the transcript body.
* Phrase coding: a codebook phrase matches whole words in order, compared by word key
  (see ``language``); where phrases overlap, the longest wins.
* Negation: a negator among the ``negation_window`` words before a phrase, in the same
  clause, flips its polarity.
* Structural coding: an informant's answer to an interviewer turn that asks a
  criterion's guide question (in any wording close enough) is about that criterion, and
  the generic judgements in it (``evaluative``) count for it.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from hashlib import sha1

import numpy as np
import pandas as pd
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, ORTH

from .language import SentenceSplitter, WordKeys, blank_pipeline
from .model import CODING_COLUMNS, SEGMENT_COLUMNS, Codebook, Corpus, Transcript

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_WORD = re.compile(r"[^\W\d_]+")
_NEWLINE = re.compile("\n")
# Punctuation that does not end a negator's reach: word-internal hyphens and quotes.
_SCOPE_TRANSPARENT = {"-", "'", '"', "“", "”", "‘", "’"}
# Minimum share of a question's informative words that a criterion must account for.
TOPIC_MIN_SCORE = 0.4
# An interviewer turn of at most this many words that names no criterion is a follow-up
# ("Terus, Bu?", "Maksudnya bagaimana, Pak?") and keeps the topic of the question before.
FOLLOW_UP_MAX_WORDS = 4
_BATCH = 1000
# Rule kinds that mark words for negation and its kin rather than code evidence.
_MARKERS = ("negator", "irrealis", "clause_break")
# What the coder reads of each token, in this order (see ``_Tokens``).
_TOKEN_ATTRS = [ORTH, IS_PUNCT, IS_SPACE, IDX, LENGTH]


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

    def unmatched_phrases(self) -> pd.DataFrame:
        """Codebook phrases that coded nothing: columns ``list``, ``polarity``, ``phrase``."""
        structural = (self.codings["method"] == "structural").to_numpy()
        criteria = self.codings["criterion"].to_numpy()
        phrases = self.codings["phrase"].to_numpy()
        fired = set(zip(criteria[~structural], phrases[~structural], strict=True))
        fired |= {("evaluative", p) for p in phrases[structural]}
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


class Coder:
    """Codes transcripts against one codebook. Build once, reuse for many corpora."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.nlp = blank_pipeline(codebook)
        self.sentences = SentenceSplitter(self.nlp.vocab)
        phrases = [
            *(p for c in codebook.criteria for p in (*c.positive, *c.negative)),
            *codebook.evaluative_positive,
            *codebook.evaluative_negative,
            *codebook.negators,
            *codebook.ignore,
            *codebook.clause_breaks,
            *codebook.irrealis,
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
        self._topics: dict[str, tuple[str | None, float]] = {}
        self._rules: dict[int, _Rule] = {}
        self.readings: dict[tuple[str, str, str], str] = {}
        self._build_matcher()
        self._transparent = {strings.add(w) for w in _SCOPE_TRANSPARENT}
        self._sha = codebook.sha256[:12]

    def _key_words(self, docs) -> None:
        """Give every new word of ``docs`` its key, which the matcher compares (NORM)."""
        self._key_orths(np.concatenate([doc.to_array([ORTH]) for doc in docs] or [[]]))

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
        entries += [_Rule("negator", "", "", p) for p in cb.negators]
        entries += [_Rule("irrealis", "", "", p) for p in cb.irrealis]
        entries += [_Rule("clause_break", "", "", p) for p in cb.clause_breaks]
        docs = [self.nlp.make_doc(rule.phrase) for rule in entries]
        self._key_words(docs)
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
            name = "\x1f".join((rule.kind, rule.criterion, rule.polarity, rule.phrase))
            match_id = self.nlp.vocab.strings.add(name)
            self._rules[match_id] = rule
            self.matcher.add(name, [doc])

    # -- search ------------------------------------------------------------------------

    def find(self, phrase: str, texts: Iterable[str]) -> list[list[tuple[int, int]]]:
        """Where ``phrase`` occurs in each text, matched as the coder matches a codebook phrase.

        Same tokenisation, clitic merging and word keys as coding, with the phrase's words
        counted among the codebook's, as if it were added to it: a root the codebook does
        not use (``layan``) still finds its derived forms (``dilayani``). For a phrase
        whose words the codebook has, the keys are exactly the coder's. Every occurrence
        counts, also where the coder would prefer a longer overlapping phrase or the
        ``ignore`` list. Returns ``(start, end)`` character offsets into each text.
        """
        pattern = self.nlp.make_doc(" ".join(phrase.split()))
        if all(t.is_punct or t.is_space for t in pattern):
            raise ValueError(f"phrase {phrase!r} has no words to search for")
        keys = self._keys_with([t.text for t in pattern if t.is_alpha])
        wanted = [keys.key(t.text) for t in pattern]
        n = len(wanted)
        found = []
        for doc in self.nlp.pipe(map(_unwrapped, texts)):
            doc = self._merge_clitics(doc)
            words = [keys.key(t.text) for t in doc]
            found.append(
                [
                    (doc[i].idx, doc[i + n - 1].idx + len(doc[i + n - 1]))
                    for i in range(len(words) - n + 1)
                    if words[i] == wanted[0] and words[i : i + n] == wanted
                ]
            )
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
        matches, ignored, _ = self._resolve(doc)
        covered = {
            i: rule.criterion
            for start, end, rule in matches
            if rule.kind == "criterion"
            for i in range(start, end)
        }
        stop = self.nlp.Defaults.stop_words
        return [
            (t.norm_, covered.get(t.i, ""))
            for t in doc
            if t.is_alpha
            and len(t.text) > 2
            and t.i not in ignored
            and (t.i in covered or (t.lower_ not in stop and t.norm_ not in stop))
        ]

    @cached_property
    def _topic_model(self) -> tuple[dict[str, set[str]], dict[str, float]]:
        """Per criterion, the words of its guide questions and labels, and their idf."""
        words: dict[str, set[str]] = {}
        for c in self.codebook.criteria:
            words[c.id] = {
                key
                for text in (*c.questions, c.label, c.label_en)
                for key, _ in self._question_words(text)
            }
        n = len(words)
        df = Counter(k for w in words.values() for k in w)
        idf = {k: math.log((n + 1) / count) for k, count in df.items()}
        return words, idf

    def _topic_of(self, question: str) -> tuple[str | None, float]:
        """``question_topic``, remembered: interviews repeat the guide's questions."""
        found = self._topics.get(question)
        if found is None:
            found = self._topics[question] = self.question_topic(question)
        return found

    def question_topic(self, question: str) -> tuple[str | None, float]:
        """The criterion a question asks about, with its score.

        The score of a criterion is the share of the question's information (idf) carried
        by words of that criterion's guide questions and labels, with words that only its
        phrases cover counting half.
        Returns ``(None, score)`` for a question about something else (small talk), and
        ``("", 0)`` for a short follow-up ("Terus, Bu?") that keeps the previous topic.
        """
        words, idf = self._topic_model
        found = list(dict(self._question_words(question)).items())
        if not any(k in idf or c for k, c in found) and (
            _word_count(question) <= FOLLOW_UP_MAX_WORDS
        ):
            return "", 0.0
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

    # -- coding ------------------------------------------------------------------------

    def code(self, corpus: Corpus) -> CodingResult:
        """Segment and code every informant turn of the corpus."""
        units = list(self._units(corpus))
        segment_rows: list[tuple] = []
        coding_rows: list[tuple] = []
        occurrences: dict[str, _Occurrences] = {}
        for start in range(0, len(units), _BATCH):
            batch = units[start : start + _BATCH]
            texts = [_unwrapped(unit[-1]) for unit in batch]
            docs = [
                self._merge_clitics(doc, text)
                for doc, text in zip(self.nlp.pipe(texts), texts, strict=True)
            ]
            tokens = _Tokens(docs)
            self._key_orths(tokens.orth)
            firsts = self.sentences.starts_in(tokens.orth, tokens.punct, tokens.doc_starts)
            bounds = np.searchsorted(firsts, tokens.doc_starts).tolist()
            firsts = firsts.tolist()
            for k, (unit, doc) in enumerate(zip(batch, docs, strict=True)):
                transcript = unit[0]
                found = occurrences.get(transcript.informant)
                if found is None:
                    found = occurrences[transcript.informant] = _Occurrences(transcript)
                sentences = firsts[bounds[k] : bounds[k + 1]]
                self._code_doc(unit, doc, tokens, k, sentences, found, segment_rows, coding_rows)
        segments = pd.DataFrame(segment_rows, columns=SEGMENT_COLUMNS)
        codings = pd.DataFrame(coding_rows, columns=CODING_COLUMNS)
        codings["negated"] = codings["negated"].astype(bool)
        return CodingResult(segments, codings, self.codebook, self.readings)

    def _units(self, corpus: Corpus):
        """(transcript, turn number, question, topic, paragraph offset, paragraph text)."""
        for transcript in corpus.transcripts:
            question, topic = "", ""
            informant_turn = 0
            for turn in transcript.turns:
                if turn.is_interviewer:
                    found, _ = self._topic_of(turn.text)
                    if found != "":
                        question, topic = " ".join(turn.text.split()), found or ""
                    continue
                informant_turn += 1
                for offset, text in _paragraphs(turn.text, turn.start):
                    yield transcript, informant_turn, question, topic, offset, text

    def _code_doc(
        self,
        unit,
        doc,
        tokens: _Tokens,
        k: int,
        firsts: list[int],
        occurrences: _Occurrences,
        segment_rows: list,
        coding_rows: list,
    ) -> None:
        """Segments and codings of one paragraph, the ``k``-th doc of ``tokens``.

        Token indices are into the batch's concatenated arrays; ``firsts`` are the first
        tokens of the doc's sentences.
        """
        transcript, turn_no, question, topic, offset, text = unit
        informant, role = transcript.informant, transcript.role
        at = tokens.starts[k]
        matches, ignored, markers = self._resolve(doc)
        by_sentence: dict[int, list[tuple[int, int, _Rule]]] = {}
        for match in matches:
            by_sentence.setdefault(bisect_right(firsts, at + match[0]) - 1, []).append(match)
        idx, length = tokens.idx, tokens.length
        bounds = [*firsts, tokens.starts[k + 1]]
        number = occurrences.sentences.get(turn_no, 0)
        # The paragraph lies within one turn: its lines follow from the first one's.
        first_line = occurrences.line(offset)
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
                (
                    segment_id,
                    informant,
                    role,
                    turn_no,
                    number,
                    first_line + text.count("\n", 0, begin),
                    start,
                    end,
                    stripped,
                    question,
                    topic,
                )
            )
            for m_start, m_end, rule in by_sentence.get(s, ()):
                if rule.kind == "evaluative" and not topic:
                    continue
                wish, negator = self._in_reach(
                    tokens, text, first - at, at, m_start, ignored, markers
                )
                if wish:
                    continue
                polarity = rule.polarity
                if negator:
                    polarity = "negative" if polarity == "positive" else "positive"
                if rule.kind == "evaluative":
                    criterion, method = topic, "structural"
                    origin = f"evaluative.{rule.polarity} in an answer about {topic}"
                else:
                    criterion = rule.criterion
                    method = "negated phrase" if negator else "phrase"
                    origin = f"{criterion}.{rule.polarity}"
                if negator:
                    origin += f", negated by {negator!r}"
                m_last = at + m_end - 1
                coding_rows.append(
                    (
                        segment_id,
                        informant,
                        role,
                        criterion,
                        polarity,
                        method,
                        rule.phrase,
                        bool(negator),
                        start,
                        end,
                        stripped,
                        negator,
                        text[idx[at + m_start] : idx[m_last] + length[m_last]],
                        origin,
                        self._sha,
                    )
                )
        occurrences.sentences[turn_no] = number

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

    def _resolve(self, doc) -> tuple[list[tuple[int, int, _Rule]], set[int], dict]:
        """Evidence matches (longest first where they overlap), ignored tokens, and markers.

        Markers are negators, wish words and clause breaks, keyed by the index of their
        last word, with the index of their first; one inside a matched phrase
        ("tidak ada pungli") is part of that phrase, not a marker.
        """
        by_span: dict[tuple[int, int], list[_Rule]] = {}
        found_markers = []
        rules = self._rules
        for match_id, start, end in self.matcher(doc):
            rule = rules[match_id]
            if rule.kind in _MARKERS:
                found_markers.append((start, end, rule.kind))
            else:
                by_span.setdefault((start, end), []).append(rule)
        kept: list[tuple[int, int, _Rule]] = []
        ignored: set[int] = set()
        taken: set[int] = set()
        in_phrase: set[int] = set()
        for (start, end), span_rules in sorted(
            by_span.items(), key=lambda s: (s[0][0] - s[0][1], s[0])
        ):
            span = range(start, end)
            if not taken.isdisjoint(span):
                continue
            taken.update(span)
            evidence = [(start, end, r) for r in span_rules if r.kind != "ignore"]
            kept += evidence
            if evidence:
                in_phrase.update(span)
            if len(evidence) < len(span_rules):
                ignored.update(span)
        kept.sort(key=lambda m: m[0])
        markers = {
            end - 1: (kind, start)
            for start, end, kind in found_markers
            if in_phrase.isdisjoint(range(start, end))
        }
        return kept, ignored, markers

    def _in_reach(
        self,
        tokens: _Tokens,
        text: str,
        sent_start: int,
        at: int,
        match_start: int,
        skip: set[int],
        markers: dict,
    ) -> tuple[str, str]:
        """The words of the wish (irrealis) and of the negator in reach before a match.

        Reach is ``negation_window`` words back, within the sentence, and stops at
        punctuation or a clause break; the nearest marker of each kind counts, and a
        marker of the other kind counts as a word. ``sent_start``, ``match_start``,
        ``skip`` and ``markers`` count tokens in the doc, which begins at token ``at`` of
        ``tokens``; ``text`` is the doc's text as written. '' where there is none.
        """
        orth, punct, space = tokens.orth_list, tokens.punct_list, tokens.space_list
        found: dict[str, str] = {}
        words = 0
        i = match_start - 1
        while i >= sent_start and words < self.codebook.negation_window:
            marker = markers.get(i)
            if marker is not None:
                if marker[0] == "clause_break":
                    break
                if marker[0] not in found:
                    first, last = at + marker[1], at + i
                    found[marker[0]] = _unwrapped(
                        text[tokens.idx[first] : tokens.idx[last] + tokens.length[last]]
                    )
            if space[at + i] or orth[at + i] in self._transparent or (i in skip and marker is None):
                i -= 1
                continue
            if punct[at + i]:
                break
            words += 1
            i -= 1
        return found.get("irrealis", ""), found.get("negator", "")


class _Tokens:
    """The token arrays of a batch of docs laid end to end, read once from spaCy.

    ``doc_starts[k]`` is where the ``k``-th doc begins; one more entry marks the end.
    """

    def __init__(self, docs: list) -> None:
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


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


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
