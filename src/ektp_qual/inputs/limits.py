"""Size limits that keep a small hostile file from taking the machine's memory or time.

Each is far above what a real transcript, codebook, Word document or REFI-QDA project
needs (docs/formats.md, "Limits"). They are read when a file is read, so a researcher
with a larger legitimate file can raise one from Python before reading it::

    import ektp_qual.inputs.limits
    ektp_qual.inputs.limits.MAX_YAML_SIZE = 8 * 1024 * 1024
"""

from __future__ import annotations

#: The most characters in one YAML document (a codebook, findings, a front matter).
MAX_YAML_SIZE = 1024 * 1024
#: The deepest nesting of lists and mappings in a YAML document.
MAX_YAML_DEPTH = 50

#: The most bytes of one XML part (a .docx part, a .qdpx's project.qde), uncompressed.
MAX_XML_PART_SIZE = 64 * 1024 * 1024
#: The most elements in one XML part.
MAX_XML_ELEMENTS = 500_000
#: The deepest nesting of elements in an XML part.
MAX_XML_DEPTH = 256

#: The most bytes a Word document may hold uncompressed (text, styles and pictures).
MAX_DOCX_SIZE = 256 * 1024 * 1024
