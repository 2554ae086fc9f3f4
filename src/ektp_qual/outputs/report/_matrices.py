"""Sections 2 to 4 of the report: the checklist matrix, the role-ordered matrix and the
evidence by criterion."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...analysis.reduction import strongest_quotes
from ...model import STANCE_SYMBOLS, STANCES

if TYPE_CHECKING:
    from ...model import Criterion
    from ...model.results import Analysis

from ._parts import (
    _POLARITY_SIDES,
    _STANCE_WORDS,
    QUOTES_FOLDED,
    QUOTES_SHOWN,
    TITLE_QUOTE,
    Link,
    _Captions,
    _clip,
    _e,
    _plural,
    _quote,
    _share,
    _Texts,
    _th_cols,
    anchor,
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
