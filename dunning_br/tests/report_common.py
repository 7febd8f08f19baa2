# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Seeded receivables for the tests of the collection reports."""

from odoo import Command, fields

from .agreement_common import AgreementCommon
from .common import DunningCommon


class ReportCommon(AgreementCommon, DunningCommon):
    """Invoices with their own invoice and due dates, payments (partial or
    full) and credit notes on given days."""

    @classmethod
    def _invoice_on(
        cls, partner, invoice_date, due, amount, company=None, currency=None, **values
    ):
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.to_date(invoice_date),
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Serviço", "price_unit": amount, "tax_ids": []}
                        )
                    ],
                    **values,
                }
            )
        )
        move.invoice_date_due = fields.Date.to_date(due)
        move.action_post()
        return move

    @classmethod
    def _installment(cls, move):
        return move.line_ids.filtered(lambda line: line.display_type == "payment_term")

    def _pay_on(self, move, amount, day):
        """A payment of ``amount`` on ``day`` reconciled with ``move``."""
        payment = (
            self.env["account.payment"]
            .with_company(move.company_id)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": move.commercial_partner_id.id,
                    "amount": amount,
                    "date": fields.Date.to_date(day),
                    "journal_id": self.env["account.journal"]
                    .search(
                        [
                            ("company_id", "=", move.company_id.id),
                            ("type", "=", "bank"),
                        ],
                        limit=1,
                    )
                    .id,
                }
            )
        )
        payment.action_post()
        installment = self._installment(move)
        counterpart = payment.move_id.line_ids.filtered(
            lambda aml: aml.account_id == installment.account_id
        )
        (counterpart + installment).reconcile()
        return payment

    def _credit_note_on(self, move, amount, day):
        """A credit note of ``amount`` on ``day`` reconciled with ``move``."""
        refund = (
            self.env["account.move"]
            .with_company(move.company_id)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": move.partner_id.id,
                    "invoice_date": fields.Date.to_date(day),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Devolução", "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        refund.action_post()
        lines = (refund.line_ids | self._installment(move)).filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        )
        lines.reconcile()
        return refund

    def _report(self, model, day, user=None):
        """The report ``model`` as of ``day`` (flushed: it reads SQL; the
        cache emptied: the same rows have other figures on another day)."""
        self.env.flush_all()
        self.env.invalidate_all()
        env = self.env(user=user) if user else self.env
        return env[model].with_context(dunning_report_date=fields.Date.to_date(day))
