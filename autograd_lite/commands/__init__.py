"""Subcommands of `autograd-lite`, one module each (`add_parser` and `run`)."""
