"""Size limits that keep a small hostile file from taking the machine's memory or time.

Each is far above what a real transcript, codebook, Word document or REFI-QDA project
needs (docs/formats.md, "Limits"). They are read when a file is read, so a researcher
with a larger legitimate file can raise one from Python before reading it::

    import ektp_qual.limits
    ektp_qual.limits.MAX_YAML_SIZE = 8 * 1024 * 1024
"""

from __future__ import annotations

#: The most characters in one YAML document (a codebook, findings, a front matter).
MAX_YAML_SIZE = 1024 * 1024
#: The deepest nesting of lists and mappings in a YAML document.
MAX_YAML_DEPTH = 50
