"""The calendar page (month, week, agenda) and the CalDAV sync settings panel."""
