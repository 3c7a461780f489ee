"""The Today page: follow-ups due, completed, snoozed and rescheduled by key."""
