"""The one exception the tool raises for bad input."""

from __future__ import annotations


class InputError(Exception):
    """A file a researcher wrote cannot be used; the message says where and why.

    The CLI prints ``str(error)`` alone (no traceback), so the message must be enough
    for the researcher to fix the file.
    """

    def __init__(self, source: object, problem: str, line: int | None = None) -> None:
        self.source = str(source)
        self.problem = problem
        self.line = line
        super().__init__(str(self))

    def __reduce__(self):
        """Rebuilt from its parts: an error raised in a worker process reaches the CLI whole."""
        return type(self), (self.source, self.problem, self.line)

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.problem}"
