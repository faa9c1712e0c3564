"""Finanstilsynet's 2019 benchmark in its original old-style Excel format (.xls): read as
published, and the same life expectancies as a converted copy made here.

Two copies, made apart from the reader under test: a CSV dumped cell by cell from xlrd
(every value with all its digits), and, where LibreOffice is installed, an .xlsx converted
by LibreOffice and read by openpyxl. LibreOffice writes 15 significant digits, so that
copy agrees to a relative 1e-14 in the table and to 1e-9 years in the expectations.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import xlrd

from tjenestemandspension.mortality import SEX_MEN, SEX_WOMEN, load_mortality_basis, read_benchmark_table

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

NAMES = {"mortality": "Benchmark_doedelighed2019", "improvement": "Benchmark_levetidsforbedringer2019"}
AGES = (60, 62, 65, 67, 80)


@pytest.fixture(scope="module")
def ft_dir(shared_dir):
    return shared_dir / "data" / "ft"


def csv_copy(xls, folder):
    """The first sheet dumped cell by cell, numbers with every digit (repr), ';' between."""
    sheet = xlrd.open_workbook(xls).sheet_by_index(0)
    lines = [";".join(v if isinstance(v, str) else repr(v) for v in sheet.row_values(r)) for r in range(sheet.nrows)]
    path = folder / (xls.stem + ".csv")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def libreoffice_copy(xls, folder):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return None
    profile = (folder / "lo-profile").resolve().as_uri()  # its own profile: another soffice running must not block it
    subprocess.run([office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(folder), str(xls)],
                   check=True, capture_output=True, timeout=180)
    return folder / (xls.stem + ".xlsx")


def expectations(mortality, improvement):
    basis = load_mortality_basis(mortality, improvement)
    return np.array([[basis.life_expectancy(sex, age, 2019, cohort) for age in AGES]
                     for sex in (SEX_MEN, SEX_WOMEN) for cohort in (False, True)])


@pytest.mark.parametrize("kind", ["mortality", "improvement"])
def test_the_2019_xls_reads(ft_dir, kind):
    table = read_benchmark_table(ft_dir / f"{NAMES[kind]}.xls", kind)
    assert table.values.shape == (2, 111)
    assert table.source_file.endswith(".xls")
    if kind == "mortality":  # the first and last rows as the sheet holds them
        assert table.women[0] == 0.0026934390961931265 and table.men[0] == 0.0036979295456381913
        assert table.women[110] == 0.7473111417718884 and table.men[110] == 0.8388538447101443
    else:
        assert table.women[1] == 0.05741831317443713 and table.men[110] == 0.0


def test_the_2019_xls_gives_the_life_expectancies_of_a_converted_copy(ft_dir, tmp_path):
    original = [ft_dir / f"{NAMES[kind]}.xls" for kind in ("mortality", "improvement")]
    from_xls = expectations(*original)
    copies = {"csv (xlrd dump)": ([csv_copy(path, tmp_path) for path in original], 0.0, 0.0)}  # exact
    converted = [libreoffice_copy(path, tmp_path) for path in original]
    if all(converted):
        copies["xlsx (LibreOffice)"] = (converted, 1e-14, 1e-9)
    for route, (paths, relative, years_tolerance) in copies.items():
        for kind, xls, copy in zip(("mortality", "improvement"), original, paths):
            np.testing.assert_allclose(read_benchmark_table(copy, kind).values, read_benchmark_table(xls, kind).values,
                                       rtol=relative, atol=0, err_msg=route)
        np.testing.assert_allclose(expectations(*paths), from_xls, rtol=0, atol=years_tolerance, err_msg=route)
        # to the three decimals tjp mortality show prints, they are the same figures
        np.testing.assert_array_equal(np.round(expectations(*paths), 3), np.round(from_xls, 3), err_msg=route)
    # and they are plausible: a 65-year-old man of 2019 has about 18-22 years left
    assert 18 < from_xls[0, AGES.index(65)] < 22
    assert from_xls[2, AGES.index(65)] > from_xls[0, AGES.index(65)]  # women live longer
    assert np.all(from_xls[[1, 3]] >= from_xls[[0, 2]])  # cohort ≥ period with improvements


def test_cli_shows_the_2019_xls(ft_dir):
    from typer.testing import CliRunner

    from tjenestemandspension.cli.main import app

    result = CliRunner().invoke(app, ["mortality", "show", "--files", str(ft_dir / f"{NAMES['mortality']}.xls"),
                                      str(ft_dir / f"{NAMES['improvement']}.xls")])
    assert result.exit_code == 0, result.output
    assert "benchmark year Y0 = 2019" in result.output
