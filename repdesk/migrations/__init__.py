"""Alembic migrations shipped inside the package."""

#: The newest revision; tests/store/test_migrations.py keeps it equal to Alembic's head, so that
#: start-up can skip importing Alembic when the database is already current.
HEAD_REVISION = "0014"
