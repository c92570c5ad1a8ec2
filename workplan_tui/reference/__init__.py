"""The reference, generated from the source so it cannot drift from it.

- ``commands``: every command and option, walked from click's tree (``workplan_tui.cli.main:cli``);
- ``keys``: every key, read from the bindings of the board's app, screens and dialogs;
- ``pages``: the Markdown pages of ``docs/reference/`` built from those and from the JSON
  contract and the exchange formats; ``site`` hands them to MkDocs at build time (a hook);
- ``man``: the ``workplan(1)`` man page, written as roff from the same click tree
  (``hatch_build.py`` puts it in the wheel).

``commands`` and ``man`` never import Textual (the wheel's build hook uses them with click alone);
``keys`` imports the board's modules, and nothing but the docs imports ``keys``.
"""
