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
    def _active_agreement(
        cls,
        partner,
        originals,
        schedule,
        *,
        date,
        fine=0.0,
        interest=0.0,
        fine_waived=0.0,
        interest_waived=0.0,
    ):
        """An agreement of ``partner`` settling the receivable items
        ``originals`` into the installments ``schedule`` (``[(number, due,
        amount)]``, number 0 the down payment), accepted and activated."""
        principal = sum(originals.mapped("amount_residual"))
        negotiated = principal + fine + interest - fine_waived - interest_waived
        count = len([number for number, _due, _amount in schedule if number])
        agreement = cls.env["dunning.agreement"].create(
            {
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "date": date,
                "policy_id": cls.policy.id,
                "principal_amount": principal,
                "fine_amount": fine,
                "interest_amount": interest,
                "debt_amount": principal + fine + interest,
                "fine_waiver_percent": fine and 100.0 * fine_waived / fine,
                "interest_waiver_percent": interest and 100.0 * interest_waived / interest,
                "fine_waived": fine_waived,
                "interest_waived": interest_waived,
                "negotiated_amount": negotiated,
                "financed_amount": sum(a for n, _d, a in schedule if n),
                "total_amount": negotiated,
                "saved_amount": fine_waived + interest_waived,
                "down_payment": sum(a for n, _d, a in schedule if not n),
                "down_payment_due": next((d for n, d, _a in schedule if not n), False),
                "installment_count": count,
                "first_due": next(d for n, d, _a in schedule if n),
                "line_ids": [
                    Command.create(
                        {
                            "move_line_id": line.id,
                            "date_maturity": line.date_maturity,
                            "amount_residual": line.amount_residual,
                            "total_amount": line.amount_residual,
                        }
                    )
                    for line in originals
                ],
                "installment_ids": [
                    Command.create({"number": n, "date_due": d, "amount": a})
                    for n, d, a in schedule
                ],
            }
        )
        cls._activate_agreement(agreement)
        return agreement

    @classmethod
    def _activate_agreement(cls, agreement):
        """Minimal stand-in for the activation of the agreement (H2's
        ``action_activate``, to replace this once merged): the entry settling
        the originals into the new installments."""
        company = agreement.company_id
        partner = agreement.partner_id
        originals = agreement.line_ids.move_line_id
        receivable = originals[:1].account_id
        charged = agreement.fine_amount + agreement.interest_amount
        waived = agreement.fine_waived + agreement.interest_waived

        def line(name, account, balance, **extra):
            return Command.create(
                {
                    "name": name,
                    "account_id": account.id,
                    "partner_id": partner.id,
                    "balance": balance,
                    **extra,
                }
            )

        lines = [
            line(f"Settled: {item.move_id.name}", item.account_id, -item.amount_residual)
            for item in originals
        ]
        lines += [
            line(
                f"Installment {inst.number}",
                receivable,
                inst.amount,
                date_maturity=inst.date_due,
                dunning_agreement_id=agreement.id,
            )
            for inst in agreement.installment_ids
        ]
        if charged:
            lines.append(line("Fine and interest", company.dunning_agreement_income_account_id, -charged))
        if waived:
            lines.append(line("Waived", company.dunning_agreement_waiver_account_id, waived))
        move = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": company.dunning_agreement_journal_id.id,
                "date": agreement.date,
                "partner_id": partner.id,
                "dunning_policy_id": agreement._dunning_installment_policy().id,
                "line_ids": lines,
            }
        )
        move.action_post()
        for item in originals:
            counterpart = move.line_ids.filtered(
                lambda aml, item=item: aml.balance < 0
                and aml.account_id == item.account_id
                and aml.name == f"Settled: {item.move_id.name}"
            )
            (item + counterpart).reconcile()
        for inst in agreement.installment_ids:
            inst.move_line_id = move.line_ids.filtered(
                lambda aml, inst=inst: aml.dunning_agreement_id
                and aml.date_maturity == inst.date_due
                and aml.name == f"Installment {inst.number}"
            )
        agreement.write(
            {
                "state": "active",
                "move_id": move.id,
                "name": agreement.name if agreement.name != "/" else f"ACD/{fields.Date.to_string(agreement.date)}/{agreement.id}",
            }
        )

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
