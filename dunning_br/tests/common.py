# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Test helpers shared by the dunning_br addons."""

from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tools.translate import PoFileReader, TranslationModuleReader


class TranslationCheckMixin:
    """Asserts that an addon's ``i18n/pt_BR.po`` translates every term it has.

    The source terms are read from the installed addon exactly as Odoo exports
    them (fields, views, data, ``_()`` calls in code), so a string added
    without a translation, or a stale translation, fails the addon's tests.
    """

    def assert_pt_br_complete(self, module):
        exported = {
            row[4]
            for row in TranslationModuleReader(self.env.cr, modules=[module])
            if row[0] == module and row[4]
        }
        po_path = Path(get_module_path(module)) / "i18n" / "pt_BR.po"
        self.assertTrue(po_path.is_file(), f"{po_path} is missing")
        with po_path.open("rb") as po_file:
            translated = {
                entry["src"]: entry["value"] for entry in PoFileReader(po_file)
            }
        untranslated = sorted(
            term for term in exported if not (translated.get(term) or "").strip()
        )
        stale = sorted(set(translated) - exported)
        self.assertFalse(
            untranslated, f"{module}: terms without a pt_BR translation: {untranslated}"
        )
        self.assertFalse(stale, f"{module}: pt_BR.po has stale terms: {stale}")
