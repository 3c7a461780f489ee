"""Inquiry sources: IMAP mailboxes (with IDLE) and watched folders."""
