# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bureau adapter that writes a CSV file to upload on the bureau's site.

Listing file (``inclusoes-<bureau>-<date>.csv``): UTF-8, ``;`` separated,
one header line, then one line per installment, columns in this order:

=================  ============================================================
``referencia``     our reference of the listing (unique, for the bureau's
                   idempotency and for the removal)
``tipo``           ``NEGATIVACAO`` (credit-bureau listing) or ``PROTESTO``
``documento``      debtor's CPF (11 digits) or CNPJ (14 characters)
``nome``           debtor's name
``endereco``       debtor's address: street, complement, CEP, city, state
``contrato``       document number: the invoice (or agreement) number and the
                   installment's id, ``INV/2025/00001/123``
``vencimento``     due date of the installment, ``YYYY-MM-DD``
``valor``          open amount as of the queue date, ``1234.56`` (point)
``data_inclusao``  date the item was queued (the evidence's date)
``natureza``       nature of the debt: ``FATURA`` (invoice) or ``ACORDO``
                   (installment agreement)
=================  ============================================================

Removal file (``exclusoes-<bureau>-<date>.csv``): ``referencia``, ``tipo``,
``documento``, ``contrato``, ``valor``, ``data_pagamento`` (``YYYY-MM-DD``).

The file is an attachment of the bureau and of each item; the collection
manager uploads it and then confirms the listing (or the removal) on the
items.
"""

import csv
import io

from odoo import api, fields, models

LISTING_COLUMNS = (
    "referencia",
    "tipo",
    "documento",
    "nome",
    "endereco",
    "contrato",
    "vencimento",
    "valor",
    "data_inclusao",
    "natureza",
)
REMOVAL_COLUMNS = (
    "referencia",
    "tipo",
    "documento",
    "contrato",
    "valor",
    "data_pagamento",
)


class DunningNegativationAdapterCsv(models.AbstractModel):
    _name = "dunning.negativation.adapter.csv"
    _inherit = "dunning.negativation.adapter"
    _description = "Credit Bureau Adapter: CSV File"

    @api.model
    def _write_file(self, bureau, prefix, columns, rows):
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=columns, delimiter=";", lineterminator="\r\n"
        )
        writer.writeheader()
        writer.writerows(rows)
        today = fields.Date.context_today(self)
        return self.env["ir.attachment"].create(
            {
                "name": f"{prefix}-{bureau.id}-{today.isoformat()}.csv",
                "raw": buffer.getvalue().encode("utf-8"),
                "mimetype": "text/csv",
                "res_model": bureau._name,
                "res_id": bureau.id,
            }
        )

    @api.model
    def _rows(self, items, build):
        results, rows = {}, []
        for item in items:
            try:
                rows.append(build(item))
            except ValueError as error:
                results[item.id] = {"error": str(error)}
                continue
            results[item.id] = {"reference": item.reference}
        return results, rows

    @api.model
    def _send(self, bureau, items):
        def build(item):
            values = self._item_values(item)
            return {column: values[column] for column in LISTING_COLUMNS}

        results, rows = self._rows(items, build)
        if rows:
            attachment = self._write_file(bureau, "inclusoes", LISTING_COLUMNS, rows)
            for result in results.values():
                if "error" not in result:
                    result["attachment_id"] = attachment.id
        return results

    @api.model
    def _request_removal(self, bureau, items):
        def build(item):
            values = self._item_values(item)
            return {
                **{column: values[column] for column in REMOVAL_COLUMNS[:-1]},
                "data_pagamento": item.payment_date.isoformat(),
            }

        results, rows = self._rows(items, build)
        if rows:
            attachment = self._write_file(bureau, "exclusoes", REMOVAL_COLUMNS, rows)
            for result in results.values():
                if "error" not in result:
                    result["attachment_id"] = attachment.id
        return results
