"""``workplan serve``: the board in a web browser (textual-serve), private behind a secret token.

A top layer beside ``cli``: it uses ``store`` and never imports the UI. Each browser
session is a process of its own that runs the board (``python -m workplan_tui.ui.web``).
"""
