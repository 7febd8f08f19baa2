# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Régua de Cobrança: Pix e Boleto",
    "summary": "Pix (BR Code, API Pix charges with due date) and boleto payment "
    "provider for the Brazilian dunning",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "dunning_br developers",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["dunning_br", "account_payment", "l10n_br"],
    "external_dependencies": {"python": ["cobranca"]},
    "data": [
        "security/dunning_br_pix_security.xml",
        "security/ir.model.access.csv",
        "views/payment_templates.xml",
        "views/portal_templates.xml",
        "views/portal_pendencias_templates.xml",
        "views/payment_provider_views.xml",
        "views/dunning_pix_charge_views.xml",
        "views/dunning_pix_payment_views.xml",
        "views/dunning_policy_views.xml",
        "views/dunning_history_views.xml",
        "views/account_move_views.xml",
        "views/account_bank_statement_line_views.xml",
        "views/dunning_boleto_remessa_views.xml",
        "views/dunning_boleto_retorno_views.xml",
        "wizards/dunning_boleto_instruction_wizard_views.xml",
        "wizards/dunning_boleto_retorno_import_views.xml",
        "data/payment_provider_data.xml",
        "data/ir_cron_data.xml",
    ],
    "demo": ["demo/dunning_pix_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "dunning_br_pix/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
