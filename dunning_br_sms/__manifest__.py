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
    "external_dependencies": {"python": ["cobranca", "phonenumbers"]},
    "data": [],
    "installable": True,
}
