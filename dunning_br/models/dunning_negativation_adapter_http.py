# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bureau adapter for a JSON API (``POST /inclusoes``, ``POST /exclusoes``,
``GET /inclusoes/{id}``, bearer token): the generic API of the repository's
fake bureau (``python -m sandbox.bureau``), the model for a real bureau's
integration. Every request has the bureau's timeout; an error (HTTP 4xx/5xx,
no connection, an answer without the listing's id) leaves the item where it
was, with the error, to be tried again."""

import logging

import requests

from odoo import api, models

_logger = logging.getLogger(__name__)


class DunningNegativationAdapterHttp(models.AbstractModel):
    _name = "dunning.negativation.adapter.http"
    _inherit = "dunning.negativation.adapter"
    _description = "Credit Bureau Adapter: HTTP API"

    @api.model
    def _call(self, bureau, method, path, body=None):
        """``(json answer, None)`` or ``(None, error message)``."""
        url = bureau.api_url.rstrip("/") + path
        try:
            response = requests.request(
                method,
                url,
                json=body,
                headers={"Authorization": f"Bearer {bureau.api_token or ''}"},
                timeout=bureau.api_timeout or 20,
            )
        except requests.RequestException as error:
            _logger.warning("Bureau %s unreachable: %s", bureau.name, error)
            return None, self.env._("Bureau unreachable: %(error)s", error=error)
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code in (401, 403):
            return None, self.env._(
                "The bureau refused the credentials (HTTP %(status)s).",
                status=response.status_code,
            )
        if response.status_code >= 400:
            detail = payload.get("erro") if isinstance(payload, dict) else ""
            return None, self.env._(
                "The bureau answered HTTP %(status)s %(detail)s",
                status=response.status_code,
                detail=detail or "",
            )
        if not isinstance(payload, dict):
            return None, self.env._("The bureau's answer is not a JSON object.")
        return payload, None

    @api.model
    def _send(self, bureau, items):
        results = {}
        for item in items:
            try:
                body = self._item_values(item)
            except ValueError as error:
                results[item.id] = {"error": str(error)}
                continue
            payload, error = self._call(bureau, "POST", "/inclusoes", body)
            if error:
                results[item.id] = {"error": error}
            elif payload.get("referencia") != item.reference or not payload.get("id"):
                results[item.id] = {
                    "error": self.env._(
                        "The bureau's answer does not match the listing sent."
                    )
                }
            else:
                results[item.id] = {"reference": str(payload["id"])}
        return results

    @api.model
    def _request_removal(self, bureau, items):
        results = {}
        for item in items:
            payload, error = self._call(
                bureau,
                "POST",
                "/exclusoes",
                {
                    "inclusao_id": item.bureau_ref,
                    "data_pagamento": item.payment_date.isoformat(),
                },
            )
            if error:
                results[item.id] = {"error": error}
            elif payload.get("inclusao_id") != item.bureau_ref:
                results[item.id] = {
                    "error": self.env._(
                        "The bureau's answer does not match the removal sent."
                    )
                }
            else:
                results[item.id] = {"reference": item.bureau_ref}
        return results

    @api.model
    def _poll(self, bureau, items):
        states = {"incluida": "listed", "excluida": "removed"}
        results = {}
        for item in items:
            payload, error = self._call(bureau, "GET", f"/inclusoes/{item.bureau_ref}")
            if error:
                _logger.info("Bureau %s: %s", bureau.name, error)
                results[item.id] = None
                continue
            results[item.id] = states.get(payload.get("status"))
        return results
