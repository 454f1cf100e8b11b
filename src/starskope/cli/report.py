"""``starskope report`` (self-contained HTML pages) and ``starskope serve`` (local web app)."""

from __future__ import annotations

from pathlib import Path

import typer

from ..app.jobs import DEFAULT_MEMORY_MB
from ..exceptions import StarskopeError
from . import app
from ._help import CADENCE_HELP, FORMAT_HELP
from ._paths import output_dir_later

__all__ = ["report_command", "serve_command"]


@app.command("report")
def report_command(
    files: list[str] = typer.Argument(
        None, help="Light-curve files, folders or globs (or use --catalog)."
    ),
    out: Path = typer.Option(Path("starskope-report"), "--out", "-o", help="Output folder."),
    catalog: Path | None = typer.Option(
        None, "--catalog", "-c", help="A scan's DuckDB catalog: report its top stars."
    ),
    top: int = typer.Option(20, "--top", help="With --catalog: how many stars."),
    fmt: str | None = typer.Option(None, "--format", help=FORMAT_HELP),
    known: bool = typer.Option(
        True, "--known/--no-known", help="Match candidates against the known-object catalogue."
    ),
    cadence_minutes: float | None = typer.Option(None, "--cadence-minutes", help=CADENCE_HELP),
) -> None:
    """Write one self-contained HTML page per light curve (a star given in several files gets
    one per file, each named in the index), plus index.html, into --out."""
    from ..report import report_catalog, report_files

    if catalog is not None and files:
        raise StarskopeError("give light-curve FILE... or --catalog, not both")
    if catalog is not None and cadence_minutes is not None:
        raise StarskopeError(
            "--cadence-minutes is for FILE...: a catalog's stars are read as its scan read them"
        )
    if catalog is None and not files:
        raise StarskopeError("give light-curve FILE... or --catalog results.duckdb")
    output_dir_later(out, what="--out folder")
    if catalog is not None:
        summary = report_catalog(catalog, out=out, top=top, known=known)
    else:
        summary = report_files(
            files, out=out, format=fmt, known=known, cadence_minutes=cadence_minutes
        )
    for err in summary.errors:
        typer.echo(f"starskope: error: {' '.join(err.split())}", err=True)
    typer.echo(f"Wrote {len(summary.pages)} star page(s); open {summary.index}")
    if summary.n_failed:
        typer.echo(f"{summary.n_failed} input(s) could not be analysed (see their pages)")
        raise SystemExit(1)


@app.command("serve")
def serve_command(
    catalog: Path | None = typer.Option(
        None, "--catalog", "-c", help="A scan's DuckDB catalog to browse (opened read-only)."
    ),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Interface to bind (localhost only by default)."
    ),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    max_upload_mb: float = typer.Option(50.0, "--max-upload-mb", help="Largest upload accepted."),
    upload_timeout: float = typer.Option(
        120.0, "--upload-timeout", help="Seconds an upload may take to analyse."
    ),
    upload_memory_mb: float = typer.Option(
        float(DEFAULT_MEMORY_MB),
        "--upload-memory-mb",
        help="Memory (address space) each upload's worker may use, MiB: a small compressed file"
        " can unpack to gigabytes.",
    ),
) -> None:
    """Browse a catalog and analyse uploaded light curves in a local web app.

    On a loopback interface (the default) the app answers only to requests naming a loopback
    host, so that a web page open in the browser cannot use it (DNS rebinding, cross-site
    uploads).
    """
    from ..app import create_app

    if not 0 < port < 65536:
        raise StarskopeError(f"--port must be 1-65535; got {port}")
    if not 0 < max_upload_mb < float("inf"):
        raise StarskopeError(f"--max-upload-mb must be a positive size; got {max_upload_mb}")
    if not 0 < upload_timeout < float("inf"):
        raise StarskopeError(f"--upload-timeout must be a positive time; got {upload_timeout}")
    if not 1024 <= upload_memory_mb < float("inf"):
        raise StarskopeError(
            f"--upload-memory-mb must be at least 1024 (below it an ordinary analysis does not"
            f" fit its worker); got {upload_memory_mb}"
        )
    if catalog is not None and not catalog.is_file():
        raise StarskopeError("no such catalog file", path=str(catalog))
    try:
        import uvicorn
    except ImportError as exc:
        raise StarskopeError(f"serve needs uvicorn (the 'app' extra): {exc}") from exc
    loopback = host in LOOPBACK_HOSTS
    application = create_app(
        catalog=catalog,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        upload_timeout=upload_timeout,
        upload_memory_mb=upload_memory_mb,
        allowed_hosts=LOOPBACK_HOSTS if loopback else None,
    )
    if not loopback:
        typer.echo(f"warning: serving on {host}, reachable from other machines", err=True)
    _check_port_free(host, port)
    typer.echo(f"starskope app on http://{host}:{port}/  (Ctrl-C stops)")
    uvicorn.run(application, host=host, port=port, log_level="warning")


#: The loopback names: on these the app answers only to requests that name one of them.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _check_port_free(host: str, port: int) -> None:
    """One clear error when the port is taken (or the address unusable), before the server's
    own logging starts."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise StarskopeError(f"cannot serve on {host}: {exc.strerror or exc}") from exc
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            raise StarskopeError(
                f"cannot serve on {host}:{port}: {exc.strerror or exc} (another server on that"
                " port? choose one with --port)"
            ) from exc
