"""`tjp mortality show`: the table it prints and its exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tjenestemandspension.cli.main import app
from tjenestemandspension.cli.mortality_cmd import life_expectancy_rows
from tjenestemandspension.mortality import default_mortality_basis

pytestmark = pytest.mark.english  # asserts the English texts of problems (tests/conftest.py)

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["mortality", "show", *args])


def table_lines(output: str) -> dict[int, list[float]]:
    """age -> [men period, men cohort, women period, women cohort] from the printed table."""
    rows = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[0].isdigit():
            rows[int(parts[0])] = [float(p) for p in parts[1:]]
    return rows


def write_table(path: Path, value: str, bad_row_age: int | None = None) -> Path:
    lines = ["Alder;Kvinder;Mænd"]
    for age in range(111):
        lines.append(f"{age};{value};{'-0.01' if age == bad_row_age else value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_show_builtin():
    result = run()
    assert result.exit_code == 0, result.output
    assert "Finanstilsynet benchmark 2024 (built-in), benchmark year Y0 = 2024" in result.output
    assert "calendar year 2024" in result.output
    rows = table_lines(result.output)
    assert sorted(rows) == [60, 62, 65, 67, 80]
    # the check figures (period, 2024) and the documented cohort figures
    assert rows[60] == [23.959, 25.941, 26.899, 28.716]
    assert rows[65] == [19.758, 21.209, 22.439, 23.787]


def test_show_year_and_switches():
    rows = table_lines(run("--year", "2025").output)
    assert rows[60][1] == 26.066 and rows[65][3] == 23.885
    basis = default_mortality_basis()
    expected = life_expectancy_rows(basis.with_changes(improvements=False), 2040)
    rows = table_lines(run("--year", "2040", "--no-improvements").output)
    assert rows[67] == [round(v, 3) for v in expected[3][1:]]
    assert rows[67][0] == rows[67][1]  # no improvements: cohort = period
    lower = table_lines(run("--factor-men", "1.2").output)
    assert lower[60][0] < 23.959 and lower[60][2] == 26.899


def test_show_files(published_dir):
    ft = published_dir
    result = run("--files", str(ft / "Benchmark_doedelighed2012.csv"),
                 str(ft / "Benchmark_levetidsforbedringer2012.csv"))
    assert result.exit_code == 0, result.output
    assert "benchmark year Y0 = 2012" in result.output and "calendar year 2012" in result.output
    assert "Benchmark_levetidsforbedringer2012.csv" in result.output
    result = run("--files", str(ft / "Benchmark_doedelighed2024.csv"),
                 str(ft / "Benchmark_levetidsforbedringer2024.csv"))
    assert table_lines(result.output) == table_lines(run().output)


def test_show_own_files_with_benchmark_year(tmp_path):
    mortality = write_table(tmp_path / "my_mortality.csv", "0,05")
    improvement = write_table(tmp_path / "my_improvement.csv", "0")
    result = run("--files", str(mortality), str(improvement), "--benchmark-year", "2026")
    assert result.exit_code == 0, result.output
    assert table_lines(result.output)[60] == [20.0, 20.0, 20.0, 20.0]  # 1/mu
    assert "benchmark year Y0 = 2026" in result.output


def test_bad_files_exit_2_with_one_line_per_problem(tmp_path):
    mortality = write_table(tmp_path / "Benchmark_doedelighed2024.csv", "0.05", bad_row_age=61)
    improvement = tmp_path / "Benchmark_levetidsforbedringer2024.csv"
    result = run("--files", str(mortality), str(improvement))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: Benchmark_doedelighed2024.csv, row 63, column 'Mænd': value '-0.01': expected an intensity >= 0",
        "error: Benchmark_levetidsforbedringer2024.csv: file not found",
    ]
    assert result.stdout == ""


def test_missing_benchmark_year_exits_2(tmp_path):
    result = run("--files", str(write_table(tmp_path / "a.csv", "0.05")), str(write_table(tmp_path / "b.csv", "0")))
    assert result.exit_code == 2
    assert "a.csv: expected a benchmark year in the file name" in result.stderr


@pytest.mark.parametrize("args", [["--files", "only_one.csv"], ["--year", "abc"]])
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == 2
