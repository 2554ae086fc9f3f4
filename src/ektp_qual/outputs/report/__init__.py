"""A self-contained HTML report of an analysis: one file that opens offline in any browser.

>>> from ektp_qual import analyse
>>> from ektp_qual.outputs.report import report_html
>>> html = report_html(analyse())                      # the embedded sample
>>> html = report_html(analyse(), transcripts=False)   # without the transcripts appendix

The report shows what ``ektp-qual code`` prints, in the same order as the terminal and
with the same symbols: the study, the checklist matrix (as a heat map), the role-ordered
matrix, the evidence per criterion, the conclusions with triangulation, negative
evidence and the comparison with expected findings, how sure each verdict is when the
analysis was verified (``analyse(..., verify=True)``, ``report --verify``), then the
codebook and the transcripts with every coded sentence highlighted, as appendices.

It makes no network request: styles are inline, there are no fonts or images, and the
one script (opening collapsed sections before printing) is inline too; both are kept as
files beside this module (``report.css``, ``report.js``). Each section is built in its
own module (``_study``, ``_matrices``, ``_conclusions``, ``_appendix``), on the shared
helpers of ``_parts``. Stances and
verdicts are shown by symbol and word as well as colour. Every text from the data is
escaped. Informants' names, NIK and phone numbers are masked unless the analysis was made
with ``personal_data``.
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING

from ... import __version__
from ...language.privacy import shared_codebook
from ._appendix import _codebook_appendix, _transcripts_appendix
from ._conclusions import _conclusions
from ._matrices import _checklist, _evidence, _role_matrix
from ._parts import _Captions, _e, _privacy_in_words, _Texts, anchor
from ._study import _study
from ._verification import _verification

if TYPE_CHECKING:
    from ...model.results import Analysis


def report_html(analysis: Analysis, *, transcripts: bool = True) -> str:
    """The analysis as one self-contained HTML5 document.

    Informants' names, NIK and phone numbers are shown only when the analysis was made
    with ``personal_data`` (in the transcripts, the quotes and everything else taken from
    the data). ``transcripts``: include the transcripts appendix; without it (for very
    large corpora) quotes are shown without links.
    """
    book = analysis.codebook
    masker = analysis.reduction.masker  # a codebook's phrases may name an informant
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
        ("codebook", "Appendix A: the codebook", _codebook_appendix(shared_codebook(book, masker))),
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
        f"<title>{_e(title)}</title>\n<style>{_asset('report.css')}</style>\n<script>{_asset('report.js')}</script>\n"
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


def _asset(name: str) -> str:
    """A style or script file packaged beside this module, inlined so the report stays one file."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8").strip()
