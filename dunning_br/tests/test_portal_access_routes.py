# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import html
import re

from odoo.tests import tagged

from .portal_common import PortalCommon

MISSING = 999999999


@tagged("post_install", "-at_install")
class TestPortalAccessRoutes(PortalCommon):
    """The access matrix of the other routes of "Minhas pendências" (the
    page and the promise are in ``TestPortalAccess``): customer A, customer
    B, a visitor with a token, without one, with an expired one, and an
    internal user without collection rights. Another customer's installment
    gets the same answer as a missing one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # B's installment paid: a leak would show it among the paid ones.
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.move_b.ids
        ).create({})._create_payments()

    def _status(self, *ids):
        return self.url_open(
            "/my/pendencias/status?line_ids=" + ",".join(str(i) for i in ids)
        )

    def _who(self, who):
        """Open a session as ``who``: a user, ``"token"``, ``"expired"`` or
        None (a visitor without a token)."""
        if who == "token":
            self._as(None)
            self._page("?token=" + self._token(self.customer_a))
        elif who == "expired":
            self._as(None)
            self._page("?token=" + self._token(self.customer_a, days=-1))
        else:
            self._as(who)

    def test_status_not_yours_is_answered_as_missing(self):
        for who in (self.user_a, "token", self.internal):
            self._who(who)
            other = self._status(self.line_b.id)
            missing = self._status(MISSING)
            self.assertEqual(other.status_code, 200, who)
            self.assertEqual(other.json(), {"paid": []}, who)
            self.assertEqual(missing.json(), other.json(), who)
        # B sees its own payment.
        self._who(self.user_b)
        self.assertEqual(
            self._status(self.line_b.id).json(), {"paid": [self.line_b.id]}
        )
        self.assertEqual(self._status(self.line_a_late.id).json(), {"paid": []})

    def test_status_without_access_is_refused(self):
        for who in (None, "expired"):
            self._who(who)
            for line_id in (self.line_b.id, self.line_a_late.id, MISSING):
                response = self._status(line_id)
                self.assertEqual(response.status_code, 403, who)
                self.assertEqual(response.json(), {"paid": []})

    def _preferences(self, csrf=None, **data):
        data.setdefault("opt_out_email", "on")
        data.setdefault("mobile", "+55 11 98888-7777")
        if csrf is None:
            csrf = self._csrf()
        data["csrf_token"] = csrf
        return self.url_open(
            "/my/pendencias/preferences", data=data, allow_redirects=False
        )

    def _opted_out(self):
        return {
            partner: partner.dunning_opt_out_email
            for partner in (self.customer_a, self.customer_b)
        }

    def test_preferences_change_only_the_own_customer(self):
        # A partner id built by hand in the request is ignored.
        for who, own in (
            (self.user_a, self.customer_a),
            ("token", self.customer_a),
            (self.user_b, self.customer_b),
        ):
            (self.customer_a | self.customer_b).dunning_opt_out_email = False
            self._who(who)
            other = self.customer_b if own == self.customer_a else self.customer_a
            response = self._preferences(partner_id=other.id)
            self.assertEqual(response.status_code, 303, who)
            self.env.invalidate_all()
            self.assertEqual(self._opted_out(), {own: True, other: False}, who)

    def test_preferences_without_access_sign_in(self):
        for who in (None, "expired"):
            self._who(who)
            self.url_open("/web/login")
            csrf = self._csrf_of_login()
            response = self._preferences(csrf=csrf, partner_id=self.customer_a.id)
            self.assertLogin(response)
        self.env.invalidate_all()
        self.assertEqual(
            self._opted_out(), {self.customer_a: False, self.customer_b: False}
        )

    def test_preferences_of_an_internal_user_touch_no_customer(self):
        self._who(self.internal)
        response = self._preferences(partner_id=self.customer_a.id)
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(
            self._opted_out(), {self.customer_a: False, self.customer_b: False}
        )

    def _csrf_of_login(self):
        page = self.url_open("/web/login")
        return html.unescape(re.search(r'csrf_token: "([^"]+)"', page.text).group(1))
