"""The import dialog: preview, mapping, progress and cancel."""
