"""Email that goes out and comes back: account, templates, outbox, replies."""
