# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import html
import io
import json
import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

from cobranca.agreements import Violation
from PIL import Image

from odoo.tests import tagged

from .portal_common import PortalCommon

OFFER_RE = re.compile(r'href="/my/pendencias/negotiate\?([^"]+)"')


def _signature():
    """A small PNG, as ``portal.signature_form`` sends a drawn signature."""
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


class NegotiateCommon(PortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write(
            {
                "agreement_max_installments": 6,
                "agreement_min_installment": 50.0,
                "agreement_max_fine_waiver": 100.0,
                "agreement_max_interest_waiver": 50.0,
                "agreement_cash_discount": 10.0,
                "agreement_min_down_payment": 10.0,
                "agreement_interest_monthly": 0.0,
                "agreement_first_due_days": 30,
                "agreement_max_broken": 1,
                "agreement_portal_self_service": True,
            }
        )
        account = cls.env["account.account"]
        cls.company.write(
            {
                "city": "Campinas",
                "dunning_agreement_journal_id": cls.company_data[
                    "default_journal_misc"
                ].id,
                "dunning_agreement_income_account_id": account.create(
                    {"name": "Multas", "code": "PNINC", "account_type": "income"}
                ).id,
                "dunning_agreement_waiver_account_id": account.create(
                    {"name": "Dispensas", "code": "PNWVR", "account_type": "expense"}
                ).id,
                "dunning_agreement_discount_account_id": account.create(
                    {"name": "Descontos", "code": "PNDSC", "account_type": "expense"}
                ).id,
            }
        )

    def _offers(self, response=None):
        """The offers of the page: ``{css class suffix: query dict}``."""
        text = (response or self._page()).text
        return [dict(parse_qsl(html.unescape(q))) for q in OFFER_RE.findall(text)]

    def _offer(self, installments):
        for offer in self._offers():
            if offer["installments"] == str(installments):
                return offer
        self.fail(f"no offer in {installments} installment(s)")

    def _accept(self, offer, name="Ana Alfa", signature=None):
        response = self.url_open(
            "/my/pendencias/negotiate/accept?" + urlencode(offer),
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "name": name,
                        "signature": signature or _signature(),
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _agreements(self, partner=None):
        return self.env["dunning.agreement"].search(
            [("partner_id", "=", (partner or self.customer_a).id)]
        )


@tagged("post_install", "-at_install")
class TestPortalNegotiate(NegotiateCommon):
    """ "Negociar" on "Minhas pendências": offers, simulation, acceptance."""

    def test_offers_of_the_rules_for_the_overdue_installments(self):
        self._as(self.user_a)
        offers = self._offers()
        counts = [int(offer["installments"]) for offer in offers]
        self.assertEqual(counts[0], 1)
        self.assertLessEqual(max(counts), 6)
        self.assertIn(3, counts)
        # Only the overdue installment is negotiated, not the one to come.
        self.assertEqual(
            {offer["line_ids"] for offer in offers}, {str(self.line_a_late.id)}
        )
        cash = offers[0]
        self.assertEqual(Decimal(cash["discount"]), 10)
        self.assertEqual(Decimal(cash["down_payment"]), 0)
        self.assertGreater(Decimal(offers[1]["down_payment"]), 0)
        self.assertEqual(offers[1]["first_due"], str(self.today + timedelta(days=30)))

    def test_simulation_shows_schedule_total_saved_and_termo(self):
        self._as(self.user_a)
        offer = self._offer(3)
        page = self.url_open("/my/pendencias/negotiate?" + urlencode(offer))
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_dunning_offer_total", page.text)
        self.assertIn("o_dunning_offer_saved", page.text)
        # Down payment + 3 installments.
        self.assertEqual(page.text.count("o_dunning_offer_row"), 4)
        self.assertIn("portal.signature_form", page.text)
        termo = self.url_open("/my/pendencias/negotiate/termo?" + urlencode(offer))
        self.assertEqual(termo.status_code, 200)
        self.assertIn(self.move_a_late.name, termo.text)
        self.assertIn(self.customer_a.name, termo.text)
        # Nothing was created by looking.
        self.assertFalse(self._agreements())

    def test_accept_within_the_rules_self_service_activates(self):
        self._as(self.user_a)
        result = self._accept(self._offer(3))["result"]
        self.assertEqual(result["redirect_url"], "/my/pendencias")
        agreement = self._agreements()
        self.assertEqual(len(agreement), 1)
        self.assertEqual(agreement.state, "active")
        self.assertEqual(agreement.acceptance_channel, "portal")
        self.assertEqual(agreement.accepted_by_name, "Ana Alfa")
        self.assertTrue(agreement.signature)
        self.assertTrue(agreement.accepted_ip)
        self.assertTrue(agreement.accepted_date)
        self.assertEqual(agreement.installment_count, 3)
        self.assertEqual(agreement.line_ids.move_line_id, self.line_a_late)
        self.assertTrue(self.line_a_late.reconciled)
        self.assertEqual(agreement.user_id, self.collector)
        # The page: the agreement installments are listed, the notice says so.
        page = self._page()
        self.assertIn(agreement.name, page.text)
        self.assertIn("o_dunning_notice", page.text)
        self.assertNotIn("o_dunning_offer ", page.text)

    def test_accept_without_self_service_waits_for_the_collector(self):
        self.policy.agreement_portal_self_service = False
        self._as(None)
        self._page("?token=" + self._token(self.customer_a))
        self._accept(self._offer(1))
        agreement = self._agreements()
        self.assertEqual(agreement.state, "accepted")
        self.assertEqual(agreement.discount_percent, 10.0)
        activity = agreement.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertFalse(self.line_a_late.reconciled)
        page = self._page()
        self.assertIn("o_dunning_agreement_waiting", page.text)
        self.assertFalse(self._offers(page))

    def test_tampered_offer_is_refused_with_the_rule(self):
        self._as(self.user_a)
        offer = self._offer(3)
        cases = {
            "installments": "12",
            "discount": "10",
            "first_due": str(self.today + timedelta(days=90)),
        }
        for field, value in cases.items():
            with self.subTest(field=field):
                tampered = dict(offer, **{field: value})
                error = self._accept(tampered)["result"]["error"]
                self.assertTrue(error)
                page = self.url_open("/my/pendencias/negotiate?" + urlencode(tampered))
                self.assertIn("o_dunning_offer_error", page.text)
                self.assertNotIn("portal.signature_form", page.text)
        # The rule's own message (the one the collector's wizard shows).
        error = self._accept(dict(offer, installments="12"))["result"]["error"]
        agreements = self.env["dunning.agreement"].with_context(lang=self.user_a.lang)
        self.assertIn(
            agreements._dunning_violation_message(
                Violation("max_installments", 6, 12), self.company.currency_id
            ),
            error,
        )
        self.assertFalse(self._agreements())

    def test_double_submit_makes_one_agreement(self):
        self._as(self.user_a)
        offer = self._offer(2)
        first = self._accept(offer)["result"]
        second = self._accept(offer)["result"]
        self.assertEqual(first, second)
        self.assertEqual(len(self._agreements()), 1)

    def test_broken_agreements_limit_offers_nothing(self):
        self._as(self.user_a)
        offer = self._offer(2)
        self.env["dunning.agreement"].create(
            {
                "partner_id": self.customer_a.id,
                "policy_id": self.policy.id,
                "state": "broken",
            }
        )
        self.customer_a.invalidate_recordset()
        page = self._page()
        self.assertIn("o_dunning_negotiate_blocked", page.text)
        self.assertFalse(self._offers(page))
        error = self._accept(offer)["result"]["error"]
        self.assertTrue(error)
        self.assertFalse(self._agreements().filtered(lambda a: a.state != "broken"))


@tagged("post_install", "-at_install")
class TestPortalNegotiateAccess(NegotiateCommon):
    """The access matrix of the negotiation routes."""

    def _offer_a(self):
        self._as(self.user_a)
        offer = self._offer(2)
        self._as(None)
        return offer

    def test_another_customers_installments_like_missing_ones(self):
        offer = self._offer_a()
        self._as(self.user_b)
        other = self._accept(offer)
        missing = self._accept(dict(offer, line_ids="999999999"))
        self.assertEqual(other["error"]["data"]["name"], "werkzeug.exceptions.NotFound")
        for key in ("code", "message"):
            self.assertEqual(other["error"][key], missing["error"][key])
        self.assertEqual(
            other["error"]["data"]["name"], missing["error"]["data"]["name"]
        )
        for route in ("", "/termo"):
            with self.subTest(route=route):
                url = "/my/pendencias/negotiate" + route + "?"
                self.assertEqual(self.url_open(url + urlencode(offer)).status_code, 404)
                self.assertEqual(
                    self.url_open(
                        url + urlencode(dict(offer, line_ids="999999999"))
                    ).status_code,
                    404,
                )
        self.assertFalse(self._agreements())

    def test_visitor_without_or_with_expired_token_signs_in(self):
        offer = self._offer_a()
        for token in (None, self._token(self.customer_a, days=-1)):
            with self.subTest(token=bool(token)):
                self._as(None)
                if token:
                    self.assertLogin(self._page("?token=" + token))
                self.assertLogin(
                    self.url_open(
                        "/my/pendencias/negotiate?" + urlencode(offer),
                        allow_redirects=False,
                    )
                )
                result = self._accept(offer)["result"]
                self.assertIn("/web/login", result["redirect_url"])
        self.assertFalse(self._agreements())

    def test_visitor_with_token_accepts(self):
        offer = self._offer_a()
        self._page("?token=" + self._token(self.customer_a))
        self._accept(offer)
        agreement = self._agreements()
        self.assertEqual(agreement.state, "active")
        # Signed by the customer, not by the public user of the link.
        self.assertFalse(agreement.accepted_uid)
        signed = agreement.message_ids.filtered(
            lambda message: "Ana Alfa" in (message.body or "")
        )
        self.assertEqual(signed.author_id, self.customer_a)

    def test_internal_user_without_collection_rights_gets_nothing(self):
        offer = self._offer_a()
        self._as(self.internal)
        self.assertNotIn("o_dunning_offer", self._page().text)
        self.assertEqual(
            self._accept(offer)["error"]["data"]["name"],
            "werkzeug.exceptions.NotFound",
        )
        self.assertFalse(self._agreements())

    def test_no_internal_field_on_the_pages(self):
        self.customer_a.sudo().dunning_pause_note = "NOTA INTERNA secreta"
        self.policy.agreement_portal_self_service = False
        offer = self._offer_a()
        self._as(self.user_a)
        texts = [
            self.url_open("/my/pendencias/negotiate?" + urlencode(offer)).text,
            self.url_open("/my/pendencias/negotiate/termo?" + urlencode(offer)).text,
        ]
        self._accept(offer)
        agreement = self._agreements()
        agreement.sudo().rule_violations = "VIOLACAO INTERNA"
        texts.append(self._page().text)
        for text in texts:
            for secret in ("NOTA INTERNA", "VIOLACAO INTERNA", self.collector.name):
                self.assertNotIn(secret, text)


@tagged("post_install", "-at_install")
class TestPortalNegotiateTour(NegotiateCommon):
    """Simulate and accept an offer in a real browser."""

    def test_tour_simulate_and_accept_an_offer(self):
        self.start_tour(
            "/my/pendencias", "dunning_portal_negotiate", login="alfa.portal"
        )
        agreement = self._agreements()
        self.assertEqual(len(agreement), 1)
        self.assertEqual(agreement.state, "active")
        self.assertEqual(agreement.installment_count, 3)
        self.assertEqual(agreement.acceptance_channel, "portal")
        self.assertTrue(agreement.signature)
        self.assertTrue(agreement.accepted_ip)
