"""``tracker completion SHELL``: the shell completion script, from click's own."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")

WHERE = {
    "bash": 'add to ~/.bashrc:  eval "$(tracker completion bash)"',
    "zsh": 'add to ~/.zshrc:  eval "$(tracker completion zsh)"',
    "fish": "run once:  tracker completion fish > ~/.config/fish/completions/tracker.fish",
}


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    \b
    bash: add to ~/.bashrc:  eval "$(tracker completion bash)"
    zsh:  add to ~/.zshrc:   eval "$(tracker completion zsh)"
    fish: run once:  tracker completion fish > ~/.config/fish/completions/tracker.fish
    """
    from click.shell_completion import get_completion_class

    from tracker.cli import main

    complete = get_completion_class(shell)
    assert complete is not None  # click has all three
    click.echo(complete(main, {}, "tracker", "_TRACKER_COMPLETE").source())
