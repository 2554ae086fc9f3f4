"""YAML that would expand, or nest, beyond any memory: refused before it is built."""

from __future__ import annotations

from pathlib import Path

from .conftest import TINY_CODEBOOK, assert_refused, run_limited


def _laughs(levels: int, fan_out: int) -> list[str]:
    """Anchors that each repeat the one before: fan_out ** levels copies once expanded."""
    lines = ['l0: &l0 "' + "x" * 64 + '"']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*l{level - 1}"] * fan_out)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return lines


def test_front_matter_aliases_are_refused(tmp_path: Path, tiny_codebook: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    front = ["---", "informant: A1", "role: masyarakat", *_laughs(12, 8), "---"]
    text = "\n".join([*front, "A1: Petugasnya ramah.", ""])
    (corpus / "a1.txt").write_text(text, encoding="utf-8")
    assert len(text) < 4000
    result = run_limited(tmp_path, "validate", "-t", "corpus", "-c", str(tiny_codebook))
    assert_refused(result, "a1.txt:5:", "YAML aliases ('*l0') are not accepted")


def test_codebook_aliases_are_refused(tmp_path: Path):
    codebook = tmp_path / "codebook.yaml"
    body = ["x-phrases:", *("  " + line for line in _laughs(9, 10))]
    codebook.write_text("\n".join([*body, TINY_CODEBOOK]), encoding="utf-8")
    result = run_limited(tmp_path, "codebook", "test", "-c", "codebook.yaml")
    assert_refused(result, "codebook.yaml:3:", "YAML aliases ('*l0') are not accepted")


def test_deep_nesting_in_front_matter_is_refused(tmp_path: Path, tiny_codebook: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    nested = "[" * 100_000 + "]" * 100_000
    text = f"---\ninformant: A1\nrole: masyarakat\ndeep: {nested}\n---\nA1: ramah.\n"
    (corpus / "a1.txt").write_text(text, encoding="utf-8")
    result = run_limited(tmp_path, "validate", "-t", "corpus", "-c", str(tiny_codebook))
    assert_refused(result, "a1.txt:", "nested")


def test_oversized_codebook_is_refused(tmp_path: Path):
    codebook = tmp_path / "codebook.yaml"
    phrases = ", ".join(f"kata{i}" for i in range(200_000))
    codebook.write_text(TINY_CODEBOOK + f"  - id: big\n    label: Big\n    positive: [{phrases}]\n")
    result = run_limited(tmp_path, "codebook", "test", "-c", "codebook.yaml")
    assert_refused(result, "codebook.yaml:1:", "longer than the")
