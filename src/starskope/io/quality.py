"""Mission quality flags: what each bit means and which bits to drop.

The bit meanings follow the Kepler Archive Manual (Table 2.3) and the TESS Science Data
Products Description Document (Table 28); the ``"default"`` and ``"hard"`` bitmasks are the ones
lightkurve defines (``KeplerQualityFlags`` / ``TessQualityFlags``), so a light curve cleaned by
starskope keeps the same cadences as one cleaned by lightkurve.
"""

from __future__ import annotations

from enum import IntFlag

import numpy as np

from ..exceptions import StarskopeError

__all__ = [
    "BITMASKS",
    "K2_THRUSTER_BITS",
    "KeplerQualityFlags",
    "TessQualityFlags",
    "bitmask_for",
    "decode",
    "quality_mask",
]


class KeplerQualityFlags(IntFlag):
    """Kepler and K2 ``SAP_QUALITY`` / ``QUALITY`` bits (Kepler Archive Manual, Table 2.3)."""

    AttitudeTweak = 1
    SafeMode = 2
    CoarsePoint = 4
    EarthPoint = 8
    ZeroCrossing = 16
    Desat = 32
    Argabrightening = 64
    ApertureCosmic = 128
    ManualExclude = 256
    SensitivityDropout = 1024
    ImpulsiveOutlier = 2048
    ArgabrighteningOnCCD = 4096
    CollateralCosmic = 8192
    DetectorAnomaly = 16384
    NoFinePoint = 32768
    NoData = 65536
    RollingBandInAperture = 131072
    RollingBandInMask = 262144
    PossibleThrusterFiring = 524288
    ThrusterFiring = 1048576


class TessQualityFlags(IntFlag):
    """TESS ``QUALITY`` bits (TESS SDPDD, Table 28)."""

    AttitudeTweak = 1
    SafeMode = 2
    CoarsePoint = 4
    EarthPoint = 8
    Argabrightening = 16
    Desat = 32
    ApertureCosmic = 64
    ManualExclude = 128
    Discontinuity = 256
    ImpulsiveOutlier = 512
    CollateralCosmic = 1024
    Straylight = 2048
    Straylight2 = 4096
    PlanetSearchExclude = 8192
    BadCalibrationExclude = 16384
    InsufficientTargets = 32768


_K = KeplerQualityFlags
_T = TessQualityFlags

_KEPLER_DEFAULT = int(
    _K.AttitudeTweak
    | _K.SafeMode
    | _K.CoarsePoint
    | _K.EarthPoint
    | _K.Desat
    | _K.ManualExclude
    | _K.DetectorAnomaly
    | _K.NoData
    | _K.ThrusterFiring
)
_KEPLER_HARD = int(
    _KEPLER_DEFAULT
    | _K.SensitivityDropout
    | _K.ApertureCosmic
    | _K.CollateralCosmic
    | _K.PossibleThrusterFiring
)
_TESS_DEFAULT = int(
    _T.AttitudeTweak
    | _T.SafeMode
    | _T.CoarsePoint
    | _T.EarthPoint
    | _T.Argabrightening
    | _T.Desat
    | _T.ManualExclude
    | _T.ImpulsiveOutlier
    | _T.BadCalibrationExclude
)
_TESS_HARD = int(
    _TESS_DEFAULT | _T.ApertureCosmic | _T.CollateralCosmic | _T.Straylight | _T.Straylight2
)

#: K2 cadences during or next to a thruster firing: always dropped for K2, whatever the bitmask.
K2_THRUSTER_BITS = int(_K.ThrusterFiring | _K.PossibleThrusterFiring)

#: ``BITMASKS[mission][name]``: the integer bitmask of flags to drop.
BITMASKS: dict[str, dict[str, int]] = {
    "kepler": {"none": 0, "default": _KEPLER_DEFAULT, "hard": _KEPLER_HARD, "hardest": 2096639},
    "k2": {"none": 0, "default": _KEPLER_DEFAULT, "hard": _KEPLER_HARD, "hardest": 2096639},
    "tess": {"none": 0, "default": _TESS_DEFAULT, "hard": _TESS_HARD, "hardest": 65535},
}

_FLAGS = {"kepler": KeplerQualityFlags, "k2": KeplerQualityFlags, "tess": TessQualityFlags}


def bitmask_for(mission: str | None, bitmask: str | int = "default") -> int:
    """The integer bitmask for a mission and a bitmask name (or an explicit integer).

    Parameters
    ----------
    mission : str or None
        ``"Kepler"``, ``"K2"`` or ``"TESS"`` (any case). For an unknown mission (or None) the
        flag meanings are unknown, so a named bitmask gives 0 (keep everything); an explicit
        integer still applies.
    bitmask : {"none", "default", "hard", "hardest"} or int
        Name of the bitmask or the integer itself.

    Returns
    -------
    int

    Raises
    ------
    StarskopeError
        For an unknown bitmask name.

    Examples
    --------
    >>> bitmask_for("TESS", "default")
    17087
    >>> bitmask_for("Kepler", "none")
    0
    """
    if isinstance(bitmask, (int, np.integer)) and not isinstance(bitmask, bool):
        return int(bitmask)
    name = str(bitmask).lower()
    if name not in BITMASKS["kepler"]:
        raise StarskopeError(
            f"unknown quality bitmask {bitmask!r}; use one of {sorted(BITMASKS['kepler'])} "
            "or an integer"
        )
    key = (mission or "").lower()
    if key not in BITMASKS:
        return 0
    return BITMASKS[key][name]


def quality_mask(quality, *, mission: str | None, bitmask: str | int = "default") -> np.ndarray:
    """Boolean mask of the cadences to keep (True = good).

    K2 thruster-firing cadences (bits 20 and 21) are always dropped for K2 unless ``bitmask`` is
    ``"none"`` or 0.

    Parameters
    ----------
    quality : array-like of int
        Mission quality flags per cadence.
    mission : str or None
        Mission name, selects the flag definitions.
    bitmask : str or int, optional
        See :func:`bitmask_for`.

    Returns
    -------
    ndarray of bool
    """
    q = np.asarray(quality).astype(np.int64, copy=False)
    bits = bitmask_for(mission, bitmask)
    if bits and (mission or "").lower() == "k2":
        bits |= K2_THRUSTER_BITS
    return (q & bits) == 0


def decode(flag: int, *, mission: str | None) -> list[str]:
    """Names of the bits set in one quality value.

    Examples
    --------
    >>> decode(33, mission="TESS")
    ['AttitudeTweak', 'Desat']
    """
    flags = _FLAGS.get((mission or "").lower(), KeplerQualityFlags)
    return [f.name for f in flags if int(flag) & int(f)]
