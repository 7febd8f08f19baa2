# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An installment agreement (acordo de parcelamento): a customer's open
installments settled by one journal entry into new installments, within the
negotiation rules of a collection policy (``cobranca.agreements``)."""

import logging
import time
from decimal import Decimal

from cobranca.agreements import (
    NegotiationRules,
    Offer,
    breach_date,
    check_offer,
    debt_as_of,
    is_breached,
    price_offer,
)
from cobranca.charges import format_pct, round_cents
from cobranca.documents import format_cnpj, format_cpf, is_valid_cnpj, is_valid_cpf
from cobranca.words import amount_in_words
from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date
from odoo.tools.misc import formatLang, get_lang

_logger = logging.getLogger(__name__)

#: Active agreements checked (fulfilled or broken) per transaction.
AGREEMENTS_PER_BATCH = 50
#: First key of the advisory lock per company taken by the agreements' check
#: (the engine's per customer is 471180).
LOCK_NAMESPACE = 471181

AGREEMENT_STATES = [
    ("draft", "Draft"),
    ("proposed", "Proposed"),
    ("accepted", "Accepted"),
    ("active", "Active"),
    ("fulfilled", "Fulfilled"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]

#: Periodicity of the agreement installments (``cobranca.agreements.PERIODS``).
PERIODS = [
    ("monthly", "Monthly"),
    ("biweekly", "Every 15 days"),
    ("weekly", "Weekly"),
]

ACCEPTANCE_CHANNELS = [
    ("phone", "By phone"),
    ("email", "By e-mail"),
    ("in_person", "In person"),
    ("portal", "Customer portal"),
]


#: States in which an agreement holds its original installments: they cannot
#: be negotiated again.
OPEN_STATES = ("proposed", "accepted", "active")

#: The fields whose change re-prices a draft agreement.
TERM_FIELDS = {
    "date",
    "policy_id",
    "fine_waiver_percent",
    "interest_waiver_percent",
    "discount_percent",
    "down_payment",
    "down_payment_due",
    "installment_count",
    "period",
    "first_due",
    "monthly_interest_percent",
}


def _pct(value):
    """A percentage field (float) as the Decimal the library expects."""
    return Decimal(str(value or 0)).quantize(Decimal("0.0001"))


def _money(value):
    """A monetary field (float) as a Decimal in cents."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


class DunningAgreement(models.Model):
    _name = "dunning.agreement"
    _description = "Installment Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/"
    )
    state = fields.Selection(
        AGREEMENT_STATES,
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        help="The commercial partner (company or individual) whose debt is negotiated.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        default=lambda self: self._default_user_id(),
        tracking=True,
        help="Who follows the agreement: the collector who negotiates it; for "
        "one made by the system or on the portal, the customer's collector.",
    )
    date = fields.Date(
        string="Agreement Date",
        required=True,
        default=fields.Date.context_today,
        help="The debt is computed as of this date (fine and interest as the "
        "reminders show them).",
    )
    policy_id = fields.Many2one(
        "dunning.policy",
        string="Negotiation Rules",
        required=True,
        check_company=True,
        help="The collection policy whose negotiation rules the agreement follows.",
    )
    installment_policy_id = fields.Many2one(
        "dunning.policy",
        string="Collection Policy of the Installments",
        check_company=True,
        help="The régua followed by the agreement installments; by default the "
        "one the negotiation rules' policy names for agreements, else that "
        "policy itself.",
    )
    line_ids = fields.One2many(
        "dunning.agreement.line", "agreement_id", string="Negotiated Installments"
    )
    installment_ids = fields.One2many(
        "dunning.agreement.installment", "agreement_id", string="New Installments"
    )

    # The debt as of the agreement date
    principal_amount = fields.Monetary(string="Principal", readonly=True)
    fine_amount = fields.Monetary(string="Late Fine", readonly=True)
    interest_amount = fields.Monetary(string="Late Interest", readonly=True)
    debt_amount = fields.Monetary(string="Updated Debt", readonly=True)

    # The terms
    fine_waiver_percent = fields.Float(string="Fine Waiver (%)", digits=(5, 2))
    interest_waiver_percent = fields.Float(string="Interest Waiver (%)", digits=(5, 2))
    discount_percent = fields.Float(
        string="Cash Discount (%)",
        digits=(5, 2),
        help="Discount on the principal, only for a payment in one go.",
    )
    down_payment = fields.Monetary()
    down_payment_due = fields.Date()
    installment_count = fields.Integer(string="Installments", default=1)
    period = fields.Selection(
        PERIODS, string="Periodicity", required=True, default="monthly"
    )
    first_due = fields.Date(string="First Due Date")
    monthly_interest_percent = fields.Float(
        string="Agreement Interest per Month (%)",
        digits=(5, 4),
        help="Interest on the financed amount, compounded monthly (Price table).",
    )
    fine_waived = fields.Monetary(readonly=True)
    interest_waived = fields.Monetary(readonly=True)
    discount_amount = fields.Monetary(string="Discount", readonly=True)
    negotiated_amount = fields.Monetary(readonly=True)
    financed_amount = fields.Monetary(readonly=True)
    agreement_interest_amount = fields.Monetary(
        string="Agreement Interest", readonly=True
    )
    total_amount = fields.Monetary(string="Total Payable", readonly=True)
    saved_amount = fields.Monetary(
        string="Saved by the Customer",
        readonly=True,
        help="Waived fine and interest and the discount.",
    )

    # Rules exceeded and who approved them
    rule_violations = fields.Text(
        string="Rules Exceeded",
        readonly=True,
        copy=False,
        help="The negotiation rules the terms go beyond; only a collection "
        "manager may approve them.",
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)

    # Acceptance by the customer
    acceptance_channel = fields.Selection(
        ACCEPTANCE_CHANNELS, string="Accepted", readonly=True, copy=False
    )
    accepted_date = fields.Datetime(string="Accepted On", readonly=True, copy=False)
    accepted_by_name = fields.Char(
        string="Accepted By (Customer)", readonly=True, copy=False
    )
    accepted_uid = fields.Many2one(
        "res.users",
        string="Acceptance Recorded By",
        readonly=True,
        copy=False,
    )
    accepted_ip = fields.Char(string="Accepted From (IP)", readonly=True, copy=False)
    acceptance_note = fields.Text(readonly=True, copy=False)
    signature = fields.Image(
        max_width=1024, max_height=1024, readonly=True, copy=False, attachment=True
    )

    # Accounting
    move_id = fields.Many2one(
        "account.move",
        string="Agreement Entry",
        readonly=True,
        copy=False,
        check_company=True,
    )
    reversal_move_id = fields.Many2one(
        "account.move",
        string="Cancellation Entry",
        readonly=True,
        copy=False,
        check_company=True,
    )
    reinstatement_move_id = fields.Many2one(
        "account.move",
        string="Reinstatement Entry",
        readonly=True,
        copy=False,
        check_company=True,
        help="Fine and interest waived in the agreement, charged again when it "
        "was broken.",
    )

    # Breach
    broken_date = fields.Date(string="Broken On", readonly=True, copy=False)
    breach_reason = fields.Char(readonly=True, copy=False)

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("dunning.agreement")
                    or "/"
                )
        agreements = super().create(vals_list)
        for agreement in agreements.filtered(lambda a: not a.user_id):
            agreement.user_id = agreement.company_id._dunning_follow_up_user_for(
                agreement.partner_id
            )
        for agreement in agreements:
            agreement.message_post(
                body=self.env._(
                    "Agreement %(name)s created as a draft.", name=agreement.name
                )
            )
        return agreements

    @api.model
    def _default_user_id(self):
        """The collector negotiating it; none for the system (OdooBot) or a
        portal user: :meth:`create` then names the customer's collector."""
        user = self.env.user
        if user._is_superuser() or not user._is_internal():
            return self.env["res.users"]
        return user

    def write(self, vals):
        result = super().write(vals)
        if not self.env.context.get("dunning_agreement_no_reprice") and (
            TERM_FIELDS & set(vals)
        ):
            for agreement in self:
                if agreement.state != "draft":
                    raise UserError(
                        self.env._(
                            "The terms of agreement %(name)s can only be changed "
                            "while it is a draft.",
                            name=agreement.name,
                        )
                    )
                agreement._dunning_reprice()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        for agreement in self:
            if agreement.state not in ("draft", "cancelled") or agreement.move_id:
                raise UserError(
                    self.env._(
                        "Agreement %(name)s is %(state)s: only draft or cancelled "
                        "agreements can be deleted.",
                        name=agreement.name,
                        state=agreement._dunning_state_label(),
                    )
                )

    # ------------------------------------------------------------------
    # The rules of cobranca.agreements
    # ------------------------------------------------------------------
    @api.model
    def _dunning_check_installments(self, lines, company=None):
        """Raise a UserError unless ``lines`` are open installments of
        invoices of ONE commercial partner, of ``company``, in its currency,
        posted, unpaid and in no other agreement; return that partner."""
        if not lines:
            raise UserError(self.env._("Select at least one installment to negotiate."))
        company = company or lines[0].company_id
        partners = lines.move_id.commercial_partner_id
        if len(partners) > 1:
            raise UserError(
                self.env._(
                    "An agreement is negotiated with one customer: the installments "
                    "selected belong to %(partners)s.",
                    partners=", ".join(partners.mapped("display_name")),
                )
            )
        for line in lines:
            label = self.env._(
                "%(invoice)s due on %(due)s",
                invoice=line.move_id.name,
                due=format_date(self.env, line.date_maturity),
            )
            if line.company_id != company:
                raise UserError(
                    self.env._(
                        "Installment %(line)s belongs to company %(company)s, not "
                        "to %(agreement_company)s.",
                        line=label,
                        company=line.company_id.name,
                        agreement_company=company.name,
                    )
                )
            if line.currency_id != company.currency_id:
                raise UserError(
                    self.env._(
                        "Installment %(line)s is in %(currency)s: agreements are "
                        "negotiated in the company's currency (%(company_currency)s).",
                        line=label,
                        currency=line.currency_id.name,
                        company_currency=company.currency_id.name,
                    )
                )
            if line.parent_state != "posted":
                raise UserError(
                    self.env._(
                        "Installment %(line)s is not posted: only posted invoices "
                        "can be negotiated.",
                        line=label,
                    )
                )
            if not (
                line.move_id.move_type == "out_invoice"
                and line.display_type == "payment_term"
            ):
                raise UserError(
                    self.env._(
                        "%(line)s is not an installment of a customer invoice.",
                        line=label,
                    )
                )
            if line.reconciled or line.amount_residual <= 0:
                raise UserError(
                    self.env._("Installment %(line)s is already paid.", line=label)
                )
        taken = (
            self.env["dunning.agreement.line"]
            .sudo()
            .search(
                [
                    ("move_line_id", "in", lines.ids),
                    ("agreement_id.state", "in", OPEN_STATES),
                    ("agreement_id", "not in", self.ids),
                ]
            )
        )
        if taken:
            raise UserError(
                self.env._(
                    "Installment %(line)s is already in agreement %(agreement)s.",
                    line=self.env._(
                        "%(invoice)s due on %(due)s",
                        invoice=taken[0].move_line_id.move_id.name,
                        due=format_date(self.env, taken[0].move_line_id.date_maturity),
                    ),
                    agreement=taken[0].agreement_id.name,
                )
            )
        return partners

    @api.model
    def _dunning_debt(self, lines, as_of, policy, partner, company):
        """The debt of ``lines`` on ``as_of`` (``cobranca.agreements.Debt``):
        the figures the reminders show."""
        return debt_as_of(
            [
                (
                    Decimal(str(line.amount_residual)).quantize(Decimal("0.01")),
                    line.date_maturity,
                )
                for line in lines
            ],
            as_of,
            policy._late_charge_policy(),
            consumer=partner._dunning_is_consumer(),
            calendar=self.env["dunning.engine"]._calendar(company),
        )

    @api.model
    def _dunning_rules(self, policy):
        """The negotiation rules of ``policy`` (``NegotiationRules``); a
        UserError when the policy holds a value the rules refuse."""
        try:
            return NegotiationRules(
                max_installments=policy.agreement_max_installments,
                min_installment_amount=_money(policy.agreement_min_installment),
                max_fine_waiver_pct=_pct(policy.agreement_max_fine_waiver),
                max_interest_waiver_pct=_pct(policy.agreement_max_interest_waiver),
                cash_discount_pct=_pct(policy.agreement_cash_discount),
                min_down_payment_pct=_pct(policy.agreement_min_down_payment),
                monthly_interest_pct=_pct(policy.agreement_interest_monthly),
                first_due_days=policy.agreement_first_due_days,
                max_broken=policy.agreement_max_broken,
            )
        except ValueError as error:
            raise UserError(
                self.env._(
                    "The negotiation rules of policy %(policy)s are not valid: "
                    "%(error)s",
                    policy=policy.name,
                    error=error,
                )
            ) from error

    @api.model
    def _dunning_offer(self, values):
        """``cobranca.agreements.Offer`` from the terms in ``values`` (an
        agreement or the negotiation wizard)."""
        return Offer(
            installments=values.installment_count,
            first_due=values.first_due,
            fine_waiver_pct=_pct(values.fine_waiver_percent),
            interest_waiver_pct=_pct(values.interest_waiver_percent),
            discount_pct=_pct(values.discount_percent),
            down_payment=_money(values.down_payment),
            down_payment_due=values.down_payment_due or None,
            monthly_interest_pct=_pct(values.monthly_interest_percent),
            period=values.period or "monthly",
        )

    @api.model
    def _dunning_price(self, debt, values, today, company):
        """Price the terms of ``values`` on ``debt`` (``Terms``); a clear
        UserError for what cannot be an agreement."""
        if values.installment_count < 1:
            raise UserError(self.env._("An agreement needs at least one installment."))
        if not values.first_due:
            raise UserError(self.env._("Choose the first due date."))
        if values.first_due < max(today, fields.Date.context_today(self)):
            raise UserError(
                self.env._(
                    "The first due date (%(first_due)s) is in the past.",
                    first_due=format_date(self.env, values.first_due),
                )
            )
        if values.down_payment_due and values.down_payment_due < max(
            today, fields.Date.context_today(self)
        ):
            raise UserError(
                self.env._(
                    "The due date of the down payment (%(due)s) is in the past.",
                    due=format_date(self.env, values.down_payment_due),
                )
            )
        if values.down_payment < 0:
            raise UserError(self.env._("The down payment cannot be negative."))
        offer = self._dunning_offer(values)
        negotiated = (
            debt.total
            - round_cents(debt.fine * offer.fine_waiver_pct / 100)
            - round_cents(debt.interest * offer.interest_waiver_pct / 100)
            - round_cents(debt.principal * offer.discount_pct / 100)
        )
        if offer.down_payment and offer.down_payment >= negotiated:
            raise UserError(
                self.env._(
                    "The down payment (%(down_payment)s) must be smaller than the "
                    "negotiated debt (%(negotiated)s); to pay it all at once choose "
                    "one installment without a down payment.",
                    down_payment=format_amount(
                        self.env, float(offer.down_payment), company.currency_id
                    ),
                    negotiated=format_amount(
                        self.env, float(negotiated), company.currency_id
                    ),
                )
            )
        try:
            return price_offer(
                debt,
                offer,
                today=today,
                calendar=self.env["dunning.engine"]._calendar(company),
            )
        except ValueError as error:
            raise UserError(
                self.env._("These terms cannot be an agreement: %(error)s", error=error)
            ) from error

    @api.model
    def _dunning_violation_message(self, violation, currency):
        """The pt_BR (translated) sentence of a ``Violation``."""

        def pct(value):
            return format_pct(Decimal(value)) if isinstance(value, Decimal) else value

        def money(value):
            return format_amount(self.env, float(value), currency)

        rule, limit, value = violation.rule, violation.limit, violation.value
        messages = {
            "max_installments": lambda: self.env._(
                "Maximum installments: %(value)s installments exceed the maximum "
                "of %(limit)s.",
                value=value,
                limit=limit,
            ),
            "min_installment_amount": lambda: self.env._(
                "Minimum installment: an installment of %(value)s is below the "
                "minimum of %(limit)s.",
                value=money(value),
                limit=money(limit),
            ),
            "max_fine_waiver": lambda: self.env._(
                "Maximum fine waiver: a waiver of %(value)s%% exceeds the maximum "
                "of %(limit)s%%.",
                value=pct(value),
                limit=pct(limit),
            ),
            "max_interest_waiver": lambda: self.env._(
                "Maximum interest waiver: a waiver of %(value)s%% exceeds the "
                "maximum of %(limit)s%%.",
                value=pct(value),
                limit=pct(limit),
            ),
            "cash_discount": lambda: self.env._(
                "Cash discount: a discount of %(value)s%% exceeds the %(limit)s%% "
                "allowed (only for a payment in one go).",
                value=pct(value),
                limit=pct(limit),
            ),
            "min_down_payment": lambda: self.env._(
                "Minimum down payment: a down payment of %(value)s is below the "
                "minimum of %(limit)s.",
                value=money(value),
                limit=money(limit),
            ),
            "interest_rate": lambda: self.env._(
                "Agreement interest: %(value)s%% a month is below the %(limit)s%% "
                "a month of the rules.",
                value=pct(value),
                limit=pct(limit),
            ),
            "first_due_days": lambda: self.env._(
                "Days to the first due date: %(value)s days, more than the "
                "%(limit)s days allowed.",
                value=value,
                limit=limit,
            ),
            "max_broken": lambda: self.env._(
                "Broken agreements: the customer broke %(value)s agreement(s); no "
                "agreement may be offered from %(limit)s on.",
                value=value,
                limit=limit,
            ),
        }
        return messages[rule]() if rule in messages else violation.message

    @api.model
    def _dunning_violations(self, terms, policy, partner, today, currency):
        """The negotiation rules ``terms`` break, as translated sentences."""
        violations = check_offer(
            self._dunning_rules(policy),
            terms,
            today=today,
            broken_count=partner.sudo().dunning_broken_agreement_count,
        )
        return [self._dunning_violation_message(v, currency) for v in violations]

    @api.model
    def _dunning_check_rules(self, terms, policy, partner, today, currency):
        """The violated rules of ``terms`` as translated sentences; a
        ValidationError naming them for a user who is not a collection
        manager."""
        messages = self._dunning_violations(terms, policy, partner, today, currency)
        if messages and not self.env.user.has_group("dunning_br.group_dunning_manager"):
            raise ValidationError(
                self.env._(
                    "These terms go beyond the negotiation rules of %(policy)s; "
                    "only a collection manager may approve them:\n%(rules)s",
                    policy=policy.name,
                    rules="\n".join(f"- {m}" for m in messages),
                )
            )
        return messages

    @api.model
    def _dunning_terms_values(self, terms):
        """The agreement's stored figures and new installments for ``terms``."""
        installments = []
        if terms.down_payment:
            installments.append(
                Command.create(
                    {
                        "number": 0,
                        "date_due": terms.down_payment_due,
                        "amount": float(terms.down_payment),
                        "principal": float(terms.down_payment),
                        "interest": 0.0,
                        "balance": float(terms.financed),
                    }
                )
            )
        installments += [
            Command.create(
                {
                    "number": line.number,
                    "date_due": line.due,
                    "amount": float(line.amount),
                    "principal": float(line.principal),
                    "interest": float(line.interest),
                    "balance": float(line.balance),
                }
            )
            for line in terms.schedule
        ]
        debt = terms.debt
        return {
            "principal_amount": float(debt.principal),
            "fine_amount": float(debt.fine),
            "interest_amount": float(debt.interest),
            "debt_amount": float(debt.total),
            "down_payment_due": terms.down_payment_due or False,
            "fine_waived": float(terms.fine_waived),
            "interest_waived": float(terms.interest_waived),
            "discount_amount": float(terms.discount),
            "negotiated_amount": float(terms.negotiated),
            "financed_amount": float(terms.financed),
            "agreement_interest_amount": float(terms.agreement_interest),
            "total_amount": float(terms.total_payable),
            "saved_amount": float(terms.saved),
            "installment_ids": [Command.clear(), *installments],
        }

    @api.model
    def _dunning_line_values(self, lines, debt):
        return [
            Command.create(
                {
                    "move_line_id": line.id,
                    "date_maturity": line.date_maturity,
                    "days_late": item.days_late,
                    "amount_residual": float(item.principal),
                    "fine_amount": float(item.fine),
                    "interest_amount": float(item.interest),
                    "total_amount": float(item.total),
                }
            )
            for line, item in zip(lines, debt.items, strict=True)
        ]

    def _dunning_reprice(self):
        """Recompute the debt as of the agreement date, the terms and the new
        installments from ``cobranca.agreements`` (drafts only), checking
        the negotiation rules again."""
        self.ensure_one()
        lines = self.line_ids.move_line_id
        self._dunning_check_installments(lines, self.company_id)
        debt = self._dunning_debt(
            lines, self.date, self.policy_id, self.partner_id, self.company_id
        )
        terms = self._dunning_price(debt, self, self.date, self.company_id)
        messages = self._dunning_check_rules(
            terms, self.policy_id, self.partner_id, self.date, self.currency_id
        )
        values = self._dunning_terms_values(terms)
        values["line_ids"] = [Command.clear(), *self._dunning_line_values(lines, debt)]
        values.update(self._dunning_approval_values(messages))
        self.with_context(dunning_agreement_no_reprice=True).write(values)

    @api.model
    def _dunning_approval_values(self, messages):
        if not messages:
            return {
                "rule_violations": False,
                "approved_by_id": False,
                "approved_date": False,
            }
        return {
            "rule_violations": "\n".join(messages),
            "approved_by_id": self.env.user.id,
            "approved_date": fields.Datetime.now(),
        }

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------
    def _dunning_check_state(self, states, action):
        for agreement in self:
            if agreement.state not in states:
                raise UserError(
                    self.env._(
                        "Agreement %(name)s is %(state)s: it cannot be %(action)s.",
                        name=agreement.name,
                        state=agreement._dunning_state_label(),
                        action=action,
                    )
                )

    def _dunning_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _dunning_lang(self):
        """The language of the termo: its customer's, or the company's when
        that one is not installed."""
        self.ensure_one()
        lang = self.partner_id.lang
        if lang and self.env["res.lang"]._get_data(code=lang):
            return lang
        return get_lang(self.env, self.company_id.partner_id.lang).code

    # ------------------------------------------------------------------
    # Termo de acordo (report helpers)
    # ------------------------------------------------------------------
    def _fmt(self, amount):
        return format_amount(self.env, amount, self.currency_id)

    def _fmt_pct(self, value):
        """A percentage as the termo writes it (1,5 in Portuguese)."""
        return formatLang(self.env, value, digits=2)

    def _amount_in_words(self, amount):
        """``amount`` written out in Portuguese (legal text)."""
        return amount_in_words(_money(amount))

    @api.model
    def _dunning_document(self, partner):
        """``CPF 000.000.000-00`` / ``CNPJ 00.000.000/0000-00`` of
        ``partner`` (its VAT as typed when it is neither)."""
        vat = partner.commercial_partner_id.vat or ""
        if is_valid_cpf(vat):
            return f"CPF {format_cpf(vat)}"
        if is_valid_cnpj(vat):
            return f"CNPJ {format_cnpj(vat)}"
        return vat

    def _dunning_installment_label(self, installment):
        self.ensure_one()
        if not installment.number:
            return self.env._("Down payment")
        count = len(self.installment_ids.filtered("number"))
        return f"{installment.number}/{count}"

    def action_propose(self):
        """Draft → proposed: the termo de acordo is rendered and attached."""
        self._dunning_check_state(["draft"], self.env._("proposed"))
        for agreement in self:
            if not agreement.installment_ids:
                raise UserError(
                    self.env._(
                        "Agreement %(name)s has no installments.", name=agreement.name
                    )
                )
            agreement._dunning_check_installments(
                agreement.line_ids.move_line_id, agreement.company_id
            )
            attachment = agreement._dunning_attach_termo()
            agreement.state = "proposed"
            agreement.message_post(
                body=self.env._(
                    "Agreement proposed to the customer; the termo de acordo is "
                    "attached."
                ),
                attachment_ids=attachment.ids,
            )
        return True

    def _dunning_attach_termo(self):
        """Render the termo de acordo and attach it to the agreement."""
        self.ensure_one()
        report = self.env.ref("dunning_br.action_report_dunning_agreement")
        content, kind = (
            self.env["ir.actions.report"].sudo()._render_qweb_pdf(report, self.ids)
        )
        # Odoo renders HTML instead of a PDF when running tests.
        name = self.env._("Agreement %(name)s", name=self.name).replace("/", "-")
        return self.env["ir.attachment"].create(
            {
                "name": f"{name}.{kind}",
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf" if kind == "pdf" else "text/html",
            }
        )

    def action_accept(self):
        """Open the wizard that records the customer's acceptance."""
        self.ensure_one()
        self._dunning_check_state(["proposed"], self.env._("accepted"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Register the Customer's Acceptance"),
            "res_model": "dunning.agreement.accept.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_agreement_id": self.id,
                "default_accepted_by_name": self.partner_id.name,
            },
        }

    def _accept(self, channel, name, signature=None, ip=None, note=None):
        """Record the customer's acceptance (backend wizard or portal):
        proposed → accepted."""
        self._dunning_check_state(["proposed"], self.env._("accepted"))
        if channel not in dict(ACCEPTANCE_CHANNELS):
            raise UserError(
                self.env._("Unknown acceptance channel: %(channel)s", channel=channel)
            )
        if not (name or "").strip():
            raise UserError(
                self.env._("Give the name of the person who accepted the agreement.")
            )
        # A customer who signs on the portal through the link of a reminder
        # is not signed in (public user): the acceptance is theirs, as
        # Odoo's own portal signatures are (sale's quotations).
        public = self.env.user._is_public()
        for agreement in self:
            agreement.write(
                {
                    "state": "accepted",
                    "acceptance_channel": channel,
                    "accepted_by_name": name.strip(),
                    "accepted_date": fields.Datetime.now(),
                    "accepted_uid": False if public else self.env.user.id,
                    "accepted_ip": ip or False,
                    "acceptance_note": note or False,
                    "signature": signature or False,
                }
            )
            channel_label = dict(
                self._fields["acceptance_channel"]._description_selection(self.env)
            )[channel]
            if channel == "portal":
                body = self.env._(
                    "Accepted and signed by %(name)s on the customer portal.",
                    name=name.strip(),
                )
            else:
                body = self.env._(
                    "Accepted by %(name)s (%(channel)s), recorded by %(user)s.",
                    name=name.strip(),
                    channel=channel_label,
                    user=self.env.user.name,
                )
            if ip:
                body += " " + self.env._("IP address: %(ip)s.", ip=ip)
            if note:
                body += " " + note
            agreement.message_post(
                body=body,
                author_id=(
                    agreement.partner_id.id if public else self.env.user.partner_id.id
                ),
            )
        return True

    def _dunning_accounts(self):
        """The journal and accounts of the company's agreement entries; a
        UserError naming what is missing."""
        self.ensure_one()
        company = self.company_id
        settings = [
            ("dunning_agreement_journal_id", company.dunning_agreement_journal_id),
            (
                "dunning_agreement_income_account_id",
                company.dunning_agreement_income_account_id,
            ),
            (
                "dunning_agreement_waiver_account_id",
                company.dunning_agreement_waiver_account_id,
            ),
            (
                "dunning_agreement_discount_account_id",
                company.dunning_agreement_discount_account_id,
            ),
        ]
        needed = {
            "dunning_agreement_journal_id": True,
            "dunning_agreement_income_account_id": bool(
                self.fine_amount
                or self.interest_amount
                or self.agreement_interest_amount
            ),
            "dunning_agreement_waiver_account_id": bool(
                self.fine_waived or self.interest_waived
            ),
            "dunning_agreement_discount_account_id": bool(self.discount_amount),
        }
        missing = [
            company._fields[fname].get_description(self.env)["string"]
            for fname, value in settings
            if needed[fname] and not value
        ]
        if missing:
            raise UserError(
                self.env._(
                    "Set %(settings)s on company %(company)s (Collection tab) before "
                    "activating agreements.",
                    settings=", ".join(missing),
                    company=company.name,
                )
            )
        return company

    def _dunning_settle_name(self, original):
        """The label of the entry line settling the installment ``original``."""
        self.ensure_one()
        return self.env._(
            "Agreement %(agreement)s — settles %(invoice)s due on %(due)s",
            agreement=self.name,
            invoice=original.move_id.name,
            due=format_date(self.env, original.date_maturity),
        )

    def _dunning_move_values(self, today):
        """The activation entry (see :meth:`action_activate`)."""
        self.ensure_one()
        company = self._dunning_accounts()
        partner = self.partner_id
        currency = self.currency_id
        originals = self.line_ids.move_line_id
        receivable = originals[0].account_id
        lines = []

        def line(name, account, debit=0.0, credit=0.0, **extra):
            if currency.is_zero(debit) and currency.is_zero(credit):
                return
            lines.append(
                Command.create(
                    {
                        "name": name,
                        "account_id": account.id,
                        "partner_id": partner.id,
                        "debit": debit,
                        "credit": credit,
                        **extra,
                    }
                )
            )

        for original in originals:
            line(
                self._dunning_settle_name(original),
                original.account_id,
                credit=original.amount_residual,
            )
        count = len(self.installment_ids.filtered("number"))
        for installment in self.installment_ids:
            if installment.number:
                name = self.env._(
                    "Agreement %(agreement)s — installment %(number)s/%(count)s",
                    agreement=self.name,
                    number=installment.number,
                    count=count,
                )
            else:
                name = self.env._(
                    "Agreement %(agreement)s — down payment", agreement=self.name
                )
            line(
                name,
                receivable,
                debit=installment.amount,
                date_maturity=installment.date_due,
                dunning_agreement_id=self.id,
            )
        income = company.dunning_agreement_income_account_id
        waiver = company.dunning_agreement_waiver_account_id
        line(
            self.env._("Agreement %(agreement)s — late fine", agreement=self.name),
            income,
            credit=self.fine_amount,
        )
        line(
            self.env._("Agreement %(agreement)s — late interest", agreement=self.name),
            income,
            credit=self.interest_amount,
        )
        line(
            self.env._(
                "Agreement %(agreement)s — late fine waived", agreement=self.name
            ),
            waiver,
            debit=self.fine_waived,
        )
        line(
            self.env._(
                "Agreement %(agreement)s — late interest waived", agreement=self.name
            ),
            waiver,
            debit=self.interest_waived,
        )
        line(
            self.env._(
                "Agreement %(agreement)s — cash discount on the principal",
                agreement=self.name,
            ),
            company.dunning_agreement_discount_account_id,
            debit=self.discount_amount,
        )
        line(
            self.env._(
                "Agreement %(agreement)s — agreement interest", agreement=self.name
            ),
            income,
            credit=self.agreement_interest_amount,
        )
        return {
            "move_type": "entry",
            "journal_id": company.dunning_agreement_journal_id.id,
            "date": today,
            "ref": self.env._("Installment agreement %(name)s", name=self.name),
            "partner_id": partner.id,
            "dunning_policy_id": self.installment_policy_id.id
            or self.policy_id.agreement_policy_id.id
            or self.policy_id.id,
            "company_id": company.id,
            "line_ids": lines,
        }

    def action_activate(self):
        """Accepted → active: ONE journal entry settles the original
        installments (reconciled with them: the invoices are paid by the
        agreement) and creates the new receivable items."""
        self._dunning_check_state(["accepted"], self.env._("activated"))
        for agreement in self:
            originals = agreement.line_ids.move_line_id
            agreement._dunning_check_installments(originals, agreement.company_id)
            for agreement_line in agreement.line_ids:
                if agreement.currency_id.compare_amounts(
                    agreement_line.move_line_id.amount_residual,
                    agreement_line.amount_residual,
                ):
                    raise UserError(
                        self.env._(
                            "The open amount of %(invoice)s changed since the "
                            "agreement was made (a payment?): cancel it and "
                            "negotiate again.",
                            invoice=agreement_line.move_line_id.move_id.name,
                        )
                    )
            today = fields.Date.context_today(agreement)
            move = self.env["account.move"].create(
                agreement._dunning_move_values(today)
            )
            if not move.currency_id.is_zero(
                sum(move.line_ids.mapped("debit")) - sum(move.line_ids.mapped("credit"))
            ):
                raise UserError(self.env._("The agreement entry does not balance."))
            move.action_post()
            for original in originals:
                name = agreement._dunning_settle_name(original)
                settling = move.line_ids.filtered(
                    lambda aml, name=name: aml.name == name and not aml.reconciled
                )[:1]
                (original + settling).reconcile()
            new_items = move.line_ids.filtered("dunning_agreement_id").sorted(
                "date_maturity"
            )
            for installment, item in zip(
                agreement.installment_ids.sorted("number"), new_items, strict=True
            ):
                installment.move_line_id = item
            agreement.write(
                {
                    "state": "active",
                    "move_id": move.id,
                    "installment_policy_id": move.dunning_policy_id.id,
                }
            )
            agreement.message_post(
                body=self.env._(
                    "Agreement activated: entry %(move)s settles the original "
                    "installments and creates %(count)s new installment(s).",
                    move=move.name,
                    count=len(new_items),
                )
            )
            for invoice in originals.move_id:
                invoice.message_post(
                    body=self.env._(
                        "Paid by installment agreement %(name)s.", name=agreement.name
                    )
                )
        return True

    def action_cancel(self):
        """Cancel an agreement; an active one without any payment has its
        entry reversed exactly (the original installments open again)."""
        self._dunning_check_state(
            ["draft", "proposed", "accepted", "active"], self.env._("cancelled")
        )
        for agreement in self:
            if agreement.state == "active":
                agreement._dunning_reverse()
            agreement.state = "cancelled"
            agreement.message_post(body=self.env._("Agreement cancelled."))
        return True

    def _dunning_reverse(self):
        self.ensure_one()
        items = self.installment_ids.move_line_id
        paid = items.filtered(
            lambda aml: (
                aml.reconciled
                or aml.currency_id.compare_amounts(aml.amount_residual, aml.balance)
            )
        )
        if paid:
            raise UserError(
                self.env._(
                    "Agreement %(name)s cannot be cancelled: installment(s) already "
                    "(partly) paid.",
                    name=self.name,
                )
            )
        settling = self.move_id.line_ids.filtered(
            lambda aml: aml.credit and aml.account_id.reconcile and aml.reconciled
        )
        settling.remove_move_reconcile()
        reversal = self.move_id._reverse_moves(
            [
                {
                    "date": fields.Date.context_today(self),
                    "ref": self.env._(
                        "Cancellation of installment agreement %(name)s",
                        name=self.name,
                    ),
                }
            ],
            cancel=True,
        )
        self.reversal_move_id = reversal
        for invoice in self.line_ids.move_line_id.move_id:
            invoice.message_post(
                body=self.env._(
                    "Installment agreement %(name)s cancelled: the invoice is open "
                    "again.",
                    name=self.name,
                )
            )

    # Around an active agreement: fulfilled, broken (scheduled action)
    # ------------------------------------------------------------------
    def _dunning_texts(self):
        """An environment writing in the company's language (chatter notes,
        activities): not the one of whoever pays or runs the job."""
        return self.env["dunning.engine"]._in_company_lang(self.company_id[:1]).env

    def _dunning_check_fulfilled(self):
        """The active agreements of ``self`` whose receivable items are all
        paid become fulfilled (one query for the whole set); an agreement
        being cancelled (its entry reversed) is left alone. Return them."""
        active = self.filtered(
            lambda ag: (
                ag.state == "active" and ag.move_id and not ag.move_id.reversal_move_ids
            )
        )
        if not active:
            return self.browse()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT ag.id
                     FROM dunning_agreement ag
                    WHERE ag.id IN %(ids)s
                      AND EXISTS (SELECT 1 FROM account_move_line aml
                                   WHERE aml.dunning_agreement_id = ag.id
                                     AND aml.parent_state = 'posted')
                      AND NOT EXISTS (
                          SELECT 1 FROM account_move_line aml
                           WHERE aml.dunning_agreement_id = ag.id
                             AND aml.parent_state = 'posted'
                             AND NOT aml.reconciled
                             AND aml.amount_residual > 0)""",
                ids=tuple(active.ids),
            )
        )
        fulfilled = self.browse(row[0] for row in self.env.cr.fetchall())
        if not fulfilled:
            return fulfilled
        fulfilled.sudo().write({"state": "fulfilled"})
        for company in fulfilled.company_id:
            mine = fulfilled.filtered(lambda ag, c=company: ag.company_id == c)
            texts = mine._dunning_texts()
            body = Markup("%s") % texts._(
                "Every installment of the agreement is paid: the agreement is "
                "fulfilled."
            )
            mine.sudo()._message_log_batch(bodies=dict.fromkeys(mine.ids, body))
        return fulfilled

    @api.model
    def _cron_check_agreements(self, time_budget=None, batch_size=AGREEMENTS_PER_BATCH):
        """Scheduled action: the active agreements whose installments are all
        paid become fulfilled (a safety net: paying does it at once), and
        those with an installment unpaid for the breach days of their policy
        are broken. Batched and committed batch by batch; two runs at once
        skip each other's rows (``FOR UPDATE SKIP LOCKED``) and a run again
        finds nothing left to do."""
        engine = self.env["dunning.engine"]
        deadline = engine._deadline(time_budget)
        done = remaining = 0
        companies = self.env["res.company"].sudo().search([])
        for company in companies:
            today = engine._today(company)
            agreements = self.sudo().with_company(company)
            processed, left = agreements._dunning_check_company(
                company, today, deadline, batch_size
            )
            done += processed
            remaining += left
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    @api.model
    def _dunning_candidates_sql(self, company, today, after_id):
        """The active agreements of ``company`` that may have to change
        today: no open receivable item left, or one overdue by at least the
        breach days of their policy (the business-day rule of
        ``cobranca.agreements.breach_date`` is applied on them in Python)."""
        return SQL(
            """SELECT ag.id
                 FROM dunning_agreement ag
                 JOIN dunning_policy p ON p.id = ag.policy_id
                WHERE ag.company_id = %(company)s
                  AND ag.state = 'active'
                  AND ag.id > %(after)s
                  AND (NOT EXISTS (
                          SELECT 1 FROM account_move_line aml
                           WHERE aml.dunning_agreement_id = ag.id
                             AND aml.parent_state = 'posted'
                             AND NOT aml.reconciled
                             AND aml.amount_residual > 0)
                       OR EXISTS (
                          SELECT 1 FROM account_move_line aml
                           WHERE aml.dunning_agreement_id = ag.id
                             AND aml.parent_state = 'posted'
                             AND NOT aml.reconciled
                             AND aml.amount_residual > 0
                             AND aml.date_maturity
                                 + COALESCE(p.agreement_breach_days, 0)
                                 <= %(today)s))""",
            company=company.id,
            after=after_id,
            today=today,
        )

    @api.model
    def _dunning_check_company(self, company, today, deadline, batch_size):
        """Fulfil and break the agreements of ``company`` batch by batch."""
        engine = self.env["dunning.engine"]
        after = done = 0
        retried = None
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                self.env.cr.execute(
                    SQL(
                        "SELECT count(*) FROM (%s) c",
                        self._dunning_candidates_sql(company, today, after),
                    )
                )
                return done, self.env.cr.fetchone()[0]
            engine._commit()  # a fresh snapshot for each batch
            # One run at a time breaks the agreements of a company (their
            # entries take numbers in the same journal): a run that finds
            # another one at it leaves the rest to that one. Taken first, so
            # that this batch's snapshot sees what the other one committed.
            self.env.cr.execute(
                SQL(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)",
                    LOCK_NAMESPACE,
                    company.id,
                )
            )
            if not self.env.cr.fetchone()[0]:
                _logger.info("Agreements of %s checked by another run", company.name)
                return done, 0
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "%s ORDER BY ag.id LIMIT %s",
                    self._dunning_candidates_sql(company, today, after),
                    batch_size,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                return done, 0
            previous, after = after, ids[-1]
            try:
                with self.env.cr.savepoint():
                    # Rows a concurrent run holds are passed over; one it
                    # changed since this snapshot raises: it did them.
                    self.env.cr.execute(
                        SQL(
                            """SELECT id FROM dunning_agreement
                                WHERE id IN %s AND state = 'active'
                                  FOR UPDATE SKIP LOCKED""",
                            tuple(ids),
                        ),
                        log_exceptions=False,
                    )
                    locked = self.browse(row[0] for row in self.env.cr.fetchall())
                    fulfilled = locked._dunning_check_fulfilled()
                    broken = (locked - fulfilled)._dunning_check_breach(today)
                    done += len(fulfilled) + len(broken)
            except SerializationFailure:
                # A concurrent run changed some of them since this snapshot:
                # the batch again on a fresh one (without what it did).
                _logger.info("Agreements from %s checked by another run", ids[0])
                self.env.invalidate_all()
                if retried != previous:
                    retried = after = previous
                continue
            engine._commit()

    def _dunning_breach_due(self, today):
        """``{agreement: (breach date, installment item)}`` of the active
        agreements of ``self`` broken as of ``today``: the first open item
        unpaid for the policy's breach days
        (``cobranca.agreements.is_breached``)."""
        result = {}
        if not self:
            return result
        calendar = self.env["dunning.engine"]._calendar(self.company_id[:1])
        items = self.env["account.move.line"].search(
            [
                ("dunning_agreement_id", "in", self.ids),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
            ],
            order="date_maturity, id",
        )
        for item in items:
            agreement = item.dunning_agreement_id
            if agreement in result or agreement.state != "active":
                continue
            grace = agreement.policy_id.agreement_breach_days
            if is_breached(item.date_maturity, today, grace, calendar):
                result[agreement] = (
                    breach_date(item.date_maturity, grace, calendar),
                    item,
                )
        return result

    def _dunning_check_breach(self, today):
        """Break the agreements of ``self`` that are broken as of ``today``
        (see :meth:`_dunning_break`); return them."""
        due = self._dunning_breach_due(today)
        broken = self.browse()
        for agreement, (when, item) in due.items():
            # One agreement that cannot be broken (e.g. a locked period) is
            # left active and logged; the others are broken.
            try:
                with self.env.cr.savepoint():
                    agreement._dunning_break(when, item, today)
            except SerializationFailure:
                raise
            except Exception:
                _logger.exception("Agreement %s could not be broken", agreement.name)
                self.env.invalidate_all()
                continue
            broken |= agreement
        return broken

    def _dunning_item_label(self, item):
        """How a message names the receivable item ``item`` of the agreement:
        its number and "installment n/N" (or the down payment, or the
        charges reinstated by a breach)."""
        self.ensure_one()
        installment = self.installment_ids.filtered(lambda i: i.move_line_id == item)[
            :1
        ]
        if not installment:
            return self.env._(
                "Agreement %(agreement)s, fine and interest reinstated",
                agreement=self.name,
            )
        if not installment.number:
            return self.env._(
                "Agreement %(agreement)s, down payment", agreement=self.name
            )
        return self.env._(
            "Agreement %(agreement)s, installment %(number)s",
            agreement=self.name,
            number=self._dunning_installment_label(installment),
        )

    def _dunning_item_number(self, item):
        """ "n/N" of the receivable item ``item`` of the agreement (or "Down
        payment"), an empty string for the charges reinstated by a breach."""
        self.ensure_one()
        installment = self.installment_ids.filtered(lambda i: i.move_line_id == item)[
            :1
        ]
        return self._dunning_installment_label(installment) if installment else ""

    def _dunning_break(self, when, item, today):
        """The agreement is broken on ``when`` because ``item`` was not paid:
        the installments not yet due fall due on ``when`` (their receivable
        items; the installment records keep the agreed due dates), the fine
        and interest waived are charged again when the policy says so (a
        reinstatement entry), the collector gets an activity, and the
        chatters of the agreement and of the customer tell it.

        The régua then resumes without sending anything twice (the history
        keeps one row per installment and step, and a step is not due for an
        installment that already had it or a later one): the installments
        moved to ``when`` were not yet due, so their history has at most
        steps before the due date, which never hold back the steps after it:
        these run from ``when`` on. The overdue installment keeps its due
        date and goes on with the steps it has not had; the reinstated
        charges are a new item with the whole régua."""
        self.ensure_one()
        texts = self._dunning_texts()
        money = self.currency_id.with_env(texts).format
        reason = texts._(
            "Installment due on %(due)s unpaid (%(residual)s open) %(days)s days "
            "after its due date.",
            due=format_date(texts, item.date_maturity),
            residual=money(item.amount_residual),
            days=self.policy_id.agreement_breach_days,
        )
        self.write({"state": "broken", "broken_date": when, "breach_reason": reason})
        later = self.env["account.move.line"].search(
            [
                ("dunning_agreement_id", "=", self.id),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", ">", when),
            ]
        )
        accelerated = sum(later.mapped("amount_residual"))
        if later:
            later.write({"date_maturity": when})
        reinstated = self._dunning_reinstate(when, today, texts)
        open_total = sum(
            self.env["account.move.line"]
            .search(
                [
                    ("dunning_agreement_id", "=", self.id),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                ]
            )
            .mapped("amount_residual")
        )
        lines = [
            texts._(
                "Agreement broken on %(date)s: %(reason)s",
                date=format_date(texts, when),
                reason=reason,
            ),
            texts._(
                "%(amount)s in installments not yet due fell due on %(date)s.",
                amount=money(accelerated),
                date=format_date(texts, when),
            ),
        ]
        if reinstated:
            lines.append(
                texts._(
                    "Fine and interest waived in the agreement charged again: "
                    "%(amount)s (entry %(entry)s).",
                    amount=money(reinstated.amount_total),
                    entry=reinstated.name,
                )
            )
        elif self.policy_id.agreement_breach_reinstate and (
            self.fine_waived or self.interest_waived
        ):
            lines.append(
                texts._(
                    "The fine and interest waived could not be charged again: set "
                    "the agreements journal and the fine and interest income "
                    "account of the company."
                )
            )
        lines.append(
            texts._(
                "The collection goes on for the open balance of %(amount)s.",
                amount=money(open_total),
            )
        )
        body = Markup("<br/>").join(lines)
        author = self.company_id.dunning_collector_id.partner_id
        self._message_log(body=body, author_id=author.id or None)
        self.partner_id._message_log(
            body=Markup("%s<br/>%s") % (self._get_html_link(title=self.name), body),
            author_id=author.id or None,
        )
        collector = self.company_id._dunning_follow_up_user_for(self.partner_id)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=texts._("Agreement %(agreement)s broken", agreement=self.name),
            note=body,
            user_id=(collector or self.user_id).id or self.env.uid,
        )

    def _dunning_reinstate(self, when, today, texts):
        """The entry charging again the fine and interest the agreement
        waived (policy ``agreement_breach_reinstate``): a receivable item of
        the agreement due on ``when`` against the income account, one line
        for the fine and one for the interest. None when there is nothing to
        charge or no journal/account to charge it with."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        fine = currency.round(self.fine_waived)
        interest = currency.round(self.interest_waived)
        journal = company.dunning_agreement_journal_id
        income = company.dunning_agreement_income_account_id
        if (
            not self.policy_id.agreement_breach_reinstate
            or currency.is_zero(fine + interest)
            or not journal
            or not income
            or self.reinstatement_move_id
        ):
            return None
        receivable = (
            self.installment_ids.move_line_id.account_id[:1]
            or self.partner_id.with_company(company).property_account_receivable_id
        )

        def line(name, account, balance, **extra):
            return Command.create(
                {
                    "name": name,
                    "account_id": account.id,
                    "partner_id": self.partner_id.id,
                    "balance": balance,
                    **extra,
                }
            )

        lines = [
            line(
                texts._(
                    "Agreement %(agreement)s broken: waived fine and interest due "
                    "again",
                    agreement=self.name,
                ),
                receivable,
                fine + interest,
                date_maturity=when,
                dunning_agreement_id=self.id,
            )
        ]
        if not currency.is_zero(fine):
            lines.append(
                line(
                    texts._(
                        "Late fine waived in agreement %(agreement)s, reinstated",
                        agreement=self.name,
                    ),
                    income,
                    -fine,
                )
            )
        if not currency.is_zero(interest):
            lines.append(
                line(
                    texts._(
                        "Late interest waived in agreement %(agreement)s, reinstated",
                        agreement=self.name,
                    ),
                    income,
                    -interest,
                )
            )
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": today,
                    "ref": texts._(
                        "Agreement %(agreement)s broken: fine and interest waived "
                        "charged again",
                        agreement=self.name,
                    ),
                    "partner_id": self.partner_id.id,
                    "dunning_policy_id": self._dunning_installment_policy().id,
                    "line_ids": lines,
                }
            )
        )
        move.action_post()
        self.reinstatement_move_id = move
        return move

    @api.model
    def _dunning_demo_agreement(self, partner, installment_count=3):
        """Demo data (``make run``): an agreement of ``partner`` on its overdue
        installments, made in the wizard "Negociar dívida" with a down payment
        of a fifth, accepted by phone and activated."""
        lines = self.env["account.move.line"].search(
            [
                *self.env["account.move.line"]._dunning_installment_domain(),
                ("partner_id.commercial_partner_id", "=", partner.id),
                ("date_maturity", "<", fields.Date.context_today(self)),
            ]
        )
        wizard = (
            self.env["dunning.negotiation.wizard"]
            .with_context(
                active_model="res.partner", active_id=partner.id, active_ids=partner.ids
            )
            .create(
                {
                    "move_line_ids": [Command.set(lines.ids)],
                    "installment_count": installment_count,
                }
            )
        )
        wizard.interest_waiver_percent = 50
        wizard.down_payment = wizard.currency_id.round(wizard.negotiated_amount / 5)
        agreement = self.browse(wizard.action_create_agreement()["res_id"])
        agreement.action_propose()
        agreement._accept("phone", partner.name, note=self.env._("Demo agreement."))
        agreement.action_activate()
        return agreement

    def _dunning_installment_policy(self):
        """The régua of the agreement installments: the one chosen, else the
        one the negotiation rules name for agreements, else those rules'."""
        self.ensure_one()
        return (
            self.installment_policy_id
            or self.policy_id.agreement_policy_id
            or self.policy_id
        )
