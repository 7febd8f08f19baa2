# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.tests import tagged

from .portal_common import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalTours(PortalCommon):
    """The main flows of "Minhas pendências" in a real browser."""

    def test_tour_from_a_reminder_link_without_login(self):
        self.start_tour(
            "/my/pendencias?token=" + self._token(self.customer_a),
            "dunning_portal_reminder_link",
        )

    def test_tour_promise_to_pay(self):
        self.start_tour("/my/pendencias", "dunning_portal_promise", login="alfa.portal")
        promise = self.env["dunning.promise"].search(
            [("move_line_id", "=", self.line_a_late.id)]
        )
        self.assertEqual(len(promise), 1)
        self.assertEqual(
            promise.date, self.today + timedelta(days=self.policy.promise_max_days)
        )
        self.assertEqual(promise.state, "open")

    def test_tour_preferences(self):
        self.start_tour(
            "/my/pendencias?token=" + self._token(self.customer_a),
            "dunning_portal_preferences",
        )
        self.assertTrue(self.customer_a.dunning_opt_out_sms)
        self.assertEqual(self.customer_a.mobile, "+55 11 98888-7777")
        self.assertFalse(self.customer_a.dunning_opt_out_email)
