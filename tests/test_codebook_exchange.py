"""Codebooks to and from Taguette, NVivo, ATLAS.ti, MAXQDA and QualCoder."""

from __future__ import annotations

import csv
import io
import time
import uuid
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import ektp_qual
from ektp_qual.cli import app
from ektp_qual.refi.codebooks import MAX_DEPTH, codebook_skeleton
from ektp_qual.refi.exporter import codebook_qdc

from .conftest import MINI_CODEBOOK, transcript_text

runner = CliRunner()


def taguette_tags(data: bytes) -> list[dict[str, str]]:
    """The tags Taguette's codebook import reads from a CSV (its rules: a BOM-aware
    decoding, a lower-cased header with exactly one of tag/name/path, description)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = [cell.lower() for cell in rows[0]]
    assert sum(name in header for name in ("tag", "name", "path")) == 1
    path, description = header.index("tag"), header.index("description")
    tags = []
    for row in rows[1:]:
        if any(row):
            assert len(row) > max(path, description)
            assert row[path].strip(), "Taguette refuses an empty tag name"
            tags.append({"path": row[path].strip(), "description": row[description].strip()})
    return tags


def test_export_taguette_writes_the_codebook_csv_taguette_imports(tmp_path, write):
    book = write("codebook.yaml", MINI_CODEBOOK)
    out = tmp_path / "for-taguette"
    result = runner.invoke(
        app, ["export", "-q", "-c", str(book), "-F", "taguette,qdc", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    tags = taguette_tags((out / "codebook.csv").read_bytes())
    assert [t["path"] for t in tags] == [
        f"{criterion} {sign}"
        for criterion in ("attitude", "professionalism", "reliability")
        for sign in "+-"
    ]
    attitude = {t["path"]: t["description"] for t in tags}["attitude -"]
    assert "Negative evidence for Sikap dan Perilaku (Attitudes and Behaviour)" in attitude
    assert "judes; ketus; cuek; pilih kasih" in attitude
    # The same names as the codes of the REFI-QDA codebook, so coding maps back by name.
    qdc = (out / "codebook.qdc").read_text(encoding="utf-8")
    assert all(f'name="{t["path"]}"' in qdc for t in tags)


def qdc_text(codes: str, origin: str = "Taguette 1.4.1", namespace: str = "1.0") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<CodeBook xmlns="urn:QDA-XML:codebook:{namespace}" origin="{origin}">'
        f"<Codes>{codes}</Codes><Sets/></CodeBook>"
    )


def code(name: str, inner: str = "", codable: str = "true", description: str = "") -> str:
    guid = str(uuid.uuid4()).upper()
    body = f"<Description>{description}</Description>" if description else ""
    return f'<Code guid="{guid}" name="{name}" isCodable="{codable}">{body}{inner}</Code>'


def fill_phrases(path: Path, phrases: str = "[baik]") -> None:
    path.write_text(path.read_text().replace("positive: []", f"positive: {phrases}"))


def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "M1.txt").write_text(
        transcript_text("M1", "masyarakat", [("P", "Bagaimana?"), ("M1", "Baik sekali.")])
    )
    return folder


def test_a_taguette_codebook_becomes_a_skeleton_that_validates_once_given_phrases(tmp_path, write):
    qdc = write(
        "taguette.qdc",
        qdc_text(code("waiting time") + code("Waiting Time") + code("Kejelasan informasi")),
    )
    out = tmp_path / "mine.yaml"
    result = runner.invoke(app, ["codebook", "import", str(qdc), "-o", str(out), "--lang", "id"])
    assert result.exit_code == 0, result.output
    assert "3 criteria" in " ".join(result.output.split())
    data = yaml.safe_load(out.read_text())
    assert data["language"] == "id"
    criteria = [(c["id"], c["label"]) for c in data["criteria"]]
    assert criteria == [
        ("waiting_time", "waiting time"),
        ("waiting_time_2", "Waiting Time"),
        ("kejelasan_informasi", "Kejelasan informasi"),
    ]
    check = ["validate", "-t", str(corpus(tmp_path)), "-c", str(out)]
    assert runner.invoke(app, check).exit_code == 2  # no phrases yet: an error, named
    fill_phrases(out)
    validated = runner.invoke(app, check)
    assert validated.exit_code == 0, validated.output


def test_a_code_tree_keeps_folders_hierarchy_and_polarities(tmp_path, write):
    tree = code(
        "Service quality",
        code(
            "Sikap petugas",
            code("positive") + code("negative"),
            codable="false",
            description="Staff treat citizens kindly &amp; fairly.",
        )
        + code("Waktu", code("Antrian", description="The queue."), description="Time."),
        codable="false",
    )
    qdc = write("nvivo.qdc", qdc_text(tree, origin="NVivo 14", namespace="1:0"))
    out = tmp_path / "skeleton.yaml"
    assert runner.invoke(app, ["codebook", "import", str(qdc), "-o", str(out)]).exit_code == 0
    text = out.read_text()
    data = yaml.safe_load(text)
    assert [(c["id"], c.get("definition")) for c in data["criteria"]] == [
        ("sikap_petugas", "Staff treat citizens kindly & fairly."),
        ("waktu", "Time."),
        ("antrian", "The queue."),
    ]
    assert "# Service quality > Sikap petugas\n" in text
    assert "# polarities: positive, negative\n" in text
    assert "# Service quality > Waktu > Antrian\n" in text
    assert "# Folders of the code tree: Service quality\n" in text
    fill_phrases(out)
    book = ektp_qual.read_codebook(out)
    assert list(book.criterion_ids) == ["sikap_petugas", "waktu", "antrian"]


def test_ektp_quals_own_codebook_comes_back_with_its_ids_labels_and_questions(tmp_path):
    book = ektp_qual.read_codebook(ektp_qual.sample_codebook())
    qdc = tmp_path / "codebook.qdc"
    qdc.write_bytes(codebook_qdc(book))
    data = yaml.safe_load(codebook_skeleton(qdc, language="id"))
    for criterion, back in zip(book.criteria, data["criteria"], strict=True):
        assert back["id"] == criterion.id
        assert back["label"] == criterion.label
        assert back["label_en"] == criterion.label_en
        assert back["questions"] == list(criterion.questions)
        assert back["definition"] == " ".join(criterion.definition.split())


def test_an_existing_file_is_never_overwritten(tmp_path, write, monkeypatch):
    monkeypatch.chdir(tmp_path)
    qdc = write("taguette.qdc", qdc_text(code("waiting")))
    mine = write("taguette.yaml", "my own codebook\n")
    for args in ([], ["-o", str(mine)], ["-o", str(tmp_path)]):
        result = runner.invoke(app, ["codebook", "import", str(qdc), *args], catch_exceptions=False)
        assert result.exit_code == 2, result.output
        assert "already exists" in result.output and "Traceback" not in result.output
    assert mine.read_text() == "my own codebook\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taguette.qdc", "taguette.yaml"]


def test_hostile_and_wrong_files_are_refused_clearly(tmp_path, write, monkeypatch):
    from ektp_qual.refi import codebooks as codebook_exchange

    def nested(depth: int) -> str:
        opened = "".join(
            f'<Code guid="{uuid.uuid4()}" name="c{k}" isCodable="true">' for k in range(depth)
        )
        return opened + "</Code>" * depth

    laughs = (
        '<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="11111111-1111-4111-8111-111111111111" name="&b;" isCodable="true"/>'
        "</Codes></CodeBook>"
    )
    cases = {
        "deep.qdc": (qdc_text(nested(MAX_DEPTH + 10)), f"nested more than {MAX_DEPTH} deep"),
        "deeper.qdc": (qdc_text(nested(5000)), "MAX_XML_DEPTH"),
        "laughs.qdc": (laughs, "entities"),
        "project.qdc": ('<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>', "ektp-qual import"),
        "empty.qdc": (qdc_text(""), "has no codes"),
        "broken.qdc": ("<CodeBook><Codes>", "not well-formed"),
        "folders.qdc": (qdc_text(code("only a folder", codable="false")), "only folders"),
    }
    for name, (text, expected) in cases.items():
        started = time.monotonic()
        qdc = write(name, text)
        result = runner.invoke(
            app, ["codebook", "import", str(qdc), "-o", str(tmp_path / "o.yaml")]
        )
        assert result.exit_code == 2, (name, result.output)
        assert expected in result.output and "Traceback" not in result.output, name
        assert time.monotonic() - started < 10
    zipped = tmp_path / "project.qdpx"
    zipped.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    result = runner.invoke(app, ["codebook", "import", str(zipped), "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 2 and "ZIP archive" in result.output
    monkeypatch.setattr(codebook_exchange, "MAX_QDC_BYTES", 1000)
    big = write("big.qdc", qdc_text(code("x", description="y" * 2000)))
    result = runner.invoke(app, ["codebook", "import", str(big), "-o", str(tmp_path / "o.yaml")])
    assert result.exit_code == 2 and "refused: larger than" in result.output
    assert not (tmp_path / "o.yaml").exists()


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=30).filter(
    lambda s: s == s.strip()
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(names, names, st.booleans(), st.lists(st.tuples(names, names), max_size=3)),
        min_size=1,
        max_size=5,
    )
)
def test_property_any_code_tree_gives_a_codebook_that_reads(tmp_path, tree):
    from xml.sax.saxutils import escape, quoteattr

    def element(name: str, description: str, inner: str = "") -> str:
        body = f"<Description>{escape(description)}</Description>" if description else ""
        return (
            f'<Code guid="{uuid.uuid4()}" name={quoteattr(name)} isCodable="true">'
            f"{body}{inner}</Code>"
        )

    codes = "".join(
        element(name, description, "".join(element(n, d) for n, d in children))
        for name, description, _, children in tree
    )
    qdc = tmp_path / f"{uuid.uuid4()}.qdc"
    qdc.write_text(qdc_text(codes), encoding="utf-8")
    text = codebook_skeleton(qdc)
    data = yaml.safe_load(text)
    ids = [c["id"] for c in data["criteria"]]
    assert len({i.casefold() for i in ids}) == len(ids)
    filled = tmp_path / f"{uuid.uuid4()}.yaml"
    filled.write_text(text.replace("positive: []", "positive: [kata]"), encoding="utf-8")
    book = ektp_qual.read_codebook(filled)
    assert list(book.criterion_ids) == ids
    for criterion in data["criteria"]:
        assert criterion["label"] == " ".join(criterion["label"].split())
