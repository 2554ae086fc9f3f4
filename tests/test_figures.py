"""Print figures: resolution, real text in the study's language, determinism, no pyplot."""

from __future__ import annotations

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace

import pandas as pd
import pytest

import ektp_qual
from ektp_qual.outputs import figures

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_TEXT = "{http://www.w3.org/2000/svg}text"
MINUS = "\u2212"


def png_size_and_dpi(png: bytes) -> tuple[int, int, float]:
    """Pixel width and height from IHDR, and dots per inch from the pHYs chunk."""
    assert png[:8] == PNG_SIGNATURE
    chunks, pos = {}, 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        chunks.setdefault(kind, png[pos + 8 : pos + 8 + length])
        pos += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    per_metre_x, per_metre_y, unit = struct.unpack(">IIB", chunks[b"pHYs"])
    assert unit == 1 and per_metre_x == per_metre_y  # metres, square pixels
    return width, height, per_metre_x * 0.0254


def svg_texts(svg: bytes) -> list[str]:
    """The text elements of an SVG, in document order (a wrapped label is one per line)."""
    root = ET.fromstring(svg)
    return ["".join(element.itertext()) for element in root.iter(SVG_TEXT)]


def svg_text(svg: bytes) -> str:
    return " ".join(svg_texts(svg))


@pytest.fixture(scope="module")
def sample():
    return ektp_qual.analyse()


@pytest.fixture(scope="module")
def sample_files(sample):
    return figures.figure_files(figures.analysis_figures(sample))


@pytest.fixture
def clinic(clinic_study):
    return ektp_qual.analyse(*clinic_study)


def saturation_table(interviews: list[str]) -> pd.DataFrame:
    new = [5, 3, 1, 1, 0, 0][: len(interviews)]
    totals = pd.Series(new).cumsum()
    return pd.DataFrame(
        {
            "interview": interviews,
            "new_in_order": new,
            "total_in_order": totals,
            "mean_total": totals - 0.5,
            "p05_total": totals - 2,
            "p95_total": totals + 1,
        }
    )


def test_files_are_named_by_figure_and_format(sample_files):
    assert set(sample_files) == {
        "checklist_heatmap.png",
        "checklist_heatmap.svg",
        "role_contrast.png",
        "role_contrast.svg",
    }


def test_png_at_print_resolution_and_page_width(sample_files):
    for name in ("checklist_heatmap.png", "role_contrast.png"):
        width, height, dpi = png_size_and_dpi(sample_files[name])
        assert dpi == pytest.approx(300, abs=0.5)
        assert width == pytest.approx(16 / 2.54 * 300, abs=3)  # 16 cm wide
        assert 1000 < height < 3000


def test_png_dpi_follows_the_argument(sample):
    files = figures.figure_files({"f": figures.role_contrast(sample)}, formats=["png"], dpi=150)
    width, _, dpi = png_size_and_dpi(files["f.png"])
    assert dpi == pytest.approx(150, abs=0.5)
    assert width == pytest.approx(16 / 2.54 * 150, abs=3)


def test_heatmap_grows_with_the_informants(sample, clinic):
    tall = figures.checklist_heatmap(sample).get_figheight()
    short = figures.checklist_heatmap(clinic).get_figheight()
    assert tall - short == pytest.approx(16 * 0.55 / 2.54)  # 16 more rows, 0.55 cm each


def test_labels_default_to_the_codebook_language(sample, sample_files):
    for name in ("checklist_heatmap.svg", "role_contrast.svg"):
        text = svg_text(sample_files[name])
        for c in sample.codebook.criteria:
            assert c.label in text, (name, c.label)
        assert "Professionalism and Skills" not in text
    heatmap = svg_text(sample_files["checklist_heatmap.svg"])
    assert "Matriks daftar periksa: sikap informan per kriteria" in heatmap
    assert "positif" in heatmap and "campuran" in heatmap
    contrast = svg_text(sample_files["role_contrast.svg"])
    assert "Informan bersikap positif" in contrast


def test_english_labels_on_request(sample):
    files = figures.figure_files(figures.analysis_figures(sample, language="en"), ["svg"])
    for name in ("checklist_heatmap.svg", "role_contrast.svg"):
        text = svg_text(files[name])
        for c in sample.codebook.criteria:
            assert c.label_en in text, (name, c.label_en)
        assert "Keterampilan" not in text
    heatmap = svg_text(files["checklist_heatmap.svg"])
    assert "Checklist matrix: informants' stances by criterion" in heatmap
    assert "mixed" in heatmap
    contrast = svg_text(files["role_contrast.svg"])
    assert "masyarakat (deciding)" in contrast and "decision threshold (75%)" in contrast


def test_heatmap_shows_symbols_and_counts_as_text(sample, sample_files):
    texts = svg_texts(sample_files["checklist_heatmap.svg"])
    for row in sample.reduction.stances.itertuples():
        assert f"+{row.n_positive}/{MINUS}{row.n_negative}" in texts
    stances = sample.reduction.stances["stance"].value_counts()
    assert texts.count("+") >= stances["positive"]
    assert texts.count(MINUS) >= stances["negative"]
    assert texts.count("±") >= stances["mixed"]
    assert any(t.startswith("·") for t in texts)  # "none" in the legend
    assert "masyarakat (n = 15)" in texts and "petugas (n = 4)" in texts
    for informant in ("M01", "M15", "PK01", "PK04"):
        assert informant in texts


def test_role_contrast_shows_every_role_and_the_threshold(sample_files):
    texts = svg_texts(sample_files["role_contrast.svg"])
    assert "masyarakat (penentu)" in texts  # the deciding role is marked
    assert "petugas" in texts
    assert "ambang keputusan (75%)" in texts
    assert "4/15" in texts and "4/4" in texts  # positive / with a stance
    assert "75%" in texts and "100%" in texts


def test_english_study_with_its_own_roles(clinic):
    files = figures.figure_files(figures.analysis_figures(clinic), ["svg"])
    heatmap = svg_texts(files["checklist_heatmap.svg"])
    assert "Checklist matrix: informants' stances by criterion" in heatmap
    assert "patient (n = 2)" in heatmap and "staff (n = 1)" in heatmap
    assert "·" in heatmap  # nobody spoke of clarity: no stance
    assert f"+0/{MINUS}0" in heatmap
    contrast = svg_texts(files["role_contrast.svg"])
    assert "patient (deciding)" in contrast and "staff" in contrast
    assert "staff (deciding)" not in contrast
    assert "decision threshold (50%)" in contrast
    assert "0/0" in contrast  # a criterion without stances has no bar, but its count
    text = " ".join(contrast)
    for label in ("Waiting time", "Courtesy", "Clarity of information", "Cost", "Access"):
        assert label in text
    assert "masyarakat" not in text and "petugas" not in text


def test_every_role_decides_without_deciding_roles(sample):
    book = sample.codebook
    every_role = replace(book, decision=replace(book.decision, roles=None))
    analysis = ektp_qual.analyse(sample.corpus, every_role)
    files = figures.figure_files({"f": figures.role_contrast(analysis)}, ["svg"])
    texts = svg_texts(files["f.svg"])
    assert "masyarakat (penentu)" in texts and "petugas (penentu)" in texts


def test_svg_and_pdf_are_deterministic(sample):
    first = figures.figure_files(figures.analysis_figures(sample), ["svg", "pdf"])
    again = figures.figure_files(figures.analysis_figures(sample), ["svg", "pdf"])
    assert first == again
    assert first["role_contrast.pdf"].startswith(b"%PDF")


def test_unknown_format_is_refused(sample):
    with pytest.raises(ValueError, match="unknown figure formats: eps"):
        figures.figure_files({"f": figures.role_contrast(sample)}, formats=["png", "eps"])


def test_saturation_curve_in_the_codebook_language(sample):
    table = saturation_table(["M01", "M02", "M03", "M04", "M05", "M06"])
    indonesian = figures.saturation_curve(table, codebook=sample.codebook)
    english = figures.saturation_curve(table)  # no codebook: English
    files = figures.figure_files({"id": indonesian, "en": english})
    id_text = svg_texts(files["id.svg"])
    assert "Kejenuhan data: kode per wawancara" in id_text
    assert "kumulatif, urutan korpus" in id_text and "kode baru, urutan korpus" in id_text
    assert "rentang 5–95% urutan acak" in id_text and "Jumlah kode" in id_text
    assert {"M01", "M06"} <= set(id_text)
    en_text = svg_texts(files["en.svg"])
    assert "Saturation: codes by interview" in en_text
    assert "cumulative, mean of random orders" in en_text and "5–95% of random orders" in en_text
    _, _, dpi = png_size_and_dpi(files["en.png"])
    assert dpi == pytest.approx(300, abs=0.5)


def test_saturation_curve_with_numbered_interviews():
    fig = figures.saturation_curve(saturation_table(["1", "2", "3", "4"]), language="en")
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["1", "2", "3", "4"]


def test_saturation_curve_names_missing_columns():
    table = saturation_table(["a", "b"]).drop(columns=["p05_total", "p95_total"])
    with pytest.raises(ValueError, match="p05_total, p95_total"):
        figures.saturation_curve(table)


def test_pyplot_is_never_imported():
    code = (
        "import sys, ektp_qual\n"
        "from ektp_qual.outputs import figures\n"
        "figures.figure_files(figures.analysis_figures(ektp_qual.analyse()))\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
