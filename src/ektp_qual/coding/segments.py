"""Paragraphs, sentences and tokens: the units coding reads and the ids segments keep."""

from __future__ import annotations

import re
from bisect import bisect_right
from hashlib import sha1

import numpy as np

from ..language.words import among
from ..model import Transcript

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# Where a sentence may end inside a paragraph: a full stop, question or exclamation mark,
# one space, and a letter or digit. Only a candidate: the coder keeps the cut only where
# the tokens agree (see ``Coder._pieces``).
# The mark is matched, not looked behind for: a pattern that opens with a set of
# characters is searched for fast, one that opens with a look-behind is tried everywhere.
_PIECE_BREAK = re.compile(r"[.!?][ \n](?=[^\W_])")
_NEWLINE = re.compile("\n")
# What the coder reads of each token, in this order (see ``Tokens``): spaCy's attribute
# names, so that importing this module (a ``suggest`` with its coding kept) loads no spaCy.
TOKEN_ATTRS = ["ORTH", "IS_PUNCT", "IS_SPACE", "IDX", "LENGTH"]


class Tokens:
    """The token arrays of a batch of docs laid end to end, read once from spaCy.

    ``doc_starts[k]`` is where the ``k``-th doc begins; one more entry marks the end.
    """

    def __init__(self, docs: list, transparent: np.ndarray) -> None:
        arrays = [doc.to_array(TOKEN_ATTRS) for doc in docs]
        sizes = [len(doc) for doc in docs]
        table = (
            np.concatenate(arrays) if arrays else np.zeros((0, len(TOKEN_ATTRS)), dtype=np.uint64)
        )
        self.doc_starts = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self.starts = self.doc_starts.tolist()
        self.orth, self.punct = table[:, 0], table[:, 1]
        self.orth_list = self.orth.tolist()
        self.punct_list = self.punct.tolist()
        self.space_list = table[:, 2].tolist()
        self.idx = table[:, 3].tolist()
        self.length = table[:, 4].tolist()
        self.offsets = table[:, 3].astype(np.int64), table[:, 4].astype(np.int64)
        # Running counts, so that clauses and word distances cost a subtraction:
        # punctuation that ends a clause, and words, among the tokens before each token.
        wordish = (table[:, 2] == 0) & ~among(self.orth, transparent)
        cutting = wordish & (self.punct != 0)
        self.cuts_before = np.concatenate(([0], np.cumsum(cutting))).tolist()
        self.words_before = np.concatenate(([0], np.cumsum(wordish))).tolist()

    def said(self, text: str, at: int, start: int, end: int, lines: bool = False) -> str:
        """The words of tokens ``[start, end)`` of the doc at ``at`` in ``text``, on one line
        unless ``lines`` keeps the line breaks as written."""
        last = at + end - 1
        words = text[self.idx[at + start] : self.idx[last] + self.length[last]]
        return words if lines else unwrapped(words)


class Occurrences:
    """Stable segment ids, sentence numbers and line numbers for one transcript."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.seen: dict[str, int] = {}
        # Sentences so far in each turn: a turn's paragraphs continue its numbering.
        self.sentences: dict[int, int] = {}
        body = transcript.body
        self.line_starts = [0] + [m.end() for m in _NEWLINE.finditer(body)]
        self.turn_starts = [turn.start for turn in transcript.turns]

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


def unwrapped(text: str) -> str:
    """A paragraph with its line breaks read as spaces (same length, same offsets).

    Transcripts are often hard-wrapped; spaCy makes a token of a line break, and a
    phrase split by one ("cuma\\ndua meja") would otherwise never match.
    """
    return text.replace("\n", " ")


def normal_form(text: str) -> str:
    """A sentence's words as its id reads them: single spaces, case folded."""
    return " ".join(text.split()).casefold()


def segment_id(
    informant: str, text: str, seen: dict[str, int] | None = None, normal: str | None = None
) -> str:
    """An id that survives re-coding, codebook changes and edits elsewhere in the file.

    Built from the informant, the sentence's words and how many times the same sentence
    occurred before it in the transcript (so repeated "Iya, Mas." get distinct ids).
    ``seen`` counts the sentences of the transcript so far; ``normal``, the text's
    ``normal_form``, spares computing it again.
    """
    if normal is None:
        normal = normal_form(text)
    occurrence = 0
    if seen is not None:
        occurrence = seen.get(normal, 0)
        seen[normal] = occurrence + 1
    digest = sha1(f"{informant}\x1f{normal}\x1f{occurrence}".encode()).hexdigest()
    return f"{informant}-{digest[:10]}"


def piece_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, piece)`` of the pieces of a paragraph cut where a sentence may end.

    spaCy's tokenizer splits text at single spaces before anything else, so a paragraph's
    tokens are its pieces' tokens laid end to end: a piece said again ("Iya, Mas.") is
    tokenised and read once. Each cut is one character, just after the mark.
    """
    spans = []
    start = 0
    for cut in _PIECE_BREAK.finditer(text):
        end = cut.start() + 1
        spans.append((start, end, text[start:end]))
        start = end + 1
    spans.append((start, len(text), text[start:]))
    return spans


def paragraphs(text: str, offset: int):
    """(offset, text) of each non-blank paragraph of a turn."""
    position = 0
    for piece in [*_PARAGRAPH_BREAK.split(text)]:
        at = text.index(piece, position) if piece else position
        position = at + len(piece)
        lead = len(piece) - len(piece.lstrip())
        body = piece.strip()
        if body:
            yield offset + at + lead, body
