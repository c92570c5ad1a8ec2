"""Every change a member can make, as one function each, shared by the CLI and the TUI.

Each function runs one transaction: it checks the acting member, applies the model's
rules to the freshest data, writes field-level changes, and returns the changed record
as its record (``records.Task``, ...; a removal, an undo and a settled conflict say more:
``Removed``, ``Undone``, ``Settled``): the CLI prints it in the JSON contract, the board
shows it. One module per kind of record, one for undo;
everything is here under its own name (``actions.add_task``).
"""

from workplan_tui.store.actions.common import Pledge, Removed
from workplan_tui.store.actions.conflicts import Settled, conflict_side, resolve_conflict
from workplan_tui.store.actions.followups import follow_up_pledge, follow_up_task
from workplan_tui.store.actions.grants import add_grant, edit_grant, remove_grant
from workplan_tui.store.actions.meetings import (
    add_meeting,
    agenda_add,
    agenda_move,
    agenda_remove,
    attend,
    debrief,
    decide,
    edit_meeting,
    remove_decision,
    remove_meeting,
    set_debrief_days,
    unattend,
)
from workplan_tui.store.actions.members import add_member, edit_member, remove_member
from workplan_tui.store.actions.milestones import add_milestone, edit_milestone, remove_milestone
from workplan_tui.store.actions.norms import add_norm, agree_norm, edit_norm, withdraw_norm
from workplan_tui.store.actions.outcomes import add_outcome, checkin, edit_outcome, remove_outcome
from workplan_tui.store.actions.partners import (
    add_partner,
    deliver,
    edit_partner,
    find_contribution,
    parse_contributions,
    pledge,
    remove_partner,
    schedule_pledge,
)
from workplan_tui.store.actions.partnership import currency_of, set_currency, set_stage
from workplan_tui.store.actions.plans import add_plan, edit_plan, move_plan, reopen_plan, set_rule, vote
from workplan_tui.store.actions.series import make_recurring, set_series_status, skip_instance
from workplan_tui.store.actions.tasks import (
    EDITABLE,
    add_note,
    add_task,
    assign,
    edit_task,
    import_tasks,
    remove_task,
    set_due,
    set_progress,
    set_status,
    set_waits,
)
from workplan_tui.store.actions.undo import REMOVALS, UNDONE_BY_REMOVING, Undone, last_undoable, undo

__all__ = [
    "unattend",
    "set_debrief_days",
    "remove_meeting",
    "remove_decision",
    "edit_meeting",
    "decide",
    "debrief",
    "attend",
    "agenda_remove",
    "agenda_move",
    "agenda_add",
    "add_meeting",
    "EDITABLE",
    "REMOVALS",
    "UNDONE_BY_REMOVING",
    "Pledge",
    "Removed",
    "Settled",
    "Undone",
    "add_grant",
    "add_member",
    "add_milestone",
    "add_norm",
    "add_note",
    "add_outcome",
    "add_partner",
    "add_plan",
    "add_task",
    "agree_norm",
    "assign",
    "checkin",
    "conflict_side",
    "currency_of",
    "deliver",
    "edit_grant",
    "edit_member",
    "edit_milestone",
    "edit_norm",
    "edit_outcome",
    "edit_partner",
    "edit_plan",
    "edit_task",
    "find_contribution",
    "follow_up_pledge",
    "follow_up_task",
    "import_tasks",
    "last_undoable",
    "move_plan",
    "parse_contributions",
    "pledge",
    "remove_grant",
    "make_recurring",
    "remove_member",
    "remove_milestone",
    "remove_outcome",
    "remove_partner",
    "remove_task",
    "reopen_plan",
    "resolve_conflict",
    "schedule_pledge",
    "set_currency",
    "set_due",
    "set_progress",
    "set_rule",
    "set_series_status",
    "set_waits",
    "skip_instance",
    "set_stage",
    "set_status",
    "undo",
    "vote",
    "withdraw_norm",
]
