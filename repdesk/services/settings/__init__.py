"""Workspace settings, their defaults, and secrets kept in the system keyring."""
