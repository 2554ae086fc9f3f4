"""What every section of the report shares: escaping, anchors, quotes, captions."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from ...language.privacy import MaskedText
from ...model import STANCE_SYMBOLS

if TYPE_CHECKING:
    from ...model import Transcript
    from ...model.results import Analysis


#: Quotes shown per side and criterion before the rest are folded away, and the most
#: folded ones (a million-word corpus would otherwise put thousands on the page).
QUOTES_SHOWN = 6
QUOTES_FOLDED = 60
#: Quotes against a verdict shown per criterion (one per informant, strongest first).
NEGATIVE_SHOWN = 8
#: Longest quote in a hover title, in characters.
TITLE_QUOTE = 280

_STANCE_WORDS = {
    "positive": "positive: more coded sentences for than against",
    "negative": "negative: more coded sentences against than for",
    "mixed": "mixed: as many for as against",
    "none": "none: no coded evidence",
}
_POLARITY_SIDES = {"positive": "For (positive)", "negative": "Against (negative)"}
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9.-]")

Link = Callable[[str], "str | None"]


# -- small helpers ----------------------------------------------------------------------


def _e(value: object) -> str:
    """Text escaped for HTML content and attribute values."""
    return escape(str(value), quote=True)


def anchor(kind: str, key: object) -> str:
    """An element id for ``key``: itself when made of safe characters, and one to one.

    ``anchor("seg", "M01-e708c78e72") == "seg-M01-e708c78e72"``; other characters
    (including ``_``) become ``_<hex>_``, so different keys never share an id.
    """
    return f"{kind}-" + _ID_UNSAFE.sub(lambda m: f"_{ord(m.group()):x}_", str(key))


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _share(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):.0%}"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _privacy_in_words(personal_data: bool) -> str:
    if personal_data:
        return (
            "Contains personal data (names, national ID numbers and phone numbers are shown): "
            "do not share."
        )
    # In English: the mask [NIK] is explained, not the Indonesian abbreviation used as a word.
    return (
        "Personal data is masked: names read [NAME], 16-digit national ID numbers [NIK] and "
        "phone numbers [PHONE]."
    )


class _Captions:
    """Tables in a scrollable region labelled by their caption (numbered ids).

    ``caption``, ``head`` and ``body`` are HTML: callers escape what comes from the data.
    """

    def __init__(self) -> None:
        self.n = 0

    def table(self, caption: str, head: str, body: str, cls: str = "") -> str:
        self.n += 1
        cid = f"table-{self.n}"
        klass = f' class="{cls}"' if cls else ""
        return (
            f'<div class="table-wrap" role="region" aria-labelledby="{cid}" tabindex="0">'
            f'<table{klass}><caption id="{cid}">{caption}</caption>'
            f"<thead>{head}</thead>{body}</table></div>"
        )


def _th_cols(*names: str) -> str:
    """A header row of column headers (HTML, escaped by the caller)."""
    return "<tr>" + "".join(f'<th scope="col">{n}</th>' for n in names) + "</tr>"


class _Texts:
    """Text from the data as the report shows it: masked unless the analysis keeps
    personal data. Transcript bodies are read raw, so they are masked here as the tables
    were; with personal data, quotes are taken from the body by their offsets
    (``body[start:end]`` is the sentence).
    """

    def __init__(self, analysis: Analysis) -> None:
        self.personal = analysis.reduction.personal_data
        self.language = analysis.codebook.language or "und"  # the interviews' language
        self.codebook = analysis.codebook
        self.mask = analysis.reduction.masker
        self._analysis = analysis
        self._where: dict[str, tuple[str, int, int]] | None = None
        self._bodies = {t.informant: t.body for t in analysis.corpus.transcripts}

    def __call__(self, text: object) -> str:
        text = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
        return text if self.personal else self.mask(text)

    def body(self, transcript: Transcript) -> MaskedText:
        if self.personal:
            return MaskedText(transcript.body)
        return self.mask.mask_with_offsets(transcript.body)

    def quote(self, segment_id: str, text: object) -> str:
        """A coded sentence, on one line."""
        if not self.personal:
            return _one_line(self(text))
        if self._where is None:
            s = self._analysis.reduction.segments
            self._where = dict(
                zip(
                    s["segment_id"].tolist(),
                    zip(
                        s["informant"].tolist(),
                        s["start"].tolist(),
                        s["end"].tolist(),
                        strict=True,
                    ),
                    strict=True,
                )
            )
        found = self._where.get(segment_id)
        if found is not None and found[0] in self._bodies:
            informant, start, end = found
            return _one_line(self._bodies[informant][int(start) : int(end)])
        return _one_line(text)


def _quote(
    texts: _Texts,
    link: Link | None,
    segment_id: str,
    text: object,
    informant: str,
    role: str,
    polarity: str,
    extra: str = "",
) -> str:
    """A quote tagged with informant and role, linked to its sentence in the transcripts."""
    words = _e(texts.quote(segment_id, text))
    target = link(segment_id) if link else None
    if target:
        words = f'<a class="quote-link" href="#{target}" data-seg="{_e(segment_id)}">{words}</a>'
    return (
        f'<li class="quote {polarity}"><blockquote lang="{_e(texts.language)}"><p>{words}</p>'
        "</blockquote>"
        f'<p class="who"><span class="sym" aria-hidden="true">{STANCE_SYMBOLS[polarity]}</span>'
        f'<span class="sr-only">{polarity} evidence from </span>'
        f'{_e(informant)} <span class="role">({_e(role)})</span>{extra}</p></li>'
    )
