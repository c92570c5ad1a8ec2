"""The whole partnership as one JSON document, in the JSON contract (``workplan export --format json``).

The same records ``--json`` prints, table by table (ids as labels, references too, ISO
dates, UTC times with Z), plans and outcomes with their forecast today (``"forecast"``, as
``plan show`` and ``outcome show`` print it), tasks with their health and its reason (as
``task list --json``), grants with their match by the deadline, each
partner's record (as ``partner show`` prints it), and the activity log oldest first. The document's shape is
published with the contract (``workplan schema``: ``x-commands`` → ``export``).
"""

from __future__ import annotations

from typing import Any

from workplan_tui.model import commitments, contract, dates
from workplan_tui.model.overview import plan_figures
from workplan_tui.model.schedule import task_health_json
from workplan_tui.store.store import Store


def export(store: Store, *, with_log: bool = True) -> dict[str, Any]:
    """The partnership ``store`` holds; ``with_log`` adds every activity entry (it reads the whole log)."""
    wp = store.read()
    today = dates.today()
    figures = plan_figures(wp, today)
    plans = {f.plan.id: f.forecast.as_json() for f in figures}
    outcomes = {o: f.as_json() for fig in figures for o, f in fig.outcome_forecasts.items()}
    document: dict[str, Any] = {
        "partnership": contract.partnership(wp.partnership),
        "partners": [contract.of("partners", p) for p in wp.partners.values()],
        "members": [contract.of("members", m) for m in wp.members.values()],
        "norms": [contract.of("norms", n) for n in wp.norms.values()],
        "plans": [{**contract.of("plans", p), "forecast": plans[p.id]} for p in wp.plans.values()],
        "votes": [contract.of("votes", v) for v in sorted(wp.votes, key=lambda v: v.id)],
        "outcomes": [
            {**contract.of("outcomes", o), **({"forecast": outcomes[o.id]} if o.id in outcomes else {})}
            for o in wp.outcomes.values()
        ],
        "tasks": [{**contract.of("tasks", t), **task_health_json(t, wp, today)} for t in wp.tasks.values()],
        "grants": [
            {**contract.of("grants", g), "match_status": commitments.grant_status(wp, g, today).as_json()}
            for g in wp.grants.values()
        ],
        # Each partner's record today (model/commitments.py): its pledges' health, tasks, leads, follow-ups.
        "partner_records": [
            commitments.record_json(r, wp.partnership.currency)
            for r in commitments.partner_records(wp, today, figures=figures)
        ],
        "meetings": [contract.of("meetings", m) for m in wp.meetings.values()],
    }
    if wp.milestones:  # tables a file has only once someone made one
        document["milestones"] = [contract.of("milestones", m) for m in wp.milestones.values()]
    if wp.series:
        document["series"] = [contract.of("series", s) for s in wp.series.values()]
    if with_log:
        document["activity"] = [contract.of("activity", a) for a in store.history().scan()]
    return document
