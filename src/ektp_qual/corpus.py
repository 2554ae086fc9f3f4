"""Reading and checking interview transcripts (docs/formats.md section 1).

This module is the entry point for every kind of transcript file: ``read_transcript``
and ``read_corpus`` read ``.txt``/``.md`` here and hand Word (``.docx``) and subtitle
(``.vtt``, ``.srt``) files to ``readers``, which builds the same ``Transcript``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import InputError
from .model import Corpus, Notice, Transcript, Turn
from .textfile import normalise, read_text
from .yamldoc import load_with_nodes

DEFAULT_INTERVIEWER_LABELS = ("P", "Peneliti", "Pewawancara", "Interviewer", "Q")
TEXT_SUFFIXES = (".txt", ".md")
TRANSCRIPT_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".vtt", ".srt")
#: Word-processor files the tool cannot read: ``read_transcript`` says how to convert
#: them, and ``read_corpus`` names those in a folder in a warning instead of skipping
#: them silently (a PDF in a corpus folder is more often a consent form: not named).
UNREADABLE_SUFFIXES = (".doc", ".odt", ".rtf", ".pages")
RESERVED_KEYS = ("informant", "role", "interviewer", "name")

_ID = re.compile(r"[A-Za-z0-9_-]+")
# A label has no spaces and is followed by whitespace, so "https://..." or "10:30" are text.
_LABEL = re.compile(r"([^\s:]+):(?=\s|$)")
_TIMESTAMP = re.compile(r"\[(?:\d{1,2}:)?\d{1,2}:\d{2}(?:\.\d+)?\]\s*")


def read_transcript(path: str | Path) -> Transcript:
    """Read one transcript file: ``.txt``/``.md`` text, a ``.docx`` Word document, or
    ``.vtt``/``.srt`` subtitles with their front matter in a ``.yaml`` file beside them."""
    return read_transcript_with_notices(path)[0]


def read_transcript_with_notices(path: str | Path) -> tuple[Transcript, list[Notice]]:
    """The transcript and the warnings about reading it (e.g. tables a .docx reader skips)."""
    suffix = Path(path).suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix not in TRANSCRIPT_SUFFIXES:
        if suffix in (*UNREADABLE_SUFFIXES, ".pdf"):
            raise InputError(path, _unreadable_hint(suffix))
        return parse_transcript(read_text(path, "transcript"), path), []
    from . import readers  # python-docx and webvtt-py are loaded only when needed

    return readers.read_transcript_file(path)


@dataclass(frozen=True)
class Header:
    """The front matter, checked: who the informant is and what the file says about them."""

    informant: str
    role: str
    interviewer: tuple[str, ...]
    name: str | None
    attributes: dict[str, object]
    informant_line: int
    key_lines: dict[str, int]  # file line of each key, for error messages


def parse_header(raw: str, source: object, first_line: int = 2) -> Header:
    """Check front-matter YAML (the text between the ``---`` lines, or a ``.yaml`` file).

    ``first_line`` is the file line of the text's first line, for error messages.
    """
    meta, root = {}, None
    if raw.strip():
        meta, root = load_with_nodes(raw, source, first_line=first_line, what="front matter")
    if not isinstance(meta, dict):
        raise InputError(source, "front matter must be 'key: value' lines", first_line)
    meta, key_lines = _as_written(meta, root, first_line)
    informant = _informant_id(meta, source, key_lines.get("informant", first_line))
    role = meta.get("role")
    role_line = key_lines.get("role", first_line)
    if role is None or (isinstance(role, str) and not role.strip()):
        raise InputError(
            source, "front matter has no 'role' (for example: role: masyarakat)", role_line
        )
    if isinstance(role, dict | list):
        raise InputError(
            source, "'role' must be a single word or phrase, not a list or mapping", role_line
        )
    interviewer = _interviewer_labels(
        meta.get("interviewer"), source, key_lines.get("interviewer", first_line)
    )
    name = meta.get("name")
    attributes = {
        key: _attribute(key, value, source, key_lines.get(str(key), first_line))
        for key, value in meta.items()
        if key not in RESERVED_KEYS
    }
    return Header(
        informant=informant,
        role=str(role).strip(),
        interviewer=interviewer,
        name=None if name is None else str(name),
        attributes=attributes,
        informant_line=key_lines.get("informant", first_line),
        key_lines=key_lines,
    )


def parse_transcript(text: str, path: str | Path | None = None) -> Transcript:
    """Parse transcript text (front matter and speaker turns)."""
    source = path if path is not None else "<transcript>"
    lines = normalise(text).split("\n")
    raw, body_index = _front_matter(lines, source)
    header = parse_header(raw, source, first_line=2)
    interviewer = header.interviewer
    body = "\n".join(lines[body_index:])
    body_line = body_index + 1
    turns, preamble = _turns(body, body_line, interviewer, source)
    if not any(not t.is_interviewer for t in turns):
        raise InputError(
            source,
            "no informant turn: the body needs lines like 'M07: ...' "
            f"(interviewer labels are {', '.join(interviewer)})",
            body_line,
        )
    return Transcript(
        informant=header.informant,
        role=header.role,
        path=Path(path) if path is not None else None,
        body=body,
        body_line=body_line,
        turns=turns,
        attributes=header.attributes,
        name=header.name,
        interviewer_labels=interviewer,
        preamble=preamble,
        informant_line=header.informant_line,
    )


def transcriber_note(preamble: str) -> bool:
    """Whether text before the first turn is a transcriber's note in brackets, such as
    ``(Wawancara di bengkel informan.)``: the convention for where an interview took
    place, kept and shown, not a speaker's words that lost their label."""
    text = preamble.strip()
    return len(text) > 1 and text[0] + text[-1] in ("()", "[]")


def transcript_notices(transcript: Transcript) -> list[Notice]:
    """Warnings about a transcript that do not stop the run."""
    notices = []
    if transcript.preamble and not transcriber_note(transcript.preamble):
        snippet = " ".join(transcript.preamble.split())[:60]
        where = ""
        if transcript.path is not None and transcript.path.suffix.lower() == ".docx":
            where = f"paragraph {transcript.body_line}: "
        notices.append(
            Notice(
                transcript.source,
                transcript.body_line,
                f"{where}text before the first speaker turn is kept as a preamble and not "
                f"coded: {snippet!r}",
            )
        )
    return notices


def iter_transcript_paths(root: Path) -> list[Path]:
    """Transcript files under ``root``, sorted; READMEs and hidden files are documentation.

    Word's lock files (``~$name.docx``, left while a document is open) are skipped too;
    the ``.yaml`` front matter beside a subtitle file is read with it, not on its own.
    """
    if root.is_file():
        return [root]
    return [p for p in _candidates(root) if p.suffix.lower() in TRANSCRIPT_SUFFIXES]


def _candidates(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or path.name.startswith("~$"):
            continue
        if not path.is_file() or path.stem.lower() == "readme":
            continue
        found.append(path)
    return found


def read_corpus(path: str | Path) -> Corpus:
    """Read a folder of transcripts (recursively, sorted by path) or a single file."""
    root = Path(path)
    if not root.exists():
        raise InputError(root, "no such file or folder")
    paths = iter_transcript_paths(root)
    if not paths:
        raise InputError(root, f"no transcripts ({_suffix_list()}) found")
    notices: list[Notice] = []
    transcripts = []
    for p in paths:
        transcript, found = read_transcript_with_notices(p)
        transcripts.append(transcript)
        notices.extend(found)
    corpus = corpus_from(transcripts)
    if root.is_dir():
        notices.extend(
            Notice(str(p), None, _unreadable_hint(p.suffix.lower()) + "; it was not read")
            for p in _candidates(root)
            if p.suffix.lower() in UNREADABLE_SUFFIXES
        )
    corpus.notices.extend(notices)
    return corpus


def _suffix_list() -> str:
    return ", ".join(f"*{s}" for s in TRANSCRIPT_SUFFIXES)


def _unreadable_hint(suffix: str) -> str:
    return (
        f"{suffix} files cannot be read: save the transcript as .docx (Word) "
        "or as UTF-8 text (.txt)"
    )


def corpus_from(transcripts: Iterable[Transcript], root: Path | None = None) -> Corpus:
    """A corpus from transcripts already parsed; informant ids must be unique."""
    seen: dict[str, Transcript] = {}
    items = []
    notices: list[Notice] = []
    for t in transcripts:
        if t.informant in seen:
            source, line = _informant_source(t)
            raise InputError(
                source,
                f"duplicate informant id {t.informant!r} (also used in {seen[t.informant].source})",
                line,
            )
        seen[t.informant] = t
        items.append(t)
        notices.extend(transcript_notices(t))
    return Corpus(items, root, notices)


def _informant_source(transcript: Transcript) -> tuple[str, int]:
    """Where the informant id is written: the subtitle file's YAML, or the file itself."""
    if transcript.path is not None and transcript.path.suffix.lower() in (".vtt", ".srt"):
        from . import readers

        beside = readers.front_matter_path(transcript.path)
        if beside is not None:
            return str(beside), transcript.informant_line
    return transcript.source, transcript.informant_line


def _front_matter(lines: list[str], source: object) -> tuple[str, int]:
    """The front matter's YAML text and the index of the body's first line."""
    if not lines or lines[0].strip() != "---":
        raise InputError(
            source,
            "missing front matter: the file must start with a '---' line, "
            "then 'informant:' and 'role:', then another '---' line",
            1,
        )
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        raise InputError(source, "front matter is not closed: add a '---' line after it", 1)
    return "\n".join(lines[1:index]), index + 1


def _as_written(
    meta: dict, root: yaml.Node | None, first_line: int = 2
) -> tuple[dict, dict[str, int]]:
    """Undo YAML 1.1's guesses on plain values: ``007`` stays "007", ``no`` stays "no".

    Ids, roles and attributes are text a researcher typed; YAML would turn ``007`` into
    7, ``010`` into 8, ``yes`` into True and ``1:20:00`` into 4800. Dates stay dates.
    """
    written: dict = {}
    key_lines: dict[str, int] = {}
    nodes = {str(k.value): (k, v) for k, v in root.value} if root is not None else {}
    for key, value in meta.items():
        key_node, node = nodes.get(str(key), (None, None))
        if key_node is not None:
            key_lines[str(key)] = key_node.start_mark.line + first_line
        if isinstance(node, yaml.SequenceNode) and isinstance(value, list):
            value = [_written(v, n) for v, n in zip(value, node.value, strict=True)]
        written[key] = _written(value, node)
    return written, key_lines


def _written(value: object, node: object) -> object:
    if not isinstance(node, yaml.ScalarNode) or node.style:  # "" or None: plain
        return value
    if value is None:
        return node.value or None
    if isinstance(value, bool) or (isinstance(value, int | float) and str(value) != node.value):
        return node.value
    return value


def _informant_id(meta: dict, source: object, line: int) -> str:
    value = meta.get("informant")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError(
            source, "front matter has no 'informant' (the informant's id, e.g. M07)", line
        )
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputError(source, f"'informant' must be an id such as M07, not {value!r}", line)
    informant = str(value).strip()
    if not _ID.fullmatch(informant):
        raise InputError(
            source,
            f"informant id {informant!r} may contain only letters, digits, '-' and '_'",
            line,
        )
    return informant


def _interviewer_labels(value: object, source: object, line: int = 2) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_INTERVIEWER_LABELS
    values = value if isinstance(value, list) else [value]
    labels = tuple(str(v).strip() for v in values if str(v).strip())
    if not labels or any(isinstance(v, dict | list) for v in values):
        raise InputError(source, "'interviewer' must be a speaker label or a list of labels", line)
    return labels


def _attribute(key: object, value: object, source: object, line: int) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        raise InputError(source, f"attribute {key!r} must be a single value, not a mapping", line)
    return value


def _label_of(line: str, spaced: tuple[str, ...]) -> str | None:
    for label in spaced:
        if line.casefold().startswith(label.casefold() + ":"):
            return line[: len(label)]
    match = _LABEL.match(line)
    return match.group(1) if match else None


def _turns(
    body: str, body_line: int, interviewer: tuple[str, ...], source: object
) -> tuple[list[Turn], str]:
    folded = {label.casefold() for label in interviewer}
    spaced = tuple(label for label in interviewer if " " in label)
    turns: list[Turn] = []
    preamble: list[str] = []
    current: dict | None = None
    offset = 0
    for number, line in enumerate(body.split("\n")):
        label = _label_of(line, spaced)
        if label is not None:
            if current:
                turns.append(_close(current, body))
            text_start = len(label) + 1
            text_start += len(line[text_start:]) - len(line[text_start:].lstrip())
            stamp = _TIMESTAMP.match(line, text_start)
            timestamp = None
            if stamp:
                timestamp = stamp.group(0).strip().strip("[]")
                text_start = stamp.end()
            current = {
                "speaker": label,
                "is_interviewer": label.casefold() in folded,
                "start": offset + text_start,
                "end": offset + len(line.rstrip()),
                "line": body_line + number,
                "timestamp": timestamp,
            }
        elif current is None:
            preamble.append(line)
        elif line.strip():
            current["end"] = offset + len(line.rstrip())
        offset += len(line) + 1
    if current:
        turns.append(_close(current, body))
    return turns, "\n".join(preamble).strip()


def _close(current: dict, body: str) -> Turn:
    end = max(current["end"], current["start"])
    return Turn(text=body[current["start"] : end], **{**current, "end": end})
