"""Coding on several cores (``--jobs``, ``ektp_qual.coding.parallel``): the same tables
as one process, row for row, and workers only when the corpus is big enough to gain."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.cli import app
from ektp_qual.coding import parallel
from ektp_qual.inputs.transcripts import corpus_from

from .conftest import MINI_CODEBOOK, transcript_text


def _assert_same_tables(one: dict[str, pd.DataFrame], other: dict[str, pd.DataFrame]) -> None:
    assert list(one) == list(other)
    for name, table in one.items():
        pd.testing.assert_frame_equal(table, other[name], check_exact=True, obj=name)


@pytest.fixture
def many_cores(monkeypatch):
    """Workers for any corpus, as if every transcript were long; counts the pools made."""
    monkeypatch.setattr(parallel, "WORDS_PER_WORKER", 1)
    monkeypatch.setattr(parallel, "available_cores", lambda: 2)
    pools = []
    code_in_workers = parallel.code_in_workers

    def counted(corpus, codebook, workers):
        pools.append(workers)
        return code_in_workers(corpus, codebook, workers)

    monkeypatch.setattr(parallel, "code_in_workers", counted)
    return pools


def test_the_sample_coded_by_two_workers_gives_every_table_one_process_gives(many_cores):
    alone = ektp_qual.analyse(jobs=1)
    shared = ektp_qual.analyse(jobs=2)
    assert many_cores == [2]
    assert len(alone.reduction.segments) > 900
    _assert_same_tables(alone.tables(), shared.tables())


def _repeating_corpus():
    """Informants who repeat sentences and follow up on questions: what ids and topics count
    within a transcript, cut into more batches than there are transcripts' halves."""
    turns = [
        ("P", "Bagaimana sikap petugas saat melayani?"),
        ("R", "Petugasnya ramah. Iya, Mas."),
        ("P", "Terus?"),
        ("R", "Iya, Mas. Tidak judes kok. Sudah baik."),
        ("P", "Apakah ada biaya atau pungutan dalam pembuatan e-KTP?"),
        ("R", "Belum."),
        ("R", "Gratis, Mas. Iya, Mas."),
    ]
    texts = [
        transcript_text(f"M{i:02d}", "masyarakat" if i % 3 else "petugas", turns[: 3 + i % 5])
        for i in range(13)
    ]
    read = [ektp_qual.parse_transcript(t, f"M{i:02d}.txt") for i, t in enumerate(texts)]
    return corpus_from(read)


@pytest.mark.parametrize(
    ("workers", "start"), [(2, "fork"), (3, "fork"), (2, "spawn"), (2, "threads")], ids=str
)
def test_batches_of_whole_transcripts_give_the_coding_of_the_corpus(workers, start, monkeypatch):
    """Forked workers find their share in memory; spawned ones (where there is no fork, or
    where another thread runs, which a fork would copy mid-lock) are sent theirs: both
    give the tables of one process."""
    if start == "spawn":
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    if start == "threads":
        monkeypatch.setattr(threading, "active_count", lambda: 2)
        monkeypatch.setattr(parallel, "_code_forked", None)  # must not be reached
    corpus = _repeating_corpus()
    book = ektp_qual.parse_codebook(MINI_CODEBOOK, "codebook.yaml")
    alone = ektp_qual.code_corpus(corpus, book)
    shared = parallel.code_in_workers(corpus, book, workers)
    assert alone.segments["segment_id"].duplicated().sum() == 0
    assert len(alone.codings) > 20
    tables = ("segments", "codings", "changes")
    _assert_same_tables(
        {t: getattr(alone, t) for t in tables}, {t: getattr(shared, t) for t in tables}
    )
    assert shared.readings == alone.readings
    pd.testing.assert_frame_equal(shared.unmatched_phrases(), alone.unmatched_phrases())


def test_a_worker_that_codes_nothing_keeps_the_columns_types():
    book = ektp_qual.parse_codebook(MINI_CODEBOOK, "codebook.yaml")
    quiet = [("P", "Bagaimana sikap petugas?"), ("R", "Saya lupa, Mas.")]
    coded = [("P", "Bagaimana sikap petugas?"), ("R", "Petugasnya ramah.")]
    texts = [transcript_text("A1", "masyarakat", quiet), transcript_text("A2", "petugas", coded)]
    corpus = corpus_from([ektp_qual.parse_transcript(t, "x.txt") for t in texts])
    alone = ektp_qual.code_corpus(corpus, book)
    shared = parallel.code_in_workers(corpus, book, 2)
    pd.testing.assert_frame_equal(shared.codings, alone.codings)
    pd.testing.assert_frame_equal(shared.segments, alone.segments)


def _words(count: int, informants: int):
    each = " ".join(["ramah"] * (count // informants))
    texts = [
        transcript_text(f"W{i}", "masyarakat", [("P", "Bagaimana?"), ("R", each)])
        for i in range(informants)
    ]
    return corpus_from([ektp_qual.parse_transcript(t, f"W{i}.txt") for i, t in enumerate(texts)])


def test_workers_only_for_a_corpus_big_enough_to_gain(monkeypatch):
    monkeypatch.setattr(parallel, "available_cores", lambda: 4)
    sample = ektp_qual.load()[0]
    assert parallel.workers_for(sample, None) == 1  # ~20,000 words: not worth a second
    big = _words(3 * parallel.WORDS_PER_WORKER, 6)
    assert parallel.workers_for(big, None) == 3  # each worker gets its share of words
    assert parallel.workers_for(big, 2) == 2  # never more than asked
    assert parallel.workers_for(big, 1) == 1
    assert parallel.workers_for(_words(3 * parallel.WORDS_PER_WORKER, 1), None) == 1


def test_the_sample_runs_in_one_process_by_default(monkeypatch):
    made = []
    monkeypatch.setattr(parallel, "code_in_workers", lambda *a: made.append(a))
    ektp_qual.analyse()
    assert made == []


def test_code_jobs_writes_the_same_files(tmp_path: Path, many_cores):
    runner = CliRunner()
    for jobs in ("1", "2"):
        result = runner.invoke(app, ["code", "-q", "--jobs", jobs, "-o", str(tmp_path / jobs)])
        assert result.exit_code == 0, result.output
    assert many_cores == [2]
    written = sorted(p.name for p in (tmp_path / "1").glob("*.csv"))
    assert "segments.csv" in written
    for name in written:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_code_refuses_zero_jobs(tmp_path: Path):
    result = CliRunner().invoke(app, ["code", "-q", "--jobs", "0", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "--jobs" in result.output


def _transcripts_in_batch(coder, transcripts) -> int:
    return len(transcripts)


def test_a_submitted_chunk_goes_to_each_worker_as_one_batch():
    """Each call of the coder reads anew the sentences of its batch, and a streamed
    survey's job has fixed costs per batch: a chunk is cut into one batch per worker,
    not more, and every transcript is in one of them."""
    corpus = ektp_qual.load()[0]
    book = ektp_qual.read_codebook(ektp_qual.sample_codebook())
    with parallel.CodingPool(book, 2, job=_transcripts_in_batch) as pool:
        sizes = pool.submit(corpus)()
    assert len(sizes) == 2
    assert sum(sizes) == len(corpus.transcripts)


class _CountedCoder(parallel.Coder):
    """The coder, counting the corpora coded in this process (a forked worker counts in
    its own copy)."""

    coded: ClassVar[list[int]] = []

    def code(self, corpus):
        self.coded.append(len(corpus.transcripts))
        return super().code(corpus)


@pytest.mark.parametrize("cores", [1, 2])
def test_a_corpus_coded_aside_is_the_one_coded_here_while_the_meanwhile_runs(monkeypatch, cores):
    """``suggest`` codes in a worker while it imports scikit-learn: the same tables, the
    coding done elsewhere when two cores are free, here (one after the other) when not."""
    corpus = _repeating_corpus()
    book = ektp_qual.parse_codebook(MINI_CODEBOOK, "codebook.yaml")
    alone = ektp_qual.code_corpus(corpus, book)
    monkeypatch.setattr(parallel, "available_cores", lambda: cores)
    # Alone in its process (an earlier test may leave a thread pool's threads behind).
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(parallel, "Coder", _CountedCoder)
    monkeypatch.setattr(_CountedCoder, "coded", [])
    ran = []
    aside = parallel.code_aside(corpus, book, lambda: ran.append(True))
    assert ran == [True]
    assert _CountedCoder.coded == ([] if cores == 2 else [13])
    if cores == 2:  # with another thread running, never forked
        monkeypatch.setattr(threading, "active_count", lambda: 2)
        parallel.code_aside(corpus, book, lambda: None)
        assert _CountedCoder.coded == [13]
    assert aside.codebook is book
    assert aside.readings == alone.readings
    for table in ("segments", "codings", "changes"):
        pd.testing.assert_frame_equal(getattr(aside, table), getattr(alone, table))


def test_a_bad_codebook_coded_aside_raises_its_own_error(monkeypatch):
    monkeypatch.setattr(parallel, "available_cores", lambda: 2)
    book = ektp_qual.parse_codebook(MINI_CODEBOOK.replace("language: id", "language: qq"), "c.yaml")
    with pytest.raises(ektp_qual.InputError, match="not a language spaCy knows"):
        parallel.code_aside(_repeating_corpus(), book, lambda: None)
