"""Readers for Word documents, subtitles and survey exports (``ektp_qual.inputs.docx``,
``subtitles`` and ``survey``).

Every file here is written by the format's own library (python-docx, webvtt-py, the
csv module), as a researcher's tools would write it, then read back: the transcript
must be the one the ``.txt`` format gives (same turns, same codings, offsets into the
body), and every bad file one ``InputError`` naming the file and, where there is one,
the line (the paragraph, for Word).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest
import webvtt
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import ektp_qual
from ektp_qual import InputError, read_corpus, read_transcript
from ektp_qual.cli import app
from ektp_qual.inputs.survey import read_survey
from ektp_qual.inputs.transcripts import TRANSCRIPT_SUFFIXES, iter_transcript_paths
from ektp_qual.model import Transcript

INTERVIEW = """\
---
informant: M07
role: masyarakat
name: Ibu Sri (pseudonym)
gender: P
age: 45
kelurahan: Sawah Lama
interviewed: 2013-04-18
---
Wawancara di rumah informan.
P: Selamat pagi, Bu. Bagaimana pengalaman Ibu waktu merekam e-KTP di kecamatan?
M07: Antriannya panjang sekali. Saya datang jam tujuh pagi,
baru dipanggil jam dua siang.
P: Bagaimana sikap petugas saat melayani Ibu?
M07: [00:04:12] Petugasnya ramah, tapi ada satu yang judes.

Kalau ditanya sabar menjawab.
P: Apakah ada biaya atau pungutan dalam pembuatan e-KTP?
M07: Gratis, tidak ada pungli sama sekali.
"""


# --- helpers ---------------------------------------------------------------------------


def write_docx(path: Path, paragraphs: list[str]) -> Path:
    """A Word document with one paragraph per item; '\\n' in an item is a line break."""
    document = docx.Document()
    for text in paragraphs:
        paragraph = document.add_paragraph()
        for k, piece in enumerate(text.split("\n")):
            run = paragraph.add_run(piece)
            if k < text.count("\n"):
                run.add_break()
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_vtt(path: Path, cues: list[tuple[str, str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    webvtt.WebVTT(captions=[webvtt.Caption(*cue) for cue in cues]).save(str(path))
    return path


def write_srt(path: Path, cues: list[tuple[str, str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    webvtt.WebVTT(captions=[webvtt.Caption(*cue) for cue in cues]).save_as_srt(str(path))
    return path


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    data = ("\ufeff" if bom else "") + buffer.getvalue()
    path.write_bytes(data.encode("utf-8"))
    return path


def check_offsets(transcript: Transcript) -> None:
    for turn in transcript.turns:
        assert transcript.body[turn.start : turn.end] == turn.text


def raised(call, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return caught.value


def check_error(error: InputError, path: Path, line: int | None, *words: str) -> None:
    """One message naming ``path`` (and ``line``), mentioning ``words``."""
    assert Path(error.source) == path
    assert error.line == line
    where = f"{path}:{line}" if line else str(path)
    assert str(error) == f"{where}: {error.problem}"
    assert "Traceback" not in error.problem
    for word in words:
        assert word.lower() in error.problem.lower(), (word, error.problem)


def sample_codebook():
    return ektp_qual.read_codebook(ektp_qual.sample_codebook())


def coded(corpus) -> pd.DataFrame:
    return ektp_qual.code_corpus(corpus, sample_codebook()).codings


# --- Word -----------------------------------------------------------------------------


def test_docx_interview_codes_like_the_same_txt(tmp_path: Path):
    """A .docx written paragraph by paragraph is the .txt: same transcript, same codings."""
    txt = tmp_path / "txt" / "M07.txt"
    txt.parent.mkdir()
    txt.write_text(INTERVIEW, encoding="utf-8")
    word = write_docx(tmp_path / "docx" / "M07.docx", INTERVIEW.rstrip("\n").split("\n"))

    from_txt, from_docx = read_transcript(txt), read_transcript(word)
    assert from_docx.body == from_txt.body.removesuffix("\n")  # no empty last paragraph
    assert from_docx.attributes == from_txt.attributes
    assert (from_docx.informant, from_docx.role, from_docx.name) == (
        "M07",
        "masyarakat",
        "Ibu Sri (pseudonym)",
    )
    assert from_docx.turns == from_txt.turns  # one paragraph per line: lines are paragraphs
    assert from_docx.turns[3].timestamp == "00:04:12"
    check_offsets(from_docx)

    book = ektp_qual.sample_codebook()
    by_txt = ektp_qual.analyse(txt.parent, book).reduction
    by_docx = ektp_qual.analyse(word.parent, book).reduction
    assert len(by_docx.codings) > 3
    pd.testing.assert_frame_equal(by_docx.codings, by_txt.codings)
    pd.testing.assert_frame_equal(by_docx.segments, by_txt.segments)
    attitude = by_docx.codings[by_docx.codings["criterion"] == "attitude"]
    assert set(attitude["polarity"]) == {"positive", "negative"}  # ramah, judes
    # the preamble is a warning that says "paragraph"
    (preamble,) = [n for n in by_docx.notices if n.source == str(word)]
    assert preamble.line == 10 and "paragraph 10: text before" in preamble.message


def test_sample_corpus_as_docx_codes_the_same(tmp_path: Path):
    """The embedded Indonesian interviews, each retyped into Word, code exactly the same."""
    sample = ektp_qual.sample_transcripts()
    folder = tmp_path / "word"
    for path in iter_transcript_paths(sample):
        lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        write_docx(folder / f"{path.stem}.docx", lines)
    from_txt, from_docx = read_corpus(sample), read_corpus(folder)
    assert from_docx.informants == from_txt.informants
    pd.testing.assert_frame_equal(coded(from_docx), coded(from_txt))


def test_line_breaks_in_a_paragraph_are_line_breaks(tmp_path: Path):
    path = write_docx(
        tmp_path / "M01.docx",
        [
            "---",
            "informant: M01",
            "role: masyarakat",
            "---",
            "P: Bagaimana sikap petugas saat melayani?\nM01: Petugasnya ramah.\nsabar juga.",
            "P: Bagaimana antriannya?",
            "M01: Panjang sekali.",
        ],
    )
    transcript = read_transcript(path)
    assert [(t.speaker, t.text, t.line) for t in transcript.turns] == [
        ("P", "Bagaimana sikap petugas saat melayani?", 5),
        ("M01", "Petugasnya ramah.\nsabar juga.", 5),
        ("P", "Bagaimana antriannya?", 6),
        ("M01", "Panjang sekali.", 7),
    ]
    check_offsets(transcript)


def test_what_word_does_to_typed_yaml_is_undone(tmp_path: Path):
    """Empty paragraphs first, '---' turned into dashes, tabs, curly quotes, bullets."""
    document = docx.Document()
    for text in ["", "", "\u2014", "informant:\tM02", "role: masyarakat"]:
        document.add_paragraph(text)
    document.add_paragraph("name: \u201cPak Budi: pedagang\u201d")
    document.add_paragraph("interviewer:")
    document.add_paragraph("Dewi", style="List Bullet")
    document.add_paragraph("Peneliti", style="List Bullet")
    for text in ["\u2014\u2014\u2014", "Dewi: Bagaimana sikap petugas saat melayani?"]:
        document.add_paragraph(text)
    document.add_paragraph("M02: Sopan. \u201cSilakan, Pak\u201d katanya.")
    path = tmp_path / "M02.docx"
    document.save(str(path))
    transcript = read_transcript(path)
    assert transcript.name == "Pak Budi: pedagang"
    assert transcript.interviewer_labels == ("Dewi", "Peneliti")
    assert [(t.speaker, t.is_interviewer, t.line) for t in transcript.turns] == [
        ("Dewi", True, 11),
        ("M02", False, 12),
    ]
    assert transcript.turns[1].text == "Sopan. \u201cSilakan, Pak\u201d katanya."  # body as typed
    assert transcript.body_line == 11
    check_offsets(transcript)


def test_tables_are_not_read_and_said_so(tmp_path: Path):
    document = docx.Document()
    for text in ["---", "informant: M03", "role: masyarakat", "---"]:
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Tanggal", "18 April 2013"
    table.cell(1, 0).text, table.cell(1, 1).text = "M03", "Petugasnya judes."
    document.add_paragraph("P: Bagaimana sikap petugas saat melayani?")
    document.add_paragraph("M03: Ramah.")
    path = tmp_path / "corpus" / "M03.docx"
    path.parent.mkdir()
    document.save(str(path))

    corpus = read_corpus(path.parent)
    (transcript,) = corpus.transcripts
    assert "judes" not in transcript.body and "Tanggal" not in transcript.body
    assert [t.line for t in transcript.turns] == [5, 6]  # table rows are not paragraphs
    (notice,) = corpus.notices
    assert notice.source == str(path)
    assert "1 table not read" in notice.message and "Convert to Text" in notice.message

    # a transcript typed as a table: no turn is read, and the error says why
    document = docx.Document()
    for text in ["---", "informant: M04", "role: masyarakat", "---"]:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "M04", "Ramah."
    document.save(str(tmp_path / "M04.docx"))
    error = raised(read_transcript, tmp_path / "M04.docx")
    check_error(error, tmp_path / "M04.docx", None, "no informant turn", "table not read")


def test_tracked_changes_read_as_accepted(tmp_path: Path):
    document = docx.Document()
    for text in ["---", "informant: M05", "role: masyarakat", "---", "P: Bagaimana petugasnya?"]:
        document.add_paragraph(text)
    paragraph = document.add_paragraph("M05: Petugasnya ")
    inserted = paragraph.add_run("ramah")
    insertion = OxmlElement("w:ins", {qn("w:id"): "1", qn("w:author"): "Editor"})
    inserted._r.addprevious(insertion)
    insertion.append(inserted._r)
    deletion = OxmlElement("w:del", {qn("w:id"): "2", qn("w:author"): "Editor"})
    deleted_run = OxmlElement("w:r")
    deleted_text = OxmlElement("w:delText")
    deleted_text.text = " judes"
    deleted_run.append(deleted_text)
    deletion.append(deleted_run)
    paragraph._p.append(deletion)
    paragraph.add_run(".")
    path = tmp_path / "M05.docx"
    document.save(str(path))
    assert read_transcript(path).turns[-1].text == "Petugasnya ramah."


MISSING_ROLE = ["---", "informant: M07", "gender: P", "---", "M07: Ramah."]


@pytest.mark.parametrize(
    ("paragraphs", "paragraph", "words"),
    [
        (["Wawancara M07", "P: Halo", "M07: Ramah."], 1, ["missing front matter", "---"]),
        (["", "", "Wawancara M07", "M07: Ramah."], 3, ["missing front matter"]),
        (MISSING_ROLE, 2, ["no 'role'"]),
        (["", *MISSING_ROLE[:3], "role:", *MISSING_ROLE[3:]], 5, ["no 'role'"]),
        (["---", "informant: M 07", "role: masyarakat", "---", "M: x"], 2, ["informant id"]),
        (["---", "informant: M07", "role: [a", "---", "M07: x"], 3, ["not valid YAML"]),
        (["---", "informant: M07", "role: masyarakat", "M07: x"], 1, ["not closed"]),
        (
            ["---", "informant: M07", "role: masyarakat", "---", "Catatan", "P: Halo?"],
            5,
            ["no informant turn"],
        ),
    ],
)
def test_docx_errors_name_the_paragraph(tmp_path: Path, paragraphs, paragraph, words):
    path = write_docx(tmp_path / "M07.docx", paragraphs)
    error = raised(read_transcript, path)
    check_error(error, path, paragraph, f"paragraph {paragraph}:", *words)


def test_docx_error_after_a_line_break_names_its_paragraph(tmp_path: Path):
    path = write_docx(tmp_path / "M07.docx", ["---\ninformant: M07", "role:", "---", "M07: x"])
    check_error(raised(read_transcript, path), path, 2, "paragraph 2:", "no 'role'")


def _truncated(tmp_path: Path) -> bytes:
    data = write_docx(tmp_path / "whole.docx", MISSING_ROLE).read_bytes()
    return data[: len(data) // 2]


def _zip_without_word(tmp_path: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "bukan dokumen Word")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        # the OLE2 signature of a Word 97-2003 .doc, renamed .docx
        (lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), [".doc", "save it"]),
        (lambda _: INTERVIEW.encode(), ["not a Word .docx"]),
        (lambda _: b"", ["not a Word .docx"]),
        (_truncated, ["damaged"]),
        (_zip_without_word, ["damaged"]),
    ],
)
def test_not_a_docx_is_an_input_error(tmp_path: Path, content, words):
    path = tmp_path / "corpus" / "M07.docx"
    path.parent.mkdir()
    path.write_bytes(content(tmp_path))
    check_error(raised(read_transcript, path), path, None, *words)
    check_error(raised(read_corpus, path.parent), path, None, *words)


def test_empty_docx(tmp_path: Path):
    path = write_docx(tmp_path / "M07.docx", ["", "  "])
    check_error(raised(read_transcript, path), path, None, "no text")


def test_cli_reports_a_broken_docx_in_one_line(tmp_path: Path):
    folder = tmp_path / "corpus"
    write_docx(folder / "M01.docx", INTERVIEW.replace("M07", "M01").split("\n"))
    (folder / "M02.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "code",
            "--transcripts",
            str(folder),
            "--codebook",
            str(ektp_qual.sample_codebook()),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [row for row in result.output.splitlines() if row.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {folder / 'M02.docx'}: ")
    assert not out.exists()


# --- subtitles ------------------------------------------------------------------------

FRONT_MATTER = """\
informant: M11
role: masyarakat
interviewer: [Dewi Lestari]
kelurahan: Ciputat
"""


def test_vtt_with_voice_tags(tmp_path: Path):
    """As Teams writes them: full names in voice tags, one speaker's cues in a row."""
    path = write_vtt(
        tmp_path / "wawancara11.vtt",
        [
            ("00:00:01.000", "00:00:04.000", "<v Dewi Lestari>Selamat pagi, Bu.</v>"),
            (
                "00:00:04.500",
                "00:00:07.000",
                "<v Dewi Lestari>Bagaimana sikap petugas\nsaat melayani Ibu?</v>",
            ),
            ("00:00:07.250", "00:00:09.000", "<v Sri Wahyuni>Petugasnya ramah &amp; sopan.</v>"),
            ("00:00:09.000", "00:00:12.000", "<v Sri Wahyuni>Tapi ada satu yang judes.</v>"),
            (
                "01:02:03.900",
                "01:02:05.000",
                "<v Dewi Lestari>Terima kasih.</v><v Sri Wahyuni>Sama-sama.</v>",
            ),
        ],
    )
    (tmp_path / "wawancara11.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    transcript = read_transcript(path)
    assert (transcript.informant, transcript.role) == ("M11", "masyarakat")
    assert transcript.attributes == {"kelurahan": "Ciputat"}
    assert [(t.speaker, t.is_interviewer, t.timestamp, t.text) for t in transcript.turns] == [
        (
            "Dewi Lestari",
            True,
            "00:00:01",
            "Selamat pagi, Bu.\nBagaimana sikap petugas saat melayani Ibu?",
        ),
        (
            "Sri Wahyuni",
            False,
            "00:00:07",
            "Petugasnya ramah & sopan.\nTapi ada satu yang judes.",
        ),
        ("Dewi Lestari", True, "01:02:03", "Terima kasih."),
        ("Sri Wahyuni", False, "01:02:03", "Sama-sama."),
    ]
    assert [t.line for t in transcript.turns] == [3, 10, 16, 16]  # lines of the cue timings
    check_offsets(transcript)
    assert transcript.body.startswith("Dewi Lestari: [00:00:01] Selamat pagi, Bu.\n")

    codings = coded(ektp_qual.inputs.transcripts.corpus_from([transcript]))
    attitude = codings[codings["criterion"] == "attitude"]
    assert set(zip(attitude["polarity"], attitude["phrase"], strict=True)) >= {
        ("positive", "ramah"),
        ("negative", "judes"),
    }
    assert "Bagaimana" not in " ".join(codings["text"])  # questions are never evidence


def test_vtt_with_name_prefixes(tmp_path: Path):
    """As Zoom and Otter write them: 'Name: text'; a cue without a name continues."""
    path = write_vtt(
        tmp_path / "zoom.vtt",
        [
            ("00:00:01.000", "00:00:03.000", "Dewi Lestari: Apakah ada biaya atau pungutan?"),
            ("00:00:03.000", "00:00:05.000", "Speaker 2: Gratis, Mbak."),
            ("00:00:05.000", "00:00:06.000", "Tidak ada pungli. Jam 10: sudah selesai."),
            ("00:00:06.000", "00:00:08.000", "Speaker 2: Cepat sekali."),
            ("00:00:08.000", "00:00:09.000", "dewi lestari: Baik, terima kasih."),
        ],
    )
    (tmp_path / "zoom.yml").write_text(FRONT_MATTER, encoding="utf-8")
    transcript = read_transcript(path)
    assert [(t.speaker, t.timestamp, t.text) for t in transcript.turns] == [
        ("Dewi Lestari", "00:00:01", "Apakah ada biaya atau pungutan?"),
        (
            "Speaker 2",
            "00:00:03",
            "Gratis, Mbak.\nTidak ada pungli. Jam 10: sudah selesai.\nCepat sekali.",
        ),
        ("dewi lestari", "00:00:08", "Baik, terima kasih."),
    ]
    assert [t.is_interviewer for t in transcript.turns] == [True, False, True]
    check_offsets(transcript)


def test_srt_file(tmp_path: Path):
    """SubRip as webvtt-py writes it; the YAML between '---' lines as in a .txt file."""
    path = write_srt(
        tmp_path / "M12.srt",
        [
            ("00:00:01.000", "00:00:04.000", "Pewawancara: Bagaimana sikap petugas saat melayani?"),
            ("00:59:59.500", "01:00:02.000", "M12: Sudah baik."),
            ("01:00:02.000", "01:00:04.000", "Petugasnya sabar."),
        ],
    )
    assert path.read_text(encoding="utf-8").startswith("1\n00:00:01,000 --> 00:00:04,000\n")
    (tmp_path / "M12.yaml").write_text(
        "---\ninformant: M12\nrole: masyarakat\n---\n", encoding="utf-8"
    )
    transcript = read_transcript(path)
    assert transcript.interviewer_labels[0] == "P"  # the default labels
    assert [(t.speaker, t.is_interviewer, t.timestamp, t.line) for t in transcript.turns] == [
        ("Pewawancara", True, "00:00:01", 2),
        ("M12", False, "00:59:59", 6),
    ]
    check_offsets(transcript)
    codings = coded(ektp_qual.inputs.transcripts.corpus_from([transcript]))
    found = set(zip(codings["criterion"], codings["polarity"], codings["method"], strict=True))
    assert ("attitude", "positive", "structural") in found  # "Sudah baik." to the question


def test_subtitle_front_matter_must_be_beside_it(tmp_path: Path):
    path = write_vtt(tmp_path / "M13.vtt", [("00:00:01.000", "00:00:02.000", "P: Halo")])
    (tmp_path / "M13.txt.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    error = raised(read_transcript, path)
    check_error(error, path, None, "no front matter", str(tmp_path / "M13.yaml"))


def test_a_cue_without_speaker_before_any_turn(tmp_path: Path):
    """Whisper writes no speakers: the reader cannot know who spoke, so it says so."""
    path = write_vtt(
        tmp_path / "whisper.vtt",
        [
            ("00:00:00.000", "00:00:02.000", "Selamat pagi, Bu."),
            ("00:00:02.000", "00:00:04.000", "Pagi."),
        ],
    )
    (tmp_path / "whisper.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    error = raised(read_transcript, path)
    check_error(error, path, 3, "cue 1", "00:00:00", "no speaker", "<v Name>")


def test_malformed_subtitle_files(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    (tmp_path / "c.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    (tmp_path / "d.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    good = [
        ("00:00:01.000", "00:00:02.000", "Dewi Lestari: Halo?"),
        ("00:00:03.000", "00:00:04.000", "M11: Ramah."),
    ]
    # a subtitle file without its WEBVTT header
    text = write_vtt(tmp_path / "x.vtt", good).read_text(encoding="utf-8")
    (tmp_path / "a.vtt").write_text(text.removeprefix("WEBVTT\n"), encoding="utf-8")
    check_error(raised(read_transcript, tmp_path / "a.vtt"), tmp_path / "a.vtt", 1, "WEBVTT")
    # a cue timing that cannot be read, which webvtt-py would drop without a word
    (tmp_path / "b.vtt").write_text(text.replace("00:00:04.000", "00:00:74.000"), "utf-8")
    check_error(raised(read_transcript, tmp_path / "b.vtt"), tmp_path / "b.vtt", 6, "timing")
    (tmp_path / "c.vtt").write_text(text.replace("-->", "->", 2).replace("->", "-->", 1), "utf-8")
    check_error(raised(read_transcript, tmp_path / "c.vtt"), tmp_path / "c.vtt", 6, "outside")
    # an SRT file that is not one, and one with a cue number missing
    srt = write_srt(tmp_path / "y.srt", good).read_text(encoding="utf-8")
    (tmp_path / "c.srt").write_text("Transkrip wawancara\n" + srt, encoding="utf-8")
    check_error(raised(read_transcript, tmp_path / "c.srt"), tmp_path / "c.srt", 1, "SubRip")
    (tmp_path / "d.srt").write_text(srt.replace("\n2\n", "\n\n"), encoding="utf-8")
    check_error(raised(read_transcript, tmp_path / "d.srt"), tmp_path / "d.srt", 6, "number")
    # not UTF-8
    (tmp_path / "d.vtt").write_bytes(text.replace("Halo", "Caf\xe9").encode("latin-1"))
    check_error(raised(read_transcript, tmp_path / "d.vtt"), tmp_path / "d.vtt", 4, "UTF-8")


def test_impossible_cue_times_are_refused(tmp_path: Path):
    """webvtt-py kept a cue ending before it starts, and read 00:61:75 as 01:02:15."""
    (tmp_path / "e.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    (tmp_path / "f.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    vtt = tmp_path / "e.vtt"
    vtt.write_text("WEBVTT\n\n00:00:05.000 --> 00:00:03.000\nM11: Halo.\n", encoding="utf-8")
    check_error(
        raised(read_transcript, vtt), vtt, 3, "ends (00:00:03.000) before it starts (00:00:05.000)"
    )
    srt = tmp_path / "f.srt"
    srt.write_text("1\n00:61:75,000 --> 01:02:20,000\nM11: Halo.\n", encoding="utf-8")
    check_error(raised(read_transcript, srt), srt, 2, "'00:61:75,000'", "from 00 to 59")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    hours=st.integers(0, 98),
    minutes=st.integers(0, 99),
    seconds=st.integers(0, 99),
    millis=st.integers(0, 999),
    vtt=st.booleans(),
)
def test_a_cue_time_is_read_only_when_the_clock_has_it(
    tmp_path: Path, hours: int, minutes: int, seconds: int, millis: int, vtt: bool
):
    dot = "." if vtt else ","
    start = f"{hours:02d}:{minutes:02d}:{seconds:02d}{dot}{millis:03d}"
    timing = f"{start} --> {hours + 1:02d}:00:00{dot}000"
    path = tmp_path / ("g.vtt" if vtt else "g.srt")
    (tmp_path / "g.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    path.write_text(("WEBVTT\n\n" if vtt else "1\n") + f"{timing}\nM11: Halo.\n", "utf-8")
    if minutes > 59 or seconds > 59:
        error = raised(read_transcript, path)
        assert error.line == (3 if vtt else 2)
        assert "00 to 59" in error.problem or "cannot read the cue timing" in error.problem
    else:
        turn = read_transcript(path).turns[0]
        assert turn.timestamp == f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def test_subtitle_front_matter_errors_name_the_yaml(tmp_path: Path):
    cues = [
        ("00:00:01.000", "00:00:02.000", "<v Dewi Lestari>Bagaimana petugasnya?"),
        ("00:00:02.000", "00:00:03.000", "<v Sri Wahyuni>Ramah."),
    ]
    path = write_vtt(tmp_path / "M14.vtt", cues)
    yaml_path = tmp_path / "M14.yaml"
    yaml_path.write_text("informant: M14\nkelurahan: Ciputat\n", encoding="utf-8")
    check_error(raised(read_transcript, path), yaml_path, 1, "no 'role'")
    # no speaker is the interviewer: questions would be coded as evidence
    yaml_path.write_text("informant: M14\nrole: masyarakat\n", encoding="utf-8")
    check_error(
        raised(read_transcript, path),
        yaml_path,
        None,
        "none of the speakers",
        "'Dewi Lestari', 'Sri Wahyuni'",
        "interviewer: Dewi Lestari",
    )
    yaml_path.write_text("informant: M14\nrole: m\ninterviewer: Dewi\n", encoding="utf-8")
    check_error(raised(read_transcript, path), yaml_path, 3, "none of the speakers")


def test_two_informant_speakers_are_a_warning(tmp_path: Path):
    path = write_vtt(
        tmp_path / "corpus" / "M15.vtt",
        [
            ("00:00:01.000", "00:00:02.000", "<v Dewi Lestari>Bagaimana petugasnya?"),
            ("00:00:02.000", "00:00:03.000", "<v Sri Wahyuni>Ramah."),
            ("00:00:03.000", "00:00:04.000", "<v Rina>Iya, ramah."),
        ],
    )
    (path.parent / "M15.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    (notice,) = read_corpus(path.parent).notices
    assert "'Sri Wahyuni', 'Rina'" in notice.message and "M15.yaml" in notice.message


# --- surveys --------------------------------------------------------------------------

SURVEY = [
    ["id_responden", "kelompok", "kelurahan", "pertanyaan", "jawaban"],
    ["R01", "masyarakat", "Sawah Lama", "Bagaimana sikap petugas saat melayani?", "Sudah baik."],
    ["R02", "petugas", "Ciputat", "Bagaimana sikap petugas saat melayani?", "Kami; sabar.\nSopan."],
    ["R03", "masyarakat", "Ciputat", "Bagaimana sikap petugas saat melayani?", "  "],
    [
        "R01",
        "masyarakat",
        "",
        "Apakah ada biaya atau pungutan dalam pembuatan e-KTP?",
        "Gratis, tidak ada pungli.",
    ],
]
SURVEY_OPTIONS = {
    "informant": "id_responden",
    "answer": "jawaban",
    "question": "pertanyaan",
    "role": "kelompok",
    "attributes": ["kelurahan"],
}


def test_survey_with_semicolons_bom_and_questions(tmp_path: Path):
    path = write_csv(tmp_path / "survei.csv", SURVEY, delimiter=";", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid_responden;")
    corpus = read_survey(path, **SURVEY_OPTIONS)
    assert corpus.informants == ["R01", "R02"]  # R03's only answer is empty
    r01, r02 = corpus.transcripts
    assert (r01.role, r01.attributes, r02.role, r02.attributes) == (
        "masyarakat",
        {"kelurahan": "Sawah Lama"},
        "petugas",
        {"kelurahan": "Ciputat"},
    )
    assert [(t.speaker, t.is_interviewer, t.text, t.line) for t in r01.turns] == [
        ("Q", True, "Bagaimana sikap petugas saat melayani?", 2),
        ("R01", False, "Sudah baik.", 2),
        ("Q", True, "Apakah ada biaya atau pungutan dalam pembuatan e-KTP?", 6),
        ("R01", False, "Gratis, tidak ada pungli.", 6),
    ]
    assert r02.turns[1].text == "Kami; sabar.\nSopan."  # a quoted cell over two lines
    for transcript in corpus.transcripts:
        check_offsets(transcript)
    (notice,) = corpus.notices  # R03 answered nothing: left out, with a warning
    assert (notice.source, notice.line) == (str(path), 5) and "R03" in notice.message

    codings = coded(corpus)
    structural = codings[(codings["informant"] == "R01") & (codings["method"] == "structural")]
    assert structural[["criterion", "polarity", "text"]].values.tolist() == [
        ["attitude", "positive", "Sudah baik."]
    ]
    analysis = ektp_qual.analyse(corpus, ektp_qual.sample_codebook())
    assert set(analysis.reduction.stances["informant"]) == {"R01", "R02"}


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_survey_comma_or_tab_and_a_default_role(tmp_path: Path, delimiter: str):
    rows = [
        ["respondent", "usia", "answer"],
        ["A-1", "007", "Petugasnya ramah, sabar."],
        ["A-2", "", "Antriannya panjang."],
        ["A-1", "007", "Gratis."],
    ]
    path = write_csv(tmp_path / "survey.csv", rows, delimiter=delimiter)
    corpus = read_survey(
        path,
        informant="respondent",
        answer="answer",
        default_role="masyarakat",
        attributes=["usia"],
    )
    assert corpus.informants == ["A-1", "A-2"]
    a1, a2 = corpus.transcripts
    assert [t.text for t in a1.turns] == ["Petugasnya ramah, sabar.", "Gratis."]
    assert a1.role == a2.role == "masyarakat"
    assert (a1.attributes, a2.attributes) == ({"usia": "007"}, {"usia": None})
    assert all(not t.is_interviewer for t in a1.turns)


def _survey(tmp_path: Path, rows, **options) -> InputError:
    path = write_csv(tmp_path / "survei.csv", rows, delimiter=";")
    return raised(read_survey, path, **{**SURVEY_OPTIONS, **options})


@pytest.mark.parametrize(
    ("rows", "options", "line", "words"),
    [
        (SURVEY, {"answer": "jawab"}, 1, ["no answer column 'jawab'", "did you mean 'jawaban'"]),
        (SURVEY, {"attributes": ["umur"]}, 1, ["no attribute column 'umur'"]),
        ([["id_responden", "jawaban"], ["R01", "x"]], {}, 1, ["no question column"]),
        # after the two-line cell of line 3-4, the empty id is on line 5
        ([*SURVEY[:3], ["", "masyarakat", "", "Q?", "Ramah."]], {}, 5, ["without an informant"]),
        ([*SURVEY[:3], ["R02", "masyarakat", "Ciputat", "Q?", "x"]], {}, 5, ["two roles"]),
        ([*SURVEY[:3], ["R02", "petugas", "Kota Baru", "Q?", "x"]], {}, 5, ["kelurahan", "same"]),
        ([*SURVEY[:2], ["R 2", "petugas", "", "Q?", "x"]], {}, 3, ["informant id 'R 2'"]),
        ([*SURVEY[:2], ["R02", "petugas", "", "", "x"]], {}, 3, ["without its question"]),
        (SURVEY, {"role": None}, None, ["role=", "default_role="]),
        (SURVEY, {"attributes": ["kelompok"]}, None, ["given twice"]),
        ([SURVEY[0], ["R01", "", "", "Q?", "x"]], {}, 2, ["no role"]),
        ([SURVEY[0], ["R01", "", "", "Q?", ""]], {"default_role": "m"}, None, ["no answers"]),
    ],
)
def test_survey_errors_name_the_file_line(tmp_path: Path, rows, options, line, words):
    error = _survey(tmp_path, rows, **options)
    check_error(error, tmp_path / "survei.csv", line, *words)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('id;jawaban\nR1;"Ramah\nR2;Sopan\n', 2, ["never closed"]),
        ("id;jawaban\nR1;Ramah;sekali\n", 2, ["3 cells", "header has 2", "quotes"]),
        ("id jawaban\nR1 Ramah\n", 1, ["one column", "separate"]),
        ("", 1, ["no header"]),
    ],
)
def test_survey_unreadable_csv(tmp_path: Path, text: str, line: int, words):
    path = tmp_path / "survei.csv"
    path.write_text(text, encoding="utf-8", newline="")
    error = raised(read_survey, path, informant="id", answer="jawaban", default_role="m")
    check_error(error, path, line, *words)


def test_survey_not_utf8_and_excel_sep_line(tmp_path: Path):
    path = tmp_path / "survei.csv"
    path.write_bytes("id;jawaban\nR1;Caf\xe9 ramah\n".encode("cp1252"))
    error = raised(read_survey, path, informant="id", answer="jawaban", default_role="m")
    check_error(error, path, 2, "UTF-8")
    path.write_text("sep=;\r\nid;jawaban\r\nR1;Ramah, sopan.\r\n", encoding="utf-8", newline="")
    (transcript,) = read_survey(
        path, informant="id", answer="jawaban", default_role="m"
    ).transcripts
    assert [(t.text, t.line) for t in transcript.turns] == [("Ramah, sopan.", 3)]


# --- folders --------------------------------------------------------------------------


def test_a_folder_mixing_formats(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a_M01.txt").write_text(INTERVIEW.replace("M07", "M01"), encoding="utf-8")
    write_docx(folder / "b_M02.docx", INTERVIEW.replace("M07", "M02").split("\n"))
    write_vtt(
        folder / "sub" / "c_teams.vtt",
        [
            ("00:00:01.000", "00:00:02.000", "<v Dewi Lestari>Bagaimana sikap petugas?"),
            ("00:00:02.000", "00:00:04.000", "<v Sri Wahyuni>Petugasnya sopan."),
        ],
    )
    (folder / "sub" / "c_teams.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    (folder / "README.md").write_text("# Catatan\n", encoding="utf-8")
    (folder / "codebook.yaml").write_text("codebook: x\n", encoding="utf-8")
    (folder / "~$b_M02.docx").write_bytes(b"\x05Word lock file")
    (folder / ".hidden").mkdir()
    write_docx(folder / ".hidden" / "old.docx", ["bukan transkrip"])
    (folder / "lama.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))

    assert {".txt", ".md", ".docx", ".vtt", ".srt"} <= set(TRANSCRIPT_SUFFIXES)
    assert [p.name for p in iter_transcript_paths(folder)] == [
        "a_M01.txt",
        "b_M02.docx",
        "c_teams.vtt",
    ]
    corpus = read_corpus(folder)
    assert corpus.informants == ["M01", "M02", "M11"]
    for transcript in corpus.transcripts:
        check_offsets(transcript)
    messages = [str(n) for n in corpus.notices]
    assert any("lama.doc" in m and "save the transcript as .docx" in m for m in messages)
    codings = coded(corpus)
    assert set(codings["informant"]) == {"M01", "M02", "M11"}


def test_duplicate_informant_in_a_subtitle_names_its_yaml(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(INTERVIEW.replace("M07", "M11"), encoding="utf-8")
    write_vtt(folder / "b.vtt", [("00:00:01.000", "00:00:02.000", "<v Sri>Ramah.")])
    (folder / "b.yaml").write_text(FRONT_MATTER, encoding="utf-8")
    error = raised(read_corpus, folder)
    check_error(error, folder / "b.yaml", 1, "duplicate informant id 'M11'", "a.txt")


def test_empty_folder_names_every_format(tmp_path: Path):
    error = raised(read_corpus, tmp_path)
    check_error(error, tmp_path, None, "*.txt", "*.docx", "*.vtt", "*.srt")


@pytest.mark.parametrize("name", ["M01.doc", "M01.odt", "M01.pdf"])
def test_unreadable_document_given_directly(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(64))
    check_error(raised(read_transcript, path), path, None, "save the transcript as .docx")


def test_the_cli_reads_a_survey_with_column_options(tmp_path):
    from typer.testing import CliRunner

    from ektp_qual.cli import app

    answers = tmp_path / "answers.csv"
    answers.write_text(
        "id;kelompok;pertanyaan;jawaban\n"
        "R1;masyarakat;Bagaimana sikap petugas saat melayani?;Sudah baik, petugasnya ramah.\n"
        "R2;masyarakat;Bagaimana sikap petugas saat melayani?;Judes sekali.\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    columns = ["--survey", "informant=id", "--survey", "answer=jawaban"]
    columns += ["--survey", "question=pertanyaan", "--survey", "role=kelompok"]
    out = tmp_path / "o"
    result = runner.invoke(app, ["code", "-q", "-t", str(answers), *columns, "-o", str(out)])
    assert result.exit_code == 0, result.output
    stances = pd.read_csv(out / "stances.csv").set_index(["informant", "criterion"])
    assert stances.loc[("R1", "attitude"), "stance"] == "positive"
    assert stances.loc[("R2", "attitude"), "stance"] == "negative"

    bare = runner.invoke(app, ["code", "-t", str(answers), "-o", str(tmp_path / "x")])
    assert bare.exit_code == 2 and "needs --survey options" in bare.output
    wrong = runner.invoke(app, ["validate", "-t", str(answers), "--survey", "speaker=id"])
    assert wrong.exit_code == 2 and "KEY one of informant, answer" in wrong.output
