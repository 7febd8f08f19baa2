# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib
import logging
import os
import shutil
import tempfile
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import urlencode

from cobranca.pix import (
    PixApiClient,
    PixError,
    build_brcode,
    fit_merchant_city,
    fit_merchant_name,
    normalize_key,
)

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import const

_logger = logging.getLogger(__name__)

#: One API Pix client per provider configuration and process: the OAuth2 token
#: is reused between requests and cron runs.
_CLIENTS = {}
_CLIENTS_LOCK = threading.Lock()


def _write_pem(folder, name, data):
    """Write base64 ``data`` (a Binary field) to ``folder/name``, readable by
    this user only; return the path."""
    path = os.path.join(folder, name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(base64.b64decode(data))
    return path


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    code = fields.Selection(
        selection_add=[(const.PROVIDER_CODE, "Pix (API Pix)")],
        ondelete={const.PROVIDER_CODE: "set default"},
    )
    dunning_pix_mode = fields.Selection(
        [
            ("static", "Static BR Code (no PSP contract)"),
            ("dynamic", "Charges through the PSP's API Pix"),
        ],
        string="Pix Mode",
        default="dynamic",
        required_if_provider=const.PROVIDER_CODE,
        help="Static: a BR Code with the company's Pix key, the amount and a txid per "
        "installment, matched from the bank statement. Dynamic: charges with due "
        "date (cobv) created through the PSP, confirmed by its webhook.",
    )
    dunning_pix_key = fields.Char(
        string="Pix Key",
        required_if_provider=const.PROVIDER_CODE,
        help="The company's Pix key at the PSP (CPF/CNPJ, e-mail, +55 phone or "
        "random key).",
    )
    dunning_pix_bank_id = fields.Many2one(
        "res.partner.bank",
        string="Pix Bank Account",
        domain="[('partner_id', '=', company_partner_id)]",
        help="Bank account of the company whose Pix key (Localization Brazil) "
        "fills the key above.",
    )
    company_partner_id = fields.Many2one(related="company_id.partner_id")
    dunning_pix_base_url = fields.Char(
        string="API Pix Base URL",
        help="API root including the version, e.g. https://pix.example.com/api/v2",
    )
    dunning_pix_token_url = fields.Char(string="OAuth2 Token URL")
    dunning_pix_client_id = fields.Char(string="Client ID", groups="base.group_system")
    dunning_pix_client_secret = fields.Char(
        string="Client Secret", groups="base.group_system"
    )
    dunning_pix_certificate = fields.Binary(
        string="Client Certificate (PEM)",
        attachment=True,
        groups="base.group_system",
        help="Certificate issued by the PSP for mutual TLS.",
    )
    dunning_pix_certificate_key = fields.Binary(
        string="Client Certificate Key (PEM)",
        attachment=True,
        groups="base.group_system",
    )
    dunning_pix_ca_certificate = fields.Binary(
        string="PSP CA Certificate (PEM)",
        attachment=True,
        groups="base.group_system",
        help="Only when the PSP's server certificate is not signed by a public "
        "authority (e.g. ICP-Brasil or a homologation environment).",
    )
    dunning_pix_webhook_url = fields.Char(
        string="Webhook URL",
        compute="_compute_dunning_pix_webhook_url",
        store=True,
        readonly=False,
        help="Registered at the PSP, which POSTs the Pix received to this URL "
        "followed by /pix.",
    )
    dunning_pix_income_account_id = fields.Many2one(
        "account.account",
        string="Fine and Interest Account",
        check_company=True,
        help="Income account of the fine and interest received, as the PSP "
        "reports them in the Pix (componentesValor). Without it, they are left "
        "as the customer's credit for the collector to decide.",
    )
    dunning_pix_discount_account_id = fields.Many2one(
        "account.account",
        string="Discount Account",
        check_company=True,
        help="Expense account of the discounts and abatements granted, as the "
        "PSP reports them in the Pix (componentesValor). A Pix below the amount "
        "due is never written off: the rest stays open.",
    )
    dunning_pix_tolerance = fields.Monetary(
        string="Rounding Tolerance",
        currency_field="main_currency_id",
        default=0.0,
        help="The only difference between the amount paid and the amount due "
        "that is written off silently (to the accounts above). Any larger "
        "difference leaves the installment partially paid, or the excess as "
        "the customer's credit, and schedules an activity for the collector.",
    )
    dunning_pix_last_poll = fields.Datetime(
        string="Last Poll",
        readonly=True,
        help="Pix received up to this time were read from the PSP.",
    )
    dunning_pix_charge_count = fields.Integer(
        compute="_compute_dunning_pix_charge_count"
    )

    @api.depends("code")
    def _compute_dunning_pix_webhook_url(self):
        for provider in self:
            if provider.code == const.PROVIDER_CODE and not (
                provider.dunning_pix_webhook_url
            ):
                provider.dunning_pix_webhook_url = (
                    provider.get_base_url() + const.WEBHOOK_ROUTE
                )

    def _compute_dunning_pix_charge_count(self):
        groups = self.env["dunning.pix.charge"]._read_group(
            [("provider_id", "in", self.ids)], ["provider_id"], ["__count"]
        )
        counts = {provider.id: count for provider, count in groups}
        for provider in self:
            provider.dunning_pix_charge_count = counts.get(provider.id, 0)

    @api.depends("code", "dunning_pix_mode")
    def _compute_feature_support_fields(self):
        res = super()._compute_feature_support_fields()
        self.filtered(
            lambda p: p.code == const.PROVIDER_CODE and p.dunning_pix_mode == "dynamic"
        ).support_refund = "partial"
        return res

    @api.constrains("dunning_pix_tolerance")
    def _check_dunning_pix_tolerance(self):
        for provider in self:
            if provider.dunning_pix_tolerance < 0:
                raise ValidationError(
                    self.env._("The rounding tolerance cannot be negative.")
                )

    @api.constrains("code", "dunning_pix_key")
    def _check_dunning_pix_key(self):
        for provider in self.filtered(
            lambda p: p.code == const.PROVIDER_CODE and p.dunning_pix_key
        ):
            try:
                normalize_key(provider.dunning_pix_key)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "The Pix key of %(provider)s is invalid: %(error)s",
                        provider=provider.name,
                        error=error,
                    )
                ) from error

    @api.onchange("dunning_pix_bank_id")
    def _onchange_dunning_pix_bank_id(self):
        bank = self.dunning_pix_bank_id
        if bank and bank.proxy_type in ("email", "mobile", "br_cpf_cnpj", "br_random"):
            self.dunning_pix_key = bank.proxy_value

    def _get_supported_currencies(self):
        supported = super()._get_supported_currencies()
        if self.code == const.PROVIDER_CODE:
            supported = supported.filtered(
                lambda c: c.name in const.SUPPORTED_CURRENCIES
            )
        return supported

    def _get_default_payment_method_codes(self):
        default_codes = super()._get_default_payment_method_codes()
        if self.code != const.PROVIDER_CODE:
            return default_codes
        return const.DEFAULT_PAYMENT_METHOD_CODES

    def action_dunning_pix_register_webhook(self):
        """``PUT /webhook/{chave}``: the PSP will notify the Pix received."""
        self.ensure_one()
        self._dunning_pix_check_dynamic()
        try:
            self._dunning_pix_client().put_webhook(
                self.dunning_pix_key, self.dunning_pix_webhook_url
            )
        except (PixError, ValueError) as error:
            raise UserError(
                self.env._("The PSP refused the webhook: %(error)s", error=error)
            ) from error
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Webhook registered: %(url)s/pix", url=self.dunning_pix_webhook_url
                ),
            },
        }

    def action_dunning_pix_view_charges(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "dunning_br_pix.dunning_pix_charge_action"
        )
        action["domain"] = [("provider_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------
    # API Pix
    # ------------------------------------------------------------------
    def _dunning_pix_check_dynamic(self):
        self.ensure_one()
        if self.code != const.PROVIDER_CODE or self.dunning_pix_mode != "dynamic":
            raise UserError(
                self.env._("%(provider)s does not use the API Pix.", provider=self.name)
            )
        provider = self.sudo()
        if not (
            provider.dunning_pix_base_url
            and provider.dunning_pix_token_url
            and provider.dunning_pix_client_id
            and provider.dunning_pix_client_secret
        ):
            raise UserError(
                self.env._(
                    "Set the base URL, token URL, client ID and client secret of "
                    "%(provider)s.",
                    provider=self.name,
                )
            )

    def _dunning_pix_client(self):
        """The API Pix client of this provider (cached per configuration)."""
        self.ensure_one()
        self._dunning_pix_check_dynamic()
        provider = self.sudo()
        certificate = provider.dunning_pix_certificate or b""
        certificate_key = provider.dunning_pix_certificate_key or b""
        ca_certificate = provider.dunning_pix_ca_certificate or b""
        fingerprint = hashlib.sha256(
            "\0".join(
                [
                    provider.dunning_pix_base_url,
                    provider.dunning_pix_token_url,
                    provider.dunning_pix_client_id,
                    provider.dunning_pix_client_secret,
                    hashlib.sha256(certificate).hexdigest(),
                    hashlib.sha256(certificate_key).hexdigest(),
                    hashlib.sha256(ca_certificate).hexdigest(),
                ]
            ).encode()
        ).hexdigest()
        cache_key = (self.env.cr.dbname, self.id)
        with _CLIENTS_LOCK:
            cached = _CLIENTS.get(cache_key)
            if cached and cached[0] == fingerprint:
                return cached[1]
            cert = None
            verify = True
            folder = None
            if certificate or ca_certificate:
                # requests reads certificates from files only: a private folder
                # of this process, kept while the client lives.
                folder = tempfile.mkdtemp(prefix="dunning_pix_")
            if certificate:
                cert = _write_pem(folder, "cert.pem", certificate)
                if certificate_key:
                    cert = (cert, _write_pem(folder, "key.pem", certificate_key))
            if ca_certificate:
                verify = _write_pem(folder, "ca.pem", ca_certificate)
            client = PixApiClient(
                provider.dunning_pix_base_url,
                provider.dunning_pix_token_url,
                provider.dunning_pix_client_id,
                provider.dunning_pix_client_secret,
                cert=cert,
                verify=verify,
                timeout=(5, 15),
                retries=2,
                scope=const.SCOPES,
            )
            if cached:
                cached[1].close()
                if cached[2]:
                    shutil.rmtree(cached[2], ignore_errors=True)
            _CLIENTS[cache_key] = (fingerprint, client, folder)
            return client

    def _dunning_pix_static_brcode(self, amount, txid):
        """A static BR Code for ``amount`` (Decimal) with ``txid`` (cobranca's
        builder: txid of at most 25 characters, ASCII name and city)."""
        self.ensure_one()
        company = self.company_id
        return build_brcode(
            key=self.dunning_pix_key,
            merchant_name=fit_merchant_name(company.name),
            merchant_city=fit_merchant_city(company.city or "Brasilia"),
            amount=amount,
            txid=txid,
        )

    @api.model
    def _dunning_pix_qr_data_url(self, payload):
        """A PNG QR code of ``payload`` as a data URL."""
        png = self.env["ir.actions.report"].barcode(
            "QR", payload, width=240, height=240, quiet=True
        )
        return "data:image/png;base64," + base64.b64encode(png).decode()

    @api.model
    def _dunning_pix_qr_url(self, payload, base_url):
        """An absolute URL of the PNG QR code of ``payload`` (Odoo's public
        ``/report/barcode`` route), for e-mails: most e-mail clients do not
        show images given as data URLs."""
        query = urlencode(
            {
                "barcode_type": "QR",
                "value": payload,
                "width": 240,
                "height": 240,
                "quiet": 1,
            }
        )
        return f"{base_url}/report/barcode/?{query}"

    @api.model
    def _dunning_pix_active(self, mode=None, companies=None):
        """The Pix providers in use (enabled or in test mode), as superuser:
        of ``mode`` ('static' or 'dynamic') and of ``companies`` when given."""
        domain = [
            ("code", "=", const.PROVIDER_CODE),
            ("state", "in", ("enabled", "test")),
        ]
        if mode:
            domain.append(("dunning_pix_mode", "=", mode))
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        return self.sudo().search(domain)

    @api.model
    def _dunning_pix_for_company(self, company):
        """The enabled Pix provider of ``company``, if any."""
        return self._dunning_pix_active(companies=company)[:1]

    # ------------------------------------------------------------------
    # Pix received (webhook and polling)
    # ------------------------------------------------------------------
    def _dunning_pix_confirm(self, e2eid):
        """Re-read ``GET /pix/{e2eid}`` from the PSP: the only source trusted."""
        self.ensure_one()
        return self._dunning_pix_client().get_pix(e2eid)

    def _dunning_pix_process_pix(self, pix):
        """Book one Pix received as the PSP describes it (a dict of the API).

        Idempotent per ``endToEndId`` (unique index: whichever of the webhook,
        the polling or a charge's refresh comes first books it); refunds
        listed in ``devolucoes`` are settled on their refund transactions. A
        Pix whose txid matches nothing, or a second Pix of a charge already
        paid, is recorded to review (with an activity), not booked. Returns
        the ``dunning.pix.payment`` booked or found, or an empty recordset.
        """
        self.ensure_one()
        received = self.env["dunning.pix.payment"].sudo()
        e2eid = pix.get("endToEndId")
        if not e2eid:
            return received
        self._dunning_pix_process_refunds(pix)
        existing = received.search([("e2eid", "=", e2eid)])
        if existing:
            return existing
        txid = pix.get("txid")
        charge = (
            self.env["dunning.pix.charge"]
            .sudo()
            .search([("txid", "=", txid), ("provider_id", "=", self.id)], limit=1)
            if txid
            else self.env["dunning.pix.charge"]
        )
        Tx = self.env["payment.transaction"].sudo()
        tx = Tx.browse()
        if txid:
            tx = Tx.search(
                [
                    ("dunning_pix_txid", "=", txid),
                    ("provider_id", "=", self.id),
                    ("operation", "!=", "refund"),
                ],
                order="id desc",
                limit=1,
            )
        review_reason = None
        # Written for the company's users, in the company's language.
        texts = self.env["dunning.engine"]._in_company_lang(self.company_id).env
        paid_text = self.company_id.currency_id.with_env(texts).format(
            float(Decimal(str(pix.get("valor") or 0)))
        )
        if not txid:
            review_reason = texts._(
                "Pix %(e2eid)s of %(amount)s was received without a txid: it pays "
                "no charge of Odoo.",
                e2eid=e2eid,
                amount=paid_text,
            )
        elif not charge and not tx:
            review_reason = texts._(
                "Pix %(e2eid)s of %(amount)s was received for the txid %(txid)s, "
                "which matches no charge of %(provider)s.",
                e2eid=e2eid,
                amount=paid_text,
                txid=txid,
                provider=self.name,
            )
        elif not charge and tx.state == "cancel":
            review_reason = texts._(
                "Pix %(e2eid)s of %(amount)s paid the transaction %(reference)s, "
                "which is cancelled: refund it or book it by hand.",
                e2eid=e2eid,
                amount=paid_text,
                reference=tx.reference,
            )
        elif charge.state == "paid" or (not charge and tx.state == "done"):
            review_reason = texts._(
                "Pix %(e2eid)s of %(amount)s is a second payment of the charge "
                "%(txid)s, already paid: refund it or book it by hand.",
                e2eid=e2eid,
                amount=paid_text,
                txid=txid,
            )
        if review_reason:
            return received._dunning_pix_book(
                self, charge, pix, review_reason=review_reason
            ) or received.search([("e2eid", "=", e2eid)])
        # Bolepix: the boleto of this charge was already liquidated by the
        # bank's return file with this money: recorded, not booked again.
        settled = charge and self.env[
            "dunning.boleto"
        ]._dunning_boleto_pix_already_settled(self, charge, pix)
        if settled:
            return settled
        booked = received._dunning_pix_book(self, charge, pix)
        if not booked:
            return received.search([("e2eid", "=", e2eid)])
        if charge and (not tx or tx.dunning_pix_charge_id != charge):
            tx = charge._dunning_pix_create_transaction(Decimal(pix["valor"]))
        booked.transaction_id = tx
        tx._handle_notification_data(
            const.PROVIDER_CODE, {"txid": txid, "reference": tx.reference, "pix": pix}
        )
        if tx.state == "done" and not tx.is_post_processed:
            tx._post_process()
        booked.payment_id = tx.payment_id
        if charge:
            charge._dunning_pix_mark_paid(booked)
        return booked

    def _dunning_pix_process_refunds(self, pix):
        """Settle the refunds of ``pix`` the PSP concluded (``devolucoes``)."""
        for devolucao in pix.get("devolucoes") or []:
            self._dunning_pix_settle_refund(devolucao)

    def _dunning_pix_settle_refund(self, devolucao):
        if devolucao.get("status") not in ("DEVOLVIDO", "NAO_REALIZADO"):
            return
        refund_tx = (
            self.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("provider_id", "=", self.id),
                    ("operation", "=", "refund"),
                    ("dunning_pix_refund_id", "=", devolucao.get("id")),
                    ("state", "in", ("draft", "pending")),
                ],
                limit=1,
            )
        )
        if not refund_tx:
            return
        refund_tx._handle_notification_data(
            const.PROVIDER_CODE,
            {"reference": refund_tx.reference, "devolucao": devolucao},
        )
        if refund_tx.state == "done" and not refund_tx.is_post_processed:
            refund_tx._post_process()

    def _dunning_pix_poll_refunds(self):
        """Re-read the refunds still pending (``GET /pix/{e2eid}/devolucao/
        {id}``): a refund whose webhook was lost is settled anyway. Each in
        its own savepoint; returns the refund transactions no longer
        pending."""
        self.ensure_one()
        pending = (
            self.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("provider_id", "=", self.id),
                    ("operation", "=", "refund"),
                    ("state", "in", ("draft", "pending")),
                    ("dunning_pix_refund_id", "!=", False),
                    ("source_transaction_id.provider_reference", "!=", False),
                ]
            )
        )
        client = self._dunning_pix_client()
        for refund_tx in pending:
            e2eid = refund_tx.source_transaction_id.provider_reference
            try:
                with self.env.cr.savepoint():
                    devolucao = client.get_devolucao(
                        e2eid, refund_tx.dunning_pix_refund_id
                    )
                    self._dunning_pix_settle_refund(devolucao)
            except (PixError, UserError, ValidationError, ValueError) as error:
                _logger.error(
                    "Pix refund %s of %s not re-checked: %s",
                    refund_tx.dunning_pix_refund_id,
                    e2eid,
                    error,
                )
        return pending.filtered(lambda tx: tx.state not in ("draft", "pending"))

    def _dunning_pix_poll(self, until=None):
        """Read the Pix received since the last poll (``GET /pix``, every page)
        and book those the webhook missed, each in its own savepoint: one
        that fails to book is logged and does not block the others. The
        clock advances to ``until``, or, when a Pix failed, to just before the
        first that failed, so that the next poll retries it (Pix booked
        meanwhile are found by their end-to-end id and not booked again)."""
        self.ensure_one()
        until = until or datetime.now(timezone.utc)
        if self.dunning_pix_last_poll:
            since = self.dunning_pix_last_poll.replace(tzinfo=timezone.utc) - (
                timedelta(minutes=const.POLL_OVERLAP_MINUTES)
            )
        else:
            since = until - timedelta(days=const.POLL_FIRST_DAYS)
        booked = self.env["dunning.pix.payment"]
        first_failed = None
        for pix in self._dunning_pix_client().iter_pix(since, until):
            try:
                with self.env.cr.savepoint():
                    booked |= self._dunning_pix_process_pix(pix)
            except (PixError, UserError, ValidationError, ValueError) as error:
                _logger.error(
                    "Pix polling of %s: %s not booked, retried next time: %s",
                    self.name,
                    pix.get("endToEndId"),
                    error,
                )
                moment = _pix_moment(pix)
                if moment and (first_failed is None or moment < first_failed):
                    first_failed = moment
        clock = until
        if first_failed is not None:
            # The next poll starts POLL_OVERLAP_MINUTES before the clock: at
            # the latest one second before the first Pix that failed.
            overlap = timedelta(minutes=const.POLL_OVERLAP_MINUTES)
            clock = min(until, first_failed + overlap - timedelta(seconds=1))
        self.dunning_pix_last_poll = clock.replace(tzinfo=None)
        self._dunning_pix_poll_refunds()
        return booked

    @api.model
    def _cron_dunning_pix_poll(self):
        """Scheduled action: poll the Pix received and keep the charges in step
        with their installments. A failing PSP is logged, never fatal."""
        providers = self._dunning_pix_active("dynamic")
        for provider in providers:
            try:
                with self.env.cr.savepoint():
                    provider._dunning_pix_poll()
            except (PixError, UserError, ValueError) as error:
                _logger.error("Pix polling of %s failed: %s", provider.name, error)
            charges = self.env["dunning.pix.charge"].search(
                [("provider_id", "=", provider.id), ("state", "=", "active")]
            )
            charges._dunning_pix_sync()


def _pix_moment(pix):
    """The ``horario`` of a Pix as an aware datetime, or None."""
    try:
        return datetime.fromisoformat(str(pix.get("horario")).replace("Z", "+00:00"))
    except ValueError:
        return None
