"""A survey too big for memory, read in chunks of whole respondents (see ``SurveyChunks``);
a CSV as ``read_survey`` reads it, or a Parquet file with the same columns.

``read_survey`` holds every answer at once. Here the file is read twice, line by line: a
first pass notes the last row of each respondent (and the names to mask), a second
reads the rows and hands over each respondent once its last row is read, in order of
first row, a chunk of about ``answers`` answers at a time. Each chunk is a ``Corpus``
whose transcripts are exactly those ``read_survey`` builds, so the chunks coded one after
another give the tables of the whole file. Memory holds one chunk, plus the respondents
whose rows are still to come (few when a respondent's answers are near each other, as
in every survey export) and one id per respondent.
"""

from __future__ import annotations

import csv
import io
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Corpus, Notice, Transcript
from ..model.errors import InputError
from .survey import (
    _NEWLINES,
    _check_width,
    _column,
    _record_reader,
    _Respondent,
    _separator,
    _survey_options,
    _survey_row,
    _survey_transcript,
    read_survey,
)

#: Answers per chunk: enough for the coder's batches and the workers, a few MB of text.
ANSWERS_PER_CHUNK = 20_000

_SNIFF = 64 * 1024  # characters read to find the separator from the header line

#: A range of rows (``SurveyChunks.ranges``) may hold this many times the answers asked
#: for, when a respondent's rows are spread out; beyond it the file is read in chunks by
#: this process, which holds only the respondents still open.
_RANGE_SLACK = 4
_PARQUET_BATCH = 10_000  # rows of a Parquet survey read at a time


@dataclass
class SurveyChunks:
    """The survey at ``path`` as chunks of whole respondents; iterate to read them.

    ``names`` (read in the first pass) are every respondent's name, for a masker that
    knows the whole study; ``notices`` fill as the chunks are read.
    """

    path: Path
    options: dict
    default_role: str | None = None
    answers: int = ANSWERS_PER_CHUNK
    names: list[str] = field(default_factory=list)
    respondents: int = 0
    notices: list[Notice] = field(default_factory=list)
    _last: dict[str, int] = field(default_factory=dict, repr=False)
    _separator: str = ","
    _skip: int = 0
    #: words of the answers in the first ``answers`` rows: what workers_for weighs
    first_words: int = 0
    # per respondent, in order of first row: its first row's index, byte offset and line
    _firsts: array = field(default_factory=lambda: array("q"), repr=False)
    _offsets: array = field(default_factory=lambda: array("q"), repr=False)
    _lines: array = field(default_factory=lambda: array("q"), repr=False)
    _end: tuple[int, int] = (0, 0)  # rows and bytes of the whole file

    def __iter__(self) -> Iterator[Corpus]:
        return self._chunks()

    def _records(self):
        """(index, record, line, byte offset) of every record after the header, and the
        header (the offset is None in a Parquet file)."""
        if self.path.suffix.lower() == ".parquet":
            yield from self._parquet_records()
            return
        try:
            handle = open(self.path, encoding="utf-8-sig", newline="")  # noqa: SIM115
            with open(self.path, "rb") as raw:
                bom = len(b"\xef\xbb\xbf") if raw.read(3) == b"\xef\xbb\xbf" else 0
        except OSError as exc:
            raise InputError(self.path, f"cannot read survey: {exc.strerror}") from None
        read_bytes = [bom]

        def counted(lines):
            """The file's lines, counting their bytes: where each record begins."""
            for text in lines:
                read_bytes[0] += len(text.encode("utf-8"))
                yield text

        with handle:
            reader = csv.reader(counted(handle), delimiter=self._separator, strict=True)
            read = _record_reader(reader, self.path)
            try:
                if self._skip:
                    read()
                got = read()
                if got is None or not any(cell.strip() for cell in got[0]):
                    raise InputError(
                        self.path, "no header: the first line must name the columns", 1 + self._skip
                    )
                yield got
                index, offset = 0, read_bytes[0]
                while (got := read()) is not None:
                    yield index, *got, offset
                    index, offset = index + 1, read_bytes[0]
            except UnicodeDecodeError as exc:
                raise InputError(
                    self.path,
                    f"not valid UTF-8 (byte 0x{exc.object[exc.start]:02x}) after line "
                    f"{reader.line_num}; save the file as UTF-8",
                    reader.line_num + 1,
                ) from None

    def _parquet_records(self):
        """The rows of a Parquet file as text cells, read a batch at a time; a row counts
        as a line, after the header's line 1 (so errors name row N as line N + 1)."""
        parquet = _pyarrow_parquet()
        try:
            source = parquet.ParquetFile(self.path)
            yield list(source.schema_arrow.names), 1
            index = 0
            for batch in source.iter_batches(batch_size=_PARQUET_BATCH):
                cells = [
                    ["" if v is None else str(v) for v in column.to_pylist()]
                    for column in batch.columns
                ]
                for record in zip(*cells, strict=True):
                    yield index, list(record), index + 2, None
                    index += 1
        except (OSError, ValueError) as exc:  # pyarrow's errors are one or the other
            raise InputError(self.path, f"not a readable Parquet file: {exc}") from None

    def _columns(self, header: list[str], line: int):
        names = [cell.strip() for cell in header]
        columns = {
            what: _column(name, names, what, self.path, line)
            for what, name in self.options.items()
            if what != "attributes"
        }
        attributes = {
            name: _column(name, names, "attribute", self.path, line)
            for name in self.options.get("attributes", [])
        }
        return names, columns, attributes

    def scan(self) -> SurveyChunks:
        """The first pass: each respondent's first and last record, and the names to
        mask."""
        records = self._records()
        header, line = next(records)
        _, columns, attributes = self._columns(header, line)
        who, name, said = columns["informant"], attributes.get("name"), columns["answer"]
        names: set[str] = set()
        last, firsts, offsets, lines = self._last, self._firsts, self._offsets, self._lines
        rows, words = 0, 0
        for index, record, line, offset in records:
            rows = index + 1
            if not any(cell.strip() for cell in record):
                continue  # a blank row belongs to no respondent
            if len(record) > who:
                informant = record[who].strip()
                if informant not in last:
                    firsts.append(index)
                    offsets.append(-1 if offset is None else offset)
                    lines.append(line)
                last[informant] = index
            if index < self.answers and len(record) > said:
                words += len(record[said].split())
            if name is not None and len(record) > name and record[name].strip():
                names.add(record[name].strip())
        self.names = sorted(names)
        self.respondents = len(last)
        self.first_words = words
        self._end = (rows, self.path.stat().st_size if self.path.suffix != ".parquet" else 0)
        self._header = (header, line)
        return self

    def ranges(self, answers: int) -> list[SurveyRange] | None:
        """The file cut into ranges of rows of whole respondents, about ``answers`` rows
        each, for workers that read their own rows (``SurveyRange.read``); None for a
        Parquet file, and when respondents' rows are so spread out that a range would
        hold more than ``_RANGE_SLACK`` times ``answers`` rows (then ``iter`` reads the
        chunks here, holding only the respondents still open)."""
        if self.path.suffix.lower() == ".parquet" or not self._firsts:
            return None
        layout = self._layout(*self._header)
        # a range may begin at a respondent's first row when every respondent before
        # it has had its last row
        cuts: list[tuple[int, int, int]] = []
        reach = -1
        for first, final, offset, line in zip(
            self._firsts, self._last.values(), self._offsets, self._lines, strict=True
        ):
            if first > reach:
                cuts.append((first, offset, line))
            reach = max(reach, final)
        rows, size = self._end
        begin = cuts[0] if cuts[0][0] == 0 else None
        if begin is None:  # blank rows before the first respondent: read in chunks here
            return None
        ranges: list[SurveyRange] = []
        for cut in [*cuts[1:], (rows, size, 0)]:
            if cut[0] - begin[0] < answers and cut[0] < rows:
                continue
            if cut[0] - begin[0] > _RANGE_SLACK * max(1, answers):
                return None
            ranges.append(
                SurveyRange(layout, begin[1], cut[1] - begin[1], begin[2], cut[0] - begin[0])
            )
            begin = cut
        return ranges

    def _layout(self, header: list[str], line: int) -> _Layout:
        """How a row of this file becomes an answer: the same for the chunks read here
        and the ranges workers read."""
        names, columns, attribute_columns = self._columns(header, line)
        return _Layout(
            self.path,
            self._separator,
            len(header),
            names,
            columns,
            attribute_columns,
            self.default_role,
        )

    def _chunks(self) -> Iterator[Corpus]:
        records = self._records()
        layout = self._layout(*next(records))
        open_: dict[str, _Respondent] = {}
        done: set[str] = set()
        ready: list[Transcript] = []
        answers, any_answer = 0, False
        for index, record, line, _ in records:
            if not any(cell.strip() for cell in record):
                continue
            informant = layout.row(record, line, open_)
            last = self._last.get(informant, -1)
            if last < index:  # the first pass saw its last row before: the file changed
                raise InputError(self.path, "the file changed while it was read", line)
            if last == index:
                done.add(informant)
            while open_ and next(iter(open_)) in done:
                done.discard(next(iter(open_)))  # only the open ones: memory stays flat
                respondent = open_.pop(next(iter(open_)))
                transcript = layout.transcript(respondent, self.notices)
                if transcript is not None:
                    ready.append(transcript)
                    answers += len(respondent.rows)
            if answers >= self.answers:
                any_answer = True
                yield Corpus(ready, None, [])
                ready, answers = [], 0
        if open_:
            raise InputError(self.path, "the file changed while it was read")
        if ready or not any_answer:
            if not ready:
                raise InputError(self.path, "no answers: every answer cell is empty")
            yield Corpus(ready, None, [])


@dataclass(frozen=True)
class _Layout:
    """What the header says of a survey CSV's rows: enough for a worker process to read
    a range of them as ``read_survey`` would."""

    path: Path
    separator: str
    width: int
    names: list[str]
    columns: dict[str, int]
    attribute_columns: dict[str, int]
    default_role: str | None

    def row(self, record: list[str], line: int, open_: dict[str, _Respondent]) -> str:
        """Add a (not blank) row to its respondent in ``open_``; returns the informant."""
        _check_width(record, self.width, self.path, line, self.separator)
        cell_lines = [line]
        for cell in record[:-1]:
            cell_lines.append(cell_lines[-1] + len(_NEWLINES.findall(cell)))
        _survey_row(
            record, cell_lines, self.names, self.columns, self.attribute_columns, open_, self.path
        )
        return record[self.columns["informant"]].strip()

    def transcript(self, respondent: _Respondent, notices: list[Notice]) -> Transcript | None:
        """The respondent's transcript as ``read_survey`` builds it; None without answers
        (with a notice)."""
        if not respondent.rows:
            notices.append(
                Notice(
                    str(self.path),
                    respondent.first_line,
                    f"informant {respondent.informant} has no answer: left out",
                )
            )
            return None
        default_role = self.default_role
        if respondent.role is not None:
            role = respondent.role[0]
        elif default_role is not None:
            role = str(default_role).strip()
        else:
            raise InputError(
                self.path,
                f"informant {respondent.informant!r} has no role: fill its role cell, "
                "or give default_role=",
                respondent.first_line,
            )
        asked = "question" in self.columns
        return _survey_transcript(respondent, role, self.path, asked, list(self.attribute_columns))


@dataclass(frozen=True)
class SurveyRange:
    """Rows of whole respondents of a survey CSV, by byte offset (``SurveyChunks.ranges``):
    a worker process reads and builds them itself, so the process that scanned the file
    sends a few numbers, not the answers."""

    layout: _Layout
    start: int  # the byte offset of its first row
    size: int  # its bytes
    line: int  # the file line of its first row
    rows: int  # its rows, blank ones included

    def read(self) -> tuple[list[Transcript], list[Notice]]:
        """The range's transcripts, in order of first row, as ``read_survey`` builds
        them, and its notices. Errors name the file's line, as ``read_survey``'s do."""
        path = self.layout.path
        try:
            with open(path, "rb") as handle:
                handle.seek(self.start)
                data = handle.read(self.size)
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            raise InputError(path, "the file changed while it was read", self.line) from None
        if len(data) != self.size:
            raise InputError(path, "the file changed while it was read", self.line)
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=self.layout.separator, strict=True
        )
        read = _record_reader(reader, path, self.line)
        records = []
        while (got := read()) is not None:
            records.append(got)
        if len(records) != self.rows:
            raise InputError(path, "the file changed while it was read", self.line)
        who = self.layout.columns["informant"]
        last = {
            record[who].strip(): index
            for index, (record, _) in enumerate(records)
            if len(record) > who and any(cell.strip() for cell in record)
        }
        # respondents close at their last row, as SurveyChunks reads them: the same
        # error comes first when a file has two
        open_: dict[str, _Respondent] = {}
        done: set[str] = set()
        transcripts: list[Transcript] = []
        notices: list[Notice] = []
        for index, (record, line) in enumerate(records):
            if not any(cell.strip() for cell in record):
                continue
            informant = self.layout.row(record, line, open_)
            if last.get(informant) == index:
                done.add(informant)
            while open_ and next(iter(open_)) in done:
                done.discard(next(iter(open_)))
                transcript = self.layout.transcript(open_.pop(next(iter(open_))), notices)
                if transcript is not None:
                    transcripts.append(transcript)
        if open_:
            raise InputError(path, "the file changed while it was read", self.line)
        return transcripts, notices


def survey_chunks(
    path: str | Path,
    *,
    informant: str,
    answer: str,
    question: str | None = None,
    role: str | None = None,
    default_role: str | None = None,
    attributes: list[str] | None = None,
    answers: int = ANSWERS_PER_CHUNK,
) -> SurveyChunks:
    """A survey CSV to read in chunks of about ``answers`` answers (whole respondents).

    The options and the errors are ``read_survey``'s; the first pass (the columns, each
    respondent's last row, the names) is done here, so a missing column is reported
    before anything is coded.
    """
    path = Path(path)
    options = _survey_options(path, informant, answer, question, role, default_role, attributes)
    stream = SurveyChunks(path, options, default_role, max(1, answers))
    if path.suffix.lower() != ".parquet":
        stream._separator, stream._skip = _sniff(path)
    return stream.scan()


def read_survey_file(path: str | Path, **options) -> Corpus:
    """A survey as one corpus: ``read_survey`` for a CSV, the chunks of a ``.parquet``
    file joined (a Parquet survey needs the scale extra)."""
    path = Path(path)
    if path.suffix.lower() != ".parquet":
        return read_survey(path, **options)
    chunks = survey_chunks(path, **options)
    transcripts = [t for chunk in chunks for t in chunk.transcripts]
    return Corpus(transcripts, None, chunks.notices)


def _pyarrow_parquet():
    try:
        import pyarrow.parquet
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            'a Parquet survey needs pyarrow, which is not installed: pip install "ektp-qual[scale]"'
        ) from None
    return pyarrow.parquet


def _sniff(path: Path) -> tuple[str, int]:
    """The separator (from Excel's ``sep=`` line or the header) and the lines to skip."""
    try:
        with open(path, encoding="utf-8-sig", newline="", errors="replace") as handle:
            head = handle.read(_SNIFF)
    except OSError as exc:
        raise InputError(path, f"cannot read survey: {exc.strerror}") from None
    first = head.split("\n", 1)[0].strip("\r")
    match = re.fullmatch(r"\s*sep=(.)\s*", first)
    if match:
        return match.group(1), 1
    return _separator(head), 0
