# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from decimal import Decimal

from cobranca.charges import compute_late_charges
from cobranca.documents import is_valid_cnpj, is_valid_cpf
from cobranca.promise import OVERDUE, UPCOMING, installment_status

from odoo import api, fields, models
from odoo.tools import format_date
from odoo.tools.misc import get_lang, hash_sign, verify_hash_signed

#: The collection fields that are the company's internal business (who
#: follows the customer, why collection is paused or stopped, the listing
#: flag): readable and writable by the collection groups only. The régua
#: reads them as the system (sudo); portal pages never show them.
COLLECTION_GROUPS = "dunning_br.group_dunning_user"

#: The scope of the signed links of the reminders to the portal page.
PORTAL_TOKEN_SCOPE = "dunning_br.portal"
PORTAL_URL = "/my/pendencias"

PAUSE_REASONS = [
    ("dispute", "Dispute"),
    ("promise", "Payment promise"),
    ("negotiation", "Negotiation in progress"),
    ("other", "Other"),
]


#: Average days late (paid installments) up to which a customer is a good
#: payer, and beyond which a bad one; in between, a regular one.
PAYER_GOOD_MAX_DAYS = 5
PAYER_REGULAR_MAX_DAYS = 30


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_policy_id = fields.Many2one(
        "dunning.policy",
        string="Collection Policy",
        help="Overrides the company's default policy for this customer's invoices "
        "of the policy's company.",
        groups=COLLECTION_GROUPS,
    )
    dunning_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        help="Who follows this customer's debts.",
        groups=COLLECTION_GROUPS,
    )
    dunning_excluded = fields.Boolean(
        string="Excluded from Collection",
        help="No reminder is sent to this customer until this box is cleared.",
        groups=COLLECTION_GROUPS,
    )
    dunning_exclusion_reason = fields.Char(
        string="Exclusion Reason", groups=COLLECTION_GROUPS
    )
    dunning_pause_until = fields.Date(
        string="Collection Paused Until",
        help="No reminder is sent up to this date included; collection resumes by "
        "itself the day after.",
        groups=COLLECTION_GROUPS,
    )
    dunning_pause_reason = fields.Selection(
        PAUSE_REASONS, string="Pause Reason", groups=COLLECTION_GROUPS
    )
    dunning_pause_note = fields.Char(string="Pause Note", groups=COLLECTION_GROUPS)
    dunning_opt_out_email = fields.Boolean(
        string="No Collection E-mails",
        help="The customer asked not to receive collection e-mails.",
    )
    dunning_opt_out_letter = fields.Boolean(string="No Collection Letters")
    dunning_opt_out_sms = fields.Boolean(
        string="No Collection SMS",
        help="The customer asked not to receive collection text messages.",
    )
    dunning_negativation_flag = fields.Boolean(
        string="Flagged for Listing or Protest",
        readonly=True,
        groups=COLLECTION_GROUPS,
    )
    dunning_negativation_date = fields.Date(
        string="Flagged On", readonly=True, groups=COLLECTION_GROUPS
    )
    dunning_history_count = fields.Integer(
        compute="_compute_dunning_history_count", groups=COLLECTION_GROUPS
    )
    dunning_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_dunning_overdue_amount",
        currency_field="dunning_currency_id",
        groups=COLLECTION_GROUPS,
    )
    dunning_agreement_ids = fields.One2many(
        "dunning.agreement",
        "partner_id",
        string="Installment Agreements",
        groups=COLLECTION_GROUPS,
    )
    dunning_broken_agreement_count = fields.Integer(
        string="Broken Agreements",
        compute="_compute_dunning_broken_agreement_count",
        groups=COLLECTION_GROUPS,
    )
    dunning_agreement_count = fields.Integer(
        string="Agreements",
        compute="_compute_dunning_agreement_count",
        groups=COLLECTION_GROUPS,
    )
    dunning_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_dunning_overdue_amount",
        groups=COLLECTION_GROUPS,
    )

    def _compute_dunning_history_count(self):
        groups = self.env["dunning.history"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_history_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def _compute_dunning_agreement_count(self):
        groups = self.env["dunning.agreement"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_agreement_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def action_view_dunning_agreements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_br.action_dunning_agreement"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def _compute_dunning_broken_agreement_count(self):
        groups = (
            self.env["dunning.agreement"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "=", "broken"),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_broken_agreement_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def _compute_dunning_overdue_amount(self):
        today = fields.Date.context_today(self)
        company = self.env.company
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("date_maturity", "<", today),
                *self.env["account.move.line"]._dunning_installment_domain(),
            ],
            ["partner_id"],
            ["amount_residual:sum"],
        )
        amounts = {partner.id: amount for partner, amount in groups}
        for partner in self:
            partner.dunning_currency_id = company.currency_id
            partner.dunning_overdue_amount = amounts.get(
                partner.commercial_partner_id.id, 0.0
            )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "dunning_policy_id",
            "dunning_collector_id",
            "dunning_excluded",
            "dunning_exclusion_reason",
            "dunning_pause_until",
            "dunning_pause_reason",
            "dunning_pause_note",
        ]

    def _dunning_opted_out(self, channel):
        """Whether the customer refused reminders through ``channel``; channels
        added by other addons come with a ``dunning_opt_out_<channel>`` field."""
        self.ensure_one()
        field = f"dunning_opt_out_{channel}"
        return field in self._fields and bool(self[field])

    def _dunning_is_consumer(self):
        """Consumers (CDC) are individuals: a CPF, or no document and not a
        company. Their late fine is capped at 2%."""
        self.ensure_one()
        vat = self.commercial_partner_id.vat or ""
        if is_valid_cpf(vat):
            return True
        if is_valid_cnpj(vat):
            return False
        return not self.commercial_partner_id.is_company

    # ------------------------------------------------------------------
    # Customer portal ("Minhas pendências")
    # ------------------------------------------------------------------
    def _dunning_portal_token(self, company=None):
        """A signed token giving access to the portal page of the customer's
        commercial partner without signing in, for the number of days of the
        company (``dunning_portal_token_days``)."""
        self.ensure_one()
        company = company or self.env.company
        return hash_sign(
            self.env(su=True),
            PORTAL_TOKEN_SCOPE,
            {"partner_id": self.commercial_partner_id.id},
            expiration=timedelta(days=company.sudo().dunning_portal_token_days),
        )

    def _dunning_portal_url(self, company=None):
        """The absolute link of the reminders to the customer's page."""
        self.ensure_one()
        token = self._dunning_portal_token(company)
        return f"{self.get_base_url()}{PORTAL_URL}?token={token}"

    @api.model
    def _dunning_portal_partner_from_token(self, token):
        """The commercial partner a portal token was signed for, or an empty
        recordset when the token is malformed, forged or expired."""
        partners = self.browse()
        if not token or not isinstance(token, str):
            return partners
        try:
            values = verify_hash_signed(self.env(su=True), PORTAL_TOKEN_SCOPE, token)
        except ValueError:
            return partners
        if not isinstance(values, dict) or not isinstance(
            values.get("partner_id"), int
        ):
            return partners
        return self.sudo().browse(values["partner_id"]).exists()

    def _dunning_portal_installment_domain(self):
        """The open installments (invoices' and agreements') of the
        commercial partners of ``self``."""
        return [
            ("partner_id", "in", self.commercial_partner_id.ids),
            *self.env["account.move.line"]._dunning_installment_domain(),
        ]

    def _dunning_portal_summary(self):
        """Every open installment of the customer (``self``, a commercial
        partner) as plain values, for the totals, the filter and the sort of
        the page (which then details only the installments it shows, by
        :meth:`_dunning_portal_installments`): one query for the
        installments; each invoice's policy resolved once, with prefetching;
        fine and interest by ``cobranca.charges`` over plain values, never a
        field of an installment read in the loop. One dict per installment,
        in due-date order: ``id``, ``date_maturity``, ``status``, ``days``,
        ``currency``, ``residual``, ``fine``, ``interest``, ``total``
        (Decimal)."""
        self.ensure_one()
        Line = self.env["account.move.line"].sudo()
        query = Line._search(
            self.sudo()._dunning_portal_installment_domain(),
            order="date_maturity, id",
        )
        rows = self.env.execute_query(
            query.select(
                *(
                    Line._field_to_sql(query.table, name, query)
                    for name in (
                        "id",
                        "move_id",
                        "company_id",
                        "date_maturity",
                        "amount_residual",
                    )
                )
            )
        )
        if not rows:
            return []
        engine = self.env["dunning.engine"]
        moves = self.env["account.move"].sudo().browse({row[1] for row in rows})
        # Per invoice, the policy's rule and whether the debtor is a consumer
        # (fine capped); per company, its calendar, today and currency.
        rules, consumers, late_rules = {}, {}, {}
        for move in moves:
            policy = move._dunning_policy()
            if policy and policy not in late_rules:
                late_rules[policy] = policy._late_charge_policy()
            debtor = move.commercial_partner_id
            if debtor not in consumers:
                consumers[debtor] = debtor._dunning_is_consumer()
            rules[move.id] = (late_rules[policy], consumers[debtor]) if policy else None
        companies = {}
        for company in self.env["res.company"].sudo().browse({r[2] for r in rows}):
            companies[company.id] = (
                engine._calendar(company),
                engine._today(company),
                company.currency_id,
            )
        cent = Decimal("0.01")
        result = []
        for line_id, move_id, company_id, due, residual in rows:
            calendar, today, currency = companies[company_id]
            principal = Decimal(residual).quantize(cent)
            rule = rules[move_id]
            if rule:
                charges = compute_late_charges(
                    principal,
                    due,
                    today,
                    rule[0],
                    consumer=rule[1],
                    calendar=calendar,
                )
                fine, interest, total = charges.fine, charges.interest, charges.total
            else:
                fine, interest, total = Decimal(0), Decimal(0), principal
            status, days = installment_status(today, due)
            result.append(
                {
                    "id": line_id,
                    "date_maturity": due,
                    "status": status,
                    "days": days,
                    "currency": currency,
                    "residual": principal,
                    "fine": fine,
                    "interest": interest,
                    "total": total,
                }
            )
        return result

    def _dunning_portal_installments(self, line_ids=None):
        """The open installments of the customer (``self``, a commercial
        partner) as of today, for the portal: one dict per installment, in
        due-date order, with its status and its fine and interest computed by
        the régua's own rule (``dunning.engine._late_charges``). Set-based:
        the number of queries does not grow with the installments."""
        self.ensure_one()
        partner = self.sudo()
        domain = partner._dunning_portal_installment_domain()
        if line_ids is not None:
            domain.append(("id", "in", list(line_ids)))
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(domain, order="date_maturity, id")
        )
        if not lines:
            return []
        engine = self.env["dunning.engine"]
        calendars, todays = {}, {}
        promises = (
            self.env["dunning.promise"]
            .sudo()
            .search_fetch(
                [("move_line_id", "in", lines.ids)], ["move_line_id", "date", "state"]
            )
        )
        promise_count, open_promise = {}, {}
        for promise in promises:
            line_id = promise.move_line_id.id
            promise_count[line_id] = promise_count.get(line_id, 0) + 1
            if promise.state == "open":
                open_promise[line_id] = promise.date
        # Formats and texts looked up once: the page may list hundreds.
        formatters, policies = {}, {}
        date_format = get_lang(self.env).date_format
        texts = partner._dunning_portal_texts()
        result = []
        for line in lines:
            company = line.company_id
            if company not in calendars:
                calendars[company] = engine._calendar(company)
                todays[company] = engine._today(company)
            today = todays[company]
            move = line.move_id
            if move not in policies:
                policies[move] = move._dunning_policy()
            policy = policies[move]
            currency = company.currency_id
            if currency not in formatters:
                formatters[currency] = self.env[
                    "dunning.communication"
                ]._dunning_money_formatter(currency)
            money = formatters[currency]
            if policy:
                charges = engine._late_charges(line, policy, today, calendars[company])
            else:
                charges = None
            principal = Decimal(str(line.amount_residual)).quantize(Decimal("0.01"))
            status, days = installment_status(today, line.date_maturity)
            promised = open_promise.get(line.id)
            promise_max_days = policy.promise_max_days if policy else 0
            amounts = {
                "residual": float(principal),
                "fine": float(charges.fine) if charges else 0.0,
                "interest": float(charges.interest) if charges else 0.0,
                "total": float(charges.total) if charges else float(principal),
            }
            result.append(
                {
                    "line": line,
                    "id": line.id,
                    "invoice_name": line.move_id.name,
                    "agreement_name": line.dunning_agreement_id.name or False,
                    "date_maturity": line.date_maturity,
                    "status": status,
                    "days": days,
                    "currency": currency,
                    **amounts,
                    **{f"{key}_text": money(amount) for key, amount in amounts.items()},
                    "due_text": line.date_maturity.strftime(date_format),
                    "how": partner._dunning_portal_explanation(charges, money, texts),
                    "promise_date": promised
                    if promised and promised >= today
                    else False,
                    "promise_date_text": promised.strftime(date_format)
                    if promised
                    else "",
                    "can_promise": bool(
                        policy
                        and not promised
                        and promise_count.get(line.id, 0) < policy.promise_max_count
                    ),
                    "promise_min_date": today + timedelta(days=1),
                    "promise_max_date": today + timedelta(days=promise_max_days),
                    "promise_max_text": (
                        today + timedelta(days=promise_max_days)
                    ).strftime(date_format),
                    "today": today,
                }
            )
        return result

    def _dunning_portal_texts(self):
        """The sentences of :meth:`_dunning_portal_explanation`, translated
        once (the same words as the reminders)."""
        return {
            "none": self.env._("Not overdue: no fine or interest."),
            "late": self.env._(
                "%(days)s days late: fine of %(fine_pct)s%% on %(residual)s = "
                "%(fine)s; interest of %(interest_pct)s%% a month pro rata die = "
                "%(interest)s."
            ),
            "capped": self.env._(
                "The fine is limited to 2%% for consumers (CDC art. 52 §1)."
            ),
        }

    @api.model
    def _dunning_portal_explanation(self, charges, money, texts):
        """How the fine and interest were computed (``money`` formats the
        amounts; ``texts``: :meth:`_dunning_portal_texts`)."""
        if not charges or not charges.days_late:
            return texts["none"]
        text = texts["late"] % {
            "days": charges.days_late,
            "fine_pct": _pct(charges.fine_pct_applied),
            "residual": money(float(charges.principal)),
            "fine": money(float(charges.fine)),
            "interest_pct": _pct(charges.interest_monthly_pct),
            "interest": money(float(charges.interest)),
        }
        if charges.capped:
            text += " " + texts["capped"] % {}
        return text

    @api.model
    def _dunning_portal_status_label(self, status, days):
        if status == UPCOMING:
            return self.env._("due in %(days)s days", days=days)
        if status == OVERDUE:
            return self.env._("overdue for %(days)s days", days=days)
        return self.env._("due today")

    def _dunning_portal_messages(self, limit=50):
        """The collection messages sent to the customer (``self``, a
        commercial partner): date, channel and kind, nothing internal."""
        self.ensure_one()
        communications = (
            self.env["dunning.communication"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.id),
                    ("mail_message_id", "!=", False),
                ],
                limit=limit,
            )
        )
        channels = dict(
            communications._fields["channel"]._description_selection(self.env)
        )
        tones = dict(communications._fields["tone"]._description_selection(self.env))
        return [
            {
                "date": format_date(self.env, communication.date),
                "channel": channels.get(communication.channel, ""),
                "kind": tones.get(communication.tone, ""),
                "total": communication.amount_total,
                "currency": communication.currency_id,
            }
            for communication in communications
        ]

    def action_view_dunning_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_br.action_dunning_history"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_by_state": 0}
        return action

    # ------------------------------------------------------------------
    # The collection reports' view of the customer: PF or PJ, and the
    # payment behaviour score (dunning.report.customer)
    # ------------------------------------------------------------------

    dunning_customer_type = fields.Selection(
        [("pj", "Company (PJ)"), ("pf", "Individual (PF)")],
        string="Customer Type",
        compute="_compute_dunning_customer_type",
        store=True,
        help="Individual (PF): a valid CPF, or no valid document and not a "
        "company; company (PJ): a valid CNPJ, or a company without a valid CPF. "
        "The same rule as the consumer fine cap.",
    )
    dunning_avg_days_late = fields.Float(
        string="Average Days Late",
        compute="_compute_dunning_payer_score",
        digits=(16, 1),
        groups=COLLECTION_GROUPS,
        help="Days between the due date and the full payment, on average over the "
        "customer's paid installments (paid early or on time counts 0).",
    )
    dunning_payer_score = fields.Selection(
        [
            ("good", "Good Payer"),
            ("regular", "Regular Payer"),
            ("bad", "Bad Payer"),
            ("unknown", "No Payment Yet"),
        ],
        string="Payer Score",
        compute="_compute_dunning_payer_score",
        groups=COLLECTION_GROUPS,
        help="From the average days late of the paid installments: good payer up "
        "to 5 days, regular payer from 6 to 30 days, bad payer beyond 30 days; "
        "no payment yet while no installment is fully paid.",
    )

    @api.depends(
        "vat",
        "is_company",
        "commercial_partner_id.vat",
        "commercial_partner_id.is_company",
    )
    def _compute_dunning_customer_type(self):
        for partner in self:
            partner.dunning_customer_type = (
                "pf" if partner._dunning_is_consumer() else "pj"
            )

    def _compute_dunning_payer_score(self):
        groups = (
            self.env["dunning.report.customer"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "in", self.env.companies.ids),
                ],
                ["partner_id"],
                ["days_late_total:sum", "paid_count:sum"],
            )
        )
        figures = {partner.id: (days, count) for partner, days, count in groups}
        for partner in self:
            days, count = figures.get(partner.commercial_partner_id.id, (0, 0))
            average = days / count if count else 0.0
            partner.dunning_avg_days_late = average
            if not count:
                partner.dunning_payer_score = "unknown"
            elif average <= PAYER_GOOD_MAX_DAYS:
                partner.dunning_payer_score = "good"
            elif average <= PAYER_REGULAR_MAX_DAYS:
                partner.dunning_payer_score = "regular"
            else:
                partner.dunning_payer_score = "bad"

    def _dunning_statement_company_ids(self):
        """The companies whose installments the portal statement of the
        customer (``self``, a commercial partner) shows: all those it owes."""
        self.ensure_one()
        groups = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(self._dunning_portal_installment_domain(), ["company_id"])
        )
        return [company.id for (company,) in groups] or self.env.company.ids


def _pct(value):
    return f"{Decimal(str(value)).normalize():f}".replace(".", ",")
