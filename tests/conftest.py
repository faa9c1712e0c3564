"""Test fixtures shared by the whole suite.

Tests that read EIOPA's or Finanstilsynet's published files use `shared_dir`; it skips
with a reason when `../shared` (or $TJP_SHARED_DIR) is absent, as in a plain clone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def find_shared_dir() -> Path | None:
    configured = os.environ.get("TJP_SHARED_DIR")
    candidate = Path(configured) if configured else REPO_ROOT.parent / "shared"
    return candidate if (candidate / "data").is_dir() else None


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    found = find_shared_dir()
    if found is None:
        pytest.skip("../shared is not present (plain clone): the published EIOPA and "
                    "Finanstilsynet files are only available in CI and development")
    return found


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT
