"""The Reports page: tables and charts."""
