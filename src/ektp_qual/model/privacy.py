"""Keeping informants' personal data out of what the tool shows and exports.

Names from the front matter, national ID numbers (NIK: 16 digits) and phone numbers are
masked in every quoted text unless the researcher asks for personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

NIK_MASK = "[NIK]"
PHONE_MASK = "[PHONE]"
NAME_MASK = "[NAME]"

# 16 digits, alone or in groups separated by single spaces, dots or dashes. The first
# digit comes before the look-behind so that the regex engine can skip to digits.
_NIK = re.compile(r"\d(?<!\d\d)(?:[ .-]?\d){15}(?!\d)")
# Indonesian mobile (08.., +628.., 628..) and landline with area code ((0721) 123456).
_PHONE = re.compile(
    r"(?<![\w+])(?:\+62[ .-]?|62|0)8\d{1,3}(?:[ .-]?\d{2,5}){2,3}(?!\d)"
    r"|\(0\d{2,3}\)[ ]?\d{5,8}(?!\d)"
)
_DIGIT = re.compile(r"\d")
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
    """Masks NIKs, phone numbers and the given name words in text."""

    def __init__(self, names: Iterable[str | None] = ()) -> None:
        words = name_words(names)
        self._names = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)
            if words
            else None
        )

    def __call__(self, text: str) -> str:
        if not isinstance(text, str) or not text:
            return text
        if _DIGIT.search(text):  # NIKs and phone numbers need digits: most texts skip both
            text = _NIK.sub(NIK_MASK, text)
            text = _PHONE.sub(PHONE_MASK, text)
        if self._names is not None:
            text = self._names.sub(NAME_MASK, text)
        return text

    def mask_with_offsets(self, text: str) -> MaskedText:
        """Mask like calling the masker, and report where the masks are.

        ``mask_with_offsets(text).text == masker(text)`` always; ``spans`` and
        ``position`` map offsets into ``text`` to offsets into the masked text (for
        example a coded sentence's ``start``/``end`` in a transcript body).
        """
        if not text:
            return MaskedText(text)
        passes = [(_NIK, NIK_MASK), (_PHONE, PHONE_MASK)]
        if self._names is not None:
            passes.append((self._names, NAME_MASK))
        pieces = [_Piece(0, len(text), text, False)]
        for pattern, mask in passes:
            pieces = _substitute(pieces, pattern, mask)
        spans = tuple((p.start, p.end, p.text) for p in pieces if p.masked)
        return MaskedText("".join(p.text for p in pieces), spans)


def _substitute(pieces: list[_Piece], pattern: re.Pattern[str], mask: str) -> list[_Piece]:
    """``pattern.sub(mask, text)`` on the text the pieces spell, keeping track of origins.

    A match that overlaps an earlier replacement absorbs all of it, so that every masked
    piece still maps to one stretch of the original.
    """
    current = "".join(p.text for p in pieces)
    matches = [m.span() for m in pattern.finditer(current) if m.end() > m.start()]
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
