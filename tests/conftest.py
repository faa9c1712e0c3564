"""Test fixtures shared by the whole suite.

Small published vectors (Smith-Wilson test vectors, a few EIOPA curves, Finanstilsynet's
CSV tables) live in the repository, in tests/data/published/ (`published_dir`), each with
its provenance sidecar. Only tests that read EIOPA's or Finanstilsynet's large workbooks
themselves use `shared_dir`; it skips with a reason when `../shared` (or
$TJP_SHARED_DIR) is absent, as in a plain clone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from published import PUBLISHED_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]


def find_shared_dir() -> Path | None:
    configured = os.environ.get("TJP_SHARED_DIR")
    candidate = Path(configured) if configured else REPO_ROOT.parent / "shared"
    return candidate if (candidate / "data").is_dir() else None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    found = find_shared_dir()
    if found is None:
        pytest.skip("../shared is not present (plain clone): EIOPA's and Finanstilsynet's large "
                    "workbooks are only available in CI and development")
    return found


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def published_dir() -> Path:
    return PUBLISHED_DIR


@pytest.fixture(autouse=True)
def language(request, monkeypatch):
    """The user's language (core/i18n.py) for each test: Danish, the product's default,
    unless the test (or its module, `pytestmark = pytest.mark.english`) asserts English
    texts: then TJP_LANG=en, as a script would set it. A test marked `danish` inside an
    English module runs in Danish."""
    from tjenestemandspension import i18n

    english = request.node.get_closest_marker("english") is not None
    if request.node.get_closest_marker("danish") is not None:
        english = False
    if english:
        monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "en")
    else:
        monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE, raising=False)
    i18n.set_language(None)
    yield "en" if english else "da"
    i18n.set_language(None)
