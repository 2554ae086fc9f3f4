"""Surveys too big for memory (``code --stream``, ``ektp_qual.analyse_survey``): read in
chunks of whole respondents, coded chunk by chunk, and the same tables as reading the
whole file at once; the reader's errors stay the same, and nothing is half written."""

from __future__ import annotations

import csv
import itertools
import random
import threading
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.cli import app
from ektp_qual.inputs.survey_stream import survey_chunks
from ektp_qual.model.errors import InputError

QUESTIONS = [
    "Bagaimana sikap petugas saat melayani?",
    "Apakah ada biaya atau pungutan dalam pembuatan e-KTP?",
    "Bagaimana kecepatan proses perekaman?",
]
OPTIONS = {
    "informant": "id",
    "answer": "jawaban",
    "question": "pertanyaan",
    "role": "kelompok",
    "attributes": ["kelurahan", "name"],
}


def _sample_sentences() -> list[str]:
    corpus = ektp_qual.load()[0]
    turns = [t.text for tr in corpus.transcripts for t in tr.turns if not t.is_interviewer]
    return [" ".join(text.split()) for text in turns]  # one line each: lines are rows


def write_survey(path: Path, respondents: int, seed: int = 0, together: bool = True) -> Path:
    """Answers resampled from the sample's informant turns, three per respondent; the
    first respondent's name turns up in a later respondent's answer."""
    pick = random.Random(seed)
    sentences = _sample_sentences()
    rows = []
    for r in range(respondents):
        for q in QUESTIONS:
            text = pick.choice(sentences) if r != respondents - 1 else "Ibu Sulastri ramah."
            role = "petugas" if r % 5 == 0 else "masyarakat"
            name = "Sulastri" if r == 0 else ""
            rows.append([f"R{r:03d}", q, text, role, f"K{r % 3}", name])
    if not together:
        pick.shuffle(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "pertanyaan", "jawaban", "kelompok", "kelurahan", "name"])
        writer.writerows(rows)
    return path


def test_chunks_hold_whole_respondents_in_the_order_read_survey_gives(tmp_path: Path):
    path = write_survey(tmp_path / "answers.csv", 40)
    whole = ektp_qual.read_survey(path, **OPTIONS)
    chunks = list(survey_chunks(path, answers=10, **OPTIONS))
    assert len(chunks) == 10  # 120 answers, 10 a chunk, 3 a respondent: 4 respondents a chunk
    assert all(sum(len(t.turns) // 2 for t in c.transcripts) <= 12 for c in chunks)
    assert [t for c in chunks for t in c.transcripts] == whole.transcripts


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["A", "B", "C", "D"]), st.sampled_from(["ramah", "", "x"])),
        min_size=1,
        max_size=25,
    ),
    answers=st.integers(1, 6),
)
def test_any_order_of_rows_gives_read_survey_transcripts(tmp_path_factory, rows, answers):
    path = tmp_path_factory.mktemp("survey") / "s.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "jawaban"], *rows])
    options = {"informant": "id", "answer": "jawaban", "default_role": "m"}
    try:
        whole = ektp_qual.read_survey(path, **options)
    except InputError as error:
        with pytest.raises(InputError) as streamed:
            list(survey_chunks(path, answers=answers, **options))
        assert str(streamed.value) == str(error)
        return
    stream = survey_chunks(path, answers=answers, **options)
    assert [t for c in stream for t in c.transcripts] == whole.transcripts
    assert stream.notices == whole.notices


@pytest.mark.parametrize("together", [True, False])
def test_streamed_tables_are_the_whole_file_tables(tmp_path: Path, together: bool):
    path = write_survey(tmp_path / "answers.csv", 30, together=together)
    whole = ektp_qual.analyse(ektp_qual.read_survey(path, **OPTIONS), jobs=1)
    ektp_qual.write_tables(whole.tables(), tmp_path / "whole")
    streamed = ektp_qual.analyse_survey(path, out=tmp_path / "stream", answers=7, **OPTIONS)
    names = sorted(p.name for p in (tmp_path / "whole").glob("*.csv"))
    assert names == sorted(p.name for p in (tmp_path / "stream").glob("*.csv"))
    assert {"segments.csv", "codings.csv", "segments_by_code.csv"} <= set(names)
    for name in names:
        written = (tmp_path / "stream" / name).read_bytes()
        assert written == (tmp_path / "whole" / name).read_bytes(), name
    assert "Sulastri" not in (tmp_path / "stream" / "segments.csv").read_text()
    assert streamed.conclusion.conclusions.equals(whole.conclusion.conclusions)
    assert streamed.reduction.summary.equals(whole.reduction.summary)
    assert not list((tmp_path / "stream").glob(".ektp-qual-*.tmp"))


def test_streamed_in_two_workers_gives_the_same_files(tmp_path: Path, monkeypatch):
    from ektp_qual.coding import parallel

    monkeypatch.setattr(parallel, "WORDS_PER_WORKER", 1)
    path = write_survey(tmp_path / "answers.csv", 20)
    ektp_qual.analyse_survey(path, out=tmp_path / "one", jobs=1, answers=20, **OPTIONS)
    ektp_qual.analyse_survey(path, out=tmp_path / "two", jobs=2, answers=20, **OPTIONS)
    for file in (tmp_path / "one").glob("*.csv"):
        assert file.read_bytes() == (tmp_path / "two" / file.name).read_bytes(), file.name


def test_a_bad_row_late_in_the_file_names_its_line_and_writes_nothing(tmp_path: Path):
    path = write_survey(tmp_path / "answers.csv", 30)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[80] += ",extra,cells"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        ektp_qual.analyse_survey(path, out=tmp_path / "out", answers=5, **OPTIONS)
    assert raised.value.line == 81
    assert "cells but the header has 6" in str(raised.value)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name != ".ektp-qual-manifest.json"]


def test_a_missing_column_is_refused_before_any_coding(tmp_path: Path):
    path = write_survey(tmp_path / "answers.csv", 3)
    with pytest.raises(InputError, match=r"no answer column 'jawab'.*did you mean 'jawaban'"):
        survey_chunks(path, informant="id", answer="jawab", default_role="m")


def test_not_utf8_is_one_message(tmp_path: Path):
    path = tmp_path / "answers.csv"
    path.write_bytes(b"id,jawaban\nR1,ramah\nR2,caf\xe9\n")
    with pytest.raises(InputError, match="not valid UTF-8"):
        list(survey_chunks(path, informant="id", answer="jawaban", default_role="m"))


def test_code_stream_writes_what_code_writes(tmp_path: Path):
    path = write_survey(tmp_path / "answers.csv", 12)
    survey = [
        "--survey=informant=id",
        "--survey=answer=jawaban",
        "--survey=question=pertanyaan",
        "--survey=role=kelompok",
        "--survey=attribute=kelurahan",
    ]
    runner = CliRunner()
    common = ["code", "-q", "--no-review", "-t", str(path), *survey]
    plain = runner.invoke(app, [*common, "-o", str(tmp_path / "plain")])
    assert plain.exit_code == 0, plain.output
    streamed = runner.invoke(app, [*common, "--stream", "-o", str(tmp_path / "stream")])
    assert streamed.exit_code == 0, streamed.output
    for file in (tmp_path / "plain").glob("*.csv"):
        assert file.read_bytes() == (tmp_path / "stream" / file.name).read_bytes(), file.name


def test_code_stream_needs_a_survey(tmp_path: Path):
    result = CliRunner().invoke(app, ["code", "--stream", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "--stream reads a survey" in result.output


# --- a survey as Parquet (the scale extra) ---------------------------------------------


def test_a_parquet_survey_gives_the_csv_tables(tmp_path: Path):
    import pandas as pd

    path = write_survey(tmp_path / "answers.csv", 15)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.to_parquet(tmp_path / "answers.parquet")
    from_csv = ektp_qual.read_survey(path, **OPTIONS)
    streamed = survey_chunks(tmp_path / "answers.parquet", answers=8, **OPTIONS)
    got = [t for chunk in streamed for t in chunk.transcripts]
    assert [t.turns for t in got] == [t.turns for t in from_csv.transcripts]
    assert [(t.informant, t.role, t.attributes, t.name) for t in got] == [
        (t.informant, t.role, t.attributes, t.name) for t in from_csv.transcripts
    ]
    survey = [f"--survey={k}={v}" for k, v in OPTIONS.items() if k != "attributes"]
    runner = CliRunner()
    for name in ("answers.csv", "answers.parquet"):
        command = ["code", "-q", "--no-review", "-t", str(tmp_path / name), *survey]
        result = runner.invoke(app, [*command, "--stream", "-o", str(tmp_path / f"out-{name}")])
        assert result.exit_code == 0, result.output
    for file in (tmp_path / "out-answers.csv").glob("*.csv"):
        other = tmp_path / "out-answers.parquet" / file.name
        if file.name == "informants.csv":  # its source column names the file read
            csv_side, parquet_side = pd.read_csv(file), pd.read_csv(other)
            assert set(parquet_side.pop("source")) == {"answers.parquet"}
            pd.testing.assert_frame_equal(csv_side.drop(columns="source"), parquet_side)
        else:
            assert file.read_bytes() == other.read_bytes(), file.name


def test_a_parquet_survey_row_without_informant_names_its_row(tmp_path: Path):
    import pandas as pd

    rows = {"id": ["R1", "R2", None], "jawaban": ["Ramah.", "Cepat.", "Lambat."]}
    pd.DataFrame(rows).to_parquet(tmp_path / "answers.parquet")
    with pytest.raises(InputError) as raised:
        ektp_qual.inputs.survey_stream.read_survey_file(
            tmp_path / "answers.parquet", informant="id", answer="jawaban", default_role="m"
        )
    assert raised.value.line == 4  # the header is line 1, the third row line 4
    assert "without an informant id" in str(raised.value)


def test_a_file_that_is_not_parquet_is_one_message(tmp_path: Path):
    path = tmp_path / "answers.parquet"
    path.write_text("id,jawaban\nR1,ramah\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        survey_chunks(path, informant="id", answer="jawaban", default_role="m")


# --- the work done where the batch is coded; memory flat in the respondents -------------


def test_the_workers_reduce_their_batches_not_the_process_reading(tmp_path: Path, monkeypatch):
    import os

    from ektp_qual.coding import parallel
    from ektp_qual.pipeline import survey

    monkeypatch.setattr(parallel, "WORDS_PER_WORKER", 1)
    seen = tmp_path / "pids.txt"
    informants_table = survey.informants_table

    def noted(*args, **kwargs):
        with seen.open("a") as handle:
            handle.write(f"{os.getpid()}\n")
        return informants_table(*args, **kwargs)

    monkeypatch.setattr(survey, "informants_table", noted)  # the forked workers have it too
    # Workers fork only from a process with no other thread; a Dask test before this one
    # may have left some in the test process, and spawned workers would not see the patch.
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    path = write_survey(tmp_path / "answers.csv", 20)
    ektp_qual.analyse_survey(path, out=tmp_path / "two", jobs=2, answers=20, **OPTIONS)
    pids = set(seen.read_text().split())
    assert pids and str(os.getpid()) not in pids
    monkeypatch.setattr(survey, "informants_table", informants_table)
    ektp_qual.analyse_survey(path, out=tmp_path / "one", jobs=1, answers=20, **OPTIONS)
    for file in (tmp_path / "one").glob("*.csv"):
        assert file.read_bytes() == (tmp_path / "two" / file.name).read_bytes(), file.name


def test_the_tables_per_respondent_are_on_disk_and_the_counts_in_memory(tmp_path: Path):
    path = write_survey(tmp_path / "answers.csv", 30, together=False)
    whole = ektp_qual.analyse(ektp_qual.read_survey(path, **OPTIONS), jobs=1)
    streamed = ektp_qual.analyse_survey(path, out=tmp_path / "out", answers=7, **OPTIONS)
    for name in ("stances", "informants", "checklist_matrix", "segments", "codings"):
        table = getattr(streamed.reduction, name, None)
        table = getattr(streamed.display, name) if table is None else table
        kept = getattr(whole.reduction, name, None)
        kept = getattr(whole.display, name) if kept is None else kept
        assert table.empty and list(table.columns) == list(kept.columns), name
        assert len(pd.read_csv(tmp_path / "out" / f"{name}.csv")) == len(kept), name
    assert streamed.display.role_matrix.equals(whole.display.role_matrix)
    assert streamed.conclusion.triangulation.equals(whole.conclusion.triangulation)
    roles = list(dict.fromkeys(t.role for t in whole.reduction.corpus.transcripts))
    assert [t.role for t in streamed.reduction.corpus.transcripts] == roles


def _few_sentence_survey(path: Path, respondents: int) -> Path:
    """Respondents who give one of four answers: the coder's caches are full after a few,
    so what memory still grows with is the respondents themselves."""
    answers = ["Petugasnya ramah.", "Antrenya lama sekali.", "Gratis, tidak ada biaya.", "Cepat."]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "pertanyaan", "jawaban", "kelompok", "kelurahan", "name"])
        for r in range(respondents):
            for i, question in enumerate(QUESTIONS):
                role = "petugas" if r % 5 == 0 else "masyarakat"
                writer.writerow([f"R{r:05d}", question, answers[(r + i) % 4], role, "K1", ""])
    return path


def test_memory_does_not_grow_with_the_respondents(tmp_path: Path):
    import tracemalloc

    def peak(respondents: int) -> int:
        path = _few_sentence_survey(tmp_path / f"s{respondents}.csv", respondents)
        tracemalloc.start()
        try:
            ektp_qual.analyse_survey(
                path, out=tmp_path / f"o{respondents}", jobs=1, answers=300, **OPTIONS
            )
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak(100)  # the coder's modules loaded once, outside the comparison
    small, large = peak(400), peak(1600)
    # 1,200 more respondents: before, their stances, checklist rows and informants rows
    # stayed in memory (2.6 MB more); now what still grows is drawn at the end (the
    # quotes against a verdict, the evidence's names: 0.5 to 0.9 MB more)
    assert large - small < 1_500_000, (small, large)


@pytest.mark.parametrize("stream", [False, True])
def test_a_respondent_id_holding_a_name_is_refused_streamed_or_not(tmp_path: Path, stream: bool):
    path = tmp_path / "answers.csv"
    path.write_text(
        "id,jawaban,name\nR1,Petugasnya ramah.,Ibu Sulastri\n"
        "Sulastri,Petugasnya judes.,Ibu Sulastri\n",
        encoding="utf-8",
    )
    survey = ["--survey=informant=id", "--survey=answer=jawaban", "--survey=attribute=name"]
    args = ["code", "-q", "-t", str(path), *survey, "--survey=default_role=masyarakat"]
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [*args, *(["--stream"] if stream else []), "-o", str(out)])
    assert result.exit_code == 2
    assert "answers.csv:3" in result.output and "'Sulastri'" in result.output
    assert not out.exists()


def test_the_verdicts_are_drawn_from_the_counts_not_a_row_per_respondent(tmp_path: Path):
    """The verdicts, the role matrix and the triangulation of a streamed survey count the
    tally of stances (a row per role, criterion and stance), not a row per respondent
    and criterion rebuilt from it: a million answers would make over a million rows at
    the end of the run. Weighted by its counts, the tally gives what the stances give."""
    from ektp_qual.analysis import conclusion, display, streaming

    path = write_survey(tmp_path / "answers.csv", 30)
    whole = ektp_qual.analyse(ektp_qual.read_survey(path, **OPTIONS), jobs=1)
    stances, book = whole.reduction.stances, whole.codebook
    tally = streaming.stance_tally(stances)
    assert len(tally) < len(stances) / 3
    assert conclusion.verdicts(tally, book, weight="n").equals(whole.conclusion.conclusions)
    weighed = conclusion.triangulation(tally, book, weight="n")
    assert weighed.equals(whole.conclusion.triangulation)
    assert display.role_ordered_matrix(tally, book, weight="n").equals(whole.display.role_matrix)
    streamed = ektp_qual.analyse_survey(path, out=tmp_path / "out", answers=7, **OPTIONS)
    assert streamed.conclusion.conclusions.equals(whole.conclusion.conclusions)
    assert streamed.display.role_matrix.equals(whole.display.role_matrix)


def test_the_quotes_against_the_verdicts_are_merged_on_disk(tmp_path: Path, monkeypatch):
    """``negative_evidence`` lists every deciding quote against a verdict, a table that
    grows with the respondents: the chunks' quotes are merged from disk, in blocks, into
    the table ``analyse`` writes, and the analysis holds none of them."""
    from ektp_qual.outputs import stream

    monkeypatch.setattr(stream, "_RUN_BLOCK", 2)  # many blocks per chunk
    path = write_survey(tmp_path / "answers.csv", 40, together=False)
    whole = ektp_qual.analyse(ektp_qual.read_survey(path, **OPTIONS), jobs=1)
    ektp_qual.write_tables(whole.tables(), tmp_path / "whole")
    streamed = ektp_qual.analyse_survey(path, out=tmp_path / "out", answers=5, **OPTIONS)
    assert len(whole.conclusion.negative_evidence) > 10
    written = (tmp_path / "out" / "negative_evidence.csv").read_bytes()
    assert written == (tmp_path / "whole" / "negative_evidence.csv").read_bytes()
    kept = streamed.conclusion.negative_evidence
    assert kept.empty and list(kept.columns) == list(whole.conclusion.negative_evidence.columns)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from([0.5, 1.0, 2.0]), st.integers(0, 3)),
        max_size=40,
    ),
    st.lists(st.integers(0, 40), max_size=5),
    st.integers(1, 7),
)
def test_sorted_runs_merged_are_the_whole_table_sorted(tmp_path_factory, rows, cuts, block):
    """Runs sorted apart and merged give the rows one stable sort of the whole gives."""
    from ektp_qual.outputs.stream import merged_runs, write_sorted_run

    folder = tmp_path_factory.mktemp("runs")
    table = pd.DataFrame(rows, columns=["key", "strength", "n"]).astype({"n": "int64"})
    table["row"] = range(len(table))

    def ordered(part: pd.DataFrame) -> pd.DataFrame:
        return part.sort_values(["key", "strength"], ascending=[True, False], kind="stable")

    bounds = [0, *sorted(cuts), len(table)]
    runs = []
    for n, (start, end) in enumerate(itertools.pairwise(bounds)):
        runs.append(folder / f"{n}.run")
        write_sorted_run(ordered(table.iloc[start:end]), runs[-1])
    merged = list(
        merged_runs(runs, key=lambda r: (r[0], -r[1]), keep=lambda r: r[2] > 0, rows=block)
    )
    expected = ordered(table)
    expected = expected[expected["n"] > 0].reset_index(drop=True)
    got = pd.concat(merged, ignore_index=True) if merged else expected.iloc[:0]
    assert got.equals(expected)
    assert all(len(part) <= block for part in merged)


# --- workers that read their own rows: ranges of whole respondents --------------------


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C", "D", "E", ""]),
            st.sampled_from(["ramah", "", 'x,"y"', "dua\nbaris", "é"]),
        ),
        min_size=1,
        max_size=25,
    ),
    answers=st.integers(1, 6),
    ending=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_ranges_read_by_workers_give_read_survey_transcripts(
    tmp_path_factory, rows, answers, ending, bom
):
    """Ranges cut at byte offsets, each read apart, give the transcripts, notices and
    errors (with the file's line) of reading the whole file, whatever the line endings,
    a BOM, quoted cells over two lines or a row without an id."""
    path = tmp_path_factory.mktemp("survey") / "s.csv"
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        csv.writer(handle, lineterminator=ending).writerows([["id", "jawaban"], *rows])
    options = {"informant": "id", "answer": "jawaban", "default_role": "m"}
    try:
        whole = ektp_qual.read_survey(path, **options)
    except InputError as error:
        expected = str(error)
    else:
        expected = None
    try:
        stream = survey_chunks(path, answers=answers, **options)
        ranges = stream.ranges(answers)
        if ranges is None:  # respondents spread out: read in chunks here, tested above
            return
        read = [r.read() for r in ranges]
    except InputError as error:
        assert str(error) == expected
        return
    transcripts = [t for got, _ in read for t in got]
    if not transcripts:  # refused once every range is read (see the test below)
        assert expected is not None and expected.endswith("every answer cell is empty")
        return
    assert expected is None, expected
    assert transcripts == whole.transcripts
    assert [n for _, notices in read for n in notices] == whole.notices
    assert sum(r.rows for r in ranges) == len(rows)


def test_respondents_together_are_cut_into_ranges_spread_out_are_not(tmp_path: Path):
    together = survey_chunks(write_survey(tmp_path / "t.csv", 40), answers=12, **OPTIONS)
    ranges = together.ranges(12)
    assert [r.rows for r in ranges] == [12] * 10  # 120 rows, 4 whole respondents each
    assert [t for r in ranges for t in r.read()[0]] == list(
        ektp_qual.read_survey(tmp_path / "t.csv", **OPTIONS).transcripts
    )
    spread = survey_chunks(write_survey(tmp_path / "s.csv", 40, together=False), **OPTIONS)
    assert spread.ranges(12) is None


def test_workers_read_the_answers_and_name_a_bad_line_of_the_file(tmp_path: Path, monkeypatch):
    """With two workers, each reads its range of rows itself (the process that scanned
    the file reads no answer), and an error in a range names the file's line, as one
    process does."""
    import os

    from ektp_qual.coding import parallel
    from ektp_qual.inputs import survey_stream

    monkeypatch.setattr(parallel, "WORDS_PER_WORKER", 1)
    seen = tmp_path / "pids.txt"
    survey_row = survey_stream._survey_row

    def noted(*args, **kwargs):
        with seen.open("a") as handle:
            handle.write(f"{os.getpid()}\n")
        return survey_row(*args, **kwargs)

    monkeypatch.setattr(survey_stream, "_survey_row", noted)
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # forked, as above
    path = write_survey(tmp_path / "answers.csv", 30)
    ektp_qual.analyse_survey(path, out=tmp_path / "two", jobs=2, answers=20, **OPTIONS)
    pids = set(seen.read_text().split())
    assert len(pids) == 2 and str(os.getpid()) not in pids
    ektp_qual.analyse_survey(path, out=tmp_path / "one", jobs=1, answers=20, **OPTIONS)
    for file in (tmp_path / "one").glob("*.csv"):
        assert file.read_bytes() == (tmp_path / "two" / file.name).read_bytes(), file.name
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[80] += ",extra,cells"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        ektp_qual.analyse_survey(path, out=tmp_path / "bad", jobs=2, answers=20, **OPTIONS)
    assert raised.value.line == 81
    assert "cells but the header has 6" in str(raised.value)
    assert not (tmp_path / "bad").exists() or not [
        p for p in (tmp_path / "bad").iterdir() if p.name != ".ektp-qual-manifest.json"
    ]


def test_a_file_changed_after_its_scan_is_one_message(tmp_path: Path):
    path = write_survey(tmp_path / "answers.csv", 10)
    ranges = survey_chunks(path, answers=6, **OPTIONS).ranges(6)
    path.write_text(path.read_text(encoding="utf-8").replace("R003", "R0003"), encoding="utf-8")
    with pytest.raises(InputError, match="the file changed while it was read"):
        [r.read() for r in ranges]


def test_a_survey_without_an_answer_is_refused_read_by_ranges(tmp_path: Path):
    path = tmp_path / "answers.csv"
    path.write_text("id,jawaban\nA,\nB, \n", encoding="utf-8")
    assert survey_chunks(path, informant="id", answer="jawaban", default_role="m").ranges(1)
    with pytest.raises(InputError, match="no answers: every answer cell is empty"):
        ektp_qual.analyse_survey(
            path, out=tmp_path / "out", informant="id", answer="jawaban", default_role="m"
        )
    assert not (tmp_path / "out").exists()


def test_the_evidence_names_a_bounded_number_of_informants_streamed_or_not(
    tmp_path: Path, monkeypatch
):
    """The evidence matrix's ``who`` names at most ``WHO_NAMES`` informants per theme
    and counts the rest, in one pass and streamed alike: a theme held by 100,000
    respondents would otherwise fill one cell, and memory, with every name."""
    from ektp_qual.analysis import display

    monkeypatch.setattr(display, "WHO_NAMES", 3)
    path = write_survey(tmp_path / "answers.csv", 40)
    whole = ektp_qual.analyse(ektp_qual.read_survey(path, **OPTIONS), jobs=1)
    streamed = ektp_qual.analyse_survey(path, out=tmp_path / "out", answers=7, **OPTIONS)
    evidence = whole.display.evidence
    assert streamed.display.evidence.equals(evidence)
    many = evidence[evidence["informants"] > 3].iloc[0]
    names = many["who"].split(" and ")[0].split(", ")
    assert len(names) == 3 and names == sorted(names)
    assert many["who"].endswith(f" and {many['informants'] - 3} more")
    few = evidence[evidence["informants"] <= 3]
    assert (few["who"].str.count(", ") + 1 == few["informants"]).all()
