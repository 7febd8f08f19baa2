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
    "external_dependencies": {
        "python": ["cobranca", "phonenumbers", "gsm0338", "requests"]
    },
    "data": [
        "security/ir.model.access.csv",
        "security/dunning_br_sms_security.xml",
        "data/ir_cron_data.xml",
        "data/sms_template_data.xml",
        "wizards/dunning_sms_preview_views.xml",
        "views/dunning_policy_views.xml",
        "views/res_company_views.xml",
        "views/dunning_communication_views.xml",
        "views/dunning_sms_gateway_views.xml",
        "views/sms_sms_views.xml",
    ],
    "demo": ["demo/dunning_sms_gateway_demo.xml", "demo/dunning_sms_demo.xml"],
    "installable": True,
}
