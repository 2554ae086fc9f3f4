"""The commands for looking at the data: report, figures, kwic, cooccur, saturation."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from ektp_qual.cli import app

runner = CliRunner()


def test_report_writes_one_html_file_and_never_over_a_researchers_file(tmp_path):
    page = tmp_path / "out" / "report.html"
    result = runner.invoke(app, ["report", "-q", "--out", str(page)])
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'data-verdict="met"' in text
    mine = tmp_path / "mine.html"
    mine.write_text("my notes")
    refused = runner.invoke(app, ["report", "--out", str(mine)])
    assert refused.exit_code == 2 and "not written by ektp-qual" in refused.output
    assert mine.read_text() == "my notes"
    short = runner.invoke(app, ["report", "-q", "--no-transcripts", "--out", str(page)])
    assert short.exit_code == 0, short.output
    assert 'id="seg-' not in page.read_text(encoding="utf-8")


def test_figures_in_each_format_and_language(tmp_path):
    out = tmp_path / "fig"
    result = runner.invoke(
        app, ["figures", "-q", "-o", str(out), "--language", "en", "-F", "svg,pdf", "--dpi", "150"]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == [
        "checklist_heatmap.pdf",
        "checklist_heatmap.svg",
        "role_contrast.pdf",
        "role_contrast.svg",
    ]
    assert "Professionalism" in (out / "role_contrast.svg").read_text()
    wrong = runner.invoke(app, ["figures", "-o", str(out), "-F", "gif"])
    assert wrong.exit_code == 2 and "unknown value 'gif'" in wrong.output


def test_kwic_prints_and_writes_the_concordance(tmp_path):
    out = tmp_path / "kwic.csv"
    result = runner.invoke(app, ["kwic", "antrian panjang", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "occurrence(s) of 'antrian panjang'" in result.output
    table = pd.read_csv(out)
    assert len(table) >= 4
    assert table["match"].str.lower().str.startswith("antr").all()
    assert set(table["criteria"].dropna()) >= {"professionalism -"}
    empty = runner.invoke(app, ["kwic", "  "])
    assert empty.exit_code == 2 and "Traceback" not in empty.output


def test_cooccur_and_saturation_tables(tmp_path):
    result = runner.invoke(app, ["cooccur", "--unit", "informant", "-o", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    pairs = pd.read_csv(tmp_path / "c" / "cooccurrence.csv")
    assert list(pairs.columns) == ["code_a", "code_b", "n_a", "n_b", "n_ab", "c"]
    assert len(pairs) == 15  # six criteria, unordered pairs
    assert (pairs["c"] == pairs["n_ab"] / (pairs["n_a"] + pairs["n_b"] - pairs["n_ab"])).all()
    wrong = runner.invoke(app, ["cooccur", "--unit", "turn"])
    assert wrong.exit_code == 2

    out = tmp_path / "s"
    saturated = runner.invoke(app, ["saturation", "--orders", "50", "-o", str(out)])
    assert saturated.exit_code == 0, saturated.output
    assert "95% of the" in saturated.output
    table = pd.read_csv(out / "saturation.csv")
    assert len(table) == 19 and table["total_in_order"].is_monotonic_increasing
    assert (out / "saturation.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "saturation.svg").exists()
