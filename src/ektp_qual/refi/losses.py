"""What a REFI-QDA export cannot carry, in sentences: shown as a warning on export and
written into the project's own description."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .qdaxml import CASES_CODE

if TYPE_CHECKING:
    from .project_document import _Project

#: What a REFI-QDA export never carries (``export_losses`` adds what depends on the data).
ALWAYS_LOST = (
    "Stances (each informant's positive/negative/mixed/none per criterion) and the display "
    "matrices are not carried; another tool can count the codings but does not apply "
    "ektp-qual's reduction.",
    "The codebook's matching machinery is not carried: negators, morphology (clitics, "
    "variants, stemmer), negation window, clause breaks, irrealis and ignore lists, and the "
    "codebook's test examples. Phrase lists, evaluative words and guide questions appear "
    "only as text in the codes' descriptions, which no other tool applies.",
    "Evidence is carried as free text only: method, phrase, matched words, negator, rule, "
    "source (auto/accepted/added), coder and note are listed in each selection's "
    "Description; a Coding element has no memo. Several phrases firing for the same "
    "sentence, criterion and polarity become one Coding. Some tools (QualCoder) credit all "
    "codings of a selection to the selection's creatingUser.",
    "Review decisions are carried only through their result: rejected proposals are absent, "
    "accepted codings are credited to the reviewer who accepted them (their description "
    "says the automatic coder proposed them), added codings to the reviewer who added "
    "them, dated when they decided (decided_at); automatic codings are dated with the "
    "export.",
    "Only coded sentences become selections: the segmentation into turns and sentences, "
    "the question each sentence answers and its topic are not carried (a selection's "
    "description names its segment id, turn and sentence).",
    "Each source text is the transcript body after the front matter: line numbers in "
    "ektp-qual's tables (file lines) do not match the exported text's lines. The front "
    "matter's attributes are case variables; interviewer labels are not carried.",
    "Input notices (warnings about the transcripts or the codebook) are not carried.",
    f"Each informant's case is also a code of the case's GUID (below '{CASES_CODE}') coding "
    "the whole transcript, because QualCoder links cases to text only that way; ATLAS.ti "
    "and MAXQDA show these as codes of whole documents.",
    "REFI-QDA is a migration format: work done on the export in another tool can only come "
    "back by mapping codes by name ('<criterion> +' / '<criterion> -').",
)


def _losses(project: _Project) -> list[str]:
    analysis = project.analysis
    book = analysis.codebook
    decision = book.decision
    roles = ", ".join(decision.roles) if decision.roles else "every role"
    losses = [
        "Conclusions are not carried: the decision rule "
        f"({decision.rule}, threshold {decision.threshold:g}, deciding roles: {roles}), the "
        "verdict per criterion, the overall verdict, triangulation and any comparison with "
        "expected findings exist only in ektp-qual's own tables.",
        *ALWAYS_LOST,
    ]
    review = analysis.reduction.review
    if review is not None and review.rejected:
        losses.append(
            f"{review.rejected} coding(s) rejected in review are absent from the export, "
            "with no trace of the rejection."
        )
    return [*losses, *_data_losses(project)]


def _data_losses(project: _Project) -> list[str]:
    """The losses that depend on what this export holds."""
    losses = []
    if project.personal_data:
        losses.append(
            "Personal data was asked for: the source texts are the transcripts unmasked "
            "(names, NIKs, phone numbers as written) and the informants' names, if given, are "
            "the case variable 'name'; private attributes are not exported."
        )
    else:
        masks = sum(len(s.masked.spans) for s in project.sources)
        losses.append(
            "The informants' names (front matter 'name') and private attributes are not "
            "exported"
            + (
                f"; {masks} name(s), NIK(s) or phone number(s) in the source texts are masked "
                "as [NAME], [NIK] or [PHONE], so those texts differ from the transcripts."
                if masks
                else "."
            )
        )
    wide = [s.name for s in project.sources if any(ord(ch) > 0xFFFF for ch in s.text)]
    if wide:
        which = (
            "Offsets are UTF-16 units, as NVivo counts them (--offsets utf16); QualCoder, "
            "ATLAS.ti and MAXQDA count code points and show codings after such characters "
            "shifted."
            if project.utf16
            else "Offsets are code points, as the standard says; NVivo counts UTF-16 units "
            "and shows codings after such characters shifted (export for NVivo with "
            "--offsets utf16)."
        )
        losses.append(
            f"{len(wide)} source(s) contain characters outside Unicode's basic plane (such as "
            f"emoji): {', '.join(wide[:5])}{', ...' if len(wide) > 5 else ''}. {which}"
        )
    replaced = sum(s.replaced for s in project.sources)
    if replaced:
        losses.append(
            f"{replaced} character(s) that XML 1.0 forbids (control characters) were replaced "
            "by U+FFFD in the source texts."
        )
    if project.as_text:
        losses.append(
            "Case variables with values of mixed types are exported as Text: "
            f"{', '.join(project.as_text)}."
        )
    if project.empty_variables:
        losses.append(
            f"Attributes without any value are not exported: {', '.join(project.empty_variables)}."
        )
    return losses
