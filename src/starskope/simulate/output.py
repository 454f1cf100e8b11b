"""Writing simulated campaigns: Kaggle table, one Kepler-like FITS file per star, or Parquet.

Each writer also writes the truth table beside its output (``<stem>.truth.csv``, or
``truth.csv`` inside a FITS directory).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..exceptions import StarskopeError
from .campaign import C3_START_BKJD, Campaign

__all__ = [
    "WRITERS",
    "check_fits_folder",
    "truth_path",
    "write_campaign",
    "write_fits",
    "write_kaggle_table",
    "write_parquet",
]

#: Fake EPIC identifiers for simulated stars start here (above the real EPIC range).
SIM_ID_OFFSET = 900_000_000


def truth_path(out) -> Path:
    """Where the truth table of an output goes: ``train.csv`` -> ``train.truth.csv``."""
    out = Path(out)
    name = out.name
    for suffix in (".csv.gz", ".csv", ".parquet"):
        if name.lower().endswith(suffix):  # X.CSV.GZ as x.csv.gz
            return out.with_name(name[: -len(suffix)] + ".truth.csv")
    return out / "truth.csv" if out.suffix == "" else out.with_name(out.stem + ".truth.csv")


@contextmanager
def _replacing(*paths: Path) -> Iterator[list[Path]]:
    """Temporary names beside ``paths`` (same endings, so compression is still inferred) to
    write to, moved over ``paths`` when the block ends; removed when writing fails, so an
    earlier table and its truth table are kept whole. (Only a failure between the moves, on
    the same file system, could leave a new table beside an old truth table; the truth table
    is moved first and the table last, and a leftover temporary file is removed.)"""
    tmps = [p.with_name(f".partial.{p.name}") for p in paths]
    try:
        yield tmps
        for t, p in reversed(list(zip(tmps, paths, strict=True))):
            os.replace(t, p)
    finally:
        for t in tmps:
            t.unlink(missing_ok=True)


def write_kaggle_table(campaign: Campaign, out) -> list[Path]:
    """The exact Kaggle K2 layout (``LABEL,FLUX.1..FLUX.n``; 2 = host), gaps bridged linearly."""
    from ..io.kaggle import write_kaggle

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tp = truth_path(out)
    with _replacing(out, tp) as (tmp, tmp_truth):
        write_kaggle(tmp, campaign.filled_flux(), campaign.labels)
        campaign.truth.to_csv(tmp_truth, index=False, float_format="%.6g")
    return [out, tp]


def check_fits_folder(out) -> None:
    """Refuse a folder that already holds FITS files or a truth table: a new campaign written
    over part of an older one would leave both mixed, with one truth table."""
    out = Path(out)
    if not out.is_dir():
        return
    old = [p.name for p in out.iterdir() if p.name.lower().endswith((".fits", ".fits.gz"))]
    if old or (out / "truth.csv").exists():
        what = f"{len(old)} FITS file(s)" if old else "a truth.csv"
        raise StarskopeError(
            f"the --out folder already holds {what} (an earlier campaign?), which would mix"
            " with this one: give a new or empty folder",
            path=str(out),
        )


def write_fits(campaign: Campaign, out) -> list[Path]:
    """One official-Kepler-like long-cadence FITS file per star in directory ``out``.

    Primary header: ``TELESCOP='Kepler'``, ``MISSION='K2'``, ``OBJECT='EPIC <id>'``, ``KEPLERID``,
    ``CAMPAIGN``, ``RA_OBJ``/``DEC_OBJ``, ``KEPMAG`` and the truth (``SIMCLASS`` and so on).
    Extension ``LIGHTCURVE``: ``TIME`` (BKJD), ``CADENCENO``, ``SAP_FLUX``, ``PDCSAP_FLUX``,
    ``PDCSAP_FLUX_ERR``, ``SAP_QUALITY``, with ``BJDREFI``/``BJDREFF``/``TIMESYS='TDB'``.
    """

    out = Path(out)
    check_fits_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    cfg = campaign.config
    t_bkjd = C3_START_BKJD + campaign.time
    rng = np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(3,)))
    ra = 336.67 + rng.uniform(-3.5, 3.5, cfg.n_stars)  # around the K2 C3 field centre
    dec = -11.10 + rng.uniform(-3.5, 3.5, cfg.n_stars)
    paths: list[Path] = []
    truth = campaign.truth
    try:
        _write_fits_files(campaign, out, t_bkjd, ra, dec, paths)
        tp = out / "truth.csv"
        truth.assign(file=[p.name for p in paths]).to_csv(tp, index=False, float_format="%.6g")
    except BaseException:  # nothing half-written is left to be read as a campaign
        for p in [*paths, out / "truth.csv"]:
            p.unlink(missing_ok=True)
        raise
    return [*paths, tp]


def _write_fits_files(campaign: Campaign, out: Path, t_bkjd, ra, dec, paths: list) -> None:
    """The FITS file of every star of ``campaign`` into ``out``, each appended to ``paths``
    once written."""
    from astropy.io import fits

    cfg = campaign.config
    truth = campaign.truth
    for i in range(cfg.n_stars):
        tr = truth.iloc[i]
        epic = SIM_ID_OFFSET + i
        prim = fits.PrimaryHDU()
        h = prim.header
        h["TELESCOP"] = ("Kepler", "telescope")
        h["INSTRUME"] = ("Kepler Photometer", "detector type")
        h["MISSION"] = ("K2", "Mission name")
        h["OBJECT"] = (f"EPIC {epic}", "string version of target id (simulated)")
        h["KEPLERID"] = (epic, "simulated target identifier")
        h["CAMPAIGN"] = (3, "Observing campaign number")
        h["OBSMODE"] = ("long cadence", "observing mode")
        h["RADESYS"] = ("ICRS", "reference frame of celestial coordinates")
        h["RA_OBJ"] = (float(ra[i]), "[deg] right ascension")
        h["DEC_OBJ"] = (float(dec[i]), "[deg] declination")
        h["EQUINOX"] = (2000.0, "equinox of celestial coordinate system")
        h["KEPMAG"] = (round(float(tr["kepmag"]), 3), "[mag] Kepler magnitude (Kp)")
        h["ORIGIN"] = ("starskope simulate", "simulated light curve")
        h["SIMULATD"] = (True, "simulated by starskope")
        h["SIMSEED"] = (cfg.seed, "campaign master seed")
        h["SIMROW"] = (i, "row in the campaign")
        h["SIMCLASS"] = (str(tr["class"]), "true class")
        h["SIMSUB"] = (str(tr["subclass"]), "true subclass")
        # the epoch in TIME's own system (BKJD), not the truth table's days from the first
        # cadence: folding the file's TIME at SIMEPOCH puts the transit at phase 0
        for key, v, comment in (
            ("SIMPER", tr["period_days"], "[d] true period"),
            ("SIMEPOCH", tr["epoch_days"] + t_bkjd[0], "[BJD - 2454833] true mid-transit time"),
            ("SIMDEPTH", tr["depth_ppm"], "[ppm] true depth"),
        ):
            if np.isfinite(float(v)):
                h[key] = (float(v), comment)
        cols = [
            fits.Column(name="TIME", format="D", unit="BJD - 2454833", array=t_bkjd),
            fits.Column(
                name="CADENCENO", format="J", array=np.arange(cfg.n_points, dtype=np.int32)
            ),
            fits.Column(name="SAP_FLUX", format="E", unit="e-/s", array=campaign.flux[i]),
            fits.Column(name="PDCSAP_FLUX", format="E", unit="e-/s", array=campaign.flux[i]),
            fits.Column(
                name="PDCSAP_FLUX_ERR", format="E", unit="e-/s", array=campaign.flux_err[i]
            ),
            fits.Column(name="SAP_QUALITY", format="J", array=campaign.quality[i]),
        ]
        lc = fits.BinTableHDU.from_columns(cols, name="LIGHTCURVE")
        lh = lc.header
        lh["TIMEREF"] = ("SOLARSYSTEM", "barycentric correction applied to times")
        lh["TASSIGN"] = ("SPACECRAFT", "where time is assigned")
        lh["TIMESYS"] = ("TDB", "time system is barycentric JD")
        lh["BJDREFI"] = (2454833, "integer part of BJD reference date")
        lh["BJDREFF"] = (0.0, "fraction of the day in BJD reference date")
        lh["TIMEUNIT"] = ("d", "time unit for TIME, TSTART and TSTOP")
        lh["TSTART"] = (
            float(t_bkjd[0] - cfg.cadence_days / 2),
            "observation start time in BJD-BJDREF",
        )
        lh["TSTOP"] = (
            float(t_bkjd[-1] + cfg.cadence_days / 2),
            "observation stop time in BJD-BJDREF",
        )
        lh["TELAPSE"] = (float(np.ptp(t_bkjd) + cfg.cadence_days), "[d] TSTOP - TSTART")
        lh["TIMEDEL"] = (cfg.cadence_days, "[d] time resolution of data")
        lh["INT_TIME"] = (6.01980290327, "[s] photon accumulation time per frame")
        lh["NUM_FRM"] = (270, "number of frames per time stamp")
        path = out / f"ktwo{epic}-c03_llc.fits"
        paths.append(path)  # before writing: a file cut short by a full disk is removed too
        fits.HDUList([prim, lc]).writeto(path, overwrite=True)


def write_parquet(campaign: Campaign, out) -> list[Path]:
    """One row per star: truth columns plus list columns ``flux``, ``flux_err``, ``quality``.

    The time grid (days from the first cadence) and the config go in the file's key-value
    metadata (``starskope.time``, ``starskope.config``).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(campaign.truth, preserve_index=False)
    table = table.append_column("flux", pa.array(list(campaign.flux), type=pa.list_(pa.float64())))
    table = table.append_column(
        "flux_err", pa.array(list(campaign.flux_err), type=pa.list_(pa.float64()))
    )
    table = table.append_column(
        "quality", pa.array(list(campaign.quality), type=pa.list_(pa.int32()))
    )
    meta = dict(table.schema.metadata or {})
    meta[b"starskope.time"] = json.dumps(campaign.time.tolist()).encode()
    cfg = {k: v for k, v in campaign.config.__dict__.items()}
    meta[b"starskope.config"] = json.dumps(cfg).encode()
    table = table.replace_schema_metadata(meta)
    tp = truth_path(out)
    with _replacing(out, tp) as (tmp, tmp_truth):
        pq.write_table(table, tmp)
        campaign.truth.to_csv(tmp_truth, index=False, float_format="%.6g")
    return [out, tp]


#: Output formats: name -> writer(campaign, out) -> written paths.
WRITERS = {"kaggle": write_kaggle_table, "fits": write_fits, "parquet": write_parquet}


def write_campaign(campaign: Campaign, out, *, format: str) -> list[Path]:
    """Write a campaign in ``format`` (see :data:`WRITERS`) and its truth table."""
    if format not in WRITERS:
        raise StarskopeError(f"unknown format {format!r}; use one of {sorted(WRITERS)}")
    return WRITERS[format](campaign, out)
