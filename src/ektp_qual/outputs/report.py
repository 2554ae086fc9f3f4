"""A self-contained HTML report of an analysis: one file that opens offline in any browser.

>>> from ektp_qual import analyse
>>> from ektp_qual.report import report_html
>>> html = report_html(analyse())                      # the embedded sample
>>> html = report_html(analyse(), transcripts=False)   # without the transcripts appendix

The report shows what ``ektp-qual code`` prints, in the same order as the terminal and
with the same symbols: the study, the checklist matrix (as a heat map), the role-ordered
matrix, the evidence per criterion, the conclusions with triangulation, negative
evidence and the comparison with expected findings, how sure each verdict is when the
analysis was verified (``analyse(..., verify=True)``, ``report --verify``), then the
codebook and the transcripts with every coded sentence highlighted, as appendices.

It makes no network request: styles are inline, there are no fonts or images, and the
one script (opening collapsed sections before printing) is inline too. Stances and
verdicts are shown by symbol and word as well as colour. Every text from the data is
escaped. Informants' names, NIK and phone numbers are masked unless the analysis was made
with ``personal_data``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from .. import __version__
from ..analysis.reduction import strongest_quotes
from ..language.privacy import MaskedText, shared_attributes
from ..model import STANCE_SYMBOLS, STANCES

if TYPE_CHECKING:
    from ..model import Codebook, Criterion, Transcript
    from ..model.results import Analysis

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


def report_html(analysis: Analysis, *, transcripts: bool = True) -> str:
    """The analysis as one self-contained HTML5 document.

    Informants' names, NIK and phone numbers are shown only when the analysis was made
    with ``personal_data`` (in the transcripts, the quotes and everything else taken from
    the data). ``transcripts``: include the transcripts appendix; without it (for very
    large corpora) quotes are shown without links.
    """
    book = analysis.codebook
    texts = _Texts(analysis)
    anchors: set[str] = set()
    captions = _Captions()
    appendix = _transcripts_appendix(analysis, texts, anchors) if transcripts else ""

    def link(segment_id: str) -> str | None:
        target = anchor("seg", segment_id)
        return target if target in anchors else None

    sections = [
        ("study", "The study", _study(analysis, texts, captions, transcripts)),
        ("checklist", "Checklist matrix", _checklist(analysis, texts, captions, transcripts)),
        ("roles", "Role-ordered matrix", _role_matrix(analysis, captions)),
        ("evidence", "Evidence by criterion", _evidence(analysis, texts, captions, link)),
        ("conclusions", "Conclusions", _conclusions(analysis, texts, captions, link)),
        ("codebook", "Appendix A: the codebook", _codebook_appendix(book)),
    ]
    if analysis.verification is not None:  # before the appendices
        sections.insert(-1, ("verification", "Verification", _verification(analysis, captions)))
    if transcripts:
        sections.append(("transcripts", "Appendix B: the transcripts", appendix))
    title = f"{book.title}: qualitative analysis report"
    toc = "".join(f'<li><a href="#{key}">{_e(heading)}</a></li>' for key, heading, _ in sections)
    body = "".join(
        f'<section id="{key}" aria-labelledby="{key}-h">'
        f'<h2 id="{key}-h">{_e(heading)}</h2>{content}</section>'
        for key, heading, content in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="ektp-qual {_e(__version__)}">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n<script>{_SCRIPT}</script>\n"
        "</head>\n<body>\n"
        '<a class="skip-link" href="#content">Skip to content</a>\n'
        f"<header><h1>{_e(title)}</h1>"
        f'<p class="subtitle">Miles and Huberman\'s data reduction, data display and '
        f"conclusion drawing, by ektp-qual {_e(__version__)}. "
        f"{_privacy_in_words(texts.personal)}</p>"
        f'<nav class="toc" aria-label="Contents"><p class="toc-title">Contents</p>'
        f"<ol>{toc}</ol></nav></header>\n"
        f'<main id="content" tabindex="-1">{body}</main>\n'
        f"<footer><p>Made by ektp-qual {_e(__version__)} with codebook {_e(book.id)} "
        f"(sha256 {_e(book.sha256[:12])}).</p></footer>\n"
        "</body>\n</html>\n"
    )


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


# -- 1. the study -----------------------------------------------------------------------


def _rule_in_words(book: Codebook) -> str:
    rule = book.decision
    if rule.roles:
        who = ("role " if len(rule.roles) == 1 else "roles ") + ", ".join(
            f"<em>{_e(r)}</em>" for r in rule.roles
        )
    else:
        who = "every role"
    return (
        f"<p>Rule <code>{_e(rule.rule)}</code>: a criterion is <strong>met</strong> when, of "
        f"the informants of the deciding {who} who hold a stance on it (positive, negative "
        f"or mixed), a share of at least <strong>{rule.threshold:g}</strong> "
        f"({rule.threshold:.0%}) is positive; <strong>not met</strong> otherwise; "
        "<strong>undetermined</strong> when none of them holds a stance. An informant's "
        "stance is positive when more of their coded sentences speak for a criterion than "
        "against it, negative when more speak against, mixed when as many do each. The "
        "study is met when every criterion is met, not met when none is, and partly met "
        "otherwise.</p>"
    )


def _study(analysis: Analysis, texts: _Texts, captions: _Captions, transcripts: bool) -> str:
    book = analysis.codebook
    summary = analysis.reduction.summary

    def numbers(row) -> str:
        return "".join(
            f"<td>{int(getattr(row, c))}</td>"
            for c in ("transcripts", "sentences", "coded_sentences", "codings")
        )

    per_role = list(summary.iloc[:-1].itertuples())
    rows = "".join(
        f'<tr><th scope="row">{_e(row.role)}</th>{numbers(row)}</tr>' for row in per_role
    )
    everyone = summary.iloc[-1]
    total = f'<tr class="total"><th scope="row">all</th>{numbers(everyone)}</tr>'
    corpus_table = captions.table(
        "Corpus: transcripts, informant sentences and codings per role",
        _th_cols("Role", "Transcripts", "Informant sentences", "Coded sentences", "Codings"),
        f"<tbody>{rows}</tbody><tfoot>{total}</tfoot>",
    )
    criteria = "".join(
        f"<li><code>{_e(c.id)}</code>: {_e(c.label)}"
        + (f' <span lang="en">({_e(c.label_en)})</span>' if c.label_en else "")
        + "</li>"
        for c in book.criteria
    )
    labels = book.decision.labels
    label_words = (
        "<p>Verdicts in the study's language: "
        + "; ".join(
            f'{_e(verdict)} = <span lang="{_e(book.language)}">{_e(label)}</span>'
            for verdict, label in labels
        )
        + ".</p>"
        if labels
        else ""
    )
    out = [
        "<h3>Corpus</h3>",
        f"<p>{_plural(int(everyone.transcripts), 'transcript')} "
        f"({', '.join(f'{row.transcripts} {_e(row.role)}' for row in per_role)}); "
        f"{_plural(int(everyone.sentences), 'informant sentence')}, "
        f"{int(everyone.coded_sentences)} of them coded; "
        f"{_plural(int(everyone.codings), 'coding')}. Interviewer turns are context, never "
        "evidence."
        "</p>",
        corpus_table,
        "<h3>Codebook</h3>",
        '<dl class="facts">'
        f"<dt>Title</dt><dd>{_e(book.title)}</dd>"
        f"<dt>Id</dt><dd><code>{_e(book.id)}</code></dd>"
        f"<dt>Checksum</dt><dd>sha256 <code>{_e(book.sha256[:12])}</code> "
        "(every coding records it)</dd>"
        f"<dt>Language</dt><dd><code>{_e(book.language)}</code></dd>"
        f"<dt>Criteria</dt><dd><ul>{criteria}</ul></dd></dl>",
        "<h3>Decision rule</h3>",
        _rule_in_words(book),
        label_words,
        "<h3>Review</h3>",
        _review_in_words(analysis),
    ]
    findings = analysis.conclusion.findings
    if findings is not None:
        out.append("<h3>Expected findings</h3>")
        out.append(
            "<p>The verdicts are compared with expected findings"
            + (f" from: {_e(findings.source)}" if findings.source else "")
            + ' (see <a href="#comparison">the comparison</a>).</p>'
        )
        if findings.note:
            out.append(f'<p class="note">Note: {_e(findings.note)}</p>')
    out.append("<h3>About this report</h3>")
    appendix = (
        'The transcripts are in <a href="#transcripts">appendix B</a>, each coded sentence '
        "highlighted; quotes link to them."
        if transcripts
        else "The transcripts appendix was left out of this report; quotes are not linked."
    )
    out.append(
        f"<p>Tool: ektp-qual {_e(__version__)}. {_privacy_in_words(texts.personal)} {appendix}</p>"
    )
    notices = analysis.reduction.notices
    if notices:
        items = "".join(f"<li>{_e(texts(str(n)))}</li>" for n in notices)
        out.append(
            f"<details><summary>{_plural(len(notices), 'warning')} about the input"
            f"</summary><ul>{items}</ul></details>"
        )
    return "".join(out)


def _review_in_words(analysis: Analysis) -> str:
    review = analysis.reduction.review
    if review is None:
        return (
            "<p>No researcher's review was applied: every coding is the automatic coder's "
            "proposal.</p>"
        )
    codings = analysis.reduction.codings
    pending = int((codings["source"] == "auto").sum()) if "source" in codings else 0
    coders = ", ".join(review.coders) if review.coders else "an unnamed coder"
    return (
        f"<p>A researcher's review was applied (by {_e(coders)}): "
        f"{review.accepted} codings accepted, {review.rejected} rejected, "
        f"{review.added} added; {pending} automatic codings not yet reviewed.</p>"
    )


# -- 2. checklist matrix ------------------------------------------------------------------


def _legend() -> str:
    items = "".join(
        f'<li><span class="swatch st-{stance}" aria-hidden="true">{STANCE_SYMBOLS[stance]}'
        f"</span> {_e(_STANCE_WORDS[stance])}</li>"
        for stance in STANCES
    )
    return (
        f'<div class="legend"><p><strong>Legend.</strong> Each cell shows the informant\'s '
        "stance by symbol (and colour), then the coded sentences for and against "
        "(<code>+5/-1</code>: five for, one against). Hover a cell for the informant's "
        "strongest quote; the evidence below lists the quotes too.</p>"
        f'<ul aria-label="Stances">{items}</ul></div>'
    )


def _checklist(analysis: Analysis, texts: _Texts, captions: _Captions, transcripts: bool) -> str:
    book = analysis.codebook
    reduction = analysis.reduction
    matrix = analysis.display.checklist_matrix
    ids = book.criterion_ids
    counts = {
        (r.informant, r.criterion): (int(r.n_positive), int(r.n_negative), int(r.n_reviewed))
        for r in reduction.stances[
            ["informant", "criterion", "n_positive", "n_negative", "n_reviewed"]
        ].itertuples(index=False)
    }
    best: dict[tuple[str, str, str], str] = {}
    if len(reduction.quotes):
        for r in strongest_quotes(reduction.quotes).itertuples(index=False):
            best[(r.informant, r.criterion, r.polarity)] = texts.quote(r.segment_id, r.quote)
    head = _th_cols(
        "Informant",
        *(f'<span title="{_e(book.criterion(cid).label)}">{_e(cid)}</span>' for cid in ids),
    )
    groups = []
    for role, group in matrix.groupby("role", sort=False):
        rows = [
            f'<tr class="role-row"><th scope="rowgroup" colspan="{len(ids) + 1}">'
            f'{_e(role)} <span class="count">({_plural(len(group), "informant")})</span>'
            "</th></tr>"
        ]
        for record in group.to_dict("records"):
            informant = str(record["informant"])
            name = _e(informant)
            if transcripts:
                name = f'<a href="#{anchor("t", informant)}">{name}</a>'
            cells = [f'<th scope="row">{name}</th>']
            for cid in ids:
                stance = str(record[cid])
                n_pos, n_neg, n_rev = counts.get((informant, cid), (0, 0, 0))
                polarities = {"positive": ["positive"], "negative": ["negative"]}.get(
                    stance, ["positive", "negative"] if stance == "mixed" else []
                )
                quotes = [best[k] for p in polarities if (k := (informant, cid, p)) in best]
                detail = (
                    f"{informant} ({role}), {cid}: {stance}; {n_pos} coded sentences for, "
                    f"{n_neg} against"
                    + (f", {n_rev} reviewed" if n_rev else "")
                    + (
                        ". Strongest quote: “" + _clip(" / ".join(quotes), TITLE_QUOTE) + "”"
                        if quotes
                        else ""
                    )
                )
                cells.append(
                    f'<td class="st-{_e(stance)}" title="{_e(detail)}">'
                    f'<span class="sym" aria-hidden="true">{STANCE_SYMBOLS.get(stance, "?")}'
                    f'</span><span class="sr-only">{_e(stance)}, </span>'
                    f'<span class="n">+{n_pos}/-{n_neg}</span></td>'
                )
            rows.append("<tr>" + "".join(cells) + "</tr>")
        groups.append("<tbody>" + "".join(rows) + "</tbody>")
    table = captions.table(
        "Checklist matrix: informants (grouped by role) × criteria; stance and coded "
        "sentences for/against",
        head,
        "".join(groups),
        cls="heatmap",
    )
    return (
        "<p>Each informant's stance on each criterion: the data reduction at a glance.</p>"
        + table
        + _legend()
    )


# -- 3. role-ordered matrix -----------------------------------------------------------------


def _role_matrix(analysis: Analysis, captions: _Captions) -> str:
    book = analysis.codebook
    data = analysis.display.role_matrix
    deciding = book.decision.roles
    head = _th_cols(
        "Criterion",
        "Informants",
        '<span aria-hidden="true">+ </span>positive',
        '<span aria-hidden="true">- </span>negative',
        '<span aria-hidden="true">± </span>mixed',
        '<span aria-hidden="true">· </span>none',
        "With a stance",
        "Share positive",
    )
    groups = []
    for role, group in data.groupby("role", sort=False):
        decides = deciding is None or role in deciding
        tag = ' <span class="tag">deciding role</span>' if decides else ""
        rows = [f'<tr class="role-row"><th scope="rowgroup" colspan="8">{_e(role)}{tag}</th></tr>']
        for r in group.to_dict("records"):
            share = r["share_positive"]
            width = 0 if pd.isna(share) else round(float(share) * 100)
            rows.append(
                f'<tr><th scope="row">{_e(r["criterion"])}</th><td>{int(r["informants"])}</td>'
                f'<td class="st-positive">{int(r["positive"])}</td>'
                f'<td class="st-negative">{int(r["negative"])}</td>'
                f'<td class="st-mixed">{int(r["mixed"])}</td>'
                f'<td class="st-none">{int(r["none"])}</td>'
                f"<td>{int(r['with_stance'])}</td>"
                f'<td class="share"><span class="bar" aria-hidden="true">'
                f'<span style="width:{width}%"></span></span> {_share(share)}</td></tr>'
            )
        groups.append("<tbody>" + "".join(rows) + "</tbody>")
    return (
        "<p>How many informants of each role hold each stance, and the share positive "
        "among those with a stance: the officers against the community.</p>"
        + captions.table(
            "Role-ordered matrix: informants by stance, per role and criterion",
            head,
            "".join(groups),
        )
    )


# -- 4. evidence ----------------------------------------------------------------------------


def _criterion_title(c: Criterion, language: str) -> str:
    en = f' <span lang="en">({_e(c.label_en)})</span>' if c.label_en else ""
    return f'<code>{_e(c.id)}</code>: <span lang="{_e(language)}">{_e(c.label)}</span>{en}'


def _quote_list(items: list[str], noun: str, more: int = 0) -> str:
    if not items:
        return f'<p class="empty">No {noun}.</p>'
    shown = '<ul class="quotes">' + "".join(items[:QUOTES_SHOWN]) + "</ul>"
    rest = items[QUOTES_SHOWN:]
    if rest:
        shown += (
            f"<details><summary>{_plural(len(rest), 'more quote')}</summary>"
            f'<ul class="quotes">{"".join(rest)}</ul></details>'
        )
    if more:
        shown += f'<p class="note">And {_plural(more, "more informant")} (see the tables).</p>'
    return shown


def _evidence(analysis: Analysis, texts: _Texts, captions: _Captions, link: Link) -> str:
    book = analysis.codebook
    quotes = analysis.reduction.quotes
    if len(quotes):
        quotes = quotes.sort_values(["strength", "start"], ascending=[False, True], kind="stable")
        quotes = quotes.drop_duplicates(["criterion", "polarity", "informant"])
    by_side = {key: group for key, group in quotes.groupby(["criterion", "polarity"], sort=False)}
    themes = analysis.display.evidence
    out = [
        "<p>For each criterion, the strongest quote of each informant for and against it, "
        "strongest first; each links to its sentence in the transcripts. Then the themes "
        "that carried the evidence (the codebook phrase or judgement that fired).</p>"
    ]
    for c in book.criteria:
        out.append(f'<h3 id="{anchor("evidence", c.id)}">{_criterion_title(c, book.language)}</h3>')
        sides = []
        for polarity in ("positive", "negative"):
            side = by_side.get((c.id, polarity))
            items: list[str] = []
            more = 0
            if side is not None:
                limit = QUOTES_SHOWN + QUOTES_FOLDED
                more = max(0, len(side) - limit)
                items = [
                    _quote(
                        texts,
                        link,
                        r.segment_id,
                        r.quote,
                        r.informant,
                        r.role,
                        polarity,
                    )
                    for r in side.head(limit).itertuples(index=False)
                ]
            n_inf = 0 if side is None else len(side)
            sides.append(
                f'<div class="side {polarity}"><h4>{_POLARITY_SIDES[polarity]}: '
                f"{_plural(n_inf, 'informant')}</h4>"
                f"{_quote_list(items, f'{polarity} evidence', more)}</div>"
            )
        out.append('<div class="sides">' + "".join(sides) + "</div>")
        rows = themes[themes["criterion"] == c.id] if len(themes) else themes
        if len(rows):
            body = "".join(
                f'<tr><th scope="row">{_e(r["theme"])}</th>'
                f'<td class="st-{_e(r["polarity"])}"><span aria-hidden="true">'
                f"{STANCE_SYMBOLS.get(str(r['polarity']), '')} </span>{_e(r['polarity'])}</td>"
                f"<td>{int(r['segments'])}</td><td>{int(r['informants'])}</td>"
                f"<td>{_e(r['who'])}</td></tr>"
                for r in rows.to_dict("records")
            )
            table = captions.table(
                f"Themes for {_e(c.id)}: what carried the evidence",
                _th_cols("Theme", "Polarity", "Sentences", "Informants", "Who"),
                f"<tbody>{body}</tbody>",
                cls="themes",
            )
            opened = " open" if len(rows) <= 12 else ""
            out.append(
                f'<details class="themes"{opened}><summary>Themes '
                f"({len(rows)})</summary>{table}</details>"
            )
    return "".join(out)


# -- 5. conclusions -------------------------------------------------------------------------


def _verdict(verdict: str, label: str = "", language: str = "") -> str:
    words = f'<span class="verdict v-{_e(verdict.replace(" ", "-"))}">{_e(verdict)}</span>'
    if label:
        words += f' <span class="label" lang="{_e(language)}">({_e(label)})</span>'
    return words


def _match(expected: object, verdict: str) -> str:
    if expected is None or (not isinstance(expected, str) and pd.isna(expected)):
        return '<span class="match none">– not stated</span>'
    if expected == verdict:
        return '<span class="match yes"><span aria-hidden="true">✓ </span>matches</span>'
    return '<span class="match no"><span aria-hidden="true">✗ </span>differs</span>'


def _conclusions(analysis: Analysis, texts: _Texts, captions: _Captions, link: Link) -> str:
    book = analysis.codebook
    conclusion = analysis.conclusion
    rule = book.decision
    language = book.language
    deciding = ", ".join(rule.roles) if rule.roles else "all roles"
    rows = []
    for r in conclusion.conclusions.to_dict("records"):
        cid = str(r["criterion"])
        verdict = str(r["verdict"])
        share = "–" if pd.isna(r["share"]) else f"{float(r['share']):.2f}"
        rows.append(
            f'<tr><th scope="row"><code>{_e(cid)}</code> '
            f'<span class="sub" lang="{_e(language)}">{_e(r["label"])}</span></th>'
            f'<td class="num">{int(r["positive"])}/{int(r["with_stance"])}</td>'
            f'<td class="num">{share}</td>'
            f'<td class="num">{float(r["threshold"]):g}</td>'
            f'<td data-criterion="{_e(cid)}" data-verdict="{_e(verdict)}">'
            f"{_verdict(verdict, rule.label(verdict), language)}</td></tr>"
        )
    table = captions.table(
        f"Verdicts: met when positive / with a stance ≥ {rule.threshold:g} ({_e(deciding)})",
        _th_cols("Criterion", "Positive / with a stance", "Share", "Threshold", "Verdict"),
        "<tbody>" + "".join(rows) + "</tbody>",
        cls="verdicts",
    )
    overall = conclusion.overall.iloc[0]
    overall_verdict = str(overall["verdict"])
    label = overall["label"] if isinstance(overall["label"], str) else ""
    expected = ""
    findings = conclusion.findings
    if findings is not None and findings.overall:
        expected = f"; expected {_e(findings.overall)} {_match(findings.overall, overall_verdict)}"
    out = [
        "<h3>Verdicts</h3>",
        table,
        f'<p class="overall" data-overall-verdict="{_e(overall_verdict)}">'
        f"<strong>Overall:</strong> {_verdict(overall_verdict, label, language)}: "
        f"{int(overall['met'])} of {int(overall['criteria'])} criteria met{expected}.</p>",
        "<h3>Triangulation</h3>",
        _triangulation(analysis, captions),
        "<h3>Negative evidence</h3>",
        _negative_evidence(analysis, texts, link),
    ]
    if conclusion.comparison is not None:
        out += ['<h3 id="comparison">Comparison with the expected findings</h3>']
        out.append(_comparison(analysis, captions))
    return "".join(out)


def _triangulation(analysis: Analysis, captions: _Captions) -> str:
    data = analysis.conclusion.triangulation
    rule = analysis.codebook.decision
    roles = [str(c)[: -len("_verdict")] for c in data.columns if str(c).endswith("_verdict")]
    names = [
        _e(role) + (" (deciding)" if rule.roles is None or role in rule.roles else "")
        for role in roles
    ]
    rows = []
    for r in data.to_dict("records"):
        cells = [f'<th scope="row">{_e(r["criterion"])}</th>']
        for role in roles:
            verdict = str(r[f"{role}_verdict"])
            cells.append(
                f"<td>{int(r[f'{role}_positive'])}/{int(r[f'{role}_with_stance'])} "
                f"({_share(r[f'{role}_share'])}) {_verdict(verdict)}</td>"
            )
        agree = str(r["agreement"])
        mark = "" if agree == "agree" else '<span aria-hidden="true">⚠ </span>'
        cells.append(f'<td class="agreement {_e(agree)}">{mark}{_e(agree)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        "<p>The decision rule applied to each role alone (positive / with a stance, the "
        "share, and the verdict that role alone would give), and whether the roles "
        "agree.</p>"
        + captions.table(
            "Triangulation: the rule applied to each role alone",
            _th_cols("Criterion", *names, "Roles"),
            "<tbody>" + "".join(rows) + "</tbody>",
        )
    )


def _negative_evidence(analysis: Analysis, texts: _Texts, link: Link) -> str:
    data = analysis.conclusion.negative_evidence
    out = [
        "<p>The quotes of deciding informants that go against each verdict (positive "
        "quotes for a criterion not met, negative ones for a criterion met), one per "
        "informant, strongest first.</p>"
    ]
    by_criterion = {k: g for k, g in data.groupby("criterion", sort=False)} if len(data) else {}
    for r in analysis.conclusion.conclusions.itertuples(index=False):
        rows = by_criterion.get(r.criterion)
        total = 0 if rows is None else len(rows)
        out.append(
            f'<h4 id="{anchor("against", r.criterion)}"><code>{_e(r.criterion)}</code> '
            f"({_e(r.verdict)}): {_plural(total, 'quote')} against</h4>"
        )
        if rows is None or not total:
            out.append('<p class="empty">None.</p>')
            continue
        people = rows.drop_duplicates("informant")
        items = [
            _quote(texts, link, q.segment_id, q.quote, q.informant, q.role, q.polarity)
            for q in people.head(NEGATIVE_SHOWN).itertuples(index=False)
        ]
        out.append('<ul class="quotes against">' + "".join(items) + "</ul>")
        rest = len(people) - len(items)
        if rest > 0:
            out.append(
                f'<p class="note">And {_plural(rest, "more informant")} '
                "(negative_evidence.csv lists every quote).</p>"
            )
    return "".join(out)


def _comparison(analysis: Analysis, captions: _Captions) -> str:
    conclusion = analysis.conclusion
    comparison = conclusion.comparison
    assert comparison is not None
    findings = conclusion.findings
    rows = "".join(
        f'<tr><th scope="row">{_e(r["criterion"])}</th>'
        f"<td>{_e(r['expected']) if isinstance(r['expected'], str) else '–'}</td>"
        f"<td>{_verdict(str(r['verdict']))}</td>"
        f"<td>{_match(r['expected'], str(r['verdict']))}</td></tr>"
        for r in comparison.to_dict("records")
    )
    reproduced = conclusion.reproduces_findings
    summary = (
        '<p class="summary yes"><span aria-hidden="true">✓ </span>The expected findings are '
        "reproduced.</p>"
        if reproduced
        else '<p class="summary no"><span aria-hidden="true">✗ </span>Some verdicts differ '
        "from the expected findings.</p>"
    )
    source = ""
    if findings is not None and findings.source:
        source = f'<p class="note">Expected findings: {_e(findings.source)}</p>'
    if findings is not None and findings.note:
        source += f'<p class="note">Note: {_e(findings.note)}</p>'
    return (
        captions.table(
            "Comparison: the expected verdicts and the verdicts reached",
            _th_cols("Criterion", "Expected", "Reached", "Match"),
            f"<tbody>{rows}</tbody>",
            cls="comparison",
        )
        + summary
        + source
    )


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


# -- style and script ------------------------------------------------------------------------

_SCRIPT = (
    'addEventListener("beforeprint",function(){document.querySelectorAll("details:not([open])")'
    '.forEach(function(d){d.open=true;d.setAttribute("data-print-opened","")})});'
    'addEventListener("afterprint",function(){document.querySelectorAll("details[data-print-'
    'opened]").forEach(function(d){d.open=false;d.removeAttribute("data-print-opened")})});'
)

_CSS = """
:root{--ink:#1b1e23;--muted:#4a5058;--line:#c9ced6;--link:#0b4fa8;--bg:#fff;
--pos-bg:#cdebd4;--pos-ink:#0c3b1b;--pos-line:#2e7d32;
--neg-bg:#f8d3d6;--neg-ink:#5e0b14;--neg-line:#b3261e;
--mix-bg:#fbe6a6;--mix-ink:#483600;--mix-line:#8a6d00;
--none-bg:#eceff2;--none-ink:#3b4148;color-scheme:light}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--ink);background:var(--bg);font:16px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,"Noto Sans","Liberation Sans",Arial,sans-serif}
header,main,footer{max-width:72rem;margin:0 auto;padding:0 1rem}
h1{font-size:1.8rem;line-height:1.2;margin:1.5rem 0 .5rem}
h2{font-size:1.45rem;margin:2.5rem 0 .75rem;padding-top:.5rem;border-top:3px solid var(--ink)}
h3{font-size:1.15rem;margin:1.75rem 0 .5rem}
h4{font-size:1rem;margin:1rem 0 .4rem}
a{color:var(--link)}
a:focus-visible,[tabindex]:focus-visible,summary:focus-visible{outline:3px solid #f2a900;
outline-offset:2px}
code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.92em}
.hash{word-break:break-all}
.subtitle,.note,.sub,.empty{color:var(--muted)}
.sr-only{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;
overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0}
.skip-link{position:absolute;left:.5rem;top:-3rem;background:var(--ink);color:#fff;
padding:.5rem .75rem;z-index:10;border-radius:0 0 .3rem .3rem}
.skip-link:focus{top:0}
main:focus{outline:none}
.toc{border:1px solid var(--line);border-radius:.4rem;padding:.5rem 1rem;margin:1rem 0}
.toc-title{font-weight:700;margin:.25rem 0}
.toc ol{margin:.25rem 0;columns:2 16rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.5rem 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
dl.facts ul{margin:0;padding-left:1.2rem}
.table-wrap{overflow-x:auto;margin:.75rem 0;max-width:100%;position:relative}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.25rem 0 .5rem;caption-side:top}
th,td{border:1px solid var(--line);padding:.3rem .55rem;vertical-align:top;text-align:left}
thead th{background:#e4e7eb;position:sticky;top:0}
tbody th{font-weight:600}
tfoot th,tfoot td{font-weight:700;border-top:2px solid var(--ink)}
td.num{text-align:right}
.role-row th{background:#3b4148;color:#fff;font-weight:700}
.role-row .count{font-weight:400}
.role-row .tag{color:#fff;border-color:#fff}
.heatmap tbody th{vertical-align:middle}
.verdicts th .sub{display:block;font-weight:400}
.verdicts td{white-space:nowrap}
.heatmap td{text-align:center;white-space:nowrap;min-width:5.5rem}
.heatmap td .sym{display:inline-block;width:1.1em;font-weight:800;font-size:1.1em}
.heatmap td .n{font-size:.9em}
.st-positive{background:var(--pos-bg);color:var(--pos-ink)}
.st-negative{background:var(--neg-bg);color:var(--neg-ink)}
.st-mixed{background:var(--mix-bg);color:var(--mix-ink)}
.st-none{background:var(--none-bg);color:var(--none-ink)}
.legend ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4rem 1.25rem}
.swatch{display:inline-block;min-width:1.8em;text-align:center;font-weight:800;
border:1px solid var(--line);border-radius:.2rem}
.tag{display:inline-block;font-size:.8em;border:1px solid var(--muted);border-radius:.2rem;
padding:0 .3rem;color:var(--muted);font-weight:400}
.share{white-space:nowrap}
.bar{display:inline-block;width:4rem;height:.7rem;border:1px solid var(--muted);
vertical-align:middle;background:#fff}
.bar span{display:block;height:100%;background:var(--pos-line)}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem 1.5rem;align-items:start}
.side{min-width:0}
.side.positive>h4{color:var(--pos-ink);border-bottom:3px solid var(--pos-line)}
.side.negative>h4{color:var(--neg-ink);border-bottom:3px dashed var(--neg-line)}
ul.quotes{list-style:none;margin:0;padding:0}
li.quote{margin:0 0 .6rem;padding:.4rem .6rem;border-left:5px solid var(--line);
background:#f7f8f9}
li.quote.positive{border-left:5px solid var(--pos-line)}
li.quote.negative{border-left:5px dashed var(--neg-line)}
li.quote blockquote{margin:0}
li.quote blockquote p{margin:0}
li.quote .who{margin:.2rem 0 0;font-size:.88em;color:var(--muted)}
li.quote .sym{font-weight:800;margin-right:.3rem;color:var(--ink)}
a.quote-link{color:inherit;text-decoration:underline;text-decoration-color:#8a9099}
a.quote-link:hover{color:var(--link)}
details{margin:.5rem 0}
summary{cursor:pointer;color:var(--link)}
.verdict{font-weight:700;padding:0 .3rem;border-radius:.2rem}
.verification-table .verdict{white-space:nowrap}
.v-met{background:var(--pos-bg);color:var(--pos-ink)}
.v-not-met{background:var(--neg-bg);color:var(--neg-ink)}
.v-partly-met,.v-undetermined{background:var(--mix-bg);color:var(--mix-ink)}
.overall{font-size:1.1rem;padding:.5rem .75rem;border:2px solid var(--ink);border-radius:.3rem}
.match.yes{color:var(--pos-ink);font-weight:700}
.match.no{color:var(--neg-ink);font-weight:700}
.summary.yes{color:var(--pos-ink)}
.summary.no{color:var(--neg-ink);font-weight:700}
.agreement.disagree{background:var(--mix-bg);color:var(--mix-ink);font-weight:700}
ul.phrases{columns:2 12rem;margin:.25rem 0;padding-left:1.2rem}
.definition{font-style:italic}
article.transcript{border-top:1px solid var(--line);margin-top:1.5rem}
dl.attributes{display:flex;flex-wrap:wrap;gap:.1rem .4rem;margin:.25rem 0 .75rem;
font-size:.9em;color:var(--muted)}
dl.attributes dt{font-weight:600}
dl.attributes dt::after{content:":"}
dl.attributes dd{margin:0 .8rem 0 0}
.preamble{color:var(--muted);font-style:italic}
.turn{display:grid;grid-template-columns:6rem 1fr;gap:0 .75rem;padding:.25rem .5rem;
margin:0 0 .2rem}
.turn p{margin:0}
.turn .speaker{font-weight:700;overflow-wrap:anywhere}
.turn .time{font-weight:400;color:var(--muted);font-size:.85em}
.turn .said{white-space:pre-wrap;overflow-wrap:anywhere}
.turn.interviewer{background:#eef2f7;color:#2d3540;font-style:italic;border-left:4px solid #7d8894}
mark{color:var(--ink);padding:0 .05em;scroll-margin-top:4rem;
-webkit-box-decoration-break:clone;box-decoration-break:clone}
mark.positive{background:var(--pos-bg);border-bottom:2px solid var(--pos-line)}
mark.negative{background:var(--neg-bg);border-bottom:2px dashed var(--neg-line)}
mark.mixed{background:var(--mix-bg);border-bottom:2px dotted var(--mix-line)}
mark::after{content:" " attr(data-codes);content:" " attr(data-codes) / "";font-size:.72em;
font-style:normal;font-weight:700;color:var(--muted);vertical-align:super;line-height:0;
white-space:nowrap}
mark:target{outline:3px solid #f2a900;outline-offset:1px}
footer{margin:3rem auto 1rem;color:var(--muted);font-size:.9em;border-top:1px solid var(--line)}
@media (max-width:600px){
.sides{grid-template-columns:1fr}
.turn{grid-template-columns:1fr}
dl.facts{grid-template-columns:1fr}
}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
@page{margin:1.5cm}
body{font-size:10.5pt}
header,main,footer{max-width:none;padding:0}
.skip-link{display:none}
.toc{break-inside:avoid}
h2{break-before:page;border-top:0}
#study>h2{break-before:auto}
h2,h3,h4{break-after:avoid}
thead th{position:static}
.table-wrap{overflow:visible}
tr,li.quote,.turn,.overall,.legend,dl.facts{break-inside:avoid}
thead{display:table-header-group}
.sides{grid-template-columns:1fr}
a,a.quote-link{color:inherit;text-decoration:none}
table{font-size:8.5pt}
th,td{padding:.15rem .3rem}
.heatmap{width:100%;table-layout:fixed}
.heatmap th{overflow-wrap:anywhere}
.heatmap thead th:first-child{width:4.5rem}
.heatmap td{min-width:0}
.turn{grid-template-columns:4.5rem 1fr}
a.quote-link::after{content:" [" attr(data-seg) "]";font-size:.8em;color:var(--muted)}
details::details-content{content-visibility:visible;display:block}
details>summary{list-style:none;color:var(--muted)}
summary::-webkit-details-marker{display:none}
mark:target{outline:none}
}
"""


# -- verification (when asked for) --------------------------------------------------------


def _verification(analysis: Analysis, captions: _Captions) -> str:
    """How sure each verdict is, when the analysis was verified: the figures per criterion,
    what each means, the rule behind robust and fragile, the subgroups whose verdict
    differs, and the verdicts across thresholds."""
    result = analysis.verification
    assert result is not None
    settings = result.settings
    rows = []
    for r in result.verification.to_dict("records"):
        verdict = str(r["verdict"])
        margin = "–" if pd.isna(r["margin"]) else str(int(r["margin"]))
        if not pd.isna(r["margin_share"]):
            margin += f" ({float(r['margin_share']):.0%})"
        flip = "–" if pd.isna(r["threshold_flip"]) else f"{float(r['threshold_flip']):.2f}"
        rows.append(
            f'<tr><th scope="row">{_e(r["criterion"])}</th>'
            f"<td>{_verdict(verdict) if verdict else ''}</td>"
            f'<td class="num">{margin}</td>'
            f"<td>{_e(r['loo_flips']) or '–'}</td>"
            f'<td class="num">{_share(r["bootstrap_share"])}</td>'
            f'<td class="num">{_share(r["ablation_share"])}</td>'
            f"<td>{_e(r['pivotal_phrases']) or '–'}</td>"
            f'<td class="num">{flip}</td>'
            f'<td data-label="{_e(r["label"])}"><strong>{_e(r["label"])}</strong></td></tr>'
        )
    table = captions.table(
        "Verification: how sure each verdict is",
        _th_cols(
            "Criterion",
            "Verdict",
            "Margin",
            "Flips without one informant",
            "Bootstrap",
            "Codebook",
            "Flips without one phrase",
            "Flips at threshold",
            "Label",
        ),
        "<tbody>" + "".join(rows) + "</tbody>",
        cls="verification-table",
    )
    meaning = (
        '<dl class="facts">'
        "<dt>Margin</dt><dd>How many deciding informants with a stance would have to change "
        "it (to positive for a verdict not met, away from positive for one met) to flip the "
        "verdict, and their share of those with a stance.</dd>"
        "<dt>Flips without one informant</dt><dd>The informants whose removal alone flips "
        "the verdict (leave one out).</dd>"
        f"<dt>Bootstrap</dt><dd>The share of {settings.bootstrap} resamples of the deciding "
        "informants (drawn with replacement within each deciding role) in which the verdict "
        "holds.</dd>"
        f"<dt>Codebook</dt><dd>The share of {settings.ablation} runs, each dropping "
        f"{settings.drop:.0%} of the codebook's phrases at random, in which the verdict "
        "holds. A coding survives when one of the phrases that fired for it survives; "
        "codings made without a phrase (generic judgements counted for the question's "
        "topic, short answers, a researcher's review) always survive.</dd>"
        "<dt>Flips without one phrase</dt><dd>The phrases whose removal alone flips the "
        "verdict.</dd>"
        "<dt>Flips at threshold</dt><dd>Of the thresholds 0.50 to 0.95, the one nearest "
        "the codebook's at which the verdict changes.</dd>"
        f"<dt>(all)</dt><dd>Every verdict at once.</dd></dl>"
    )
    out = [
        "<p>Conclusion drawing <em>and verification</em>: every figure below applies the "
        "decision rule to the stances and codings above, changed one way at a time; "
        f"nothing is re-read or re-coded. Random draws come from seed {settings.seed}, "
        "so the same seed gives the same figures.</p>",
        table,
        f'<p class="rule"><strong>Label.</strong> {_e(result.rule)}</p>',
        meaning,
        "<h3>Subgroups</h3>",
    ]
    groups = result.subgroups
    differ = groups[groups["differs"]]
    if differ.empty:
        out.append(
            "<p>Every subgroup of two or more informants with a stance (by case attribute "
            "and by role) reaches the verdicts of the whole.</p>"
        )
    else:
        body = "".join(
            f'<tr><th scope="row">{_e(r["attribute"])}: {_e(r["value"])}</th>'
            f"<td><code>{_e(r['criterion'])}</code></td>"
            f'<td class="num">{int(r["positive"])}/{int(r["with_stance"])}</td>'
            f"<td>{_verdict(str(r['verdict']))}</td>"
            f"<td>{_verdict(str(r['whole_verdict']))}</td></tr>"
            for r in differ.to_dict("records")
        )
        out.append(
            "<p>The subgroups (a value of a case attribute among the deciding roles, or a "
            "role alone) of two or more informants with a stance whose verdict differs from "
            "the whole's: rival explanations to look into. subgroups.csv lists every "
            "subgroup.</p>"
            + captions.table(
                "Subgroups whose verdict differs from the whole's",
                _th_cols("Subgroup", "Criterion", "Positive / with a stance", "Verdict", "Whole"),
                f"<tbody>{body}</tbody>",
            )
        )
    sweep = result.threshold_sweep
    thresholds = list(dict.fromkeys(sweep["threshold"]))
    body = "".join(
        f'<tr><th scope="row">{_e(cid)}</th>'
        + "".join(
            f"<td>{_verdict(str(v))}</td>" if changed else f"<td>{_e(v)}</td>"
            for v, changed in zip(group["verdict"], group["changed"], strict=True)
        )
        + "</tr>"
        for cid, group in sweep.groupby("criterion", sort=False)
    )
    out += [
        "<h3>Thresholds</h3>",
        "<p>The verdict at each threshold, the rule otherwise unchanged; a verdict other "
        "than at the codebook's threshold is marked.</p>",
        captions.table(
            "Verdicts by threshold",
            _th_cols("Criterion", *(f"{t:.2f}" for t in thresholds)),
            f"<tbody>{body}</tbody>",
        ),
    ]
    return "".join(out)
