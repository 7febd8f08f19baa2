# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Régua de Cobrança: SMS",
    "summary": "SMS as a reminder channel of the Brazilian dunning",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "dunning_br developers",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["dunning_br", "sms"],
    "external_dependencies": {"python": ["cobranca", "phonenumbers", "gsm0338"]},
    "data": [
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/sms_template_data.xml",
        "wizards/dunning_sms_preview_views.xml",
        "views/dunning_policy_views.xml",
        "views/res_company_views.xml",
        "views/dunning_communication_views.xml",
    ],
    "demo": ["demo/dunning_sms_demo.xml"],
    "installable": True,
}
