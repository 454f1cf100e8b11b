"""Command-line interface: ``starskope <command>``.

The CLI is a thin layer: each command module parses its options, builds a config and calls the
science layers. Errors that starskope can explain (:class:`~starskope.exceptions.StarskopeError`)
are printed as one line and the process exits non-zero; there are no tracebacks for bad input.
"""

from __future__ import annotations

import sys
import warnings

import typer

from ..exceptions import StarskopeError, StarskopeWarning
from ..exceptions import show_warning as _show_warning  # one line per starskope warning

__all__ = ["app", "main", "run"]

app = typer.Typer(
    name="starskope",
    help="Find transiting exoplanets in Kepler, K2, TESS and tabular light curves.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each command lives in its own module and registers itself on ``app``.
for _name in ("info", "search", "simulate", "scan", "fetch", "models", "report", "demo"):
    try:
        __import__(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:  # a command module not written yet
        if _exc.name != f"{__name__}.{_name}":
            raise


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            warnings.filterwarnings("default", category=StarskopeWarning)
            rc = app(args=argv, prog_name="starskope", standalone_mode=False)
    except StarskopeError as exc:
        print(f"starskope: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # typer.Exit inside commands
        return int(exc.code or 0)
    except KeyboardInterrupt:
        print("starskope: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output left (`... --json | head`): quietly
        import os

        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except OSError as exc:  # a disk full, a permission refused: one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        if exc.filename2:
            where = f"{exc.filename} -> {exc.filename2}: "
        print(f"starskope: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # click usage errors and the like
        if isinstance(exc, _click_classes("ClickException")):
            exc.show()
            return exc.exit_code
        if isinstance(exc, _click_classes("Abort")):
            return 1
        raise
    return rc if isinstance(rc, int) else 0


def _click_classes(name: str) -> tuple[type, ...]:
    """``click.exceptions.<name>`` and typer's vendored copy of it (typer >= 0.20 raises
    ``typer._click`` exceptions, which do not derive from click's)."""
    import importlib

    out = []
    for mod in ("click.exceptions", "typer._click.exceptions"):
        try:
            cls = getattr(importlib.import_module(mod), name, None)
        except ImportError:
            continue
        if isinstance(cls, type):
            out.append(cls)
    return tuple(out)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        print(f"starskope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """Find transiting exoplanets in Kepler, K2, TESS and tabular light curves."""


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
