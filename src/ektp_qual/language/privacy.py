"""Keeping informants' personal data out of what the tool shows and exports.

Names from the front matter, national ID numbers (NIK: 16 digits) and phone numbers are
masked in every quoted text unless the researcher asks for personal data.

Phone numbers are found twice over: by the Indonesian forms written out below, and by
Google's libphonenumber (the ``phonenumbers`` package, region ``ID``, numbers it finds
valid), which knows every operator's and area's numbering and the ways numbers are
written. It is imported only when a text has enough digits to hold a phone number.
Names are found with the clitics the coder strips (``Sumarninya``), by the coder's own
word keys, so that a root such as ``masalah`` never reads as the name ``Masa`` + ``-lah``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ..model import Codebook, Corpus, Morphology, Notice, Transcript
    from .words import WordKeys

NIK_MASK = "[NIK]"
PHONE_MASK = "[PHONE]"
NAME_MASK = "[NAME]"

# What separates groups of digits: a space, a dot, a hyphen, an en dash or an em dash.
_SEPARATOR = "[ .\\-\u2013\u2014]"
# 16 digits, alone or in groups separated by single separators. The first digit comes
# before the look-behind so that the regex engine can skip to digits.
_NIK = re.compile(rf"\d(?<!\d\d)(?:{_SEPARATOR}?\d){{15}}(?!\d)")
# Indonesian mobile (08.., (08..), +628.., 62 8..) and landline with area code
# ((0721) 123456); libphonenumber finds the rest.
_PHONE = re.compile(
    rf"(?<![\w+])(?:\+62{_SEPARATOR}?|62{_SEPARATOR}?|0|\(0)8\d{{1,3}}\)?"
    rf"(?:{_SEPARATOR}?\d{{2,5}}){{2,3}}(?!\d)"
    r"|\(0\d{2,3}\)[ ]?\d{5,8}(?!\d)"
)
# Nine digits or more in a run of digits and separators: what a text needs before
# libphonenumber is asked (an Indonesian number with its area code has nine or
# more; a time span such as 07.30-14.00 has eight).
_NUMBER_LIKE = re.compile(r"[\d(+][\d \t().\-\u2013\u2014]{8,}")
_DIGIT = re.compile(r"\d")
# Digits run on from a NIK or a phone number that are masked with it: a group of two or
# more (people write numbers in groups of two to five), not a lone digit ("[PHONE] 2 kali").
_LEFTOVER_DIGITS = 2
#: The region whose national forms libphonenumber reads (``0812 ...``: an Indonesian mobile).
PHONE_REGION = "ID"
# A name word stands between letters it is not part of: digits, "_" and punctuation
# end it (so that "Bambang_Hartono_Z02.txt" shows its name words).
_NOT_AFTER_LETTER = r"(?<![^\W\d_])"
_NOT_BEFORE_LETTER = r"(?![^\W\d_])"
_HONORIFICS = {
    "pak",
    "bapak",
    "bu",
    "ibu",
    "mas",
    "mbak",
    "mba",
    "dik",
    "adik",
    "dek",
    "bang",
    "abang",
    "kak",
    "kakak",
    "teh",
    "om",
    "tante",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sdr",
    "sdri",
    "h",
    "hj",
    "haji",
    "hajjah",
    "prof",
    "ir",
    "nenek",
    "kakek",
    "mbah",
    "uda",
    "uni",
}


def name_words(names: Iterable[str | None]) -> list[str]:
    """The words of informants' names worth masking: no honorifics, no '(pseudonym)'."""
    words: set[str] = set()
    for name in names:
        if not name:
            continue
        plain = re.sub(r"\([^)]*\)", " ", name)
        for word in re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", plain):
            if len(word) > 1 and word.lower().strip(".") not in _HONORIFICS:
                words.add(word)
    return sorted(words, key=len, reverse=True)


def private_attributes(transcript: Transcript, codebook: Codebook | None = None) -> set[str]:
    """The case attributes of a transcript that never leave the tool, as written in its
    front matter: those its ``private_attributes`` or the codebook's name (any case)."""
    private = {key.casefold() for key in transcript.private_attributes}
    if codebook is not None:
        private |= {key.casefold() for key in codebook.private_attributes}
    return {str(key) for key in transcript.attributes if str(key).casefold() in private}


def unused_private_attributes(corpus: Corpus, codebook: Codebook) -> list[str]:
    """The codebook's private attributes no transcript has: likely misspelt, so that the
    attribute meant is exported."""
    present = {str(key).casefold() for t in corpus.transcripts for key in t.attributes}
    return [key for key in codebook.private_attributes if key.casefold() not in present]


def shared_attributes(
    transcript: Transcript, codebook: Codebook | None, masker: Masker | None
) -> dict[str, object]:
    """The case attributes as they may be exported: private ones left out, the others
    masked like text (``masker``; None when the researcher asked for personal data)."""
    private = private_attributes(transcript, codebook)
    return {
        key: value if masker is None else masker.value(value)
        for key, value in transcript.attributes.items()
        if str(key) not in private and str(key).casefold() != "name"
    }


def shared_file_name(transcript: Transcript, masker: Masker | None) -> str:
    """The transcript's file name as it may be exported: name words, NIKs and phone
    numbers masked (``Bambang_Hartono_Z02.txt`` -> ``[NAME]_[NAME]_Z02.txt``)."""
    name = transcript.path.name if transcript.path else ""
    return name if masker is None or not name else masker.file_name(name)


def shared_codebook(codebook: Codebook, masker: Masker | None) -> Codebook:
    """The codebook as it may be exported: its texts masked like the transcripts'
    (``masker``; None when the researcher asked for personal data). A codebook written
    alongside the interviews may name an informant in a phrase, a question or an example
    ("go and see Ryan"); ids are left alone, since codes and files refer to them."""
    from dataclasses import replace

    if masker is None:
        return codebook

    def texts(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(masker(value) for value in values)

    criteria = tuple(
        replace(
            criterion,
            label=masker(criterion.label),
            label_en=masker(criterion.label_en),
            definition=masker(criterion.definition),
            questions=texts(criterion.questions),
            positive=texts(criterion.positive),
            negative=texts(criterion.negative),
            examples=tuple(
                replace(example, text=masker(example.text), question=masker(example.question))
                for example in criterion.examples
            ),
        )
        for criterion in codebook.criteria
    )
    return replace(
        codebook,
        title=masker(codebook.title),
        criteria=criteria,
        ignore=texts(codebook.ignore),
        evaluative_positive=texts(codebook.evaluative_positive),
        evaluative_negative=texts(codebook.evaluative_negative),
    )


def shared_notices(notices: Iterable[Notice], masker: Masker | None) -> list[Notice]:
    """Warnings as the terminal may show them: the file they name and what they quote
    masked (a preamble may hold a phone number; a file may be named after an informant)."""
    from ..model import Notice

    if masker is None:
        return list(notices)
    return [
        Notice(masker.file_name(notice.source), notice.line, masker(notice.message))
        for notice in notices
    ]


class MaskedText(NamedTuple):
    """Masked text, and where it differs from the original (``Masker.mask_with_offsets``).

    ``spans`` are the original's masked stretches as ``(start, end, replacement)``: 0-based
    code-point offsets into the original text, end-exclusive, sorted and disjoint. The
    masked text is the original with each span replaced; everything else is unchanged.
    """

    text: str
    spans: tuple[tuple[int, int, str], ...] = ()

    def position(self, offset: int, *, end: bool = False) -> int:
        """Where an offset into the original text lands in the masked text.

        An offset strictly inside a masked span moves to the start of its replacement,
        or with ``end`` (an end-exclusive end offset) to the end of it, so that a
        selection mapped this way never cuts a mask in half.
        """
        shift = 0
        for start, stop, replacement in self.spans:
            if offset <= start:
                break
            if offset < stop:
                return start + shift + (len(replacement) if end else 0)
            shift += len(replacement) - (stop - start)
        return offset + shift


class _Piece(NamedTuple):
    """A stretch of the text being masked: where it came from in the original, and what
    it reads now (``masked``: a replacement, else an unchanged copy of the original)."""

    start: int
    end: int
    text: str
    masked: bool


class Masker:
    """Masks NIKs, phone numbers and the given name words in text.

    ``keys``: the coder's word keys (``Masker.for_study`` takes the codebook's), so that a
    name carrying a clitic (``Sumarninya``, ``Bambang-lah``) is masked as the name.
    """

    def __init__(self, names: Iterable[str | None] = (), keys: WordKeys | None = None) -> None:
        words = name_words(names)
        self._keys = keys
        self._name_forms = {w.lower() for w in words}
        clitics = keys.clitics if keys is not None else ()
        if keys is not None:
            self._name_forms |= {keys.base(w.lower()) for w in words}
        suffix = "(?:-?(?:" + "|".join(map(re.escape, clitics)) + ")){0,2}" if clitics else ""
        self._names = (
            re.compile(
                _NOT_AFTER_LETTER
                + "(?:"
                + "|".join(map(re.escape, words))
                + ")"
                + suffix
                + _NOT_BEFORE_LETTER,
                re.IGNORECASE,
            )
            if words
            else None
        )
        # In a file name a name may be run together with others ("BambangHartono"): long
        # name words are found anywhere in it.
        long_words = [w for w in words if len(w) >= 4]
        self._names_anywhere = (
            re.compile("|".join(map(re.escape, long_words)), re.IGNORECASE) if long_words else None
        )

    @classmethod
    def for_study(cls, corpus: Corpus, codebook: Codebook | None = None) -> Masker:
        """The masker for a corpus: its informants' names, read with the codebook's word keys."""
        keys = _word_keys(codebook.morphology) if codebook is not None else None
        return cls((t.name for t in corpus.transcripts), keys)

    def __call__(self, text: str) -> str:
        if not isinstance(text, str) or not text:
            return text
        for find, mask in self._passes(text):
            spans = [(start, end) for start, end in find(text) if end > start]
            if spans:
                kept = [0, *(i for span in spans for i in span), len(text)]
                parts = [text[kept[i] : kept[i + 1]] for i in range(0, len(kept), 2)]
                text = mask.join(parts)
        return text

    def value(self, value: object) -> object:
        """A case attribute's value masked like text; a number or date it leaves alone
        unless its digits are a NIK or a phone number (``nik: 3171012345678999``)."""
        if value is None or isinstance(value, bool):
            return value
        text = value if isinstance(value, str) else str(value)
        masked = self(text)
        return value if masked == text else masked

    def file_name(self, name: str) -> str:
        """A file name with every name word, NIK and phone number in it masked."""
        if self._names_anywhere is not None:
            name = self._names_anywhere.sub(NAME_MASK, name)
        return self(name)

    def mask_with_offsets(self, text: str) -> MaskedText:
        """Mask like calling the masker, and report where the masks are.

        ``mask_with_offsets(text).text == masker(text)`` always; ``spans`` and
        ``position`` map offsets into ``text`` to offsets into the masked text (for
        example a coded sentence's ``start``/``end`` in a transcript body).
        """
        if not text:
            return MaskedText(text)
        pieces = [_Piece(0, len(text), text, False)]
        for find, mask in self._passes(text):
            pieces = _substitute(pieces, find, mask)
        spans = tuple((p.start, p.end, p.text) for p in pieces if p.masked)
        return MaskedText("".join(p.text for p in pieces), spans)

    def _passes(self, text: str) -> list[tuple[Callable[[str], list[tuple[int, int]]], str]]:
        """What to look for in the text, in order, and the mask for each."""
        passes: list[tuple[Callable[[str], list[tuple[int, int]]], str]] = []
        if _DIGIT.search(text):  # NIKs and phone numbers need digits: most texts skip both
            passes += [(_find_niks, NIK_MASK), (_phone_numbers, PHONE_MASK)]
            passes += [(_leftover_after(NIK_MASK), NIK_MASK)]
            passes += [(_leftover_after(PHONE_MASK), PHONE_MASK)]
        if self._names is not None:
            passes.append((self._find_names, NAME_MASK))
        return passes

    def _find_names(self, text: str) -> list[tuple[int, int]]:
        """Name words, alone or with clitics the coder would strip from them."""
        assert self._names is not None
        found = []
        for match in self._names.finditer(text):
            word = match.group().lower()
            if (
                word in self._name_forms
                or self._keys is None
                or self._keys.base(word) in self._name_forms
            ):
                found.append(match.span())
        return found


@cache
def _word_keys(morphology: Morphology) -> WordKeys:
    """One set of word keys per morphology: loading the stemmer's dictionary takes time."""
    from .words import WordKeys

    return WordKeys(morphology)


def _find_niks(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _NIK.finditer(text)]


_GROUP = r"[(+]*\d+\)?"
_RUN_BEFORE = re.compile(rf"(?:[(+]*\d+(?:\){_SEPARATOR}?|{_SEPARATOR}))+\Z")
_RUN_AFTER = re.compile(rf"(?:{_SEPARATOR}{_GROUP})+")
# How far from a mask run-on digits are looked for: a number is short, and a bounded
# window keeps a text of nothing but digit groups from costing quadratic time.
_RUN_REACH = 40


@cache
def _leftover_after(mask: str) -> Callable[[str], list[tuple[int, int]]]:
    """Digit groups run on from a mask, before or after it: two phone numbers written in
    groups with spaces can read as one NIK and the rest of a number, whose digits must not
    be left in the open."""

    def find(text: str) -> list[tuple[int, int]]:
        spans = []
        last = 0
        at = text.find(mask)
        while at != -1:
            end = at + len(mask)
            # Digits the mask before took ("[NIK] 00 [NIK]") are not this mask's too: two
            # spans that overlapped would make one mask of both and lose the text between.
            before = _RUN_BEFORE.search(text, max(last, at - _RUN_REACH), at)
            after = _RUN_AFTER.match(text, end, end + _RUN_REACH)
            first = before.start() if before else at
            last = after.end() if after else end
            if sum(c.isdigit() for c in text[first:last]) >= _LEFTOVER_DIGITS:
                spans.append((first, last))
            at = text.find(mask, last)
        return spans

    return find


def _phone_numbers(text: str) -> list[tuple[int, int]]:
    """Phone numbers by the Indonesian forms and by libphonenumber, overlaps merged."""
    spans = [m.span() for m in _PHONE.finditer(text)]
    if any(sum(c.isdigit() for c in m.group()) >= 9 for m in _NUMBER_LIKE.finditer(text)):
        spans += _libphonenumber(text)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _libphonenumber(text: str) -> list[tuple[int, int]]:
    phonenumbers = _phonenumbers_module()
    matcher = phonenumbers.PhoneNumberMatcher(
        text, PHONE_REGION, leniency=phonenumbers.Leniency.VALID
    )
    return [(match.start, match.end) for match in matcher]


@cache
def _phonenumbers_module():
    """libphonenumber, loaded the first time a text may hold a phone number."""
    import phonenumbers

    return phonenumbers


def _substitute(
    pieces: list[_Piece], find: Callable[[str], list[tuple[int, int]]], mask: str
) -> list[_Piece]:
    """Each stretch ``find`` finds in the text the pieces spell replaced by ``mask``,
    keeping track of origins (sorted, disjoint stretches: like ``pattern.sub``).

    A match that overlaps an earlier replacement absorbs all of it, so that every masked
    piece still maps to one stretch of the original.
    """
    current = "".join(p.text for p in pieces)
    matches = [(start, end) for start, end in find(current) if end > start]
    if not matches:
        return pieces
    bounds = [0]
    for piece in pieces:
        bounds.append(bounds[-1] + len(piece.text))
    groups: list[tuple[int, int, list[tuple[int, int]]]] = []
    for start, end in matches:
        low, high = start, end
        for i, piece in enumerate(pieces):
            if piece.masked and bounds[i] < end and start < bounds[i + 1]:
                low, high = min(low, bounds[i]), max(high, bounds[i + 1])
        if groups and low < groups[-1][1]:
            first, last, members = groups[-1]
            groups[-1] = (first, max(last, high), [*members, (start, end)])
        else:
            groups.append((low, high, [(start, end)]))

    def origin(position: int, *, end: bool) -> int:
        for i, piece in enumerate(pieces):
            inside = (
                bounds[i] < position <= bounds[i + 1]
                if end
                else bounds[i] <= position < bounds[i + 1]
            )
            if inside:
                if piece.masked:
                    return piece.end if end else piece.start
                return piece.start + position - bounds[i]
        return pieces[-1].end if end else pieces[0].start

    def copy(low: int, high: int) -> list[_Piece]:
        kept = []
        for i, piece in enumerate(pieces):
            a, b = max(low, bounds[i]), min(high, bounds[i + 1])
            if a >= b:
                continue
            if piece.masked:
                kept.append(piece)
            else:
                offset = piece.start - bounds[i]
                kept.append(_Piece(a + offset, b + offset, current[a:b], False))
        return kept

    result: list[_Piece] = []
    cursor = 0
    for low, high, members in groups:
        result += copy(cursor, low)
        parts = [current[low : members[0][0]]]
        for (_, end), following in zip(members, [*members[1:], (high, high)], strict=True):
            parts += [mask, current[end : following[0]]]
        result.append(_Piece(origin(low, end=False), origin(high, end=True), "".join(parts), True))
        cursor = high
    result += copy(cursor, len(current))
    return result
