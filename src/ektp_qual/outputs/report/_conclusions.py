"""Section 5 of the report: verdicts, triangulation, negative evidence, and the
comparison with expected findings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from ...model.results import Analysis

from ._parts import (
    NEGATIVE_SHOWN,
    Link,
    _Captions,
    _e,
    _plural,
    _quote,
    _share,
    _Texts,
    _th_cols,
    anchor,
)

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
