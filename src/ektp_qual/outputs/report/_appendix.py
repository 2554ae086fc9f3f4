"""The report's appendices: the codebook, and the transcripts with every coded sentence marked."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ...language.privacy import MaskedText, shared_attributes
from ...model import STANCE_SYMBOLS

if TYPE_CHECKING:
    from ...model import Codebook, Transcript
    from ...model.results import Analysis

from ._matrices import _criterion_title
from ._parts import _POLARITY_SIDES, _e, _plural, _Texts, anchor

# -- 6. appendix A: the codebook ------------------------------------------------------------


def _words(items: Iterable[str]) -> str:
    items = list(items)
    if not items:
        return '<span class="empty">none</span>'
    return ", ".join(f"<q>{_e(i)}</q>" for i in items)


def _phrase_list(phrases: tuple[str, ...], polarity: str) -> str:
    title = _POLARITY_SIDES[polarity]
    if not phrases:
        return f'<div class="side {polarity}"><h4>{title}</h4><p class="empty">None.</p></div>'
    items = '<ul class="phrases">' + "".join(f"<li>{_e(p)}</li>" for p in phrases) + "</ul>"
    if len(phrases) > 15:
        items = f"<details><summary>{_plural(len(phrases), 'phrase')}</summary>{items}</details>"
    return (
        f'<div class="side {polarity}"><h4>{title}: {_plural(len(phrases), "phrase")}</h4>'
        f"{items}</div>"
    )


def _codebook_appendix(book: Codebook) -> str:
    facts = [
        ("Title", _e(book.title)),
        ("Id", f"<code>{_e(book.id)}</code>"),
        ("sha256", f'<code class="hash">{_e(book.sha256)}</code>'),
        ("Language", f"<code>{_e(book.language)}</code>"),
        ("Negators", _words(book.negators)),
        ("Negation window", f"{book.negation_window} words"),
        ("Clause breaks", _words(book.clause_breaks)),
        ("Irrealis", _words(book.irrealis)),
        ("Ignored phrases", _words(book.ignore)),
        ("Generic judgements, positive", _words(book.evaluative_positive)),
        ("Generic judgements, negative", _words(book.evaluative_negative)),
    ]
    out = ['<dl class="facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"]
    for c in book.criteria:
        out.append(f'<h3 id="{anchor("codebook", c.id)}">{_criterion_title(c, book.language)}</h3>')
        if c.short:
            out.append(f"<p>Short name: <code>{_e(c.short)}</code></p>")
        if c.definition:
            out.append(f'<p class="definition">{_e(c.definition)}</p>')
        if c.questions:
            out.append(
                '<p>Guide questions:</p><ol class="questions">'
                + "".join(f"<li>{_e(q)}</li>" for q in c.questions)
                + "</ol>"
            )
        out.append(
            '<div class="sides">'
            + _phrase_list(c.positive, "positive")
            + _phrase_list(c.negative, "negative")
            + "</div>"
        )
        if c.examples:
            items = "".join(
                f'<li><span class="tag">{_e(x.expected)}</span> {_e(x.text)}'
                + (f' <span class="sub">(asked: {_e(x.question)})</span>' if x.question else "")
                + "</li>"
                for x in c.examples
            )
            out.append(
                f"<details><summary>{_plural(len(c.examples), 'example')} the criterion "
                f'must code as stated</summary><ul class="examples">{items}</ul></details>'
            )
    return "".join(out)


# -- 7. appendix B: the transcripts ----------------------------------------------------------


class _Positions:
    """Offsets into a text mapped to its masked version: ``MaskedText.position`` in
    O(log n) per call (a transcript may have thousands of masks and sentences)."""

    def __init__(self, masked: MaskedText) -> None:
        self.starts = [s for s, _, _ in masked.spans]
        self.stops = [e for _, e, _ in masked.spans]
        self.sizes = [len(r) for _, _, r in masked.spans]
        self.shift = [0]  # shift before each span
        for s, e, r in masked.spans:
            self.shift.append(self.shift[-1] + len(r) - (e - s))

    def __call__(self, offset: int, *, end: bool = False) -> int:
        k = bisect.bisect_left(self.starts, offset) - 1  # last span starting before offset
        if k < 0:
            return offset
        if offset < self.stops[k]:
            return self.starts[k] + self.shift[k] + (self.sizes[k] if end else 0)
        return offset + self.shift[k + 1]


def _codes_by_segment(analysis: Analysis) -> dict[str, dict[tuple[str, str], None]]:
    codings = analysis.reduction.codings
    order = {cid: i for i, cid in enumerate(analysis.codebook.criterion_ids)}
    found: dict[str, dict[tuple[str, str], None]] = {}
    for segment, criterion, polarity in zip(
        codings["segment_id"].tolist(),
        codings["criterion"].tolist(),
        codings["polarity"].tolist(),
        strict=True,
    ):
        found.setdefault(segment, {})[(criterion, polarity)] = None
    return {
        segment: dict.fromkeys(
            sorted(codes, key=lambda k: (order.get(k[0], len(order)), k[1] != "positive"))
        )
        for segment, codes in found.items()
    }


def _transcripts_appendix(analysis: Analysis, texts: _Texts, anchors: set[str]) -> str:
    codes = _codes_by_segment(analysis)
    segments = analysis.reduction.segments
    coded: dict[str, list[tuple[int, int, str]]] = {}
    for segment, informant, start, end in zip(
        segments["segment_id"].tolist(),
        segments["informant"].tolist(),
        segments["start"].tolist(),
        segments["end"].tolist(),
        strict=True,
    ):
        if segment in codes:
            coded.setdefault(informant, []).append((int(start), int(end), segment))
    transcripts = analysis.corpus.transcripts
    index = ", ".join(
        f'<a href="#{anchor("t", t.informant)}">{_e(t.informant)}</a>' for t in transcripts
    )
    out = [
        "<p>Every interview, turn by turn; interviewer turns are set apart. Each coded "
        "sentence is highlighted (green, solid underline: evidence for; red, dashed: "
        "against; amber, dotted: both) and tagged with its criteria.</p>",
        f'<nav class="index" aria-label="Transcripts"><p>Informants: {index}</p></nav>',
    ]
    for t in transcripts:
        out.append(_transcript(t, sorted(coded.get(t.informant, [])), codes, texts, anchors))
    return "".join(out)


def _transcript(
    t: Transcript,
    marks: list[tuple[int, int, str]],
    codes: dict[str, dict[tuple[str, str], None]],
    texts: _Texts,
    anchors: set[str],
) -> str:
    masked = texts.body(t)
    text = masked.text
    position = _Positions(masked)
    attributes = "".join(
        f"<dt>{_e(key)}</dt><dd>{_e(texts(value))}</dd>"
        for key, value in shared_attributes(t, texts.codebook, None).items()
    )
    out = [
        f'<article class="transcript" lang="{_e(texts.language)}" id="{anchor("t", t.informant)}" '
        f'aria-labelledby="{anchor("t", t.informant)}-h">'
        f'<h3 id="{anchor("t", t.informant)}-h">{_e(t.informant)} '
        f'<span class="role">({_e(t.role)})</span></h3>'
    ]
    if attributes:
        out.append(f'<dl class="attributes">{attributes}</dl>')
    if t.preamble:
        out.append(f'<p class="preamble">Before the first turn: {_e(texts(t.preamble))}</p>')
    i = 0
    for turn in t.turns:
        start, stop = position(turn.start), position(turn.end, end=True)
        cursor = start
        pieces: list[str] = []
        while i < len(marks) and marks[i][0] < turn.end:
            s, e, segment = marks[i]
            i += 1
            if e <= turn.start:
                continue
            ms = max(position(max(s, turn.start)), cursor)
            me = min(position(min(e, turn.end), end=True), stop)
            if me <= ms:
                continue
            pieces.append(_e(text[cursor:ms]))
            pieces.append(_mark(segment, codes[segment], text[ms:me]))
            anchors.add(anchor("seg", segment))
            cursor = me
        pieces.append(_e(text[cursor:stop]))
        kind = "interviewer" if turn.is_interviewer else "informant"
        when = f' <span class="time">[{_e(turn.timestamp)}]</span>' if turn.timestamp else ""
        out.append(
            f'<div class="turn {kind}"><p class="speaker">{_e(texts(turn.speaker))}'
            f'<span class="sr-only"> ({kind})</span>:{when}</p>'
            f'<p class="said">{"".join(pieces)}</p></div>'
        )
    out.append("</article>")
    return "".join(out)


def _mark(segment: str, codes: dict[tuple[str, str], None], words: str) -> str:
    polarities = {p for _, p in codes}
    kind = polarities.pop() if len(polarities) == 1 else "mixed"
    short = " ".join(f"{STANCE_SYMBOLS[p]}{c}" for c, p in codes)
    spoken = "; ".join(f"{c} {p}" for c, p in codes)
    return (
        f'<mark id="{anchor("seg", segment)}" class="{kind}" title="{_e(spoken)}" '
        f'data-codes="{_e(short)}">{_e(words)}'
        f'<span class="sr-only"> (coded: {_e(spoken)})</span></mark>'
    )
