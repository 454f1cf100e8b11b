"""The local web app (``starskope serve``): FastAPI, jinja2 pages, bundled JavaScript.

Importing this package imports neither FastAPI nor DuckDB; :func:`create_app` does.
"""

from __future__ import annotations

from .server import create_app as create_app

__all__ = ["create_app"]
