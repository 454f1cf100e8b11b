"""Command-line interface: ``starskope <command>``.

The CLI is a thin layer: each command module parses its options, builds a config and calls the
science layers. Errors that starskope can explain (:class:`~starskope.exceptions.StarskopeError`)
are printed as one line and the process exits non-zero; there are no tracebacks for bad input.
"""

from __future__ import annotations

import sys

import typer

from ..exceptions import StarskopeError

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
        rc = app(args=argv, prog_name="starskope", standalone_mode=False)
    except StarskopeError as exc:
        print(f"starskope: error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # typer.Exit inside commands
        return int(exc.code or 0)
    except KeyboardInterrupt:
        print("starskope: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return exc.exit_code
        if isinstance(exc, click.exceptions.Abort):
            return 1
        raise
    return rc if isinstance(rc, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
