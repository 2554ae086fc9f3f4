"""ZIP archives (.docx, .qdpx) whose XML inflates, multiplies or nests beyond memory.

Each archive is written by streaming its member through ``zipfile``, so that only the
compressed form (a few hundred KB) ever reaches the disk.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx

from .conftest import assert_refused, run_limited

NS = "urn:QDA-XML:project:1.0"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _stream_member(
    archive: Path, name: str, head: bytes, repeated: bytes, times: int, tail: bytes
) -> None:
    """Replace (or add) ``name`` in the archive: head, ``repeated`` x ``times``, tail."""
    kept: dict[str, bytes] = {}
    if archive.exists():
        with zipfile.ZipFile(archive) as old:
            kept = {i.filename: old.read(i) for i in old.infolist() if i.filename != name}
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new:
        for other, data in kept.items():
            new.writestr(other, data)
        with new.open(name, "w", force_zip64=True) as member:
            member.write(head)
            block = repeated * (1_000_000 // max(1, len(repeated)))
            left = times if repeated else 0
            while left > 0:
                count = min(left, len(block) // len(repeated))
                member.write(block[: count * len(repeated)])
                left -= count
            member.write(tail)


def _docx(path: Path) -> Path:
    document = docx.Document()
    for text in ("---", "informant: M07", "role: masyarakat", "---", "M07: Petugasnya ramah."):
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_docx_whose_document_inflates_is_refused(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = _docx(corpus / "m07.docx")
    head = f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>'.encode()
    _stream_member(
        path, "word/document.xml", head, b"<w:p/>", 12_000_000, b"</w:body></w:document>"
    )
    assert path.stat().st_size < 2_000_000
    result = run_limited(tmp_path, "validate", "-t", "corpus")
    assert_refused(result, "m07.docx", "'word/document.xml' is", "MAX_XML_PART_SIZE")


def test_docx_entity_is_refused(tmp_path: Path):
    """``&xxe;`` silently cut the rest of its paragraph; Word never declares entities."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = _docx(corpus / "m07.docx")
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode()
    declaration, _, rest = xml.partition("?>")
    dtd = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
    rest = rest.replace("Petugasnya ramah.", "Petugasnya &xxe; ramah.")
    _stream_member(path, "word/document.xml", f"{declaration}?>{dtd}{rest}".encode(), b"", 0, b"")
    result = run_limited(tmp_path, "validate", "-t", "corpus")
    assert_refused(result, "m07.docx", "external entity")


def _qdpx(path: Path, repeated: bytes, times: int, head: bytes = b"", tail: bytes = b"") -> Path:
    start = f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="p">'.encode()
    _stream_member(path, "project.qde", start + head, repeated, times, tail + b"</Project>")
    return path


def test_qdpx_whose_project_inflates_is_refused(tmp_path: Path):
    path = _qdpx(tmp_path / "big.qdpx", b"<Notes/>", 10_000_000)
    assert path.stat().st_size < 1_000_000
    result = run_limited(tmp_path, "import", "big.qdpx")
    assert_refused(result, "big.qdpx", "'project.qde' is", "MAX_XML_PART_SIZE")


def test_qdpx_with_millions_of_elements_is_refused(tmp_path: Path):
    """Within the size limit, but one Python object per element would fill the memory."""
    _qdpx(tmp_path / "many.qdpx", b"<Notes/>", 7_000_000)
    result = run_limited(tmp_path, "import", "many.qdpx")
    assert_refused(result, "many.qdpx", "more than 500,000 elements")


def test_qdpx_with_200000_nested_codes_is_refused(tmp_path: Path):
    """Each nested code's path repeats its parents': quadratic in the depth."""
    code = b'<Code guid="00000000-0000-0000-0000-000000000001" name="c" isCodable="true">'
    _qdpx(
        tmp_path / "deep.qdpx",
        code,
        200_000,
        head=b"<CodeBook><Codes>",
        tail=b"</Code>" * 200_000 + b"</Codes></CodeBook>",
    )
    result = run_limited(tmp_path, "import", "deep.qdpx")
    assert_refused(result, "deep.qdpx", "nests elements more than 256 deep")


def test_qdpx_offset_beyond_64_bits_is_an_error_not_a_traceback(tmp_path: Path):
    source = (
        '<Sources><TextSource guid="00000000-0000-0000-0000-000000000002" name="s">'
        "<PlainTextContent>Halo dunia.</PlainTextContent>"
        '<PlainTextSelection guid="00000000-0000-0000-0000-000000000003" '
        'startPosition="0" endPosition="999999999999999999999999">'
        '<Coding guid="00000000-0000-0000-0000-000000000004">'
        '<CodeRef targetGUID="00000000-0000-0000-0000-000000000001"/></Coding>'
        "</PlainTextSelection></TextSource></Sources>"
    )
    _qdpx(tmp_path / "offset.qdpx", source.encode(), 1)
    result = run_limited(tmp_path, "import", "offset.qdpx")
    assert_refused(result, "offset.qdpx", "endPosition=999999999999999999999999, beyond any text")
