# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from pathlib import Path

import pytest

#: The golden vectors, copied into the repository (see its README.rst).
VECTORS_DIR = Path(__file__).resolve().parent / "vectors"


@pytest.fixture(scope="session")
def load_vectors():
    """Return a loader for a golden-vector file of ``tests/vectors``: a
    missing file fails the test (it is part of the repository)."""

    def load(name):
        path = VECTORS_DIR / name
        assert path.is_file(), f"golden vectors missing from the repository: {path}"
        return json.loads(path.read_text(encoding="utf-8"))

    return load
