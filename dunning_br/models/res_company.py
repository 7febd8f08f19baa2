# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.schedule import DEFAULT_MAX_CATCH_UP_DAYS, CatchUp

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_policy_id = fields.Many2one(
        "dunning.policy",
        string="Default Collection Policy",
        check_company=True,
        help="Used for the invoices whose customer and invoice name no policy.",
    )
    dunning_holiday_ids = fields.One2many(
        "dunning.holiday",
        "company_id",
        string="Local Holidays",
        help="Municipal or state holidays on which the company's banks close, on "
        "top of the national bank calendar.",
    )
    # Switching the régua on: set by the wizard "Activate the collection"
    # (collection managers only), nothing is sent before.
    dunning_active = fields.Boolean(
        string="Collection Active",
        readonly=True,
        copy=False,
        help="No reminder is sent for the company until a collection manager "
        "activates the collection.",
    )
    dunning_go_live_date = fields.Date(
        string="Collection Go-Live Date",
        readonly=True,
        copy=False,
        help="The first day the scheduled action sends reminders for the company.",
    )
    dunning_max_catch_up_days = fields.Integer(
        string="Maximum Catch-up (days)",
        default=DEFAULT_MAX_CATCH_UP_DAYS,
        readonly=True,
        help="A reminder step whose date is more than this many days in the past "
        "(an old debt on the first run, a run missed) is not sent late.",
    )
    dunning_catch_up_legal = fields.Boolean(
        string="Catch Up Legal Steps",
        readonly=True,
        copy=False,
        help="Send extrajudicial notices and prior notices of listing whose date "
        "is past even to installments that received no earlier reminder. Off by "
        "default: a legal notice must not be the first message a customer gets.",
    )
    dunning_collector_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        readonly=True,
        copy=False,
        help="The contact named in every collection message (CDC art. 42-A) and "
        "the sender of its e-mails, for the customers without a collector of "
        "their own.",
    )
    dunning_portal_token_days = fields.Integer(
        string="Reminder Links Valid for (days)",
        default=30,
        help="The link of a reminder opens the customer's pending payments without "
        "signing in for this many days; after that the customer signs in.",
    )
    # Installment agreements: where their journal entries go.
    dunning_agreement_journal_id = fields.Many2one(
        "account.journal",
        string="Agreements Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="The miscellaneous journal of the entries of installment agreements.",
    )
    dunning_agreement_income_account_id = fields.Many2one(
        "account.account",
        string="Fine and Interest Income Account",
        check_company=True,
        help="Credited with the late fine and interest an agreement includes and "
        "with the agreement's own interest.",
    )
    dunning_agreement_waiver_account_id = fields.Many2one(
        "account.account",
        string="Waived Fine and Interest Account",
        check_company=True,
        help="Debited with the fine and interest an agreement waives.",
    )
    dunning_agreement_discount_account_id = fields.Many2one(
        "account.account",
        string="Agreement Discount Account",
        check_company=True,
        help="Debited with the discount on the principal granted for a payment "
        "in one go.",
    )
    dunning_activated_uid = fields.Many2one(
        "res.users", string="Collection Activated By", readonly=True, copy=False
    )
    dunning_activation_date = fields.Datetime(
        string="Collection Activated On", readonly=True, copy=False
    )

    @api.constrains("dunning_collector_id", "dunning_active")
    def _check_dunning_collector(self):
        for company in self:
            if company.dunning_active and not company.dunning_collector_id:
                raise ValidationError(
                    self.env._(
                        "The collection of %(company)s is active: it needs a "
                        "default collector.",
                        company=company.name,
                    )
                )
            problems = company._dunning_collector_problems(company.dunning_collector_id)
            if company.dunning_collector_id and problems:
                raise ValidationError("\n".join(problems))

    @api.constrains("dunning_max_catch_up_days")
    def _check_dunning_max_catch_up_days(self):
        for company in self:
            if company.dunning_max_catch_up_days < 0:
                raise ValidationError(
                    self.env._("The maximum catch-up cannot be negative.")
                )

    @api.constrains("dunning_portal_token_days")
    def _check_dunning_portal_token_days(self):
        for company in self:
            if company.dunning_portal_token_days < 1:
                raise ValidationError(
                    self.env._("The reminder links must be valid for at least a day.")
                )

    def _dunning_collector_for(self, partner):
        """The collector of ``partner`` (CDC art. 42-A contact): the
        customer's own collector when it is a complete contact, else the
        company's default collector; never the user running the job."""
        self.ensure_one()
        company = self.sudo()
        collector = partner.sudo().commercial_partner_id.dunning_collector_id
        if collector and not company._dunning_collector_problems(collector):
            return collector
        return company.dunning_collector_id

    def _dunning_follow_up_user_for(self, partner):
        """Who follows ``partner`` up inside the company (activities): the
        customer's own collector, even one that is not a complete contact,
        else :meth:`_dunning_collector_for`."""
        self.ensure_one()
        return partner.sudo().commercial_partner_id.dunning_collector_id or (
            self._dunning_collector_for(partner)
        )

    def _dunning_collector_problems(self, user):
        """Why ``user`` cannot be the collection contact of the company (CDC
        art. 42-A): a list of messages, empty when it can."""
        self.ensure_one()
        if not user:
            return [self.env._("Choose a collector.")]
        user = user.sudo()
        name = user.name or user.login
        problems = []
        if user in (self.env.ref("base.user_root"), self.env.ref("base.public_user")):
            problems.append(
                self.env._(
                    "%(user)s is a technical user: the collector must be a person "
                    "the customers can talk to.",
                    user=name,
                )
            )
        elif user.share or not user.active:
            problems.append(
                self.env._(
                    "%(user)s must be an active internal user to be the collector.",
                    user=name,
                )
            )
        if not (user.name or "").strip():
            problems.append(self.env._("The collector needs a name."))
        if not user.email:
            problems.append(
                self.env._("The collector %(user)s needs an e-mail.", user=name)
            )
        if not (user.phone or user.mobile):
            problems.append(
                self.env._("The collector %(user)s needs a phone number.", user=name)
            )
        return problems

    def _dunning_is_live(self, day):
        """Whether the régua sends for the company on ``day``."""
        self.ensure_one()
        return bool(
            self.dunning_active
            and self.dunning_go_live_date
            and self.dunning_go_live_date <= day
        )

    def _dunning_catch_up(self):
        """The company's catch-up limits for ``cobranca.schedule``."""
        self.ensure_one()
        return CatchUp(
            max_days=self.dunning_max_catch_up_days,
            legal_without_earlier=self.dunning_catch_up_legal,
        )
