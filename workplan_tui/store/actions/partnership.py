"""The partnership itself: its stage and its currency."""

from __future__ import annotations

from workplan_tui.model.records import STAGES, Partnership
from workplan_tui.model.rules import RuleError
from workplan_tui.store.actions.common import saved
from workplan_tui.store.store import Store, Tx


def set_stage(store: Store, stage: str) -> Partnership:
    if stage not in STAGES:
        raise RuleError(f"stage {stage!r} is not one of {', '.join(STAGES)}")
    with store.transaction() as tx:
        tx.require_member()
        tx.update("meta", 1, {"stage": stage}, kind="partnership.stage", record="partnership")
        return saved(tx, "meta", 1)  # type: ignore[no-any-return]


def set_currency(store: Store, code: str) -> Partnership:
    """Set the partnership's currency (``USD``, ``EUR``): how amounts are shown, and the only
    currency whose symbol amounts may be typed with. Amounts already recorded stay as they are."""
    from workplan_tui.model import money  # only for resources: start-up time of writes

    try:
        currency = money.check_currency(code)
    except money.MoneyError as exc:
        raise RuleError(str(exc)) from None
    with store.transaction() as tx:
        tx.require_member()
        tx.update("meta", 1, {"currency": currency}, kind="partnership.currency", record="partnership")
        return saved(tx, "meta", 1)  # type: ignore[no-any-return]


def currency_of(tx: Tx) -> str | None:
    """The partnership's currency as the file holds it inside a transaction, or None."""
    value = tx.get("meta", 1).get("currency")
    return value if isinstance(value, str) else None
