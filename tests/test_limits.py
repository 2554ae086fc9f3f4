"""Reading within ektp_qual.limits: YAML aliases and oversized documents refused."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ektp_qual import limits
from ektp_qual.codebook import parse_codebook
from ektp_qual.corpus import parse_transcript
from ektp_qual.errors import InputError
from ektp_qual.yamldoc import safe_load

from .conftest import MINI_CODEBOOK

VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
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
