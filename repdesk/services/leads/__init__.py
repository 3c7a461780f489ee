"""One lead's use cases: edits, notes, status, contact attempts, journey stage."""
