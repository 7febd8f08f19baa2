# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pure-Python rules of Brazilian receivables used by the ``dunning_br`` addons.

Nothing in this package imports Odoo: every rule that does not need the ORM
(standards, arithmetic, calendars, encodings, API clients) lives here so it can
be tested exhaustively without a database.
"""

__version__ = "18.0.1.0.0"
