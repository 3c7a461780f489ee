"""Email in the desktop app: composer, outbox, Settings → Email, Templates page."""
