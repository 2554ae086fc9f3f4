"""A review decision as the rows it writes, and the one way they are saved.

The terminal review and the browser workbench both turn a researcher's decision into
review-file rows here and save them here, so the two write the same file for the same
decisions: accept and reject are one row; flipping the polarity or recoding to another
criterion rejects the proposal and adds its correction; adding is one row; "nothing
here" (``none``: the sentence holds no evidence for any criterion) is one row for the
whole sentence. Saving goes
through ``outputs.export.update_review``: the file is read again under its lock,
changed, and replaced in one step, so a hand edit or a parallel session is never lost.
"""

from __future__ import annotations

from pathlib import Path

from ..inputs.review_file import NOTHING, decision_row
from ..model.errors import InputError
from ..outputs.export import update_review

#: What a researcher can decide about a proposed coding (``add`` needs no proposal).
ACTIONS = ("accept", "reject", "flip", "recode", "add", NOTHING)


def other_polarity(polarity: str) -> str:
    """The opposite polarity: what a flip makes of a coding."""
    return "negative" if polarity == "positive" else "positive"


def decision_rows(
    action: str,
    segment_id: str,
    criterion: str,
    polarity: str,
    coder: str,
    *,
    to: str = "",
    note: str = "",
) -> list[dict[str, str]]:
    """The review-file rows of one decision about ``segment_id``'s coding.

    ``to`` is the criterion a ``recode`` moves the coding to; ``note`` goes with every
    row the decision writes, so it explains the rejection and the correction alike.
    ``none`` is about the whole sentence: ``criterion`` and ``polarity`` are ignored.
    """

    def row(criterion: str, polarity: str, decision: str) -> dict[str, str]:
        return decision_row(segment_id, criterion, polarity, decision, coder, note)

    if action == NOTHING:
        return [row("", "", NOTHING)]
    if action in ("accept", "reject", "add"):
        return [row(criterion, polarity, action)]
    if action == "flip":
        return [row(criterion, polarity, "reject"), row(criterion, other_polarity(polarity), "add")]
    if action == "recode":
        if not to or to == criterion:
            raise InputError("recode", "name another criterion to recode to")
        return [row(criterion, polarity, "reject"), row(to, polarity, "add")]
    raise InputError("decision", f"unknown decision {action!r} (use {', '.join(ACTIONS)})")


def save_decisions(path: str | Path, rows: list[dict[str, str]], *, undo: bool = False) -> Path:
    """Add the rows to the review file, or (``undo``) remove the last rows equal to them."""
    return update_review(
        path,
        lambda current: current.without_decisions(rows) if undo else current.with_decisions(rows),
    )
