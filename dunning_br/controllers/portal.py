# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's page "Minhas pendências": every open installment of the
customer's commercial partner with its amount updated to today, promises to
pay, contact preferences and the collection messages received.

Access: a signed token of a reminder's link (valid for the company's number
of days, kept in the session for the next pages), else the signed-in user's
commercial partner. Without either (or with an expired token) the customer
signs in. An installment of another customer gets the same 404 as a missing
one. Pages read as the system and show only what is listed here: no
internal field (notes, collector, flags) reaches them."""

from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import format_date

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.res_partner import PORTAL_URL

SESSION_TOKEN = "dunning_portal_token"
SESSION_NOTICE = "dunning_portal_notice"
#: Installments per page: the totals cover all of them, the cards one page.
PAGE_SIZE = 20

SORTS = {
    "date": lambda item: (item["date_maturity"], item["id"]),
    "date_desc": lambda item: (-item["date_maturity"].toordinal(), item["id"]),
    "amount": lambda item: (-item["total"], item["date_maturity"], item["id"]),
}
FILTERS = {
    "all": lambda item: True,
    "overdue": lambda item: item["status"] == "overdue",
    "upcoming": lambda item: item["status"] in ("upcoming", "due_today"),
}


class DunningPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    @staticmethod
    def _dunning_partner(token=None):
        """The commercial partner whose page is shown (as the system), or
        None when the visitor must sign in."""
        Partner = request.env["res.partner"]
        if token is None:
            token = request.session.get(SESSION_TOKEN)
        if token:
            partner = Partner._dunning_portal_partner_from_token(token)
            if partner:
                request.session[SESSION_TOKEN] = token
                return partner
            request.session.pop(SESSION_TOKEN, None)
        user = request.env.user
        if user._is_public():
            return None
        return user.partner_id.commercial_partner_id.sudo()

    @staticmethod
    def _dunning_login():
        return request.redirect(
            "/web/login?" + urlencode({"redirect": PORTAL_URL}), local=True
        )

    @staticmethod
    def _dunning_line_ids(values):
        """The installment ids of a request (``line_ids``: repeated or
        comma-separated); anything else is dropped."""
        ids = []
        for value in values:
            for part in str(value).split(","):
                if part.strip().isdigit():
                    ids.append(int(part))
        return ids

    @staticmethod
    def _dunning_notice(text, kind="success"):
        request.session[SESSION_NOTICE] = {"text": text, "kind": kind}

    # ------------------------------------------------------------------
    # Portal home
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dunning_pendencias_count" in counters:
            user = request.env.user
            count = 0
            if not user._is_public():
                partner = user.partner_id.commercial_partner_id
                count = (
                    request.env["account.move.line"]
                    .sudo()
                    .search_count(partner._dunning_portal_installment_domain())
                )
            values["dunning_pendencias_count"] = count
        return values

    # ------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------
    @http.route(
        [PORTAL_URL, PORTAL_URL + "/page/<int:page>"],
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def dunning_portal_page(
        self, token=None, sortby="date", filterby="all", page=1, **kw
    ):
        partner = self._dunning_partner(token)
        if not partner:
            return self._dunning_login()
        values = self._dunning_page_values(partner, sortby, filterby, page)
        return request.render("dunning_br.portal_my_pendencias", values)

    def _dunning_page_values(self, partner, sortby, filterby, page=1):
        """The totals of ALL the open installments (plain values, see
        ``res.partner._dunning_portal_summary``) and the cards of one page
        (``PAGE_SIZE``) of those filtered and sorted: the cost of a page does
        not grow with the installments the customer has."""
        sortby = sortby if sortby in SORTS else "date"
        filterby = filterby if filterby in FILTERS else "all"
        summary = partner._dunning_portal_summary()
        currency = (
            summary[0]["currency"] if summary else request.env.company.currency_id
        )
        shown = sorted(filter(FILTERS[filterby], summary), key=SORTS[sortby])
        pager = portal_pager(
            url=PORTAL_URL,
            url_args={"sortby": sortby, "filterby": filterby},
            total=len(shown),
            page=page,
            step=PAGE_SIZE,
        )
        page_ids = [
            item["id"] for item in shown[pager["offset"] : pager["offset"] + PAGE_SIZE]
        ]
        details = {
            item["id"]: item
            for item in partner._dunning_portal_installments(line_ids=page_ids)
        }
        installments = [details[i] for i in page_ids if i in details]
        Partner = request.env["res.partner"]
        for item in installments:
            item["status_label"] = Partner._dunning_portal_status_label(
                item["status"], item["days"]
            )
        return {
            "page_name": "dunning_pendencias",
            "dunning_partner": partner,
            "installments": installments,
            "pager": pager,
            "currency": currency,
            "totals": {
                "count": len(summary),
                "overdue": sum(1 for i in summary if i["status"] == "overdue"),
                "residual": float(sum(i["residual"] for i in summary)),
                "charges": float(sum(i["fine"] + i["interest"] for i in summary)),
                "total": float(sum(i["total"] for i in summary)),
            },
            "sortby": sortby,
            "filterby": filterby,
            "messages": partner._dunning_portal_messages(),
            "notice": request.session.pop(SESSION_NOTICE, None),
        }

    @http.route(
        PORTAL_URL + "/promise",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def dunning_portal_promise(self, line_id=None, date=None, **kw):
        partner = self._dunning_partner()
        if not partner:
            return self._dunning_login()
        line_ids = self._dunning_line_ids([line_id or ""])
        items = partner._dunning_portal_installments(line_ids=line_ids[:1])
        if not line_ids or not items:
            raise NotFound()
        try:
            promised = fields.Date.to_date(date)
        except ValueError:
            promised = None
        if not promised:
            self._dunning_notice(request.env._("Choose a valid date."), "danger")
            return request.redirect(PORTAL_URL)
        try:
            request.env["dunning.promise"]._dunning_promise(items[0]["line"], promised)
        except UserError as error:
            self._dunning_notice(str(error), "danger")
        else:
            self._dunning_notice(
                request.env._(
                    "Thank you: your promise to pay by %(date)s is recorded. We "
                    "will not send reminders about this installment until then.",
                    date=format_date(request.env, promised),
                )
            )
        return request.redirect(PORTAL_URL)

    @http.route(
        PORTAL_URL + "/preferences",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def dunning_portal_preferences(self, email=None, mobile=None, **kw):
        partner = self._dunning_partner()
        if not partner:
            return self._dunning_login()
        values = {
            "dunning_opt_out_email": bool(kw.get("opt_out_email")),
            "dunning_opt_out_sms": bool(kw.get("opt_out_sms")),
        }
        email = (email or "").strip()
        mobile = (mobile or "").strip()
        if email:
            values["email"] = email
        if mobile:
            values["mobile"] = mobile
        if email and "@" not in email:
            self._dunning_notice(
                request.env._("%(email)s is not a valid e-mail address.", email=email),
                "danger",
            )
            return request.redirect(PORTAL_URL + "#dunning_preferences")
        try:
            partner.write(values)
        except ValidationError as error:
            self._dunning_notice(str(error), "danger")
        else:
            self._dunning_notice(request.env._("Your preferences are saved."))
        return request.redirect(PORTAL_URL + "#dunning_preferences")

    @http.route(PORTAL_URL + "/status", type="http", auth="public", methods=["GET"])
    def dunning_portal_status(self, line_ids="", **kw):
        """Which of ``line_ids`` are paid now (the page asks after a payment,
        a bounded number of times): only the customer's own installments are
        answered; the others are left out, missing or not."""
        partner = self._dunning_partner()
        if not partner:
            return request.make_json_response({"paid": []}, status=403)
        wanted = self._dunning_line_ids([line_ids])[:200]
        lines = (
            request.env["account.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("id", "in", wanted),
                    ("partner_id", "=", partner.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                ],
                ["reconciled", "amount_residual"],
            )
        )
        paid = [
            line.id for line in lines if line.reconciled or line.amount_residual <= 0
        ]
        return request.make_json_response({"paid": paid})

    # ------------------------------------------------------------------
    # Statement of debts (extrato de débitos)
    # ------------------------------------------------------------------
    @http.route(PORTAL_URL + "/extrato", type="http", auth="public", methods=["GET"])
    def dunning_portal_statement(self, date=None, **kw):
        """The PDF statement of the visitor's own commercial partner (never
        another's: no partner is taken from the request), updated to
        ``date`` (today by default; a date in the past is today)."""
        partner = self._dunning_partner()
        if not partner:
            return self._dunning_login()
        today = request.env["dunning.engine"].sudo()._today(request.env.company.sudo())
        try:
            day = max(fields.Date.to_date(date) or today, today)
        except ValueError as error:
            raise NotFound() from error
        pdf, _kind = (
            request.env["ir.actions.report"]
            .sudo()
            .with_context(allowed_company_ids=partner._dunning_statement_company_ids())
            ._render_qweb_pdf(
                "dunning_br.action_report_dunning_statement",
                partner.ids,
                data={"date": fields.Date.to_string(day)},
            )
        )
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                (
                    "Content-Disposition",
                    http.content_disposition(f"extrato-{day.isoformat()}.pdf"),
                ),
            ],
        )
