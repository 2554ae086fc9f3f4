"""Code names in both directions: the names ektp-qual gives its codes in an export
(``criterion_code_name``, ``polarity_code_name``) and reads back (``parse_code_name``),
and what a code of another tool means in the codebook (``code_meaning``): its criterion
and polarity, read from the code's name and path."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Criterion

_POLARITY_WORDS = {
    "positive": "positive",
    "positif": "positive",
    "pos": "positive",
    "+": "positive",
    "negative": "negative",
    "negatif": "negative",
    "neg": "negative",
    "-": "negative",
    "\u2212": "negative",  # the minus sign
}
_SEPARATORS = " /:_.-\u2013\u2014"
_SUFFIX_BRACKET = re.compile(r"(?P<outer>.*?)\s*[(\[]\s*(?P<inner>[^()\[\]]+?)\s*[)\]]")
_PREFIX_BRACKET = re.compile(r"[(\[]\s*(?P<inner>[^()\[\]]+?)\s*[)\]]\s*(?P<outer>.*)")
_COLON = re.compile(r"(?P<inner>[^:]+?)\s*:\s*(?P<outer>.+)")


#: Polarity -> the sign ending the name of its code in ektp-qual's own exports.
POLARITY_SIGNS = {"positive": "+", "negative": "-"}
_CODE_NAME = re.compile(r"(?P<id>[A-Za-z][A-Za-z0-9_-]*)(?: (?P<sign>[+-])|: .*)?", re.DOTALL)


def criterion_code_name(criterion: Criterion) -> str:
    """``"<id>: <label>"``, the name of a criterion's (not codable) code."""
    label = " ".join(criterion.label.split())
    return criterion.id if not label or label == criterion.id else f"{criterion.id}: {label}"


def polarity_code_name(criterion_id: str, polarity: str) -> str:
    """``"<id> +"`` or ``"<id> -"``, the name of the code a coding references."""
    return f"{criterion_id} {POLARITY_SIGNS[polarity]}"


def parse_code_name(name: str) -> tuple[str, str | None] | None:
    """(criterion id, polarity or None for the criterion's own code), or None if foreign."""
    match = _CODE_NAME.fullmatch(name.strip())
    if match is None:
        return None
    sign = match.group("sign")
    polarity = {v: k for k, v in POLARITY_SIGNS.items()}[sign] if sign else None
    return match.group("id"), polarity


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _criteria_named(key: str, criteria: Sequence[Criterion]) -> set[str]:
    return {c.id for c in criteria if key and key in {_key(c.id), _key(c.label), _key(c.label_en)}}


def _criterion_named(name: str, criteria: Sequence[Criterion]) -> str | None:
    """The criterion a name means, alone or with another name in brackets or after ":"."""
    key = _key(name)
    found = _criteria_named(key, criteria)
    if not found:
        match = (
            _SUFFIX_BRACKET.fullmatch(key)
            or _PREFIX_BRACKET.fullmatch(key)
            or _COLON.fullmatch(key)
        )
        if match:
            found = _criteria_named(match["outer"], criteria) | _criteria_named(
                match["inner"], criteria
            )
    return found.pop() if len(found) == 1 else None


def _split_polarity(key: str) -> tuple[str, str] | None:
    """("criterion part", polarity) of a name ending in a polarity word, or None."""
    for word in sorted(_POLARITY_WORDS, key=len, reverse=True):
        if key.endswith(word) and len(key) > len(word):
            head = key[: -len(word)]
            if word.isalpha() and head[-1] not in _SEPARATORS:
                continue
            head = head.rstrip(_SEPARATORS)
            if head:
                return head, _POLARITY_WORDS[word]
    return None


def code_meaning(
    path: Sequence[str], criteria: Sequence[Criterion]
) -> tuple[str | None, str | None]:
    """What a code of another tool means: ``(criterion id, polarity)``, or Nones.

    ``path`` holds the names of the code and of its ancestors, root first, for example
    ``["Sikap dan Perilaku", "positive"]``. Names are compared without regard to case,
    leading/trailing spaces, or runs of whitespace. Recognised:

    * **A criterion**: a name equal to a criterion's ``id``, ``label`` or ``label_en``
      (``attitude``, ``Sikap dan Perilaku``, ``Attitudes and Behaviour``), or such a name
      with another name in brackets or parentheses after or before it (``Sikap dan
      Perilaku (attitude)``, ``[attitude] Sikap dan Perilaku``), or before it with a colon
      (``attitude: Sikap dan Perilaku``, the parent code ektp-qual's own export writes):
      one part names the criterion and the other part names no other criterion. A name
      that could mean two criteria means none.
    * **A polarity word**: ``positive``/``negative``, ``pos``/``neg``,
      ``positif``/``negatif``, ``+``/``-`` (also the minus sign U+2212).

    A code then means:

    * ``(criterion, polarity)`` when its name is a criterion followed by a polarity word,
      whatever its parent: ``attitude positive``, ``attitude +``, ``attitude+``,
      ``attitude/positive``, ``attitude: negative``, ``Sikap dan Perilaku (attitude) -
      negative`` (separators: space ``/ : _ . -`` and dashes; ``+``/``-`` need none);
    * ``(criterion, polarity)`` when its name is a polarity word and its **parent** (the
      code directly above it) names a criterion: ``Sikap dan Perilaku`` > ``positive``;
    * ``(criterion, None)`` when its name is a criterion and nothing more;
    * ``(None, None)`` for anything else, including codes below a polarity code
      (``attitude`` > ``positive`` > ``friendly``): nothing is inherited or guessed.

    A name that is exactly a criterion's id or label is that criterion, even if it ends
    in a polarity word; otherwise a trailing polarity word is read before the bracket and
    colon forms, so ``attitude: negative`` is negative evidence, not a criterion code.
    """
    if not path:
        return None, None
    name = path[-1]
    exact = _criteria_named(_key(name), criteria)
    if exact:
        return (exact.pop(), None) if len(exact) == 1 else (None, None)
    split = _split_polarity(_key(name))
    if split:
        criterion = _criterion_named(split[0], criteria)
        if criterion:
            return criterion, split[1]
    criterion = _criterion_named(name, criteria)
    if criterion:
        return criterion, None
    polarity = _POLARITY_WORDS.get(_key(name))
    if polarity and len(path) >= 2:
        criterion = _criterion_named(path[-2], criteria)
        if criterion:
            return criterion, polarity
    return None, None
