"""Content words in spaCy's Indonesian stop list read as a question's topic words.

spaCy lists "tempat", "jumlah", "waktu", "lama" and the like among the stop words, yet in a
question they name what it asks about. Every example is written for this test.
"""

from __future__ import annotations

import pytest

from ektp_qual import parse_codebook

from .test_context import answer, codes

TOPICS = """\
codebook: topics
title: Topic words for tests
language: id
evaluative:
  positive: [bagus, baik]
  negative: [jelek, buruk]
decision:
  threshold: 0.75
  roles: [masyarakat]
criteria:
  - id: tangibles
    label: Fasilitas Fisik
    questions:
      - Bagaimana tempat pelayanannya?
    positive: [bersih, nyaman]
    negative: [kotor, pengap]
  - id: waiting
    label: Ketepatan Waktu
    questions:
      - Berapa lama Ibu menunggu?
    positive: [sebentar]
    negative: [antre]
  - id: staffing
    label: Ketersediaan Petugas
    questions:
      - Jumlah petugasnya cukup?
    positive: [ramah]
    negative: [judes]
"""


@pytest.fixture(scope="module")
def topics():
    return parse_codebook(TOPICS, "topics.yaml")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Tempatnya gimana, Bu?", "tangibles"),
        ("Kalau soal waktunya?", "waiting"),
        ("Lamanya gimana?", "waiting"),
        ("Jumlahnya gimana, Pak?", "staffing"),
    ],
)
def test_a_content_word_of_the_stop_list_tells_the_topic(topics, question, topic):
    result = answer(topics, "Bagus kok.", question=question)
    assert result.segments.iloc[0]["topic"] == topic
    assert codes(result) == {(topic, "positive")}
