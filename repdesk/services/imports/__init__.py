"""Importing leads from files: dedupe, merges, one transaction per import, undo."""
