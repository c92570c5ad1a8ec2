"""Norms: propose, agree, reword, withdraw."""

from __future__ import annotations

from workplan_tui.model import typed
from workplan_tui.model.records import LONG_TEXT, Norm
from workplan_tui.store.actions.common import _require_voter, removed, saved
from workplan_tui.store.store import Store


def add_norm(store: Store, text: str) -> Norm:
    fields = {"text": typed.text(text, "norm", LONG_TEXT), "agreed_by": []}
    with store.transaction() as tx:
        tx.require_member()
        doc_id = tx.insert("norms", fields)
        return saved(tx, "norms", doc_id)


def agree_norm(store: Store, norm_id: int) -> Norm:
    with store.transaction() as tx:
        _require_voter(tx)
        norm = tx.get("norms", norm_id)
        agreed = list(norm.get("agreed_by", []))
        if tx.user not in agreed:
            tx.update("norms", norm_id, {"agreed_by": [*agreed, tx.user]}, kind="norm.agree")
        return saved(tx, "norms", norm_id)


def edit_norm(store: Store, norm_id: int, text: str, *, expected_rev: int | None = None) -> Norm:
    """Reword a norm. Agreement was to the old words, so it starts again from nobody."""
    text = typed.text(text, "norm", LONG_TEXT)
    with store.transaction() as tx:
        tx.require_member()
        norm = tx.get("norms", norm_id)
        if norm["text"] != text:
            tx.update("norms", norm_id, {"text": text, "agreed_by": []}, kind="norm.edit", expected_rev=expected_rev)
        elif expected_rev is not None and norm.get("rev", 1) != expected_rev:
            tx.update("norms", norm_id, {}, kind="norm.edit", expected_rev=expected_rev)  # raises ConflictError
        return saved(tx, "norms", norm_id)


def withdraw_norm(store: Store, norm_id: int, *, expected_rev: int | None = None) -> Norm:
    """Withdraw a norm: it leaves the list, with who had agreed; ``undo`` brings both back."""
    with store.transaction() as tx:
        tx.require_member()
        gone = tx.remove("norms", norm_id, kind="norm.withdraw", expected_rev=expected_rev)
        return removed("norms", norm_id, gone)
