# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The interface between the listing queue and a bureau.

An adapter is an abstract model ``dunning.negativation.adapter.<name>``
(``<name>`` a value of ``dunning.negativation.bureau.adapter``) that
implements three methods, each taking the bureau and a recordset of
``dunning.negativation`` and answering per record id:

* ``_send(bureau, items)`` → ``{id: {"reference": ..., "attachment_id": ...}
  or {"error": message}}``: list them (an error leaves the item approved);
* ``_request_removal(bureau, items)`` → the same shape, for removals;
* ``_poll(bureau, items)`` → ``{id: "listed" | "removed" | None}``.

:meth:`_item_values` gives the documented fields of an item (the CSV columns
and the API body): see ``dunning.negativation.adapter.csv``.
"""

from cobranca.documents import is_valid_cnpj, is_valid_cpf

from odoo import api, models
from odoo.tools import float_repr


class DunningNegativationAdapter(models.AbstractModel):
    _name = "dunning.negativation.adapter"
    _description = "Credit Bureau Adapter"

    @api.model
    def _send(self, bureau, items):
        raise NotImplementedError

    @api.model
    def _request_removal(self, bureau, items):
        raise NotImplementedError

    @api.model
    def _poll(self, bureau, items):
        return dict.fromkeys(items.ids)

    @api.model
    def _document(self, partner):
        """The CPF or CNPJ of ``partner`` as digits (letters kept for the
        alphanumeric CNPJ), or ``None`` when it has no valid one."""
        raw = "".join(ch for ch in (partner.vat or "") if ch.isalnum()).upper()
        raw = raw.removeprefix("BR")
        if is_valid_cpf(raw) or is_valid_cnpj(raw):
            return raw
        return None

    @api.model
    def _address(self, partner):
        parts = [
            partner.street,
            partner.street2,
            partner.zip,
            partner.city,
            partner.state_id.code,
        ]
        return ", ".join(part for part in parts if part)

    @api.model
    def _item_values(self, item):
        """The fields of ``item`` for the bureau, or raise ValueError with a
        message when it cannot be listed (no CPF/CNPJ, no address)."""
        partner = item.partner_id.commercial_partner_id
        document = self._document(partner)
        if not document:
            raise ValueError(
                self.env._(
                    "%(partner)s has no valid CPF or CNPJ.", partner=partner.name
                )
            )
        address = self._address(partner)
        if not address:
            raise ValueError(
                self.env._("%(partner)s has no address.", partner=partner.name)
            )
        line = item.move_line_id
        return {
            "referencia": item.reference,
            "documento": document,
            "nome": partner.name,
            "endereco": address,
            "contrato": f"{item.move_id.name}/{line.id}",
            "vencimento": item.date_maturity.isoformat(),
            "valor": float_repr(item.amount_residual, 2),
            "data_inclusao": item.queue_date.isoformat(),
            "natureza": "ACORDO" if line.dunning_agreement_id else "FATURA",
            "tipo": "PROTESTO" if item.kind == "protest" else "NEGATIVACAO",
        }
