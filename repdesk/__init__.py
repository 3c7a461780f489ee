"""repdesk: a desktop rep assistant."""

__version__ = "0.1.0"
