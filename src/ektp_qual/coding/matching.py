"""Phrase matching: word keys, the codebook's phrase matchers, and what a doc matches."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from itertools import product

import numpy as np

from ..language.evaluative import default_judgements
from ..language.words import WordKeys, opening_marks
from .rules import KEPT_IN_GAPS, KEPT_IN_PHRASES, MARKER_LISTS, MARKERS, WIN_OVER_PHRASES, Rule
from .segments import Tokens, unwrapped


class Matching:
    """How a ``Coder`` finds its codebook's phrases and markers in a doc.

    A part of ``Coder`` (``coding.coder``), which sets the attributes it reads.
    """

    def _marker_words(self, kind: str) -> tuple[str, ...]:
        name = MARKER_LISTS[kind]
        if name in ("negators", "irrealis", "clause_breaks"):
            return getattr(self.codebook, name)
        return getattr(self.codebook.discourse, name)

    def _key_words(self, docs) -> None:
        """Give every new word of ``docs`` its key, which the matcher compares (NORM)."""
        self._key_orths(np.concatenate([doc.to_array(["ORTH"]) for doc in docs] or [[]]))

    def _keyed_norms(self, orths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The word key (NORM id) of each token, from its ORTH id, keying words not keyed
        before; and which tokens may begin a phrase matched with words between its words."""
        unique, inverse = np.unique(orths, return_inverse=True)
        self._key_orths(unique)
        vocab = self.nlp.vocab
        keys = np.array([vocab[o].norm for o in unique.tolist()], dtype=np.uint64)
        return keys[inverse], np.isin(keys, self._loose_firsts)[inverse]

    def _key_orths(self, orths: np.ndarray) -> None:
        """Key every word among ``orths`` (ORTH ids) not keyed before."""
        vocab = self.nlp.vocab
        for orth in set(orths.tolist()) - self._keyed:
            self._keyed.add(orth)
            lexeme = vocab[orth]
            key = self.keys.key(lexeme.orth_)
            if key != lexeme.norm_:
                lexeme.norm_ = key

    def _build_matcher(self) -> None:
        from spacy.matcher import PhraseMatcher

        cb = self.codebook
        entries: list[Rule] = []
        for c in cb.criteria:
            entries += [Rule("criterion", c.id, "positive", p) for p in c.positive]
            entries += [Rule("criterion", c.id, "negative", p) for p in c.negative]
        entries += [Rule("evaluative", "", "positive", p) for p in cb.evaluative_positive]
        entries += [Rule("evaluative", "", "negative", p) for p in cb.evaluative_negative]
        entries += [Rule("evaluative", "", "positive", p) for p in cb.discourse.evaluative_positive]
        entries += [Rule("evaluative", "", "negative", p) for p in cb.discourse.evaluative_negative]
        entries += [Rule("ignore", "", "", p) for p in cb.ignore]
        entries += [Rule("short_judgement", "", pol, p) for pol, p in self._short_judgements()]
        for kind in MARKERS:
            entries += [Rule(kind, "", "", p) for p in self._marker_words(kind)]
        talk = cb.discourse
        answers = [Rule("affirm", "", "", p) for p in talk.affirm]
        answers += [Rule("deny", "", "", p) for p in talk.deny]
        answers += [Rule("filler", "", "", p) for p in talk.fillers]
        answers += [Rule("follow_up", "", "", p) for p in talk.follow_ups]
        answers += [Rule("question_word", "", "", p) for p in talk.question_words]
        answers += [Rule("event", "", "", p) for p in talk.events]
        answers += [Rule("small_talk", "", "", p) for p in talk.small_talk]
        # A phrase written with a hyphened clitic ("OTP-nya") is one word, as in a text.
        docs = [self._merge_clitics(self.nlp.make_doc(rule.phrase)) for rule in entries]
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
        # When no phrase can match across sentences, a sentence codes the same wherever
        # it stands, and the coder reads each distinct sentence once (see ``code``).
        self._sentences_alone = not any(self.sentences.may_span(doc) for doc in docs)
        # A phrase that holds a negator or another marker ("tidak jalan") says exactly
        # what it says: only phrases of content words match with words between them.
        marker_keys = {
            doc[0].norm
            for rule, doc in zip(entries, docs, strict=True)
            if rule.kind in MARKER_LISTS and len(doc) == 1
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

    @cached_property
    def _grammar_keys(self) -> frozenset[str]:
        """The keys of the words of grammar (negators, wishes, yes and no, ...)."""
        return frozenset(self.keys.key(w.lower()) for w in self._grammar_words)

    def _either_order(self, doc) -> bool:
        """Whether a criterion's phrase also holds in the other order: two content words."""
        return (
            len(doc) == 2
            and all(t.is_alpha for t in doc)
            and not any(self.keys.key(t.text) in self._grammar_keys for t in doc)
        )

    def _short_judgements(self) -> list[tuple[str, str]]:
        """``(polarity, word)`` of the language's generic judgements that count in a short
        judging answer alone ("Gampang, Mas."): all of them, unless the codebook already
        counts them everywhere (``default_judgements: true``), less its own words."""
        cb = self.codebook
        if cb.discourse.evaluative_positive or cb.discourse.evaluative_negative:
            return []
        taken = frozenset(
            p.casefold()
            for p in (
                *(p for c in cb.criteria for p in (*c.positive, *c.negative)),
                *cb.evaluative_positive,
                *cb.evaluative_negative,
                *cb.ignore,
            )
        )
        return [
            (polarity, word)
            for polarity in ("positive", "negative")
            for word in default_judgements(cb.language, polarity, taken)
        ]

    def _add(self, matcher, rule: Rule, doc) -> None:
        """Add a phrase; a word written as a root also matches the root's derived forms."""
        from spacy.tokens import Doc

        name = "\x1f".join((rule.kind, rule.criterion, rule.polarity, rule.phrase))
        match_id = self.nlp.vocab.strings.add(name)
        self._rules[match_id] = rule
        if rule.kind in WIN_OVER_PHRASES:
            # Words of grammar match as written (in spelling and spoken variants), never
            # a derivation of their root: the wish "biar" is not "dibiarin" (left alone).
            options = [(t.norm_,) for t in doc]
        else:
            options = [self.keys.alternatives(t.norm_) for t in doc]
        patterns = [doc] if all(len(o) == 1 for o in options) else []
        for norms in product(*options) if not patterns else ():
            pattern = Doc(self.nlp.vocab, words=[t.text for t in doc])
            for token, norm in zip(pattern, norms, strict=True):
                token.norm_ = norm
            patterns.append(pattern)
        # A criterion's phrase of two content words holds in the other order too, as
        # written ("kecewa semua" for "semua kecewa"), never through a derivation
        # ("matiin air", turning the water off, is no "air mati") nor with a negator or
        # another word of grammar ("ribet nggak?" asks; "nggak ribet" praises).
        if matcher is self.matcher and rule.kind == "criterion" and self._either_order(doc):
            flipped = Doc(self.nlp.vocab, words=[t.text for t in reversed(doc)])
            for token, source in zip(flipped, reversed(doc), strict=True):
                token.norm_ = source.norm_
            patterns = [*patterns, flipped]
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
        ``phrase_gap`` words may stand between its words, within a clause, and a
        criterion's phrase of two content words is found in the other order too,
        adjacent and as written (``_either_order``). Every
        occurrence counts, also where the coder would prefer a longer overlapping phrase
        or the ``ignore`` list. Returns ``(start, end)`` character offsets into each text.
        """
        pattern = self._merge_clitics(self.nlp.make_doc(" ".join(phrase.split())))
        if all(t.is_punct or t.is_space for t in pattern):
            raise ValueError(f"phrase {phrase!r} has no words to search for")
        keys = self._keys_with([t.text for t in pattern if t.is_alpha])
        wanted = [set(keys.alternatives(keys.key(t.text))) for t in pattern]
        gap = self.codebook.phrase_gap if all(t.is_alpha for t in pattern) else 0
        criteria = {p for c in self.codebook.criteria for p in (*c.positive, *c.negative)}
        flipped = (
            (keys.key(pattern[1].text), keys.key(pattern[0].text))
            if phrase in criteria and self._either_order(pattern)
            else None
        )
        found = []
        for doc in self.nlp.pipe(map(unwrapped, texts)):
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
            if flipped:
                spans += [
                    (doc[i].idx, doc[i + 1].idx + len(doc[i + 1]))
                    for i in range(len(words) - 1)
                    if (words[i], words[i + 1]) == flipped
                ]
            found.append(sorted(spans))
        return found

    def _keys_with(self, words: list[str]) -> WordKeys:
        """The coder's word keys, extended by phrase words the codebook does not have."""
        new = [w for w in words if self.keys.base(w.lower()) not in self.keys.phrase_bases]
        if not new:
            return self.keys
        return WordKeys(self.codebook.morphology, [*self._phrase_words, *new], self._grammar_words)

    def _opening(self, tokens: Tokens) -> np.ndarray:
        """The tokens that open a quotation or bracket, for the sentence splitter."""
        return opening_marks(tokens.orth, *tokens.offsets, self.nlp.vocab)

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
            for i, lower in enumerate(doc.to_array("LOWER").tolist())
            if lower in clitics and i > 0 and not doc[i - 1].whitespace_
        ]
        if spans:
            with doc.retokenize() as retokenizer:
                for span in spans:
                    retokenizer.merge(span)
        return doc

    def _resolve(self, doc, loose: tuple | None = None, a: int = 0, b: int | None = None):
        """Evidence matches (longest first where they overlap), ignored tokens, and markers.

        Of the whole doc, or of its tokens ``[a, b)`` alone (``loose`` then of those
        tokens), with positions counted from ``a``.

        Evidence is ``(start, end, rule)``; a phrase of several words also matches with up
        to ``phrase_gap`` other words between its words (``loose``: the doc's word keys,
        punctuation flags and the positions where such a phrase's first word stands),
        but never across punctuation, a marker or other evidence; where matches overlap,
        the one with more phrase words wins, then the one without gaps.

        Markers (negators, wishes, clause breaks, contrast, fixes, subjects, quantity) are
        ``(start, end, kind)``, sorted, the longest winning where they overlap. One inside
        an ``ignore`` phrase ("tidak apa-apa") is no marker, nor, save a fix or a
        subject, one wholly inside a longer matched phrase ("tidak ada pungli"), though
        one that only begins before a phrase stands ("kalau ada" before "ada kursi"); one that
        covers all of a phrase's words ("mudah-mudahan" over "mudah", "good luck" over
        "good") is that marker, and the phrase is not matched there (``WIN_OVER_PHRASES``).
        """
        by_span: dict[tuple[int, int, int], list[Rule]] = {}
        found_markers: dict[tuple[int, int], list[str]] = {}
        rules = self._rules
        marker_kinds = self._marker_kinds
        span = doc if b is None else doc[a:b]
        for match_id, start, end in self.matcher(span):
            start, end = start - a, end - a
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
        n = len(span)
        taken, in_phrase, gapped, marked = bytearray(n), bytearray(n), bytearray(n), bytearray(n)
        kept: list[tuple[int, int, Rule]] = []
        ignored: set[int] = set()
        winning = [
            span for span, kinds in found_markers.items() if not WIN_OVER_PHRASES.isdisjoint(kinds)
        ]
        for (start, end, size), span_rules in sorted(
            by_span.items(), key=lambda s: (-s[0][2], s[0][1] - s[0][0], s[0])
        ):
            if 1 in taken[start:end]:
                continue
            if winning and any(m_start <= start and end <= m_end for m_start, m_end in winning):
                # A wish, negator or other marker written over all of a phrase's words
                # is that marker, not the phrase: only an ``ignore`` phrase stays.
                span_rules = [r for r in span_rules if r.kind == "ignore"]
                if not span_rules:
                    continue
            ones = b"\x01" * (end - start)
            taken[start:end] = ones
            # An ``ignore`` phrase over exactly these words hides them from every phrase.
            ignoring = any(r.kind == "ignore" for r in span_rules)
            evidence = [] if ignoring else [(start, end, r) for r in span_rules]
            kept += evidence
            if evidence:
                in_phrase[start:end] = ones
                if size < end - start:
                    gapped[start:end] = ones
            if ignoring:
                ignored.update(range(start, end))
        kept.sort(key=lambda m: (m[0], m[1]))
        markers: list[tuple[int, int, str]] = []
        for (start, end), kinds in sorted(
            found_markers.items(), key=lambda s: (s[0][0] - s[0][1], s[0])
        ):
            if 1 in marked[start:end] or (ignored and not ignored.isdisjoint(range(start, end))):
                continue
            if 0 not in in_phrase[start:end]:
                kept_inside = KEPT_IN_GAPS if 0 not in gapped[start:end] else KEPT_IN_PHRASES
                kinds = [k for k in kinds if k in kept_inside]
            if kinds:
                marked[start:end] = b"\x01" * (end - start)
                markers += [(start, end, kind) for kind in kinds]
        markers.sort()
        return kept, ignored, markers

    def _loose_inputs(self, doc) -> tuple:
        """What ``_resolve`` needs for gapped matches in one doc."""
        norms = doc.to_array("NORM").tolist()
        starts = [i for i, norm in enumerate(norms) if norm in self._loose]
        return norms, doc.to_array("IS_PUNCT").tolist(), starts

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
