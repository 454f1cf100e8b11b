"""Build the compact known-object table shipped in ``src/starskope/data/catalogs``.

Reads the raw NASA Exoplanet Archive tables (KOI cumulative, Planetary Systems K2 subset, TOI)
and the Kepler Eclipsing Binary catalogue export, normalises them with
:mod:`starskope.catalogs` and writes ``known_objects.csv.gz`` (a few hundred kB) with rounded
floats. Run it again whenever the raw tables are refreshed::

    python scripts/build_known_catalog.py [--catalog-dir DIR] [--out PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from starskope.catalogs import COLUMNS, PACKAGED_TABLE, load_catalogs

OUT = Path(__file__).resolve().parents[1] / "src" / "starskope" / "data" / "catalogs"

# significant digits kept per float column (periods need many: they are extrapolated
# over years of baseline)
_FORMATS = {
    "period": "%.10g",
    "period_err": "%.3g",
    "epoch_bjd": "%.7f",
    "duration_hours": "%.4g",
    "depth_ppm": "%.5g",
    "ra": "%.7f",
    "dec": "%.7f",
    "pos_epoch": "%.1f",
    "pmra": "%.5g",
    "pmdec": "%.5g",
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--catalog-dir", default=None, help="folder of the raw archive tables")
    p.add_argument("--out", default=str(OUT / PACKAGED_TABLE), help="output .csv.gz")
    a = p.parse_args(argv)
    df = load_catalogs(a.catalog_dir)[list(COLUMNS)]
    df = df[df["period"].notna() | (df["disposition"] != "")]
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    df = df.copy()
    for col, fmt in _FORMATS.items():
        df[col] = df[col].map(lambda x, f=fmt: "" if x != x else f % x)
    df.to_csv(out, index=False, compression={"method": "gzip", "mtime": 0})
    counts = df["catalog"].value_counts().to_dict()
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB): {len(df)} rows {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
