# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pix charges for agreement installments, paid through the one settlement
path, and the breach of the agreement when the next one is not paid."""

from datetime import timedelta
from decimal import Decimal

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.dunning_br.tests.agreement_common import AgreementCommon

from .common import PixSandboxCommon


@tagged("post_install", "-at_install")
class TestPixAgreement(AgreementCommon, PixSandboxCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_agreements()
        cls.agreement_policy.pix_validity_days = 20
        today = cls.today
        old = cls._invoice(cls.customer, today - timedelta(days=40), 1000.0)
        late = cls._invoice(cls.customer, today - timedelta(days=20), 1000.0)
        cls.originals = cls._receivable(old) + cls._receivable(late)
        cls.agreement = cls._active_agreement(
            cls.customer,
            cls.originals,
            interest_waiver_percent=100.0,
            installment_count=3,
            first_due=today + timedelta(days=5),
        )

    def setUp(self):
        super().setUp()
        self._register_webhook()

    def _item(self, number):
        return self.agreement.installment_ids.filtered(
            lambda inst: inst.number == number
        ).move_line_id

    def test_charge_names_the_agreement(self):
        lines = self.env["dunning.pix.charge"]._dunning_pix_lines_without_charge(
            self.provider
        )
        self.assertEqual(
            set(lines.ids), set(self.agreement.installment_ids.move_line_id.ids)
        )
        charge = self._charge(self._item(1))
        self.assertEqual(charge.state, "active")
        self.assertEqual(charge.move_line_id, self._item(1))
        body = self.psp.charges[charge.txid].fields
        self.assertIn(self.agreement.name, body["solicitacaoPagador"])
        self.assertIn("1/3", body["solicitacaoPagador"])
        self.assertEqual(
            [info["valor"] for info in body["infoAdicionais"]],
            [self.agreement.name, "1/3"],
        )
        self.assertEqual(
            Decimal(body["valor"]["original"]),
            Decimal(str(self._item(1).amount_residual)).quantize(Decimal("0.01")),
        )

    def test_pix_of_installment_1_then_installment_2_unpaid_breaks(self):
        item1, item2 = self._item(1), self._item(2)
        charge = self._charge(item1)
        self.env.flush_all()  # the webhook is handled by the HTTP server
        pix = self.psp.simulate_payment(charge.txid)
        self.env.invalidate_all()
        (delivery,) = self.psp.deliveries
        self.assertEqual(delivery.status, 200)
        # Booked through the settlement path: a payment of the transaction,
        # reconciled with the installment's receivable item.
        self.assertEqual(charge.state, "paid")
        self.assertTrue(item1.reconciled)
        (received,) = charge.payment_ids
        self.assertEqual(received.e2eid, pix["endToEndId"])
        payment = received.transaction_id.payment_id
        self.assertEqual(payment.payment_transaction_id, received.transaction_id)
        self.assertAlmostEqual(payment.amount, self._item(1).balance)
        self.assertIn(
            payment.move_id,
            item1.matched_credit_ids.credit_move_id.move_id,
        )
        self.assertFalse(item2.reconciled)
        self.assertEqual(self.agreement.state, "active")
        # Installment 2 unpaid past the breach days: the scheduled action
        # breaks the agreement, the balance falls due, the waiver returns.
        breach = item2.date_maturity + timedelta(days=20)
        with freeze_time(f"{breach} 12:00:00"):
            self.env["dunning.agreement"]._cron_check_agreements()
        self.assertEqual(self.agreement.state, "broken")
        self.assertLessEqual(self._item(3).date_maturity, breach)
        reinstated = self.agreement.reinstatement_move_id
        self.assertAlmostEqual(reinstated.amount_total, self.agreement.interest_waived)
        self.assertEqual(self.customer.dunning_broken_agreement_count, 1)

    def test_underpaid_installment_is_followed_up_on_the_agreement(self):
        charge = self._charge(self._item(1))
        self.env.flush_all()
        self.psp.simulate_payment(charge.txid, amount=Decimal("500.00"))
        self.env.invalidate_all()
        item = self._item(1)
        self.assertFalse(item.reconciled)
        self.assertAlmostEqual(item.amount_residual, item.balance - 500.0)
        (activity,) = self.agreement.activity_ids
        self.assertIn(self._money(item.amount_residual), self._text(activity.note))
