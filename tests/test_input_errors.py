"""Bad input: every error case of docs/formats.md, through the library and through the CLI.

Each error names the file (and the line, where there is one), says what is wrong in
words a researcher can act on, ends the CLI with status 2 and one ``error:`` line (no
traceback), and writes nothing. The accepted variants of docs/formats.md (BOM, CRLF,
interviewer labels, timestamps, preamble, continuation lines, README files) parse.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ektp_qual
from ektp_qual import (
    InputError,
    parse_codebook,
    parse_transcript,
    read_codebook,
    read_corpus,
    read_transcript,
)
from ektp_qual.cli import app

runner = CliRunner()

# --- docs/formats.md examples, verbatim -----------------------------------------------------

FORMATS_TRANSCRIPT = """\
---
informant: M07
role: masyarakat
name: Ibu Sri (pseudonym)
gender: P
age: 45
occupation: pedagang
kelurahan: Sawah Lama
interviewed: 2013-04-18
---
P: Selamat pagi, Bu. Bagaimana pengalaman Ibu waktu merekam e-KTP di kecamatan?
M07: Antriannya panjang sekali. Saya datang jam tujuh pagi,
baru dipanggil jam dua siang.
P: Bagaimana sikap petugas saat melayani Ibu?
M07: [00:04:12] Petugasnya ramah, tapi ada satu yang judes.
"""

FORMATS_CODEBOOK = """\
codebook: gronroos-1988
title: Six criteria of good perceived service quality (Gronroos, 1988)
language: id                 # spaCy language code used to tokenise
negators: [tidak, tak, kurang, belum, bukan, nggak, gak, enggak, tanpa]
evaluative:                  # generic judgements, attributed through the question asked
  positive: [baik, bagus, puas, memuaskan, lancar]
  negative: [buruk, jelek, kecewa, mengecewakan, parah]
decision:
  threshold: 0.75            # share of informants with a stance who must be positive
  roles: [masyarakat]        # whose stances decide; omit to count every role
criteria:
  - id: attitude
    label: Sikap dan Perilaku
    label_en: Attitudes and Behaviour
    definition: >
      Informants feel that the staff care about them and try to solve their
      problem in a friendly, spontaneous way.
    questions:
      - Bagaimana sikap petugas saat melayani?
    positive: [ramah, sopan, sabar, murah senyum]
    negative: [judes, ketus, cuek, pilih kasih]
"""

# --- helpers ---------------------------------------------------------------------------


def transcript(
    informant: str = "M01",
    role: str = "masyarakat",
    body: str | None = None,
    meta: str = "",
) -> str:
    """A small valid transcript; ``meta`` is extra front-matter lines."""
    if body is None:
        body = (
            "P: Bagaimana sikap petugas saat melayani Ibu?\n"
            f"{informant}: Petugasnya ramah.\n"
            "P: Bagaimana antriannya?\n"
            f"{informant}: Antriannya panjang sekali.\n"
        )
    return f"---\ninformant: {informant}\nrole: {role}\n{meta}---\n{body}"


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return folder


@pytest.fixture
def good_corpus(tmp_path: Path) -> Path:
    """Two Indonesian interviews, valid to docs/formats.md."""
    return write_files(
        tmp_path / "wawancara",
        {
            "M01.txt": transcript(
                "M01",
                body=(
                    "P: Bagaimana sikap petugas saat melayani Ibu?\n"
                    "M01: Petugasnya ramah. Sopan juga.\n"
                    "P: Bagaimana antriannya?\n"
                    "M01: Antriannya panjang sekali.\n"
                ),
            ),
            "M02.txt": transcript(
                "M02",
                meta="kelurahan: Sawah Lama\n",
                body=(
                    "P: Bagaimana sikap petugas saat melayani Bapak?\n"
                    "M02: Ada yang judes, ada yang ramah.\n"
                ),
            ),
        },
    )


@pytest.fixture
def good_codebook(tmp_path: Path) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(FORMATS_CODEBOOK, encoding="utf-8")
    return path


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


ANY_LINE = object()  # the line is not specified (any, or none)


def check_error(error: InputError, path: Path, line: object, *words: str) -> None:
    """The error names ``path`` (and ``line``) and its problem mentions ``words``."""
    assert Path(error.source) == path
    if line is ANY_LINE:
        line = error.line
        assert line is None or line >= 1
    assert error.line == line
    where = f"{path}:{line}" if line else str(path)
    assert str(error) == f"{where}: {error.problem}"
    assert error.problem.strip()
    assert "Traceback" not in error.problem
    for word in words:
        assert word.lower() in error.problem.lower(), (word, error.problem)


def invoke_code(transcripts: Path, codebook: Path, out: Path):
    return runner.invoke(
        app,
        ["code", "--transcripts", str(transcripts), "--codebook", str(codebook), "--out", str(out)],
    )


def check_cli_error(result, out: Path, path: Path, line: object, *words: str) -> str:
    """Exit 2 and a single ``error:`` line naming the file (and line), without a traceback;
    returns that line. (Callers check that nothing was written.)"""
    assert result.exit_code == 2, result.output
    # our own exit, not an escaped exception nor a Click usage error (also status 2)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert "Usage:" not in result.output
    errors = [row for row in result.output.splitlines() if row.startswith("error: ")]
    assert len(errors) == 1, result.output
    message = errors[0]
    if line is ANY_LINE:
        assert re.match(rf"error: {re.escape(str(path))}(:[0-9]+)?: ", message), message
    else:
        where = f"{path}:{line}: " if line else f"{path}: "
        assert message.startswith("error: " + where), message
    for word in words:
        assert word.lower() in message.lower(), (word, message)
    return message


def test_cli_runner_mixes_stderr_into_output(tmp_path: Path, good_codebook: Path):
    """The checks below read ``result.output``: it must hold what went to stderr."""
    folder = write_files(tmp_path / "c", {"M01.txt": "M01: tanpa front matter\n"})
    result = invoke_code(folder, good_codebook, tmp_path / "out")
    assert result.exit_code == 2
    assert "error: " in result.stderr
    assert result.stderr.strip() in result.output


# --- transcripts: error cases ----------------------------------------------------------

# (files of the corpus, the file the error names, its line, words of the problem), by case id
TRANSCRIPT_ERRORS = [
    pytest.param(
        {"M01.txt": "informant: M01\nrole: masyarakat\nM01: Petugasnya ramah.\n"},
        "M01.txt",
        1,
        ["front matter", "---"],
        id="missing-front-matter",
    ),
    pytest.param(
        {"M01.txt": "P: Bagaimana?\nM01: Petugasnya ramah.\n"},
        "M01.txt",
        1,
        ["front matter"],
        id="no-front-matter-at-all",
    ),
    pytest.param(
        {"M01.txt": "---\ninformant: M01\nrole: masyarakat\nM01: Petugasnya ramah.\n"},
        "M01.txt",
        1,
        ["front matter", "---"],
        id="unclosed-front-matter",
    ),
    pytest.param(
        {
            "M01.txt": "---\ninformant: M01\nrole: masyarakat\n"
            "name: Ibu Sri: pedagang\n---\nM01: Petugasnya ramah.\n"
        },
        "M01.txt",
        4,
        ["YAML"],
        id="malformed-yaml-front-matter",
    ),
    pytest.param(
        {
            "M01.txt": "---\ninformant: M01\nrole: masyarakat\n"
            "kelurahan: [Sawah Lama\nage: 45\n---\nM01: Petugasnya ramah.\n"
        },
        "M01.txt",
        5,
        ["YAML"],
        id="malformed-yaml-unclosed-bracket",
    ),
    pytest.param(
        {"M01.txt": "---\n- informant\n- M01\n---\nM01: Petugasnya ramah.\n"},
        "M01.txt",
        2,
        ["front matter", "key: value"],
        id="front-matter-is-a-list",
    ),
    pytest.param(
        {"M01.txt": "---\nwawancara dengan ibu sri\n---\nM01: Petugasnya ramah.\n"},
        "M01.txt",
        2,
        ["front matter", "key: value"],
        id="front-matter-is-a-sentence",
    ),
    pytest.param(
        {"M01.txt": "---\nrole: masyarakat\n---\nM01: Petugasnya ramah.\n"},
        "M01.txt",
        2,
        ["informant"],
        id="missing-informant",
    ),
    pytest.param(
        {"M01.txt": "---\ninformant:\nrole: masyarakat\n---\nM01: Petugasnya ramah.\n"},
        "M01.txt",
        2,
        ["informant"],
        id="empty-informant",
    ),
    pytest.param(
        {"M01.txt": "---\ninformant: M01\n---\nM01: Petugasnya ramah.\n"},
        "M01.txt",
        2,
        ["role"],
        id="missing-role",
    ),
    pytest.param(
        {"M01.txt": transcript("M 07")},
        "M01.txt",
        2,
        ["M 07", "letters"],
        id="informant-id-with-space",
    ),
    pytest.param(
        {"M01.txt": transcript("M07/A")},
        "M01.txt",
        2,
        ["M07/A", "letters"],
        id="informant-id-with-slash",
    ),
    pytest.param(
        {"M01.txt": transcript("Bu.Sri")},
        "M01.txt",
        2,
        ["Bu.Sri", "letters"],
        id="informant-id-with-dot",
    ),
    pytest.param(
        {"a.txt": transcript("M01"), "b.txt": transcript("M01")},
        "b.txt",
        2,
        ["duplicate", "M01", "a.txt"],
        id="duplicate-informant",
    ),
    pytest.param(
        {
            "M01.txt": "---\ninformant: M01\nrole: masyarakat\n---\n"
            "P: Bagaimana sikap petugas saat melayani Ibu?\n"
            "Peneliti: Ibu tidak menjawab.\n"
        },
        "M01.txt",
        5,
        ["informant turn"],
        id="only-interviewer-turns",
    ),
    pytest.param(
        {
            "M01.txt": "---\ninformant: M01\nrole: masyarakat\ninterviewer: [T]\n---\n"
            "T: Bagaimana sikap petugas?\n"
        },
        "M01.txt",
        6,
        ["informant turn"],
        id="only-custom-interviewer-turns",
    ),
    pytest.param(
        {"M01.txt": "---\ninformant: M01\nrole: masyarakat\n---\n\n"},
        "M01.txt",
        5,
        ["informant turn"],
        id="empty-body",
    ),
    pytest.param(
        {
            "M01.txt": "---\ninformant: M01\nrole: masyarakat\n---\n"
            "Wawancara di rumah informan, tanpa label pembicara.\n"
        },
        "M01.txt",
        5,
        ["informant turn"],
        id="body-without-labels",
    ),
    pytest.param(
        {
            "M01.txt": (
                "---\ninformant: M01\nrole: masyarakat\n---\n"
                "P: Bagaimana pelayanannya?\n"
                "M01: Petugasnya ramah, saya minum caf\xe9 dulu.\n"
            ).encode("latin-1")
        },
        "M01.txt",
        6,
        ["UTF-8"],
        id="not-utf-8",
    ),
    pytest.param(
        {
            "M01.txt": (
                b"---\r\ninformant: M01\r\nrole: masyarakat\r\n---\r\n"
                b"P: Bagaimana pelayanannya?\r\n"
                b"M01: Bagus.\r\n"
                b"M01: Pelayanannya memuaskan \x96 cepat.\r\n"
            )
        },
        "M01.txt",
        7,
        ["UTF-8"],
        id="not-utf-8-windows-1252-crlf",
    ),
]


@pytest.mark.parametrize(("files", "name", "line", "words"), TRANSCRIPT_ERRORS)
def test_read_corpus_rejects(tmp_path: Path, files, name, line, words):
    folder = write_files(tmp_path / "corpus", files)
    with pytest.raises(InputError) as caught:
        read_corpus(folder)
    check_error(caught.value, folder / name, line, *words)


@pytest.mark.parametrize(("files", "name", "line", "words"), TRANSCRIPT_ERRORS)
def test_cli_rejects_transcripts(tmp_path: Path, good_codebook: Path, files, name, line, words):
    folder = write_files(tmp_path / "corpus", files)
    out = tmp_path / "out"
    result = invoke_code(folder, good_codebook, out)
    check_cli_error(result, out, folder / name, line, *words)
    assert not out.exists()


SINGLE_FILE_ERRORS = [p for p in TRANSCRIPT_ERRORS if len(p.values[0]) == 1]


@pytest.mark.parametrize(("files", "name", "line", "words"), SINGLE_FILE_ERRORS)
def test_read_transcript_rejects(tmp_path: Path, files, name, line, words):
    folder = write_files(tmp_path / "corpus", files)
    with pytest.raises(InputError) as caught:
        read_transcript(folder / name)
    check_error(caught.value, folder / name, line, *words)


@pytest.mark.parametrize(
    ("files", "name", "line", "words"),
    [p for p in SINGLE_FILE_ERRORS if isinstance(p.values[0][p.values[1]], str)],
)
def test_parse_transcript_rejects(files, name, line, words):
    path = Path("interviews") / name
    with pytest.raises(InputError) as caught:
        parse_transcript(files[name], path)
    check_error(caught.value, path, line, *words)


def test_duplicate_informant_names_both_files(tmp_path: Path, good_codebook: Path):
    folder = write_files(
        tmp_path / "corpus",
        {"kelurahan-a/M01.txt": transcript("M01"), "kelurahan-b/M01-ulang.txt": transcript("M01")},
    )
    first, second = folder / "kelurahan-a/M01.txt", folder / "kelurahan-b/M01-ulang.txt"
    with pytest.raises(InputError) as caught:
        read_corpus(folder)
    check_error(caught.value, second, 2, "duplicate", "M01", str(first))
    out = tmp_path / "out"
    message = check_cli_error(invoke_code(folder, good_codebook, out), out, second, 2)
    assert str(first) in message
    assert not out.exists()


def test_transcript_single_file_given_to_cli_is_checked(tmp_path: Path, good_codebook: Path):
    path = tmp_path / "M01.txt"
    path.write_text("---\ninformant: M01\n---\nM01: Petugasnya ramah.\n", encoding="utf-8")
    out = tmp_path / "out"
    check_cli_error(invoke_code(path, good_codebook, out), out, path, 2, "role")
    assert not out.exists()


def test_empty_folder(tmp_path: Path, good_codebook: Path):
    folder = tmp_path / "kosong"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        read_corpus(folder)
    check_error(caught.value, folder, None, "transcripts")
    out = tmp_path / "out"
    check_cli_error(invoke_code(folder, good_codebook, out), out, folder, None, "transcripts")
    assert not out.exists()


def test_folder_with_only_readme_is_empty(tmp_path: Path):
    folder = write_files(tmp_path / "corpus", {"README.md": "# Catatan\nBelum ada wawancara.\n"})
    with pytest.raises(InputError) as caught:
        read_corpus(folder)
    check_error(caught.value, folder, None, "transcripts")


def test_missing_folder(tmp_path: Path, good_codebook: Path):
    folder = tmp_path / "tidak-ada"
    with pytest.raises(InputError) as caught:
        read_corpus(folder)
    check_error(caught.value, folder, None)
    out = tmp_path / "out"
    check_cli_error(invoke_code(folder, good_codebook, out), out, folder, None)
    assert not out.exists()


INFORMANT_ON_LINE_4 = "---\nrole: masyarakat\nage: 45\ninformant: {id}\n---\nM07: Ramah.\n"


@pytest.mark.parametrize(
    ("files", "name", "words"),
    [
        pytest.param(
            {"M07.txt": INFORMANT_ON_LINE_4.format(id="M 07")}, "M07.txt", ["M 07"], id="bad-id"
        ),
        pytest.param(
            {"a.txt": transcript("M07"), "b.txt": INFORMANT_ON_LINE_4.format(id="M07")},
            "b.txt",
            ["duplicate", "a.txt"],
            id="duplicate-id",
        ),
    ],
)
def test_informant_error_points_at_the_informant_line(tmp_path: Path, files, name, words):
    """The line of the 'informant:' key, wherever it is in the front matter."""
    folder = write_files(tmp_path / "corpus", files)
    with pytest.raises(InputError) as caught:
        read_corpus(folder)
    check_error(caught.value, folder / name, 4, *words)


# Front matter that is valid YAML syntax but whose values YAML cannot build.
UNBUILDABLE_FRONT_MATTER = [
    pytest.param("interviewed: 2013-02-30\n", 4, id="impossible-date"),
    pytest.param("interviewed: 2013-13-01\n", 4, id="impossible-month"),
    pytest.param("age: !!int empat puluh\n", 4, id="bad-int-tag"),
    pytest.param("catatan: !!python/object:os.system ls\n", 4, id="unsafe-tag"),
    pytest.param("umur: 45\ncatatan: " + "[" * 3000 + "\n", ANY_LINE, id="deeply-nested"),
]


@pytest.mark.parametrize(("meta", "line"), UNBUILDABLE_FRONT_MATTER)
def test_unbuildable_front_matter_is_an_input_error(tmp_path: Path, meta: str, line):
    text = transcript("M01", meta=meta)
    with pytest.raises(InputError) as caught:
        parse_transcript(text, "M01.txt")
    check_error(caught.value, Path("M01.txt"), line)
    assert caught.value.line is None or 1 <= caught.value.line <= 6  # in the front matter


@pytest.mark.parametrize(("meta", "line"), UNBUILDABLE_FRONT_MATTER)
def test_cli_unbuildable_front_matter(tmp_path: Path, good_codebook: Path, meta: str, line):
    folder = write_files(tmp_path / "corpus", {"M01.txt": transcript("M01", meta=meta)})
    out = tmp_path / "out"
    check_cli_error(invoke_code(folder, good_codebook, out), out, folder / "M01.txt", line)
    assert not out.exists()


# --- codebooks: error cases ------------------------------------------------------------

CRITERION = "  - id: attitude\n    label: Sikap dan Perilaku\n    positive: [ramah, sopan]\n"

# (codebook text, line, words in the problem)
CODEBOOK_ERRORS = [
    pytest.param(
        "codebook: mini\ntitel: Kualitas pelayanan\ncriteria:\n" + CRITERION,
        2,
        ["unknown", "titel"],
        id="unknown-top-level-key",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n"
        "  - id: attitude\n"
        "    label: Sikap dan Perilaku\n"
        "    positiv: [ramah, sopan]\n"
        "    negative: [judes]\n",
        5,
        ["unknown", "positiv"],
        id="unknown-key-in-criterion",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n"
        + CRITERION
        + "  - id: reliability\n    label: Keandalan\n    negative: [pungli]\n"
        + "    catatan: lihat bab 2\n",
        9,
        ["unknown", "catatan"],
        id="unknown-key-in-second-criterion",
    ),
    pytest.param(
        "codebook: mini\ndecision:\n  treshold: 0.5\ncriteria:\n" + CRITERION,
        3,
        ["unknown", "treshold"],
        id="unknown-key-in-decision",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n"
        + CRITERION
        + "  - id: attitude\n    label: Sikap lagi\n    negative: [judes]\n",
        6,
        ["duplicate", "attitude"],
        id="duplicate-criterion-id",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n"
        "  - id: attitude\n"
        "    label: Sikap dan Perilaku\n"
        '    positive: [ramah, ""]\n',
        5,
        ["empty", "positive"],
        id="empty-phrase",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n"
        "  - id: attitude\n"
        "    label: Sikap dan Perilaku\n"
        "    positive: [ramah, '-']\n",
        5,
        ["'-'", "no words", "positive"],
        id="punctuation-phrase",
    ),
    pytest.param(
        "codebook: mini\nnegators: [tidak, ~]\ncriteria:\n" + CRITERION,
        2,
        ["'~'", "no words", "negators"],
        id="null-phrase",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n"
        "  - id: attitude\n"
        "    label: Sikap dan Perilaku\n"
        "    positive: [ramah]\n"
        "    negative:\n"
        "      - judes\n"
        '      - "   "\n',
        8,
        ["empty", "negative"],
        id="blank-phrase-block-list",
    ),
    pytest.param(
        "codebook: mini\nnegators: [tidak, '']\ncriteria:\n" + CRITERION,
        2,
        ["empty", "negators"],
        id="empty-negator",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n  - id: attitude\n    label: Sikap dan Perilaku\n",
        3,
        ["phrase", "attitude"],
        id="criterion-without-phrases",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n"
        "  - id: attitude\n    label: Sikap dan Perilaku\n    positive: []\n    negative: []\n",
        3,
        ["phrase", "attitude"],
        id="criterion-with-empty-lists",
    ),
    pytest.param(
        "codebook: mini\ntitle: Kualitas pelayanan\n",
        1,
        ["criteria"],
        id="missing-criteria",
    ),
    pytest.param(
        "codebook: mini\ncriteria: []\n",
        2,
        ["criteria"],
        id="empty-criteria",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n  - id: attitude\n    label: Sikap: dan Perilaku\n"
        "    positive: [ramah]\n",
        4,
        ["YAML"],
        id="invalid-yaml-colon",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n  - id: attitude\n    label: Sikap\n"
        "    positive: [ramah, sopan\n    negative: [judes]\n",
        6,
        ["YAML"],
        id="invalid-yaml-unclosed-bracket",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n"
        "  - id: attitude\n    label: Sikap\n    positive: [ramah]\n    label: Sikap lagi\n",
        6,
        ["duplicate", "label"],
        id="duplicate-mapping-key",
    ),
    pytest.param(
        "codebook: mini\ncriteria:\n" + CRITERION + "codebook: lagi\n",
        6,
        ["duplicate", "codebook"],
        id="duplicate-top-level-key",
    ),
    pytest.param(
        "codebook: mini\ndecision:\n  threshold: 1.5\ncriteria:\n" + CRITERION,
        3,
        ["threshold"],
        id="threshold-above-1",
    ),
    pytest.param(
        "codebook: mini\ndecision:\n  threshold: 75\ncriteria:\n" + CRITERION,
        3,
        ["threshold"],
        id="threshold-as-percent",
    ),
    pytest.param(
        "codebook: mini\ndecision:\n  threshold: 0\ncriteria:\n" + CRITERION,
        3,
        ["threshold"],
        id="threshold-zero",
    ),
    pytest.param(
        "codebook: mini\ndecision:\n  threshold: -0.5\ncriteria:\n" + CRITERION,
        3,
        ["threshold"],
        id="threshold-negative",
    ),
    pytest.param(
        "codebook: mini\ndecision:\n  threshold: tinggi\ncriteria:\n" + CRITERION,
        3,
        ["threshold"],
        id="threshold-not-a-number",
    ),
    pytest.param(
        "codebook: mini\ndecision:\n  rule: majority\n  threshold: 0.5\ncriteria:\n" + CRITERION,
        3,
        ["rule", "majority"],
        id="unknown-decision-rule",
    ),
]


@pytest.mark.parametrize(("text", "line", "words"), CODEBOOK_ERRORS)
def test_parse_codebook_rejects(text, line, words):
    path = Path("codebooks") / "mini.yaml"
    with pytest.raises(InputError) as caught:
        parse_codebook(text, path)
    check_error(caught.value, path, line, *words)


@pytest.mark.parametrize(("text", "line", "words"), CODEBOOK_ERRORS)
def test_read_codebook_rejects(tmp_path: Path, text, line, words):
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_codebook(path)
    check_error(caught.value, path, line, *words)


@pytest.mark.parametrize(("text", "line", "words"), CODEBOOK_ERRORS)
def test_cli_rejects_codebook(tmp_path: Path, good_corpus: Path, text, line, words):
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    check_cli_error(invoke_code(good_corpus, path, out), out, path, line, *words)
    assert not out.exists()


def test_codebook_not_utf_8(tmp_path: Path, good_corpus: Path):
    path = tmp_path / "mini.yaml"
    text = (
        "codebook: mini\ncriteria:\n  - id: attitude\n    label: Sikap\n    positive: [caf\xe9]\n"
    )
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(InputError) as caught:
        read_codebook(path)
    check_error(caught.value, path, 5, "UTF-8")
    out = tmp_path / "out"
    check_cli_error(invoke_code(good_corpus, path, out), out, path, 5, "UTF-8")


def test_missing_codebook_file(tmp_path: Path, good_corpus: Path):
    path = tmp_path / "tidak-ada.yaml"
    with pytest.raises(InputError) as caught:
        read_codebook(path)
    check_error(caught.value, path, None)
    out = tmp_path / "out"
    check_cli_error(invoke_code(good_corpus, path, out), out, path, None)
    assert not out.exists()


# Codebook text that is valid YAML syntax but whose values YAML cannot build.
UNBUILDABLE_CODEBOOKS = [
    pytest.param(
        "codebook: mini\nversion: 2013-02-30\ncriteria:\n" + CRITERION, 2, id="impossible-date"
    ),
    pytest.param(
        "codebook: mini\ntitle: !!python/object:os.system x\ncriteria:\n" + CRITERION,
        2,
        id="unsafe-tag",
    ),
    pytest.param(
        "codebook: mini\nversion: !!int dua\ncriteria:\n" + CRITERION, 2, id="bad-int-tag"
    ),
    pytest.param("codebook: mini\n? [a, b]\n: c\ncriteria:\n" + CRITERION, 2, id="complex-key"),
    pytest.param(
        "codebook: mini\ncriteria:\n" + CRITERION + "    questions: " + "[" * 3000 + "\n",
        ANY_LINE,
        id="deeply-nested",
    ),
]


@pytest.mark.parametrize(("text", "line"), UNBUILDABLE_CODEBOOKS)
def test_unbuildable_codebook_is_an_input_error(text: str, line):
    with pytest.raises(InputError) as caught:
        parse_codebook(text, "mini.yaml")
    check_error(caught.value, Path("mini.yaml"), line)


@pytest.mark.parametrize(("text", "line"), UNBUILDABLE_CODEBOOKS)
def test_cli_unbuildable_codebook(tmp_path: Path, good_corpus: Path, text: str, line):
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    check_cli_error(invoke_code(good_corpus, path, out), out, path, line)
    assert not out.exists()


# --- a codebook that does not fit the corpus ---------------------------------------------


def codebook_deciding(tmp_path: Path, roles: str) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(FORMATS_CODEBOOK.replace("[masyarakat]", roles), encoding="utf-8")
    return path


ROLES_LINE = (
    FORMATS_CODEBOOK.split("\n").index(
        next(line for line in FORMATS_CODEBOOK.split("\n") if "roles:" in line)
    )
    + 1
)


def test_deciding_role_no_transcript_has_is_an_input_error(tmp_path: Path, good_corpus: Path):
    """Every verdict would be "undetermined" without a word: refuse, naming the roles."""
    path = codebook_deciding(tmp_path, "[students]")
    with pytest.raises(InputError) as caught:
        ektp_qual.analyse(good_corpus, path)
    check_error(caught.value, path, ROLES_LINE, "'students'", "no transcript", "'masyarakat'")


@pytest.mark.parametrize("command", ["code", "validate"])
def test_cli_deciding_role_no_transcript_has(tmp_path: Path, good_corpus: Path, command: str):
    path = codebook_deciding(tmp_path, "[Masyarakat]")
    out = tmp_path / "out"
    args = [command, "-t", str(good_corpus), "-c", str(path)]
    result = runner.invoke(app, args + (["-o", str(out)] if command == "code" else []))
    check_cli_error(result, out, path, ROLES_LINE, "'Masyarakat'", "roles are 'masyarakat'")
    assert not out.exists()


def test_deciding_roles_partly_missing_is_a_warning(tmp_path: Path, good_corpus: Path):
    path = codebook_deciding(tmp_path, "[masyarakat, mahasiswa]")
    reduction = ektp_qual.reduce(good_corpus, path)
    assert any("'mahasiswa'" in n.message and n.line == ROLES_LINE for n in reduction.notices)
    issues = ektp_qual.validate(read_corpus(good_corpus), read_codebook(path))
    warnings = issues[issues["level"] == "warning"]["message"]
    assert warnings.str.contains("'mahasiswa', which no transcript has").any()


# --- an interviewer the front matter does not name --------------------------------------

RESEARCHER_BODY = (
    "Researcher: Selamat pagi, Bu.\n"
    "M01: Pagi.\n"
    "Researcher: Bagaimana sikap petugas saat melayani Ibu?\n"
    "M01: Petugasnya ramah. Tapi ada yang judes juga, ya kan?\n"
    "Researcher: Antriannya bagaimana?\n"
    "M01: Antriannya panjang sekali.\n"
)


@pytest.mark.parametrize("informant_label", ["M01", "Ibu"])
def test_undeclared_interviewer_is_refused(tmp_path: Path, good_codebook, informant_label):
    """Questions of an interviewer labelled 'Researcher' would be coded as the informant's
    evidence with exit 0: refuse, with the front-matter line that fixes it."""
    body = RESEARCHER_BODY.replace("M01:", f"{informant_label}:")
    folder = write_files(tmp_path / "c", {"M01.txt": transcript("M01", body=body)})
    out = tmp_path / "out"
    message = check_cli_error(
        invoke_code(folder, good_codebook, out), out, folder / "M01.txt", 7, "'Researcher'"
    )
    assert message.endswith("'interviewer: Researcher'")
    assert not out.exists()
    fixed = transcript("M01", body=body, meta="interviewer: Researcher\n")
    write_files(folder, {"M01.txt": fixed})
    assert invoke_code(folder, good_codebook, out).exit_code == 0


def test_informant_asking_back_and_a_third_voice_are_no_interviewer(tmp_path: Path):
    """Informants ask things too, and a relative may put in one question: not refused."""
    body = (
        "P: Bagaimana sikap petugas saat melayani Ibu?\n"
        "M01: Ramah. Ibu sendiri sudah bikin?\n"
        "P: Sudah, Bu. Antriannya bagaimana?\n"
        "M01: Panjang. Kenapa ya lama sekali?\n"
        "Suami: Waktu itu kan hujan, Bu?\n"
        "M01: Iya, hujan.\n"
    )
    corpus = read_corpus(write_files(tmp_path / "c", {"M01.txt": transcript("M01", body=body)}))
    speakers = {t.speaker for t in corpus.transcripts[0].turns if not t.is_interviewer}
    assert speakers == {"M01", "Suami"}


# --- accepted variants -----------------------------------------------------------------


def turn_tuples(t) -> list[tuple[str, bool, str, str | None]]:
    return [(u.speaker, u.is_interviewer, u.text, u.timestamp) for u in t.turns]


def check_offsets(t) -> None:
    for turn in t.turns:
        assert t.body[turn.start : turn.end] == turn.text


def test_formats_example_transcript_verbatim(tmp_path: Path):
    path = tmp_path / "M07.txt"
    path.write_text(FORMATS_TRANSCRIPT, encoding="utf-8")
    t = read_transcript(path)
    assert t.informant == "M07"
    assert t.role == "masyarakat"
    assert t.name == "Ibu Sri (pseudonym)"
    assert "name" not in t.attributes
    assert t.attributes["kelurahan"] == "Sawah Lama"
    assert t.attributes["age"] == 45
    assert t.attributes["interviewed"] == "2013-04-18"
    assert t.body_line == 11
    assert turn_tuples(t) == [
        (
            "P",
            True,
            "Selamat pagi, Bu. Bagaimana pengalaman Ibu waktu merekam e-KTP di kecamatan?",
            None,
        ),
        (
            "M07",
            False,
            "Antriannya panjang sekali. Saya datang jam tujuh pagi,\nbaru dipanggil jam dua siang.",
            None,
        ),
        ("P", True, "Bagaimana sikap petugas saat melayani Ibu?", None),
        ("M07", False, "Petugasnya ramah, tapi ada satu yang judes.", "00:04:12"),
    ]
    assert [u.line for u in t.turns] == [11, 12, 14, 15]
    assert t.preamble == ""
    check_offsets(t)
    assert turn_tuples(parse_transcript(FORMATS_TRANSCRIPT, path)) == turn_tuples(t)


def test_formats_example_codebook_verbatim(tmp_path: Path):
    book = parse_codebook(FORMATS_CODEBOOK, "gronroos.yaml")
    assert book.id == "gronroos-1988"
    assert book.language == "id"
    assert [c.id for c in book.criteria] == ["attitude"]
    attitude = book.criteria[0]
    assert attitude.label == "Sikap dan Perilaku"
    assert attitude.label_en == "Attitudes and Behaviour"
    assert attitude.positive == ("ramah", "sopan", "sabar", "murah senyum")
    assert attitude.negative == ("judes", "ketus", "cuek", "pilih kasih")
    assert attitude.questions == ("Bagaimana sikap petugas saat melayani?",)
    assert "tanpa" in book.negators
    assert book.decision.threshold == 0.75
    assert book.decision.roles == ("masyarakat",)
    path = tmp_path / "gronroos.yaml"
    path.write_text(FORMATS_CODEBOOK, encoding="utf-8")
    assert read_codebook(path).criteria == book.criteria


def test_formats_examples_run_through_the_cli(tmp_path: Path, good_codebook: Path):
    folder = write_files(tmp_path / "corpus", {"M07.txt": FORMATS_TRANSCRIPT})
    out = tmp_path / "out"
    result = invoke_code(folder, good_codebook, out)
    assert result.exit_code == 0, result.output
    assert "error: " not in result.output
    assert (out / "codings.csv").is_file()
    assert "Ibu Sri" not in (out / "informants.csv").read_text(encoding="utf-8")


def test_bom_is_accepted(tmp_path: Path):
    text = transcript("M01")
    path = tmp_path / "M01.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    t = read_transcript(path)
    assert t.informant == "M01"
    assert turn_tuples(t) == turn_tuples(parse_transcript(text, path))
    assert turn_tuples(parse_transcript("\ufeff" + text, path)) == turn_tuples(t)
    check_offsets(t)


def test_bom_codebook_is_accepted(tmp_path: Path):
    path = tmp_path / "gronroos.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + FORMATS_CODEBOOK.encode("utf-8"))
    assert read_codebook(path).id == "gronroos-1988"


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_windows_line_endings_are_accepted(tmp_path: Path, newline: str):
    text = FORMATS_TRANSCRIPT + "\nP: Terima kasih, Bu.\n\nM07: Sama-sama.\nLanjut lagi.\n"
    path = tmp_path / "M07.txt"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    expected = parse_transcript(text, path)
    for t in (read_transcript(path), parse_transcript(text.replace("\n", newline), path)):
        assert "\r" not in t.body
        assert turn_tuples(t) == turn_tuples(expected)
        assert [u.line for u in t.turns] == [u.line for u in expected.turns]
        check_offsets(t)


def test_crlf_and_bom_together(tmp_path: Path):
    path = tmp_path / "M07.txt"
    path.write_bytes(b"\xef\xbb\xbf" + FORMATS_TRANSCRIPT.replace("\n", "\r\n").encode("utf-8"))
    t = read_transcript(path)
    assert turn_tuples(t) == turn_tuples(parse_transcript(FORMATS_TRANSCRIPT, path))
    check_offsets(t)


@pytest.mark.parametrize(
    "interviewer",
    ["interviewer: T", "interviewer: [T]", "interviewer: [T, Asisten]", "interviewer:\n- T\n"],
)
def test_interviewer_as_string_or_list(interviewer: str):
    body = (
        "T: Bagaimana sikap petugas saat melayani Ibu?\n"
        "M01: Petugasnya ramah.\n"
        "Asisten: Kalau antriannya?\n"
        "M01: Panjang sekali.\n"
    )
    t = parse_transcript(transcript("M01", body=body, meta=interviewer.rstrip("\n") + "\n"))
    listed = {"T", "Asisten"} if "Asisten" in interviewer else {"T"}
    assert [(u.speaker, u.is_interviewer) for u in t.turns] == [
        ("T", True),
        ("M01", False),
        ("Asisten", "Asisten" in listed),
        ("M01", False),
    ]
    assert set(t.interviewer_labels) == listed
    check_offsets(t)


def test_default_interviewer_labels():
    body = "".join(
        f"{label}: Pertanyaan {i}?\nI: Jawaban {i}.\n"
        for i, label in enumerate(["P", "Peneliti", "Pewawancara", "Interviewer", "Q"])
    )
    t = parse_transcript(transcript("M01", body=body + "Informan: Ya.\nR: Ya.\nM01: Ya.\n"))
    assert [u.is_interviewer for u in t.turns] == [True, False] * 5 + [False] * 3
    informant_speakers = {u.speaker for u in t.turns if not u.is_interviewer}
    assert informant_speakers == {"I", "Informan", "R", "M01"}


@pytest.mark.parametrize(
    "interviewer", ["interviewer: Tim Peneliti", "interviewer: [Tim Peneliti, P]"]
)
def test_multi_word_interviewer_label(interviewer: str):
    body = (
        "Tim Peneliti: Bagaimana sikap petugas saat melayani Ibu?\n"
        "M01: Petugasnya ramah.\n"
        "Tim Peneliti: Kalau antriannya?\n"
        "M01: Panjang sekali.\n"
    )
    t = parse_transcript(transcript("M01", body=body, meta=interviewer + "\n"))
    assert [(u.speaker, u.is_interviewer, u.text) for u in t.turns] == [
        ("Tim Peneliti", True, "Bagaimana sikap petugas saat melayani Ibu?"),
        ("M01", False, "Petugasnya ramah."),
        ("Tim Peneliti", True, "Kalau antriannya?"),
        ("M01", False, "Panjang sekali."),
    ]
    check_offsets(t)


@pytest.mark.parametrize(("stamp", "expected"), [("[00:04:12]", "00:04:12"), ("[04:12]", "04:12")])
def test_timestamps_are_metadata(stamp: str, expected: str):
    body = (
        f"P: {stamp} Bagaimana sikap petugas?\n"
        f"M01: {stamp} Petugasnya ramah.\n"
        "M01: Tanpa cap waktu [00:05:00] di tengah.\n"
    )
    t = parse_transcript(transcript("M01", body=body))
    assert [(u.timestamp, u.text) for u in t.turns] == [
        (expected, "Bagaimana sikap petugas?"),
        (expected, "Petugasnya ramah."),
        (None, "Tanpa cap waktu [00:05:00] di tengah."),
    ]
    check_offsets(t)


def test_preamble_is_kept_warned_and_not_coded(tmp_path: Path):
    preamble = "Wawancara di rumah informan. Petugas kelurahan ramah sekali menyambut kami."
    body = f"{preamble}\n\nP: Bagaimana antriannya?\nM01: Saya tidak ingat.\n"
    folder = write_files(tmp_path / "corpus", {"M01.txt": transcript("M01", body=body)})
    t = read_transcript(folder / "M01.txt")
    assert t.preamble == preamble
    assert [u.speaker for u in t.turns] == ["P", "M01"]
    assert all(preamble not in u.text for u in t.turns)
    corpus = read_corpus(folder)
    assert len(corpus.notices) == 1
    notice = corpus.notices[0]
    assert Path(notice.source) == folder / "M01.txt"
    assert notice.line == 5
    assert "preamble" in notice.message
    # never coded: 'ramah' in the preamble gives no evidence
    reduction = ektp_qual.reduce(corpus, parse_codebook(FORMATS_CODEBOOK, "gronroos.yaml"))
    assert reduction.codings.empty
    assert not reduction.segments["text"].str.contains("ramah").any()


def test_preamble_is_a_warning_in_the_cli(tmp_path: Path, good_codebook: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    body = "Wawancara di rumah informan.\nP: Bagaimana petugasnya?\nM01: Petugasnya ramah.\n"
    folder = write_files(tmp_path / "corpus", {"M01.txt": transcript("M01", body=body)})
    result = invoke_code(folder, good_codebook, tmp_path / "out")
    assert result.exit_code == 0, result.output
    # a warning wraps between words, its continuation lines indented
    items = re.sub(r"\n +", " ", result.output).splitlines()
    warnings = [
        line
        for line in items
        if line.startswith("warning: ") and "before the first speaker turn" in line
    ]
    assert len(warnings) == 1
    # the file as the researcher reads it: relative to the working folder
    assert warnings[0].startswith("warning: corpus/M01.txt:5: ")
    assert "preamble" in warnings[0]


def test_continuation_lines_and_paragraphs():
    body = (
        "P: Bagaimana pengalaman Ibu?\n"
        "M01: Antriannya panjang sekali. Saya datang jam tujuh pagi,\n"
        "baru dipanggil jam dua siang.\n"
        "\n"
        "Besoknya saya datang lagi: blangkonya habis.\n"
        "\n"
        "P: Lalu?\n"
        "M01: Sudah, begitu saja.\n"
    )
    t = parse_transcript(transcript("M01", body=body))
    assert turn_tuples(t) == [
        ("P", True, "Bagaimana pengalaman Ibu?", None),
        (
            "M01",
            False,
            "Antriannya panjang sekali. Saya datang jam tujuh pagi,\n"
            "baru dipanggil jam dua siang.\n\n"
            "Besoknya saya datang lagi: blangkonya habis.",
            None,
        ),
        ("P", True, "Lalu?", None),
        ("M01", False, "Sudah, begitu saja.", None),
    ]
    assert [u.line for u in t.turns] == [5, 6, 11, 12]
    check_offsets(t)


def test_readme_and_other_files_are_skipped(tmp_path: Path):
    folder = write_files(
        tmp_path / "corpus",
        {
            "README.md": "# Wawancara e-KTP\nCatatan: file ini bukan transkrip.\n",
            "sub/readme.txt": "Petunjuk transkripsi.\n",
            "M01.txt": transcript("M01"),
            "sub/M02.md": transcript("M02"),
            "codebook.yaml": FORMATS_CODEBOOK,
            ".hidden/M03.txt": "bukan transkrip",
        },
    )
    corpus = read_corpus(folder)
    assert corpus.informants == ["M01", "M02"]
    assert corpus.notices == []


def test_corpus_is_searched_recursively_sorted_by_path(tmp_path: Path):
    folder = write_files(
        tmp_path / "corpus",
        {
            "b/M03.txt": transcript("M03"),
            "a/M09.txt": transcript("M09"),
            "M05.md": transcript("M05"),
        },
    )
    assert read_corpus(folder).informants == ["M05", "M09", "M03"]


# --- outputs never overwrite the researcher's files -------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.read_bytes()) for p in files_under(folder)
    }


def test_hand_written_file_in_out_is_never_overwritten(tmp_path: Path, good_corpus: Path):
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "codings.csv"
    mine.write_text("informant,catatan\nM01,koding manual saya\n", encoding="utf-8")
    before = mine.read_bytes()
    result = invoke_code(good_corpus, ektp_qual.sample_codebook(), out)
    check_cli_error(result, out, mine, None)
    assert mine.read_bytes() == before
    assert files_under(out) == [mine]


def test_second_run_replaces_the_tools_own_files(tmp_path: Path, good_corpus: Path):
    out = tmp_path / "out"
    first = invoke_code(good_corpus, ektp_qual.sample_codebook(), out)
    assert first.exit_code == 0, first.output
    written = snapshot(out)
    assert "codings.csv" in written and ".ektp-qual-manifest.json" in written
    second = invoke_code(good_corpus, ektp_qual.sample_codebook(), out)
    assert second.exit_code == 0, second.output
    again = snapshot(out)
    assert set(again) == set(written)
    for name, (inode, data) in again.items():
        if name != ".ektp-qual-manifest.json":  # the manifest names the run that wrote
            assert data == written[name][1], name  # same input, same tables
        assert inode != written[name][0], name  # a new file was put in place
    assert not [p for p in files_under(out) if p.name.endswith(".tmp")]


def test_tool_file_edited_by_hand_is_not_overwritten(tmp_path: Path, good_corpus: Path):
    out = tmp_path / "out"
    assert invoke_code(good_corpus, ektp_qual.sample_codebook(), out).exit_code == 0
    edited = out / "stances.csv"
    edited.write_text(edited.read_text(encoding="utf-8") + "catatan tangan\n", encoding="utf-8")
    before = snapshot(out)
    result = invoke_code(good_corpus, ektp_qual.sample_codebook(), out)
    check_cli_error(result, out, edited, None)
    assert snapshot(out) == before


def test_failed_validation_leaves_existing_output_alone(tmp_path: Path, good_corpus: Path):
    out = tmp_path / "out"
    assert invoke_code(good_corpus, ektp_qual.sample_codebook(), out).exit_code == 0
    before = snapshot(out)
    (good_corpus / "M03.txt").write_text(transcript("M01"), encoding="utf-8")  # duplicate id
    result = invoke_code(good_corpus, ektp_qual.sample_codebook(), out)
    check_cli_error(result, out, good_corpus / "M03.txt", 2, "duplicate")
    assert snapshot(out) == before
    assert os.listdir(out)


def test_the_documented_examples_are_the_ones_tested():
    """docs/formats.md shows exactly the transcript and codebook these tests read."""
    docs = (Path(__file__).resolve().parents[1] / "docs" / "formats.md").read_text("utf-8")
    assert FORMATS_TRANSCRIPT in docs
    assert FORMATS_CODEBOOK in docs


@pytest.mark.parametrize(
    "command",
    [
        ["code"],
        ["validate"],
        ["codebook", "test"],
        ["reduce"],
        ["kwic", "ramah"],
    ],
)
def test_a_language_spacy_does_not_know_is_one_error_in_every_command(
    tmp_path: Path, good_corpus: Path, command
):
    codebook = tmp_path / "english.yaml"
    codebook.write_text(
        FORMATS_CODEBOOK.replace("language: id ", "language: english ")
        + "    examples:\n      positive: [Petugasnya ramah.]\n",
        encoding="utf-8",
    )
    args = [*command, "-c", str(codebook)]
    if command != ["codebook", "test"]:
        args += ["-t", str(good_corpus)]
    if command[0] in ("code", "reduce"):
        args += ["-o", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert f"{codebook}: language 'english' is not a language spaCy knows" in result.output
    assert not (tmp_path / "out").exists()


def test_a_paragraph_over_a_million_characters_is_coded(tmp_path: Path, good_codebook: Path):
    """spaCy refuses texts over a million characters by default (E088); a long paragraph
    of a transcript without line breaks is still read."""
    folder = write_files(
        tmp_path / "long",
        {"M1.txt": transcript("M1", body="P: Bagaimana?\nM1: " + "ramah " * 170_000 + "\n")},
    )
    result = runner.invoke(
        app, ["reduce", "-t", str(folder), "-c", str(good_codebook), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output


def test_a_paragraph_longer_than_ektp_qual_reads_is_refused(
    tmp_path: Path, good_codebook: Path, monkeypatch
):
    from ektp_qual.coding import coder as coding

    monkeypatch.setattr(coding, "MAX_PARAGRAPH", 40)
    folder = write_files(
        tmp_path / "long",
        {"M1.txt": transcript("M1", body="P: Bagaimana?\nM1: " + "Ramah sekali. " * 5 + "\n")},
    )
    out = tmp_path / "o"
    result = runner.invoke(
        app, ["code", "-t", str(folder), "-c", str(good_codebook), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "M1.txt:6: a paragraph of 69 characters" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_a_phrase_of_a_million_characters_is_refused(tmp_path: Path):
    text = FORMATS_CODEBOOK.replace("[ramah, sopan,", "[" + "ramah" * 200_000 + ", sopan,")
    with pytest.raises(InputError, match="a phrase is a few words"):
        parse_codebook(text, "big.yaml")


def test_escape_sequences_in_the_data_never_reach_the_terminal(tmp_path: Path, good_codebook):
    """Text from participants prints as text: a title, a cleared screen or a link made by
    escape sequences in a transcript or a role never acts on the terminal."""
    injected = "\x1b]0;pwned\x07\x1b[2J\x1b]8;;http://example.invalid\x1b\\link\x1b]8;;\x1b\\"
    folder = write_files(
        tmp_path / "evil",
        {
            "M1.txt": transcript(
                "M1",
                body=f"P: Bagaimana sikap petugas?\nM1: Petugasnya judes.{injected}\n",
            ).replace("role: masyarakat", 'role: "masyarakat\\e]0;role\\a"'),
            "M2.txt": transcript("M2"),  # a deciding role is present
        },
    )
    for args in (["code", "-o", str(tmp_path / "o")], ["validate"], ["kwic", "judes"]):
        result = runner.invoke(app, [*args, "-t", str(folder), "-c", str(good_codebook)])
        assert result.exit_code in (0, 1), result.output
        assert "\x1b" not in result.output and "\x07" not in result.output, args
    assert "judes" in result.output


def test_the_safe_console_keeps_its_own_colours():
    import io

    from rich.text import Text

    from ektp_qual.outputs.terminal import SafeConsole

    out = io.StringIO()
    console = SafeConsole(file=out, force_terminal=True, color_system="standard")
    console.print(Text("ramah", style="red"), Text("judes\x1b[2J\x07"))
    assert out.getvalue() == "\x1b[31mramah\x1b[0m judes[2J\n"
