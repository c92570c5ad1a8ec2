"""The MkDocs hook (``hooks:`` in mkdocs.yml) that adds the generated reference to the site.

MkDocs calls ``on_files`` with the pages of ``docs/``; the generated ones join them there, so
the navigation, the search and the strict link check treat them as any other page. They are
never written into ``docs/``: each build makes them afresh from the source (``pages``).
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from workplan_tui.reference import pages


def on_files(files: Files, config: Any) -> Files:
    for path, content in pages.generate().items():
        if files.get_file_from_path(path) is not None:
            raise ValueError(f"docs/{path} is generated from the source at build time; remove the file")
        files.append(File.generated(config, path, content=content))
    return files
