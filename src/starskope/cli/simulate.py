"""``starskope simulate campaign`` and ``starskope inject-recover``."""

from __future__ import annotations

from pathlib import Path

import typer

from ..exceptions import StarskopeError
from ..parallel import progress_bar
from . import app
from ._paths import output_dir, output_dir_later, output_file

__all__ = ["campaign_command", "inject_recover_command", "simulate_app"]

simulate_app = typer.Typer(
    name="simulate",
    help="Simulated surveys: K2-like campaigns with planets, binaries and variables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(simulate_app, name="simulate")

_FORMATS = ("kaggle", "fits", "parquet")


@simulate_app.command("campaign")
def campaign_command(
    n_stars: int = typer.Option(5087, "--n-stars", help="Stars in the campaign."),
    n_hosts: int = typer.Option(37, "--n-hosts", help="Planet hosts (label 2) among them."),
    seed: int = typer.Option(
        0, "--seed", min=0, help="Master seed (output is deterministic in it)."
    ),
    fmt: str = typer.Option(
        "kaggle", "--format", help="kaggle, fits (one file per star) or parquet."
    ),
    out: Path = typer.Option(
        ..., "--out", help="Output file (kaggle, parquet) or directory (fits)."
    ),
    n_points: int = typer.Option(3197, "--n-points", help="Cadences per star."),
    population: str = typer.Option("koi+k2", "--population", help="koi, k2, koi+k2 or loguniform."),
    min_host_snr: float = typer.Option(
        5.0, "--min-host-snr", help="Redraw host planets below this expected SNR."
    ),
    frac_eb: float = typer.Option(
        0.03, "--frac-eb", help="Share of non-hosts that are eclipsing binaries."
    ),
    frac_pulsator: float = typer.Option(
        0.05, "--frac-pulsator", help="Share of non-hosts that pulsate."
    ),
    frac_spotted: float = typer.Option(
        0.50,
        "--frac-spotted",
        help="Share of stars that are spotted fast rotators (0.50 matches real K2 C13 noise).",
    ),
    shuffle: bool = typer.Option(
        False, "--shuffle", help="Mix hosts among the rows (Kaggle puts them first)."
    ),
    jobs: int = typer.Option(
        1, "--jobs", "-j", min=1, help="Worker processes (output does not depend on it)."
    ),
) -> None:
    """Simulate a K2-like campaign and write it with its truth table."""
    from ..simulate.campaign import CampaignConfig, simulate_campaign
    from ..simulate.output import write_campaign

    if fmt not in _FORMATS:
        raise StarskopeError(f"--format must be one of {', '.join(_FORMATS)}; got {fmt!r}")
    config = CampaignConfig(  # checked before any output is made
        n_stars=n_stars,
        n_hosts=n_hosts,
        seed=seed,
        n_points=n_points,
        population=population,
        min_host_snr=min_host_snr,
        frac_eb=frac_eb,
        frac_pulsator=frac_pulsator,
        frac_spotted=frac_spotted,
        hosts_first=not shuffle,
    )
    if fmt == "fits":
        from ..simulate.output import check_fits_folder

        check_fits_folder(out)
        output_dir(out, what="--out folder")
    else:
        output_file(out, what="--out file")
        kind = "Parquet file" if fmt == "parquet" else "CSV table"
        wrong = {"kaggle": (".parquet", ".pq"), "parquet": (".csv", ".txt", ".gz")}[fmt]
        if out.name.lower().endswith(wrong):
            raise StarskopeError(
                f"--format {fmt} writes a {kind}, but --out is named {out.name!r}: give a"
                " matching name or --format",
                path=str(out),
            )
        need = {"kaggle": (".csv", ".csv.gz", ".txt"), "parquet": (".parquet", ".pq")}[fmt]
        if not out.name.lower().endswith(need):
            raise StarskopeError(
                f"--format {fmt} writes a {kind}: name --out with {' or '.join(need)} (its truth"
                " table goes beside it)",
                path=str(out),
            )
        _truth_not_shared(out)
    with progress_bar("simulating", n_stars) as advance:  # stderr, terminals only
        campaign = simulate_campaign(config, n_jobs=jobs, progress=advance)
    paths = write_campaign(campaign, out, format=fmt)
    counts = campaign.truth["class"].value_counts().to_dict()
    where = f"{len(paths) - 1} file(s) under {out}" if out.is_dir() else str(out)
    typer.echo(f"wrote {where}; truth: {paths[-1]}")
    typer.echo("classes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def _truth_not_shared(out: Path) -> None:
    """Refuse an output whose truth table would overwrite another table's: ``train.csv`` and
    ``train.parquet`` (or ``train.pq``, ``train.txt``) all keep theirs in ``train.truth.csv``."""
    import glob

    from ..simulate.output import truth_path

    if out.name.lower().endswith(".truth.csv"):
        raise StarskopeError(
            "a campaign's table may not be named like a truth table (*.truth.csv, which its own"
            " campaign's truth table would be): give --out another name",
            path=str(out),
        )
    tp = truth_path(out)
    if not tp.exists():
        return
    others = sorted(
        p
        for p in out.parent.glob(glob.escape(tp.name[: -len(".truth.csv")]) + ".*")
        if p.is_file() and p not in (out, tp) and truth_path(p) == tp
    )
    if others:
        raise StarskopeError(
            f"the truth table {tp.name} beside it may belong to {others[0].name}, and writing "
            f"{out.name} would replace it: give --out another name (or remove {others[0].name})",
            path=str(out),
        )


@app.command("inject-recover")
def inject_recover_command(
    detector: list[str] = typer.Option(
        ["search"], "--detector", help="search, bls-sde, tls or model:NAME (repeat for several)."
    ),
    n: int = typer.Option(2000, "--n", help="Injections."),
    n_null: int | None = typer.Option(
        None, "--n-null", help="Uninjected curves (default n/5, >= 20)."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Master seed."),
    out: Path = typer.Option(..., "--out", help="Output directory (CSV table, summary, PNG maps)."),
    background: list[str] = typer.Option(
        ["real", "simulated"], "--background", help="real, simulated, white (repeat; used in turn)."
    ),
    real_mission: list[str] = typer.Option(
        ["K2", "Kepler", "TESS"],
        "--real-mission",
        help="Missions of the real backgrounds (repeat): non-hosts and masked planet hosts.",
    ),
    min_period: float = typer.Option(0.5, "--min-period", help="Shortest injected period, days."),
    max_period: float = typer.Option(20.0, "--max-period", help="Longest injected period, days."),
    min_depth_ppm: float | None = typer.Option(
        None, "--min-depth-ppm", help="Shallowest depth, ppm (default 50; not with --snr-range)."
    ),
    max_depth_ppm: float | None = typer.Option(
        None, "--max-depth-ppm", help="Deepest depth, ppm (default 5000; not with --snr-range)."
    ),
    snr_range: tuple[float, float] | None = typer.Option(
        None,
        "--snr-range",
        help="Draw each injection's expected SNR log-uniform in LOW HIGH (radius ratio rescaled; "
        "period and geometry as drawn) instead of its depth: trials where completeness changes.",
    ),
    n_points: int = typer.Option(3197, "--n-points", help="Cadences per light curve."),
    jobs: int = typer.Option(
        1, "--jobs", "-j", min=1, help="Worker processes (results do not depend on it)."
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace an earlier run's outputs in --out (once this run ends)."
    ),
) -> None:
    """Inject planets into real and simulated noise, run detectors, map completeness."""
    from ..simulate.recovery import RecoveryConfig, get_detector, run_injection_recovery, summarize

    for d in detector:
        get_detector(d)
    if snr_range is not None and (min_depth_ppm is not None or max_depth_ppm is not None):
        raise StarskopeError(
            "--snr-range sets each injection's depth from its expected SNR; drop "
            "--min-depth-ppm/--max-depth-ppm, or --snr-range for a depth draw"
        )
    min_depth_ppm = 50.0 if min_depth_ppm is None else min_depth_ppm
    max_depth_ppm = 5000.0 if max_depth_ppm is None else max_depth_ppm
    config = RecoveryConfig(
        n=n,
        n_null=n_null,
        seed=seed,
        backgrounds=tuple(background),
        period_range=(min_period, max_period),
        depth_range=(min_depth_ppm * 1e-6, max_depth_ppm * 1e-6),
        snr_range=snr_range,
        n_points=n_points,
        real_missions=tuple(real_mission),
    )
    if max_period > config.longest_period:
        import warnings

        from ..exceptions import StarskopeWarning

        warnings.warn(
            f"injected periods are capped at half a background's span: "
            f"{config.longest_period:.1f} d for {n_points} long cadences, not {max_period:g} d",
            StarskopeWarning,
            stacklevel=2,
        )
    output_dir_later(out, what="--out folder")  # made once there is a table to write
    earlier = _recovery_outputs(out)
    if earlier and not overwrite:
        raise StarskopeError(
            f"the --out folder holds an earlier run's outputs ({earlier[0].name}"
            f"{f' and {len(earlier) - 1} more' if len(earlier) > 1 else ''}): give another"
            " --out, or --overwrite to replace them",
            path=str(out),
        )
    with progress_bar("inject-recover", n + config.n_uninjected) as advance:
        table = run_injection_recovery(
            config, detectors=tuple(dict.fromkeys(detector)), n_jobs=jobs, progress=advance
        )
    output_dir(out, what="--out folder")
    for p in earlier:  # --overwrite: no map of an earlier run's detector stays
        p.unlink()
    table.to_csv(out / "injections.csv", index=False, float_format="%.6g")
    summary = summarize(table)
    summary.to_csv(out / "summary.csv", index=False, float_format="%.4g")
    from ..simulate.plots import write_recovery_plots

    pngs = write_recovery_plots(table, out)
    typer.echo(summary.to_string(index=False))
    typer.echo(
        f"wrote {out / 'injections.csv'}, {out / 'summary.csv'}, " + ", ".join(str(p) for p in pngs)
    )


def _recovery_outputs(out: Path) -> list[Path]:
    """The files of an earlier ``inject-recover`` run in ``out`` (none when it is no folder)."""
    if not out.is_dir():
        return []
    found = [out / n for n in ("injections.csv", "summary.csv") if (out / n).is_file()]
    return found + sorted(p for p in out.glob("completeness_*.png") if p.is_file())
