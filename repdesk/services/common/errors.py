"""Service errors: one sentence for the user (CLI prints it, UI shows it)."""


class UserError(Exception):
    """Something the user asked for cannot be done; the message is one readable sentence."""


class NotFoundError(UserError):
    """The lead, follow-up or other record the user named does not exist."""


class Cancelled(UserError):
    """The user stopped long work; the sentence says what was (not) done."""
