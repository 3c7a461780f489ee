"""Question sets and rules, the call script's qualification runs, verdict effects."""
