"""Text files in and out: one decoding rule for every reader, one CSV dialect for every writer.

Reading (registers, Finanstilsynet's tables, a booked-balance file): UTF-8 with or
without BOM, else Windows-1252, the encoding of Danish Excel's "CSV (semikolonsepareret)".
A file that mixes the two (Windows-1252 rows added to a UTF-8 file) is refused: read as
Windows-1252 its UTF-8 letters would silently become Ã¦, Ã¸ and Ã¥. UTF-16 (Excel's
"Unicode text") and files with NUL bytes are refused with what to do instead. The field
separator is the one of ';', tab and ',' the header line holds most of (';' on a tie).
TOML files (the basis, scenarios) are UTF-8 by the TOML standard, with a BOM tolerated.

Writing: every CSV the tool writes is UTF-8 with BOM, semicolon-separated, with decimal
comma and "\\n" line ends, so Danish Excel opens it directly; `read_output_csv` reads
such a file back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from tjenestemandspension.errors import InputError

SEPARATORS = (";", "\t", ",")  # in order of preference on a tie
OUTPUT_CSV = dict(sep=";", decimal=",", encoding="utf-8-sig", lineterminator="\n")
UTF8 = "utf-8"
WINDOWS_1252 = "windows-1252"
_SNIFFED_BYTES = 4096  # NUL bytes this early mean a binary file, not text
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def decode_text(data: bytes, file: str, what: str) -> tuple[str, str]:
    """(text, encoding) of a text file's bytes by the rule above; `what` names the file
    in the advice ("save the register as CSV UTF-8"). Raises InputError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError.single(f"is UTF-16 text (as Excel saves \"Unicode text\"); save the {what} as CSV UTF-8",
                                file=file)
    if b"\x00" in data[:_SNIFFED_BYTES]:
        raise InputError.single(f"is not a text file (it holds NUL bytes); expected a CSV {what}", file=file)
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


PROGRESS_CHUNK_ROWS = 100_000  # write_csv with progress: rows written between two reports


def write_csv(frame: pd.DataFrame, path: Path, progress: Callable[[int, int], None] | None = None) -> None:
    """The one CSV dialect of every writer; `progress(rows written, rows)` is told along
    the way of a large frame (the file's bytes are the same either way)."""
    if progress is None or len(frame) <= PROGRESS_CHUNK_ROWS:
        frame.to_csv(path, index=False, na_rep="", **OUTPUT_CSV)
        if progress is not None:
            progress(len(frame), len(frame))
        return
    for start in range(0, len(frame), PROGRESS_CHUNK_ROWS):
        chunk = frame.iloc[start:start + PROGRESS_CHUNK_ROWS]
        options = OUTPUT_CSV if start == 0 else {**OUTPUT_CSV, "encoding": UTF8}  # one BOM, at the start
        chunk.to_csv(path, index=False, na_rep="", header=start == 0, mode="w" if start == 0 else "a", **options)
        progress(start + len(chunk), len(frame))


def read_output_csv(path: Path, **options) -> pd.DataFrame:
    """A CSV the tool wrote (persons.csv, a register from `tjp example`), empty cells as missing."""
    return pd.read_csv(path, sep=OUTPUT_CSV["sep"], decimal=OUTPUT_CSV["decimal"], encoding=OUTPUT_CSV["encoding"],
                       **{"keep_default_na": False, "na_values": [""], **options})
