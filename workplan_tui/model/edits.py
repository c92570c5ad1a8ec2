"""An edit made on a copy of a record that someone has changed since: what stands, what to ask.

The board's forms write with the revision they read (``expected_rev``); when the store
refuses because the record changed meanwhile, the form's edit is merged three ways with
what the record holds now, field by field (pure: the board asks, the store writes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple


class StaleEdit(NamedTuple):
    """My edit, against the record as it is now: the changes that stand as they are, and the
    fields we both changed to different values, for me to choose (``(field, before, theirs,
    mine)``, in the order of my edit)."""

    merged: dict[str, Any]
    conflicts: list[tuple[str, Any, Any, Any]]


def merge_stale_edit(before: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> StaleEdit:
    """Merge ``mine`` (field -> the value I typed) into a record that was ``before`` (each of
    those fields as my form read it) and is ``theirs`` now (its stored fields).

    A field of mine stands when the other change left it as it was, or set it to what I
    typed too; it is a conflict when both of us changed it to different values.
    """
    merged = {name: value for name, value in mine.items() if theirs.get(name) in (before[name], value)}
    conflicts = [(name, before[name], theirs.get(name), value) for name, value in mine.items() if name not in merged]
    return StaleEdit(merged, conflicts)


def settle_stale_edit(
    edit: StaleEdit, mine: Mapping[str, Any], choice: Mapping[str, str], theirs: Mapping[str, Any]
) -> dict[str, Any]:
    """The changes still to write once I have chosen (``choice``: field -> ``"mine"`` or
    ``"theirs"``) for each conflict of ``edit``: what stood, and my values where I chose
    mine; a field already holding the value chosen is left out (nothing to write)."""
    final = {**edit.merged, **{name: mine[name] for name, pick in choice.items() if pick == "mine"}}
    return {name: value for name, value in final.items() if theirs.get(name) != value}
