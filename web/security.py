"""Security for the web layer (login, CSRF, headers) - being built."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Install the security hooks on ``app``."""
