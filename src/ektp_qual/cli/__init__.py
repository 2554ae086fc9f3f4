"""The command line: thin Typer commands over ``ektp_qual.pipeline``, one module per
group of commands (``steps``, ``loop``, ``learn``, ``look``, ``codebook``), the options
they share (``options``) and their shared helpers (``common``).

Heavy libraries (pandas, spaCy) are imported inside the commands, so that ``--help``
and ``--version`` answer at once. The modules are imported in the order the commands
are listed in ``--help``.
"""

from __future__ import annotations

import sys

from .options import app

# Each module registers its commands on ``app`` when imported: in the order of --help.
from . import steps  # noqa: F401  # isort: skip
from . import loop  # noqa: F401  # isort: skip
from . import learn  # noqa: F401  # isort: skip
from . import look  # noqa: F401  # isort: skip
from . import codebook  # noqa: F401  # isort: skip

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app(prog_name="ektp-qual")


if __name__ == "__main__":
    sys.exit(main())
