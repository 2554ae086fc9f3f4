"""Questions: what an interviewer turn asks, its topic and what it proposes."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from ..language.discourse import TOPIC_WORDS
from ..language.words import DERIVED, VOICELESS, voiceless
from ..model import PHRASE_SEPARATOR
from .rules import Rule
from .segments import Tokens, unwrapped

_WORD = re.compile(r"[^\W\d_]+")
# The share of a question's informative words (idf) that a criterion must exceed to be its
# topic: a question at exactly this share ("Capek ya, Mbak, seharian di depan komputer?",
# two of three words a phrase's, at half weight) is small talk more often than not.
TOPIC_MIN_SCORE = 0.4
# How much a word only the criterion's phrases have counts, against a word of its guide.
PHRASE_WEIGHT = 0.5
# How much of that a word counts when a phrase has only its root, in another derivation
# ("pengalaman", experience, against a phrase's "berpengalaman", experienced).
ROOT_WEIGHT = 0.5
# A question that repeats most of a guide question's words asks that guide's question.
GUIDE_SHARED = 2
GUIDE_SHARE = 0.55


@dataclass(frozen=True)
class Question:
    """What an interviewer turn asks (see ``Coder.read_question``)."""

    follow_up: bool = False
    topic: str = ""
    cues: tuple[tuple[str, str], ...] = ()  # (criterion, polarity) the question proposes
    cue_words: str = ""
    asks: frozenset[str] = frozenset()  # its words, but prompts and fillers (lower case)
    change: bool = False  # asks what should change ("Ada saran?"): see ``change_questions``
    keep: bool = False  # asks what is good or should stay ("And keep?"): ``keep_questions``
    greeting: str = ""  # the greeting it opens with, asking nothing of the service: ``greetings``
    background: bool = False  # asks about the informant: ``background_questions``


def is_word(token) -> bool:
    """Whether a token is a word: letters only, or a word with its clitic merged after a
    hyphen ("KTP-nya"), which a question about the card asks about as much as "kartunya"."""
    return token.is_alpha or token.text.replace("-", "").isalpha()


def words_of(text: str) -> set[str]:
    """The lower-case words of a text, for a question's echo of the answer before it."""
    return set(_WORD.findall(text.lower()))


class QuestionReading:
    """How a ``Coder`` reads the interviewer's questions.

    A part of ``Coder`` (``coding.coder``), which sets the attributes it reads.
    """

    def _question_words(self, text: str, fillers_known: bool = True) -> list[tuple[str, str, str]]:
        """(key, root, criterion whose phrase covers the word or "") for each telling word.

        Left out: spans of the codebook's ``ignore`` list (place names, "terima kasih") and
        the language's function words (spaCy's stop words), unless a codebook phrase
        covers them ("sudah jadi"): with a handful of guide questions per criterion, a word
        like "kalau" would otherwise look telling just by where it happens to stand. So
        are the particles and forms of address of ``fillers`` ("Pak", "Mas", "sih",
        "mate"), which would weigh against every criterion in "Persyaratannya, Bu?",
        unless the criteria's own words use them ("fair"; with ``fillers_known`` false,
        while those words are gathered, none is left out).
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
        stop = self._stop_words
        ignored = ignored | self._role_tokens(doc)
        fillers = self._covered(doc, 0, len(doc), ("filler",)) if fillers_known else {}
        if fillers:
            known = self._topic_vocabulary
            fillers = {
                i
                for i in fillers
                if self._guide_key(doc[i].lower_, doc[i].norm_) not in known
                and self._topic_key(doc[i].lower_, doc[i].norm_) not in known
            }
        return [
            (
                self._guide_key(t.lower_, t.norm_),
                self._topic_key(t.lower_, t.norm_),
                covered.get(t.i, ""),
            )
            for t in doc
            if is_word(t)
            and len(t.text) > 2
            and t.i not in ignored
            and (
                t.i in covered
                or (t.lower_ not in stop and t.norm_ not in stop and t.i not in fillers)
            )
        ]

    @cached_property
    def _stop_words(self) -> frozenset[str]:
        """spaCy's stop words of the language, less the content words among them that
        name what a service is about (``discourse.TOPIC_WORDS``: "tempat", "waktu")."""
        return frozenset(self.nlp.Defaults.stop_words) - TOPIC_WORDS.get(
            self.codebook.language, frozenset()
        )

    def _guide_words(self, text: str) -> list[tuple[str, str, str]]:
        """``_question_words`` of a criterion's guide text, read once for every use."""
        found = self._guide_texts.get(text)
        if found is None:
            found = self._guide_texts[text] = self._question_words(text, fillers_known=False)
        return found

    @cached_property
    def _guide_texts(self) -> dict[str, list[tuple[str, str, str]]]:
        return {}

    def _guide_key(self, lower: str, norm: str) -> str:
        """A word's key for comparing a question with the criteria's guides: its word key,
        but a verb in its written voice (a guide's ``dilayani`` is not its ``melayani``),
        since which voice a guide question uses tells which criterion it is about."""
        if VOICELESS not in norm:
            return norm.removesuffix(DERIVED)
        base = self.keys.base(lower)
        derived = self.keys.derivation(base)
        return derived[1] if derived is not None else base

    def _topic_key(self, lower: str, norm: str) -> str:
        """A word's root for comparing a question with the criteria's phrases, whenever
        the stemmer finds one (``dibentak`` and ``membentak`` are both ``bentak``,
        whether or not a phrase uses the root), else its word key."""
        found = self._topic_keys.get(lower)
        if found is None:
            found = norm.removesuffix(DERIVED)
            derived = self.keys.derivation(self.keys.base(lower))
            if derived is not None:
                found = derived[0]
            self._topic_keys[lower] = found
        return found

    @cached_property
    def _topic_keys(self) -> dict[str, str]:
        return {}

    def _phrase_topic_words(self, phrase: str) -> set[str]:
        """The content words of a criterion's phrase, keyed as question words are."""
        doc = self.nlp.make_doc(phrase)
        self._key_words([doc])
        stop = self._stop_words
        roles = self._role_tokens(doc)
        return {
            self._topic_key(t.lower_, t.norm_)
            for t in doc
            if is_word(t)
            and len(t.text) > 2
            and t.lower_ not in stop
            and t.norm_ not in stop
            and t.i not in roles
        }

    def _role_tokens(self, doc) -> set[int]:
        """Tokens of ``doc`` that name one of the codebook's deciding roles ("Sebagai
        pelanggan, ...", "As a passenger, ..."): who is asked, not what about, so no
        topic word, whichever criterion's words happen to mention them."""
        roles = self._role_keys
        if not roles:
            return set()
        keys = [self._topic_key(t.lower_, t.norm_) for t in doc]
        lower = [t.lower_ for t in doc]
        found: set[int] = set()
        for role in roles:
            n = len(role)
            for i in range(len(doc) - n + 1):
                if all(
                    keys[i + k] == word or lower[i + k] in (word + "s", word + "es")
                    for k, word in enumerate(role)
                ):
                    found.update(range(i, i + n))
        return found

    @cached_property
    def _role_keys(self) -> tuple[tuple[str, ...], ...]:
        """The deciding roles' names as word keys (``wajib_pajak``: ``wajib``, ``pajak``)."""
        found = []
        for role in self.codebook.decision.roles or ():
            doc = self.nlp.make_doc(re.sub(r"[_-]+", " ", role))
            self._key_words([doc])
            words = tuple(self._topic_key(t.lower_, t.norm_) for t in doc if is_word(t))
            if words:
                found.append(words)
        return tuple(found)

    @cached_property
    def _topic_model(self) -> tuple[dict[str, set[str]], dict[str, set[str]], tuple[dict, dict]]:
        """Per criterion, the words of its guide questions, labels and definition, the
        roots of its phrases' content words, and the idf over the criteria of each.

        The definition brings the wordings a guide question may not use ("sesuai janji",
        "nama baik"), the phrases the words people use ("calo", "genset"); words every
        criterion shares weigh nothing.
        """
        words: dict[str, set[str]] = {}
        phrase_words: dict[str, set[str]] = {}
        for c in self.codebook.criteria:
            words[c.id] = {
                key
                for text in (*c.questions, c.label, c.label_en, c.definition)
                for key, _, _ in self._guide_words(text)
            }
            phrase_words[c.id] = {
                key
                for phrase in (*c.positive, *c.negative)
                for key in self._phrase_topic_words(phrase)
            }
        n = len(words)
        # A word of the guide weighs what the guide makes it weigh; the phrases' roots
        # weigh only the words the guide never uses.
        df = Counter(k for w in words.values() for k in w)
        idf = {k: math.log((n + 1) / count) for k, count in df.items()}
        df = Counter(k for w in phrase_words.values() for k in w)
        phrase_idf = {k: math.log((n + 1) / count) for k, count in df.items()}
        return words, phrase_words, (idf, phrase_idf)

    def _guide_question_match(self, found) -> str | None:
        """The criterion one of whose guide questions the question all but repeats: the
        strongest evidence of a topic, above words its definition or another criterion's
        share ("Menunggu sampai dilayani?" against a guide "Berapa lama menunggu sampai
        dilayani?"). At least ``GUIDE_SHARED`` of the question's telling words, and more
        than ``GUIDE_SHARE`` of them, must be one guide question's, and no other
        criterion's guide question may match as well."""
        keys = set(found)
        least = GUIDE_SHARED
        if len(keys) < least:
            return None
        best: dict[str, float] = {}
        for c in self.codebook.criteria:
            for text in c.questions:
                guide = {key for key, _, _ in self._guide_words(text)}
                shared = len(keys & guide)
                if shared >= least:
                    best[c.id] = max(best.get(c.id, 0.0), shared / len(keys))
        ranked = sorted(best.values(), reverse=True)
        if ranked and ranked[0] > GUIDE_SHARE and (len(ranked) == 1 or ranked[1] < ranked[0]):
            return max(best, key=best.get)
        return None

    def _forms(self, text: str, keys) -> dict[str, str]:
        """Per guide key of ``keys``, the derived form of its word in ``text``, either
        voice of a verb read alike (``dibentak``, ``membentak``)."""
        doc = self.nlp.make_doc(text)
        self._key_words([doc])
        found = {}
        for t in doc:
            key = self._guide_key(t.lower_, t.norm_)
            if key in keys and key not in found:
                derived = self.keys.derivation(self.keys.base(t.lower_))
                found[key] = voiceless(*derived) if derived else t.norm_.removesuffix(DERIVED)
        return {k: found.get(k, k) for k in keys}

    @cached_property
    def _phrase_forms(self) -> dict[str, frozenset[str]]:
        """Per criterion, the derived forms of its phrases' words (``_forms``)."""
        found = {}
        for c in self.codebook.criteria:
            forms: set[str] = set()
            for phrase in (*c.positive, *c.negative):
                doc = self.nlp.make_doc(phrase)
                self._key_words([doc])
                keys = {self._guide_key(t.lower_, t.norm_) for t in doc if is_word(t)}
                forms.update(self._forms(phrase, keys).values())
            found[c.id] = frozenset(forms)
        return found

    @cached_property
    def _topic_vocabulary(self) -> frozenset[str]:
        """Every word of the criteria's guides and phrases (``_topic_model``)."""
        words, phrase_words, _ = self._topic_model
        return frozenset().union(*words.values(), *phrase_words.values())

    def question_topic(self, question: str) -> tuple[str | None, float]:
        """The criterion a question asks about, with its score.

        The score of a criterion is the share of the question's information (idf) carried
        by words of that criterion's guide questions, labels and definition, with words
        that only its phrases have or cover counting half. Returns ``(None, score)`` when no
        criterion clearly leads: a question about something else has no topic, rather
        than a guessed one.
        """
        words, phrase_words, (idf, phrase_idf) = self._topic_model
        found = {key: (root, c) for key, root, c in self._question_words(question)}
        forms = self._forms(question, found)
        phrase_forms = self._phrase_forms
        unknown = math.log(len(words) + 1) / 2
        weight = {
            k: idf[k] if k in idf else phrase_idf.get(root, unknown)
            for k, (root, _) in found.items()
        }
        total = sum(weight.values())
        if total <= 0:
            return None, 0.0
        guide = self._guide_question_match(found)
        if guide is not None:
            return guide, 1.0
        scores = sorted(
            (
                (
                    sum(
                        w
                        if k in words[cid]
                        else w * PHRASE_WEIGHT
                        if c == cid or forms[k] in phrase_forms[cid]
                        else w * PHRASE_WEIGHT * ROOT_WEIGHT
                        for (k, (root, c)), w in zip(found.items(), weight.values(), strict=True)
                        if c == cid or k in words[cid] or root in phrase_words[cid]
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
        if best > TOPIC_MIN_SCORE and best > runner_up:
            return cid, best
        return None, best

    def read_question(self, question: str, previous_answer: str = "") -> Question:
        """What an interviewer turn asks: a prompt to go on, or a topic and what it proposes.

        A prompt to go on ("Terus?", "Maksudnya?", "Oh ya?", or words echoing the answer
        before it that lead to no topic of their own, "Tiga kali?") keeps the topic of the
        question before it; any other question sets its own topic, or none ("KTP-nya udah
        jadi?" asks about the card even after an answer that spoke of it). What it
        proposes (``cues``) is the criterion and polarity of the phrases it asks about
        ("Sudah tepat waktu?"), so a short answer can be read against it.
        """
        found = self._questions.get(question)
        if found is None:
            found = self._questions[question] = self._read_question(question)
        if (
            not found.follow_up
            and not found.topic
            and all(w in previous_answer.lower() for w in found.asks)  # cheap first look
            and found.asks <= words_of(previous_answer)
        ):
            return Question(follow_up=True)
        return found

    def _read_question(self, question: str) -> Question:
        """``read_question`` without the answer before it, remembered: guides repeat."""
        doc = self._merge_clitics(self.nlp.make_doc(unwrapped(question)))
        self._key_words([doc])
        prompt = self._covered(doc, 0, len(doc), ("follow_up", "filler"))
        asks = frozenset(t.lower_ for t in doc if is_word(t) and t.i not in prompt)
        if not asks:
            return Question(follow_up=any(is_word(t) for t in doc))
        greeting = self._greets(doc)
        if self._covered(doc, 0, len(doc), ("small_talk",)):
            # A remark about the interview's own day ("Kayak hari ini ya, Bu, panasnya.",
            # "Lovely weather today"): small talk, whatever criterion its words recall.
            return Question(asks=asks, greeting=greeting)
        tokens = Tokens([doc], self._transparent_ids)
        matches, ignored, markers = self._resolve(doc, self._loose_inputs(doc))
        # What is proposed is in the question itself, the turn's last sentence: not in
        # what the interviewer said before asking it ("Saya lagi penelitian, ...").
        starts = self.sentences.starts_in(
            tokens.orth, tokens.punct, tokens.doc_starts, self._opening(tokens)
        )
        last = int(starts[-1]) if len(starts) else 0
        if self._asks_for(doc, last, self._background_phrases):
            # The informant's own background ("Sudah berapa lama tinggal di sini?", "How
            # long have you lived here?"): not the service, whatever words it shares.
            return Question(asks=asks, greeting=greeting, background=True)
        topic = self._asked_topic(doc, question, starts.tolist())
        asked = [m for m in matches if m[0] >= last]
        if topic:
            # A question put in a plain judgement ("Ribet nggak?", "Were they friendly?")
            # proposes it for its topic, as a short judging answer gives one.
            asked = [
                (start, end, Rule("evaluative", "", rule.polarity, rule.phrase))
                if rule.kind == "short_judgement"
                else (start, end, rule)
                for start, end, rule in asked
            ]
        change = self._asks_for(doc, last, self._change_phrases)
        keep = not change and self._asks_for(doc, last, self._keep_phrases)
        judged = self._judge(tokens, 0, last, len(doc), question, asked, markers, ignored, topic)
        cues: dict[str, set[str]] = {}
        negated = False
        event = bool(self._covered(doc, last, len(doc), ("event",)))
        for j in judged:
            if j.change or not j.criterion:
                continue
            if event and self._names_the_topic(j, topic):
                continue
            cues.setdefault(j.criterion, set()).add(j.polarity)
            negated = negated or bool(j.negator)
        open_question = bool(self._covered(doc, last, len(doc), ("question_word",)))
        if change or keep or open_question or negated or any(len(p) > 1 for p in cues.values()):
            # "Nggak repot?" is answered "Nggak" for "not troublesome": a question that
            # negates what it asks, asks both ways, or asks how rather than whether, gives
            # no reading of a bare yes or no.
            cues = {}
        return Question(
            topic=topic or "",
            cues=tuple((c, p.pop()) for c, p in cues.items()),
            cue_words=PHRASE_SEPARATOR.join(dict.fromkeys(j.matched for j in judged if j.matched)),
            asks=asks,
            change=change,
            keep=keep,
            greeting="" if topic or change or keep or open_question else greeting,
        )

    def _greets(self, doc) -> str:
        """The one of ``greetings`` a turn opens with ("Selamat sore, Bu.", "Hiya, thanks
        for coming."), as written, or "": compared as ``_asks_for`` compares."""
        said = [t.text for t in doc if is_word(t)]
        words = [self.keys.base(w.lower()) for w in said]
        for phrase in self._greeting_phrases:
            if tuple(words[: len(phrase)]) == phrase:
                return " ".join(said[: len(phrase)])
        return ""

    @cached_property
    def _greeting_phrases(self) -> tuple[tuple[str, ...], ...]:
        """The ``greetings`` phrases as written, word by word."""
        return self._listed_words(self.codebook.discourse.greetings)

    def _asks_for(self, doc, start: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
        """Whether the question from token ``start`` on holds one of ``phrases``, a word
        list of ``change_questions`` ("Kalau bisa ngubah satu hal?", "Any suggestions?")
        or ``keep_questions`` ("And keep?", "Apa yang paling dihargai?").

        Compared as written, clitics and spelling variants aside, never by root: "Aturannya
        sering berubah?" asks no change, though "berubah" shares "ubah"'s root.
        """
        if not phrases:
            return False
        words = [self.keys.base(t.lower_) for t in doc[start:]]
        return any(
            tuple(words[i : i + len(phrase)]) == phrase
            for phrase in phrases
            for i in range(len(words) - len(phrase) + 1)
        )

    @cached_property
    def _change_phrases(self) -> tuple[tuple[str, ...], ...]:
        """The ``change_questions`` phrases as written, word by word."""
        return self._listed_words(self.codebook.discourse.change_questions)

    @cached_property
    def _background_phrases(self) -> tuple[tuple[str, ...], ...]:
        """The ``background_questions`` phrases as written, word by word."""
        return self._listed_words(self.codebook.discourse.background_questions)

    @cached_property
    def _keep_phrases(self) -> tuple[tuple[str, ...], ...]:
        """The ``keep_questions`` phrases as written, word by word."""
        return self._listed_words(self.codebook.discourse.keep_questions)

    def _listed_words(self, phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """Phrases as written, word by word, clitics and spelling variants aside."""
        found = []
        for phrase in phrases:
            words = tuple(self.keys.base(t.lower_) for t in self.nlp.make_doc(phrase))
            if words:
                found.append(words)
        return tuple(found)

    def _asked_topic(self, doc, question: str, starts: list[int]) -> str:
        """The topic of an interviewer turn: that of its last sentence that asks (ends
        with a question mark) when that sentence has one, else that of the whole turn.

        Words said before the question ("Langsung aja ya, Mas. Menurut Mas, bagaimana
        kemampuan operator di sini?", "Sorry to keep you. How were the staff?") would
        otherwise weigh against every criterion and leave the question with none.
        """
        bounds = [*starts, len(doc)]
        asking = [
            (bounds[k], bounds[k + 1])
            for k in range(len(starts))
            if any(t.text == "?" for t in doc[bounds[k] : bounds[k + 1]])
        ]
        if asking and len(starts) > 1:
            first, stop = asking[-1]
            sentence = doc[first:stop].text
            topic, _ = self.question_topic(sentence)
            if topic:
                return topic
        topic, _ = self.question_topic(question)
        return topic or ""

    def _names_the_topic(self, judged, topic: str) -> bool:
        """Whether a generic judgement in a question names what its topic is about.

        "Bapak pernah menyampaikan keluhan?" under a criterion whose guide asks how
        complaints are handled asks whether the criterion's subject arose, not how it went:
        a yes tells no judgement. A criterion's own phrase ("Pernah ada yang minta uang?")
        is evidence for it, and a judgement its guide does not name ("Pernah dimarahi?")
        is the event asked about, so both still propose.
        """
        if judged.rule.kind != "evaluative" or not topic:
            return False
        doc = self.nlp.make_doc(judged.rule.phrase)
        self._key_words([doc])
        roots = {self._topic_key(t.lower_, t.norm_) for t in doc if t.is_alpha}
        return not roots.isdisjoint(self._guide_roots.get(topic, ()))

    @cached_property
    def _guide_roots(self) -> dict[str, frozenset[str]]:
        """Per criterion, the roots of the words of its guide questions, labels and
        definition."""
        return {
            c.id: frozenset(
                root
                for text in (*c.questions, c.label, c.label_en, c.definition)
                for _, root, _ in self._guide_words(text)
            )
            for c in self.codebook.criteria
        }

    def _covered(self, doc, start: int, end: int, kinds: tuple[str, ...]) -> dict[int, set[str]]:
        """Tokens of ``doc[start:end]`` that answer words of ``kinds`` cover, with their kinds."""
        covered: dict[int, set[str]] = {}
        for match_id, m_start, m_end in self.answer_matcher(doc[start:end]):
            kind = self._rules[match_id].kind
            if kind in kinds:
                for i in range(start + m_start, start + m_end):
                    covered.setdefault(i, set()).add(kind)
        return covered
