"""Django's PostgreSQL backend, with a health check that spares connections in steady use (base.py)."""
