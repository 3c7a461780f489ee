"""The versions of repdesk's parts, for Help → About."""

from __future__ import annotations

import platform
import sys


def component_versions() -> dict[str, str]:
    """repdesk, Python, SQLAlchemy and the platform (Qt's own versions are the UI's to add)."""
    import sqlalchemy

    from repdesk import __version__

    return {
        "repdesk": __version__,
        "Python": platform.python_version(),
        "SQLAlchemy": sqlalchemy.__version__,
        "platform": sys.platform,
    }
