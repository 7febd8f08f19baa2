# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import json
import logging
import re
import threading
import time
from decimal import Decimal
from urllib.parse import urlsplit

import requests
from cobranca.charges import applicable_fine_pct, rebase_overdue_charge
from cobranca.pix import (
    DEFAULT_VALIDADE_APOS_VENCIMENTO,
    PixApiError,
    PixApiTimeout,
    PixApiUnavailable,
    PixError,
    api_percent,
    charge_txid,
    cobv_body,
    fit_devedor_nome,
    parse_brcode,
)

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .. import const

_logger = logging.getLogger(__name__)

CENT = Decimal("0.01")


def _rate(value):
    """A rate of the policy as the API Pix carries it (2 decimals, never more
    than the policy says)."""
    return api_percent(Decimal(str(value or 0)))


class DunningPixCharge(models.Model):
    """A Pix charge with due date (``cobv``) of one installment at the PSP."""

    _name = "dunning.pix.charge"
    _description = "Pix Charge"
    _order = "date_due desc, id desc"
    _check_company_auto = True
    _rec_name = "txid"

    txid = fields.Char(required=True, readonly=True, index=True)
    provider_id = fields.Many2one(
        "payment.provider",
        required=True,
        readonly=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Installment",
        required=True,
        readonly=True,
        ondelete="cascade",
        check_company=True,
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id", string="Invoice", store=True, index=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Original Amount", readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    state = fields.Selection(
        [
            ("active", "Active"),
            ("paid", "Paid"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="active",
        readonly=True,
        index=True,
    )
    psp_status = fields.Char(string="PSP Status", readonly=True)
    revision = fields.Integer(readonly=True)
    copia_e_cola = fields.Text(string="Pix Copia e Cola", readonly=True)
    location = fields.Char(readonly=True)
    body_digest = fields.Char(readonly=True)
    last_error = fields.Text(readonly=True)
    payment_ids = fields.One2many(
        "dunning.pix.payment", "charge_id", string="Pix Received"
    )
    is_sandbox = fields.Boolean(
        string="Local Sandbox PSP",
        compute="_compute_is_sandbox",
        help="The provider is in test mode and talks to the sandbox PSP of the "
        "repository on this machine: a payment can be simulated.",
    )

    _sql_constraints = [
        ("txid_uniq", "unique(txid)", "A txid identifies one Pix charge."),
    ]

    @api.depends("provider_id.state", "provider_id.dunning_pix_base_url")
    def _compute_is_sandbox(self):
        for charge in self:
            charge.is_sandbox = bool(charge._dunning_pix_sandbox_origin())

    # ------------------------------------------------------------------
    # Creation and revision
    # ------------------------------------------------------------------
    @api.model
    def _dunning_pix_txid(self, move_line, revision=0):
        """The txid of the charge of ``move_line``: the same every time, so
        that ``PUT /cobv`` is idempotent. ``revision`` n > 0 is the charge of
        what the n paid charges before it left open (the PSP concludes a
        charge at its first Pix, even one below the amount due)."""
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        parts = (uuid, move_line.id, revision) if revision else (uuid, move_line.id)
        return charge_txid(const.TXID_NAMESPACE_COBV, *parts)

    @api.model
    def _dunning_pix_latest(self, move_line):
        """The newest charge of ``move_line`` (any state), if any."""
        return self.sudo().search(
            [("move_line_id", "=", move_line.id)], order="id desc", limit=1
        )

    @api.model
    def _dunning_pix_policy(self, move_line):
        return move_line.move_id._dunning_policy()

    @api.model
    def _dunning_pix_inputs(self, provider, move_line):
        """What the charge of ``move_line`` depends on: its digest tells when
        the charge must be revised (``PATCH``)."""
        partner = move_line.partner_id.commercial_partner_id
        policy = self._dunning_pix_policy(move_line)
        return {
            "key": provider.dunning_pix_key,
            "debtor": [partner.vat, partner.name, partner._dunning_is_consumer()],
            "residual": move_line.amount_residual,
            "due": move_line.date_maturity,
            "policy": [
                policy.id,
                policy.fine_percent,
                policy.interest_monthly_percent,
                policy.pix_validity_days,
            ]
            if policy
            else None,
        }

    @api.model
    def _dunning_pix_body(self, provider, move_line):
        """The ``PUT /cobv/{txid}`` body of an installment: debtor, open amount,
        due date, and the fine, interest and validity of its dunning policy.

        The API Pix refuses a due date before the charge's creation: for an
        installment already overdue, the charge falls due today, for the
        amount the régua computes today (open amount, fine, interest), with
        no fine on top and the interest rate scaled to that amount, so that
        the PSP keeps adding simple interest on the open amount only (rounded
        down, never above the policy's rate)."""
        partner = move_line.partner_id.commercial_partner_id
        policy = self._dunning_pix_policy(move_line)
        residual = Decimal(str(move_line.amount_residual)).quantize(CENT)
        fine = interest = Decimal(0)
        validity = DEFAULT_VALIDADE_APOS_VENCIMENTO
        if policy:
            terms = policy._late_charge_policy()
            fine = applicable_fine_pct(terms, consumer=partner._dunning_is_consumer())
            interest = terms.interest_monthly_pct
            validity = policy.pix_validity_days
        engine = self.env["dunning.engine"]
        today = engine._today(move_line.company_id)
        due, original = move_line.date_maturity, residual
        if due < today:
            due = today
            if policy:
                rebased = rebase_overdue_charge(
                    engine._late_charges(move_line, policy, today)
                )
                original = rebased.amount
                fine, interest = rebased.fine_pct, rebased.interest_monthly_pct
        return cobv_body(
            devedor_cpf_or_cnpj=re.sub(r"[^0-9A-Za-z]", "", partner.vat or ""),
            devedor_nome=fit_devedor_nome(partner.name),
            valor_original=original,
            data_vencimento=due,
            validade_apos_vencimento=validity,
            chave=provider.dunning_pix_key,
            multa_pct=_rate(fine),
            juros_monthly_pct=_rate(interest),
            solicitacao_pagador=self.env._(
                "Installment of %(invoice)s", invoice=move_line.move_id.name
            ),
        )

    @staticmethod
    def _digest(body):
        return hashlib.sha256(
            json.dumps(body, sort_keys=True, default=str).encode()
        ).hexdigest()

    @api.model
    def _dunning_pix_ensure(self, move_lines, provider=None):
        """The active charge of each open installment of ``move_lines``:
        created (``PUT /cobv``) or revised (``PATCH``) only when needed, so
        calling it again changes nothing. Returns the charges."""
        charges = self.browse()
        # The charge is the company's business with its PSP: whoever may see
        # the installment (a billing user, the régua) gets its charge.
        for line in move_lines.sudo():
            line_provider = provider or self.env[
                "payment.provider"
            ]._dunning_pix_for_company(line.company_id)
            if (
                not line_provider
                or line_provider.dunning_pix_mode != "dynamic"
                or line.reconciled
                or line.move_id.state != "posted"
                or line.amount_residual <= 0
                or line.currency_id.name not in const.SUPPORTED_CURRENCIES
                or line.company_currency_id != line.currency_id
            ):
                continue
            charge = self._dunning_pix_latest(line)
            if charge.state == "cancelled":
                continue
            if charge.state == "paid":
                # A Pix below the amount due concluded it: a new charge for
                # the rest (the installment is still open, checked above).
                revision = self.sudo().search_count([("move_line_id", "=", line.id)])
                charge = self.browse()
                txid = self._dunning_pix_txid(line, revision)
            else:
                txid = charge.txid or self._dunning_pix_txid(line)
            digest = self._digest(self._dunning_pix_inputs(line_provider, line))
            if charge and charge.body_digest == digest:
                charges |= charge
                continue
            body = self._dunning_pix_body(line_provider, line)
            client = line_provider._dunning_pix_client()
            if charge:
                cobv = client.patch_cobv(txid, body)
            else:
                cobv = client.put_cobv(txid, body)
            values = charge._dunning_pix_values(cobv)
            values["body_digest"] = digest
            values["date_due"] = body["calendario"]["dataDeVencimento"]
            values["amount"] = float(body["valor"]["original"])
            if charge:
                charge.write(values)
            else:
                charge = self.sudo().create(
                    {
                        "txid": txid,
                        "provider_id": line_provider.id,
                        "company_id": line.company_id.id,
                        "move_line_id": line.id,
                        "partner_id": line.partner_id.commercial_partner_id.id,
                        **values,
                    }
                )
            charges |= charge
        return charges

    @api.model
    def _dunning_pix_current(self, move_line, provider):
        """The stored charge of ``move_line`` if it is active and up to date
        (what rendering shows), else an empty recordset. Reads only: creating
        and revising charges is the run's and the scheduled action's job."""
        charge = self._dunning_pix_latest(move_line).filtered(
            lambda c: c.state == "active"
        )
        if not charge.copia_e_cola or charge.provider_id != provider:
            return self.browse()
        digest = self._digest(self._dunning_pix_inputs(provider, move_line.sudo()))
        return charge if charge.body_digest == digest else self.browse()

    @api.model
    def _dunning_pix_prepare(self, move_lines, down=None):
        """Create or revise the charges of ``move_lines`` (open installments of
        companies with a Pix provider in dynamic mode) before they are shown:
        the régua's batch, the scheduled action. Each installment in a
        savepoint; a PSP that does not answer is not called again for the
        rest of ``move_lines``. Never raises: an installment whose charge
        could not be made shows no Pix code until a later run makes it.
        Return the charges ready; ``down`` (a set), if given, gets the
        providers whose PSP did not answer."""
        providers = {}
        down = set() if down is None else down
        ready = self.browse()
        for line in move_lines.sudo():
            company = line.company_id
            if company not in providers:
                providers[company] = self.env[
                    "payment.provider"
                ]._dunning_pix_for_company(company)
            provider = providers[company]
            if (
                not provider
                or provider.dunning_pix_mode != "dynamic"
                or provider in down
                or line.reconciled
            ):
                continue
            try:
                with self.env.cr.savepoint():
                    ready |= self._dunning_pix_ensure(line, provider)
            except (PixApiTimeout, PixApiUnavailable) as error:
                down.add(provider)
                _logger.error(
                    "Pix charges of %s delayed, the PSP does not answer: %s",
                    provider.name,
                    error,
                )
            except (PixError, UserError, ValueError) as error:
                _logger.error("No Pix charge for %s: %s", line.display_name, error)
                self._dunning_pix_latest(line).last_error = str(error)
        return ready

    @api.model
    def _dunning_pix_lines_without_charge(self, provider, limit=None):
        """Open installments of the provider's company with no Pix charge yet
        (or only paid ones: a Pix below the amount due), the newest first
        (the régua's run makes the charges of the installments it reminds
        itself)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.id
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN res_currency cur ON cur.id = aml.currency_id
                 WHERE aml.company_id = %(company)s
                   AND %(installment)s
                   AND cur.name IN %(currencies)s
                   AND NOT EXISTS (
                       SELECT 1 FROM dunning_pix_charge c
                        WHERE c.move_line_id = aml.id AND c.state != 'paid')
                 ORDER BY aml.id DESC
                 LIMIT %(limit)s
                """,
                company=provider.company_id.id,
                installment=self.env["account.move.line"]._dunning_installment_sql(),
                currencies=tuple(const.SUPPORTED_CURRENCIES),
                limit=limit,
            )
        )
        return self.env["account.move.line"].browse(
            line_id for (line_id,) in self.env.cr.fetchall()
        )

    @api.model
    def _cron_dunning_pix_charges(self, batch_size=const.CHARGES_PER_BATCH):
        """Scheduled action: create the Pix charge of each open installment
        that has none yet (new invoices), batch by batch, each committed, so
        that the invoice page and the reminders have a code to show. A PSP
        that does not answer ends the run; the next one goes on."""
        engine = self.env["dunning.engine"]
        deadline = engine._deadline()
        done = remaining = 0
        providers = self.env["payment.provider"]._dunning_pix_active("dynamic")
        for provider in providers:
            tried = self.env["account.move.line"]
            while time.monotonic() < deadline:
                lines = (
                    self._dunning_pix_lines_without_charge(
                        provider, limit=batch_size + len(tried)
                    )
                    - tried
                )
                if not lines:
                    break
                lines = lines[:batch_size]
                tried |= lines
                down = set()
                done += len(self._dunning_pix_prepare(lines, down))
                engine._commit()
                if down:
                    break  # the PSP does not answer: the next run goes on
            remaining += len(self._dunning_pix_lines_without_charge(provider))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    def _dunning_pix_values(self, cobv):
        payload = cobv.get("pixCopiaECola")
        if payload:
            parse_brcode(payload)
        values = {
            "psp_status": cobv.get("status"),
            "revision": cobv.get("revisao", 0),
            "last_error": False,
        }
        if payload:
            values["copia_e_cola"] = payload
        location = (cobv.get("loc") or {}).get("location") or cobv.get("location")
        if location:
            values["location"] = location
        return values

    def _dunning_pix_sync(self):
        """Keep active charges in step with their installments: revised when
        the open amount or due date changed, removed when paid elsewhere or
        cancelled. Errors are kept on the charge, never raised."""
        for charge in self.filtered(lambda c: c.state == "active"):
            line = charge.move_line_id
            try:
                with self.env.cr.savepoint():
                    if line.reconciled or line.move_id.state != "posted":
                        charge._dunning_pix_cancel()
                    else:
                        self._dunning_pix_ensure(line, charge.provider_id)
            except (PixError, ValueError) as error:
                _logger.error("Pix charge %s: %s", charge.txid, error)
                charge.last_error = str(error)

    def _dunning_pix_cancel(self):
        """Remove the charge at the PSP (``PATCH`` status
        REMOVIDA_PELO_USUARIO_RECEBEDOR), unless it was paid meanwhile."""
        for charge in self:
            client = charge.provider_id._dunning_pix_client()
            try:
                cobv = client.cancel_cobv(charge.txid)
            except PixApiError:
                cobv = client.get_cobv(charge.txid)
                if cobv.get("status") == "ATIVA":
                    raise
            values = charge._dunning_pix_values(cobv)
            if cobv.get("status") != "CONCLUIDA":
                values["state"] = "cancelled"
            charge.write(values)
            # Paid meanwhile: book the Pix (a refund, if any, is a human call).
            for pix in cobv.get("pix") or []:
                charge.provider_id._dunning_pix_process_pix(pix)

    def action_dunning_pix_refresh(self):
        for charge in self:
            cobv = charge.provider_id._dunning_pix_client().get_cobv(charge.txid)
            charge.write(charge._dunning_pix_values(cobv))
            for pix in cobv.get("pix") or []:
                charge.provider_id._dunning_pix_process_pix(pix)

    def action_dunning_pix_cancel(self):
        self._dunning_pix_cancel()

    def action_dunning_pix_simulate_payment(self):
        """Demo and tests only: ask the sandbox PSP of the repository to pay
        the charge today (``POST /sandbox/pay``, outside the API Pix). The
        sandbox then notifies the webhook, which books the Pix as for a real
        one; this method writes nothing itself. A collection manager's
        action: it books a payment."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(
            "dunning_br.group_dunning_manager"
        ):
            raise AccessError(
                self.env._("Only the collection managers simulate Pix payments.")
            )
        self.check_access("read")
        origin = self._dunning_pix_sandbox_origin()
        if not origin or self.state != "active":
            raise UserError(
                self.env._(
                    "A payment can only be simulated for an active charge of a "
                    "provider in test mode using the local sandbox PSP."
                )
            )
        provider = self.provider_id.sudo()
        try:
            response = requests.post(
                origin + const.SANDBOX_PAY_PATH,
                json={"txid": self.txid},
                auth=(
                    provider.dunning_pix_client_id,
                    provider.dunning_pix_client_secret,
                ),
                timeout=const.SANDBOX_PAY_TIMEOUT,
            )
        except requests.RequestException as error:
            raise UserError(
                self.env._("The sandbox PSP did not answer: %(error)s", error=error)
            ) from error
        if response.status_code != 200:
            raise UserError(
                self.env._(
                    "The sandbox PSP refused the payment: %(error)s",
                    error=response.text[:500],
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Pix of %(amount)s paid at the sandbox PSP; its webhook books it.",
                    amount=response.json().get("valor"),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _dunning_pix_simulate_later(self):
        """Demo and tours only: ask the sandbox PSP to pay the charge from a
        thread of its own, so that the request of the customer's page ends
        before the sandbox notifies the webhook (which books the Pix)."""
        self.ensure_one()
        origin = self._dunning_pix_sandbox_origin()
        if not origin or self.state != "active":
            return False
        provider = self.provider_id.sudo()
        body = {"txid": self.txid}
        auth = (provider.dunning_pix_client_id, provider.dunning_pix_client_secret)
        url = origin + const.SANDBOX_PAY_PATH

        def pay():
            try:
                requests.post(
                    url, json=body, auth=auth, timeout=const.SANDBOX_PAY_TIMEOUT
                )
            except requests.RequestException as error:
                _logger.info("Sandbox PSP did not answer: %s", error)

        threading.Thread(
            target=pay, name="dunning_pix_sandbox_pay", daemon=True
        ).start()
        return True

    def _dunning_pix_sandbox_origin(self):
        """``scheme://host:port`` of the provider's PSP when it is the local
        sandbox of a provider in test mode, else None."""
        provider = self.provider_id.sudo()
        if provider.state != "test" or not provider.dunning_pix_base_url:
            return None
        parts = urlsplit(provider.dunning_pix_base_url)
        if parts.hostname not in const.SANDBOX_HOSTS:
            return None
        return f"{parts.scheme}://{parts.netloc}"

    # ------------------------------------------------------------------
    # Payment
    # ------------------------------------------------------------------
    def _dunning_pix_create_transaction(self, amount):
        """A transaction for a Pix received on this charge."""
        self.ensure_one()
        provider = self.provider_id
        method = self.env.ref("payment.payment_method_pix")
        tx_model = self.env["payment.transaction"].sudo()
        return tx_model.create(
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "reference": tx_model._compute_reference(
                    const.PROVIDER_CODE, prefix=self.move_id.name
                ),
                "amount": float(amount),
                "currency_id": self.currency_id.id,
                "partner_id": self.partner_id.id,
                "operation": "online_direct",
                "invoice_ids": [fields.Command.set(self.move_id.ids)],
                "dunning_pix_txid": self.txid,
                "dunning_pix_charge_id": self.id,
                "dunning_pix_move_line_id": self.move_line_id.id,
            }
        )

    def _dunning_pix_mark_paid(self, received):
        """The PSP concluded the charge (it takes no second Pix); the history
        says "paid via Pix" once the installment is paid (a Pix below the
        amount due leaves it open: the régua goes on for the rest)."""
        self.write({"state": "paid", "psp_status": "CONCLUIDA"})
        paid = self.move_line_id.filtered("reconciled")
        if paid:
            self.env["dunning.history"]._dunning_pix_mark_paid(paid, received)
