"""The learned coder's learning curve as a figure: when is the model worth trusting?

F1 of the coding ``code --learn`` gives (rules and learned coder) on sentences it was not
shown, against the number of reviewed sentences it learned from, beside the rules alone
(a flat line: they learn nothing). Styled like the other figures (``outputs.figures``).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .figures import CM, WIDTH, _styled


@_styled
def learning_curve(curve: pd.DataFrame) -> Figure:
    """F1 against reviewed sentences trained on (``coding.learned.CURVE_COLUMNS``)."""
    fig = Figure(figsize=(WIDTH, 8 * CM), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(
        curve["trained_on"],
        curve["learned_f1"],
        color="#0072B2",
        marker="o",
        markersize=3.5,
        lw=1.2,
        label="rules and learned coder",
    )
    ax.plot(
        curve["trained_on"],
        curve["rules_f1"],
        color="#D55E00",
        ls="--",
        lw=1.2,
        label="rules alone",
    )
    ax.set_ylim(0, 1)
    ax.set_xlabel("reviewed sentences learned from")
    ax.set_ylabel("F1 on sentences not shown")
    ax.grid(axis="y", color="#DDDDDD", lw=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(loc="outside lower center", ncols=2, frameon=False)
    fig.suptitle("Learning curve of the learned coder", fontweight="bold")
    return fig
