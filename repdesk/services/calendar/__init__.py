"""Calendars: .ics export and CalDAV push of the follow-ups."""
