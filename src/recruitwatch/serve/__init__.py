"""Serve stage: the JSON API and the pages over one database (`recruitwatch serve`).

Its packages are the optional `[web]` extra; `missing_extra()` names what is not installed, so
the command can print the install line instead of a traceback. Nothing is imported here: the
CLI loads `recruitwatch.serve.app` only when it serves.
"""

from __future__ import annotations

from importlib.util import find_spec

INSTALL_LINE = "pip install 'recruitwatch[web]'"
# Import names of the [web] extra's packages.
_WEB_MODULES = ("fastapi", "uvicorn", "jinja2", "multipart", "pyarrow")


def missing_extra() -> list[str]:
    """The [web] packages that cannot be imported, [] when serving can start."""
    return [name for name in _WEB_MODULES if find_spec(name) is None]
