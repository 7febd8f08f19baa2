# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Constants of the ``dunning_pix`` payment provider."""

from cobranca.pix import DEFAULT_EXPIRACAO, MAX_STATIC_TXID_LENGTH

PROVIDER_CODE = "dunning_pix"

#: Odoo's own payment methods the provider offers (``payment.payment_method_*``):
#: Pix, and boleto for the invoices of a company with a boleto agreement.
BOLETO_METHOD_CODE = "boleto"
DEFAULT_PAYMENT_METHOD_CODES = {"pix", BOLETO_METHOD_CODE}

SUPPORTED_CURRENCIES = ("BRL",)

#: txid namespaces (``cobranca.pix.charge_txid``): a charge with due date per
#: installment, an immediate charge per portal transaction.
TXID_NAMESPACE_COBV = "dun"
TXID_NAMESPACE_COB = "dunpay"

#: OAuth2 scopes asked to the PSP.
SCOPES = "cob.write cob.read cobv.write cobv.read pix.read pix.write webhook.write"

#: Route of the webhook: the PSP POSTs to ``{webhookUrl}/pix``.
WEBHOOK_ROUTE = "/payment/dunning_pix/webhook"
PROCESS_ROUTE = "/payment/dunning_pix/process"
#: Pix confirmed with the PSP per webhook request: the first ones (distinct
#: end-to-end ids, not booked yet) are confirmed and booked, the rest are
#: left to the polling, which reads every Pix received. The answer is 200
#: either way: a PSP retrying a body it was refused would never get past it.
WEBHOOK_MAX_ITEMS = 100
#: Larger webhook bodies are refused (413) without being read.
WEBHOOK_MAX_BYTES = 1024 * 1024

#: Pix received are polled back this far before the last poll, so that an
#: interrupted or overlapping run never leaves a hole.
POLL_OVERLAP_MINUTES = 10
#: First poll of a provider: how far back to look.
POLL_FIRST_DAYS = 5

#: ``calendario.expiracao`` of an immediate charge, in seconds: the API's
#: default, one day.
COB_EXPIRATION = DEFAULT_EXPIRACAO

#: Installments given a Pix charge per batch by the scheduled action (one
#: commit each).
CHARGES_PER_BATCH = 50

#: Length of the txid of a static BR Code (``cobranca.pix.static_txid``): the
#: matching of bank statement lines looks for runs of this many characters.
STATIC_TXID_LENGTH = MAX_STATIC_TXID_LENGTH
#: Bank statement lines matched per batch (one flush and log line each).
STATEMENT_MATCH_BATCH = 200

#: The sandbox PSP of the repository (package ``sandbox.pix_psp``): a provider in
#: test mode whose API runs on one of these hosts offers "Simulate a Payment",
#: which calls this control endpoint of the sandbox (not part of the API Pix).
SANDBOX_HOSTS = ("127.0.0.1", "localhost", "::1")
SANDBOX_PAY_PATH = "/sandbox/pay"
#: Seconds: the sandbox answers once it has notified the webhook.
SANDBOX_PAY_TIMEOUT = 30
