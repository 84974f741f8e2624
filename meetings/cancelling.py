"""What other apps do when a meeting is cancelled, without meetings importing them.

The same pattern as meetings.agenda: an app above (dialog: residents' questions waiting for
the meeting go back to "Ny") registers a CancelHook in its AppConfig.ready().

- `preview(meeting)` is a line for the confirm page (MeetingAdmin.cancel_view), said before
  anything happens; "" when the app has nothing to say about this meeting.
- `cancelled(meeting)` runs inside meeting_cancel's transaction, after the meeting row is
  locked and saved as cancelled, so its writes and queued mails commit or roll back with the
  cancellation. It returns a line for the coordinator's message afterwards, or "".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from meetings.models import Meeting


@dataclass(frozen=True)
class CancelHook:
    preview: Callable[[Meeting], str]
    cancelled: Callable[[Meeting], str]


CANCEL_HOOKS: list[CancelHook] = []


def cancel_register(hook: CancelHook) -> None:
    """Register an app's part of cancelling a meeting; safe to call twice."""
    if hook not in CANCEL_HOOKS:
        CANCEL_HOOKS.append(hook)


def cancel_previews(meeting: Meeting) -> list[str]:
    """What else cancelling `meeting` will do, one line per app that has something to say."""
    return [line for hook in CANCEL_HOOKS if (line := str(hook.preview(meeting)))]


def cancel_run(meeting: Meeting) -> list[str]:
    """Run every app's part of cancelling `meeting` (in the caller's transaction); what each did."""
    return [line for hook in CANCEL_HOOKS if (line := str(hook.cancelled(meeting)))]
