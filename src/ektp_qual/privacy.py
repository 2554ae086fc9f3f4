"""Keeping informants' personal data out of what the tool shows and exports.

Names from the front matter, national ID numbers (NIK: 16 digits) and phone numbers are
masked in every quoted text unless the researcher asks for personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NIK_MASK = "[NIK]"
PHONE_MASK = "[PHONE]"
NAME_MASK = "[NAME]"

# 16 digits, alone or in groups separated by single spaces, dots or dashes.
_NIK = re.compile(r"(?<![\d])(?:\d[ .-]?){15}\d(?![\d])")
# Indonesian mobile (08.., +628.., 628..) and landline with area code ((0721) 123456).
_PHONE = re.compile(
    r"(?<![\w+])(?:\+62[ .-]?|62|0)8\d{1,3}(?:[ .-]?\d{2,5}){2,3}(?!\d)"
    r"|\(0\d{2,3}\)[ ]?\d{5,8}(?!\d)"
)
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
        text = _NIK.sub(NIK_MASK, text)
        text = _PHONE.sub(PHONE_MASK, text)
        if self._names is not None:
            text = self._names.sub(NAME_MASK, text)
        return text
