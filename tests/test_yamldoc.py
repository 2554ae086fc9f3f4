"""The codebook's YAML read on libyaml's fast path gives what PyYAML's own reader gives."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ektp_qual.inputs import yamldoc
from ektp_qual.inputs.yamldoc import YamlDocument
from ektp_qual.model.errors import InputError

_KEY = st.text(alphabet="abcdefghij_", min_size=1, max_size=6)
_SCALAR = st.one_of(
    st.integers(-1000, 1000),
    st.booleans(),
    st.none(),
    st.text(alphabet="abc :#-'\"é\n", max_size=12),
    st.dates(),
)
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEY, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(_KEY, _VALUE, min_size=1, max_size=4))
def test_the_fast_reader_gives_pyyaml_s_value_and_key_lines(document):
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    read = YamlDocument(text, "book.yaml")
    assert read.data == yaml.safe_load(text)
    slow = yaml.compose(text, Loader=yaml.SafeLoader)
    for key, _ in slow.value:
        assert read.line(key.value) == key.start_mark.line + 1


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_a_codebook_is_composed_by_libyaml_when_pyyaml_has_it(monkeypatch):
    """The speed a codebook is read at (a quarter of a second by PyYAML's own parser)."""
    slow_calls = []
    real = yaml.compose

    def compose(text, Loader=yaml.Loader):
        slow_calls.append(Loader is yaml.SafeLoader)
        return real(text, Loader=Loader)

    monkeypatch.setattr(yamldoc.yaml, "compose", compose)
    read = YamlDocument("criteria:\n  - id: a\n    positive: [ramah]\n", "book.yaml")
    assert read.data == {"criteria": [{"id": "a", "positive": ["ramah"]}]}
    assert read.line("criteria", 0, "positive") == 3
    assert slow_calls == [False]


def test_a_value_libyaml_reads_but_cannot_be_built_keeps_its_line():
    with pytest.raises(InputError) as raised:
        YamlDocument("codebook: x\nstarted: 2013-02-30\n", "book.yaml")
    assert raised.value.line == 2
    assert "cannot be read" in str(raised.value)
