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
such a file back. A number is written as Python writes it (the shortest text that reads
back as the same float: 0,1, 2,0, 1e-05), or with a fixed number of decimals for the
columns a writer names (`decimals`), as `f"{x:.6f}"` would. Text is quoted only where it
must be (it holds the separator, a quote or a line break), as the csv module does. The
writer builds the file's text column by column with pyarrow (a million persons in about a
second, against half a minute through pandas' `to_csv`); what it cannot type (a column of
mixed Python objects) goes through pandas, in the same dialect. A text cell that Excel
would run as a formula (a person id or kommune name starting with =, +, -, @, a tab or a
CR) is written with a leading apostrophe, as OWASP recommends against CSV injection;
`read_output_csv` removes it again.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tjenestemandspension.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

# pandas and pyarrow are imported where a table is written or read: the readers of small
# files (curves, mortality tables) and `tjp --help` do without them

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


PROGRESS_CHUNK_ROWS = 100_000  # rows joined into text at a time (bounded memory, 32-bit offsets), and between two progress reports
_NEEDS_QUOTES = r'[;"\r\n]'
_SHORTEST_FIXED = (1e-4, 1e16)  # Python's repr writes other magnitudes with an exponent
_FIXED_EXACT = 1e9  # |x| below this: x·10^d with d <= 6 is exact enough to round in floats


def write_csv(frame: pd.DataFrame, path: Path, decimals: Mapping[str, int] | None = None,
              progress: Callable[[int, int], None] | None = None) -> None:
    """`frame` as a CSV in the dialect above; `decimals`: column → fixed decimals;
    `progress(rows written, rows)` is told along the way (the bytes are the same either way)."""
    import pyarrow as pa

    decimals = dict(decimals or {})
    try:
        columns = [_column_text(frame[name], decimals.get(name)) for name in frame.columns]
    except (TypeError, ValueError, pa.ArrowException):  # mixed Python objects: pandas knows them
        _write_csv_pandas(frame, path, decimals)
        if progress is not None:
            progress(len(frame), len(frame))
        return
    single = len(frame.columns) == 1  # the csv module quotes a lone empty field
    header = [_quoted(pa.array([str(name)], pa.string()), single) for name in frame.columns]
    with open(path, "wb") as file:
        file.write("\ufeff".encode(UTF8))  # utf-8-sig
        _write_rows(file, header)
        _write_rows(file, [_quoted(column, single) if quote or single else column for column, quote in columns],
                    progress)


def _write_csv_pandas(frame: pd.DataFrame, path: Path, decimals: Mapping[str, int]) -> None:
    """The same file through pandas (slow; for columns pyarrow cannot type)."""
    import pandas as pd

    if decimals:
        frame = frame.assign(**{name: [None if pd.isna(v) else f"{v:.{places}f}".replace(".", OUTPUT_CSV["decimal"])
                                       for v in frame[name]] for name, places in decimals.items()})
    risky = re.compile(_FORMULA_START)
    number = re.compile(_NUMBER, re.IGNORECASE)
    frame = frame.assign(**{name: [("'" + v) if isinstance(v, str) and risky.match(v) and not number.match(v) else v
                                   for v in frame[name]]
                            for name in frame.columns
                            if (frame[name].dtype == object or isinstance(frame[name].dtype, pd.StringDtype))
                            and name not in decimals})
    frame.to_csv(path, index=False, na_rep="", **OUTPUT_CSV)


def _write_rows(file, columns: list, progress: Callable[[int, int], None] | None = None) -> None:
    """Columns of text (no nulls), joined by the separator, one line per row."""
    import pyarrow.compute as pc

    n_rows = len(columns[0]) if columns else 0
    for start in range(0, n_rows, PROGRESS_CHUNK_ROWS):
        parts = [column.slice(start, PROGRESS_CHUNK_ROWS) for column in columns]
        lines = pc.binary_join_element_wise(*parts, OUTPUT_CSV["sep"]) if len(parts) > 1 else parts[0]
        file.write(_text_bytes(pc.binary_join_element_wise(lines, "", OUTPUT_CSV["lineterminator"])))
        if progress is not None:
            progress(min(start + PROGRESS_CHUNK_ROWS, n_rows), n_rows)
    if progress is not None and n_rows == 0:
        progress(0, 0)


def _text_bytes(array) -> memoryview:
    """The concatenated values of a string array without nulls, straight from its buffers."""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32, count=len(array) + 1, offset=array.offset * 4)
    data = array.buffers()[2]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[int(offsets[0]):int(offsets[-1])]


def _quoted(array, single: bool):
    """Fields quoted as the csv module's QUOTE_MINIMAL does them."""
    import pyarrow.compute as pc

    needs = pc.match_substring_regex(array, _NEEDS_QUOTES)
    if single:
        needs = pc.or_(needs, pc.equal(array, ""))
    if not pc.any(needs).as_py():
        return array
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(array, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, array)


def neutralise_formulas(texts):
    """Text cells that Excel would run as a formula (starting with =, +, -, @, a tab or a
    CR: OWASP's CSV injection) get a leading apostrophe, which Excel shows as text; a
    number such as -1.234,50 stays as it is. A text that already starts with apostrophes
    before such a character gets one more, so that `read_output_csv` can undo it exactly.
    `texts`: a pyarrow string array without nulls."""
    import pyarrow.compute as pc

    risky = pc.and_(pc.match_substring_regex(texts, _FORMULA_START),
                    pc.invert(pc.match_substring_regex(texts, _NUMBER, ignore_case=True)))
    if not pc.any(risky).as_py():
        return texts
    return pc.if_else(risky, pc.binary_join_element_wise("'", texts, ""), texts)


def _column_text(series: pd.Series, places: int | None):
    """(text of every cell, whether it may need quotes): numbers as described above,
    missing values empty. Raises TypeError for a column pyarrow cannot type."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _column_text(series.astype(object).where(series.notna(), None), places)
    if dtype.kind == "f" and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        values = series.to_numpy(dtype=np.float64)
        text = fixed_decimals(values, places) if places is not None else shortest_floats(values)
        return text, False
    if dtype.kind in "iu" or dtype.kind == "b" or isinstance(dtype, (pd.Int64Dtype, pd.BooleanDtype)):
        array = pa.array(series, from_pandas=True)
        if pa.types.is_boolean(array.type):
            array = pc.if_else(array, "True", "False")
        return array.cast(pa.string()).fill_null(""), False
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":  # pandas' own arrow strings, as they are
        array = pa.array(series.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        return neutralise_formulas(array.cast(pa.string()).fill_null("")), True
    if dtype.kind in "OSU" or isinstance(dtype, pd.StringDtype):
        array = pa.array(series.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
        return neutralise_formulas(array.fill_null("")), True
    raise TypeError(f"no text for a column of {dtype}")


def shortest_floats(values: np.ndarray):
    """Floats as Python's repr writes them, with the decimal comma; NaN empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(values, from_pandas=True)  # NaN as null
    text = pc.cast(array, pa.string())
    # pyarrow writes integral floats without '.0' and changes to exponents at other magnitudes
    # than Python; the digits are the same (both shortest round-trip)
    has_point = pc.match_substring(text, ".").fill_null(True)
    has_exponent = pc.match_substring(text, "e").fill_null(False)
    text = pc.if_else(pc.or_(has_point, has_exponent), text, pc.binary_join_element_wise(text, ".0", ""))
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore"):
        odd = ((magnitude < _SHORTEST_FIXED[0]) & (magnitude > 0)) | (magnitude >= _SHORTEST_FIXED[1])
    # pyarrow also writes some 17-digit values with an exponent (-5.6776960612792984e+10)
    odd = np.flatnonzero(odd | has_exponent.to_numpy(zero_copy_only=False) | np.isinf(values))
    if odd.size:  # few: Python's own text for them
        patch = np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
        patch[odd] = [repr(float(values[i])) for i in odd]
        text = pa.array(patch, type=pa.string())
    return pc.replace_substring(text, ".", OUTPUT_CSV["decimal"]).fill_null("")


def fixed_decimals(values: np.ndarray, places: int):
    """Floats with `places` decimals, exactly as f"{x:.{places}f}" (correctly rounded,
    ties to even on the binary value, '-' on negative zero), with the decimal comma; NaN empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = np.asarray(values, dtype=np.float64)
    scale = 10.0 ** places
    magnitude = np.abs(values)
    scaled = magnitude * scale
    rounded = np.rint(scaled)
    with np.errstate(invalid="ignore"):
        # x·10^d is rounded once in floats; near a tie (or for huge values) that rounding
        # could move it across the half, so those few go through Python's formatting
        slow = ~(magnitude < _FIXED_EXACT) | (np.abs(np.abs(scaled - np.floor(scaled)) - 0.5)
                                             <= 4 * np.spacing(scaled))
    slow &= ~np.isnan(values)
    whole = np.where(slow | np.isnan(values), 0, rounded).astype(np.int64)
    units = 10 ** places
    integer = pa.array(whole // units).cast(pa.string())
    fraction = pc.utf8_lpad(pa.array(whole % units).cast(pa.string()), places, "0")
    sign = pc.if_else(pa.array(np.signbit(values)), "-", "")
    if places > 0:
        text = pc.binary_join_element_wise(sign, integer, OUTPUT_CSV["decimal"], fraction, "")
    else:
        text = pc.binary_join_element_wise(sign, integer, "")
    text = pc.if_else(pa.array(np.isnan(values)), "", text)
    if slow.any():
        patch = np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
        patch[slow] = [f"{values[i]:.{places}f}".replace(".", OUTPUT_CSV["decimal"]) for i in np.flatnonzero(slow)]
        text = pa.array(patch, type=pa.string())
    return text


def read_output_csv(path: Path, **options) -> pd.DataFrame:
    """A CSV the tool wrote (persons.csv, a register from `tjp example`), empty cells as
    missing, the apostrophe of `neutralise_formulas` removed."""
    import pandas as pd

    frame = pd.read_csv(path, sep=OUTPUT_CSV["sep"], decimal=OUTPUT_CSV["decimal"], encoding=OUTPUT_CSV["encoding"],
                        **{"keep_default_na": False, "na_values": [""], **options})
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            escaped = column.str.match(_ESCAPED_FORMULA, na=False)
            if escaped.any():
                frame[name] = column.where(~escaped, column.str.slice(1))
    return frame
