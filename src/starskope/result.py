"""The single result schema: what ``search --json`` prints, ``scan`` stores, ``report`` renders.

Every field is defined here and nowhere else. Bump :data:`SCHEMA_VERSION` when fields change.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "SCHEMA_VERSION",
    "SIGNIFICANCE_FLAGS",
    "Candidate",
    "StarResult",
    "VetFlag",
    "json_safe",
    "split_row_id",
]

SCHEMA_VERSION = "1.1"  # 1.1: ``group`` (multi-file stars)
#: Flags the pipeline raises when a signal misses its detection thresholds: a candidate with
#: none of them raised is significant.
SIGNIFICANCE_FLAGS = frozenset({"snr", "sde"})


@dataclass(frozen=True)
class VetFlag:
    """One vetting test on one candidate.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"odd_even"``, ``"secondary"``, ``"v_shape"``.
    raised : bool
        True when the test says the signal is *not* planet-like.
    value : float or None
        The statistic (e.g. odd/even difference in sigma).
    reason : str
        One sentence a scientist can check.
    """

    name: str
    raised: bool
    value: float | None
    reason: str


@dataclass(frozen=True)
class Candidate:
    """A periodic transit-like signal and what vetting says of it.

    Times: ``t0`` is in the light curve's own system (``t0_format``), ``t0_bjd`` in BJD_TDB
    (None when the light curve has only relative times).
    """

    period_days: float
    t0: float
    t0_format: str
    t0_bjd: float | None
    duration_hours: float
    depth_ppm: float
    depth_ppm_err: float
    snr: float
    sde: float
    power: float
    n_transits: int
    rp_rs: float | None = None
    a_rs: float | None = None
    impact: float | None = None
    vetting: tuple[VetFlag, ...] = ()
    is_planet_like: bool = False
    known: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def flags(self) -> list[str]:
        """Names of the vetting tests this candidate failed."""
        return [f.name for f in self.vetting if f.raised]

    @property
    def is_significant(self) -> bool:
        """True when the signal reaches the SNR and SDE thresholds (:data:`SIGNIFICANCE_FLAGS`
        not raised), planet-like or not."""
        return not SIGNIFICANCE_FLAGS.intersection(self.flags)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["vetting"] = [dataclasses.asdict(f) for f in self.vetting]
        d["flags"] = self.flags
        return json_safe(d)

    def to_json(self) -> str:
        """One line of JSON (NaN and infinities become null)."""
        return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Candidate:
        _check_object(d, "Candidate")
        d = dict(d)
        d.pop("flags", None)
        d["vetting"] = tuple(VetFlag(**f) for f in d.get("vetting", ()))
        return _build(cls, d)

    @classmethod
    def from_json(cls, line: str) -> Candidate:
        return cls.from_dict(_loads(line, "Candidate"))

    def __repr__(self) -> str:
        state = "planet-like" if self.is_planet_like else f"flags {self.flags}"
        return (
            f"Candidate(P={self.period_days:.6g} d, t0={self.t0:.6f} {self.t0_format},"
            f" depth={self.depth_ppm:.4g} ppm, duration={self.duration_hours:.3g} h,"
            f" SNR={self.snr:.3g}, {state})"
        )


@dataclass(frozen=True)
class StarResult:
    """Everything starskope concluded about one light curve (or one group of them).

    ``group`` is set when several files of one star were analysed together: its name, member
    files, missions and identifiers (per-mission depths are in each candidate's ``extra``).
    ``is_candidate`` is the pipeline's own decision that a planet-like transit is present; it
    rests on vetting, not on SDE alone. ``score`` is a calibrated probability from a model, or
    None when no model was run.
    """

    path: str | None
    mission: str | None = None
    target: str | None = None
    ra: float | None = None
    dec: float | None = None
    row: int | None = None
    label: int | None = None
    n_points: int | None = None
    time_span_days: float | None = None
    cadence_minutes: float | None = None
    method: str | None = None
    candidates: tuple[Candidate, ...] = ()
    is_candidate: bool = False
    score: float | None = None
    class_probabilities: dict[str, float] | None = None
    explanation: dict[str, Any] | None = None
    reasons: tuple[str, ...] = ()
    error: str | None = None
    group: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    schema_version: str = SCHEMA_VERSION

    @classmethod
    def failed(cls, path, error: str, **kw: Any) -> StarResult:
        """A result for an input that could not be analysed (a table row's identifier,
        ``path#row=N``, also fills ``row``)."""
        if path is not None and "row" not in kw:
            row = split_row_id(path)[1]
            if row is not None:
                kw["row"] = row
        return cls(path=None if path is None else str(path), error=error, **kw)

    @classmethod
    def from_error(cls, path, error: BaseException, lc: Any = None, **kw: Any) -> StarResult:
        """A failed result that keeps what is known of the input: the row and truth label of
        a table row (from ``lc.meta`` when the light curve was read, else from a
        `~starskope.exceptions.RowError`), and the row named in the message.

        Examples
        --------
        >>> from starskope.exceptions import RowError
        >>> r = StarResult.from_error("t.csv#row=9", RowError("all flux values are NaN",
        ...                                                   path="t.csv", row=9, label=1))
        >>> r.row, r.label, r.error
        (9, 1, 't.csv [row 9]: all flux values are NaN')
        """
        from .exceptions import StarskopeError

        meta = getattr(lc, "meta", None)
        row = getattr(meta, "row", None)
        label = getattr(meta, "label", None)
        if label is None:
            label = getattr(error, "label", None)
        if row is None:
            row = getattr(error, "row", None)
        if (
            isinstance(error, StarskopeError)
            and error.where is None
            and row is not None
            and error.path
        ):
            error = StarskopeError(error.message, path=error.path, where=f"row {row}")
        if meta is not None:
            kw.setdefault("target", getattr(meta, "target", None))
            kw.setdefault("mission", getattr(meta, "mission", None))
        if row is not None:
            kw.setdefault("row", row)
        return cls.failed(path, str(error), label=label, **kw)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["candidates"] = [c.to_dict() for c in self.candidates]
        d["reasons"] = list(self.reasons)
        return json_safe(d)

    def to_json(self) -> str:
        """One line of JSON (NaN and infinities become null)."""
        return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StarResult:
        _check_object(d, "StarResult")
        d = dict(d)
        _check_schema(d)
        d["candidates"] = tuple(Candidate.from_dict(c) for c in d.get("candidates", ()))
        d["reasons"] = tuple(d.get("reasons", ()))
        return _build(cls, d)

    @classmethod
    def from_json(cls, line: str) -> StarResult:
        return cls.from_dict(_loads(line, "StarResult"))

    def __repr__(self) -> str:
        name = self.target or (self.path and str(self.path).rsplit("/", 1)[-1]) or "?"
        if self.error:
            return f"StarResult({name!r}, error={self.error!r})"
        score = "" if self.score is None else f", score={self.score:.3g}"
        return (
            f"StarResult({name!r}, mission={self.mission!r}, is_candidate={self.is_candidate}"
            f"{score}, {len(self.candidates)} candidate(s): {list(self.candidates)[:3]!r}"
            f"{' ...' if len(self.candidates) > 3 else ''})"
        )


def _check_schema(d: dict[str, Any]) -> None:
    """Warn of a result written by another major schema version (a newer starskope, say): it
    is read as this version's fields, named in the warning when they are not this version's,
    and labelled with this version (``d`` is changed)."""
    given = str(d.get("schema_version") or SCHEMA_VERSION)
    if given.split(".")[0] == SCHEMA_VERSION.split(".")[0]:
        return
    d["schema_version"] = SCHEMA_VERSION  # what it now is: this version's fields
    import warnings

    from .exceptions import StarskopeWarning

    known = {f.name for f in dataclasses.fields(StarResult)}
    unknown = sorted(k for k in d if k not in known)
    warnings.warn(
        f"a StarResult of schema {given}, read as schema {SCHEMA_VERSION}"
        + (f"; fields left out: {', '.join(unknown)}" if unknown else "")
        + (" (a newer starskope wrote it?)" if _newer(given) else ""),
        StarskopeWarning,
        stacklevel=3,
    )


def _newer(version: str) -> bool:
    try:
        return int(version.split(".")[0]) > int(SCHEMA_VERSION.split(".")[0])
    except ValueError:
        return False


def _loads(line: str, what: str) -> Any:
    try:
        return json.loads(line)
    except (TypeError, ValueError) as exc:
        from .exceptions import StarskopeError

        raise StarskopeError(f"not a {what} JSON line: {exc}") from exc


def _build(cls, d: dict[str, Any]):
    """``cls`` from the known fields of ``d``; missing required fields named in a
    StarskopeError (not the constructor's TypeError)."""
    fields = dataclasses.fields(cls)
    names = {f.name for f in fields}
    required = [
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    missing = [n for n in required if n not in d]
    if missing:
        from .exceptions import StarskopeError

        raise StarskopeError(f"not a {cls.__name__}: missing field(s) {missing}")
    return cls(**{k: v for k, v in d.items() if k in names})


def _check_object(d: Any, what: str) -> None:
    if not isinstance(d, dict):
        from .exceptions import StarskopeError

        raise StarskopeError(f"a {what} is a JSON object (dict); got {type(d).__name__}")


def split_row_id(ident) -> tuple[str, int | None]:
    """``(path, row)`` of an input's identifier: a table row's ``path#row=N``, else the whole
    identifier and None (a ``#`` elsewhere is part of the path).

    Examples
    --------
    >>> split_row_id("a/t.csv#row=12"), split_row_id("hash#dir/a.fits")
    (('a/t.csv', 12), ('hash#dir/a.fits', None))
    """
    head, sep, tail = str(ident).rpartition("#row=")
    if sep and head and tail.isdigit():
        return head, int(tail)
    return str(ident), None


def json_safe(obj: Any) -> Any:
    """Make a structure JSON-safe: numpy scalars to Python, NaN/inf to None, tuples to lists
    (strict JSON has no NaN: ``jq`` and JavaScript reject it)."""
    if isinstance(obj, dict):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item) and getattr(obj, "ndim", 1) == 0:
        obj = obj.item()
    if hasattr(obj, "tolist"):
        return json_safe(obj.tolist())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
