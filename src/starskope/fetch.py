"""Download Kepler, K2 and TESS light curves from MAST, with a local cache.

:func:`fetch` asks MAST (through :mod:`astroquery.mast`) for a star's light-curve products,
downloads them into a cache directory and returns their paths. A second call for the same
target and mission is answered from the cache without touching the network. When MAST
cannot be reached, a :class:`~starskope.exceptions.StarskopeError` says so in one line.

Targets can be catalogue numbers (``"KIC 11442793"``, ``"EPIC 201367065"``,
``"TIC 100100827"``) or names; names known to the packaged catalogue (``"Kepler-90"``,
``"TOI-185"``) are turned into numbers offline, anything else is left to MAST's name
resolver.

The network layer is a small :class:`MastBackend` protocol (query, product list, download);
tests inject a backend or patch :data:`astroquery.mast.Observations` with recorded responses.
"""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .crossmatch import parse_identifier, resolve_name
from .exceptions import StarskopeError

__all__ = [
    "MISSIONS",
    "AstroqueryBackend",
    "MastBackend",
    "MastUnreachable",
    "MissionSpec",
    "default_cache_dir",
    "fetch",
]


@dataclass(frozen=True)
class MissionSpec:
    """How MAST names one mission's light curves.

    Attributes
    ----------
    name : str
        ``"Kepler"``, ``"K2"`` or ``"TESS"``.
    obs_collection : str
        MAST ``obs_collection``.
    id_prefix : str
        Catalogue of the mission's target numbers (``"KIC"``, ``"EPIC"``, ``"TIC"``).
    target_format : str
        MAST ``target_name`` for a number (``"kplr{:09d}"``, ``"ktwo{:09d}"``, ``"{:d}"``).
    subgroups : dict of str to tuple of str
        Light-curve ``productSubGroupDescription`` values per cadence (``"long"``, ``"short"``).
    """

    name: str
    obs_collection: str
    id_prefix: str
    target_format: str
    subgroups: dict[str, tuple[str, ...]]


#: The missions :func:`fetch` knows, by lower-case name.
MISSIONS: dict[str, MissionSpec] = {
    "kepler": MissionSpec(
        "Kepler", "Kepler", "KIC", "kplr{:09d}", {"long": ("LLC",), "short": ("SLC",)}
    ),
    "k2": MissionSpec("K2", "K2", "EPIC", "ktwo{:09d}", {"long": ("LLC",), "short": ("SLC",)}),
    "tess": MissionSpec(
        "TESS", "TESS", "TIC", "{:d}", {"long": ("LC",), "short": ("LC", "FAST-LC")}
    ),
}
_BY_PREFIX = {spec.id_prefix: key for key, spec in MISSIONS.items()}


class MastBackend(Protocol):
    """The three MAST calls :func:`fetch` needs; return astropy Tables shaped like astroquery's."""

    def query_observations(
        self, *, obs_collection: str, target_name: str | None, objectname: str | None
    ):
        """Observations table (``Observations.query_criteria``)."""
        ...

    def product_list(self, observations):
        """Products of those observations (``Observations.get_product_list``)."""
        ...

    def download(self, uri: str, path: Path) -> None:
        """Write the product ``uri`` to ``path`` (``Observations.download_file``)."""
        ...


class AstroqueryBackend:
    """:class:`MastBackend` on :data:`astroquery.mast.Observations` (imported on first use)."""

    @staticmethod
    def _observations():
        try:
            from astroquery.mast import Observations
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise StarskopeError("fetch needs astroquery: pip install 'starskope[fetch]'") from exc
        return Observations

    def query_observations(self, *, obs_collection, target_name, objectname):
        obs = self._observations()
        if target_name is not None:
            return obs.query_criteria(
                target_name=target_name,
                obs_collection=obs_collection,
                dataproduct_type="timeseries",
            )
        return obs.query_criteria(
            objectname=objectname,
            radius="2 arcsec",
            obs_collection=obs_collection,
            dataproduct_type="timeseries",
        )

    def product_list(self, observations):
        return self._observations().get_product_list(observations)

    def download(self, uri, path):
        status, msg, _url = self._observations().download_file(
            uri, local_path=str(path), cache=False, verbose=False
        )
        if status != "COMPLETE":
            raise StarskopeError(f"download of {uri} failed: {status} {msg or ''}".strip())


def default_cache_dir() -> Path:
    """:func:`starskope.config.cache_root`: ``$STARSKOPE_CACHE``, else ``$XDG_CACHE_HOME/starskope``,
    else ``~/.cache/starskope``."""
    from .config import cache_root

    return cache_root()


def _network_errors() -> tuple[type[BaseException], ...]:
    errs: list[type[BaseException]] = [ConnectionError, TimeoutError, socket.gaierror]
    try:
        import requests

        errs.append(requests.exceptions.RequestException)
    except ImportError:  # pragma: no cover
        pass
    try:
        from astroquery.exceptions import RemoteServiceError
        from astroquery.exceptions import TimeoutError as AQTimeout

        errs += [RemoteServiceError, AQTimeout]
    except ImportError:  # pragma: no cover
        pass
    return tuple(errs)


class MastUnreachable(StarskopeError):
    """The network to MAST failed (offline, a timeout, a server error)."""


def _offline(exc: BaseException) -> StarskopeError:
    msg = " ".join(f"{type(exc).__name__}: {exc}".split())
    if len(msg) > 200:
        msg = msg[:197] + "..."
    return MastUnreachable(f"cannot reach MAST (offline?): {msg}")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.+-]+", "_", text.strip()).strip("_") or "target"


def _resolve(target: str, mission: str | None) -> tuple[str | None, list[str]]:
    """Catalogue number of ``target`` (or None) and the missions to query."""
    ident = parse_identifier(target, mission=mission)
    if ident is None:
        ids, _ = resolve_name(target)
        ident = ids[0] if ids else None
    if mission is not None:
        key = str(mission).strip().lower()
        if key not in MISSIONS:
            raise StarskopeError(f"unknown mission {mission!r}; choose from {sorted(MISSIONS)}")
        if ident is not None and MISSIONS[key].id_prefix != ident.split()[0]:
            ident = None  # e.g. a KIC star asked of TESS: let MAST resolve the name
        return ident, [key]
    if ident is not None:
        return ident, [_BY_PREFIX[ident.split()[0]]]
    return None, list(MISSIONS)


def _column(table, name):
    return list(table[name]) if name in table.colnames else [None] * len(table)


def fetch(
    target: str,
    *,
    mission: str | None = None,
    cache_dir=None,
    cadence: str = "long",
    limit: int | None = None,
    refresh: bool = False,
    backend: MastBackend | None = None,
) -> list[Path]:
    """Download a star's light curves from MAST (or take them from the cache).

    Parameters
    ----------
    target : str
        ``"KIC 11442793"``, ``"EPIC 201367065"``, ``"TIC 100100827"``, ``"Kepler-90"``...
    mission : {"kepler", "k2", "tess"}, optional
        Default: the mission of the target's catalogue number, or all three for a name.
    cache_dir : str or `~pathlib.Path`, optional
        Where files and the query manifest are kept (default :func:`default_cache_dir`).
        Files go to ``<cache_dir>/mast/<mission>/<target>/``.
    cadence : {"long", "short"}, optional
        Kepler/K2 long (30 min) or short (1 min) cadence; for TESS "long" is the 2-min
        ``LC`` product and "short" adds 20-s ``FAST-LC``.
    limit : int, optional
        At most this many files per mission (the earliest first).
    refresh : bool, optional
        Query MAST again even when a cached answer exists.
    backend : `MastBackend`, optional
        The network layer (default :class:`AstroqueryBackend`).

    Returns
    -------
    list of `~pathlib.Path`
        The light-curve files, sorted.

    Raises
    ------
    StarskopeError
        ``"cannot reach MAST (offline?): ..."`` when the network fails; also for an unknown
        mission or cadence, or when MAST has no light curve of the target.
    """
    if not str(target).strip():
        raise StarskopeError("fetch needs a target, e.g. 'KIC 11442793' or 'TIC 100100827'")
    if cadence not in ("long", "short"):
        raise StarskopeError(f"cadence must be 'long' or 'short'; got {cadence!r}")
    if limit is not None and limit < 1:
        raise StarskopeError(f"limit must be at least 1; got {limit}")
    ident, keys = _resolve(str(target), mission)
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    backend = backend if backend is not None else AstroqueryBackend()
    paths: list[Path] = []
    errors: list[str] = []
    unreachable: list[MastUnreachable] = []
    for key in keys:
        spec = MISSIONS[key]
        folder = root / "mast" / key / _slug(ident or str(target))
        manifest = folder / f"manifest-{cadence}.json"
        cached = None if refresh else _from_manifest(manifest, limit)
        if cached is not None:
            paths += cached
            if not cached:  # MAST had nothing the last time it was asked
                errors.append(
                    f"MAST had no {spec.name} light curves of {target} when last asked (a"
                    " cached answer: --refresh asks again)"
                )
            continue
        try:
            got = _query_and_download(backend, spec, ident, str(target), cadence, limit, folder)
        except _NoProducts as exc:
            # recorded too, so that offline the other missions' cached files still answer
            _write_manifest(manifest, target, ident, spec.name, cadence, limit, [])
            errors.append(str(exc))
            continue
        except MastUnreachable as exc:
            unreachable.append(exc)
            continue
        _write_manifest(manifest, target, ident, spec.name, cadence, limit, got)
        paths += got
    if not paths:
        if unreachable:
            raise unreachable[0]
        raise StarskopeError("; ".join(errors) or f"no light curves of {target} at MAST")
    if unreachable:
        import warnings

        from .exceptions import StarskopeWarning

        warnings.warn(
            f"{target}: {len(unreachable)} of {len(keys)} missions not queried, "
            f"{unreachable[0]}; the files found are returned",
            StarskopeWarning,
            stacklevel=2,
        )
    return sorted(paths)


def _write_manifest(manifest: Path, target, ident, mission, cadence, limit, files) -> None:
    """Record a query's answer (its files' names; none when MAST had no product)."""
    manifest.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "target": str(target),
        "identifier": ident,
        "mission": mission,
        "cadence": cadence,
        "limit": limit,
        "files": [p.name for p in files],
    }
    manifest.write_text(json.dumps(record, indent=1))


class _NoProducts(Exception):
    pass


def _from_manifest(manifest: Path, limit: int | None) -> list[Path] | None:
    """The cached files of an earlier query, or None when the cache cannot answer."""
    if not manifest.is_file():
        return None
    try:
        record = json.loads(manifest.read_text())
        files = record["files"]
        cached_limit = record.get("limit")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if cached_limit is not None and (limit is None or limit > cached_limit):
        return None  # the earlier query kept fewer files than asked for now
    if not isinstance(files, list):
        return None
    if not files:
        return []  # MAST had no product: a cached answer too
    paths = [manifest.parent / f for f in files]
    if not all(p.is_file() and p.stat().st_size > 0 for p in paths):
        return None
    return paths[:limit] if limit is not None else paths


def _query_and_download(backend, spec, ident, target, cadence, limit, folder) -> list[Path]:
    net = _network_errors()
    target_name = None
    if ident is not None:
        target_name = spec.target_format.format(int(ident.split()[1]))
    try:
        obs = backend.query_observations(
            obs_collection=spec.obs_collection,
            target_name=target_name,
            objectname=None if target_name else target,
        )
    except net as exc:
        raise _offline(exc) from exc
    if obs is None or len(obs) == 0:
        raise _NoProducts(f"MAST has no {spec.name} light curves of {target}")
    mask = [
        (c is None or str(c) == spec.obs_collection) and (d is None or str(d) == "timeseries")
        for c, d in zip(
            _column(obs, "obs_collection"), _column(obs, "dataproduct_type"), strict=True
        )
    ]
    obs = obs[mask]
    if len(obs) == 0:
        raise _NoProducts(f"MAST has no {spec.name} light curves of {target}")
    try:
        products = backend.product_list(obs)
    except net as exc:
        raise _offline(exc) from exc
    wanted = set(spec.subgroups[cadence])
    keep = []
    for i, (sub, ptype, fname) in enumerate(
        zip(
            _column(products, "productSubGroupDescription"),
            _column(products, "productType"),
            _column(products, "productFilename"),
            strict=True,
        )
    ):
        if str(sub) in wanted and (ptype is None or str(ptype) == "SCIENCE") and fname:
            keep.append(i)
    if not keep:
        raise _NoProducts(
            f"MAST lists no {spec.name} {cadence}-cadence light-curve files of {target}"
        )
    rows = sorted(
        {str(products["productFilename"][i]): i for i in keep}.items()
    )  # unique by file name, sorted (Kepler/TESS names start with the date)
    if limit is not None:
        rows = rows[:limit]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for fname, i in rows:
        path = folder / Path(fname).name
        size = products["size"][i] if "size" in products.colnames else None
        if (
            path.is_file()
            and path.stat().st_size > 0
            and (size is None or _int_or_none(size) in (None, path.stat().st_size))
        ):
            out.append(path)
            continue
        tmp = path.with_name(path.name + ".part")
        try:
            backend.download(str(products["dataURI"][i]), tmp)
        except net as exc:
            tmp.unlink(missing_ok=True)
            raise _offline(exc) from exc
        if not tmp.is_file():
            raise StarskopeError(f"download of {fname} produced no file", path=str(path))
        tmp.replace(path)
        out.append(path)
    return out


def _int_or_none(x) -> int | None:
    try:
        return int(x)
    except (TypeError, ValueError):
        return None
