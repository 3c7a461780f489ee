"""The workspace's clock and time zone: now, the zone its settings name, where today ends, the
response target."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import Any

from repdesk.core.inbox import end_of_day
from repdesk.services.common.zones import workspace_zone

Clock = Callable[[], datetime]


class WorkspaceTime:
    """Built once per workspace, before its services (the first screen needs it too).

    `setting` reads one workspace setting: from the file until the services load, then from the
    SettingsService (see services.workspace.workspace.Workspace.setting).
    """

    def __init__(self, clock: Clock, setting: Callable[[str], Any]) -> None:
        self.clock = clock
        self._setting = setting

    def now(self) -> datetime:
        return self.clock()

    def zone(self) -> tzinfo:
        return workspace_zone(str(self._setting("timezone")))

    def today(self) -> date:
        return self.clock().astimezone(self.zone()).date()

    def end_of_today(self, now: datetime | None = None) -> datetime:
        """The next local midnight after `now` (default: the clock's now), in UTC."""
        return end_of_day(self.clock() if now is None else now, self.zone())

    def response_target_minutes(self) -> int:
        """How long a new inquiry may wait for its first answer before it shows as late."""
        return int(self._setting("response_target_minutes"))
