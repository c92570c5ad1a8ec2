"""Shell completion as click makes it, with fish's script mended.

Click's fish script splits each completion at every comma (``string split "," ...``) to read
its type and value, so a description with a comma ("Order soil, compost and mulch") lost
everything after its first comma, and a value with one was cut. The type never holds a
comma: splitting once (``string split -m 1``) keeps the rest whole.
"""

from __future__ import annotations

from click.shell_completion import FishComplete, add_completion_class

# Click's own script (click.shell_completion._SOURCE_FISH) with the one split mended.
_SOURCE_FISH = FishComplete.source_template.replace(
    'set -l metadata (string split "," $completion);', 'set -l metadata (string split -m 1 "," $completion);'
)


class FishCompletion(FishComplete):
    """Fish's completion whose script keeps commas in values and descriptions."""

    source_template = _SOURCE_FISH


def register() -> None:
    """Use ``FishCompletion`` for fish (in this process: printing the script, completing)."""
    if "string split -m 1" not in _SOURCE_FISH:  # click changed its script: keep its own
        return
    add_completion_class(FishCompletion, "fish")
