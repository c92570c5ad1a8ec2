"""What every screen of the partnership shares: the session, and redrawing when it reloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.screen import Screen

if TYPE_CHECKING:
    from workplan_tui.ui.app import WorkplanApp
    from workplan_tui.ui.session import Session


class SessionScreen(Screen[Any]):
    """A screen showing the partnership: it reads the session's snapshot (``session``) and
    redraws in place (``live_refresh``) each time the session publishes ``reloaded``: someone
    else changed the file, a new day began, a sync brought changes in."""

    app: WorkplanApp

    @property
    def session(self) -> Session:
        return self.app.session

    @on(events.Mount)
    def _subscribe(self) -> None:  # besides a screen's own on_mount
        self.session.reloaded.subscribe(self, self._reloaded, immediate=True)

    def _reloaded(self, session: Session) -> None:
        self.live_refresh()

    def live_refresh(self) -> None:
        """Redraw from the session's snapshot, keeping what is selected."""
