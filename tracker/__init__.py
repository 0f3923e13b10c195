"""tracker: a private terminal practice space for check-ins and relational experiments."""

__version__ = "0.1.0"
