"""Reading a corpus of interview transcripts (docs/formats.md section 1).

The entry point for every kind of transcript file: ``read_transcript`` and
``read_corpus`` hand ``.txt``/``.md`` text to ``text``, Word documents to ``docx`` and
subtitle files to ``subtitles``; each builds the same ``Transcript``. The
checks that need a whole transcript or the whole corpus (unique ids, an interviewer the
front matter does not name) are made here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..model import Corpus, Notice, Transcript, Turn
from ..model.errors import InputError
from .text import parse_transcript
from .textfile import read_text

TEXT_SUFFIXES = (".txt", ".md")
TRANSCRIPT_SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".vtt", ".srt")
#: Word-processor files the tool cannot read: ``read_transcript`` says how to convert
#: them, and ``read_corpus`` names those in a folder in a warning instead of skipping
#: them silently (a PDF in a corpus folder is more often a consent form: not named).
UNREADABLE_SUFFIXES = (".doc", ".odt", ".rtf", ".pages")


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
    # Word and subtitle readers (zip, XML, cue parsing) only for such files.
    if suffix == ".docx":
        from .docx import read_docx

        return read_docx(path)
    from .subtitles import read_subtitles

    return read_subtitles(path)


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
        _refuse_undeclared_interviewer(t)
        items.append(t)
        notices.extend(transcript_notices(t))
    return Corpus(items, root, notices)


def _asks(text: str) -> bool:
    return text.rstrip().rstrip("\"'”’)]").endswith("?")


def _refuse_undeclared_interviewer(transcript: Transcript) -> None:
    """Refuse a second, undeclared speaker who asks the questions.

    Every label that is not the interviewer's is the informant's, so an interviewer
    written as ``Researcher:`` when the labels say ``P`` would turn every question into
    the informant's evidence. A speaker counts as asking when at least two of their turns,
    and at least half of them, end in a question mark, while another speaker (the one
    labelled with the informant id, or one who mostly does not ask) answers.
    """
    turns: dict[str, list[Turn]] = {}
    for turn in transcript.turns:
        if not turn.is_interviewer:
            turns.setdefault(turn.speaker, []).append(turn)
    if len(turns) < 2:
        return
    asking = {label: [t for t in said if _asks(t.text)] for label, said in turns.items()}
    answerers = [
        label
        for label, said in turns.items()
        if label.casefold() == transcript.informant.casefold() or 2 * len(asking[label]) < len(said)
    ]
    for label, said in turns.items():
        asked = asking[label]
        if label in answerers or len(asked) < 2 or not answerers:
            continue
        used = dict.fromkeys(t.speaker for t in transcript.turns if t.is_interviewer)
        labels = [*used, label]
        declared = labels[0] if len(labels) == 1 else f"[{', '.join(labels)}]"
        raise InputError(
            transcript.source,
            f"speaker {label!r} ends {len(asked)} of their {len(said)} turns with a "
            "question mark but is not an interviewer label, so the questions would be "
            f"coded as evidence of the informant; declare the interviewer in the front "
            f"matter: 'interviewer: {declared}'",
            asked[0].line,
        )


def _informant_source(transcript: Transcript) -> tuple[str, int]:
    """Where the informant id is written: the subtitle file's YAML, or the file itself."""
    if transcript.path is not None and transcript.path.suffix.lower() in (".vtt", ".srt"):
        from .subtitles import front_matter_path

        beside = front_matter_path(transcript.path)
        if beside is not None:
            return str(beside), transcript.informant_line
    return transcript.source, transcript.informant_line
