"""Reading within ektp_qual.inputs.limits: YAML aliases, oversized documents and DTDs refused."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ektp_qual.inputs import limits
from ektp_qual.inputs.codebook import parse_codebook
from ektp_qual.inputs.text import parse_transcript
from ektp_qual.inputs.transcripts import read_transcript
from ektp_qual.inputs.yamldoc import safe_load
from ektp_qual.model.errors import InputError

from .conftest import MINI_CODEBOOK

# YAML reads control characters such as NEL (U+0085) as line breaks: not text it keeps.
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"))
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(PRINTABLE, max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(PRINTABLE, max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(VALUES)
def test_yaml_without_aliases_reads_as_written(value):
    """The alias check refuses nothing a YAML writer produces from plain data."""
    text = yaml.safe_dump({"value": value}, allow_unicode=True)
    assert safe_load(text, "x.yaml") == {"value": value}


@given(VALUES)
def test_any_alias_is_refused_with_its_line(value):
    flow = json.dumps(value)  # JSON is YAML: the anchored value written in flow style
    text = f"first: 1\nanchored: &shared {flow}\nrepeated: *shared\n"
    with pytest.raises(InputError, match=r"x\.yaml:3: YAML aliases \('\*shared'\)"):
        safe_load(text, "x.yaml")


def test_merge_keys_are_aliases_too():
    text = MINI_CODEBOOK + "x-base: &base {a: 1}\nx-more:\n  <<: *base\n"
    with pytest.raises(InputError, match=r"YAML aliases \('\*base'\) are not accepted"):
        parse_codebook(text, "c.yaml")


def test_front_matter_alias_names_the_file_line():
    text = "---\ninformant: A1\nrole: r\nx: &x [1, 2]\ny: *x\n---\nA1: Ramah.\n"
    with pytest.raises(InputError, match=r"a1\.txt:5: front matter: YAML aliases"):
        parse_transcript(text, "a1.txt")


def test_yaml_size_and_depth_limits(monkeypatch):
    monkeypatch.setattr(limits, "MAX_YAML_SIZE", len(MINI_CODEBOOK) - 1)
    with pytest.raises(InputError, match=r"longer than the .* accepted"):
        parse_codebook(MINI_CODEBOOK, "c.yaml")
    monkeypatch.setattr(limits, "MAX_YAML_SIZE", len(MINI_CODEBOOK))
    assert parse_codebook(MINI_CODEBOOK, "c.yaml").id == "mini"
    monkeypatch.setattr(limits, "MAX_YAML_DEPTH", 3)
    with pytest.raises(InputError, match=r"c\.yaml:4: YAML nested more than 3 levels"):
        safe_load("a:\n  b:\n    c:\n      d: [1]\n", "c.yaml")


def _docx_with(tmp_path: Path, edit) -> Path:
    """A .docx transcript whose document.xml is passed through ``edit``."""
    document = docx.Document()
    for text in ("---", "informant: M07", "role: masyarakat", "---", "M07: Petugasnya ramah."):
        document.add_paragraph(text)
    plain = tmp_path / "plain.docx"
    document.save(str(plain))
    path = tmp_path / "m07.docx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(
                info, edit(data.decode()) if info.filename == "word/document.xml" else data
            )
    return path


def test_docx_entity_is_refused_not_cut(tmp_path):
    """An entity once dropped the rest of its paragraph without a word."""

    def declare(xml: str) -> str:
        declaration, _, rest = xml.partition("?>")
        rest = rest.replace("Petugasnya ramah.", "Petugasnya &kata; ramah.")
        return f'{declaration}?><!DOCTYPE w:document [<!ENTITY kata "sangat">]>{rest}'

    path = _docx_with(tmp_path, declare)
    with pytest.raises(InputError, match=r"m07\.docx: refused: word/document\.xml declares XML"):
        read_transcript(path)


def test_docx_parts_within_the_limits_are_read(tmp_path, monkeypatch):
    path = _docx_with(tmp_path, lambda xml: xml)
    assert read_transcript(path).turns[0].text == "Petugasnya ramah."
    monkeypatch.setattr(limits, "MAX_XML_DEPTH", 4)
    with pytest.raises(InputError, match=r"\.xml nests elements more than 4 deep"):
        read_transcript(path)
    monkeypatch.setattr(limits, "MAX_XML_DEPTH", 256)
    monkeypatch.setattr(limits, "MAX_DOCX_SIZE", 1000)
    with pytest.raises(InputError, match=r"MiB uncompressed, more than the 0\.0 MiB accepted"):
        read_transcript(path)


def test_the_alias_check_leaves_unreadable_characters_to_the_reader():
    text = "---\ninformant: M07\nrole: masyarakat\n\n\x08\n---\nM07: Ramah.\n"
    with pytest.raises(InputError, match=r"not valid YAML: unacceptable character #x0008"):
        parse_transcript(text, "m07.txt")
