"""Importing a REFI-QDA project (``.qdpx``): another tool's human coding as a review file.

``ektp-qual import PROJECT.qdpx`` reads a project exported by NVivo, ATLAS.ti, MAXQDA,
QualCoder or ektp-qual itself and turns its codings into the review-file form of
``inputs.review_file``: one ``add`` per informant sentence a coding touches. The coding
a researcher did in another tool can then be analysed (``ektp-qual code --review``) or
compared with the automatic coder or with another coder (``ektp-qual agree``).

The package reads it in layers: ``archive`` opens the ``.qdpx`` safely, ``qde`` reads
the project into a ``QdaProject`` whose selection offsets are code points whatever the
tool counted (``offsets``), ``codes`` says what each code means in the codebook, and
this module's ``to_review`` maps sources onto transcripts, codes onto criteria and
polarities, and selections onto the segments they overlap.

Nothing is lost silently: what cannot be mapped stays in ``ImportResult.codings`` with a
``status`` saying why, and is reported in the notices.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from ..inputs.review_file import REVIEW_COLUMNS, ReviewFile
from ..inputs.textfile import normalise
from ..language.privacy import MaskedText, Masker
from ..model import Notice, Transcript
from .codes import _SUFFIX_BRACKET, _key, code_meaning
from .qde import SELECTION_COLUMNS, QdaProject, _some

if TYPE_CHECKING:
    from ..model.results import Reduction

#: ``ImportResult.codings``: the selections with what they became.
IMPORT_COLUMNS = [
    *SELECTION_COLUMNS,
    "informant",  # the transcript the source matched ("" when none)
    "body_start",  # offsets in the transcript body (nullable)
    "body_end",
    "segment_ids",  # the segments the selection overlaps, space-separated
    "criterion",  # what the code means in the codebook ("" when nothing)
    "polarity",
    "status",  # "imported", or why not (see STATUSES)
]

#: Why a coding was not imported, in the order they are checked.
STATUSES = (
    "whole source",  # a coding of a whole source, not of a passage
    "no text",  # the source's text is missing from the archive
    "unknown code",  # the CodeRef names no code of the project
    "code not mapped",  # the code means no criterion
    "no polarity",  # the code means a criterion but says no polarity
    "no transcript",  # the source matches no transcript
    "not placed",  # the passage could not be found in the transcript's text
    "empty",  # a selection of zero length
    "no segment",  # it overlaps no informant sentence
    "imported",
)


_DOCUMENT_SUFFIXES = (".txt", ".md", ".docx", ".doc", ".rtf", ".odt", ".pdf")


@dataclass
class ImportResult:
    """A project's codings as review-file rows, with everything that was not imported."""

    review: pd.DataFrame  # REVIEW_COLUMNS, decision "add"
    codings: pd.DataFrame  # IMPORT_COLUMNS: every (selection, code), imported or not
    notices: list[Notice]
    project: QdaProject
    transcripts: dict[str, str] = field(default_factory=dict)  # source guid -> informant
    codes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def coders(self) -> tuple[str, ...]:
        return tuple(sorted({c for c in self.review["coder"] if c}))


def _canonical(text: str) -> str:
    return normalise(text).strip()


def _match_sources(
    project: QdaProject, transcripts: Sequence[Transcript], notices: list[Notice]
) -> dict[str, Transcript]:
    """Source guid -> transcript: by name (informant, file name or stem), else by text."""
    by_name: dict[str, list[Transcript]] = {}
    for t in transcripts:
        keys = {_key(t.informant)}
        if t.path is not None:
            keys |= {_key(t.path.name), _key(t.path.stem)}
        for key in keys:
            by_name.setdefault(key, []).append(t)
    by_text: dict[str, list[Transcript]] = {}
    for t in transcripts:
        by_text.setdefault(t.body.strip(), []).append(t)
    matched: dict[str, Transcript] = {}
    for guid, source in project.sources.items():
        key = _key(source.name)
        candidates = by_name.get(key, [])
        if not candidates and key.endswith(_DOCUMENT_SUFFIXES):
            candidates = by_name.get(key.rsplit(".", 1)[0], [])
        bracketed = _SUFFIX_BRACKET.fullmatch(key)
        if not candidates and bracketed:  # "interview.txt (M07)": the informant in brackets
            candidates = by_name.get(bracketed["inner"], [])
        if len(candidates) == 1:
            matched[guid] = candidates[0]
            continue
        if source.text is None:
            continue
        text = _canonical(source.text)
        same = by_text.get(text, [])
        if not same and text:
            same = [t for t in transcripts if t.body.strip() and text.count(t.body.strip()) == 1]
        if len(same) == 1:
            matched[guid] = same[0]
    targets = Counter(t.informant for t in matched.values())
    for informant, count in targets.items():
        if count > 1:
            names = [
                project.sources[g].name for g, t in matched.items() if t.informant == informant
            ]
            notices.append(
                Notice(
                    str(project.path),
                    None,
                    f"{count} sources ({_some(names)}) match transcript {informant}; the "
                    "codings of all of them are imported",
                )
            )
    return matched


class _Placement:
    """Offsets in a source's text to offsets in a transcript body.

    The same text (perhaps with other leading or trailing blank space) maps by a shift;
    the body with personal data masked (``masker``), as ektp-qual's own export writes it,
    maps around the masks; any other text is searched for each passage's words.
    """

    def __init__(self, source: str, body: str, masker: Masker | None = None) -> None:
        self.source = source
        self.body = body
        self.shift: int | None = None  # None: the texts differ; passages are looked up
        self.masked: MaskedText | None = None  # the body as masked into the source
        lead_source = len(source) - len(source.lstrip())
        lead_body = len(body) - len(body.lstrip())
        stripped_source, stripped_body = source.strip(), body.strip()
        if source == body:
            self.shift = 0
        elif stripped_source == stripped_body:
            self.shift = lead_body - lead_source
        elif stripped_body and source.count(stripped_body) == 1:
            self.shift = lead_body - source.index(stripped_body)
        elif stripped_source and body.count(stripped_source) == 1:
            self.shift = body.index(stripped_source) - lead_source
        elif masker is not None:
            masked = masker.mask_with_offsets(body)
            if masked.spans and masked.text == source:
                self.masked = masked

    @property
    def looked_up(self) -> bool:
        """Whether passages are found by their text (the texts differ beyond masks)."""
        return self.shift is None and self.masked is None

    def place(self, start: int, end: int, text: str) -> tuple[int, int] | None:
        """Body offsets of a passage: shifted, unmasked, or found by its text and order."""
        if self.shift is not None:
            size = len(self.body)
            return min(max(start + self.shift, 0), size), min(max(end + self.shift, 0), size)
        if self.masked is not None:
            return _unmasked(self.masked, start, end=False), _unmasked(self.masked, end, end=True)
        needle = text.strip()
        if not needle:
            return None
        at = start + len(text) - len(text.lstrip())  # where the needle starts in the source
        for pattern in (re.escape(needle), r"\s+".join(map(re.escape, needle.split()))):
            found = list(re.finditer(pattern, self.body))
            if len(found) == 1:
                return found[0].span()
            if found:
                # A passage that occurs several times is the same occurrence in both texts,
                # when both have it as often.
                order = [m.start() for m in re.finditer(pattern, self.source)]
                if len(order) == len(found) and at in order:
                    return found[order.index(at)].span()
                return None
        return None


def _unmasked(masked: MaskedText, offset: int, *, end: bool) -> int:
    """Where an offset into masked text lands in the original: an offset inside a mask
    moves to the start of what it masks, or with ``end`` to its end."""
    shift = 0
    for start, stop, replacement in masked.spans:
        begin = start + shift
        if offset <= begin:
            break
        if offset < begin + len(replacement):
            return stop if end else start
        shift += len(replacement) - (stop - start)
    return offset - shift


@dataclass
class _Sentences:
    """One informant's segments, sorted by offset."""

    ids: list[str]
    starts: list[int]
    ends: list[int]

    def touched(self, body: str, start: int, end: int) -> list[str]:
        """The segments [start, end) overlaps by at least one non-space character."""
        found = []
        for k in range(max(bisect_right(self.starts, start) - 1, 0), len(self.ids)):
            if self.starts[k] >= end:
                break
            low, high = max(self.starts[k], start), min(self.ends[k], end)
            if low < high and body[low:high].strip():
                found.append(self.ids[k])
        return found


def _sentences(segments: pd.DataFrame) -> dict[str, _Sentences]:
    table = segments[["segment_id", "informant", "start", "end"]].sort_values(
        ["informant", "start"], kind="stable"
    )
    return {
        str(informant): _Sentences(
            group["segment_id"].tolist(),
            [int(v) for v in group["start"]],
            [int(v) for v in group["end"]],
        )
        for informant, group in table.groupby("informant", sort=False)
    }


def to_review(
    project: QdaProject,
    reduction: Reduction,
    *,
    coder: str | None = None,
    masked_with: Masker | None = None,
) -> ImportResult:
    """The project's codings as review-file ``add`` rows on the corpus's segments.

    Sources match transcripts by name (informant id, file name or stem, any case) or else
    by identical text; codes mean criteria and polarities by ``code_meaning``; a selection
    adds its code to every segment it overlaps by a non-space character. A source that is
    its transcript with personal data masked (ektp-qual's own export) is mapped around
    the masks; in a source that differs otherwise, a passage is found by its text, and
    one that occurs several times by its order among the occurrences. ``coder``
    replaces the coders the project names (and names the coder where it names none).
    Every coding, imported or not, is in ``codings`` with a ``status`` (``STATUSES``).
    ``masked_with``: the masker an export of this study was masked with, to find masked
    sources again (by default the reduction's own).
    """
    notices = list(project.notices)
    matched = _match_sources(project, reduction.corpus.transcripts, notices)
    criteria = reduction.codebook.criteria
    meanings = {
        guid: code_meaning([c.name for c in project.lineage(guid)], criteria)
        for guid in project.codes
    }
    sentences = _sentences(reduction.segments)
    masker = masked_with or reduction.masker
    placements: dict[str, _Placement] = {}
    origin = project.origin or project.name or "a REFI-QDA project"
    rows, review = [], []
    for record in project.selections.to_dict("records"):
        row = {**record, "informant": "", "body_start": None, "body_end": None}
        criterion, polarity = meanings.get(record["code_guid"], (None, None))
        row.update(segment_ids="", criterion=criterion or "", polarity=polarity or "")
        guid = record["source_guid"]
        source, transcript = project.sources[guid], matched.get(guid)
        place_status = ""
        if transcript is not None:
            row["informant"] = transcript.informant
        if transcript is not None and source.text is not None:
            if guid not in placements:
                placements[guid] = _Placement(source.text, transcript.body, masker)
            start, end = int(record["start"]), int(record["end"])
            placed = placements[guid].place(start, end, record["text"])
            if start == end:
                place_status = "empty"
            elif placed is None:
                place_status = "not placed"
            else:
                row["body_start"], row["body_end"] = placed
                empty = _Sentences([], [], [])
                touched = sentences.get(transcript.informant, empty).touched(
                    transcript.body, *placed
                )
                row["segment_ids"] = " ".join(touched)
                place_status = "" if touched else "no segment"
        if record["scope"] == "source":
            status = "whole source"
        elif source.text is None:
            status = "no text"
        elif record["code_guid"] not in project.codes:
            status = "unknown code"
        elif criterion is None:
            status = "code not mapped"
        elif polarity is None:
            status = "no polarity"
        elif transcript is None:
            status = "no transcript"
        else:
            status = place_status or "imported"
        row["status"] = status
        rows.append(row)
        if status != "imported":
            continue
        for segment_id in row["segment_ids"].split():
            review.append(
                {
                    "segment_id": segment_id,
                    "criterion": criterion,
                    "polarity": polarity,
                    "decision": "add",
                    "coder": coder if coder is not None else record["coder"],
                    "note": f"imported from {origin}: {record['code_path']}",
                    "decided_at": _decided_at(record["created"]),
                }
            )
    codings = pd.DataFrame(rows, columns=IMPORT_COLUMNS)
    for column in ("start", "end", "raw_start", "raw_end", "body_start", "body_end"):
        codings[column] = codings[column].astype("Int64")
    review_table = pd.DataFrame(review, columns=REVIEW_COLUMNS).drop_duplicates(
        ["segment_id", "criterion", "polarity", "coder"], ignore_index=True
    )
    notices += _import_notices(project, codings, review_table, meanings, matched, placements)
    return ImportResult(
        review=review_table,
        codings=codings,
        notices=notices,
        project=project,
        transcripts={guid: t.informant for guid, t in matched.items()},
        codes=meanings,
    )


def _decided_at(created: str) -> str:
    """A coding's creationDateTime as written, or "" where it is not an ISO date and time
    (QualCoder writes '20261130_1TZ')."""
    try:
        datetime.fromisoformat(created)
    except ValueError:
        return ""
    return created


def _import_notices(
    project: QdaProject,
    codings: pd.DataFrame,
    review: pd.DataFrame,
    meanings: dict[str, tuple[str | None, str | None]],
    matched: dict[str, Transcript],
    placements: dict[str, _Placement],
) -> list[Notice]:
    where = str(project.path)
    messages: list[str] = []
    status = codings["status"]
    per_code = codings.groupby("code_guid", sort=False).size()
    for guid, count in per_code.items():
        criterion, polarity = meanings.get(str(guid), (None, None))
        if guid not in project.codes or (criterion and polarity):
            continue
        path = project.codes[str(guid)].path
        if criterion:
            messages.append(
                f"code {path!r} ({count} coding(s)) means criterion {criterion!r} but no "
                "polarity: not imported (give it child codes 'positive' and 'negative')"
            )
            continue
        hint = ""
        for ancestor in project.lineage(str(guid))[:-1][::-1]:
            meaning = meanings.get(ancestor.guid, (None, None))
            if meaning[0]:
                hint = (
                    f"; it is below {ancestor.path!r}, which means "
                    f"{'/'.join(m for m in meaning if m)}, but meanings are not inherited"
                )
                break
        messages.append(
            f"code {path!r} ({count} coding(s)) means no criterion of the codebook: "
            f"not imported{hint}"
        )
    unknown = int((status == "unknown code").sum())
    if unknown:
        messages.append(f"{unknown} coding(s) refer to no code of the project: not imported")
    imported = codings.loc[status == "imported", "created"]
    undated = sorted({c for c in imported if c and not _decided_at(c)})
    if undated:
        messages.append(
            f"creationDateTime {', '.join(repr(c) for c in undated[:3])} is not a date: "
            "those codings were imported with no decided_at"
        )
    for guid, source in project.sources.items():
        count = int((codings["source_guid"] == guid).sum())
        if guid in matched:
            placement = placements.get(guid)
            lost = int(((codings["source_guid"] == guid) & (status == "not placed")).sum())
            if placement is not None and placement.looked_up:
                message = (
                    f"source {source.name!r} differs from transcript "
                    f"{matched[guid].informant}'s text: its coded passages were looked up by "
                    f"their text, and {count - lost} of {count} found"
                )
                if lost:
                    message += f"; {lost} not found exactly once: not imported"
                messages.append(message)
        elif count and source.text is not None:
            messages.append(
                f"source {source.name!r} ({count} coding(s)) matches no transcript by name or "
                "text: not imported"
            )
        elif count:
            messages.append(f"source {source.name!r} ({count} coding(s)) has no text: not imported")
    unmatched = [s.name for g, s in project.sources.items() if g not in matched]
    if unmatched:
        messages.append(
            f"{len(unmatched)} of {len(project.sources)} source(s) match no transcript: "
            f"{_some(unmatched)}"
        )
    for kind, what in (
        ("whole source", "code a whole source, not a passage"),
        ("no segment", "cover no informant sentence (interviewer turns or blank text only)"),
        ("empty", "select no text"),
    ):
        count = int((status == kind).sum())
        if count:
            messages.append(f"{count} coding(s) {what}: not imported")
    nameless = int((review["coder"] == "").sum())
    if nameless:
        messages.append(
            f"{nameless} review row(s) have no coder (the project names none): pass a coder"
        )
    return [Notice(where, None, message) for message in messages]


def review_text(result: ImportResult, *, coder: str | None = None) -> str:
    """The CSV text of a review file with the imported rows (of one coder, if given).

    A project coded by several people gives one review file per coder, for ``agree``.
    """
    table = result.review
    if coder is not None:
        table = table[table["coder"] == coder]
    rows = [
        {name: "" if pd.isna(value) else str(value) for name, value in row.items()}
        for row in table[REVIEW_COLUMNS].to_dict("records")
    ]
    return ReviewFile().with_decisions(rows).to_text()
