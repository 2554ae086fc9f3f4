"""The report's verification section, when the analysis was verified: how sure each
verdict is, the subgroups that differ and the verdicts across thresholds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ._conclusions import _verdict
from ._parts import _Captions, _e, _share, _th_cols

if TYPE_CHECKING:
    from ...model.results import Analysis


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
