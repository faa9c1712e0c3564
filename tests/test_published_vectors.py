"""The published vectors in tests/data/published/ are what was published.

In a plain clone: the EIOPA curves extracted from the Term_Structures workbooks agree with
the Smith-Wilson test vectors (two independent copies of the same cells), and a workbook
written back from them reads through the package's EIOPA reader as published. With
../shared: every copy is byte for byte the file it was copied from, and the extraction
script, re-run on EIOPA's workbooks, writes exactly the stored file.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json

import numpy as np
import pytest
from published import EIOPA_SPOTS_FILE, eiopa_publication, smith_wilson_vectors, write_term_structures

from tjenestemandspension.curves import read_term_structures

CURVES = [("20231231", "Euro", "EUR"), ("20231231", "Denmark", "DK"),
          ("20241231", "Euro", "EUR"), ("20241231", "Denmark", "DK")]
COPIED = {  # file in tests/data/published → its folder in ../shared/data
    "smith_wilson_test_vectors.json": "eiopa",
    "Benchmark_doedelighed2024.csv": "ft",
    "Benchmark_levetidsforbedringer2024.csv": "ft",
    "Benchmark_doedelighed2012.csv": "ft",
    "Benchmark_levetidsforbedringer2012.csv": "ft",
}


def extraction_script(repo_root):
    spec = importlib.util.spec_from_file_location("extract_eiopa_published",
                                                  repo_root / "scripts" / "extract_eiopa_published.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("date,country,code", CURVES)
def test_extracted_curves_agree_with_the_smith_wilson_vectors(date, country, code):
    curve = eiopa_publication(date)["curves"][country]
    vectors = smith_wilson_vectors()[f"{date}_{code}"]
    assert curve["spots"] == vectors["published_spot_noVA_1_150"]
    assert curve["code"] == vectors["header_code"]
    parameters = curve["parameters"]
    assert parameters["alpha"] == vectors["alpha_noVA"]
    assert parameters["CRA"] == vectors["CRA_bp"]
    assert parameters["LLP"] == vectors["LLP"] == 20 and parameters["Convergence"] == 40
    assert parameters["UFR"] / 100 == pytest.approx(vectors["UFR_annual"], abs=1e-15)
    assert parameters["Coupon_freq"] == 1 and parameters["VA"] is None


@pytest.mark.parametrize("date", ["20231231", "20241231"])
def test_a_workbook_written_from_the_extraction_reads_as_published(tmp_path, repo_root, date):
    path = write_term_structures(tmp_path / f"EIOPA_RFR_{date}_Term_Structures.xlsx", date)
    publication = eiopa_publication(date)
    for country, curve in publication["curves"].items():
        ts = read_term_structures(path, country)
        np.testing.assert_array_equal(ts.spots, curve["spots"])
        assert ts.reference_date == dt.date.fromisoformat(publication["reference_date"])
        assert ts.code == curve["code"] and ts.parameters.alpha == curve["parameters"]["alpha"]
    # the script reads the same cells back
    again = extraction_script(repo_root).extract_sheet(path, tuple(publication["curves"]))
    for country, curve in publication["curves"].items():
        assert {k: again[country][k] for k in ("code", "parameters", "spots")} == \
               {k: curve[k] for k in ("code", "parameters", "spots")}


def test_copies_are_the_published_files_byte_for_byte(shared_dir, published_dir):
    for name, folder in COPIED.items():
        assert (published_dir / name).read_bytes() == (shared_dir / "data" / folder / name).read_bytes(), name


def test_extraction_rerun_on_eiopas_workbooks_gives_the_stored_file(shared_dir, published_dir, repo_root):
    eiopa = shared_dir / "data" / "eiopa"
    stored = json.loads((published_dir / EIOPA_SPOTS_FILE).read_text(encoding="utf-8"))
    assert extraction_script(repo_root).extract(eiopa) == stored
    # and the package's own reader reads the same numbers from the workbooks
    for date, country, _ in CURVES:
        curve = stored["publications"][date]["curves"][country]
        ts = read_term_structures(eiopa / stored["publications"][date]["source_file"], country)
        np.testing.assert_array_equal(ts.spots, curve["spots"])
        assert ts.code == curve["code"]
        assert ts.parameters.alpha == curve["parameters"]["alpha"]
        assert ts.parameters.cra_bp == curve["parameters"]["CRA"]
        assert ts.parameters.ufr == pytest.approx(curve["parameters"]["UFR"] / 100, abs=1e-15)
