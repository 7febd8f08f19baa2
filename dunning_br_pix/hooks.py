# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.payment import reset_payment_provider, setup_provider

from . import const


def post_init_hook(env):
    setup_provider(env, const.PROVIDER_CODE)


def uninstall_hook(env):
    reset_payment_provider(env, const.PROVIDER_CODE)
