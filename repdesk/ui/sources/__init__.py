"""Inquiry sources in the app: the sources panel and the background watcher."""
