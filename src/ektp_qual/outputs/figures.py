"""Print-quality figures of the analysis: figures a researcher can put in a thesis.

* ``checklist_heatmap``: the checklist matrix, informants (in role groups) by criteria.
* ``role_contrast``: the share of informants with a positive stance, per criterion and
  role, against the decision threshold.
* ``saturation_curve``: codes found by interview, in corpus order and over random orders.
* ``verification_stability``: per criterion, the share of bootstrap resamples and codebook
  runs in which the verdict holds, with its robust or fragile label and margin.
* ``analysis_figures`` builds the first two; ``figure_files`` turns figures into the bytes
  of PNG (300 dpi), SVG or PDF files, for the caller to write.

Choices:

* Sized for a thesis page: 16 cm wide; the heat map grows 0.55 cm per informant. Fonts are
  8 pt or larger, and ``layout="constrained"`` keeps every label inside the figure.
* Colours come from the Okabe-Ito palette, which readers with colour-vision deficiencies
  tell apart: positive blue, negative orange, mixed light yellow, none light grey. They
  also differ in lightness, so a grey-scale print keeps them apart. Colour is never the
  only signal: each cell carries the stance symbol of the terminal displays (+ positive,
  − negative, ± mixed, · none; the minus is the typographic minus, which reads better in
  print than a hyphen) and the coded sentences, "+3/−1". Role bars differ by hatching too.
* Texts follow the codebook's language (criterion ``label`` and Indonesian titles for the
  e-KTP codebook); ``language="en"`` gives English labels (``label_en``). Fixed texts
  exist in Indonesian and English; other languages get English ones.
* Only matplotlib's object API is used, never pyplot, so nothing global is left open
  (safe in notebooks and threads). Figures are built and saved under matplotlib's default
  style, so a notebook's style does not leak into print, in a ``rc_context`` held under
  a lock (rcParams are process-wide). SVG text stays text (``svg.fonttype: none``) and
  SVG and PDF output carries no date and fixed ids, so the same figure gives the same bytes.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec

import matplotlib
import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator, PercentFormatter

from ..model import STANCE_SYMBOLS, STANCES, Codebook

if TYPE_CHECKING:
    from ..model.results import Analysis

CM = 1 / 2.54  # inches per centimetre
WIDTH = 16 * CM
FONT = 8  # pt: labels, ticks, cell texts
TITLE_FONT = 10

#: Okabe-Ito colours (and light tints of them) for the stances, with a readable text colour.
STANCE_COLOURS = {
    "positive": ("#0072B2", "white"),
    "negative": ("#E69F00", "black"),
    "mixed": ("#F5EC8C", "black"),
    "none": ("#E4E4E4", "#333333"),
}
MINUS = "\u2212"
PRINT_SYMBOLS = {**STANCE_SYMBOLS, "negative": MINUS}
#: Role bars: Okabe-Ito colours that are not the stance colours first, and a hatch each.
ROLE_COLOURS = ("#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442")
ROLE_HATCHES = ("", "////", "....", "xxxx", "\\\\\\\\", "oo")

SATURATION_COLUMNS = (
    "interview",
    "new_in_order",
    "total_in_order",
    "mean_total",
    "p05_total",
    "p95_total",
)

TEXTS = {
    "en": {
        "checklist_title": "Checklist matrix: informants' stances by criterion",
        "stance_legend": f"Stance (numbers: coded sentences +positive/{MINUS}negative)",
        "positive": "positive",
        "negative": "negative",
        "mixed": "mixed",
        "none": "none",
        "contrast_title": "Positive stances by criterion and role",
        "share_axis": "Informants with a positive stance (% of those with a stance)",
        "threshold": "decision threshold ({})",
        "deciding": "deciding",
        "saturation_title": "Saturation: codes by interview",
        "codes_axis": "Codes",
        "interview_axis": "Interviews coded (labels: corpus order)",
        "corpus_order": "cumulative, corpus order",
        "random_mean": "cumulative, mean of random orders",
        "random_band": "5\u201395% of random orders",
        "new_codes": "new codes, corpus order",
        "stability_title": "Verdict stability by criterion",
        "stability_axis": "Share of runs in which the verdict holds",
        "bootstrap": "resamples of the informants ({})",
        "ablation": "runs dropping {} of the phrases ({})",
        "robust_line": "robust from {}",
        "all": "every verdict",
        "margin": "margin {}",
        "robust": "robust",
        "fragile": "fragile",
        "undetermined": "undetermined",
    },
    "id": {
        "checklist_title": "Matriks daftar periksa: sikap informan per kriteria",
        "stance_legend": f"Sikap (angka: kalimat berkode +positif/{MINUS}negatif)",
        "positive": "positif",
        "negative": "negatif",
        "mixed": "campuran",
        "none": "tidak ada",
        "contrast_title": "Sikap positif per kriteria menurut peran",
        "share_axis": "Informan bersikap positif (% dari informan yang bersikap)",
        "threshold": "ambang keputusan ({})",
        "deciding": "penentu",
        "saturation_title": "Kejenuhan data: kode per wawancara",
        "codes_axis": "Jumlah kode",
        "interview_axis": "Jumlah wawancara (label: urutan korpus)",
        "corpus_order": "kumulatif, urutan korpus",
        "random_mean": "kumulatif, rata-rata urutan acak",
        "random_band": "rentang 5\u201395% urutan acak",
        "new_codes": "kode baru, urutan korpus",
        "stability_title": "Kestabilan kesimpulan per kriteria",
        "stability_axis": "Bagian ulangan yang kesimpulannya tetap",
        "bootstrap": "sampel ulang informan ({})",
        "ablation": "ulangan tanpa {} frasa ({})",
        "robust_line": "kokoh mulai {}",
        "all": "semua kesimpulan",
        "margin": "selisih {}",
        "robust": "kokoh",
        "fragile": "rapuh",
        "undetermined": "tak tentu",
    },
}

#: The style figures are built and saved in, over matplotlib's defaults.
STYLE = {
    "font.size": FONT,
    "axes.titlesize": TITLE_FONT,
    "figure.titlesize": TITLE_FONT,
    "legend.fontsize": FONT,
    "legend.title_fontsize": FONT,
    "xtick.labelsize": FONT,
    "ytick.labelsize": FONT,
    "axes.labelsize": FONT,
    "text.parse_math": False,  # a "$" in a label is a dollar, not mathematics
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.fonttype": "none",  # labels stay real, searchable text
    "svg.hashsalt": "ektp-qual",  # fixed ids: the same figure gives the same SVG
    "pdf.fonttype": 42,  # TrueType: text stays selectable in the PDF
}
METADATA: dict[str, dict[str, Any]] = {
    "png": {},
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
}

_LOCK = threading.RLock()
P = ParamSpec("P")


@contextmanager
def _style() -> Iterator[None]:
    """Matplotlib's default style with ours on top, one thread at a time."""
    with _LOCK, matplotlib.style.context("default"), matplotlib.rc_context(STYLE):
        yield


def _styled(build: Callable[P, Figure]) -> Callable[P, Figure]:
    """The figure built in ``_style``."""

    @wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with _style():
            return build(*args, **kwargs)

    return wrapper


def _language(language: str, codebook: Codebook | None) -> str:
    """The language asked for, "codebook" resolved to the codebook's (English without one)."""
    if language == "codebook":
        return codebook.language if codebook is not None else "en"
    return language


def _texts(language: str) -> dict[str, str]:
    return TEXTS.get(language, TEXTS["en"])


def _labels(codebook: Codebook, language: str) -> dict[str, str]:
    """Criterion labels in the language: English ``label_en`` when asked for and known."""
    english = language == "en" and codebook.language != "en"
    return {c.id: (c.label_en if english else "") or c.label or c.id for c in codebook.criteria}


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


@_styled
def checklist_heatmap(analysis: Analysis, *, language: str = "codebook") -> Figure:
    """The checklist matrix as a heat map: informants by role (rows) x criteria."""
    book = analysis.codebook
    lang = _language(language, book)
    texts = _texts(lang)
    labels = _labels(book, lang)
    ids = book.criterion_ids
    matrix = analysis.display.checklist_matrix
    stances = analysis.reduction.stances.set_index(["informant", "criterion"])

    rows: list[tuple[str, str]] = []  # ("role", name) headings and ("informant", id) rows
    for role, group in matrix.groupby("role", sort=False):
        rows.append(("role", f"{role} (n = {len(group)})"))
        rows += [("informant", inf) for inf in group["informant"]]

    height = 4.5 + 0.55 * len(rows)
    fig = Figure(figsize=(WIDTH, height * CM), layout="constrained")
    ax = fig.add_subplot()
    for y, (kind, name) in enumerate(rows):
        if kind == "role":
            continue
        for x, cid in enumerate(ids):
            cell = stances.loc[(name, cid)]
            stance = str(cell["stance"])
            fill, ink = STANCE_COLOURS[stance]
            ax.add_patch(
                Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=fill, edgecolor="white", lw=1.5)
            )
            ax.text(
                x - 0.24,
                y,
                PRINT_SYMBOLS[stance],
                ha="center",
                va="center",
                color=ink,
                fontsize=TITLE_FONT,
                fontweight="bold",
            )
            counts = f"+{cell['n_positive']}/{MINUS}{cell['n_negative']}"
            ax.text(x + 0.12, y, counts, ha="center", va="center", color=ink, fontsize=FONT)

    ax.set_xlim(-0.5, len(ids) - 0.5)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(range(len(rows)), [name for _, name in rows])
    for tick, (kind, _) in zip(ax.get_yticklabels(), rows, strict=True):
        if kind == "role":
            tick.set_fontweight("bold")
    ax.xaxis.tick_top()
    ax.set_xticks(range(len(ids)), _wrapped([labels[c] for c in ids], fig, len(ids)))
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)

    handles = [
        Patch(
            facecolor=STANCE_COLOURS[s][0],
            edgecolor="#888888",
            lw=0.5,
            label=f"{PRINT_SYMBOLS[s]}  {texts[s]}",
        )
        for s in STANCES
    ]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=len(handles),
        title=texts["stance_legend"],
        frameon=False,
    )
    fig.suptitle(texts["checklist_title"], fontweight="bold")
    return fig


def _wrapped(labels: Sequence[str], fig: Figure, columns: int) -> list[str]:
    """Column labels wrapped to the width of a column (8 pt: about 0.18 cm a letter)."""
    letters = max(8, int(fig.get_figwidth() / CM * 0.85 / columns / 0.18))
    return ["\n".join(textwrap.wrap(label, letters, break_long_words=False)) for label in labels]


@_styled
def role_contrast(analysis: Analysis, *, language: str = "codebook") -> Figure:
    """Share of informants with a positive stance per criterion, one bar per role."""
    book = analysis.codebook
    lang = _language(language, book)
    texts = _texts(lang)
    labels = _labels(book, lang)
    ids = book.criterion_ids
    data = analysis.display.role_matrix.set_index(["role", "criterion"])
    roles = list(dict.fromkeys(analysis.display.role_matrix["role"]))
    deciding = set(book.decision.roles if book.decision.roles is not None else roles)
    threshold = book.decision.threshold

    height = 4.5 + len(ids) * (0.5 * len(roles) + 0.4)
    fig = Figure(figsize=(WIDTH, height * CM), layout="constrained")
    ax = fig.add_subplot()
    bar = 0.8 / len(roles)
    handles = []
    for j, role in enumerate(roles):
        offsets = np.arange(len(ids)) - 0.4 + bar * (j + 0.5)
        rows = data.loc[role].reindex(ids)
        shares = (rows["positive"] / rows["with_stance"].where(rows["with_stance"] > 0)).fillna(0)
        name = f"{role} ({texts['deciding']})" if role in deciding else str(role)
        handles.append(
            ax.barh(
                offsets,
                shares,
                height=bar * 0.9,
                color=ROLE_COLOURS[j % len(ROLE_COLOURS)],
                hatch=ROLE_HATCHES[j % len(ROLE_HATCHES)],
                edgecolor="#333333",
                lw=0.5,
                label=name,
                zorder=2,
            )
        )
        for y, share, r in zip(offsets, shares, rows.itertuples(), strict=True):
            grey = not r.with_stance  # nobody took a stance
            _bar_figure(ax, share, y, f"{r.positive}/{r.with_stance}", grey)
    handles.append(_dashed_line(ax, threshold, texts["threshold"].format(_percent(threshold))))

    ax.set_yticks(range(len(ids)), [textwrap.fill(labels[c], 24) for c in ids])
    ax.set_ylim(len(ids) - 0.5, -0.5)
    ax.set_xlim(0, 1.14)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.spines["bottom"].set_bounds(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(texts["share_axis"])
    ax.grid(axis="x", color="#DDDDDD", lw=0.5, zorder=0)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=min(len(handles), 3),
        frameon=False,
    )
    fig.suptitle(texts["contrast_title"], fontweight="bold")
    return fig


@_styled
def saturation_curve(
    table: pd.DataFrame, *, language: str = "codebook", codebook: Codebook | None = None
) -> Figure:
    """Cumulative codes by interview: corpus order, random orders (mean, 5–95%), new codes.

    ``table`` has one row per interview in corpus order, with the columns of
    ``SATURATION_COLUMNS``; ``language="codebook"`` takes the language of ``codebook``.
    """
    missing = [c for c in SATURATION_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"the saturation table lacks the columns: {', '.join(missing)}")
    texts = _texts(_language(language, codebook))
    x = np.arange(1, len(table) + 1)

    fig = Figure(figsize=(WIDTH, 9 * CM), layout="constrained")
    ax = fig.add_subplot()
    new = ax.bar(x, table["new_in_order"], width=0.6, color="#BBBBBB", label=texts["new_codes"])
    band = ax.fill_between(
        x,
        table["p05_total"],
        table["p95_total"],
        color="#E69F00",
        alpha=0.3,
        lw=0,
        label=texts["random_band"],
    )
    (mean,) = ax.plot(
        x, table["mean_total"], color="#D55E00", ls="--", lw=1.2, label=texts["random_mean"]
    )
    (order,) = ax.plot(
        x,
        table["total_in_order"],
        color="#0072B2",
        marker="o",
        markersize=3.5,
        lw=1.2,
        label=texts["corpus_order"],
    )

    names = [str(name) for name in table["interview"]]
    step = max(1, -(-len(names) // 30))  # at most 30 tick labels
    numbered = all(name == str(i) for i, name in zip(x, names, strict=True))
    ax.set_xticks(x[::step], names[::step], rotation=0 if numbered else 90)
    ax.set_xlim(0.4, len(x) + 0.6)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(texts["interview_axis"])
    ax.set_ylabel(texts["codes_axis"])
    ax.grid(axis="y", color="#DDDDDD", lw=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(handles=[order, mean, band, new], loc="outside lower center", ncols=2, frameon=False)
    fig.suptitle(texts["saturation_title"], fontweight="bold")
    return fig


def analysis_figures(analysis: Analysis, *, language: str = "codebook") -> dict[str, Figure]:
    """The figures of an analysis by file name: the checklist heat map and role contrast,
    and the verdicts' stability when the analysis was verified."""
    figures = {
        "checklist_heatmap": checklist_heatmap(analysis, language=language),
        "role_contrast": role_contrast(analysis, language=language),
    }
    if analysis.verification is not None:
        figures["verification_stability"] = verification_stability(analysis, language=language)
    return figures


@_styled
def verification_stability(analysis: Analysis, *, language: str = "codebook") -> Figure:
    """Per criterion, the share of bootstrap resamples and of codebook runs in which the
    verdict holds, against the share a robust verdict needs, with its label and margin."""
    from ..analysis.verification import ALL, ROBUST_SHARE

    result = analysis.verification
    if result is None:
        raise ValueError("the analysis was not verified: analyse(..., verify=True)")
    book = analysis.codebook
    lang = _language(language, book)
    texts = _texts(lang)
    labels = {**_labels(book, lang), ALL: texts["all"]}
    data = result.verification
    settings = result.settings
    series = [
        ("bootstrap_share", texts["bootstrap"].format(settings.bootstrap), "#0072B2", ""),
        (
            "ablation_share",
            texts["ablation"].format(_percent(settings.drop), settings.ablation),
            "#E69F00",
            "////",
        ),
    ]
    height = 4.5 + len(data) * 1.1
    fig = Figure(figsize=(WIDTH, height * CM), layout="constrained")
    ax = fig.add_subplot()
    bar = 0.38
    handles = []
    for j, (column, name, colour, hatch) in enumerate(series):
        offsets = np.arange(len(data)) - bar / 2 + bar * j
        shares = data[column].astype(float)
        handles.append(
            ax.barh(
                offsets,
                shares.fillna(0),
                height=bar * 0.9,
                color=colour,
                hatch=hatch,
                edgecolor="#333333",
                lw=0.5,
                label=name,
                zorder=2,
            )
        )
        for y, share in zip(offsets, shares, strict=True):
            if not pd.isna(share):
                _bar_figure(ax, share, y, f"{share:.2f}")
    handles.append(
        _dashed_line(ax, ROBUST_SHARE, texts["robust_line"].format(_percent(ROBUST_SHARE)))
    )
    for y, r in enumerate(data.to_dict("records")):
        note = texts.get(str(r["label"]), str(r["label"]))
        if not pd.isna(r["margin"]):
            note += "\n" + texts["margin"].format(int(r["margin"]))
        ax.text(1.13, y, note, va="center", fontsize=FONT, fontweight="bold")

    def verdict_words(verdict: str) -> str:
        if not verdict:
            return ""
        words = verdict if lang == "en" else book.decision.label(verdict) or verdict
        return f"\n({words})"

    names = [
        textwrap.fill(labels.get(str(c), str(c)), 24) + verdict_words(str(v))
        for c, v in zip(data["criterion"], data["verdict"], strict=True)
    ]
    ax.set_yticks(range(len(data)), names)
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.set_xlim(0, 1.36)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.spines["bottom"].set_bounds(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(texts["stability_axis"])
    ax.grid(axis="x", color="#DDDDDD", lw=0.5, zorder=0)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    fig.suptitle(texts["stability_title"], fontweight="bold")
    return fig


def figure_files(
    figures: dict[str, Figure], formats: Sequence[str] = ("png", "svg"), dpi: int = 300
) -> dict[str, bytes]:
    """Each figure as ``<name>.<format>`` bytes: PNG at ``dpi`` (recorded in the file),
    SVG with real text and fixed ids, PDF with TrueType text; no dates, so deterministic.
    """
    unknown = [f for f in formats if f not in METADATA]
    if unknown:
        raise ValueError(
            f"unknown figure formats: {', '.join(unknown)} (known: {', '.join(METADATA)})"
        )
    files = {}
    with _style():
        for name, fig in figures.items():
            for fmt in formats:
                buffer = io.BytesIO()
                fig.savefig(buffer, format=fmt, dpi=dpi, metadata=METADATA[fmt])
                files[f"{name}.{fmt}"] = buffer.getvalue()
    return files


def _bar_figure(ax, share: float, y: float, text: str, grey: bool = False) -> None:
    """A bar's figure just past its end, on white so that it reads over any bar."""
    ax.text(
        share + 0.012,
        y,
        text,
        va="center",
        fontsize=FONT,
        color="#666666" if grey else "black",
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
        zorder=4,
    )


def _dashed_line(ax, x: float, label: str):
    """The line a share is read against (a threshold), in the legend as ``label``."""
    return ax.axvline(x, color="black", ls="--", lw=1, zorder=3, label=label)
