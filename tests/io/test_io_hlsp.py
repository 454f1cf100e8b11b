"""TESS high-level science products whose flags or columns differ from SPOC's (TASOC, eleanor,
CDIPS, DIAmante), and target pixel files, which are not light curves. Layouts as lightkurve's
readers (``lightkurve/io/{tasoc,eleanor,cdips,diamante}.py``) and the producing pipelines write
them."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.io import fits

from starskope.exceptions import StarskopeError
from starskope.io import read
from starskope.io.quality import quality_mask
from starskope.pipeline import analyse

N = 600
T = 2010.0 + np.arange(N) * (30.0 / 1440)  # BTJD, 30-min FFI cadence


def _write(path, columns: dict, primary: dict | None = None, table: dict | None = None):
    cols = []
    for name, arr in columns.items():
        arr = np.asarray(arr)
        fmt = {"i": "J", "U": "1A", "S": "1A"}.get(arr.dtype.kind, "D")
        cols.append(fits.Column(name=name, format=fmt, array=arr))
    prim = fits.PrimaryHDU()
    for k, v in (primary or {}).items():
        prim.header[k] = v
    hdu = fits.BinTableHDU.from_columns(cols, name="LIGHTCURVE")
    for k, v in (table or {}).items():
        hdu.header[k] = v
    fits.HDUList([prim, hdu]).writeto(path)
    return path


def _kept(lc) -> int:
    return int(quality_mask(lc.quality, mission=lc.meta.mission).sum())


def test_tasoc_drops_only_its_bad_data_flags(tmp_path):
    """TASOC's QUALITY bits are its own: 8/16/32 mark corrected jumps and 128 interpolated
    points (SPOC's EarthPoint, Argabrightening, Desat, ManualExclude); only 1 and 2 are bad."""
    q = np.zeros(N, dtype=np.int32)
    q[:100] = 8
    q[100:110] = 128
    q[110:115] = 1
    q[115:118] = 2
    p = _write(
        tmp_path / "hlsp_tasoc_tess_ffi_tic00123456789-s0026-cam1-ccd1-c1800_tess_v05_cbv-lc.fits",
        {"TIME": T, "FLUX_RAW": 1000 + 0 * T, "FLUX_CORR": 0 * T, "FLUX_CORR_ERR": 50 + 0 * T,
         "QUALITY": q, "PIXEL_QUALITY": np.zeros(N, dtype=np.int32)},
        primary={"TELESCOP": "TESS", "ORIGIN": "TASOC/Aarhus", "TICID": 123456789},
        table={"BJDREFI": 2457000, "BJDREFF": 0.0},
    )  # fmt: skip
    lc = read(p)
    assert lc.meta.product == "tasoc" and lc.meta.flux_column == "FLUX_CORR"
    assert _kept(lc) == N - 8


def test_eleanor_drops_its_own_flags_and_names_the_target(tmp_path):
    q = np.zeros(N, dtype=np.int32)
    q[:20] = 131072  # eleanor's bit 17: not a SPOC bit, still a bad cadence
    cols = {"TIME": T, "BARYCORR": 0 * T, "RAW_FLUX": 1e4 + 0 * T, "CORR_FLUX": 1e4 + 0 * T,
            "FLUX_ERR": 10 + 0 * T, "QUALITY": q, "PCA_FLUX": 1e4 + 0 * T,
            "PSF_FLUX": 1e4 + 0 * T}  # fmt: skip
    p = _write(
        tmp_path / "hlsp_eleanor_tess_ffi_tic123456789_s26_tess_v2.0.5_lc.fits",
        cols,
        primary={"TIC_ID": 123456789, "PCORIGIN": "postcard", "SECTOR": 26},
    )
    lc = read(p)
    assert (lc.meta.product, lc.meta.flux_column, lc.meta.target) == (
        "eleanor",
        "CORR_FLUX",
        "TIC 123456789",
    )
    assert lc.time_format == "btjd" and _kept(lc) == N - 20


def test_cdips_uses_barycentric_times_and_its_quality_letters(tmp_path):
    bjd = T + 2457000.0
    irq = np.array(["G"] * N)
    irq[:15] = "X"
    cols = {"TMID_UTC": bjd - 0.005, "IFL1": 1.5e5 + 0 * T, "IFE1": 50 + 0 * T, "IRQ1": irq,
            "IRM1": 11.0 + 0 * T, "TMID_BJD": bjd, "TFA1": 11.0 + 0 * T}  # fmt: skip
    p = _write(
        tmp_path / "hlsp_cdips_tess_ffi_gaiatwo000529-0026-cam1-ccd1_tess_v01_llc.fits", cols
    )
    lc = read(p)
    assert lc.meta.product == "cdips" and lc.meta.flux_column == "IFL1"
    np.testing.assert_allclose(lc.t + (lc.bjd_offset or 0.0), bjd, rtol=0, atol=1e-6)
    assert _kept(lc) == N - 15


def test_diamante_reads_the_detrended_aperture_and_its_btjd_column(tmp_path):
    flag = np.zeros(N, dtype=np.int32)
    flag[:9] = 1
    cols = {"BTJD": T, "LC0_AP1": 1 + 0 * T, "ELC0_AP1": 1e-3 + 0 * T, "LC1_AP1": 1 + 0 * T,
            "ELC1_AP1": 2e-3 + 0 * T, "FLAG_AP1": flag}  # fmt: skip
    p = _write(
        tmp_path / "hlsp_diamante_tess_lightcurve_tic-0000000123456789_tess_v1_llc.fits", cols
    )
    lc = read(p)  # no TELESCOP: the BTJD column says the time system
    assert lc.meta.flux_column == "LC1_AP1" and lc.time_format == "btjd"
    assert np.allclose(lc.flux_err, 2e-3) and _kept(lc) == N - 9


def test_target_pixel_files_are_refused_with_advice(tmp_path):
    cols = [
        fits.Column(name="TIME", format="D", array=T),
        fits.Column(name="FLUX", format="9E", dim="(3,3)", array=np.ones((N, 3, 3))),
    ]
    prim = fits.PrimaryHDU()
    prim.header["CREATOR"] = "TargetPixelExporterPipelineModule"
    fits.HDUList([prim, fits.BinTableHDU.from_columns(cols, name="PIXELS")]).writeto(
        tmp_path / "tess-s0026_tp.fits"
    )
    with pytest.raises(StarskopeError, match="target pixel file.*to_lightcurve"):
        read(tmp_path / "tess-s0026_tp.fits")


def test_dv_time_series_reads_the_light_curve_never_the_phase(tmp_path):
    """A Kepler/TESS DV time-series file (``*_dvt.fits``, one table per TCE) holds TIME, the
    orbital PHASE in days, the initial relative flux LC_INIT and models: the flux is LC_INIT
    (LC_DETREND when present), never PHASE or a model."""
    rng = np.random.default_rng(0)
    period, t0 = 3.3, 2011.0
    phase = (T - t0 + period / 2) % period - period / 2
    flux = -2e-3 * (np.abs(phase) < 2.5 / 48) + rng.normal(0, 3e-4, N)
    cols = {"TIME": T, "CADENCENO": np.arange(N, dtype=np.int32), "PHASE": phase,
            "LC_INIT": flux, "LC_INIT_ERR": np.full(N, 3e-4), "MODEL_INIT": 0 * T}  # fmt: skip
    kw = dict(primary={"TELESCOP": "TESS", "TICID": 42}, table={"BJDREFI": 2457000})
    lc = read(_write(tmp_path / "dvt.fits", cols, **kw))
    assert lc.meta.flux_column == "LC_INIT"
    top = analyse(lc).candidates[0]  # zero-centred relative flux, read as 1 + flux
    assert top.period_days == pytest.approx(period, rel=0.01)
    assert top.depth_ppm == pytest.approx(2000, rel=0.25)
    cols["LC_DETREND"] = flux
    lc = read(_write(tmp_path / "dvt2.fits", cols, **kw))
    assert lc.meta.flux_column == "LC_DETREND"
    del cols["LC_INIT"], cols["LC_INIT_ERR"], cols["LC_DETREND"]
    lc = read(_write(tmp_path / "dvt3.fits", {**cols, "SIGNAL": 1 + flux}, **kw))
    assert lc.meta.flux_column == "SIGNAL"  # by position: neither PHASE nor MODEL_INIT
