"""What every service shares: one-sentence errors, the Changes a use case returns, time zones."""
