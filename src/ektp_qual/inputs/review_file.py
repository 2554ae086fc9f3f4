"""The researcher decides: review files and how their decisions change the codings.

Automatic codings are proposals. A review file records what a researcher decided about
them, one row per decision, in a CSV a spreadsheet can edit:

``segment_id, criterion, polarity, decision, coder, note, decided_at``

``decision`` is ``accept`` (the coding stands), ``reject`` (it drops out), ``add`` (a
coding the rules missed) or ``none`` (the sentence holds no evidence for any criterion:
``criterion`` and ``polarity`` are left empty, and it rejects every code of the sentence).
A decision is about one segment, criterion and polarity (``none``: every criterion and
polarity); when the file holds several for the same one, the last row wins, so a file
can be appended to and never needs rewriting. Segment ids come from the informant and the sentence's
words, not from row order, so decisions survive re-coding and codebook changes.

Files written by hand may use ``;`` or tab as the separator (as spreadsheets in many
locales do), a BOM, CRLF line ends, extra columns and blank rows: all of it is kept
when the tool adds a row. A cell that a spreadsheet would run as a formula is written
with a leading quote and read without it (see ``spreadsheet``), whatever ``--csv`` says:
the tool reads this file back, so the quote must mean the same thing every time.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ..model import CODING_COLUMNS, POLARITIES, Codebook, Notice
from ..model.errors import InputError
from ..model.results import ReviewOutcome
from .spreadsheet import csv_rows_text, escape_cell, unescape_cell
from .textfile import read_utf8

#: The columns of a review file, in the order the tool writes them.
REVIEW_COLUMNS = ["segment_id", "criterion", "polarity", "decision", "coder", "note", "decided_at"]
REQUIRED_COLUMNS = ("segment_id", "criterion", "polarity", "decision")
DECISIONS = ("accept", "reject", "add", "none")
#: The decision that a sentence holds no evidence for any criterion.
NOTHING = "none"
#: The codings table after review: the coder's columns and the provenance of the decision
#: (``source``: "auto" when nobody decided, "accepted" or "added" by a researcher).
REVIEWED_CODING_COLUMNS = [*CODING_COLUMNS, "source", "coder", "note"]
#: The file the CLI reads and writes when no ``--review`` is given.
DEFAULT_REVIEW_FILE = Path("review.csv")
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class ReviewFile:
    """A review file as written, kept cell for cell so that adding rows loses nothing."""

    header: tuple[str, ...] = tuple(REVIEW_COLUMNS)
    rows: tuple[tuple[str, ...], ...] = ()
    lines: tuple[int, ...] = ()  # file line of each row
    path: Path | None = None
    delimiter: str = ","
    bom: bool = False
    newline: str = "\n"

    @property
    def source(self) -> str:
        return str(self.path) if self.path else "<review>"

    @property
    def names(self) -> list[str]:
        """The column names as the tool reads them (case and spaces ignored)."""
        return [cell.strip().lower() for cell in self.header]

    def decisions(self) -> pd.DataFrame:
        """The decisions, checked: ``REVIEW_COLUMNS`` plus ``line`` (file line)."""
        names = self.names
        index = {name: names.index(name) for name in REVIEW_COLUMNS if name in names}
        records = []
        for row, line in zip(self.rows, self.lines, strict=True):
            if not any(cell.strip() for cell in row):
                continue
            record = {
                name: (row[index[name]].strip() if name in index and index[name] < len(row) else "")
                for name in REVIEW_COLUMNS
            }
            record["decision"] = record["decision"].lower() if "decision" in index else "add"
            record["polarity"] = record["polarity"].lower()
            _check_row(record, self.source, line)
            record["line"] = line
            records.append(record)
        return pd.DataFrame(records, columns=[*REVIEW_COLUMNS, "line"])

    def with_decisions(self, decisions: list[dict[str, str]]) -> ReviewFile:
        """This file with rows added at the end; the standard columns are added if missing."""
        header = list(self.header)
        header += [name for name in REVIEW_COLUMNS if name not in self.names]
        names = [cell.strip().lower() for cell in header]
        width = len(header)
        rows = [tuple(row) + ("",) * (width - len(row)) if row else row for row in self.rows]
        rows += [tuple(str(d.get(name, "")) for name in names) for d in decisions]
        last = self.lines[-1] if self.lines else 1
        lines = (*self.lines, *range(last + 1, last + 1 + len(decisions)))
        return replace(self, header=tuple(header), rows=tuple(rows), lines=lines)

    def without_decisions(self, decisions: list[dict[str, str]]) -> ReviewFile:
        """This file with the last row matching each decision removed (an undo)."""
        rows, lines = list(self.rows), list(self.lines)
        for decision in decisions:
            wanted = [(self.names.index(k), str(v)) for k, v in decision.items()]
            for i in range(len(rows) - 1, -1, -1):
                if all(k < len(rows[i]) and rows[i][k] == v for k, v in wanted):
                    del rows[i], lines[i]
                    break
        return replace(self, rows=tuple(rows), lines=tuple(lines))

    def to_text(self) -> str:
        """The file's text: its own separator, line ends and BOM.

        Always safe for spreadsheets (a cell that would run as a formula gets a leading
        quote, which ``parse_review`` takes off), since the file is both opened in
        spreadsheets and read back by the tool.
        """
        rows = ([escape_cell(cell) for cell in row] for row in (self.header, *self.rows))
        text = csv_rows_text(rows, delimiter=self.delimiter, newline=self.newline)
        return ("\ufeff" if self.bom else "") + text


def review_target(path: str | Path) -> Path:
    """The file a review path stands for: a symbolic link is followed to its file.

    The review file is the researcher's own, so a link to it (to a shared folder, say)
    is meant: decisions go into the file it points to, and the link stays a link. A link
    that leads back to itself is an error.
    """
    path = Path(path)
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if target.is_symlink():
        raise InputError(
            path,
            "is a symbolic link that never reaches a file (the links form a loop); "
            "point it at a review file, or remove it",
        )
    return target


def read_review(path: str | Path, *, codings: bool = False) -> ReviewFile:
    """Read and check a review file; a missing file is an empty review.

    With ``codings``, a file without a ``decision`` column is read too, each row as a
    coding (an ``add``): a ``codings.csv``, or a coder's own coding made elsewhere.
    """
    path = Path(path)
    review_target(path)
    if not path.exists():
        if codings:
            raise InputError(path, "no such file")
        return ReviewFile(path=path)
    text = read_utf8(path, "the review file")
    return parse_review(text, path, codings=codings)


def parse_review(text: str, path: str | Path | None = None, *, codings: bool = False) -> ReviewFile:
    """Parse review-file text, keeping its separator, line ends, BOM and extra columns."""
    source = path if path is not None else "<review>"
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    newline = "\r\n" if first.endswith("\r") else "\n"  # a note may hold either
    delimiter = max(_DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return ReviewFile(path=Path(path) if path else None, delimiter=",", bom=bom)
        header = [unescape_cell(cell) for cell in header]
        rows, lines = [], []
        line = reader.line_num + 1
        for row in reader:
            rows.append(tuple(unescape_cell(cell) for cell in row))
            lines.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(source, f"not a readable CSV file: {exc}", reader.line_num) from None
    names = [cell.strip().lower() for cell in header]
    required = [n for n in REQUIRED_COLUMNS if not (codings and n == "decision")]
    missing = [name for name in required if name not in names]
    if missing:
        raise InputError(
            source,
            f"not a review file: missing column(s) {', '.join(missing)} "
            f"(a review file has the columns {', '.join(REVIEW_COLUMNS)})",
            1,
        )
    duplicated = sorted({name for name in names if name and names.count(name) > 1})
    if duplicated:
        raise InputError(source, f"duplicate column(s) {', '.join(duplicated)}", 1)
    review = ReviewFile(
        header=tuple(header),
        rows=tuple(rows),
        lines=tuple(lines),
        path=Path(path) if path is not None else None,
        delimiter=delimiter,
        bom=bom,
        newline=newline,
    )
    review.decisions()
    return review


def _check_row(record: dict[str, str], source: str, line: int) -> None:
    if not record["segment_id"]:
        raise InputError(source, "a decision without a segment_id", line)
    if record["decision"] not in DECISIONS:
        raise InputError(
            source,
            f"unknown decision {record['decision']!r} (use {', '.join(DECISIONS)})",
            line,
        )
    if record["decision"] == NOTHING:
        if record["criterion"] or record["polarity"]:
            raise InputError(
                source,
                "a 'none' decision says the sentence holds no evidence for any criterion: "
                "leave its criterion and polarity empty (to drop one code, use reject)",
                line,
            )
        return
    if record["polarity"] not in POLARITIES:
        raise InputError(
            source,
            f"unknown polarity {record['polarity']!r} (use {', '.join(POLARITIES)})",
            line,
        )
    if not record["criterion"]:
        raise InputError(source, "a decision without a criterion", line)


def decision_row(
    segment_id: str, criterion: str, polarity: str, decision: str, coder: str, note: str = ""
) -> dict[str, str]:
    """One decision as a review-file row, stamped with the time it was made (UTC)."""
    return {
        "segment_id": segment_id,
        "criterion": criterion,
        "polarity": polarity,
        "decision": decision,
        "coder": coder,
        "note": note,
        "decided_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def spread_nothing(decisions: pd.DataFrame, criteria: list[str]) -> pd.DataFrame:
    """The decisions with each ``none`` (nothing here) replaced, where it stands, by a
    ``reject`` of every criterion and polarity, so that the last row still wins: a code
    added after a ``none`` stands, a ``none`` after a code drops it."""
    nothing = decisions["decision"] == NOTHING
    if not nothing.any():
        return decisions
    codes = pd.DataFrame(
        [(c, p) for c in criteria for p in POLARITIES], columns=["criterion", "polarity"]
    )
    parts = []
    for _, block in decisions.groupby((nothing != nothing.shift()).cumsum(), sort=True):
        if not nothing.loc[block.index[0]]:
            parts.append(block)
            continue
        spread = block.drop(columns=["criterion", "polarity"]).merge(codes, how="cross")
        parts.append(spread.assign(decision="reject")[decisions.columns])
    return pd.concat(parts, ignore_index=True)


def latest_decisions(decisions: pd.DataFrame) -> pd.DataFrame:
    """The decision in force for each segment, criterion and polarity: the last one."""
    return decisions.drop_duplicates(["segment_id", "criterion", "polarity"], keep="last")


def apply_review(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    review: ReviewFile | pd.DataFrame,
    codebook: Codebook,
) -> ReviewOutcome:
    """The automatic codings with a researcher's decisions applied.

    Rejected codings drop out; added ones join, tied to their segment; every coding says
    where it came from (``source``: auto, accepted or added) and who decided (``coder``).
    Decisions about segments the corpus no longer has are reported, not applied.
    """
    source = review.source if isinstance(review, ReviewFile) else "<review>"
    decisions = review.decisions() if isinstance(review, ReviewFile) else review
    codings = codings.assign(source="auto", coder="", note="")
    if decisions.empty:
        return ReviewOutcome(codings[REVIEWED_CODING_COLUMNS])
    check_criteria(decisions, source, codebook)
    decisions = spread_nothing(decisions, codebook.criterion_ids)
    notices = []
    known = decisions["segment_id"].isin(segments["segment_id"])
    if not known.all():
        stale = decisions[~known]
        notices.append(
            Notice(
                source,
                int(stale["line"].iloc[0]) if "line" in stale else None,
                f"{len(stale)} decision(s) refer to segments this corpus does not have "
                "(was a transcript edited?); they were not applied",
            )
        )
    latest = latest_decisions(decisions[known])
    keys = ["segment_id", "criterion", "polarity"]
    merged = codings.drop(columns=["coder", "note"]).merge(
        latest[[*keys, "decision", "coder", "note"]], on=keys, how="left"
    )
    kept = merged[merged["decision"] != "reject"].copy()
    decided = kept["decision"].notna()
    kept.loc[decided, "source"] = "accepted"
    kept[["coder", "note"]] = kept[["coder", "note"]].fillna("")
    coded = set(zip(*(codings[k] for k in keys), strict=True))
    is_coded = pd.Series(
        [key in coded for key in zip(*(latest[k] for k in keys), strict=True)],
        index=latest.index,
        dtype=bool,
    )
    # A coding the researcher accepted or added stands even when the rules, changed
    # since, no longer propose it.
    additions = latest[~is_coded & latest["decision"].isin(["accept", "add"])]
    added = _added_codings(additions, segments, codebook)
    table = pd.concat([kept[REVIEWED_CODING_COLUMNS], added], ignore_index=True)
    order = segments[["segment_id"]].reset_index(names="position")
    table = (
        table.merge(order, on="segment_id", how="left")
        .sort_values(["position", "criterion", "polarity"], kind="stable")
        .drop(columns="position")
        .reset_index(drop=True)
    )
    table["negated"] = table["negated"].astype(bool)
    return ReviewOutcome(
        codings=table,
        accepted=int((is_coded & latest["decision"].isin(["accept", "add"])).sum()),
        rejected=int((is_coded & (latest["decision"] == "reject")).sum()),
        added=len(added),
        coders=tuple(sorted({c for c in latest["coder"] if c})),
        notices=notices,
        decided_at={
            (s, c, p): str(d)
            for s, c, p, d in zip(
                *(latest[k] for k in keys),
                latest.get("decided_at", pd.Series("", index=latest.index)),
                strict=True,
            )
            if isinstance(d, str) and d
        },
    )


def check_criteria(decisions: pd.DataFrame, source: str, codebook: Codebook) -> None:
    """Every decision names a criterion of the codebook: another codebook's file is an error."""
    named = decisions[decisions["decision"] != NOTHING] if "decision" in decisions else decisions
    unknown = named[~named["criterion"].isin(codebook.criterion_ids)]
    if not unknown.empty:
        first = unknown.iloc[0]
        raise InputError(
            source,
            f"criterion {first['criterion']!r} is not in the codebook "
            f"(it has {', '.join(codebook.criterion_ids)})",
            int(first["line"]) if "line" in unknown else None,
        )


def _added_codings(
    additions: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook
) -> pd.DataFrame:
    """Codings the researcher added, with the segment's place and text."""
    if additions.empty:
        return pd.DataFrame(columns=REVIEWED_CODING_COLUMNS)
    columns = ["segment_id", "informant", "role", "start", "end", "text"]
    table = additions.merge(segments[columns], on="segment_id", how="left")
    table = table.assign(
        method="manual",
        phrase="",
        phrases="",
        negated=False,
        negator="",
        matched="",
        rule=[
            f"{'added' if d == 'add' else 'accepted'} by {c or 'a researcher'}"
            for d, c in zip(table["decision"], table["coder"], strict=True)
        ],
        codebook_sha256=codebook.sha256[:12],
        source=table["decision"].map({"add": "added", "accept": "accepted"}),
    )
    return table[REVIEWED_CODING_COLUMNS]
