"""``starskope fetch TARGET``: download light curves from MAST into a local cache."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import app

__all__ = ["fetch_command"]


@app.command("fetch")
def fetch_command(
    target: Annotated[
        str, typer.Argument(help="KIC/EPIC/TIC number or a name, e.g. 'KIC 11442793', 'TOI-185'")
    ],
    mission: Annotated[
        str | None,
        typer.Option("--mission", "-m", help="kepler, k2 or tess (default: from the target)"),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache", help="cache folder (default $STARSKOPE_CACHE or ~/.cache/starskope)"
        ),
    ] = None,
    cadence: Annotated[
        str, typer.Option("--cadence", help="long (Kepler 30 min, TESS 2 min) or short")
    ] = "long",
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="at most this many files per mission")
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="ask MAST again even if the cache has an answer")
    ] = False,
) -> None:
    """Download a star's light curves from MAST (cached files are reused offline).

    Prints one path per line.
    """
    from ..fetch import fetch

    paths = fetch(
        target, mission=mission, cache_dir=cache, cadence=cadence, limit=limit, refresh=refresh
    )
    for p in paths:
        typer.echo(str(p))
