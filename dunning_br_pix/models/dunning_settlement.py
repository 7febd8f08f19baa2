# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one settlement path of money received for installments.

Every way money arrives (the API Pix webhook and polling, a static Pix found
on a bank statement line; boleto retorno and agreements later) books it the
same way, with :func:`cobranca.settlement.explain_payment`:

* the amount is what the trusted source says was paid;
* the principal is reconciled with the installments;
* fine and interest reported by the source go to the income account, a
  discount or abatement reported by the source to the discount account;
* an underpayment leaves the installments partially paid (the régua goes on
  for the residual), an overpayment leaves the excess as the customer's
  outstanding credit: never written off; both schedule an activity for the
  collector;
* the provider's rounding tolerance (default 0.00) is the only silent
  write-off.

The caller builds the journal entry (an ``account.payment`` or the entry of a
bank statement line) from :meth:`_dunning_settlement_lines` and the
receivable amount, then calls :meth:`_dunning_settle_reconcile` and
:meth:`_dunning_settlement_followup`.
"""

from decimal import Decimal

from cobranca.settlement import explain_payment

from odoo import api, models

CENT = Decimal("0.01")


def to_decimal(amount):
    """An Odoo monetary float as a Decimal of cents."""
    return Decimal(str(amount or 0)).quantize(CENT)


class DunningSettlement(models.AbstractModel):
    _name = "dunning.settlement"
    _description = "Settlement of Money Received for Installments"

    @api.model
    def _dunning_installments_open(self, installments):
        return sum(
            to_decimal(line.amount_residual)
            for line in installments
            if not line.reconciled and line.amount_residual > 0
        )

    @api.model
    def _dunning_explain(
        self,
        installments,
        paid,
        *,
        components=None,
        expected=None,
        income_account=None,
        discount_account=None,
        tolerance=0.0,
    ):
        """The :class:`cobranca.settlement.Settlement` of ``paid`` for
        ``installments`` (receivable lines, company currency).

        ``expected``: what the source asked for (e.g. a portal transaction's
        amount, at most the open amount); ``components``: keyword arguments
        of ``explain_payment`` the trusted source reported. A component
        without an account to book it on is not explained (it becomes excess
        or stays open, and the collector is told)."""
        open_amount = self._dunning_installments_open(installments)
        if expected is not None:
            open_amount = min(open_amount, to_decimal(expected))
        components = dict(components or {})
        if not income_account:
            components.pop("fine", None)
            components.pop("interest", None)
        if not discount_account:
            components.pop("discount", None)
            components.pop("abatement", None)
        if not (income_account and discount_account):
            tolerance = 0.0
        return explain_payment(
            to_decimal(paid),
            open_amount,
            tolerance=to_decimal(tolerance),
            **components,
        )

    @api.model
    def _dunning_settlement_lines(
        self, settlement, partner, currency, income_account, discount_account
    ):
        """The journal items of a settlement besides the liquidity and the
        receivable: fine, interest and a rounding gain credited to the income
        account; discount, abatement and a rounding loss debited to the
        discount account."""
        partner = partner.commercial_partner_id
        vals = []

        def add(name, account, balance):
            if not balance:
                return
            vals.append(
                {
                    "name": name,
                    "account_id": account.id,
                    "partner_id": partner.id,
                    "currency_id": currency.id,
                    "amount_currency": float(balance),
                    "balance": float(balance),
                }
            )

        if income_account:
            add(
                self.env._("Fine and interest received"),
                income_account,
                -(settlement.fine + settlement.interest),
            )
            add(
                self.env._("Rounding difference received"),
                income_account,
                -settlement.rounding_gain,
            )
        if discount_account:
            add(
                self.env._("Discount and abatement granted"),
                discount_account,
                settlement.discount + settlement.abatement,
            )
            add(
                self.env._("Rounding difference written off"),
                discount_account,
                settlement.rounding_loss,
            )
        return vals

    @api.model
    def _dunning_settle_reconcile(self, counterparts, installments):
        """Reconcile the receivable items of the payment entry
        (``counterparts``) with the installments, oldest first; what is left
        of the payment stays the customer's outstanding credit."""
        for line in installments.sorted(lambda aml: (aml.date_maturity, aml.id)):
            candidates = (counterparts + line).filtered(
                lambda aml, line=line: (
                    aml.account_id == line.account_id and not aml.reconciled
                )
            )
            if line in candidates and len(candidates) > 1:
                candidates.reconcile()

    # ------------------------------------------------------------------
    # Follow-up
    # ------------------------------------------------------------------
    @api.model
    def _dunning_collector(self, company, partner=None, move=None):
        """Who follows up a payment: the régua's follow-up user
        (``res.company._dunning_follow_up_user_for``), else the invoice's
        salesperson (a company whose collection is not switched on may have
        no collector), else the administrator."""
        partner = partner or self.env["res.partner"]
        collector = company._dunning_follow_up_user_for(partner)
        if not collector and move:
            collector = move.invoice_user_id
        if not collector:
            collector = self.env.ref("base.user_admin", raise_if_not_found=False)
        return collector

    @api.model
    def _dunning_schedule_review(self, record, summary, note, collector):
        record.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=note,
            user_id=collector.id if collector else False,
        )

    @api.model
    def _dunning_settlement_followup(self, settlement, installments, source):
        """An activity for the collector on the invoice (the agreement, for
        agreement installments) when the payment was not exact (underpaid or
        overpaid), with the reason; None otherwise. Returns the reason (pt_BR
        once translated)."""
        if settlement.is_exact:
            return None
        move = installments.move_id[:1]
        company = installments.company_id[:1]
        # Written for the company's collectors, in the company's language,
        # whoever books the payment (the webhook runs as the public user).
        texts = self.env["dunning.engine"]._in_company_lang(company).env
        fmt = company.currency_id.with_env(texts).format
        if settlement.underpaid:
            reason = texts._(
                "%(origin)s paid %(paid)s of %(expected)s: %(residual)s is left "
                "open on the installment and the collection goes on for it.",
                origin=source,
                paid=fmt(float(settlement.paid)),
                expected=fmt(float(settlement.open_principal)),
                residual=fmt(float(settlement.underpaid)),
            )
            summary = texts._("Payment below the amount due")
        else:
            reason = texts._(
                "%(origin)s paid %(paid)s, %(excess)s more than it could be "
                "explained by: the excess is the customer's outstanding credit "
                "(use it on another invoice or refund it).",
                origin=source,
                paid=fmt(float(settlement.paid)),
                excess=fmt(float(settlement.excess)),
            )
            summary = texts._("Payment above the amount due")
        collector = self._dunning_collector(
            move.company_id, installments.partner_id[:1], move
        )
        # The installments of an agreement are followed up on the agreement.
        record = installments.sudo().dunning_agreement_id[:1] or move
        self._dunning_schedule_review(record, summary, reason, collector)
        return reason
