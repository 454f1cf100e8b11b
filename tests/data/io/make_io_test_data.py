"""Regenerate the tiny trimmed real light curves in this folder from ../shared/data.

Run from the repository root: ``python tests/data/io/make_io_test_data.py``. Each file keeps the
original headers and the first N rows of its light-curve table(s); image extensions are dropped.
Sources and provenance: ../shared/data/PROVENANCE.md and bulk/PROVENANCE.md.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from astropy.io import fits

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2].parent / "shared" / "data"
N = 300

FITS_FILES = {
    "lightcurves/kepler/kplr011442793-2009350155506_llc.fits.gz": ("LIGHTCURVE",),
    "lightcurves/k2/ktwo211436265-c05_llc.fits.gz": ("LIGHTCURVE",),
    "lightcurves/tess/tess2019032160000-s0008-0000000413248763-0136-s_lc.fits.gz": ("LIGHTCURVE",),
    "lightcurves/tess/hlsp_tess-data-alerts_tess_phot_00160148385-s02_tess_v1_lc.fits.gz": (
        "LIGHTCURVE",
    ),
    "lightcurves/k2/hlsp_k2sff_k2_lightcurve_201367065-c01_kepler_v1_llc.fits.gz": ("BESTAPER",),
    "lightcurves/k2/hlsp_k2sc_k2_llc_211099743-c04_kepler_v2_lc.fits.gz": ("PDC", "SAP"),
    "bulk/k2/EPIC_210491860_mast.fits.gz": ("K2SC",),
    "lightcurves/kepler/kic010797460_q01_lightkurve.fits.gz": ("LIGHTCURVE",),
    "lightcurves/tess/lightkurve_wasp18_tic100100827_s02.fits.gz": ("LIGHTCURVE",),
    "bulk/tess/tic10111251.fits.gz": ("LIGHTCURVE",),
}
TEXT_FILES = (
    "lightcurves/k2/tls_EPIC201367065_everest.csv.gz",
    "lightcurves/k2/dave_ktwo210490365-c04_detrended.dat.gz",
    "lightcurves/tess/allesfitter_pimen_tess_s01_detrended.csv.gz",
    "lightcurves/k2/juliet_K2-32_lc.dat.gz",
    "lightcurves/kepler/koi-1003_kic002438502_q02_allesfitter.csv.gz",
)


def _write_gz(path: Path, data: bytes) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(data)


def main() -> None:
    for rel, exts in FITS_FILES.items():
        with fits.open(SHARED / rel) as hdul:
            out = fits.HDUList([fits.PrimaryHDU(header=hdul[0].header)])
            for ext in exts:
                h = hdul[ext]
                out.append(fits.BinTableHDU(data=h.data[:N], header=h.header, name=h.name))
            buf = io.BytesIO()
            out.writeto(buf, output_verify="silentfix")
        _write_gz(HERE / Path(rel).name, buf.getvalue())
    for rel in TEXT_FILES:
        with gzip.open(SHARED / rel, "rt") as fh:
            lines = [fh.readline() for _ in range(N)]
        _write_gz(HERE / Path(rel).name, "".join(lines).encode())


if __name__ == "__main__":
    main()
