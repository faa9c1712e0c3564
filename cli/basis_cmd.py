"""`tjp basis keys`: every basis key with its type, default and source (docs/basis.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from tjenestemandspension.cli.common import report_errors

if TYPE_CHECKING:
    import pandas as pd

basis_app = typer.Typer(help="The basis: every assumption by key.", no_args_is_help=True)
NOT_SET = "(ikke sat)"


def keys_frame() -> pd.DataFrame:
    """One row per key of the built-in default basis: key, type, default, placeholder, source, meaning."""
    import pandas as pd

    from tjenestemandspension.actuarial.basis import SETTINGS, format_value
    from tjenestemandspension.actuarial.basis_files import load_basis

    basis = load_basis()
    rows = []
    for setting in SETTINGS:
        entry = basis.values.get(setting.key)
        value = None if entry is None else entry.value
        rows.append({"key": setting.key, "type": setting.expected,
                     "default": format_value(setting, value) if value is not None else NOT_SET,
                     "placeholder": "ja" if entry is not None and entry.provenance.placeholder else "",
                     "source": "" if entry is None else entry.provenance.describe(),
                     "meaning": setting.description})
    return pd.DataFrame(rows)


@basis_app.command("keys")
@report_errors
def keys() -> None:
    """List every basis key with its default, type and source (docs/basis.md explains each)."""
    frame = keys_frame()
    for row in frame.itertuples(index=False):
        marker = "  (pladsholder: gennemgå)" if row.placeholder else ""
        typer.echo(f"{row.key} = {row.default}{marker}")
        typer.echo(f"    {row.meaning}")
        typer.echo(f"    type: {row.type}")
        if row.source:
            typer.echo(f"    kilde: {row.source}")
