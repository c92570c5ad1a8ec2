"""The documentation: the site built in strict mode, the reference against the source, the man page."""
