"""Subcommands loaded only when they run (see tracker.cli.LAZY_COMMANDS)."""
