"""The HTML report: self-contained, masked, escaped, and right when a real browser opens it."""

from __future__ import annotations

import html
import itertools
import os
import random
import re
import struct
import time
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import ektp_qual
from ektp_qual.language.privacy import Masker
from ektp_qual.outputs.report import anchor, report_html
from ektp_qual.outputs.report._appendix import _Positions

from .conftest import MINI_CODEBOOK, transcript_text

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

NAME, NIK, PHONE = "Sri Wahyuni", "1871234567890123", "0812-3456-7890"


@pytest.fixture(scope="module")
def sample():
    return ektp_qual.analyse()


@pytest.fixture(scope="module")
def sample_html(sample):
    return report_html(sample)


def _small_study(folder: Path, answer: str = "", findings: str | None = None, **kwargs):
    """Two informants against the mini codebook; M1's front matter has a name and their
    answers a NIK and a phone number."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "M1.txt").write_text(
        transcript_text(
            "M1",
            "masyarakat",
            [
                ("P", "Ibu Sri, bagaimana sikap petugas saat melayani?"),
                (
                    "M1",
                    f"Saya {NAME}, NIK saya {NIK}, petugasnya ramah sekali. "
                    f"Kalau perlu telepon saja ke {PHONE}, Mas.\n"
                    "Tapi antriannya panjang. " + answer,
                ),
                ("P", "Bagaimana kecepatan proses perekaman, cepat atau lambat?"),
                ("M1", "Cepat kok, gratis juga."),
            ],
            name=f"Ibu {NAME}",
            kelurahan="Sawah Lama",
        ),
        encoding="utf-8",
    )
    (folder / "M2.txt").write_text(
        transcript_text(
            "M2",
            "masyarakat",
            [("P", "Bagaimana sikap petugas?"), ("M2", "Petugasnya judes, lambat sekali.")],
        ),
        encoding="utf-8",
    )
    book = folder.parent / "codebook.yaml"
    book.write_text(MINI_CODEBOOK, encoding="utf-8")
    expected = None
    if findings is not None:
        expected = folder.parent / "findings.yaml"
        expected.write_text(findings, encoding="utf-8")
    return ektp_qual.analyse(folder, book, expected, **kwargs)


# -- the document's structure, without a browser ---------------------------------------------


class _Outline(HTMLParser):
    """Headings, tables and the text of every <mark> (without its screen-reader note)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[int] = []
        self.tables: list[dict[str, int]] = []
        self.marks: dict[str, str] = {}
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.html_lang: str | None = None
        self.charset = False
        self._mark: str | None = None
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "meta" and a.get("charset", "").lower() == "utf-8":
            self.charset = True
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables.append({"th": 0, "caption": 0, "unscoped": 0})
        if tag in ("th", "caption") and self.tables:
            self.tables[-1][tag] += 1
            if tag == "th" and "scope" not in a:
                self.tables[-1]["unscoped"] += 1
        if tag == "mark":
            self._mark = a["id"]
            self.marks[self._mark] = ""
        if tag == "span" and self._mark and "sr-only" in (a.get("class") or ""):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag == "mark":
            self._mark = None
        if tag == "span" and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if self._mark and not self._hidden:
            self.marks[self._mark] += data


def _outline(document: str) -> _Outline:
    parser = _Outline()
    parser.feed(document)
    parser.close()
    return parser


def test_sample_report_structure(sample, sample_html):
    outline = _outline(sample_html)
    assert sample_html.startswith("<!DOCTYPE html>")
    # The report speaks English; the quotes and transcripts carry the interviews' language.
    assert outline.html_lang == "en"
    assert f'<blockquote lang="{sample.codebook.language}">' in sample_html
    assert outline.charset
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(outline.headings, outline.headings[1:], strict=False))
    assert outline.tables and all(t["th"] and t["caption"] == 1 for t in outline.tables)
    assert not [t for t in outline.tables if t["unscoped"]]
    assert len(outline.ids) == len(set(outline.ids))  # ids are unique
    # sections in the order of the brief, each an h2
    order = ["study", "checklist", "roles", "evidence", "conclusions", "codebook", "transcripts"]
    positions = [sample_html.index(f'<section id="{key}"') for key in order]
    assert positions == sorted(positions)
    # each quote links to a sentence that is in the transcripts appendix
    links = [h[1:] for h in outline.hrefs if h.startswith("#seg-")]
    assert links and set(links) <= set(outline.ids)
    # every coded sentence is highlighted, and nothing else
    coded = set(sample.reduction.codings["segment_id"])
    assert set(outline.marks) == {anchor("seg", s) for s in coded}
    assert 'href="#seg-M01-' in sample_html and 'id="seg-M01-' in sample_html


def test_sample_report_content(sample, sample_html):
    book = sample.codebook
    assert f"ektp-qual {ektp_qual.__version__}" in sample_html
    assert book.sha256[:12] in sample_html and html.escape(book.title) in sample_html
    assert "No researcher's review was applied" in sample_html
    for c in book.criteria:
        assert f'id="evidence-{c.id}"' in sample_html
        assert html.escape(c.label) in sample_html and html.escape(c.label_en) in sample_html
    for r in sample.conclusion.conclusions.itertuples():
        assert f'data-criterion="{r.criterion}" data-verdict="{r.verdict}"' in sample_html
    assert 'data-overall-verdict="partly met"' in sample_html
    assert "sebagian berkualitas" in sample_html
    # the heat map: colour, symbol and counts, and the detail on hover
    assert re.search(
        r'<td class="st-negative" title="M01 \(masyarakat\), professionalism: negative; '
        r'1 coded sentences for, 4 against\. Strongest quote: “[^"]+”">'
        r'<span class="sym" aria-hidden="true">-</span>',
        sample_html,
    )
    assert '<span class="n">+1/-4</span>' in sample_html
    for stance in ("positive", "negative", "mixed", "none"):
        assert f'class="swatch st-{stance}"' in sample_html  # the legend


def test_comparison_with_findings_only(sample_html, tmp_path):
    assert 'id="comparison"' in sample_html
    assert "✓ </span>matches" in sample_html and "differs" not in sample_html
    plain = report_html(_small_study(tmp_path / "a"))
    assert 'id="comparison"' not in plain and "matches" not in plain
    differing = report_html(
        _small_study(tmp_path / "b", findings="criteria:\n  attitude: met\noverall: met\n")
    )
    assert 'id="comparison"' in differing
    assert "✗ </span>differs" in differing


def test_no_external_resources(sample_html):
    lowered = sample_html.lower()
    assert "http://" not in lowered and "https://" not in lowered
    references = re.findall(r"\b(?:src|href|action|poster|srcset|data)\s*=\s*(\S)", lowered)
    assert references and set(references) == {'"'}  # every one quoted, so readable below
    targets = re.findall(r'\b(?:src|href|action|poster|srcset|data)\s*=\s*"([^"]*)"', lowered)
    assert targets and all(t.startswith("#") for t in targets)
    assert "@import" not in lowered and "url(" not in lowered
    for tag in ("<link", "<img", "<iframe", "<object", "<embed", "<video", "<audio"):
        assert tag not in lowered
    assert lowered.count("<script") == 1 and "<script src" not in lowered
    assert "@media print" in sample_html and "print-color-adjust:exact" in sample_html


def test_personal_data_is_masked_unless_asked_for(tmp_path):
    result = _small_study(tmp_path / "corpus")
    masked = report_html(result)
    for secret in (NIK, PHONE, "Wahyuni"):
        assert secret not in masked
    assert not re.search(r"\bSri\b", masked)
    assert "[NIK]" in masked and "[PHONE]" in masked and "[NAME]" in masked
    # Privacy is decided once, by the analysis: its report follows it, never the other way.
    personal = report_html(_small_study(tmp_path / "again", personal_data=True))
    for secret in (NIK, PHONE, NAME, "Ibu Sri,"):
        assert secret in personal
    assert "Contains personal data" in personal and "Contains personal data" not in masked


def _check_marks(result, document: str, personal_data: bool) -> int:
    """Each highlighted sentence reads exactly its segment (masked like the tables)."""
    marks = _outline(document).marks
    segments = result.reduction.segments.set_index("segment_id")
    bodies = {t.informant: t.body for t in result.corpus.transcripts}
    mask = Masker(t.name for t in result.corpus.transcripts)
    for segment_id in result.reduction.codings["segment_id"].unique():
        row = segments.loc[segment_id]
        original = bodies[row["informant"]][row["start"] : row["end"]]
        expected = original if personal_data else mask(original)
        assert marks[anchor("seg", segment_id)] == expected, segment_id
    return len(marks)


def test_highlights_keep_their_offsets_after_masking(tmp_path):
    result = _small_study(tmp_path / "corpus")
    assert _check_marks(result, report_html(result), personal_data=False) >= 4
    personal = _small_study(tmp_path / "personal", personal_data=True)
    assert _check_marks(personal, report_html(personal), personal_data=True)
    masked = report_html(result)
    assert "Saya [NAME] [NAME], NIK saya [NIK], petugasnya ramah sekali." in masked
    assert "Ibu [NAME], bagaimana sikap petugas" in masked  # interviewer turns too


def test_sample_highlights_match_segments(sample, sample_html):
    assert _check_marks(sample, sample_html, personal_data=False) == len(
        sample.reduction.codings["segment_id"].unique()
    )


def test_positions_map_offsets_like_masked_text():
    mask = Masker(["Ibu Sri Wahyuni", "Pak Joko Santoso"])
    rng = random.Random(7)
    words = ["Sri", "Wahyuni", "Joko", "ramah", NIK, PHONE, "(0721) 123456", "x", "1871", "08"]
    for _ in range(200):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        masked = mask.mask_with_offsets(text)
        position = _Positions(masked)
        for offset in range(len(text) + 1):
            for end in (False, True):
                assert position(offset, end=end) == masked.position(offset, end=end)


def test_markup_in_transcripts_is_escaped(tmp_path):
    result = _small_study(
        tmp_path / "corpus", answer='Petugasnya sopan <script>alert(1)</script> "x".'
    )
    document = report_html(result)
    assert "<script>alert" not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert document.lower().count("<script") == 1  # only the report's own
    assert _check_marks(result, document, personal_data=False)


def test_review_state_is_reported(tmp_path):
    result = _small_study(tmp_path / "corpus")
    codings = result.reduction.codings
    first, second = codings.iloc[0], codings.iloc[1]
    review = tmp_path / "review.csv"
    review.write_text(
        "segment_id,criterion,polarity,decision,coder\n"
        f"{first.segment_id},{first.criterion},{first.polarity},accept,ana\n"
        f"{second.segment_id},{second.criterion},{second.polarity},reject,ana\n",
        encoding="utf-8",
    )
    reviewed = ektp_qual.analyse(tmp_path / "corpus", tmp_path / "codebook.yaml", review=review)
    document = report_html(reviewed)
    assert "review was applied (by ana): 1 codings accepted, 1 rejected, 0 added" in document


def test_without_transcripts_quotes_link_nowhere(sample, sample_html):
    document = report_html(sample, transcripts=False)
    assert 'href="#seg-' not in document and "<mark" not in document
    assert 'id="transcripts"' not in document and "Appendix B" not in document
    assert 'class="quote positive"' in document
    assert len(document) < len(sample_html) / 1.5
    for r in sample.conclusion.conclusions.itertuples():
        assert f'data-criterion="{r.criterion}" data-verdict="{r.verdict}"' in document


def test_a_corpus_without_codings(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "A.txt").write_text(
        transcript_text("A", "masyarakat", [("P", "Halo?"), ("A", "Saya tinggal di sini.")]),
        encoding="utf-8",
    )
    (tmp_path / "codebook.yaml").write_text(MINI_CODEBOOK, encoding="utf-8")
    result = ektp_qual.analyse(folder, tmp_path / "codebook.yaml")
    document = report_html(result)
    assert document.count('data-verdict="undetermined"') == 3
    assert "<mark" not in document and 'href="#seg-' not in document
    assert "Saya tinggal di sini." in document


def test_renders_quickly(sample):
    started = time.perf_counter()
    report_html(sample)
    assert time.perf_counter() - started < 1.0


# -- in a real browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    # CI installs Chromium and sets EKTP_QUAL_REQUIRE_BROWSER, so there a missing browser
    # fails the run instead of skipping the tests.
    required = bool(os.environ.get("EKTP_QUAL_REQUIRE_BROWSER"))
    if not CHROMIUM.exists():
        if required:
            pytest.fail(f"EKTP_QUAL_REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}")
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}")
    if required:
        import playwright.sync_api as sync_api
    else:
        sync_api = pytest.importorskip(
            "playwright.sync_api", reason="browser tests need playwright (pip install playwright)"
        )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def opened(browser, sample, sample_html, tmp_path_factory):
    """The sample's report opened from a file, with what the page logged and fetched."""
    folder = tmp_path_factory.mktemp("report")
    path = folder / "report.html"
    path.write_text(sample_html, encoding="utf-8")
    # Half the pixels per CSS pixel: the full-page screenshot of a report some 47,000 CSS
    # pixels tall is then quick and well inside what Chromium can capture in one piece.
    page = browser.new_page(viewport={"width": 1200, "height": 900}, device_scale_factor=0.5)
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    yield page, path, errors, requests, folder
    page.close()


def test_browser_loads_offline_without_errors(opened):
    page, path, errors, requests, folder = opened
    assert errors == []
    assert requests == [path.as_uri()]
    shot = folder / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    full = page.evaluate("[innerWidth, document.documentElement.scrollHeight]")
    assert abs(width - full[0] / 2) <= 1 and abs(height - full[1] / 2) <= 1


def test_browser_verdicts_equal_the_csv(opened, sample):
    page, *_, folder = opened
    ektp_qual.write_tables(sample.tables(), folder / "out")
    csv = pd.read_csv(folder / "out" / "conclusions.csv")
    shown = page.eval_on_selector_all(
        "[data-criterion][data-verdict]",
        "cells => cells.map(c => [c.dataset.criterion, c.dataset.verdict, c.innerText])",
    )
    assert {c: v for c, v, _ in shown} == dict(zip(csv["criterion"], csv["verdict"], strict=True))
    assert len(shown) == len(csv)
    assert all(text.startswith(verdict) for _, verdict, text in shown)  # shown in words too


def test_browser_quote_links_reach_their_sentences(opened):
    page, *_ = opened
    missing = page.evaluate(
        """() => {
            const links = [...document.querySelectorAll('a[href^="#seg-"]')];
            return [links.length,
                    links.filter(a => !document.getElementById(a.hash.slice(1)))
                         .map(a => a.hash)];
        }"""
    )
    assert missing[0] > 0 and missing[1] == []
    link = page.locator('a.quote-link[href^="#seg-"]').first
    target = link.get_attribute("href")[1:]
    link.click()
    assert page.evaluate("document.querySelector(':target').id") == target
    assert page.evaluate(f"document.getElementById({target!r}).tagName") == "MARK"


def test_browser_headings_and_tables(opened):
    page, *_ = opened
    levels = page.eval_on_selector_all(
        "h1, h2, h3, h4, h5, h6", "hs => hs.map(h => Number(h.tagName[1]))"
    )
    assert levels[0] == 1 and levels.count(1) == 1
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert skips == []
    tables = page.eval_on_selector_all(
        "table",
        "ts => ts.map(t => [t.querySelectorAll('th').length, !!t.caption,"
        " t.querySelectorAll('th:not([scope])').length])",
    )
    assert tables and all(th > 0 and caption and unscoped == 0 for th, caption, unscoped in tables)


def test_browser_narrow_screen_and_print(opened, browser):
    page, path, *_, folder = opened
    narrow = browser.new_page(viewport={"width": 380, "height": 800})
    try:
        narrow.goto(path.as_uri())
        columns = "getComputedStyle(document.querySelector('.sides')).gridTemplateColumns"
        assert len(narrow.evaluate(columns).split()) == 1
        # tables scroll inside their own region; the page itself does not
        assert narrow.evaluate("document.documentElement.scrollWidth") <= 380
    finally:
        narrow.close()
    assert len(page.evaluate(columns).split()) == 2
    page.emulate_media(media="print")
    try:
        assert len(page.evaluate(columns).split()) == 1
        pdf = folder / "report.pdf"
        page.pdf(path=str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    finally:
        page.emulate_media(media="screen")


def test_terminal_report_and_workbook_describe_the_corpus_from_one_summary():
    """The corpus in numbers comes from one table, so no two displays can disagree."""
    import io

    from ektp_qual.outputs.xlsx import workbook_bytes

    analysis = ektp_qual.analyse()
    summary = analysis.reduction.summary.set_index("role")
    assert list(summary.index) == ["masyarakat", "petugas", "all"]
    assert summary.loc["all"].tolist() == [
        19,
        len(analysis.reduction.segments),
        analysis.reduction.codings["segment_id"].nunique(),
        len(analysis.reduction.codings),
    ]
    assert summary.drop(index="all").sum().tolist() == summary.loc["all"].tolist()
    html = report_html(analysis)
    assert f"<td>{summary.loc['petugas', 'sentences']}</td>" in html
    study = pd.read_excel(io.BytesIO(workbook_bytes(analysis)), sheet_name=0, dtype=object)
    facts = dict(zip(study["about"], study["value"], strict=True))
    assert int(facts["informant sentences"]) == summary.loc["all", "sentences"]
