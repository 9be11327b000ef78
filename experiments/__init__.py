"""Command-line experiments built on the :mod:`simulation` library."""
