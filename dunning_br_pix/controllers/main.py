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
        PSP (``GET /pix/{e2eid}``) before anything is booked. Before calling
        the PSP, items without a valid end-to-end id, duplicates within the
        body and Pix already booked (unless a refund of theirs is pending)
        are dropped, and at most ``WEBHOOK_MAX_ITEMS`` are confirmed: the
        rest are left to the polling. The answer is always a short JSON
        (200; 413 for an oversized body), never a traceback: a Pix that
        cannot be confirmed or booked now is booked by the polling later.
        """
        try:
            return self._dunning_pix_webhook(provider_id)
        except Exception:
            # The PSP gets a clean answer (and retries), the log the traceback.
            _logger.exception("Pix webhook: request failed")
            request.env.cr.rollback()
            return request.make_json_response({"status": "error"}, status=500)

    def _dunning_pix_webhook(self, provider_id):
        length = request.httprequest.content_length or 0
        if length > const.WEBHOOK_MAX_BYTES:
            _logger.warning("Pix webhook: body of %s bytes refused", length)
            return request.make_json_response({"status": "too_large"}, status=413)
        try:
            body = json.loads(
                request.httprequest.get_data()[: const.WEBHOOK_MAX_BYTES + 1] or b"{}"
            )
            items = body.get("pix") if isinstance(body, dict) else None
        except ValueError:
            items = None
        if not isinstance(items, list):
            _logger.warning("Pix webhook: unexpected body ignored")
            return request.make_json_response({"status": "ignored"})
        env = request.env(su=True)
        e2eids = []
        seen = set()
        invalid = 0
        for item in items:
            e2eid = item.get("endToEndId") if isinstance(item, dict) else None
            if not isinstance(e2eid, str) or not _E2EID.fullmatch(e2eid):
                invalid += 1
                continue
            if e2eid not in seen:
                seen.add(e2eid)
                e2eids.append(e2eid)
        if invalid:
            _logger.warning(
                "Pix webhook: %s items without a valid endToEndId ignored", invalid
            )
        todo = self._dunning_pix_not_booked(env, e2eids)
        capped = todo[: const.WEBHOOK_MAX_ITEMS]
        if len(todo) > len(capped):
            _logger.warning(
                "Pix webhook: %s Pix in one request, the first %s confirmed, the "
                "rest left to the polling",
                len(todo),
                len(capped),
            )
        providers = env["payment.provider"]._dunning_pix_active("dynamic")
        if provider_id:
            providers = providers.filtered(lambda p: p.id == provider_id)
        for e2eid in capped:
            self._dunning_pix_handle(providers, e2eid)
        return request.make_json_response(
            {
                "status": "ok",
                "received": len(items),
                "confirmed": len(capped),
                "left_to_polling": len(todo) - len(capped),
            }
        )

    @staticmethod
    def _dunning_pix_not_booked(env, e2eids):
        """``e2eids`` without those already booked, but with those of a
        refund still pending (the PSP notifies a refund with its Pix)."""
        if not e2eids:
            return []
        booked = set(
            env["dunning.pix.payment"]
            .search_fetch([("e2eid", "in", e2eids)], ["e2eid"])
            .mapped("e2eid")
        )
        if booked:
            refunding = env["payment.transaction"].search_fetch(
                [
                    ("operation", "=", "refund"),
                    ("state", "in", ("draft", "pending")),
                    ("source_transaction_id.provider_reference", "in", list(booked)),
                ],
                ["source_transaction_id"],
            )
            booked -= set(refunding.source_transaction_id.mapped("provider_reference"))
        return [e2eid for e2eid in e2eids if e2eid not in booked]

    def _dunning_pix_handle(self, providers, e2eid):
        """Confirm ``e2eid`` with each provider's PSP until one knows it, then
        book it. A PSP that fails does not keep the others from confirming
        (several companies, each with its own PSP); a Pix that fails to book
        does not keep the others of the request from being booked."""
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
            except Exception:
                # Rolled back to the savepoint: the polling books it later.
                _logger.exception("Pix webhook: %s not booked", e2eid)
            return
        if not failed:
            _logger.warning(
                "Pix webhook: %s is unknown to the PSP (forged or replayed): ignored",
                e2eid,
            )
