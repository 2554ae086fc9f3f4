"""Small corpora and codebooks written inside the tests, to the docs/formats.md contract."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

# A small Indonesian codebook written exactly to docs/formats.md (no extension keys).
MINI_CODEBOOK = """\
codebook: mini
title: Mini codebook for tests
language: id
negators: [tidak, tak, kurang, belum, bukan, nggak, gak, enggak, tanpa]
evaluative:
  positive: [baik, bagus, puas, memuaskan, lancar]
  negative: [buruk, jelek, kecewa, mengecewakan, parah]
decision:
  threshold: 0.75
  roles: [masyarakat]
criteria:
  - id: attitude
    label: Sikap dan Perilaku
    label_en: Attitudes and Behaviour
    questions:
      - Bagaimana sikap petugas saat melayani?
    positive: [petugas ramah, ramah, sopan, sabar, murah senyum]
    negative: [judes, ketus, cuek, pilih kasih]
  - id: professionalism
    label: Profesionalisme dan Keterampilan
    questions:
      - Bagaimana kecepatan proses perekaman, cepat atau lambat?
    positive: [cepat, cekatan]
    negative: [antrian panjang, lambat, berdesakan, blangko habis]
  - id: reliability
    label: Keandalan dan Kepercayaan
    questions:
      - Apakah ada biaya atau pungutan dalam pembuatan e-KTP?
    positive: [gratis, tepat waktu]
    negative: [pungli, pungutan liar, lama]
"""

# A codebook in another language, with five criteria and its own deciding role.
ENGLISH_CODEBOOK = """\
codebook: clinic
title: Outpatient clinic visits
language: en
negators: [not, no, never, "n't", hardly]
evaluative:
  positive: [good, fine, great]
  negative: [bad, awful, disappointed]
decision:
  threshold: 0.5
  roles: [patient]
criteria:
  - id: waiting
    label: Waiting time
    questions:
      - How long did you wait before you were seen?
    positive: [quick, on time]
    negative: [long wait, waited for hours, slow]
  - id: courtesy
    label: Courtesy
    questions:
      - How did the staff treat you?
    positive: [kind, polite, friendly]
    negative: [rude, dismissive]
  - id: clarity
    label: Clarity of information
    questions:
      - Did you understand what the doctor told you?
    positive: [clear, explained]
    negative: [confusing, jargon]
  - id: cost
    label: Cost
    questions:
      - What did the visit cost you?
    positive: [free, affordable]
    negative: [expensive, hidden fees]
  - id: access
    label: Access
    questions:
      - How easy was it to get an appointment?
    positive: [easy, close]
    negative: [far, no appointments]
"""


def transcript_text(
    informant: str,
    role: str,
    turns: list[tuple[str, str]],
    **attributes: object,
) -> str:
    """A transcript in the docs/formats.md shape; turns are (label, text)."""
    meta = [f"informant: {informant}", f"role: {role}"]
    meta += [f"{key}: {value}" for key, value in attributes.items()]
    body = "\n".join(f"{label}: {text}" for label, text in turns)
    return "---\n" + "\n".join(meta) + "\n---\n" + body + "\n"


def code_answers(sentences: list[str]):
    """Codings of each sentence as an answer to an open question, by the Gronroos codebook."""
    import ektp_qual
    from ektp_qual.inputs.transcripts import corpus_from

    turns = []
    for sentence in sentences:
        turns += [("P", "Ceritakan pengalaman Bapak waktu itu."), ("X1", sentence)]
    text = transcript_text("X1", "masyarakat", turns)
    corpus = corpus_from([ektp_qual.parse_transcript(text, "X1.txt")])
    book = ektp_qual.read_codebook(ektp_qual.sample_codebook())
    return ektp_qual.code_corpus(corpus, book).codings


@pytest.fixture
def write(tmp_path: Path):
    """Write a file under tmp_path and return its path."""

    def _write(relative: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding=encoding)
        return path

    return _write


@pytest.fixture(scope="module")
def mini():
    """The mini codebook, parsed: the Indonesian one of the rules' tests."""
    from ektp_qual import parse_codebook

    return parse_codebook(MINI_CODEBOOK, "mini.yaml")


@pytest.fixture(scope="module")
def clinic():
    """The English codebook, parsed."""
    from ektp_qual import parse_codebook

    return parse_codebook(ENGLISH_CODEBOOK, "clinic.yaml")


@pytest.fixture
def mini_codebook(write) -> Path:
    return write("codebook.yaml", MINI_CODEBOOK)


@pytest.fixture
def corpus_dir(tmp_path: Path):
    """Write transcripts into tmp_path/corpus: ``corpus_dir({id: (role, turns)})``."""

    def _corpus(spec: dict[str, tuple[str, list[tuple[str, str]]]]) -> Path:
        folder = tmp_path / "corpus"
        folder.mkdir(exist_ok=True)
        for informant, (role, turns) in spec.items():
            (folder / f"{informant}.txt").write_text(
                transcript_text(informant, role, turns), encoding="utf-8"
            )
        return folder

    return _corpus


@pytest.fixture
def clinic_study(corpus_dir, write) -> tuple[Path, Path]:
    """An English study whose roles are patient and staff; nobody speaks of clarity."""
    codebook = write("clinic.yaml", ENGLISH_CODEBOOK)
    folder = corpus_dir(
        {
            "pt-1": (
                "patient",
                [
                    ("Interviewer", "How did the staff treat you?"),
                    ("R", "They were kind. Fine, really."),
                    ("Interviewer", "How long did you wait before you were seen?"),
                    ("R", "A long wait, I waited for hours."),
                ],
            ),
            "pt-2": (
                "patient",
                [
                    ("Interviewer", "How did the staff treat you?"),
                    ("R", "The nurse was rude. The doctor was not rude, though."),
                    ("Interviewer", "What did the visit cost you?"),
                    ("R", "It was free."),
                ],
            ),
            "st-1": (
                "staff",
                [
                    ("Interviewer", "How long do patients wait?"),
                    ("R", "We are quick, usually on time."),
                ],
            ),
        }
    )
    return folder, codebook


@pytest.fixture(autouse=True, scope="session")
def _session_cache(tmp_path_factory):
    """Commands that keep the rules' coding between runs (``suggest``) keep it in a folder
    of the test session, never in the user's cache directory."""
    from ektp_qual.pipeline.cache import CACHE_ENV

    patch = pytest.MonkeyPatch()
    patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("cache")))
    yield
    patch.undo()
