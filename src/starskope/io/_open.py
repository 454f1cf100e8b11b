"""Gzip-transparent file opening and a cheap look at a file's first bytes."""

from __future__ import annotations

import gzip
import io
import lzma
import os
import re
import zipfile
import zlib
from pathlib import Path

from ..exceptions import StarskopeError

__all__ = [
    "DECOMPRESSION_ERRORS",
    "GZIP_MAGIC",
    "is_compressed",
    "is_gzip",
    "open_binary",
    "open_text",
    "peek",
]

#: The two bytes every gzip member starts with (RFC 1952).
GZIP_MAGIC = b"\x1f\x8b"


def _check_file(path: str | os.PathLike) -> Path:
    p = Path(path)
    if not p.exists():
        if any(ch in str(p) for ch in "*?["):  # a pattern: read() takes one file
            raise StarskopeError(
                "no such file (a pattern of several files? read one file, or use iter_read"
                " for patterns, folders and lists)",
                path=str(p),
            )
        raise StarskopeError("no such file", path=str(p))
    if p.is_dir():
        raise StarskopeError("is a folder, not a file (use iter_read for folders)", path=str(p))
    if p.stat().st_size == 0:
        raise StarskopeError("file is empty (0 bytes)", path=str(p))
    return p


def is_gzip(path: str | os.PathLike) -> bool:
    """True when the file starts with the gzip magic bytes (whatever its name)."""
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


#: What a corrupt compressed stream raises while it is read (gzip, bzip2, xz, zip).
DECOMPRESSION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    zipfile.BadZipFile,
    NotImplementedError,  # a zip member compressed with an unsupported method
)

#: Magic bytes of the other compressions read transparently.
_BZ2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"
_ZIP_MAGIC = b"PK\x03\x04"


def _compression(path) -> str | None:
    """``"gzip"``, ``"bz2"``, ``"xz"`` or ``"zip"`` from the file's magic bytes, else None."""
    with open(path, "rb") as fh:
        magic = fh.read(6)
    if magic[:2] == GZIP_MAGIC:
        return "gzip"
    if magic[:3] == _BZ2_MAGIC:
        return "bz2"
    if magic == _XZ_MAGIC:
        return "xz"
    if magic[:4] == _ZIP_MAGIC:
        return "zip"
    return None


def is_compressed(path: str | os.PathLike) -> bool:
    """True for gzip, bzip2, xz and zip files (which :func:`open_binary` decompresses)."""
    return _compression(path) is not None


def _open_zip(p: Path):
    try:
        zf = zipfile.ZipFile(p)
        members = [m for m in zf.infolist() if not m.is_dir()]
        names = {m.filename for m in members}
        if "[Content_Types].xml" in names or any(n.startswith(("xl/", "word/")) for n in names):
            zf.close()
            kind = "an Excel workbook" if any(n.startswith("xl/") for n in names) else "an Office"
            raise StarskopeError(
                f"{kind} file, which starskope does not read: export the sheet as CSV (time and"
                " flux columns) and pass that",
                path=str(p),
            )
        if members and all(m.filename.endswith(".npy") for m in members):
            zf.close()
            raise StarskopeError(
                "a NumPy .npz archive, which starskope does not read: write the arrays as"
                " columns of a CSV or Parquet table (e.g. pandas.DataFrame({'time': t, 'flux':"
                " f}).to_csv(...)) and pass that",
                path=str(p),
            )
        if len(members) != 1:
            zf.close()
            raise StarskopeError(
                f"a zip archive of {len(members)} files: unzip it and pass the files (or the"
                " folder)",
                path=str(p),
            )
        return io.BufferedReader(zf.open(members[0]))
    except zipfile.BadZipFile as exc:
        raise StarskopeError(f"corrupt zip archive: {exc}", path=str(p)) from exc


def open_binary(path: str | os.PathLike):
    """Open ``path`` for binary reading, decompressing gzip, bzip2, xz and single-file zip
    archives transparently (by their magic bytes, whatever the name).

    Raises
    ------
    StarskopeError
        If the file is missing, a folder, empty, or a zip archive of several files.
    """
    p = _check_file(path)
    kind = _compression(p)
    if kind == "gzip":
        return gzip.open(p, "rb")
    if kind == "bz2":
        import bz2

        return bz2.open(p, "rb")
    if kind == "xz":
        return lzma.open(p, "rb")
    if kind == "zip":
        return _open_zip(p)
    return open(p, "rb")


#: Byte-order marks of UTF-16 text (Excel's "Unicode Text" export writes UTF-16 LE).
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


#: Compression suffixes read transparently (by magic bytes) after a file's own suffix.
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz")


def strip_compression(name: str) -> str:
    """``name`` in lower case without its compression suffix (``a.fits.gz`` -> ``a.fits``)."""
    n = str(name).lower()
    for suffix in COMPRESSED_SUFFIXES:
        n = n.removesuffix(suffix)
    return n


def open_text(path: str | os.PathLike, *, encoding: str = "utf-8"):
    """Open ``path`` as text (gzip-transparent), tolerant of a UTF-8 byte-order mark; a file
    that starts with a UTF-16 byte-order mark is read as UTF-16, one whose first bytes are
    not UTF-8 (a Windows or Latin-1 export: ``T(\xb0C)``) as Latin-1."""
    fh = open_binary(path)
    errors = "strict"
    if encoding == "utf-8":
        encoding = "utf-8-sig"
        try:
            head = fh.peek(65536)
            if head[:2] in _UTF16_BOMS:
                encoding = "utf-16"
            elif not _utf8(head):
                if _UTF8_SEQUENCE.search(head):  # UTF-8 with a stray byte: that byte replaced
                    errors = "replace"
                else:
                    encoding = "latin-1"
        except AttributeError:  # pragma: no cover - every handle open_binary returns peeks
            pass
    return io.TextIOWrapper(fh, encoding=encoding, errors=errors, newline=None)


#: A multi-byte UTF-8 character (``µ`` is ``\xc2\xb5``): text that has one is UTF-8.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _utf8(head: bytes) -> bool:
    """True when ``head`` decodes as UTF-8 (a multi-byte character cut at its end allowed)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 4
    return True


def peek(path: str | os.PathLike, n: int = 2880) -> bytes:
    """Return the first ``n`` (decompressed) bytes of ``path`` (UTF-16 text re-encoded as
    UTF-8, so that text readers recognise it).

    A corrupt gzip stream raises `StarskopeError` naming the file.
    """
    try:
        with open_binary(path) as fh:
            head = fh.read(n)
    except (*DECOMPRESSION_ERRORS, ValueError) as exc:
        raise StarskopeError(f"cannot decompress: {exc}", path=str(path)) from exc
    if head[:2] in _UTF16_BOMS:
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="ignore").encode("utf-8")
    return head
