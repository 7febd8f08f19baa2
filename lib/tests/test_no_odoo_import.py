# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The core library must never depend on Odoo."""

import ast
import subprocess
import sys
from pathlib import Path

import cobranca

PACKAGE_DIR = Path(cobranca.__file__).resolve().parent


def _imported_roots(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module.split(".")[0]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield str(node.args[0].value).split(".")[0]


def test_no_module_of_the_package_imports_odoo():
    offenders = [
        str(path.relative_to(PACKAGE_DIR))
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        if "odoo" in set(_imported_roots(path))
    ]
    assert offenders == []


def test_importing_every_module_leaves_odoo_unloaded():
    # A fresh interpreter, so that nothing imported by the test session counts.
    code = (
        "import importlib, pkgutil, sys, cobranca\n"
        "for m in pkgutil.walk_packages(cobranca.__path__, 'cobranca.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'odoo' or n.startswith('odoo.'))\n"
        "sys.exit('odoo modules loaded: %s' % bad if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr or result.stdout
