"""Context: what the words around a matched phrase do to it, clause by clause."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property

from ..language.discourse import SUBJECTLESS_PROHIBITIVES, SUGGESTIONS, UNDERGOING
from ..model import PHRASE_SEPARATOR
from .questions import Question
from .rules import CLAUSE_STARTS, METHOD_RANK, Rule
from .segments import Tokens

CONTRAST = {"contrast_following", "contrast_conceding"}
# How many words may stand between a word of quantity and the phrase it makes a shortage.
QUANTITY_REACH = 3
# How many function words may stand between other citizens and the judgement they are
# the subject of.
OTHERS_REACH = 3
# Of which at most this many may be content words: a place ("di sebelah saya"), not a
# clause of its own ("pakai batik langsung masuk").
OTHERS_CONTENT_WORDS = 1


@dataclass(slots=True)
class Judgement:
    """What one matched phrase (or a short answer) says, once the words around it are read."""

    start: int  # token span in the doc
    end: int
    rule: Rule
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
    def of(
        cls, start: int, end: int, rule: Rule, topic: str, matched: str, default: bool = False
    ) -> Judgement:
        """A phrase as written: a criterion's, or a generic judgement about the topic
        (``default``: one of the language's, not the codebook's)."""
        if rule.kind == "evaluative":
            source = "the language's default judgements" if default else "evaluative"
            origin = f"{source}.{rule.polarity} in an answer about {topic}"
            return cls(start, end, rule, topic, rule.polarity, "structural", "", origin, matched)
        origin = f"{rule.criterion}.{rule.polarity}"
        return cls(start, end, rule, rule.criterion, rule.polarity, "phrase", "", origin, matched)


class ContextReading:
    """How a ``Coder`` reads each matched phrase in its sentence.

    A part of ``Coder`` (``coding.coder``), which sets the attributes it reads.
    """

    def _judge(
        self,
        tokens: Tokens,
        at: int,
        a: int,
        b: int,
        text: str,
        matches: list[tuple[int, int, Rule]],
        markers: list[tuple[int, int, str]],
        ignored: set[int],
        topic: str,
    ) -> list[Judgement]:
        """What each phrase matched in the sentence ``[a, b)`` of a doc says, read in context.

        ``a``, ``b``, match and marker spans count tokens in the doc, which begins at token
        ``at`` of ``tokens``; ``text`` is the doc's text as written.
        """
        defaults = self._default_judgements
        judged = [
            Judgement.of(
                m_start,
                m_end,
                rule,
                topic,
                tokens.said(text, at, m_start, m_end, True),
                rule.phrase in defaults,
            )
            for m_start, m_end, rule in matches
            if (topic or rule.kind != "evaluative") and rule.kind != "short_judgement"
        ]
        if defaults and topic and len(judged) > 1:
            judged = self._without_shadowed_defaults(judged, defaults)
        here = markers[bisect_left(markers, (a,)) : bisect_left(markers, (b,))]
        if not here:  # nothing around the phrases to weigh: each says what it says
            return judged
        cuts_before, words_before = tokens.cuts_before, tokens.words_before
        opening = [m[0] for m in here if m[2] in CLAUSE_STARTS]

        def clause(i: int) -> int:
            """The clause of token ``i``: punctuation and clause-opening words cut them."""
            return cuts_before[at + i] + bisect_right(opening, i)

        def words(i: int, j: int) -> int:
            """Words from token ``i`` up to token ``j``."""
            return words_before[at + j] - words_before[at + i]

        def said(start: int, end: int) -> str:
            return tokens.said(text, at, start, end)

        addressed: set[int] | None = None

        def address_only(k: int) -> bool:
            """Whether clause ``k`` holds only particles and forms of address ("Kak")."""
            nonlocal addressed
            if addressed is None:
                addressed = self._address_clauses(a, b, clause, tokens, at)
            return k in addressed

        window = self.codebook.negation_window
        for n, j in enumerate(judged):
            j.clause = c = clause(j.start)
            # A marker that begins before the phrase reaches it, also where the two
            # share a word ("kalau ada" before "ada kursi").
            before = [m for m in here if m[0] < j.start and clause(m[0]) == c]
            if (j.start, j.end, "candour") in here and self._opens_clause(j, a, before, tokens, at):
                j.change, j.word = "candour", said(j.start, j.end)
                continue
            for kind, change in (("irrealis", "wish"), ("self", "not about the service")):
                found = [said(m[0], m[1]) for m in before if m[2] == kind]
                if kind == "irrealis" and not found:
                    # A wish runs on past a form of address set off by commas ("Semoga
                    # lancar, Kak, cepet wisuda"): that comma does not end its clause.
                    found = [
                        said(m[0], m[1])
                        for m in here
                        if m[2] == "irrealis"
                        and m[0] < j.start
                        and c - clause(m[0]) >= 2
                        and all(address_only(k) for k in range(clause(m[0]) + 1, c))
                    ]
                if found:
                    # A suggestion names the wish ("it'd be good if ..."), as it may count
                    # in an answer to a question of what should change (``wished_for``).
                    told = [w for w in found if is_suggestion(w)]
                    j.change, j.word = change, (told or found)[-1]
            if not j.change:
                subject = self._other_citizens(j, before, judged, tokens, at, words)
                if subject is not None:
                    j.change, j.word = "not about the service", said(subject[0], subject[1])
            if j.change:
                continue
            negator = self._negator(j, judged[:n], before, window, words, ignored)
            if negator is None:  # one between the words of a phrase matched with a gap
                negator = next(
                    (m for m in here if m[2] == "negator" and j.start < m[0] < j.end), None
                )
            forbidding = ""
            if negator is not None and j.polarity == "negative":
                forbidding = self._prohibitive(negator, a, c, clause, tokens, at, text)
            if forbidding:
                # "Jangan dibiarin nunggu lama", "Don't keep people waiting": a request
                # against a problem tells the problem, never praise.
                j.origin += f", asked against by {forbidding!r}"
            elif negator is not None:
                j.negator = said(negator[0], negator[1])
                j.polarity = flipped(j.polarity)
                if j.method == "phrase":
                    j.method = "negated phrase"
                j.origin += f", negated by {j.negator!r}"
            elif j.polarity == "positive":
                short = self._shortage(j.start, j.end, here, c, clause, words)
                if short is not None:
                    j.polarity = "negative"
                    j.word = said(short[0], short[1])
                    told = "a good thing lost" if short[2] == "lost" else "a shortage"
                    j.origin += f", {told} by {j.word!r}"
        weigh_hearsay(judged, here, clause, said)
        weigh_contrast(judged, here, clause, said)
        weigh_remedies(judged, here, clause, said)
        weigh_neither(judged)
        return judged

    def _prohibitive(self, negator, a, c, clause, tokens, at, text) -> str:
        """The prohibitive a negator is part of (``prohibitives``: "jangan", "don't"), as
        said, or "": one that ends with the negator; in a language whose prohibitive is
        also a statement's negation (``SUBJECTLESS_PROHIBITIVES``: "they don't"), only one
        with no subject, nothing but words that open a clause before it in its clause."""
        orth, vocab = tokens.orth_list, self.nlp.vocab
        end = negator[1]
        for words in self._prohibitive_words:
            start = end - len(words)
            if start < a or clause(start) != c:
                continue
            said = tuple(self.keys.base(vocab[orth[at + i]].lower_) for i in range(start, end))
            if said != words:
                continue
            if self.codebook.language in SUBJECTLESS_PROHIBITIVES and not self._opens_at(
                start, a, tokens, at
            ):
                continue
            return tokens.said(text, at, start, end)
        return ""

    @cached_property
    def _prohibitive_words(self) -> tuple[tuple[str, ...], ...]:
        """The ``prohibitives`` as written, word by word, longest first."""
        found = self._listed_words(self.codebook.discourse.prohibitives)
        return tuple(sorted(found, key=len, reverse=True))

    def _opens_at(self, start, a, tokens, at) -> bool:
        """Whether only punctuation and words that open a clause (``clause_breaks``,
        contrast) stand before token ``start`` in its clause: an imperative's place."""
        cuts = tokens.cuts_before
        opening = self._clause_opening_keys
        for i in range(start - 1, a - 1, -1):
            if cuts[at + i] != cuts[at + start]:
                return True
            if self.nlp.vocab[tokens.orth_list[at + i]].norm_ not in opening:
                return False
        return True

    @cached_property
    def _clause_opening_keys(self) -> frozenset[str]:
        """The word keys of the one-word clause breaks and words of contrast."""
        talk = self.codebook.discourse
        words = (
            *self.codebook.clause_breaks,
            *talk.contrast_following,
            *talk.contrast_conceding,
        )
        return frozenset(self.keys.key(w) for w in words if " " not in w)

    def _address_clauses(self, a, b, clause, tokens, at) -> set[int]:
        """The clauses of the sentence ``[a, b)`` that name the one spoken to: a form of
        address or a name, capitalised ("Kak" in "Semoga lancar, Kak, cepet wisuda"),
        with nothing but particles (``fillers``) beside it, not a particle alone ("like")."""
        vocab, orth, punct = self.nlp.vocab, tokens.orth_list, tokens.punct_list
        fillers = self._filler_keys
        named: set[int] = set()
        other: set[int] = set()
        for i in range(a, b):
            if punct[at + i]:
                continue
            k = clause(i)
            word = vocab[orth[at + i]]
            if word.is_title:
                named.add(k)
            elif word.norm_ not in fillers:
                other.add(k)
        return named - other

    def _opens_clause(self, j, a, before, tokens, at) -> bool:
        """Whether only punctuation, particles, forms of address and words that open a
        clause stand before ``j`` in its clause: it has no subject ("Jujur, ...", "tapi
        jujur masih ada", against "Kerjanya jujur")."""
        opening = {
            i for start, end, kind in before if kind in CLAUSE_STARTS for i in range(start, end)
        }
        cuts = tokens.cuts_before
        vocab = self.nlp.vocab
        fillers = self._filler_keys
        for i in range(j.start - 1, a - 1, -1):
            if cuts[at + i] != cuts[at + j.start]:
                return True
            if not (i in opening or vocab[tokens.orth_list[at + i]].norm_ in fillers):
                return False
        return True

    @cached_property
    def _filler_keys(self) -> frozenset[str]:
        """The word keys of the one-word particles and forms of address (``fillers``)."""
        return frozenset(self.keys.key(w) for w in self.codebook.discourse.fillers if " " not in w)

    def _other_citizens(self, j, before, judged, tokens, at, words):
        """The other citizens (``others``) a judgement is about, as its subject, if any.

        They must stand right before it in its clause, with at most a few function words
        and one other word between ("ibu-ibu di sebelah saya marah-marah", "other people
        were shouting"),
        and the judgement must tell what they do, not what they undergo ("ibu-ibu
        dibentak", "kepanasan": the service's doing; see ``discourse.UNDERGOING``). A
        criterion whose guide names such people ("pandangan orang-orang sekitar") takes
        their judgements as its evidence.
        """
        found = [m for m in before if m[2] == "others"]
        if not found:
            return None
        start, end, _ = found[-1]
        if words(end, j.start) > OTHERS_REACH or any(end <= p.start < j.start for p in judged):
            return None
        vocab = self.nlp.vocab
        orth = tokens.orth_list
        content = sum(
            1
            for i in range(end, j.start)
            if not (vocab[orth[at + i]].is_stop or tokens.punct_list[at + i])
        )
        if content > OTHERS_CONTENT_WORDS:
            return None
        first = vocab[orth[at + j.start]].lower_
        if any(
            first.startswith(begins)
            and first.endswith(ends)
            and len(first) > len(begins + ends) + 2
            for begins, ends in UNDERGOING.get(self.codebook.language, ())
        ):
            return None
        guide = self._topic_model[0].get(j.criterion, ())
        named = {vocab[orth[at + i]].norm_ for i in range(start, end)}
        if guide and not named.isdisjoint(guide):
            return None
        return start, end

    @cached_property
    def _default_judgements(self) -> frozenset[str]:
        """The language's default judgements this codebook gets (``language.evaluative``)."""
        talk = self.codebook.discourse
        return frozenset((*talk.evaluative_positive, *talk.evaluative_negative))

    @staticmethod
    def _without_shadowed_defaults(judged: list[Judgement], defaults) -> list[Judgement]:
        """A default judgement on the very words a criterion's phrase matched (a spelling
        the codebook reads alike) gives way: the codebook named those words."""
        named = {(j.start, j.end) for j in judged if j.rule.kind == "criterion"}
        return [
            j
            for j in judged
            if not (j.rule.kind == "evaluative" and j.rule.phrase in defaults)
            or (j.start, j.end) not in named
        ]

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
        if negator[1] > j.start:
            # It ends on the phrase's own first word ("they're not" over "not the newest",
            # "aren't" read as "are not"): the phrase wrote that negation itself.
            return None
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
        """A word of quantity right before or after a positive phrase ("tendanya cuma
        satu"), or one that tells a past that has ended right before it ("we used to be
        open till eight"): ``(start, end, kind)``."""
        for q_start, q_end, kind in here:
            if clause(q_start) != c:
                continue
            if (
                kind == "quantity_after"
                and q_start >= m_end
                and words(m_end, q_start) <= (QUANTITY_REACH)
            ):
                return q_start, q_end, kind
            if (
                kind in ("quantity_before", "lost")
                and q_end <= m_start
                and words(q_end, m_start) <= (QUANTITY_REACH)
            ):
                return q_start, q_end, kind
        return None

    def _short_judgement(
        self, doc, tokens, at, a, b, text, matches, markers, topic: str, asker: str = ""
    ):
        """A short judging answer ("Gampang, Mas.", "Lama banget, Bu.", "Nggak ribet.",
        "Very good, yes.") read as a judgement of what its question asked about.

        The clauses that open an answer's first sentence, as long as they hold nothing but
        one of the language's generic judgements (``language.evaluative``), words of
        degree, negators, yes or no, particles and forms of address: the plain answer to
        a guide question, which counts for its topic even where the codebook does not
        ask for the language's judgements everywhere (``default_judgements``). A negator
        before the judgement flips it. ``asker``, the question that gave the topic, is
        named in the coding's rule, so a researcher sees where the topic came from.
        """
        found = [m for m in matches if m[0] >= a and m[1] <= b]
        short = [m for m in found if m[2].kind == "short_judgement"]
        if not short or len(short) < len(found):
            return []
        if any(k in CONTRAST for s, _, k in markers if a <= s < b):
            return []  # "Lama, tapi cepat": the plain answer is not the opening words
        punct, orth = tokens.punct_list, tokens.orth_list
        covered = self._covered(doc, a, b, ("affirm", "deny", "filler"))
        negators = {i for s, e, k in markers if k == "negator" for i in range(s, e)}
        other_markers = {i for s, e, k in markers if k != "negator" for i in range(s, e)}
        in_match = {i: m for m in short for i in range(m[0], m[1])}
        degree = self._degree_words
        allowed_end = a
        subject = None
        judging = False
        for i in range(a, b + 1):
            if i == b or (punct[at + i] and orth[at + i] not in self._transparent):
                allowed_end = i
                subject, judging = None, False
                continue
            judging = judging or i in in_match
            if not (
                i in in_match
                or i in covered
                or i in negators
                or doc[i].lower_ in degree
                or orth[at + i] in self._transparent
            ):
                # One word may stand before the judgement, as what it judges.
                if (
                    judging
                    or subject is not None
                    or i in other_markers
                    or not self._may_be_subject(doc[i], topic)
                ):
                    break
                subject = i
        else:
            allowed_end = b
        judged = []
        for start, end, rule in (m for m in short if m[1] <= allowed_end):
            words = tokens.said(text, at, start, end, True)
            j = Judgement(start, end, rule, topic, rule.polarity, "structural", matched=words)
            j.origin = f"a short judging answer {words!r} about {topic}"
            if asker:
                j.origin += f", the topic of {asker!r}"
            negator = self._clause_negator(markers, a, start, punct, orth, at)
            if negator is not None:
                j.negator = tokens.said(text, at, negator, negator + 1)
                j.polarity = flipped(j.polarity)
                j.origin += f", negated by {j.negator!r}"
            judged.append(j)
        # Judgements of both ways in a few words are no plain answer.
        return judged if len({j.polarity for j in judged}) == 1 else []

    def _clause_negator(self, markers, a: int, start: int, punct, orth, at: int) -> int | None:
        """A negator between ``a`` and ``start`` in the clause of ``start`` ("Nggak ribet",
        not "Nggak, gampang")."""
        return next(
            (
                s
                for s, e, k in markers
                if k == "negator"
                and a <= s
                and e <= start
                and not any(
                    punct[at + i] and orth[at + i] not in self._transparent for i in range(e, start)
                )
            ),
            None,
        )

    def _may_be_subject(self, token, topic: str) -> bool:
        """Whether a word may be what a short judging answer judges ("Syaratnya gampang",
        "Kerjanya lelet"): any word, unless it is one of another criterion's words and
        none of the topic's ("Petugasnya ramah" answers no question about the route)."""
        if not token.is_alpha:
            return False
        words, phrase_words, _ = self._topic_model
        keys = {
            self._guide_key(token.lower_, token.norm_),
            self._topic_key(token.lower_, token.norm_),
        }
        if not keys.isdisjoint(words.get(topic, ())) or not keys.isdisjoint(
            phrase_words.get(topic, ())
        ):
            return True
        return all(
            keys.isdisjoint(words[c]) and keys.isdisjoint(phrase_words[c])
            for c in words
            if c != topic
        )

    @cached_property
    def _degree_words(self) -> frozenset[str]:
        """The words of degree (``degree``: the language's and the codebook's own), each
        word of an entry on its own, in lower case."""
        return frozenset(
            word.casefold() for entry in self.codebook.discourse.degree for word in entry.split()
        )

    def _opening_answer(self, doc, tokens, at, a, b) -> tuple[set[str], int]:
        """What the clauses that open the sentence ``[a, b)`` say (``affirm``, ``deny``)
        while they hold nothing but yes or no, particles and forms of address, and the
        token where they end."""
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
        return kinds, end

    def _refusal(self, doc, tokens, at, b, markers) -> str:
        """The words that say no at the start of a doc's first sentence ``[0, b)``
        ("Nggak, udah bagus", "Nothing really, it's fine"), if any, with no contrast after
        them ("Nggak, tapi kursinya ditambah"): in answer to a question of what should
        change, a refusal says that nothing should, so what it goes on to praise is praise."""
        if any(k in CONTRAST for s, _, k in markers if s < b):
            return ""
        kinds, end = self._opening_answer(doc, tokens, at, 0, b)
        if "deny" not in kinds:
            return ""
        return doc[:end].text.rstrip(" ,.;:!?")

    def _short_answer(self, doc, tokens, at, a, b, text, judged, asked: Question):
        """A short answer ("Belum.", "Nggak kok.", "No.") read against what its question asked.

        The clauses that open an answer's first sentence, as long as they hold nothing but
        words that say yes or no, particles and forms of address, and no evidence of their
        own: yes keeps what the question proposed, no turns it round.
        """
        kinds, end = self._opening_answer(doc, tokens, at, a, b)
        if any(j.start < end for j in judged):
            return []
        if "deny" in kinds:
            yes = False
        elif "affirm" in kinds:
            yes = True
        else:
            return []
        words = tokens.said(text, at, a, end).rstrip(" ,.;:!?")
        rule = Rule("answer", "", "", words)
        found = []
        for criterion, proposed in asked.cues:
            polarity = proposed if yes else flipped(proposed)
            j = Judgement(a, end, rule, criterion, polarity, "answer", matched=words)
            j.origin = (
                f"answer {words!r} to a question proposing {criterion}.{proposed} "
                f"({asked.cue_words!r})"
            )
            found.append(j)
        return found


def flipped(polarity: str) -> str:
    return "negative" if polarity == "positive" else "positive"


def weigh_hearsay(judged: list[Judgement], markers, clause, said) -> None:
    """What others say, set against the speaker's own word ("katanya lama, tapi saya
    cepat", "people say it's slow, but mine came on time"), is no evidence: the clause
    the speaker ends on decides. Hearsay on its own stands (a criterion of reputation is
    about what people say); so does what is said before it in another clause."""
    for start, end, kind in markers:
        if kind != "hearsay":
            continue
        heard = clause(start)
        own = next(
            (s for s, _, k in markers if k == "contrast_following" and s >= end),
            None,
        )
        conceding = any(
            k == "contrast_conceding" and s < start and clause(s) == heard for s, _, k in markers
        )
        for j in judged:
            if j.change or j.clause < heard:
                continue
            if (own is not None and j.end <= own) or (conceding and j.clause == heard):
                j.change, j.word = "hearsay", said(start, end)


def weigh_contrast(judged: list[Judgement], markers, clause, said) -> None:
    """Where a sentence codes a criterion both ways across a contrast, the side the speaker
    lands on wins: after "tapi"/"but", or outside the clause "walaupun"/"although" opens.
    The conceded side's codings of other criteria stand, and so does anything a generic
    judgement alone would concede."""
    for start, end, kind in markers:
        if kind == "contrast_following":
            losing = [j for j in judged if not j.change and j.start < start]
        elif kind == "contrast_conceding":
            opened = clause(start)
            losing = [j for j in judged if not j.change and j.clause == opened]
        else:
            continue
        # A generic judgement says less than a phrase that names the criterion: it never
        # outvotes one ("tetap percaya, cuma ... bikin kesel").
        landed = {
            (j.criterion, j.polarity)
            for j in judged
            if not j.change and j not in losing and j.method != "structural"
        }
        for j in losing:
            code, other = (j.criterion, j.polarity), (j.criterion, flipped(j.polarity))
            if other in landed and code not in landed:
                j.change, j.word = "conceded", said(start, end)


def weigh_remedies(judged: list[Judgement], markers, clause, said) -> None:
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


def weigh_neither(judged: list[Judgement]) -> None:
    """A criterion denied both ways and said no other way ("Nggak ramah banget, nggak
    judes juga", "not great, not awful") is neither: the middle, no evidence either way."""
    said: dict[str, list[Judgement]] = {}
    for j in judged:
        if not j.change:
            said.setdefault(j.criterion, []).append(j)
    for group in said.values():
        if (
            all(j.method == "negated phrase" for j in group)
            and len({j.polarity for j in group}) == 2
        ):
            for j in group:
                j.change, j.word = "neither", j.negator


def wished_for(judged: list[Judgement]) -> None:
    """Read what an answer to a question of what should change names as lacking.

    "Kalau bisa ngubah satu hal?" + "Kursinya ditambah", "Any suggestions?" + "More staff":
    a good thing named there is wished for, so lacking now, and a problem named is the
    problem; both code negative. A suggestion or wish there ("ada baiknya menyapa", "it'd
    be good if ...") says the same, so it codes too.
    """
    for j in judged:
        if not j.criterion or (j.change and not suggested(j)):
            continue
        if j.change:
            j.origin += f", wished for by {j.word!r}"
            j.change = j.word = ""
        if j.polarity == "positive":
            j.polarity = "negative"
            j.origin += ", wished for in an answer to what should change"


def suggested(j: Judgement) -> bool:
    """Whether a judgement read as a wish is one of the language's suggestions ("ada
    baiknya", "it'd be good"): a hope, a purpose or a condition stays no evidence."""
    return j.change == "wish" and is_suggestion(j.word)


def is_suggestion(word: str) -> bool:
    """Whether a wish's words, as said, are one of the language's ``SUGGESTIONS``."""
    return " ".join(word.lower().split()) in SUGGESTIONS


def one_per_code(judged: list[Judgement]):
    """One coding per criterion and polarity: the first by method, naming all behind it."""
    if len(judged) == 1:
        j = judged[0]
        if not j.change:
            yield j, j.rule.phrase, j.matched, j.origin
        return
    groups: dict[tuple[str, str], list[Judgement]] = {}
    for j in judged:
        if not j.change:
            groups.setdefault((j.criterion, j.polarity), []).append(j)
    for group in groups.values():
        group.sort(key=lambda j: (METHOD_RANK[j.method], j.start))
        yield (
            group[0],
            PHRASE_SEPARATOR.join(dict.fromkeys(j.rule.phrase for j in group)),
            PHRASE_SEPARATOR.join(dict.fromkeys(j.matched for j in group)),
            PHRASE_SEPARATOR.join(dict.fromkeys(j.origin for j in group)),
        )
