"""The kinds of codebook words the coder matches, and which of them mark context."""

from __future__ import annotations

from dataclasses import dataclass

# Punctuation that does not end a clause: word-internal hyphens and quotes.
SCOPE_TRANSPARENT = {"-", "'", '"', "“", "”", "‘", "’"}
# Rule kinds that mark words around evidence rather than code it, with the codebook
# list each comes from.
MARKER_LISTS = {
    "negator": "negators",
    "irrealis": "irrealis",
    "clause_break": "clause_breaks",
    "contrast_following": "contrast_following",
    "contrast_conceding": "contrast_conceding",
    "hearsay": "hearsay",
    "remedy": "remedy",
    "self": "self",
    "others": "others",
    "quantity_before": "quantity_before",
    "quantity_after": "quantity_after",
    "candour": "candour",
    "lost": "lost",
}
MARKERS = tuple(MARKER_LISTS)
# Markers that still count inside a matched phrase: "diperbaiki" may be recovery
# evidence and tell a fix at once. The others belong to the phrase ("tidak ada pungli").
KEPT_IN_PHRASES = {"remedy", "self", "candour"}
# Markers that are never evidence themselves: one that covers all of a phrase's words,
# with as many words or more, takes them from the phrase ("mudah-mudahan" is a wish,
# not "mudah"; "good luck" is no judgement of "good").
WIN_OVER_PHRASES = {
    "negator",
    "irrealis",
    "clause_break",
    "contrast_following",
    "contrast_conceding",
    "self",
}
# A negator between the words of a phrase matched with a gap negates it.
KEPT_IN_GAPS = {"negator", *KEPT_IN_PHRASES}
# Markers that begin a new clause.
CLAUSE_STARTS = {"clause_break", "contrast_following", "contrast_conceding"}
# Which method stands first when a sentence codes a criterion and polarity several ways.
METHOD_RANK = {"phrase": 0, "negated phrase": 1, "answer": 2, "structural": 3}


@dataclass(frozen=True)
class Rule:
    kind: str  # "criterion", "evaluative", "ignore", or one of MARKERS
    criterion: str
    polarity: str
    phrase: str
