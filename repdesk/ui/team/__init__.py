"""Reps and their capacity in the app."""
