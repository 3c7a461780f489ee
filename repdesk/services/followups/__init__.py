"""Follow-ups: cadence planning, the one-pending-step invariant, Today's actions."""
