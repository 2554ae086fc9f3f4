"""Transcripts from Word documents and subtitle files, and answers from survey exports.

``corpus.read_transcript`` and ``corpus.read_corpus`` dispatch here on the file's suffix;
every reader builds the same ``Transcript`` as a ``.txt`` file, with ``body[turn.start:
turn.end] == turn.text``, and every bad input is one ``InputError`` naming the file.

**Word** (``.docx``): the docs/formats.md conventions, one paragraph per line. The text of the
body's paragraphs (in document order, content controls included, tracked changes read
as if accepted) is joined with line breaks and parsed by ``parse_transcript``, so every
rule and error is the one of a ``.txt`` file; a line break inside a paragraph
(Shift+Enter) is a line break. Errors, ``Turn.line`` and ``Transcript.body_line`` give
*paragraph numbers* (counting every body paragraph, empty ones too, not table rows).
Empty paragraphs before the opening ``---`` are skipped. In the front matter, Word's
typing aids are undone: a paragraph of dashes (``—``, ``–``) is a ``---`` line, tabs and
no-break spaces are spaces, a value wrapped in curly quotes is quoted, and a bulleted
paragraph is a list item. **Tables are not read** (nor text boxes, headers, footers,
footnotes and comments): a table is a cover sheet as often as a transcript, and a guess
at which cell is the speaker would put words in someone's mouth. Skipped tables are
named in a warning, and in the error when no informant turn is found.

**Subtitles** (``.vtt``, ``.srt``), from transcription tools: the front matter is the
YAML file beside them with the same stem (``interview07.yaml`` or ``.yml``; docs/formats.md
keys, optionally between ``---`` lines). A cue's speaker is its voice tag (``<v Dewi
Lestari>``, as Teams writes) or a ``Name:`` prefix (as Zoom and Otter write; one to four
words); names may have spaces. Consecutive cues of one speaker are one turn, and a cue
without a speaker continues the turn before it (tools name the speaker only when it
changes); a cue without a speaker before any named one is an error, since the reader
cannot know who spoke. ``Turn.timestamp`` is the start of the turn's first cue
(``hh:mm:ss``); ``Turn.line`` the file line of that cue's timing line. Speakers in the
YAML's ``interviewer`` list are the interviewer, every other speaker is the informant;
a file with several speakers and none of them the interviewer is an error. The body is
the text built from the cues, one line per cue: ``Speaker: [hh:mm:ss] text`` when the
speaker changes, the cue's text alone when the turn continues.

**Surveys** (``read_survey``): a CSV of open-ended answers; see its docstring.
"""

from __future__ import annotations

import csv
import difflib
import html
import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..model import Corpus, Notice, Transcript, Turn
from ..model.errors import InputError
from . import limits, safexml
from .text import Header, parse_header, parse_transcript
from .textfile import normalise, read_text, read_utf8

_ID = re.compile(r"[A-Za-z0-9_-]+")


def read_transcript_file(path: str | Path) -> tuple[Transcript, list[Notice]]:
    """A ``.docx``, ``.vtt`` or ``.srt`` transcript and the warnings about reading it."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix in (".vtt", ".srt"):
        return read_subtitles(path)
    raise InputError(path, f"no reader for {suffix} files")  # corpus.py never sends one


# --- Word ------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Inside a paragraph: deleted or moved-away text (tracked changes), properties, field
# codes, and drawings/text boxes (not part of the paragraph's line of text).
_SKIPPED = {
    f"{_W}{tag}"
    for tag in (
        "del",
        "moveFrom",
        "pPr",
        "rPr",
        "instrText",
        "delText",
        "drawing",
        "pict",
        "object",
        "txbxContent",
    )
} | {f"{_MC}Fallback"}
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_CURLY = {"\u201c": ("\u201d", '"'), "\u2018": ("\u2019", "'")}
_FRONT_VALUE = re.compile(r"(\s*[^\s:][^:]*:\s+)(\S.*?)\s*")


@dataclass
class _Document:
    """A Word document's body as docs/formats.md text, and the paragraph of each text line."""

    lines: list[str] = field(default_factory=list)
    paragraphs: list[int] = field(default_factory=list)  # 1-based paragraph of each line
    listed: list[bool] = field(default_factory=list)  # line opens a bulleted paragraph
    tables: int = 0

    def paragraph(self, line: int) -> int:
        """The paragraph of a 1-based text line."""
        if not self.paragraphs:
            return 1
        return self.paragraphs[min(max(line, 1), len(self.paragraphs)) - 1]


def read_docx(path: str | Path) -> tuple[Transcript, list[Notice]]:
    """A Word document written to docs/formats.md, one paragraph per line."""
    path = Path(path)
    document = _docx_text(_open_docx(path))
    notices = []
    if document.tables:
        notices.append(Notice(str(path), None, _tables_note(document.tables)))
    if not any(line.strip() for line in document.lines):
        raise InputError(path, "the document has no text" + _tables_hint(document.tables))
    _undo_word_typing(document)
    try:
        transcript = parse_transcript("\n".join(document.lines), path)
    except InputError as error:
        raise _docx_error(error, path, document) from None
    paragraph = document.paragraph
    beyond = len(document.lines) + 1  # an empty body starts after the last line
    transcript.body_line = (
        paragraph(transcript.body_line)
        if transcript.body_line < beyond
        else document.paragraphs[-1] + 1
    )
    transcript.informant_line = paragraph(transcript.informant_line)
    transcript.turns = [replace(t, line=paragraph(t.line)) for t in transcript.turns]
    return transcript, notices


def _open_docx(path: Path):
    try:
        with path.open("rb") as file:
            head = file.read(8)
    except OSError as exc:
        raise InputError(path, f"cannot read the Word document: {exc.strerror}") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            path,
            "not a .docx document but an old Word 97-2003 .doc (or a password-protected "
            "document): open it in Word and save it as 'Word Document (*.docx)' "
            "without a password",
        )
    if not head.startswith(b"PK\x03\x04"):
        raise InputError(
            path,
            "not a Word .docx document (a .docx file is a zip archive, this file is not): "
            "save it from Word as 'Word Document (*.docx)'",
        )
    _check_docx_size(path)
    import docx

    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx, zipfile and lxml each fail their own way
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(
            path,
            f"a damaged or unsupported Word document ({reason}): open it in Word and "
            "save it again as 'Word Document (*.docx)'",
        ) from None


def _check_docx_size(path: Path) -> None:
    """Refuse a document that would inflate beyond ``ektp_qual.inputs.limits`` when read.

    python-docx inflates every part into memory and parses the XML ones whole, so the
    archive's sizes are checked first (they bound what is read: a part that holds more
    than its header says fails its check) and every XML part is parsed incrementally,
    within the element and depth limits and without a DTD (Word never writes one; an
    entity such as ``&xxe;`` would silently cut the rest of its paragraph).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return  # python-docx names the damage
    with archive:
        parts = [info for info in archive.infolist() if not info.is_dir()]
        total = sum(info.file_size for info in parts)
        if total > limits.MAX_DOCX_SIZE:
            raise InputError(
                path,
                f"refused: the Word document holds {total / 1024 / 1024:.1f} MiB uncompressed, "
                f"more than the {limits.MAX_DOCX_SIZE / 1024 / 1024:.1f} MiB accepted (a size "
                "limit against ZIP bombs; ektp_qual.inputs.limits.MAX_DOCX_SIZE)",
            )
        for info in parts:
            if _is_xml_part(archive, info):
                safexml.parse_member(
                    archive, info, path, producers="Word documents", keep=False, syntax_errors=False
                )


def _is_xml_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """A part whose first bytes are XML's (pictures and other binary parts are not)."""
    if info.file_size > limits.MAX_XML_PART_SIZE:
        return True  # refused by its size alone, whatever it holds
    try:
        with archive.open(info) as stream:
            head = stream.read(64)
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
        return False  # python-docx names the damage
    return head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").startswith(b"<")


def _docx_text(document) -> _Document:
    out = _Document()
    number = 0
    started = False
    for kind, element in _blocks(document.element.body):
        if kind == "table":
            out.tables += 1
            continue
        number += 1
        parts: list[str] = []
        _runs_text(element, parts)
        text = "".join(parts)
        if not started and not text.strip():
            continue  # empty paragraphs before the front matter
        started = True
        listed = _is_list_item(element, document)
        for k, line in enumerate(text.split("\n")):
            out.lines.append(line)
            out.paragraphs.append(number)
            out.listed.append(listed and k == 0)
    return out


def _is_list_item(paragraph, document) -> bool:
    """A bulleted or numbered paragraph, directly or through its style."""
    numbering = paragraph.find(f"{_W}pPr/{_W}numPr")
    if numbering is not None:
        number = numbering.find(f"{_W}numId")
        return number is None or number.get(f"{_W}val") != "0"
    style_id = paragraph.find(f"{_W}pPr/{_W}pStyle")
    style_id = style_id.get(f"{_W}val") if style_id is not None else None
    try:
        styles = document.styles.element
    except Exception:  # a document without a styles part
        return False
    seen = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        style = styles.get_by_id(style_id)
        if style is None:
            return False
        numbering = style.find(f"{_W}pPr/{_W}numPr")
        if numbering is not None:
            number = numbering.find(f"{_W}numId")
            return number is None or number.get(f"{_W}val") != "0"
        style_id = style.basedOn_val
    return False


def _blocks(container):
    """("paragraph" | "table", element) in document order, inside content controls too."""
    for child in container:
        if child.tag == f"{_W}p":
            yield "paragraph", child
        elif child.tag == f"{_W}tbl":
            yield "table", child
        elif child.tag in (f"{_W}sdt", f"{_W}customXml"):
            content = child.find(f"{_W}sdtContent")
            yield from _blocks(content if content is not None else child)


def _runs_text(element, parts: list[str]) -> None:
    """A paragraph's text: runs, hyperlinks, fields, tracked insertions; breaks as ``\\n``."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            _runs_text(child, parts)


def _is_rule(line: str) -> bool:
    """``---`` as typed, or as Word's AutoCorrect turns it into dashes."""
    text = line.strip()
    if not text or any(c not in _DASHES for c in text):
        return False
    return len(text) >= 3 or any(c != "-" for c in text)


def _undo_word_typing(document: _Document) -> None:
    """Undo what Word does to typed YAML, in the front matter only."""
    lines = document.lines
    if not lines or not _is_rule(lines[0]):
        return
    lines[0] = "---"
    for index in range(1, len(lines)):
        if _is_rule(lines[index]) or lines[index].strip() == "...":
            lines[index] = "---"
            return
        line = lines[index].replace("\t", " ").replace("\xa0", " ")
        match = _FRONT_VALUE.fullmatch(line)
        if match and match.group(2)[0] in _CURLY:
            close, straight = _CURLY[match.group(2)[0]]
            value = match.group(2)
            if len(value) > 1 and value.endswith(close):
                line = f"{match.group(1)}{straight}{value[1:-1]}{straight}"
        if document.listed[index]:
            line = "  - " + line.strip()
        lines[index] = line


def _docx_error(error: InputError, path: Path, document: _Document) -> InputError:
    problem = error.problem
    if problem.startswith("missing front matter"):
        problem += (
            " (in Word: a paragraph with only '---', a paragraph per 'key: value', then "
            "'---'; if Word turns '---' into a horizontal line, undo it with Ctrl+Z)"
        )
    elif problem.startswith("no informant turn"):
        problem += _tables_hint(document.tables)
    if error.line is None or error.line > len(document.lines):  # e.g. an empty body
        return InputError(path, problem)
    paragraph = document.paragraph(error.line)
    return InputError(path, f"paragraph {paragraph}: {problem}", paragraph)


def _tables_note(tables: int) -> str:
    return (
        f"{tables} table{'s' if tables > 1 else ''} not read (only paragraphs are): if a "
        "table holds interview text, convert it to text in Word (Table Layout > Convert to "
        "Text) so that each turn reads 'LABEL: text'"
    )


def _tables_hint(tables: int) -> str:
    return f"; {_tables_note(tables)}" if tables else ""


# --- subtitles -------------------------------------------------------------------------

_VOICE = re.compile(r"<v(?:\.[\w-]+)*\s+([^>]*)>")
_VTT_TAG = re.compile(r"<[^<>]*>")
# SRT has no escaping: only the tags players know are markup, "<5 menit" is text.
_SRT_TAG = re.compile(r"</?(?:[ibuv]|font|c)(?:[.\s][^<>]*)?>|\{\\[^{}]*\}", re.IGNORECASE)
# "Dewi Lestari: ...", "Speaker 1: ...", "SPEAKER_00: ...": one to four words, then ': '.
_NAME_PREFIX = re.compile(r"([^\W\d_][\w.'\u2019()&-]*(?: [\w.'\u2019()&-]+){0,3}):(?:\s+|$)")
_NAME_MAX = 40


@dataclass
class _Cue:
    """A piece of a cue spoken by one speaker (None: not named in the cue)."""

    speaker: str | None
    text: str
    start_ms: int
    line: int | None  # file line of the cue's timing line
    number: int  # 1-based cue number


def front_matter_path(path: str | Path) -> Path | None:
    """The YAML file beside a subtitle file, if there is one."""
    path = Path(path)
    for suffix in (".yaml", ".yml"):
        candidate = path.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def read_subtitles(path: str | Path) -> tuple[Transcript, list[Notice]]:
    """A WebVTT or SubRip file, with its front matter in the YAML file beside it."""
    path = Path(path)
    header, yaml_path = _subtitle_header(path)
    cues = _read_cues(path)
    turns_spec = _subtitle_turns(cues, path)
    labels = header.interviewer
    folded = {" ".join(label.split()).casefold() for label in labels}
    speakers = list(dict.fromkeys(speaker for speaker, _ in turns_spec))
    interviewers = [s for s in speakers if s.casefold() in folded]
    informants = [s for s in speakers if s.casefold() not in folded]
    where = header.key_lines.get("interviewer")
    if not interviewers and len(speakers) > 1:
        raise InputError(
            yaml_path,
            f"none of the speakers ({_names(speakers)}) is the interviewer "
            f"(interviewer labels: {_names(labels)}): name the interviewer, "
            f"e.g. 'interviewer: {speakers[0]}'",
            where,
        )
    if not informants:
        raise InputError(
            path,
            f"no informant turn: every speaker ({_names(speakers)}) is listed as an "
            f"interviewer in {yaml_path.name}",
        )
    body, turns = _subtitle_body(turns_spec, folded)
    transcript = Transcript(
        informant=header.informant,
        role=header.role,
        path=path,
        body=body,
        body_line=1,
        turns=turns,
        attributes=header.attributes,
        name=header.name,
        private_attributes=header.private_attributes,
        interviewer_labels=labels,
        preamble="",
        informant_line=header.informant_line,
    )
    notices = []
    if len(informants) > 1:
        notices.append(
            Notice(
                str(path),
                None,
                f"{len(informants)} speakers are read as the informant ({_names(informants)}): "
                f"if one is the interviewer, add it to 'interviewer' in {yaml_path.name}",
            )
        )
    return transcript, notices


def _names(names) -> str:
    return ", ".join(repr(n) for n in names)


def _subtitle_header(path: Path) -> tuple[Header, Path]:
    yaml_path = path.with_suffix(".yaml")
    found = [p for p in (yaml_path, path.with_suffix(".yml")) if p.is_file()]
    if not found:
        raise InputError(
            path,
            f"no front matter: subtitles need a YAML file beside them, {yaml_path} "
            "(with 'informant:', 'role:' and 'interviewer:')",
        )
    if len(found) > 1:
        raise InputError(path, f"two front-matter files beside it: {found[0]} and {found[1]}")
    yaml_path = found[0]
    text = read_text(yaml_path, "front matter")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return parse_header(text, yaml_path, first_line=1), yaml_path
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        index = len(lines)
    if any(line.strip() for line in lines[index + 1 :]):
        raise InputError(
            yaml_path,
            "text after the closing '---': this file holds only the front matter",
            index + 2,
        )
    return parse_header("\n".join(lines[1:index]), yaml_path, first_line=2), yaml_path


def _read_cues(path: Path) -> list[_Cue]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    vtt = path.suffix.lower() == ".vtt"
    text = read_utf8(path, "subtitle file")  # checked here: the error names the line
    lines = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))
    try:
        captions = webvtt.read(str(path)).captions if vtt else webvtt.from_srt(str(path)).captions
    except MalformedFileError:
        raise InputError(path, _format_problem(vtt), 1) from None
    except MalformedCaptionError as exc:
        raise InputError(path, f"a cue cannot be read: {exc}") from None
    starts = _timing_lines(lines, vtt, path)
    if vtt:
        _check_vtt_blocks(lines, path)
    cues: list[_Cue] = []
    k = 0
    for number, caption in enumerate(captions, start=1):
        start_ms = caption.start_time.in_milliseconds()
        while k < len(starts) and starts[k][1] != start_ms:
            k += 1  # an SRT cue without text, which webvtt-py leaves out
        line = starts[k][0] if k < len(starts) else None
        k += 1
        for speaker, piece in _cue_pieces(caption.raw_text, vtt):
            cues.append(_Cue(speaker, piece, start_ms, line, number))
    return cues


def _format_problem(vtt: bool) -> str:
    if vtt:
        return "not a WebVTT file: the first line must be 'WEBVTT'"
    return (
        "not a SubRip (.srt) file: it must start with a cue number, then a line "
        "'hh:mm:ss,mmm --> hh:mm:ss,mmm', then the cue's text"
    )


def _timing_lines(lines: list[str], vtt: bool, path: Path) -> list[tuple[int, int]]:
    """(file line, start in ms) of every cue timing line; one webvtt-py cannot read is an
    error, where webvtt-py would leave the cue out without a word."""
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    found = []
    for index, line in enumerate(lines):
        if "-->" not in line or line.startswith("NOTE"):
            continue
        try:
            if vtt:
                probe = webvtt.from_string(f"WEBVTT\n\n{line}\nx\n").captions
            else:
                probe = webvtt.WebVTT.from_buffer(["1", line, "x"], format="srt").captions
        except (MalformedCaptionError, MalformedFileError):
            probe = []
        example = "00:01:02.500 --> 00:01:05.000" if vtt else "00:01:02,500 --> 00:01:05,000"
        if not probe:
            raise InputError(
                path,
                f"cannot read the cue timing {line.strip()!r} (write e.g. {example})",
                index + 1,
            )
        _check_timing(line, index + 1, path, example)
        if not vtt and (index == 0 or not lines[index - 1].strip().isdigit()):
            raise InputError(
                path,
                "a cue without its number: in an .srt file each cue is a number line, "
                "then the timing line, then the text",
                index + 1,
            )
        found.append((index + 1, probe[0].start_time.in_milliseconds()))
    return found


_TIME = re.compile(r"(?:(\d+):)?(\d+):(\d+)[.,](\d+)", re.ASCII)


def _check_timing(line: str, number: int, path: Path, example: str) -> None:
    """Minutes and seconds within 00-59, and a cue that ends no earlier than it starts.

    webvtt-py reads 00:61:75,000 as 01:02:15 and keeps a cue that ends before it starts;
    either is a slip of the tool or of a hand edit, and would misplace the turn's time.
    """
    matches = list(_TIME.finditer(line))[:2]
    times = []
    for match in matches:
        hours, minutes, seconds, millis = match.groups()
        if int(minutes) > 59 or int(seconds) > 59:
            raise InputError(
                path,
                f"cue time {match.group().strip()!r}: minutes and seconds run from 00 to 59 "
                f"(write e.g. {example})",
                number,
            )
        times.append(
            ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis[:3])
        )
    if len(times) == 2 and times[1] < times[0]:
        start, end = (match.group() for match in matches)
        raise InputError(
            path, f"the cue ends ({end}) before it starts ({start}): {line.strip()!r}", number
        )


def _check_vtt_blocks(lines: list[str], path: Path) -> None:
    """Text in a block without cue timings is dropped by WebVTT readers: say so."""
    block_start = None
    first_block = True
    for index, line in enumerate([*lines, ""]):
        if line:
            if block_start is None:
                block_start = index
            continue
        if block_start is not None:
            block = lines[block_start:index]
            if (
                not first_block
                and not any("-->" in b for b in block)
                and not block[0].startswith(("NOTE", "STYLE", "REGION"))
            ):
                raise InputError(
                    path,
                    "text outside any cue (no 'start --> end' line before it) would be "
                    f"lost: {' '.join(block)[:60]!r}",
                    block_start + 1,
                )
            first_block = False
        block_start = None


def _cue_pieces(raw: str, vtt: bool) -> list[tuple[str | None, str]]:
    """The cue's text split by voice tags: (speaker or None, clean text)."""
    pieces: list[tuple[str | None, str]] = []
    matches = list(_VOICE.finditer(raw))
    bounds = [(None, 0, matches[0].start() if matches else len(raw))]
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(raw)
        bounds.append((" ".join(match.group(1).split()) or None, match.end(), end))
    for speaker, start, end in bounds:
        text = raw[start:end]
        text = _VTT_TAG.sub("", text) if vtt else _SRT_TAG.sub("", text)
        if vtt:
            text = html.unescape(text)
        text = " ".join(text.split())
        if speaker is None and text:
            prefix = _NAME_PREFIX.match(text)
            if prefix and len(prefix.group(1)) <= _NAME_MAX:
                speaker, text = prefix.group(1), text[prefix.end() :]
        if text:
            pieces.append((speaker, text))
    return pieces


def _subtitle_turns(cues: list[_Cue], path: Path) -> list[tuple[str, list[_Cue]]]:
    turns: list[tuple[str, list[_Cue]]] = []
    for cue in cues:
        if cue.speaker is None:
            if not turns:
                raise InputError(
                    path,
                    f"cue {cue.number} ({_clock(cue.start_ms)}) names no speaker and no cue "
                    "before it does: start it with a voice tag '<v Name>' or 'Name: '",
                    cue.line,
                )
            turns[-1][1].append(cue)
        elif turns and turns[-1][0].casefold() == cue.speaker.casefold():
            turns[-1][1].append(cue)
        else:
            turns.append((cue.speaker, [cue]))
    if not turns:
        raise InputError(path, "no cues with text")
    return turns


def _clock(ms: int) -> str:
    seconds = ms // 1000
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _subtitle_body(
    spec: list[tuple[str, list[_Cue]]], interviewer: set[str]
) -> tuple[str, list[Turn]]:
    lines: list[str] = []
    turns: list[Turn] = []
    offset = 0
    for speaker, cues in spec:
        stamp = _clock(cues[0].start_ms)
        opening = f"{speaker}: [{stamp}] "
        start = offset + len(opening)
        for k, cue in enumerate(cues):
            line = opening + cue.text if k == 0 else cue.text
            lines.append(line)
            offset += len(line) + 1
        end = offset - 1
        text = "\n".join(cue.text for cue in cues)
        turns.append(
            Turn(
                speaker=speaker,
                is_interviewer=speaker.casefold() in interviewer,
                text=text,
                start=start,
                end=end,
                line=cues[0].line or 1,
                timestamp=stamp,
            )
        )
    return "\n".join(lines), turns


# --- surveys ---------------------------------------------------------------------------

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


def _record_reader(reader, path: Path) -> Callable[[], tuple[list[str], int] | None]:
    """Next record and the file line it starts on (quoted cells may span lines)."""
    state = {"line": 1}

    def read() -> tuple[list[str], int] | None:
        start = state["line"]
        try:
            record = next(reader, None)
        except csv.Error as exc:
            problem = str(exc)
            if "unexpected end of data" in problem:
                problem = "a quoted cell is never closed (a '\"' is missing)"
            raise InputError(path, f"not a readable CSV file: {problem}", start) from None
        state["line"] = reader.line_num + 1
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
