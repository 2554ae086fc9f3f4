"""Transcripts from subtitle files (``.vtt``, ``.srt``) of transcription tools.

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
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from ..model import Notice, Transcript, Turn
from ..model.errors import InputError
from .text import Header, parse_header
from .textfile import read_text, read_utf8

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
