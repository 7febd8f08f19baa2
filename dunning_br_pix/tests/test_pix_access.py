# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import PixSandboxCommon

PROCESS = "/payment/dunning_pix/process"


@tagged("post_install", "-at_install")
class TestPixAccess(PixSandboxCommon, HttpCase):
    """Who may follow a Pix transaction, create charges, simulate payments."""

    def _customer_checkout(self, move):
        """The customer's own checkout of ``move`` by Pix, in the current
        session (core's ``/invoice/transaction``): the transaction."""
        move._portal_ensure_token()
        values = self.make_jsonrpc_request(
            f"{self.base_url()}/invoice/transaction/{move.id}",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.pix_method.id,
                "token_id": None,
                "amount": move.amount_residual,
                "flow": "redirect",
                "tokenization_requested": False,
                "landing_route": move.get_portal_url(),
                "access_token": move.access_token,
            },
        )
        return self.env["payment.transaction"].search(
            [("reference", "=", values["reference"])]
        )

    def _process(self, reference):
        return self.url_open(
            PROCESS, data={"reference": reference}, allow_redirects=False
        )

    def _poll(self):
        return self.make_jsonrpc_request(f"{self.base_url()}/payment/status/poll")

    def test_someone_elses_reference_shows_nothing(self):
        move, _line = self._installment(days=5, amount=480.0)
        victim_tx = self._customer_checkout(move)
        self.assertEqual(victim_tx.state, "draft")
        self.assertIn("access_token=", victim_tx.landing_route)
        # Another visitor, anonymous, with a session of its own.
        self.authenticate(None, None)
        unknown = self._process("INV/2099/NO-SUCH-REFERENCE")
        someone_elses = self._process(victim_tx.reference)
        # One answer for both: nothing tells that the reference exists.
        self.assertEqual(unknown.status_code, 303)
        self.assertEqual(
            (someone_elses.status_code, someone_elses.headers["Location"]),
            (unknown.status_code, unknown.headers["Location"]),
        )
        self.assertEqual(someone_elses.text, unknown.text)
        status = self.url_open("/payment/status")
        self.assertEqual(status.status_code, 200)
        self.assertNotIn(victim_tx.reference, status.text)
        self.assertNotIn(victim_tx.dunning_pix_copia_e_cola, status.text)
        poll = self._poll()
        self.assertFalse(poll["state"])
        self.assertFalse(poll["landing_route"])
        self.assertNotIn(move.access_token, str(poll))
        self.env.invalidate_all()
        self.assertEqual(victim_tx.state, "draft")

    def test_own_checkout_is_followed(self):
        move, _line = self._installment(days=5, amount=480.0)
        tx = self._customer_checkout(move)
        response = self._process(tx.reference)
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(tx.state, "pending")
        self.assertEqual(self._poll()["state"], "pending")
        # Its own session sending another (unknown) reference changes nothing.
        self.assertEqual(self._process("INV/2099/OTHER").status_code, 303)
        self.assertEqual(self._poll()["state"], "pending")

    def _user(self, login, groups):
        return new_test_user(
            self.env,
            login,
            groups=groups,
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )

    def test_pix_charges_button_needs_the_collection_group(self):
        move, line = self._installment()
        billing = self._user("pix_billing_only", "account.group_account_invoice")
        with self.assertRaises(AccessError):
            move.with_user(billing).action_dunning_pix_charges()
        self.assertFalse(self._requests("PUT", "cobv"))
        collector = self._user("pix_collector", "dunning_br.group_dunning_user")
        action = move.with_user(collector).action_dunning_pix_charges()
        charges = self.env["dunning.pix.charge"].search(action["domain"])
        self.assertEqual(charges.move_line_id, line)
        view = self.env.ref("dunning_br_pix.view_move_form")
        self.assertIn('groups="dunning_br.group_dunning_user"', view.arch_db)

    def test_simulate_payment_needs_the_collection_manager(self):
        _move, line = self._installment()
        charge = self._charge(line)
        collector = self._user("pix_collector_2", "dunning_br.group_dunning_user")
        with self.assertRaises(AccessError):
            charge.with_user(collector).action_dunning_pix_simulate_payment()
        self.assertFalse(self.psp.charges[charge.txid].pix)
        manager = self._user("pix_manager", "dunning_br.group_dunning_manager")
        self._register_webhook()
        self.env.flush_all()
        charge.with_user(manager).action_dunning_pix_simulate_payment()
        self.env.invalidate_all()
        self.assertEqual(charge.state, "paid")
