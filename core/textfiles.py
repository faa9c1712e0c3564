"""Text files in and out: one decoding rule for every reader, one CSV dialect for every writer.

Reading (registers, Finanstilsynet's tables, a booked-balance file): UTF-8 with or
without BOM, else Windows-1252, the encoding of Danish Excel's "CSV (semikolonsepareret)".
A file that mixes the two (Windows-1252 rows added to a UTF-8 file) is refused: read as
Windows-1252 its UTF-8 letters would silently become Ã¦, Ã¸ and Ã¥. UTF-16 (Excel's
"Unicode text") and files with NUL bytes are refused with what to do instead. The field
separator is the one of ';', tab and ',' the header line holds most of (';' on a tie).
TOML files (the basis, scenarios) are UTF-8 by the TOML standard, with a BOM tolerated.

Every input file is read by `read_regular_file`: only a regular file (a FIFO, a device
such as /dev/zero or a socket would hang the run or fill the memory), whole and once,
so that the hash recorded in the manifest is the hash of the bytes that were read.

Writing: every CSV the tool writes is UTF-8 with BOM, semicolon-separated, with decimal
comma and "\\n" line ends, so Danish Excel opens it directly; `read_output_csv` reads
such a file back. A text cell that Excel would run as a formula (a person id or kommune
name starting with =, +, -, @, a tab or a CR) is written with a leading apostrophe, as
OWASP recommends against CSV injection; `read_output_csv` removes it again.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tjenestemandspension.errors import InputError

SEPARATORS = (";", "\t", ",")  # in order of preference on a tie
OUTPUT_CSV = dict(sep=";", decimal=",", encoding="utf-8-sig", lineterminator="\n")
UTF8 = "utf-8"
WINDOWS_1252 = "windows-1252"
_SNIFFED_BYTES = 4096  # NUL bytes this early mean a binary file, not text
_FORMULA_START = r"^'*[=+\-@\t\r]"
_ESCAPED_FORMULA = r"'+[=+\-@\t\r]"
_NUMBER = r"^[-+]?\d[\d.,]*(e[-+]?\d+)?$"
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def read_regular_file(path: str | Path, what: str) -> bytes:
    """The bytes of an input file; `what` names what it should be ("a register file").
    Raises InputError for what is not a regular file, or cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block the open
    except FileNotFoundError:
        raise InputError.single(f"file not found (expected {what})", file=str(path)) from None
    except OSError as error:
        raise InputError.single(f"cannot be read ({error.strerror})", file=str(path)) from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise InputError.single(f"is a folder; expected {what}", file=str(path))
        if not stat.S_ISREG(mode):
            raise InputError.single(f"is not a regular file (a pipe, a device or a socket); expected {what}",
                                    file=str(path))
        try:
            return handle.read()
        except OSError as error:
            raise InputError.single(f"cannot be read ({error.strerror})", file=str(path)) from None


def decode_text(data: bytes, file: str, what: str) -> tuple[str, str]:
    """(text, encoding) of a text file's bytes by the rule above; `what` names the file
    in the advice ("save the register as CSV UTF-8"). Raises InputError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError.single(f"is UTF-16 text (as Excel saves \"Unicode text\"); save the {what} as CSV UTF-8",
                                file=file)
    if b"\x00" in data[:_SNIFFED_BYTES]:
        raise InputError.single(f"is not a text file (it holds NUL bytes); expected a CSV {what}", file=file)
    if b"\x00" in data:  # past the first block: a damaged file, and a NUL would reach the outputs raw
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError.single(f"holds a NUL byte (a damaged file?); expected a CSV {what}", file=file, row=line)
    try:
        return data.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        if _UTF8_SEQUENCE.search(data, 0, error.start) or _UTF8_SEQUENCE.search(data, error.end):
            raise InputError.single(
                "holds text that is not UTF-8 although the file's other rows are (Windows-1252 "
                f"rows added to a UTF-8 file?); save the {what} as CSV UTF-8", file=file, row=line) from None
        try:
            return data.decode("cp1252"), WINDOWS_1252
        except UnicodeDecodeError:
            raise InputError.single(
                f"holds bytes that are neither UTF-8 nor Windows-1252 text; save the {what} as "
                "CSV UTF-8", file=file, row=line) from None


def sniff_separator(header_line: str) -> str:
    """The field separator of a header line: the most frequent of ';', tab and ','."""
    counts = {separator: header_line.count(separator) for separator in SEPARATORS}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] > 0 else ","


def _is_text(series: pd.Series) -> bool:
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype)


def neutralise_formulas(series: pd.Series) -> pd.Series:
    """Text cells that Excel would run as a formula (starting with =, +, -, @, a tab or a
    CR: OWASP's CSV injection) get a leading apostrophe, which Excel shows as text; a
    number such as -1.234,50 stays as it is. A text that already starts with apostrophes
    before such a character gets one more, so that `read_output_csv` can undo it exactly."""
    try:
        texts = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed cells: as text
        texts = pa.array(series.map(lambda v: None if pd.isna(v) else str(v)), type=pa.string())
    if not pa.types.is_string(texts.type) and not pa.types.is_large_string(texts.type):
        return series
    risky = pc.and_(pc.match_substring_regex(texts, _FORMULA_START),
                    pc.invert(pc.match_substring_regex(texts, _NUMBER, ignore_case=True)))
    risky = risky.to_numpy(zero_copy_only=False)
    risky = np.where(pd.isna(risky), False, risky).astype(bool) if risky.dtype == object else risky
    if not risky.any():
        return series
    values = series.astype(object).to_numpy(copy=True)
    values[risky] = ["'" + value for value in values[risky]]
    return pd.Series(values, index=series.index, name=series.name)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """`frame` in the one output dialect, text cells neutralised against CSV injection."""
    changed = {}
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        if _is_text(column):
            neutral = neutralise_formulas(column)
            if neutral is not column:
                changed[position] = neutral
    if changed:
        frame = frame.copy()
        for position, column in changed.items():
            frame.isetitem(position, column)
    frame.to_csv(path, index=False, na_rep="", **OUTPUT_CSV)


def read_output_csv(path: Path, **options) -> pd.DataFrame:
    """A CSV the tool wrote (persons.csv, a register from `tjp example`), empty cells as
    missing, the apostrophe of `neutralise_formulas` removed."""
    frame = pd.read_csv(path, sep=OUTPUT_CSV["sep"], decimal=OUTPUT_CSV["decimal"], encoding=OUTPUT_CSV["encoding"],
                        **{"keep_default_na": False, "na_values": [""], **options})
    for name in frame.columns:
        if _is_text(frame[name]):
            column = frame[name]
            escaped = column.str.match(_ESCAPED_FORMULA, na=False)
            if escaped.any():
                frame[name] = column.where(~escaped, column.str.slice(1))
    return frame
