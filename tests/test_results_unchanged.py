"""The README's main command gives the results it gave when they were recorded.

`tjp example` + `tjp value tjp-example/register.csv --basis tjp-example/basis.toml
--booked=-950000000`: the console's totals and the journal to the øre, and a
fingerprint of every person's amounts and every year's cash flows rounded to the øre.
Recorded before the restructuring of issue 11 and unchanged by it. Rounded to øre
rather than byte for byte: the last bit of a float may differ between machines (numpy's
vectorised exp and log), which an øre does not see; the journal's reference (the run
id) is left out, as it changes with the basis file's wording. A change that moves an
amount must update the recorded figures and say why.

The persons' fingerprint was re-recorded when persons.csv went to six fixed decimals
(issue 15): six annual benefits are exact halves of an øre in decimal (125325,585) whose
float noise (125325,58499999999) used to round them down; no amount computed changed.
"""

from __future__ import annotations

import hashlib

import pytest
from typer.testing import CliRunner

from tjenestemandspension.actuarial.headers import PERSON_COLUMNS_CSV, canonical
from tjenestemandspension.cli.main import app
from tjenestemandspension.rounding import to_ore
from tjenestemandspension.textfiles import read_output_csv

TOTALS = """\
aktive               132          425.167.616,30
fraflyttede           60          139.680.216,07
pensionerede         160          384.593.479,34
ægtefæller            40           54.792.193,27
børn                   8            1.368.995,76
i alt                400        1.005.602.500,73"""
JOURNAL = [
    "31-12-2024;2024;9.72.90.001;9.72.90;001;9;0,00;55602500,73;-55602500,73;Opskrivning af "
    "tjenestemandspensionsforpligtelsen pr. 31-12-2024 efter aktuarmæssig genberegning",
    "31-12-2024;2024;9.75.99;9.75.99;;9;55602500,73;0,00;55602500,73;Modpost: opskrivning af "
    "tjenestemandspensionsforpligtelsen pr. 31-12-2024 efter aktuarmæssig genberegning",
]
PERSONS_FINGERPRINT = "275feed9c7131a65a387a4ff8479f2c76243cee31aba17f4d8ca7f0d5f35e188"
CASHFLOWS_FINGERPRINT = "67c09353ee594c4a69fdf4c417b5bd0c9d9fb36777ca7455edd1f1fe220797e0"


def fingerprint(frame, text_columns: tuple[str, ...]) -> str:
    """sha256 of the table with every number rounded to the øre."""
    lines = []
    for row in frame.itertuples(index=False):
        cells = [str(value) if column in text_columns else str(to_ore(value))
                 for column, value in zip(frame.columns, row)]
        lines.append(";".join(cells))
    return hashlib.sha256("\n".join([";".join(frame.columns), *lines]).encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    runner = CliRunner()
    example = folder / "tjp-example"
    assert runner.invoke(app, ["example", str(example), "--force"]).exit_code == 0
    # §9.2 switched off: `tjp example`'s basis values ill-health on an illustrative table since
    # version 2; without it every figure must be the first version's
    result = runner.invoke(app, ["value", str(example / "register.csv"), "--basis", str(example / "basis.toml"),
                                 "--booked=-950000000", "--out", str(example / "resultat"), "--force",
                                 "--set", "ill_health.incidence_file="])
    assert result.exit_code == 0, result.output
    return example / "resultat", result.output


# the README's command as it stands, with §9.2 valued on the example's illustrative table
# (recorded when §9.2 was implemented): only the actives move
TOTALS_WITH_ILL_HEALTH = """\
aktive               132          439.813.854,95
fraflyttede           60          139.680.216,07
pensionerede         160          384.593.479,34
ægtefæller            40           54.792.193,27
børn                   8            1.368.995,76
i alt                400        1.020.248.739,39"""


def test_the_readme_command_values_ill_health_on_the_illustrative_table(tmp_path):
    runner = CliRunner()
    example = tmp_path / "tjp-example"
    assert runner.invoke(app, ["example", str(example)]).exit_code == 0
    result = runner.invoke(app, ["value", str(example / "register.csv"), "--basis", str(example / "basis.toml"),
                                 "--booked=-950000000", "--out", str(example / "resultat")])
    assert result.exit_code == 0, result.output
    assert TOTALS_WITH_ILL_HEALTH in result.output
    persons = read_output_csv(example / "resultat" / "persons.csv", dtype={"person_id": str})
    assert (persons["pv_ill_health"] > 0).sum() > 100


def test_totals_and_journal_to_the_ore(readme_run):
    out, console = readme_run
    assert TOTALS in console
    assert "Opskrivning af 9.72.90.001 med 55.602.500,73 kr." in console
    journal = (out / "journal.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [line.rsplit(";", 1)[0] for line in journal[1:]] == JOURNAL


def test_every_person_and_every_year_to_the_ore(readme_run):
    out, _ = readme_run
    # the Danish headers and status words read back to the canonical ones (headers.py): the pins are unchanged
    persons = canonical(read_output_csv(out / "persons.csv", dtype={"person_id": str}))
    # §9.2's column, recorded after these figures: no ill-health value without an incidence table
    assert (persons.pop("pv_ill_health") == 0).all()
    assert list(persons.columns) == [c for c in PERSON_COLUMNS_CSV if c != "pv_ill_health"]
    assert fingerprint(persons.fillna(0.0), ("person_id", "status", "unit", "municipality")) == PERSONS_FINGERPRINT
    cashflows = canonical(read_output_csv(out / "cashflows.csv"))
    assert fingerprint(cashflows, ("year",)) == CASHFLOWS_FINGERPRINT
