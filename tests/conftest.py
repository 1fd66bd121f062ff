import shutil
from pathlib import Path

import pytest

from nianbao import paths

SAMPLES = paths.REPORTS  # the real reports shipped in data/reports
FIXTURES = paths.FIXTURES  # the project's own PDF and Word files


def sample(name: str) -> Path:
    return SAMPLES / name


requires_shared = pytest.mark.skipif(not paths.GOLD.is_dir(), reason="../shared (gold labels) is not beside the repo")


@pytest.fixture
def corpus_copy(tmp_path):
    """A writable copy of the shipped reports."""
    dst = tmp_path / "reports"
    shutil.copytree(SAMPLES, dst)
    return dst
