# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
""" "Negociar" on "Minhas pendências": the customer picks one of the offers
the policy's negotiation rules allow (``cobranca.agreements.standard_offers``)
for the overdue installments, sees its schedule, total, savings and the termo
de acordo, and accepts it with Odoo's portal signature.

Everything is priced, checked and created by the agreement's own methods
(``dunning.agreement`` and the wizard "Negociar dívida"): an offer is carried
in the request as its terms and priced again on every request, so an offer
built by hand outside the rules is refused with the rule it breaks. Access
is the page's (token or signed-in customer); installments of another
customer get the same 404 as missing ones; the partner's row is locked while
an offer is accepted, so a double submit makes ONE agreement."""

import base64
import binascii
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from cobranca.agreements import check_offer, standard_offers
from cobranca.charges import format_pct
from werkzeug.exceptions import NotFound

from odoo import Command, fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import SQL, format_amount

from ..models.dunning_agreement import OPEN_STATES
from ..models.res_partner import PORTAL_URL
from .portal import DunningPortal

NEGOTIATE_URL = PORTAL_URL + "/negotiate"

#: The terms of an offer in a request: parameter → wizard field.
OFFER_PARAMS = {
    "fine_waiver": "fine_waiver_percent",
    "interest_waiver": "interest_waiver_percent",
    "discount": "discount_percent",
    "down_payment": "down_payment",
    "interest": "monthly_interest_percent",
}


class DunningPortalNegotiate(DunningPortal):
    # ------------------------------------------------------------------
    # Offers
    # ------------------------------------------------------------------
    @staticmethod
    def _dunning_wizard(partner, company, values=None):
        """A (not saved) wizard "Negociar dívida" for ``partner`` in
        ``company`` as of the company's today: it resolves the policy and the
        installments open to negotiation exactly as the collector's does."""
        env = request.env(su=True)
        today = env["dunning.engine"]._today(company)
        return (
            env["dunning.negotiation.wizard"]
            .with_company(company)
            .new(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "date": today,
                    **(values or {}),
                }
            )
        )

    @staticmethod
    def _dunning_offer_query(lines, date, offer):
        """The request parameters of ``offer`` (``cobranca.agreements.Offer``)
        on ``lines`` as of ``date``."""
        return urlencode(
            {
                "line_ids": ",".join(str(i) for i in sorted(lines.ids)),
                "date": date.isoformat(),
                "installments": offer.installments,
                "first_due": offer.first_due.isoformat(),
                "fine_waiver": str(offer.fine_waiver_pct),
                "interest_waiver": str(offer.interest_waiver_pct),
                "discount": str(offer.discount_pct),
                "down_payment": str(offer.down_payment),
                "interest": str(offer.monthly_interest_pct),
            }
        )

    def _dunning_offer_title(self, terms, currency):
        env = request.env
        count = terms.offer.installments

        def money(value):
            return format_amount(env, float(value), currency)

        if terms.in_one_go:
            if terms.discount:
                return env._(
                    "Pay at once with %(pct)s%% off the principal",
                    pct=format_pct(terms.offer.discount_pct),
                )
            return env._("Pay at once")
        amount = money(terms.schedule[0].amount)
        if terms.down_payment:
            return env._(
                "Down payment of %(down_payment)s + %(count)s× %(amount)s",
                down_payment=money(terms.down_payment),
                count=count,
                amount=amount,
            )
        return env._("%(count)s× %(amount)s", count=count, amount=amount)

    def _dunning_negotiations(self, partner):
        """One dict per company where the customer has overdue installments
        open to negotiation: its offers, or ``blocked`` when the customer
        broke as many agreements as the policy allows."""
        env = request.env(su=True)
        invoice_lines = (
            env["account.move.line"]
            .search(
                [
                    *partner._dunning_portal_installment_domain(),
                    ("move_id.move_type", "=", "out_invoice"),
                ]
            )
            .sorted(lambda aml: (aml.company_id.sequence, aml.company_id.id))
        )
        agreements = env["dunning.agreement"]
        result = []
        for company in invoice_lines.company_id:
            wizard = self._dunning_wizard(partner, company)
            policy = wizard.policy_id._origin
            lines = wizard.available_line_ids._origin.sorted(
                lambda aml: (aml.date_maturity, aml.id)
            )
            if not policy or not lines:
                continue
            today = wizard.date
            currency = company.currency_id
            rules = agreements._dunning_rules(policy)
            debt = agreements._dunning_debt(lines, today, policy, partner, company)
            calendar = env["dunning.engine"]._calendar(company)
            offers, blocked = [], False
            for terms in standard_offers(rules, debt, today=today, calendar=calendar):
                violations = check_offer(
                    rules,
                    terms,
                    today=today,
                    broken_count=partner.dunning_broken_agreement_count,
                )
                if violations:
                    blocked = blocked or any(v.rule == "max_broken" for v in violations)
                    continue
                offers.append(
                    {
                        "title": self._dunning_offer_title(terms, currency),
                        "query": self._dunning_offer_query(lines, today, terms.offer),
                        "total": float(terms.total_payable),
                        "saved": float(terms.saved),
                        "in_one_go": terms.in_one_go,
                        "installments": terms.offer.installments,
                    }
                )
            result.append(
                {
                    "company": company,
                    "currency": currency,
                    "intro": request.env._(
                        "Your %(count)s overdue installment(s) amount to %(debt)s "
                        "today. Choose how you prefer to pay them: you will see every "
                        "due date and the agreement before accepting.",
                        count=len(lines),
                        debt=format_amount(request.env, float(debt.total), currency),
                    ),
                    "debt": float(debt.total),
                    "count": len(lines),
                    "offers": offers,
                    "blocked": blocked and not offers,
                }
            )
        return result

    def _dunning_page_values(self, partner, sortby, filterby, page=1):
        values = super()._dunning_page_values(partner, sortby, filterby, page)
        values["negotiations"] = self._dunning_negotiations(partner)
        waiting = (
            request.env["dunning.agreement"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "=", "accepted"),
                    ("acceptance_channel", "=", "portal"),
                ]
            )
        )
        values["waiting_agreements"] = [
            {
                "name": agreement.name,
                "text": request.env._(
                    "Agreement %(name)s of %(amount)s is signed and awaits the "
                    "approval of our team.",
                    name=agreement.name,
                    amount=format_amount(
                        request.env, agreement.total_amount, agreement.currency_id
                    ),
                ),
            }
            for agreement in waiting
        ]
        return values

    # ------------------------------------------------------------------
    # An offer of the request
    # ------------------------------------------------------------------
    def _dunning_request_lines(self, partner, line_ids):
        """The installments named by the request, all the customer's
        invoice installments of one company; NotFound otherwise (another
        customer's installment is answered like a missing one)."""
        ids = self._dunning_line_ids([line_ids or ""])
        lines = request.env["account.move.line"].sudo().browse(ids).exists()
        if (
            not ids
            or len(lines) != len(set(ids))
            or lines.move_id.commercial_partner_id != partner
            or len(lines.company_id) != 1
            or lines.filtered(lambda aml: aml.move_id.move_type != "out_invoice")
        ):
            raise NotFound()
        return lines

    def _dunning_request_terms(self, partner, lines, params):
        """``(wizard, debt, terms, violations)`` of the offer in ``params``
        on ``lines``, priced and checked by the agreement's methods; a
        UserError for what cannot be an agreement today."""
        env = request.env
        company = lines.company_id
        base = self._dunning_wizard(partner, company)
        if not (set(lines.ids) <= set(base.available_line_ids._origin.ids)):
            raise UserError(
                env._(
                    "These installments can no longer be negotiated here (paid, "
                    "not overdue or already in an agreement): please reload the "
                    "page."
                )
            )
        if params.get("date") != base.date.isoformat():
            raise UserError(
                env._(
                    "This offer was made on another day and the amounts changed: "
                    "please choose an offer again."
                )
            )
        values = {"move_line_ids": [Command.set(lines.ids)], "period": "monthly"}
        try:
            values["installment_count"] = int(params.get("installments") or 0)
            values["first_due"] = fields.Date.to_date(params.get("first_due"))
            for param, fname in OFFER_PARAMS.items():
                number = Decimal(params.get(param) or "0")
                if not number.is_finite():
                    raise ValueError(param)
                values[fname] = float(number)
        except (ValueError, TypeError, InvalidOperation) as error:
            raise UserError(env._("This offer is not valid.")) from error
        values["policy_id"] = base.policy_id._origin.id
        wizard = self._dunning_wizard(partner, company, values)
        debt, terms = wizard._price()
        violations = env["dunning.agreement"]._dunning_violations(
            terms, wizard.policy_id._origin, partner, wizard.date, company.currency_id
        )
        return wizard, debt, terms, violations

    def _dunning_preview_agreement(self, partner, wizard, debt, terms):
        """The agreement the offer would be (not saved), for the termo."""
        agreements = request.env["dunning.agreement"].sudo()
        lines = wizard.move_line_ids._origin.sorted(
            lambda aml: (aml.date_maturity, aml.id)
        )
        return agreements.with_company(wizard.company_id).new(
            {
                "name": request.env._("Proposal"),
                "company_id": wizard.company_id.id,
                "partner_id": partner.id,
                "date": wizard.date,
                "policy_id": wizard.policy_id._origin.id,
                "installment_count": wizard.installment_count,
                "first_due": wizard.first_due,
                "fine_waiver_percent": wizard.fine_waiver_percent,
                "interest_waiver_percent": wizard.interest_waiver_percent,
                "discount_percent": wizard.discount_percent,
                "down_payment": wizard.down_payment,
                "monthly_interest_percent": wizard.monthly_interest_percent,
                "line_ids": agreements._dunning_line_values(lines, debt),
                **agreements._dunning_terms_values(terms),
            }
        )

    @staticmethod
    def _dunning_schedule(agreement):
        return [
            {
                "label": agreement._dunning_installment_label(installment),
                "date_due": installment.date_due,
                "amount": installment.amount,
            }
            for installment in agreement.installment_ids.sorted("number")
        ]

    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------
    @http.route(
        NEGOTIATE_URL, type="http", auth="public", methods=["GET"], website=True
    )
    def dunning_portal_negotiate(self, line_ids=None, **params):
        """The offer chosen: schedule, total, savings and termo, then the
        signature."""
        partner = self._dunning_partner()
        if not partner:
            return self._dunning_login()
        lines = self._dunning_request_lines(partner, line_ids)
        values = {
            "page_name": "dunning_negotiate",
            "dunning_partner": partner,
            "currency": lines.company_id.currency_id,
            "query": request.httprequest.query_string.decode(),
            "error": False,
            "violations": [],
        }
        try:
            wizard, debt, terms, violations = self._dunning_request_terms(
                partner, lines, params
            )
        except UserError as error:
            values["error"] = str(error)
            return request.render("dunning_br.portal_pendencias_offer", values)
        agreement = self._dunning_preview_agreement(partner, wizard, debt, terms)
        values.update(
            {
                "violations": violations,
                "agreement": agreement,
                "schedule": self._dunning_schedule(agreement),
                "title": self._dunning_offer_title(terms, values["currency"]),
                "sign_text": request.env._(
                    "By signing, you accept on behalf of %(customer)s the agreement "
                    "above: %(amount)s on the due dates shown.",
                    customer=partner.name,
                    amount=format_amount(
                        request.env, float(terms.total_payable), values["currency"]
                    ),
                ),
            }
        )
        return request.render("dunning_br.portal_pendencias_offer", values)

    @http.route(NEGOTIATE_URL + "/termo", type="http", auth="public", methods=["GET"])
    def dunning_portal_negotiate_termo(self, line_ids=None, **params):
        """The termo de acordo of the offer, as the report renders it."""
        partner = self._dunning_partner()
        if not partner:
            return self._dunning_login()
        lines = self._dunning_request_lines(partner, line_ids)
        try:
            wizard, debt, terms, violations = self._dunning_request_terms(
                partner, lines, params
            )
        except UserError as error:
            raise NotFound() from error
        if violations:
            raise NotFound()
        agreement = self._dunning_preview_agreement(partner, wizard, debt, terms)
        html = (
            request.env["ir.actions.report"]
            .sudo()
            ._render_template(
                "dunning_br.report_dunning_agreement",
                {
                    "docs": agreement,
                    "doc_ids": [],
                    "doc_model": "dunning.agreement",
                    "report_type": "html",
                },
            )
        )
        return request.make_response(
            html, headers=[("Content-Type", "text/html; charset=utf-8")]
        )

    @http.route(NEGOTIATE_URL + "/accept", type="json", auth="public", website=True)
    def dunning_portal_negotiate_accept(self, name=None, signature=None, **kw):
        """Accept the offer of the query string with the portal signature
        (``portal.signature_form``): the agreement is created, proposed and
        accepted with the name, signature, time and IP; then activated at
        once when the policy lets portal offers within its rules do so, else
        left for the collector's approval."""
        env = request.env
        partner = self._dunning_partner()
        if not partner:
            return {
                "force_refresh": True,
                "redirect_url": "/web/login?" + urlencode({"redirect": PORTAL_URL}),
            }
        params = request.httprequest.args.to_dict()
        lines = self._dunning_request_lines(partner, params.pop("line_ids", None))
        if not (name or "").strip():
            return {"error": env._("Type your name to sign.")}
        try:
            if not signature or not base64.b64decode(signature, validate=True):
                raise ValueError(signature)
        except (ValueError, TypeError, binascii.Error):
            return {"error": env._("Sign in the box to accept the agreement.")}
        # One acceptance at a time per customer: a concurrent (double)
        # submit waits here, then retries on the data the first one wrote.
        env.cr.execute(
            SQL(
                "UPDATE res_partner SET write_date = write_date WHERE id = %s",
                partner.id,
            )
        )
        agreement = self._dunning_portal_agreement(partner, lines)
        if not agreement:
            try:
                with env.cr.savepoint():
                    agreement = self._dunning_portal_create(
                        partner, lines, params, name.strip(), signature
                    )
            except (UserError, ValidationError) as error:
                return {"error": str(error.args[0])}
        if agreement.state == "active":
            text = env._(
                "Thank you: agreement %(name)s is in force. Its installments are "
                "listed below.",
                name=agreement.name,
            )
        else:
            text = env._(
                "Thank you: agreement %(name)s is signed and awaits the approval of "
                "our team. We will let you know.",
                name=agreement.name,
            )
        self._dunning_notice(text)
        return {"force_refresh": True, "redirect_url": PORTAL_URL}

    # ------------------------------------------------------------------
    # Acceptance
    # ------------------------------------------------------------------
    @staticmethod
    def _dunning_portal_agreement(partner, lines):
        """The agreement the customer already accepted on the portal for
        exactly ``lines`` (a second submit of the same acceptance)."""
        agreements = (
            request.env["dunning.agreement"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "in", [s for s in OPEN_STATES if s != "proposed"]),
                    ("acceptance_channel", "=", "portal"),
                    ("line_ids.move_line_id", "in", lines.ids),
                ]
            )
        )
        return agreements.filtered(
            lambda agreement: set(agreement.line_ids.move_line_id.ids) == set(lines.ids)
        )[:1]

    def _dunning_portal_create(self, partner, lines, params, name, signature):
        env = request.env
        wizard, _debt, _terms, violations = self._dunning_request_terms(
            partner, lines, params
        )
        if violations:
            raise ValidationError(
                env._(
                    "This offer goes beyond our negotiation rules:\n%(rules)s",
                    rules="\n".join(f"- {message}" for message in violations),
                )
            )
        company = wizard.company_id
        saved = (
            env["dunning.negotiation.wizard"]
            .sudo()
            .with_company(company)
            .create(
                {
                    fname: wizard[fname]
                    for fname in (
                        "date",
                        "installment_count",
                        "first_due",
                        "period",
                        *OFFER_PARAMS.values(),
                    )
                }
                | {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "policy_id": wizard.policy_id._origin.id,
                    "move_line_ids": [Command.set(lines.ids)],
                }
            )
        )
        action = saved.action_create_agreement()
        agreement = (
            env["dunning.agreement"]
            .sudo()
            .with_company(company)
            .browse(action["res_id"])
        )
        collector = company.sudo()._dunning_follow_up_user_for(partner)
        agreement.user_id = collector
        agreement.action_propose()
        agreement._accept(
            "portal", name, signature=signature, ip=request.httprequest.remote_addr
        )
        policy = agreement.policy_id
        if policy.agreement_portal_self_service and not violations:
            try:
                with env.cr.savepoint():
                    agreement.action_activate()
                return agreement
            except UserError as error:
                reason = str(error.args[0])
        else:
            reason = False
        note = env._(
            "Agreement accepted by the customer on the portal: check it and "
            "activate it."
        )
        if reason:
            note += " " + env._(
                "It could not be activated by itself: %(reason)s", reason=reason
            )
        if collector:
            agreement.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=env._("Approve the agreement accepted on the portal"),
                note=note,
                user_id=collector.id,
            )
        else:
            agreement.message_post(body=note)
        return agreement
