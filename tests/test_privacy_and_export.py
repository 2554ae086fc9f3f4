"""Personal data is masked; exports are atomic and never overwrite a researcher's file."""

from __future__ import annotations

import json
import os
import re

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import ektp_qual
from ektp_qual import InputError, write_tables
from ektp_qual.language.privacy import NIK_MASK, Masker, name_words
from ektp_qual.outputs.export import MANIFEST


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("NIK saya 1871021506460003, Mas.", "NIK saya [NIK], Mas."),
        ("NIK 1871 0215 0646 0003 ya.", "NIK [NIK] ya."),
        ("Telepon saya 0812-7345-9921 aja.", "Telepon saya [PHONE] aja."),
        ("WA +62 812 7345 9921.", "WA [PHONE]."),
        ("Kantor (0721) 123456.", "Kantor [PHONE]."),
        ("Nomor antrian 150, jam 07.30.", "Nomor antrian 150, jam 07.30."),
        ("Tahun 2013 bulan 4.", "Tahun 2013 bulan 4."),
    ],
)
def test_masks_nik_and_phone_numbers(text, masked):
    assert Masker()(text) == masked


# The rule as first written: 16 digits, optionally grouped by single spaces, dots or
# dashes, with no digit right before or after. The masker's regex is arranged for speed.
_NIK_RULE = re.compile(r"(?<![\d])(?:\d[ .-]?){15}\d(?![\d])")
_RUN_ON = re.compile(r"[\d .\-()+]*")


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="0123456789", min_size=1, max_size=17),
            st.sampled_from([" ", ".", "-", "--", "a", "+", "(", ")", "\n"]),
        ),
        max_size=12,
    ).map("".join)
)
@example("0000000000000000 00")
@example("12 0000000000000000")
@example("0000000000000000 00 0000000000000000")
def test_nik_masking_follows_the_rule(text):
    """Each NIK the rule finds is masked, with at most the digit groups run on from it
    (the rest of a number written beside it), and nothing else is masked as a NIK."""
    spans = Masker().mask_with_offsets(text).spans
    masked = [(start, end) for start, end, mask in spans if mask == NIK_MASK]
    rule = [m.span() for m in _NIK_RULE.finditer(text)]
    assert len(masked) == len(rule)
    for (start, end), (first, last) in zip(masked, rule, strict=True):
        assert start <= first and last <= end
        assert _RUN_ON.fullmatch(text[start:first] + text[last:end])


def test_masks_names_without_honorifics():
    assert name_words(["Ibu Sri Wahyuni (pseudonym)", "Pak Joko", None]) == [
        "Wahyuni",
        "Joko",
        "Sri",
    ]
    mask = Masker(["Ibu Sri Wahyuni (pseudonym)"])
    assert mask("Nama saya Sri, Bu Sri Wahyuni.") == "Nama saya [NAME], Bu [NAME] [NAME]."
    assert mask("Srikandi tidak kena.") == "Srikandi tidak kena."


def test_names_in_quotes_are_masked_in_tables(corpus_dir, mini_codebook, tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "M1.txt").write_text(
        "---\ninformant: M1\nrole: masyarakat\nname: Bu Ratna (pseudonym)\n---\n"
        "P: Bagaimana?\nM1: Saya Ratna, petugasnya ramah. HP saya 081234567890.\n",
        encoding="utf-8",
    )
    result = ektp_qual.analyse(folder, mini_codebook)
    text = result.reduction.codings["text"].iloc[0]
    assert text == "Saya [NAME], petugasnya ramah."
    segments = " ".join(result.reduction.segments["text"])
    assert "Ratna" not in segments and "081234567890" not in segments
    assert "name" not in result.reduction.informants.columns
    personal = ektp_qual.analyse(folder, mini_codebook, personal_data=True)
    assert "Ratna" in personal.reduction.codings["text"].iloc[0]
    assert personal.reduction.informants["name"].iloc[0] == "Bu Ratna (pseudonym)"


def _tables():
    return {"a": pd.DataFrame({"x": [1, 2]}), "b": pd.DataFrame({"y": ["é", "ü"]})}


def test_writes_tables_and_a_manifest(tmp_path):
    out = tmp_path / "out"
    paths = write_tables(_tables(), out)
    assert [p.name for p in paths] == ["a.csv", "b.csv"]
    assert (out / "b.csv").read_text(encoding="utf-8") == "y\né\nü\n"
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {"a.csv", "b.csv"}
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    write_tables({"a": pd.DataFrame({"x": [3]})}, out)  # replaces its own file
    assert pd.read_csv(out / "a.csv")["x"].tolist() == [3]
    assert set(json.loads((out / MANIFEST).read_text())["files"]) == {"a.csv", "b.csv"}


def test_never_overwrites_a_hand_written_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.csv").write_text("my notes\n", encoding="utf-8")
    with pytest.raises(InputError, match="not written by ektp-qual"):
        write_tables(_tables(), out)
    assert (out / "b.csv").read_text(encoding="utf-8") == "my notes\n"
    assert sorted(p.name for p in out.iterdir()) == ["b.csv"]


def test_never_overwrites_a_file_edited_since(tmp_path):
    out = tmp_path / "out"
    write_tables(_tables(), out)
    (out / "a.csv").write_text("x\n1\n2\n# checked by hand\n", encoding="utf-8")
    with pytest.raises(InputError, match="edited since"):
        write_tables(_tables(), out)
    assert (out / "a.csv").read_text(encoding="utf-8").endswith("# checked by hand\n")


def test_a_failed_write_leaves_the_old_files(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_tables(_tables(), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = {"n": 0}
    real_replace = os.replace

    def failing_replace(src, dst):
        calls["n"] += 1
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        write_tables({"a": pd.DataFrame({"x": [9]}), "b": pd.DataFrame({"y": [9]})}, out)
    monkeypatch.setattr(os, "replace", real_replace)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert calls["n"] == 1


def test_output_path_that_is_a_file(tmp_path):
    target = tmp_path / "results"
    target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(InputError, match="not a folder"):
        write_tables(_tables(), target)
