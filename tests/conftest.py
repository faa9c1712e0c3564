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



def item_language(item) -> str:
    """Danish, the product's default, unless the test (or its module, `pytestmark =
    pytest.mark.english`) asserts English texts; a test marked `danish` inside an English
    module runs in Danish."""
    if item.get_closest_marker("danish") is not None:
        return "da"
    return "en" if item.get_closest_marker("english") is not None else "da"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """The user's language (core/i18n.py) for each test, set before any fixture (a
    module-scoped run is made in the language of its module's tests): TJP_LANG=en for
    English, as a script would set it; unset for Danish."""
    from tjenestemandspension import i18n

    item.stash[_SAVED_LANG] = os.environ.get(i18n.ENVIRONMENT_VARIABLE)
    if item_language(item) == "en":
        os.environ[i18n.ENVIRONMENT_VARIABLE] = "en"
    else:
        os.environ.pop(i18n.ENVIRONMENT_VARIABLE, None)
    i18n.set_language(None)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    from tjenestemandspension import i18n

    saved = item.stash.get(_SAVED_LANG, None)
    if saved is None:
        os.environ.pop(i18n.ENVIRONMENT_VARIABLE, None)
    else:
        os.environ[i18n.ENVIRONMENT_VARIABLE] = saved
    i18n.set_language(None)


_SAVED_LANG = pytest.StashKey[object]()
