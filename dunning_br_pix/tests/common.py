# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A real API Pix PSP (``sandbox.pix_psp`` of the repository, installed by
``requirements-dev.txt``) for the tests."""

import itertools
import os
from datetime import timedelta

from odoo import fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.dunning_br.tests.common import DunningCommon

from sandbox.pix_psp import DEFAULT_KEY, PixSandbox

CNPJ = "11222333000181"


def _psp_ports():
    """The ports of the tests' PSPs: a free one each time, or, when
    DUNNING_BR_TEST_PSP_PORTS names a range ("8441-8459"), each port of it in
    turn (a new port per test: a kept-alive connection never reaches the
    previous test's PSP)."""
    first, _sep, last = os.environ.get("DUNNING_BR_TEST_PSP_PORTS", "").partition("-")
    if not first:
        return itertools.repeat(0)
    return itertools.cycle(range(int(first), int(last or first) + 1))


PSP_PORTS = _psp_ports()


class PixSandboxCommon(DunningCommon):
    """A company in Brazil with a régua, a Pix provider talking to a sandbox
    PSP bound to 127.0.0.1 on a free port, and a customer with a CNPJ."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("br")
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        # The régua runs on business days only: tests that run it do so on
        # the first business day from today (the same day on weekdays).
        calendar = cls.env["dunning.engine"]._calendar(cls.company)
        cls.run_day = cls.today
        while not calendar.is_business_day(cls.run_day):
            cls.run_day += timedelta(days=1)
        cls.company.city = "São Paulo"
        cls.policy.pix_validity_days = 20
        cls.income_account = cls.env["account.account"].create(
            {
                "name": "Juros e multas recebidos",
                "code": "399001",
                "account_type": "income_other",
            }
        )
        cls.discount_account = cls.env["account.account"].create(
            {
                "name": "Descontos concedidos",
                "code": "399002",
                "account_type": "expense",
            }
        )
        cls.pix_method = cls.env.ref("payment.payment_method_pix")
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Pix (sandbox)",
                "code": "dunning_pix",
                "state": "test",
                "is_published": True,
                "company_id": cls.company.id,
                "dunning_pix_mode": "dynamic",
                "dunning_pix_key": DEFAULT_KEY,
                "dunning_pix_client_id": "odoo-test",
                "dunning_pix_client_secret": "s3cret",
                "dunning_pix_income_account_id": cls.income_account.id,
                "dunning_pix_discount_account_id": cls.discount_account.id,
                "redirect_form_view_id": cls.env.ref("dunning_br_pix.redirect_form").id,
                "payment_method_ids": [fields.Command.set(cls.pix_method.ids)],
            }
        )
        cls.provider.journal_id = cls.company_data["default_journal_bank"]
        # Other Pix providers of the database (e.g. the demo provider that
        # `make run` points at its sandbox) stay out of the tests.
        cls.env["payment.provider"].sudo().search(
            [("code", "=", "dunning_pix"), ("id", "!=", cls.provider.id)]
        ).state = "disabled"
        cls.pix_method.active = True
        cls.customer = cls._customer(
            "Padaria Pão Quente", vat=CNPJ, country_id=cls.env.ref("base.br").id
        )

    def setUp(self):
        super().setUp()
        # A fresh PSP for each test: the txids derive from database ids, which
        # the rolled back tests reuse.
        self.psp = PixSandbox(
            "odoo-test", "s3cret", webhook_timeout=60, port=next(PSP_PORTS)
        ).start()
        self.addCleanup(self.psp.stop)
        # Every request and answer was valid for the official spec.
        self.addCleanup(lambda: self.assertEqual(self.psp.errors, []))
        self.provider.write(
            {
                "dunning_pix_base_url": self.psp.base_url,
                "dunning_pix_token_url": self.psp.token_url,
            }
        )

    def _money(self, amount):
        """``amount`` as the notes for the company's users write it: in the
        company's language (R$ 479,00 in Portuguese, R$ 479.00 in English)."""
        texts = self.env["dunning.engine"]._in_company_lang(self.company).env
        return self.company.currency_id.with_env(texts).format(amount)

    @staticmethod
    def _text(html):
        """The text of an HTML note (an activity's), as a person reads it."""
        return str(html).replace("&nbsp;", "\xa0")

    def _installment(self, days=5, amount=1000.0):
        """An invoice with one installment due in ``days`` days."""
        move = self._invoice(self.customer, self.today + timedelta(days=days), amount)
        return move, move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _charge(self, line):
        return self.env["dunning.pix.charge"]._dunning_pix_ensure(line, self.provider)

    def _requests(self, method, kind):
        return [
            request
            for request in self.psp.api_requests()
            if request.method == method and f"/{kind}/" in request.path
        ]

    def _register_webhook(self):
        self.provider.dunning_pix_webhook_url = (
            self.base_url() + "/payment/dunning_pix/webhook"
        )
        self.provider.action_dunning_pix_register_webhook()
