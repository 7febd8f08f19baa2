# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
import re

from cobranca.pix import PixApiError, PixError

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing

from .. import const

_logger = logging.getLogger(__name__)

_E2EID = re.compile(r"[a-zA-Z0-9]{32}")


class DunningPixController(http.Controller):
    @http.route(
        const.PROCESS_ROUTE, type="http", auth="public", methods=["POST"], csrf=False
    )
    def dunning_pix_process(self, **post):
        """The customer got the Pix code: the transaction awaits the payment.

        As core ``payment_custom``, the route never puts a transaction in the
        session: core's ``/payment/transaction`` route, which created the
        transaction of the customer's own checkout, already did. Only that
        transaction moves to pending: an unknown reference, or one that is
        not the session's, changes nothing and gets the same answer (the
        status page of the session's own transaction, if any), so the route
        tells nothing about other transactions, not even whether they exist.
        """
        tx = PaymentPostProcessing()._get_monitored_transaction()
        reference = post.get("reference")
        if (
            tx
            and isinstance(reference, str)
            and tx.provider_code == const.PROVIDER_CODE
            and tx.reference == reference
            and tx.state == "draft"
        ):
            tx._handle_notification_data(const.PROVIDER_CODE, {"reference": reference})
        return request.redirect("/payment/status")

    @http.route(
        [const.WEBHOOK_ROUTE + "/pix", const.WEBHOOK_ROUTE + "/<int:provider_id>/pix"],
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
    )
    def dunning_pix_webhook(self, provider_id=None, **_kwargs):
        """``POST {webhookUrl}/pix`` from the PSP.

        The body is never trusted: each ``endToEndId`` is read back from the
        PSP (``GET /pix/{e2eid}``) before anything is booked. The answer is
        always 200 and quick: a Pix that cannot be confirmed now is booked by
        the polling scheduled action later.
        """
        try:
            body = json.loads(request.httprequest.get_data() or b"{}")
            items = body.get("pix") if isinstance(body, dict) else None
        except ValueError:
            items = None
        if not isinstance(items, list):
            _logger.warning("Pix webhook: unexpected body ignored")
            return request.make_json_response({"status": "ignored"})
        env = request.env(su=True)
        domain = [
            ("code", "=", const.PROVIDER_CODE),
            ("state", "in", ("enabled", "test")),
            ("dunning_pix_mode", "=", "dynamic"),
        ]
        if provider_id:
            domain.append(("id", "=", provider_id))
        providers = env["payment.provider"].search(domain)
        for item in items:
            e2eid = item.get("endToEndId") if isinstance(item, dict) else None
            if not isinstance(e2eid, str) or not _E2EID.fullmatch(e2eid):
                _logger.warning("Pix webhook: item without a valid endToEndId ignored")
                continue
            self._dunning_pix_handle(providers, e2eid)
        return request.make_json_response({"status": "ok"})

    def _dunning_pix_handle(self, providers, e2eid):
        """Confirm ``e2eid`` with each provider's PSP until one knows it, then
        book it. A PSP that fails does not keep the others from confirming
        (several companies, each with its own PSP)."""
        failed = False
        for provider in providers:
            try:
                pix = provider._dunning_pix_confirm(e2eid)
            except (PixError, UserError, ValueError) as error:
                if isinstance(error, PixApiError) and error.status == 404:
                    continue  # not a Pix of this provider's PSP
                failed = True
                _logger.error(
                    "Pix webhook: %s not confirmed by %s: %s",
                    e2eid,
                    provider.name,
                    error,
                )
                continue
            try:
                with request.env.cr.savepoint():
                    provider._dunning_pix_process_pix(pix)
            except (PixError, UserError, ValidationError, ValueError) as error:
                _logger.error("Pix webhook: %s not booked: %s", e2eid, error)
            return
        if not failed:
            _logger.warning(
                "Pix webhook: %s is unknown to the PSP (forged or replayed): ignored",
                e2eid,
            )
