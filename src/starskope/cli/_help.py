"""Help texts shared by several commands (kept light: no reader is imported to list them)."""

from __future__ import annotations

__all__ = ["CADENCE_HELP", "FORMAT_HELP", "READER_NAMES"]

#: The readers ``--format`` accepts, as registered in ``starskope.io.registry.READERS`` (a test
#: keeps the two in step; ``pixel-file`` only refuses target pixel files and is left out).
READER_NAMES = (
    "kepler", "tess", "k2sff", "k2sc", "everest", "k2varcat", "qlp", "tasoc", "eleanor", "cdips",
    "diamante", "lightkurve", "fits-table", "kaggle", "parquet", "parquet-table", "feather",
    "ecsv", "mrt", "votable", "flux-series", "text",
)  # fmt: skip

FORMAT_HELP = f"Force a reader: {', '.join(READER_NAMES)} (default: detected from each file)."

CADENCE_HELP = (
    "Minutes between samples of flux without times: Kaggle-layout tables (default 29.4244, K2"
    " long cadence) and files of one flux column (required), e.g. 2 for TESS two-minute data."
)
