"""The inbox page: the lead table, the lead detail pane and the lead edit dialog."""
