"""The Dask engine (``code --stream --engine dask``, ``ektp_qual.coding.cluster``): a
survey coded on a cluster of two workers gives the tables of the local run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.cli import app
from ektp_qual.coding import cluster
from ektp_qual.model import Corpus

from .conftest import MINI_CODEBOOK
from .test_stream_survey import OPTIONS, write_survey

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler():
    """Two workers in this process (threads): they start in a second, where worker
    processes on this 2-core machine take several, and code with the same coder."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as local:
        yield local.scheduler_address


def test_a_cluster_of_two_workers_gives_the_local_tables(tmp_path: Path, scheduler: str):
    path = write_survey(tmp_path / "answers.csv", 25)
    ektp_qual.analyse_survey(path, out=tmp_path / "local", jobs=1, answers=20, **OPTIONS)
    ektp_qual.analyse_survey(
        path, out=tmp_path / "dask", engine="dask", scheduler=scheduler, answers=20, **OPTIONS
    )
    files = sorted(p.name for p in (tmp_path / "local").glob("*.csv"))
    assert "segments.csv" in files
    for name in files:
        written = (tmp_path / "dask" / name).read_bytes()
        assert written == (tmp_path / "local" / name).read_bytes(), name


def test_each_worker_builds_its_coder_once(scheduler: str, monkeypatch):
    book = ektp_qual.parse_codebook(MINI_CODEBOOK, "mini.yaml")  # no coder built for it yet
    corpus = ektp_qual.load()[0]
    built = []
    coder = cluster.Coder

    def counted(codebook):
        built.append(codebook.id)
        return coder(codebook)

    monkeypatch.setattr(cluster, "Coder", counted)
    with cluster.DaskPool(book, scheduler) as pool:
        first = pool.code(corpus)
        second = pool.code(corpus)
    assert 1 <= len(built) <= 2  # one per worker thread, over 2 x 8 batches
    assert first.codings.equals(second.codings)
    assert first.segments.equals(ektp_qual.code_corpus(corpus, book).segments)


def test_code_engine_dask_on_the_command_line(tmp_path: Path, scheduler: str):
    path = write_survey(tmp_path / "answers.csv", 6)
    survey = ["--survey=informant=id", "--survey=answer=jawaban", "--survey=role=kelompok"]
    command = ["code", "-q", "-t", str(path), *survey, "--stream"]
    runner = CliRunner()
    local = runner.invoke(app, [*command, "-o", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    on_dask = [*command, "--engine", "dask", "--scheduler", scheduler, "-o", str(tmp_path / "d")]
    result = runner.invoke(app, on_dask)
    assert result.exit_code == 0, result.output
    for file in (tmp_path / "local").glob("*.csv"):
        assert file.read_bytes() == (tmp_path / "d" / file.name).read_bytes(), file.name


def test_engine_options_are_checked(tmp_path: Path, monkeypatch):
    runner = CliRunner()
    result = runner.invoke(app, ["code", "--engine", "dask", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "--stream" in result.output
    path = write_survey(tmp_path / "answers.csv", 2)
    command = ["code", "-t", str(path), "--survey=informant=id", "--survey=answer=jawaban"]
    command += ["--survey=role=kelompok", "--stream", "-o", str(tmp_path / "o")]
    result = runner.invoke(app, [*command, "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert "--scheduler needs --engine dask" in result.output
    monkeypatch.setattr(cluster, "dask_installed", lambda: False)
    result = runner.invoke(app, [*command, "--engine", "dask"])
    assert result.exit_code == 2
    assert 'pip install "ektp-qual[scale]"' in result.output


def test_workers_running_batches_in_threads_side_by_side_give_the_local_tables(tmp_path: Path):
    """A worker with several threads runs batches of one job at once: what the job keeps
    between batches (texts already masked) must not be shared between its threads."""
    path = write_survey(tmp_path / "answers.csv", 80)
    ektp_qual.analyse_survey(path, out=tmp_path / "local", jobs=1, answers=6, **OPTIONS)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=4, processes=False, dashboard_address=None
    ) as threaded:
        out = tmp_path / "dask"
        ektp_qual.analyse_survey(
            path,
            out=out,
            engine="dask",
            scheduler=threaded.scheduler_address,
            answers=6,
            **OPTIONS,
        )
    for local in (tmp_path / "local").glob("*.csv"):
        assert (out / local.name).read_bytes() == local.read_bytes(), local.name


def test_a_local_cluster_reads_its_ranges_of_the_survey_in_its_workers(tmp_path: Path, monkeypatch):
    """Without a scheduler, the local cluster's worker process reads its own ranges
    of the file: this process reads no answer, and the tables are the local run's."""
    from ektp_qual.inputs import survey_stream

    path = write_survey(tmp_path / "answers.csv", 25)
    ektp_qual.analyse_survey(path, out=tmp_path / "local", jobs=1, answers=20, **OPTIONS)
    here, read = os.getpid(), survey_stream._survey_row

    def not_here(*args, **kwargs):
        # a worker forked from this process has this patch too, and may read
        assert os.getpid() != here, "the process that scanned the survey read its answers"
        return read(*args, **kwargs)

    monkeypatch.setattr(survey_stream, "_survey_row", not_here)
    ektp_qual.analyse_survey(
        path, out=tmp_path / "dask", engine="dask", jobs=1, answers=20, **OPTIONS
    )
    for local in (tmp_path / "local").glob("*.csv"):
        assert (tmp_path / "dask" / local.name).read_bytes() == local.read_bytes(), local.name


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked where the system can")
def test_a_local_clusters_workers_start_with_this_process_s_imports(monkeypatch):
    """A local cluster's workers are forked from this process, as ``CodingPool``'s are,
    not new interpreters that import pandas, spaCy and ektp-qual again: they see what
    this process holds (here, a patched constant)."""
    monkeypatch.setattr(cluster, "SCALE_EXTRA", "forked")
    book = ektp_qual.parse_codebook(MINI_CODEBOOK, "mini.yaml")
    with cluster.DaskPool(book, None, 1) as pool:
        seen = pool._client.run(lambda: cluster.SCALE_EXTRA)
        assert os.getpid() not in pool._client.run(os.getpid).values()
    assert list(seen.values()) == ["forked"]


def test_a_pool_entered_before_its_job_takes_the_job_given_later(scheduler: str):
    """``analyse_survey`` starts the cluster before it scans the survey, whose job it
    gives the pool after: the first batches carry it."""
    book = ektp_qual.parse_codebook(MINI_CODEBOOK, "mini.yaml")
    corpus = ektp_qual.load()[0]
    with cluster.DaskPool(book, scheduler) as pool:
        pool.job = _informants_coded
        got = pool.submit(corpus)()
    assert [i for batch in got for i in batch] == [t.informant for t in corpus.transcripts]


def _informants_coded(coder, transcripts):
    coder.code(Corpus(transcripts))
    return [t.informant for t in transcripts]
