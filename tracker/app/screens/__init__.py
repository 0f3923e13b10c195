"""The app's screens. Main sections are Textual modes (one key each, see app.py);
forms and dialogs are pushed on top of them."""
