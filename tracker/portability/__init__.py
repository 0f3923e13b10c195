"""Taking data out and bringing it back: CSV and JSON export and import, other apps."""
