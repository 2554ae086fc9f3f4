"""A terminal console that never lets text from the data drive the terminal.

Transcripts, roles, file names and codebooks come from participants and other tools;
an escape sequence in them (``ESC]0;...BEL`` sets the window title, ``ESC[2J`` clears
the screen, OSC 8 makes links) must print as nothing, not act. Rich adds its own colour
codes only when it writes styled segments out, so removing control characters from the
segments' text before that keeps every colour and drops every injected sequence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

# C0 and C1 control characters, save line feed and tab.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class SafeConsole(Console):
    """A rich Console that prints the data's control characters as nothing."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment
            if segment.control or not _CONTROL.search(segment.text)
            else Segment(_CONTROL.sub("", segment.text), segment.style, segment.control)
            for segment in buffer
        )
