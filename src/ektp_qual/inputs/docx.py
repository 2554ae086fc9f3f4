"""Transcripts from Word documents (``.docx``).

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
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..model import Notice, Transcript
from ..model.errors import InputError
from . import limits, safexml
from .text import parse_transcript

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
