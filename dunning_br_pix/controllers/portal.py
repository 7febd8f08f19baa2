# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Paying from "Minhas pendências": the stored Pix code of each installment
(QR code and copia e cola), its boleto (linha digitável and PDF) and Odoo's
own payment form, with every provider the company enabled, for the amount
updated to today."""

from decimal import Decimal

from werkzeug.exceptions import NotFound

from odoo import Command, http
from odoo.exceptions import ValidationError
from odoo.http import request

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.dunning_br.controllers.portal import DunningPortal
from odoo.addons.dunning_br.models.res_partner import PORTAL_URL


class DunningPixPortal(DunningPortal, PortalAccount):
    def _dunning_pay_items(self, partner, line_ids, paid_ok=False):
        """The open installments of ``line_ids``, all of them the customer's
        (with ``paid_ok``, some may be paid already: they are left out),
        else a 404, the same for a missing id and for another customer's."""
        ids = set(self._dunning_line_ids(line_ids))
        items = partner._dunning_portal_installments(line_ids=ids) if ids else []
        found = {item["id"] for item in items}
        if paid_ok and found != ids:
            found |= set(
                request.env["account.move.line"]
                .sudo()
                .search(
                    [
                        ("id", "in", list(ids - found)),
                        ("partner_id", "=", partner.id),
                        ("account_id.account_type", "=", "asset_receivable"),
                        ("parent_state", "=", "posted"),
                        "|",
                        ("reconciled", "=", True),
                        ("amount_residual", "<=", 0),
                    ]
                )
                .ids
            )
        if not ids or found != ids:
            raise NotFound()
        if len({item["currency"] for item in items}) > 1:
            raise NotFound()
        return items

    def _dunning_payer(self, partner):
        user = request.env.user
        return partner if user._is_public() else user.partner_id

    @http.route(
        PORTAL_URL + "/pay", type="http", auth="public", methods=["GET"], website=True
    )
    def dunning_portal_pay(self, **kw):
        partner = self._dunning_partner()
        if not partner:
            return self._dunning_login()
        line_ids = request.httprequest.args.getlist("line_ids")
        if not line_ids:
            self._dunning_notice(
                request.env._("Select at least one installment to pay."), "warning"
            )
            return request.redirect(PORTAL_URL)
        items = self._dunning_pay_items(partner, line_ids, paid_ok=True)
        if not items:
            # Paid meanwhile (the landing page of a payment): say so.
            return request.render(
                "dunning_br_pix.portal_pendencias_pay",
                {"page_name": "dunning_pendencias", "installments": []},
            )
        total = sum(item["total"] for item in items)
        currency = items[0]["currency"]
        company = items[0]["line"].company_id
        provider = (
            request.env["payment.provider"].sudo()._dunning_pix_for_company(company)
        )
        for item in items:
            line = item["line"]
            item["pix"] = (
                line._dunning_pix_instruction(
                    Decimal(str(item["total"])), provider=provider
                )
                if provider
                else None
            )
            charge = request.env["dunning.pix.charge"].sudo()
            if provider and provider.dunning_pix_mode == "dynamic":
                charge = charge._dunning_pix_current(line, provider)
            item["sandbox"] = bool(charge and charge.is_sandbox)
            boleto = request.env["dunning.boleto"].sudo()._dunning_boleto_current(line)
            item["boleto"] = boleto and boleto._dunning_portal_item()
        ids = ",".join(str(item["id"]) for item in items)
        payer = self._dunning_payer(partner)
        values = self._get_common_page_view_values(
            invoices_data={
                "partner": payer,
                "company": company,
                "total_amount": total,
                "currency": currency,
                "amount_residual": total,
                "payment_reference": False,
                "landing_route": f"{PORTAL_URL}/pay?line_ids={ids}",
                "transaction_route": f"{PORTAL_URL}/transaction/{ids}",
            },
        )
        values.update(
            {
                "page_name": "dunning_pendencias",
                "installments": items,
                "line_ids": ids,
                "amount": total,
                "currency": currency,
                "total": total,
                "all_paid_url": PORTAL_URL,
                "notice": request.session.pop("dunning_portal_notice", None),
            }
        )
        return request.render("dunning_br_pix.portal_pendencias_pay", values)

    @http.route(
        PORTAL_URL + "/transaction/<string:line_ids>", type="json", auth="public"
    )
    def dunning_portal_transaction(self, line_ids, **kwargs):
        """A draft transaction for the installments ``line_ids`` of the
        customer, for their amount updated to today (computed here, whatever
        amount the browser sends)."""
        partner = self._dunning_partner()
        if not partner:
            raise ValidationError(
                request.env._("Your access to this page expired: sign in again.")
            )
        try:
            items = self._dunning_pay_items(partner, [line_ids])
        except NotFound as error:
            raise ValidationError(
                request.env._("These installments cannot be paid here.")
            ) from error
        kwargs.pop("access_token", None)
        self._validate_transaction_kwargs(kwargs)
        kwargs.update(
            {
                "amount": sum(item["total"] for item in items),
                "currency_id": items[0]["currency"].id,
                "partner_id": self._dunning_payer(partner).id,
            }
        )
        moves = request.env["account.move"].sudo()
        for item in items:
            moves |= item["line"].move_id
        tx = self._create_transaction(
            custom_create_values={"invoice_ids": [Command.set(moves.ids)]}, **kwargs
        )
        return tx._get_processing_values()

    @http.route(
        PORTAL_URL + "/pix/simulate",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def dunning_portal_pix_simulate(self, line_id=None, **kw):
        """Test mode with the local sandbox PSP only (demo, tours): pay the
        installment's Pix charge at the sandbox, which notifies the webhook
        as a real PSP would."""
        partner = self._dunning_partner()
        if not partner:
            raise NotFound()
        items = self._dunning_pay_items(partner, [line_id or ""])
        line = items[0]["line"]
        provider = (
            request.env["payment.provider"]
            .sudo()
            ._dunning_pix_for_company(line.company_id)
        )
        charge = request.env["dunning.pix.charge"].sudo()
        if provider:
            charge = charge._dunning_pix_current(line, provider)
        if not charge or not charge.is_sandbox:
            raise NotFound()
        return request.make_json_response(
            {"started": charge._dunning_pix_simulate_later()}
        )

    @http.route(
        ["/my/boleto/<int:boleto_id>", "/my/boleto/<int:boleto_id>/<string:token>"],
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def dunning_portal_boleto_pdf(self, boleto_id, token=None, **kw):
        """The PDF of a boleto, for whoever has its signed link (reminders,
        the invoice page) or is its payer on the portal. Any other request
        gets the same 404, whether the boleto exists or not."""
        boleto = request.env["dunning.boleto"].sudo().browse(boleto_id).exists()
        allowed = False
        if boleto and boleto.state != "cancelled":
            if token:
                allowed = boleto._dunning_portal_check_token(token)
            else:
                partner = self._dunning_partner()
                allowed = bool(partner) and (
                    boleto.partner_id.commercial_partner_id == partner
                )
        if not allowed:
            raise NotFound()
        content, kind = boleto._dunning_render_pdf()
        if kind == "pdf":
            filename = boleto._dunning_pdf_filename()
            headers = [
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(content)),
                ("Content-Disposition", f'inline; filename="{filename}"'),
            ]
        else:
            headers = [("Content-Type", "text/html; charset=utf-8")]
        return request.make_response(content, headers=headers)
