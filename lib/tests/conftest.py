# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from pathlib import Path

import pytest

# The project's reference material lives next to the repository (../shared).
SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="session")
def shared_vectors():
    """Return a loader for a golden-vector file of ``../shared/vectors``."""

    def load(name):
        path = SHARED_DIR / "vectors" / name
        if not path.is_file():
            pytest.skip(f"golden vectors not available: {path}")
        return json.loads(path.read_text(encoding="utf-8"))

    return load
