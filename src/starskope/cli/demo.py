"""``starskope demo``: the main job on the bundled light curves.

Reads every bundled file, prints what it is, runs the search pipeline with diagnostic plots, writes
the results as JSON lines and compares the findings with the known labels.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from . import app
from ._paths import console as _console
from ._paths import output_dir

__all__ = ["demo"]


@app.command()
def demo(
    out: Path = typer.Option(Path("demo-output"), "--out", help="Folder for results and plots."),
    max_planets: int = typer.Option(
        3, "--max-planets", min=1, help="Planets to look for per star."
    ),
) -> None:
    """Run the whole pipeline on the bundled real light curves and write plots and results."""
    from ..config import PipelineConfig
    from ..datasets import demo_files, demo_labels
    from ..io import read
    from ..pipeline import analyse_full

    console = _console()
    output_dir(out, what="--out folder")
    plots = output_dir(out / "plots", what="plots folder")
    labels = {row["file"]: row for row in demo_labels()}
    config = PipelineConfig(max_planets=max_planets)

    table = Table(title="starskope demo: bundled light curves")
    for col in (
        "file",
        "mission",
        "target",
        "span [d]",
        "known host",
        "known P [d]",
        "found P [d]",
        "matches",
        "depth [ppm]",
        "SNR",
        "candidate",
        "flags",
    ):
        table.add_column(col, overflow="fold")
    n_fail = 0
    analyses = []
    with (out / "results.jsonl").open("w") as fh:
        for path in demo_files():
            try:
                lc = read(path)
                analysis = analyse_full(lc, config)
            except Exception as exc:  # report, keep going
                from ..exceptions import StarskopeError

                if not isinstance(exc, StarskopeError):
                    raise
                n_fail += 1
                console.print(f"[red]error[/red] {path.name}: {exc}")
                continue
            analyses.append(analysis)
            result = analysis.result
            fh.write(result.to_json() + "\n")
            try:
                from ..plotting import plot_diagnostics

                plot_diagnostics(analysis, path=plots / f"{path.name.split('.')[0]}.png")
            except ImportError:  # plotting optional until installed
                pass
            label = labels.get(path.name, {})
            top = result.candidates[0] if result.candidates else None
            table.add_row(
                path.name.split(".")[0][:28],
                result.mission or "?",
                result.target or "?",
                f"{result.time_span_days:.1f}",
                {"1": "yes", "0": "no"}.get(str(label.get("is_planet_host", "")), "?"),
                # every known period (the found one may be another planet's, or an alias)
                "; ".join(str(label.get("known_periods_days", "")).split("; ")),
                "" if top is None else f"{top.period_days:.4f}",
                "" if top is None or not top.known else top.known.removeprefix("known "),
                "" if top is None else f"{top.depth_ppm:.0f}",
                "" if top is None else f"{top.snr:.1f}",
                "[green]yes[/green]" if result.is_candidate else "no",
                "" if top is None else ",".join(top.flags),
            )
    console.print(table)
    from ..report import report_analyses

    summary = report_analyses(analyses, out=out / "report", title="starskope demo")
    console.print(f"Results: {out / 'results.jsonl'}   plots: {plots}/")
    console.print(f"Report (open in a browser, no server needed): {summary.index}")
    if n_fail:
        raise typer.Exit(1)
