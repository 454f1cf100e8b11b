"""starskope: find transiting exoplanets in Kepler, K2, TESS and tabular light curves.

Importing the package is light: no torch, no matplotlib, no numba. Heavier entry points
(``analyse``) load on first use.
"""

from __future__ import annotations

from .config import PipelineConfig as PipelineConfig
from .exceptions import StarskopeDeprecationWarning as StarskopeDeprecationWarning
from .exceptions import StarskopeError as StarskopeError
from .exceptions import StarskopeValueError as StarskopeValueError
from .exceptions import StarskopeWarning as StarskopeWarning
from .lightcurve import LightCurve as LightCurve
from .lightcurve import LightCurveMeta as LightCurveMeta
from .result import Candidate as Candidate
from .result import StarResult as StarResult

__version__ = "0.1.0"

__all__ = [
    "Candidate",
    "LightCurve",
    "LightCurveMeta",
    "PipelineConfig",
    "StarResult",
    "StarskopeDeprecationWarning",
    "StarskopeError",
    "StarskopeValueError",
    "StarskopeWarning",
    "__version__",
    "analyse",
    "read",
]


#: Subpackages loaded on first attribute access (``starskope.search.TransitSearch`` after a
#: bare ``import starskope``), so that the import stays light.
_SUBMODULES = frozenset(
    {"catalog", "clean", "crossmatch", "evaluate", "features", "fetch", "fit", "fold", "io",
     "known", "models", "pipeline", "plotting", "report", "scan", "search", "simulate",
     "stitch", "units", "vet"}
)  # fmt: skip


def __getattr__(name: str):
    # Lazy entry points keep ``import starskope`` fast.
    if name == "read":
        from .io import read

        return read
    if name == "analyse":
        from .pipeline import analyse

        return analyse
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'starskope' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"read", "analyse"} | _SUBMODULES)
