"""The learned coder's themes (``coding.meaning``): a decision reaches a sentence that
says the same thing in other words, where those words go together across the corpus."""

from __future__ import annotations

import pytest

import ektp_qual
import ektp_qual.coding.learned
from ektp_qual.coding import meaning
from ektp_qual.inputs.review_file import REVIEW_COLUMNS

TAUGHT = "Antriannya mengular sampai parkiran."
UNSEEN = "Nunggu terus dari subuh."
TOGETHER = [
    "Antriannya panjang, nunggunya juga lama.",
    "Nunggu di antrian itu capek.",
    "Antrian penuh, jadi nunggu saja.",
]
ELSE = ["Saya datang naik motor.", "Rumah saya dekat pasar.", "Anak saya sekolah."]


@pytest.fixture
def queue_study(corpus_dir, mini_codebook, write):
    """Queueing and waiting said together by many; the researcher codes one sentence of
    queueing, and waiting is said alone in a sentence sharing no word with it."""
    spec = {}
    for n in range(1, 9):
        said = [TOGETHER[n % 3], ELSE[n % 3]]
        if n == 1:
            said.append(TAUGHT)
        if n == 2:
            said.append(UNSEEN)
        spec[f"M{n}"] = (
            "masyarakat",
            [("P", "Ceritakan pengalaman Bapak waktu itu."), (f"M{n}", " ".join(said))],
        )
    folder = corpus_dir(spec)
    segments = ektp_qual.data_reduction(folder, mini_codebook).segments
    (sid,) = segments.loc[segments["text"] == TAUGHT, "segment_id"]
    row = ",".join([sid, "professionalism", "negative", "add", "ana", "", ""])
    review = write("review.csv", ",".join(REVIEW_COLUMNS) + "\n" + row + "\n")
    return folder, mini_codebook, review


def test_a_learned_coding_names_the_theme_behind_it_in_the_corpus_s_words(queue_study):
    folder, book, review = queue_study
    reduction = ektp_qual.data_reduction(
        folder, book, review=review, learn=True, learn_threshold=0.01
    )
    found = reduction.codings[reduction.codings["method"] == "learned"]
    assert len(found) > 0
    said = {
        word
        for text in reduction.segments["text"]
        for word in ektp_qual.coding.learned.Features(ektp_qual.read_codebook(book)).words(text)
    }
    for features in found["features"]:
        named = features.split("; ")
        themes = [f for f in named if f.startswith("theme ")]
        # At most one theme, after the named features, named by words the corpus says.
        assert (len(themes) <= 1 and named[-1:] == themes[-1:]) or not themes
        for theme in themes:
            words = theme.removeprefix("theme ").split(" / ")
            assert len(words) == meaning.THEME_WORDS and set(words) <= said
    assert found["features"].str.contains("theme ").any()


def test_on_the_sample_the_themes_reach_sentences_the_words_alone_do_not(monkeypatch):
    def learned() -> set[tuple[str, str, str]]:
        codings = ektp_qual.data_reduction(learn=True).codings
        found = codings[codings["method"] == "learned"]
        return set(zip(found["segment_id"], found["criterion"], found["polarity"], strict=True))

    themed = learned()
    monkeypatch.setattr(meaning, "THEME_WEIGHT", 0.0)
    words_only = learned()
    assert len(themed - words_only) > 10


def test_a_corpus_too_small_for_themes_learns_from_its_words(corpus_dir, mini_codebook, write):
    folder = corpus_dir({"M1": ("masyarakat", [("P", "Halo."), ("M1", "Antriannya panjang.")])})
    reduction = ektp_qual.data_reduction(folder, mini_codebook, learn=True, learn_threshold=0.01)
    assert not reduction.codings["features"].str.contains("theme ").any()
