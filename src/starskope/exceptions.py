"""The package's own errors and warnings."""

from __future__ import annotations

import sys
import warnings

from astropy.units import UnitConversionError

__all__ = [
    "first_line",
    "RowError",
    "show_warning",
    "StarskopeDeprecationWarning",
    "StarskopeError",
    "StarskopeUnitsError",
    "StarskopeValueError",
    "StarskopeWarning",
    "UnrecognisedFormatError",
]


class StarskopeError(Exception):
    """An input or configuration problem that starskope can explain in one line.

    Parameters
    ----------
    message : str
        What is wrong and, where possible, what to do instead.
    path : str, optional
        The file the problem concerns.
    where : str, optional
        The place inside the file: an HDU, a column, a row.

    Examples
    --------
    >>> str(StarskopeError("all flux values are NaN", path="a.fits", where="HDU 1"))
    'a.fits [HDU 1]: all flux values are NaN'
    """

    def __init__(self, message: str, *, path: str | None = None, where: str | None = None):
        self.message = message
        self.path = None if path is None else str(path)
        self.where = where
        super().__init__(self.__str__())

    def __str__(self) -> str:
        prefix = ""
        if self.path:
            prefix = self.path
            if self.where:
                prefix += f" [{self.where}]"
            prefix += ": "
        elif self.where:
            prefix = f"[{self.where}]: "
        return prefix + self.message


class RowError(StarskopeError):
    """A bad row of a one-star-per-row table, with what could still be read of it.

    Parameters
    ----------
    message : str
        What is wrong with the row.
    path : str, optional
        The table.
    row : int, optional
        The 0-based data row (named in the message).
    label : int, optional
        The row's truth label when it could be read (1 host, 0 not), so a failed row still
        counts in a tally of hosts.

    Examples
    --------
    >>> e = RowError("all flux values are NaN", path="t.csv", row=9, label=1)
    >>> str(e), e.row, e.label
    ('t.csv [row 9]: all flux values are NaN', 9, 1)
    """

    def __init__(self, message: str, *, path=None, row: int | None = None, label=None):
        self.row = row
        self.label = label
        super().__init__(message, path=path, where=None if row is None else f"row {row}")

    def __reduce__(self):  # keep row and label across processes
        return _row_error, (self.message, self.path, self.row, self.label)


def _row_error(message, path, row, label) -> RowError:
    return RowError(message, path=path, row=row, label=label)


class UnrecognisedFormatError(StarskopeError):
    """A file that is not a light curve, or that no reader recognises (a `StarskopeError`;
    folder walks skip such files with a warning)."""


class StarskopeValueError(StarskopeError, ValueError):
    """A bad argument value: a :class:`StarskopeError` that is also a :class:`ValueError`.

    Raised where Python code has always raised ``ValueError`` (the shapes and time system
    given to :class:`~starskope.LightCurve`), so ``except ValueError`` keeps working while
    the command line reports it in one line, as it does every ``StarskopeError``.

    Examples
    --------
    >>> e = StarskopeValueError("time and flux differ in length")
    >>> isinstance(e, ValueError), isinstance(e, StarskopeError), str(e)
    (True, True, 'time and flux differ in length')
    """


class StarskopeUnitsError(StarskopeError, UnitConversionError):
    """A Quantity in the wrong kind of unit (a period in metres): a :class:`StarskopeError`
    (one line from the command line, the app and the scans) that is also astropy's
    ``UnitConversionError`` (a ``UnitsError`` and a ``ValueError``), which Python code
    catching those keeps catching."""


class StarskopeWarning(UserWarning):
    """Something looks off but the analysis can go on."""


class StarskopeDeprecationWarning(StarskopeWarning, DeprecationWarning):
    """A feature that will be removed."""


def first_line(exc: BaseException) -> str:
    """An exception's first line, or its type's name when it has no message (for a one-line
    error about a library's exception).

    Examples
    --------
    >>> first_line(ValueError("bad header\\nmore detail")), first_line(KeyError())
    ('bad header', 'KeyError')
    """
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """``warnings.showwarning`` for command-line use (the CLI and its worker processes):
    starskope's own warnings as one line (``starskope: warning: ...``) on stderr, others as
    Python shows them."""
    out = sys.stderr if file is None else file
    if issubclass(category, StarskopeWarning):
        print(f"starskope: warning: {message}", file=out)
    else:  # as Python's own showwarning writes it
        try:
            out.write(warnings.formatwarning(message, category, filename, lineno, line))
        except OSError:  # stderr gone
            pass
