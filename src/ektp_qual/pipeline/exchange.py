"""Coders compared and other tools' codings brought in: ``agree`` and ``import_project``."""

from __future__ import annotations

import pandas as pd

from ..language.privacy import (
    Masker,
    shared_notices,
)
from ..loop.intercoder import Agreement, agreement_of, check_coders, study_of
from ..model import Codebook, Corpus, PathLike
from ..refi.mapping import ImportResult, to_review
from ..refi.qde import read_qdpx
from .steps import _reduce, data_reduction, load


def agree(
    coders: list[PathLike],
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    whole_corpus: bool = False,
    personal_data: bool = False,
) -> Agreement:
    """Agreement between coders' files (or ``"auto"``, the automatic coder): ``ektp-qual
    agree``.

    Without transcripts and codebook, coders' files inside a study folder
    (``codebook.yaml`` and ``transcripts/`` beside them) are read against that study,
    and other files against the sample. ``whole_corpus``: every coder coded every
    interview, so what a file does not mention is absent, not missing.
    """
    check_coders(coders)
    if transcripts is None and codebook is None:
        transcripts, codebook = study_of(coders) or (None, None)
    corpus, book, _ = load(transcripts, codebook, None)
    reduction = _reduce(corpus, book, personal_data)
    return agreement_of(coders, reduction, whole_corpus=whole_corpus)


def import_project(
    path: PathLike,
    transcripts: PathLike | Corpus | None = None,
    codebook: PathLike | Codebook | None = None,
    *,
    coder: str | None = None,
    personal_data: bool = False,
    offsets: str | None = None,
) -> ImportResult:
    """Another tool's codings (a REFI-QDA project) mapped onto a corpus: ``ektp-qual
    import``.

    Unless ``personal_data``, informants' names, NIK and phone numbers in the imported
    texts, notes and source names (often a file named after the informant) and in the
    notices are masked, as in every other table. ``offsets``: how the project counts
    selection offsets (see ``refi.qde.read_qdpx``); found from the tool by default.
    """
    project = read_qdpx(path, offsets=offsets)
    reduction = data_reduction(transcripts, codebook, personal_data=personal_data)
    # Sources exported masked are found again by masking the corpus the same way, even
    # when this import keeps personal data.
    exported_with = reduction.masker or Masker.for_study(reduction.corpus, reduction.codebook)
    result = to_review(project, reduction, coder=coder, masked_with=exported_with)
    if not personal_data:
        mask = reduction.masker

        def masked(column: str, how) -> pd.Series:
            return result.codings[column].map(lambda v: how(v) if isinstance(v, str) else v)

        result.codings = result.codings.assign(
            source=masked("source", mask.file_name),
            text=masked("text", mask),
            name=masked("name", mask),
            note=masked("note", mask),
        )
        result.notices = shared_notices(result.notices, mask)
    return result
