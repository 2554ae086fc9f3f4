"""A noun of the doer or the means ("pembantu", an assistant; "penjaga", a guard) is no
form of a phrase word written as its root: "cabang pembantu" (a sub-branch) says nobody
was helped. Indonesian only: English words are keyed as written, with no derivation.
"""

from __future__ import annotations

import pytest

from ektp_qual import parse_codebook

from .conftest import MINI_CODEBOOK
from .test_context import answer, codes

# The root written as a phrase word makes its derived forms match it.
ROOTS = MINI_CODEBOOK.replace(
    "positive: [petugas ramah, ramah,", "positive: [bantu, jaga, petugas ramah, ramah,"
)


@pytest.fixture(scope="module")
def roots():
    return parse_codebook(ROOTS, "mini.yaml")


@pytest.mark.parametrize(
    "reply",
    [
        "Saya ke kantor cabang pembantu.",
        "Penjaga parkirnya ada di depan.",
        "Pembantu saya yang antri.",
    ],
)
def test_a_noun_of_the_doer_is_no_form_of_the_root(roots, reply):
    assert codes(answer(roots, reply)) == set()


@pytest.mark.parametrize(
    "reply",
    ["Saya dibantu petugasnya.", "Petugasnya membantu saya.", "Anak saya dijaga satpam."],
)
def test_the_verbs_of_the_root_still_match(roots, reply):
    assert codes(answer(roots, reply)) == {("attitude", "positive")}


def test_the_noun_of_the_event_still_matches(roots):
    book = parse_codebook(ROOTS.replace("[bantu, jaga,", "[bantu, jaga, layan,"), "mini.yaml")
    assert codes(answer(book, "Pelayanannya oke.")) == {("attitude", "positive")}
    assert codes(answer(book, "Pelayan kafenya di sebelah.")) == set()
