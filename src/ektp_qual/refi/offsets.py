"""How REFI-QDA tools count the offsets of a text selection, and the mapping from
their counts to code points (NVivo counts UTF-16 units; ATLAS.ti counts a CRLF as one).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..inputs.textfile import normalise

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Convention:
    """How a tool counts the offsets of a text selection in the stored ``.txt``.

    The BOM is never counted. ``utf16``: characters outside the Basic Multilingual Plane
    (emoji) count 2. ``line_break_as_one``: a ``\\r\\n`` in the stored text counts 1.
    """

    name: str
    utf16: bool
    line_break_as_one: bool


CODE_POINTS = Convention("code points", utf16=False, line_break_as_one=False)
UTF16_UNITS = Convention("UTF-16 units", utf16=True, line_break_as_one=False)
CODE_POINTS_LINE_BREAK_1 = Convention(
    "code points, CRLF counted as 1", utf16=False, line_break_as_one=True
)
UTF16_UNITS_LINE_BREAK_1 = Convention(
    "UTF-16 units, CRLF counted as 1", utf16=True, line_break_as_one=True
)
#: Every convention the importer can read, the standard's (code points) first.
CONVENTIONS = (CODE_POINTS, UTF16_UNITS, CODE_POINTS_LINE_BREAK_1, UTF16_UNITS_LINE_BREAK_1)


def origin_convention(origin: str) -> Convention | None:
    """The convention a producing tool is known to use, or None when the tool is unknown.

    NVivo (Windows and Mac): UTF-16 units with CRLF = 2; ATLAS.ti: code points with a line
    break = 1; QualCoder, MAXQDA, ektp-qual: code points of the text as stored, unless the
    origin says "UTF-16 units" (ektp-qual's export with ``--offsets utf16``).
    """
    text = origin.casefold()
    if "nvivo" in text or "utf-16 units" in text:
        return UTF16_UNITS
    if "atlas" in text:
        return CODE_POINTS_LINE_BREAK_1
    if any(tool in text for tool in ("qualcoder", "maxqda", "ektp")):
        return CODE_POINTS
    return None


_CRLF = re.compile(r"\r\n")
_CRLF_OR_ASTRAL = re.compile("\r\n|[\U00010000-\U0010ffff]")


class _UnitMap:
    """Offsets in a convention's units to indices into the normalised text (sparse)."""

    def __init__(self, stored: str, convention: Convention) -> None:
        pattern = _CRLF_OR_ASTRAL if convention.utf16 else _CRLF
        wide: list[int] = []  # normalised indices of characters that count 2
        crlf = 0
        for match in pattern.finditer(stored):
            if match.group() == "\r\n":
                if not convention.line_break_as_one:
                    wide.append(match.start() - crlf)
                crlf += 1
            else:
                wide.append(match.start() - crlf)
        self.length = len(stored) - stored.count("\r\n")
        self.total = self.length + len(wide)
        self.wide = wide
        self.after = [p + k + 2 for k, p in enumerate(wide)]  # unit just after each

    def index(self, unit: int, *, end: bool) -> tuple[int, bool]:
        """The text index at ``unit``; inside a 2-unit character, the character is kept."""
        if not self.wide:
            return unit, False
        m = bisect_right(self.after, unit)
        if m < len(self.wide) and self.wide[m] + m + 1 == unit:
            return self.wide[m] + (1 if end else 0), True
        return unit - m, False


def _quote_score(name: str, text: str) -> int:
    """How well a selection name quotes the selected text.

    3: it is the text (line ends aside); 2: equal once whitespace is collapsed; 1: the text
    begins with the name (a name truncated, with or without "..."); 0: no match.
    """
    if normalise(name) == text:
        return 3
    short, full = " ".join(name.split()), " ".join(text.split())
    if not short:
        return 0
    if short == full:
        return 2
    for tail in ("...", "\u2026"):
        if short.endswith(tail):
            short = short[: -len(tail)].rstrip()
            break
    return 1 if len(short) >= 3 and len(full) > len(short) and full.startswith(short) else 0
