"""XML parts of an archive (a .qdpx's project, a .docx's parts) read within limits.

A part is parsed incrementally from the archive, chunk by chunk, so that it is refused
as soon as it proves hostile and never held inflated in memory: beyond
``limits.MAX_XML_PART_SIZE`` bytes (by its header, or while reading), beyond
``limits.MAX_XML_ELEMENTS`` elements, nested deeper than ``limits.MAX_XML_DEPTH``, or with
a document type declaration (the only way to declare entities: ``&name;`` expansions,
"billion laughs", external entities that disclose files). Word and the REFI-QDA tools
never write one.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from ..model.errors import InputError
from . import limits

_CHUNK = 64 * 1024
_HEAD = 64 * 1024


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def parse_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    source: object,
    *,
    producers: str,
    keep: bool = True,
    syntax_errors: bool = True,
) -> Element | None:
    """The root of an archive member's XML, read incrementally within the limits.

    ``producers`` names who writes such files ("REFI-QDA files", "Word documents") for
    the message on a DTD. With ``keep=False`` the part is only checked (no tree is built,
    so memory stays flat) and None is returned; with ``syntax_errors=False`` XML that is
    not well-formed is left to the caller's reader, to report in its own words.
    """
    if info.file_size > limits.MAX_XML_PART_SIZE:
        raise too_large(source, info.filename, info.file_size)
    try:
        with archive.open(info) as stream:
            return parse_stream(
                stream,
                source,
                info.filename,
                producers=producers,
                keep=keep,
                syntax_errors=syntax_errors,
            )
    except RuntimeError as exc:  # encrypted
        raise InputError(
            source, f"cannot read {info.filename!r}: {exc} (encrypted archives are not read)"
        ) from None
    except NotImplementedError as exc:
        raise InputError(
            source, f"cannot read {info.filename!r}: {exc} (compression not supported)"
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise InputError(
            source, f"the archive is corrupt: cannot read {info.filename!r} ({exc})"
        ) from None


def parse_stream(
    stream: BinaryIO,
    source: object,
    member: str,
    *,
    producers: str,
    keep: bool = True,
    syntax_errors: bool = True,
) -> Element | None:
    """The root of the XML read from ``stream`` (see ``parse_member``)."""
    target = _Bounded(source, member, keep)
    parser = DefusedXMLParser(
        target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    head = b""
    size = 0
    try:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limits.MAX_XML_PART_SIZE:
                raise too_large(source, member, size)
            if len(head) < _HEAD:
                head += chunk[: _HEAD - len(head)]
            parser.feed(chunk)
        return parser.close()
    except DTDForbidden:
        raise InputError(source, _dtd_problem(head, member, producers)) from None
    except EntitiesForbidden:
        raise InputError(
            source, f"refused: {member} declares XML entities, which {producers} never need"
        ) from None
    except DefusedXmlException as exc:
        raise InputError(source, f"refused: {member} is unsafe XML ({exc})") from None
    except ParseError as exc:
        if not syntax_errors:
            return None
        raise InputError(source, f"{member} is not well-formed XML: {exc}") from None
    except (ValueError, LookupError) as exc:
        raise InputError(source, f"{member} cannot be read as XML: {exc}") from None


class _Bounded:
    """A parser target that counts elements and depth, building the tree when kept."""

    def __init__(self, source: object, member: str, keep: bool) -> None:
        self.source = source
        self.member = member
        self.builder = TreeBuilder() if keep else None
        self.depth = 0
        self.elements = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.elements += 1
        self.depth += 1
        if self.depth > limits.MAX_XML_DEPTH:
            raise InputError(
                self.source,
                f"refused: {self.member} nests elements more than {limits.MAX_XML_DEPTH} "
                "deep (ektp_qual.inputs.limits.MAX_XML_DEPTH)",
            )
        if self.elements > limits.MAX_XML_ELEMENTS:
            raise InputError(
                self.source,
                f"refused: {self.member} has more than {limits.MAX_XML_ELEMENTS:,} elements "
                "(ektp_qual.inputs.limits.MAX_XML_ELEMENTS)",
            )
        if self.builder is not None:
            self.builder.start(tag, attrib)

    def end(self, tag: str) -> None:
        self.depth -= 1
        if self.builder is not None:
            self.builder.end(tag)

    def data(self, data: str) -> None:
        if self.builder is not None:
            self.builder.data(data)

    def close(self) -> Element | None:
        return self.builder.close() if self.builder is not None else None


def too_large(source: object, member: str, size: int) -> InputError:
    return InputError(
        source,
        f"refused: {member!r} is {_mib(size)} uncompressed, more than the "
        f"{_mib(limits.MAX_XML_PART_SIZE)} an XML part may take (a size limit against ZIP "
        "bombs; ektp_qual.inputs.limits.MAX_XML_PART_SIZE)",
    )


def _dtd_problem(head: bytes, member: str, producers: str) -> str:
    head = head.replace(b"\x00", b"")
    dtd = f"{producers} never contain one"
    if re.search(rb"<!ENTITY[^>]*\b(?:SYSTEM|PUBLIC)\b", head):
        return (
            f"refused: {member} declares an external entity (<!ENTITY ... SYSTEM ...>), which "
            f"could make a reader disclose files of this computer (XXE); it has a DTD and {dtd}"
        )
    if b"<!ENTITY" in head:
        return (
            f"refused: {member} declares XML entities in a DTD, which can expand to gigabytes "
            f"(a 'billion laughs' attack); {dtd}"
        )
    return f"refused: {member} has a document type declaration (<!DOCTYPE>); {dtd}"
