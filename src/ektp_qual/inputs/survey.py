"""Answers to open-ended survey questions, from a CSV export, read as a corpus (see
``read_survey``).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Corpus, Notice, Transcript, Turn
from ..model.errors import InputError
from .textfile import normalise, read_utf8

_ID = re.compile(r"[A-Za-z0-9_-]+")


_SEPARATORS = {",": "','", ";": "';'", "\t": "tab"}
_QUESTION_LABEL = "Q"
_NEWLINES = re.compile(r"\r\n|\r|\n")


@dataclass
class _Respondent:
    informant: str
    first_line: int
    rows: list[tuple[str, int, str, int]] = field(default_factory=list)  # q, line, a, line
    role: tuple[str, int] | None = None
    attributes: dict[str, tuple[str, int]] = field(default_factory=dict)


def read_survey(
    path: str | Path,
    *,
    informant: str,
    answer: str,
    question: str | None = None,
    role: str | None = None,
    default_role: str | None = None,
    attributes: list[str] | None = None,
) -> Corpus:
    """A corpus from a CSV of open-ended survey answers, one row per answer.

    ``informant``, ``answer`` and ``question`` name columns; ``role`` names the column
    of the informant's group, or ``default_role`` gives one group to every informant
    (and to those whose role cell is empty). ``attributes`` names columns kept as case
    attributes; each must be the same on every row of an informant (empty cells do not
    count; a column named ``name`` is the informant's name, personal data as in docs/formats.md).

    Rows of one informant make one transcript, in file order, ordered by first row.
    With ``question``, each answer follows an interviewer turn holding its question,
    so that answers are coded through the question asked (structural coding). Empty
    answers are skipped; an informant with no answer left is left out, with a warning.
    The file is UTF-8 (with or without BOM), separated by ``,``, ``;`` or tabs (found
    from the header line; Excel's ``sep=`` line is honoured). Error lines are file lines.
    ``Turn.line`` is the file line of the cell; the body is the text built from the rows.
    """
    path = Path(path)
    text = read_utf8(path, "survey").removeprefix("\ufeff")
    options = _survey_options(path, informant, answer, question, role, default_role, attributes)
    skip = 0
    first = text.split("\n", 1)[0].strip("\r")
    match = re.fullmatch(r"\s*sep=(.)\s*", first)
    if match:
        separator, skip = match.group(1), 1
    else:
        separator = _separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    read = _record_reader(reader, path)
    if skip:
        read()
    got = read()
    if got is None or not any(cell.strip() for cell in got[0]):
        raise InputError(path, "no header: the first line must name the columns", 1 + skip)
    header, header_line = got
    names = [cell.strip() for cell in header]
    columns = {
        what: _column(name, names, what, path, header_line)
        for what, name in options.items()
        if what != "attributes"
    }
    attribute_columns = {
        name: _column(name, names, "attribute", path, header_line)
        for name in options.get("attributes", [])
    }
    respondents: dict[str, _Respondent] = {}
    while (got := read()) is not None:
        record, line = got
        if not any(cell.strip() for cell in record):
            continue
        _check_width(record, len(header), path, line, separator)
        cell_lines = [line]
        for cell in record[:-1]:
            cell_lines.append(cell_lines[-1] + len(_NEWLINES.findall(cell)))
        _survey_row(record, cell_lines, names, columns, attribute_columns, respondents, path)
    return _survey_corpus(respondents, path, default_role, columns, list(attribute_columns))


def _survey_options(path, informant, answer, question, role, default_role, attributes) -> dict:
    if role is None and default_role is None:
        raise InputError(
            path,
            "say which informant group each answer comes from: a role column (role=...) "
            "or one role for every informant (default_role=...)",
        )
    if default_role is not None and not str(default_role).strip():
        raise InputError(path, "default_role is empty")
    options: dict[str, object] = {"informant": informant, "answer": answer}
    if question is not None:
        options["question"] = question
    if role is not None:
        options["role"] = role
    attributes = [attributes] if isinstance(attributes, str) else list(attributes or [])
    used: dict[str, str] = {}
    for what, name in [*options.items(), *(("attribute", a) for a in attributes)]:
        if not isinstance(name, str) or not name.strip():
            raise InputError(path, f"the {what} column must be named, not {name!r}")
        key = name.strip()
        if key in used:
            raise InputError(path, f"column {key!r} is given twice (as {used[key]} and as {what})")
        used[key] = what
    reserved = [a for a in attributes if a.strip() in ("informant", "role", "interviewer")]
    if reserved:
        raise InputError(
            path,
            f"{reserved[0]!r} cannot be an attribute (it names the informant, role or "
            "interviewer): rename the column, or pass it as informant= or role=",
        )
    if attributes:
        options["attributes"] = [a.strip() for a in attributes]
    return {k: v.strip() if isinstance(v, str) else v for k, v in options.items()}


def _separator(text: str) -> str:
    """The separator that splits the header line into the most columns (``,`` on a tie)."""
    counts = {}
    for separator in _SEPARATORS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        try:
            counts[separator] = len(next(reader, []))
        except csv.Error:
            counts[separator] = 0
    return max(counts, key=lambda s: counts[s])


def _record_reader(
    reader, path: Path, first_line: int = 1
) -> Callable[[], tuple[list[str], int] | None]:
    """Next record and the file line it starts on (quoted cells may span lines);
    ``first_line``: the file line the reader's text begins on."""
    state = {"line": first_line}
    lines_before = first_line - 1

    def read() -> tuple[list[str], int] | None:
        start = state["line"]
        try:
            record = next(reader, None)
        except csv.Error as exc:
            problem = str(exc)
            if "unexpected end of data" in problem:
                problem = "a quoted cell is never closed (a '\"' is missing)"
            raise InputError(path, f"not a readable CSV file: {problem}", start) from None
        state["line"] = lines_before + reader.line_num + 1
        return None if record is None else (record, start)

    return read


def _column(name: str, names: list[str], what: str, path: Path, line: int) -> int:
    if names.count(name) > 1:
        raise InputError(path, f"column {name!r} appears twice in the header", line)
    if name in names:
        return names.index(name)
    if len(names) == 1:
        raise InputError(
            path,
            f"no {what} column {name!r}: the header has one column, {names[0]!r}; separate "
            "the columns by ',', ';' or tabs",
            line,
        )
    folded = [n for n in names if n.casefold() == name.casefold()]
    close = folded or difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    shown = ", ".join(repr(n) for n in names)
    raise InputError(path, f"no {what} column {name!r} (the header has {shown}){hint}", line)


def _check_width(record: list[str], width: int, path: Path, line: int, separator: str) -> None:
    extra = record[width:]
    if len(record) < width or any(cell.strip() for cell in extra):
        raise InputError(
            path,
            f"{len(record)} cells but the header has {width}: put quotes around a cell "
            f"that contains the separator ({_SEPARATORS.get(separator, repr(separator))}) "
            "or a line break",
            line,
        )


def _survey_row(record, cell_lines, names, columns, attribute_columns, respondents, path) -> None:
    col = columns["informant"]
    informant = record[col].strip()
    line = cell_lines[col]
    if not informant:
        raise InputError(
            path, f"a row without an informant id (column {names[col]!r} is empty)", line
        )
    if not _ID.fullmatch(informant):
        raise InputError(
            path,
            f"informant id {informant!r} may contain only letters, digits, '-' and '_'",
            line,
        )
    respondent = respondents.setdefault(informant, _Respondent(informant, cell_lines[0]))
    if "role" in columns:
        value = record[columns["role"]].strip()
        where = cell_lines[columns["role"]]
        if value and respondent.role is None:
            respondent.role = (value, where)
        elif value and value != respondent.role[0]:
            raise InputError(
                path,
                f"informant {informant!r} has two roles: {respondent.role[0]!r} "
                f"(line {respondent.role[1]}) and {value!r}",
                where,
            )
    for name, index in attribute_columns.items():
        value = record[index].strip()
        where = cell_lines[index]
        if not value:
            continue
        known = respondent.attributes.setdefault(name, (value, where))
        if known[0] != value:
            raise InputError(
                path,
                f"attribute {name!r} of informant {informant!r} is {known[0]!r} on line "
                f"{known[1]} but {value!r} here: a case attribute must be the same on "
                "every row of an informant",
                where,
            )
    text = normalise(record[columns["answer"]]).strip()
    if not text:
        return
    question, question_line = "", 0
    if "question" in columns:
        question = normalise(record[columns["question"]]).strip()
        question_line = cell_lines[columns["question"]]
        if not question:
            raise InputError(
                path,
                f"an answer without its question (column {names[columns['question']]!r} is "
                "empty): fill it in, or read the survey without question=",
                question_line,
            )
    respondent.rows.append((question, question_line, text, cell_lines[columns["answer"]]))


def _survey_corpus(respondents, path, default_role, columns, attributes) -> Corpus:
    transcripts, notices = [], []
    for respondent in respondents.values():
        if not respondent.rows:
            notices.append(
                Notice(
                    str(path),
                    respondent.first_line,
                    f"informant {respondent.informant} has no answer: left out",
                )
            )
            continue
        if respondent.role is not None:
            role = respondent.role[0]
        elif default_role is not None:
            role = str(default_role).strip()
        else:
            raise InputError(
                path,
                f"informant {respondent.informant!r} has no role: fill its role cell, "
                "or give default_role=",
                respondent.first_line,
            )
        transcripts.append(
            _survey_transcript(respondent, role, path, "question" in columns, attributes)
        )
    if not transcripts:
        raise InputError(path, "no answers: every answer cell is empty")
    return Corpus(transcripts, None, notices)


def _survey_transcript(
    respondent: _Respondent, role: str, path: Path, asked: bool, attribute_names: list[str]
) -> Transcript:
    lines: list[str] = []
    turns: list[Turn] = []
    offset = 0

    def add(speaker: str, text: str, line: int, interviewer: bool) -> None:
        nonlocal offset
        start = offset + len(speaker) + 2
        lines.append(f"{speaker}: {text}")
        turns.append(Turn(speaker, interviewer, text, start, start + len(text), line))
        offset += len(lines[-1]) + 1

    for question, question_line, answer, answer_line in respondent.rows:
        if question:
            add(_QUESTION_LABEL, question, question_line, True)
        add(respondent.informant, answer, answer_line, False)
    # every informant has every attribute column; None where all its cells are empty
    attributes: dict[str, object] = {
        name: respondent.attributes.get(name, (None, 0))[0] for name in attribute_names
    }
    name = attributes.pop("name", None)
    return Transcript(
        informant=respondent.informant,
        role=role,
        path=path,
        body="\n".join(lines),
        body_line=1,
        turns=turns,
        attributes=attributes,
        name=name,
        interviewer_labels=(_QUESTION_LABEL,) if asked else (),
        preamble="",
        informant_line=respondent.first_line,
    )
