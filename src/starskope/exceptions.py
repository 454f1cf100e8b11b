"""The package's own errors and warnings."""

from __future__ import annotations

__all__ = ["StarskopeDeprecationWarning", "StarskopeError", "StarskopeWarning"]


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


class StarskopeWarning(UserWarning):
    """Something looks off but the analysis can go on."""


class StarskopeDeprecationWarning(StarskopeWarning, DeprecationWarning):
    """A feature that will be removed."""
