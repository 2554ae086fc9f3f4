"""Section 1 of the report: the study, its corpus, codebook, rule and review."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import __version__

if TYPE_CHECKING:
    from ...model.results import Analysis

from ._parts import _Captions, _e, _plural, _privacy_in_words, _Texts, _th_cols

# -- 1. the study -----------------------------------------------------------------------


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
        f"<p>{_e(book.decision.in_words())}</p>",
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
