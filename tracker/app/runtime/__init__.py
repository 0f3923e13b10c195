"""Everything in tracker that relies on private Textual, Rich or interpreter state.

One module per trick, each with its own tests under ``tests/app/runtime/`` that fail
loudly when the library underneath changes (CONTRIBUTING.md's "Upgrading Textual"
checklist lists them). Outside this folder, tracker uses only public APIs.

- :mod:`.keys`: typing that stays whole across a screen or focus change.
- :mod:`.collector`: the garbage-collector policy (interpreter state).
- :mod:`.longlived`: how the app applies that policy, and the message screens post.
- :mod:`.ansi`: a faster reader of the ANSI text charts are drawn in (Rich's decoder).
- :mod:`.bindings`: the app's merged bindings and keymap, for the help screen.

Importing this package imports nothing: :mod:`.collector` must stay importable
before Textual is (the launcher uses it first).
"""
