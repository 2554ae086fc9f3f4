"""``python -m ektp_qual``: the same as the ``ektp-qual`` command."""

from .cli import main

main()
