"""``python -m tracker``: the same as the ``tracker`` command."""

from tracker.launch import main

main()
