"""A wish runs on past a form of address or a name set off by commas ("Semoga skripsinya
lancar, Kak, cepet wisuda": a wish for the interviewer, no evidence); a particle alone
between commas ("like") or a full stop still ends it. Every example is written for this
test, in Indonesian and English, against the small codebooks of ``conftest``.
"""

from __future__ import annotations

import pytest

from .test_context import answer, codes


@pytest.mark.parametrize(
    "reply",
    [
        "Semoga skripsinya lancar, Kak, cepat wisuda.",
        "Semoga lancar, Mbak Dinda, cepat lulus.",
    ],
)
def test_a_wish_runs_past_a_form_of_address(mini, reply):
    result = answer(mini, reply)
    assert codes(result) == set()
    assert "wish" in set(result.changes["change"])


def test_the_same_in_english(clinic):
    reply = "I hope the thesis goes well, Sarah, quick and easy."
    assert codes(answer(clinic, reply, question="Anything else?")) == set()


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("Semoga lancar, Kak. Petugasnya cepat kok.", {("professionalism", "positive")}),
        ("Semoga lancar, petugasnya cepat kok.", {("professionalism", "positive")}),
    ],
)
def test_a_full_stop_or_a_clause_of_its_own_still_ends_the_wish(mini, reply, expected):
    assert codes(answer(mini, reply)) == expected


def test_a_particle_alone_between_commas_ends_it_in_english(clinic):
    reply = "I hope so, like, they were kind."
    assert codes(answer(clinic, reply, question="How did the staff treat you?")) == {
        ("courtesy", "positive")
    }
