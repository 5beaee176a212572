"""Subcommands of `autograd-lite`, one module each (`add_parser` and `run`)."""


class UsageError(Exception):
    """Bad input on the command line: reported in one line with exit code 2."""
