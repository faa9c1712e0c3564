"""Compile the Danish catalogue core/locale/da/LC_MESSAGES/tjp.po into tjp.mo (stdlib only).

    python scripts/compile_catalogue.py          # rewrite tjp.mo from tjp.po
    python scripts/compile_catalogue.py --check  # exit 1 if tjp.mo is not current
    python scripts/compile_catalogue.py --missing  # msgids in the code without a Danish entry, as .po stubs

The .po format read here is the subset we write: `msgid`/`msgstr` pairs (plurals as
`msgid_plural`/`msgstr[n]`, a context as `msgctxt`), strings continued on following lines,
`#` comments, the usual escapes. The output is GNU gettext's .mo format with the entries sorted, so the
same .po always gives the same bytes (tests/test_i18n.py checks the committed .mo).
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "core" / "locale" / "da" / "LC_MESSAGES" / "tjp.po"
PACKAGE_FOLDERS = ("core", "actuarial", "curves", "mortality", "cli")
MARKERS = ("_", "N_")  # tjenestemandspension.i18n's translate-now and mark-only functions


def parse_po(text: str) -> dict[str, str]:
    """msgid → msgstr (plural forms: msgid NUL msgid_plural → forms joined by NUL); empty
    translations are left out, so that gettext falls back to the English msgid."""
    entries: dict[str, str] = {}
    fields: dict[str, str] = {}
    current: str | None = None

    def flush() -> None:
        if "msgid" not in fields:
            fields.clear()
            return
        key = fields["msgid"]
        if "msgctxt" in fields:  # gettext's key of a message in a context
            key = fields["msgctxt"] + "\x04" + key
        if "msgid_plural" in fields:
            forms = [fields[k] for k in sorted(k for k in fields if k.startswith("msgstr["))]
            if all(forms):
                entries[key + "\0" + fields["msgid_plural"]] = "\0".join(forms)
        elif fields.get("msgstr") or key == "":
            entries[key] = fields.get("msgstr", "")
        fields.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line:
                flush()
                current = None
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"line {number}: a continued string outside an entry")
            fields[current] += ast.literal_eval(line)
            continue
        keyword, _, value = line.partition(" ")
        if (keyword == "msgid" and "msgid" in fields) or (keyword == "msgctxt" and "msgid" in fields):
            flush()
        if not value.startswith('"'):
            raise ValueError(f"line {number}: expected a quoted string after {keyword}")
        current = keyword
        fields[keyword] = ast.literal_eval(value)
    flush()
    return entries


def mo_bytes(entries: dict[str, str]) -> bytes:
    """The .mo file of `entries` (GNU format, little-endian, no hash table)."""
    keys = sorted(entries)
    ids = [k.encode("utf-8") for k in keys]
    strs = [entries[k].encode("utf-8") for k in keys]
    count = len(keys)
    header_size = 7 * 4
    table_size = count * 8
    offset = header_size + 2 * table_size
    id_table, str_table, blob = [], [], b""
    for data in ids:
        id_table.append((len(data), offset + len(blob)))
        blob += data + b"\0"
    for data in strs:
        str_table.append((len(data), offset + len(blob)))
        blob += data + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, count, header_size, header_size + table_size, 0, 0)
    out += b"".join(struct.pack("<2I", *pair) for pair in id_table)
    out += b"".join(struct.pack("<2I", *pair) for pair in str_table)
    return out + blob


def compiled(po_path: Path = CATALOGUE) -> bytes:
    return mo_bytes(parse_po(po_path.read_text(encoding="utf-8")))


def msgids_in_code(root: Path = REPO) -> dict[str, str]:
    """Every literal msgid passed to `_()` or `N_()` in the package → where (file:line).
    Setting descriptions and `--help` texts are collected by tests/test_i18n.py as well."""
    found: dict[str, str] = {}
    for folder in PACKAGE_FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS
                        and node.args and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str) and node.args[0].value):
                    found.setdefault(node.args[0].value, f"{path.relative_to(root)}:{node.lineno}")
    return found


def po_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def main(argv: list[str]) -> int:
    mo_path = CATALOGUE.with_suffix(".mo")
    if "--missing" in argv:
        known = parse_po(CATALOGUE.read_text(encoding="utf-8"))
        for msgid, where in msgids_in_code().items():
            if msgid not in known:
                print(f"#: {where}\nmsgid {po_string(msgid)}\nmsgstr \"\"\n")
        return 0
    data = compiled()
    if "--check" in argv:
        current = mo_path.is_file() and mo_path.read_bytes() == data
        print(f"{mo_path}: {'current' if current else 'NOT current: run scripts/compile_catalogue.py'}")
        return 0 if current else 1
    mo_path.write_bytes(data)
    print(f"{mo_path}: {len(parse_po(CATALOGUE.read_text(encoding='utf-8')))} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
