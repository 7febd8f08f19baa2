# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An active installment agreement for the tests of what happens around it
(the régua, Pix, fulfilled, breach)."""

from odoo import Command, fields


class AgreementCommon:
    """Mixed into :class:`~.common.DunningCommon` (or a subclass): the
    company's agreement accounts, a régua for agreement installments, and
    :meth:`_active_agreement`."""

    @classmethod
    def _setup_agreements(cls):
        company = cls.company
        Account = cls.env["account.account"]
        cls.agreement_income = Account.create(
            {
                "name": "Multas e juros de acordos",
                "code": "399101",
                "account_type": "income_other",
            }
        )
        cls.agreement_waiver = Account.create(
            {
                "name": "Multas e juros dispensados",
                "code": "399102",
                "account_type": "expense",
            }
        )
        cls.agreement_discount = Account.create(
            {
                "name": "Descontos de acordos",
                "code": "399103",
                "account_type": "expense",
            }
        )
        company.write(
            {
                "dunning_agreement_journal_id": cls.company_data[
                    "default_journal_misc"
                ].id,
                "dunning_agreement_income_account_id": cls.agreement_income.id,
                "dunning_agreement_waiver_account_id": cls.agreement_waiver.id,
                "dunning_agreement_discount_account_id": cls.agreement_discount.id,
            }
        )
        cls.agreement_policy = cls._create_policy(company, name="Régua de acordos")
        cls.policy.write(
            {
                "agreement_policy_id": cls.agreement_policy.id,
                "agreement_max_installments": 12,
                "agreement_max_fine_waiver": 100.0,
                "agreement_max_interest_waiver": 100.0,
                "agreement_breach_days": 10,
                "agreement_breach_reinstate": True,
                "agreement_max_broken": 1,
            }
        )

    @classmethod
    def _receivable(cls, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    @classmethod
    def _active_agreement(cls, partner, originals, **terms):
        """An agreement of ``partner`` settling the receivable items
        ``originals`` on the ``terms`` of the wizard "Negociar dívida"
        (waivers, down payment, installments, first due date), proposed,
        accepted by phone and activated, as of today."""
        wizard = (
            cls.env["dunning.negotiation.wizard"]
            .with_context(
                active_model="res.partner",
                active_id=partner.id,
                active_ids=partner.ids,
            )
            .create({"move_line_ids": [Command.set(originals.ids)], **terms})
        )
        agreement = cls.env["dunning.agreement"].browse(
            wizard.action_create_agreement()["res_id"]
        )
        agreement.action_propose()
        cls.env["dunning.agreement.accept.wizard"].with_context(
            **agreement.action_accept()["context"]
        ).create({"channel": "phone", "note": "Aceito por telefone"}).action_confirm()
        agreement.action_activate()
        return agreement

    def _pay(self, items, date=None):
        """A payment of the customer reconciled with ``items``."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": items.partner_id[:1].id,
                "amount": sum(items.mapped("amount_residual")),
                "date": date or fields.Date.context_today(items),
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        counterpart = payment.move_id.line_ids.filtered(
            lambda aml: aml.account_id == items[:1].account_id
        )
        (counterpart + items).reconcile()
        return payment
