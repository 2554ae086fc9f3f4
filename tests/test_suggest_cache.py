"""``suggest`` keeps the rules' coding of an unchanged corpus and codebook between runs, in
the user's cache directory: the same answer, faster, never with personal data, and coded
again when a transcript, the codebook or the coder changes."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.cli import app
from ektp_qual.inputs.review_file import REVIEW_COLUMNS
from ektp_qual.pipeline import cache, learning

runner = CliRunner()

ANSWER = "Nunggunya berjam-jam, Mas. Petugasnya ramah."


@pytest.fixture
def study(tmp_path, mini_codebook, write, monkeypatch):
    """Three citizens, one named in the text; the cache in a folder of its own."""
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    for n in range(1, 4):
        write(
            f"corpus/M{n}.txt",
            f"---\ninformant: M{n}\nrole: masyarakat\nname: Sumarni Wijaya\n---\n"
            "P: Bagaimana sikap petugas saat melayani?\n"
            f"M{n}: {ANSWER} Kata Bu Sumarni juga begitu.\n",
        )
    review = write("review.csv", ",".join(REVIEW_COLUMNS) + "\n")
    return tmp_path / "corpus", mini_codebook, review, tmp_path / "cache"


def _suggest(folder, book, review, out, *more):
    args = ["suggest", "-t", str(folder), "-c", str(book), "--review", str(review)]
    done = runner.invoke(app, [*args, "-n", "20", "-o", str(out), *more])
    assert done.exit_code == 0, done.output
    return pd.read_csv(out, keep_default_na=False)


def _no_coding(*args, **kwargs):
    raise AssertionError("the corpus was coded again")


def test_a_second_suggest_reuses_the_coding_and_answers_the_same(study, tmp_path, monkeypatch):
    folder, book, review, kept = study
    first = _suggest(folder, book, review, tmp_path / "one.csv")
    entries = list(kept.glob("*.json"))
    assert len(entries) == 1
    # What is kept is masked, and readable by the user alone.
    assert "sumarni" not in entries[0].read_text(encoding="utf-8").lower()
    assert entries[0].stat().st_mode & 0o077 == 0
    monkeypatch.setattr(learning, "code_with_jobs", _no_coding)
    monkeypatch.setattr(learning, "code_aside", _no_coding)
    again = _suggest(folder, book, review, tmp_path / "two.csv")
    pd.testing.assert_frame_equal(first, again)


def test_a_changed_transcript_or_codebook_is_coded_again(study, tmp_path, write):
    folder, book, review, kept = study
    _suggest(folder, book, review, tmp_path / "one.csv")
    (folder / "M2.txt").write_text(
        (folder / "M2.txt").read_text(encoding="utf-8").replace("ramah", "judes"),
        encoding="utf-8",
    )
    changed = _suggest(folder, book, review, tmp_path / "two.csv")
    assert "Petugasnya judes." in set(changed["text"])
    book.write_text(book.read_text(encoding="utf-8").replace("cuek,", "cuek, berjam-jam,"))
    again = _suggest(folder, book, review, tmp_path / "three.csv")
    waits = again[again["text"] == "Nunggunya berjam-jam, Mas."]
    assert (waits["reason"].str.contains("the rules code it")).any()
    assert len(list(kept.glob("*.json"))) == 3


def test_no_cache_and_personal_data_keep_nothing(study, tmp_path):
    folder, book, review, kept = study
    _suggest(folder, book, review, tmp_path / "one.csv", "--no-cache")
    shown = _suggest(folder, book, review, tmp_path / "two.csv", "--personal-data")
    assert "Sumarni" in " ".join(shown["text"])
    assert not kept.exists() or not list(kept.iterdir())


def test_a_damaged_entry_is_ignored_and_coded_again(study, tmp_path):
    folder, book, review, kept = study
    first = _suggest(folder, book, review, tmp_path / "one.csv")
    (entry,) = kept.glob("*.json")
    entry.write_text('{"schema": "not what was kept"}\n[', encoding="utf-8")
    again = _suggest(folder, book, review, tmp_path / "two.csv")
    pd.testing.assert_frame_equal(first, again)


def test_only_the_newest_entries_stay(study, monkeypatch):
    folder, book, review, kept = study
    monkeypatch.setattr(cache, "KEEP", 2)
    for n in range(3):
        (folder / "M1.txt").write_text(
            f"---\ninformant: M1\nrole: masyarakat\n---\nP: Halo.\nM1: Jawaban {n}.\n",
            encoding="utf-8",
        )
        ektp_qual.suggest(folder, book, review=review, cache=True)
    assert len(list(kept.glob("*.json"))) == 2


def test_the_python_api_keeps_nothing_unless_asked(study):
    folder, book, review, kept = study
    ektp_qual.suggest(folder, book, review=review)
    assert not kept.exists()


def test_the_cache_is_in_the_user_s_cache_directory(monkeypatch, tmp_path):
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(cache.sys, "platform", "linux")
    assert cache.cache_folder() == tmp_path / "xdg" / "ektp-qual"


def test_a_cache_folder_that_cannot_be_written_costs_only_the_time(study, tmp_path, monkeypatch):
    folder, book, review, _ = study
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder would be", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocked / "cache"))
    first = _suggest(folder, book, review, tmp_path / "one.csv")
    again = _suggest(folder, book, review, tmp_path / "two.csv")
    pd.testing.assert_frame_equal(first, again)
    assert blocked.read_text(encoding="utf-8") == "a file where the folder would be"


def test_a_suggest_whose_coding_is_kept_does_not_load_spacy(study, tmp_path):
    """spaCy only splits and matches; with the rules' coding kept, a suggestion never
    needs it, and loading it was a fifth of what a warm ``suggest`` took."""
    folder, book, review, kept = study
    ektp_qual.suggest(folder, book, review=review, cache=True)
    code = (
        "import sys, ektp_qual\n"
        f"ektp_qual.suggest({str(folder)!r}, {str(book)!r}, review={str(review)!r}, cache=True)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc')))"
    )
    env = {**os.environ, cache.CACHE_ENV: str(kept)}
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"


def test_suggest_codes_aside_while_scikit_learn_loads_and_answers_the_same(
    study, tmp_path, monkeypatch
):
    """A fresh process imports scikit-learn while a worker codes the corpus (the first
    suggestion's wait); one that has it already codes here."""
    folder, book, review, _ = study
    here = _suggest(folder, book, review, tmp_path / "one.csv", "--no-cache")
    aside = []
    code_aside = learning.code_aside

    def counted(corpus, codebook, meanwhile):
        aside.append(meanwhile)
        return code_aside(corpus, codebook, meanwhile)

    monkeypatch.setattr(learning, "code_aside", counted)
    _suggest(folder, book, review, tmp_path / "two.csv", "--no-cache")
    assert aside == []  # scikit-learn is loaded in this process already
    monkeypatch.setattr(learning, "models_loaded", lambda: False)
    again = _suggest(folder, book, review, tmp_path / "three.csv", "--no-cache")
    assert aside == [learning.load_models]
    pd.testing.assert_frame_equal(here, again)
