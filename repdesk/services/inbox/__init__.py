"""The inbox: who to answer next, windowed and searched (SQLAlchemy; sqlite3 at first paint)."""
