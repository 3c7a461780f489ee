"""Store errors carry one sentence a user can read."""


class StoreError(Exception):
    """A database problem explained in one sentence for the user."""
