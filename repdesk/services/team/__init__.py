"""Reps: who owns leads, their capacity and routing."""
