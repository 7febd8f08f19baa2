# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Local stand-ins for the outside services the project talks to (tests and demo).

Nothing here is shipped with the addons: see ``sandbox/README.rst``.
"""
