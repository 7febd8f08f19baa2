# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Régua de Cobrança (Brazilian Dunning)",
    "summary": "Brazilian accounts-receivable collection: reminders before and "
    "after the due date, late fine and interest, contact history",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "dunning_br developers",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["account", "mail", "portal"],
    "external_dependencies": {"python": ["cobranca"]},
    "data": [
        "security/dunning_br_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/ir_sequence_data.xml",
        "data/dunning_templates.xml",
        "data/mail_template_data.xml",
        "data/dunning_policy_data.xml",
        "report/dunning_letter_report.xml",
        "views/dunning_policy_views.xml",
        "views/dunning_history_views.xml",
        "views/dunning_communication_views.xml",
        "views/dunning_promise_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "wizards/dunning_run_wizard_views.xml",
        "wizards/dunning_activation_wizard_views.xml",
        "views/res_company_views.xml",
        "views/dunning_menus.xml",
        "views/portal_templates.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "dunning_br/static/src/js/**/*",
        ],
        "web.assets_tests": [
            "dunning_br/static/tests/tours/**/*",
        ],
    },
    "demo": ["demo/dunning_demo.xml"],
    "installable": True,
    "application": False,
}
