# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Credit-bureau listing and protest: the queue, its evidence, the bureau
adapters (a CSV file, a real local fake bureau over HTTP) and the removal
after payment (STJ Súmula 548)."""

import base64
import csv
import io
from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_date, mute_logger

from .agreement_common import AgreementCommon
from .common import DunningCommon

NOON = " 12:00:00"
CNPJ = "11222333000181"
CPF = "11144477735"

try:  # the repository's fake bureau (development package ``sandbox``)
    from sandbox.bureau import BureauSandbox
except ImportError:  # pragma: no cover - the sandbox is a dev requirement
    BureauSandbox = None


class NegativationCommon(AgreementCommon, DunningCommon):
    """A régua with a prior notice (D+45) and a flag for listing (D+60), a
    CSV bureau, a collection manager, a collection user, an accountant."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Step = cls.env["dunning.policy.step"]
        cls.notice_step = Step.create(
            {
                "policy_id": cls.policy.id,
                "name": "Aviso prévio",
                "offset_days": 45,
                "tone": "negativation",
                "mail_template_id": cls.env.ref(
                    "dunning_br.mail_template_negativation"
                ).id,
            }
        )
        cls.flag_step = Step.create(
            {
                "policy_id": cls.policy.id,
                "name": "Negativar",
                "offset_days": 60,
                "tone": "negativation",
                "channel": "activity",
                "flag_negativation": True,
            }
        )
        cls.Negativation = cls.env["dunning.negativation"]
        cls.csv_bureau = cls.env["dunning.negativation.bureau"].create(
            {"name": "Birô CSV", "company_id": cls.company.id, "adapter": "csv"}
        )
        cls.manager = new_test_user(
            cls.env,
            login="gerente.cobranca",
            groups="dunning_br.group_dunning_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.collection_user = new_test_user(
            cls.env,
            login="cobrador.simples",
            groups="dunning_br.group_dunning_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.accountant = new_test_user(
            cls.env,
            login="contador.faturas",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.debtor = cls._customer(
            "Mercado Devedor",
            vat=CNPJ,
            street="Rua das Flores, 10",
            city="São Paulo",
            zip="01000-000",
        )

    # ------------------------------------------------------------------
    def _installment(self, partner, due, notice_on, flag_on, channel="email"):
        """An invoice due on ``due`` whose prior notice went out on
        ``notice_on`` (``channel``) and whose flag step ran on ``flag_on``."""
        with freeze_time(due + NOON):
            move = self._invoice(partner, due)
        line = move.line_ids.filtered(lambda ml: ml.display_type == "payment_term")
        History = self.env["dunning.history"].sudo()
        for step, sent, step_channel in (
            (self.notice_step, notice_on, channel),
            (self.flag_step, flag_on, "activity"),
        ):
            History.create(
                {
                    "company_id": self.company.id,
                    "policy_id": self.policy.id,
                    "step_id": step.id,
                    "move_line_id": line.id,
                    "move_id": move.id,
                    "partner_id": partner.id,
                    "channel": step_channel,
                    "state": "sent",
                    "run_date": sent,
                    "sent_date": datetime.fromisoformat(sent + NOON),
                }
            )
        return move, line

    def _enqueue(self, today):
        with freeze_time(today + NOON):
            return self.Negativation._dunning_enqueue(
                self.company, date.fromisoformat(today)
            )

    def _queued(self, partner="Cliente Negativado", **values):
        """One pending item of an installment due 02/01/2025 whose notice went
        out on 20/02 and flag on 05/03/2025, queued on 05/03/2025."""
        partner = self._customer(partner, vat=CNPJ, street="Rua A, 1", city="Santos")
        self._installment(partner, "2025-01-02", "2025-02-20", "2025-03-05", **values)
        return self._enqueue("2025-03-05")

    def _pay(self, move, day):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": day})._create_payments()


@tagged("post_install", "-at_install")
class TestNegativation(NegativationCommon):
    # ------------------------------------------------------------------
    # Eligibility and the queue
    # ------------------------------------------------------------------
    def test_notice_period_nine_versus_ten_days(self):
        move9, __ = self._installment(
            self._customer("Nove Dias", vat=CNPJ),
            "2025-01-02",
            "2025-02-24",
            "2025-03-05",
        )
        move10, line10 = self._installment(
            self._customer("Dez Dias", vat=CNPJ),
            "2025-01-02",
            "2025-02-23",
            "2025-03-05",
        )
        created = self._enqueue("2025-03-05")
        self.assertEqual(created.move_id, move10)
        self.assertEqual(created.state, "pending")
        self.assertEqual(created.kind, "negativation")
        self.assertEqual(str(created.notice_date), "2025-02-23")
        self.assertEqual(created.notice_channel, "email")
        self.assertEqual(
            created.notice_history_id.step_id, self.notice_step, "the evidence"
        )
        self.assertEqual(created.amount_residual, 1000.0)
        # 2% fine and 1% a month for 62 days late (02/01 → 05/03).
        self.assertEqual(created.fine_amount, 20.0)
        self.assertEqual(created.interest_amount, 20.67)
        self.assertEqual(created.policy_id, self.policy)
        self.assertEqual(created.bureau_id, self.csv_bureau)
        # The evidence is in the chatter.
        self.assertIn(
            format_date(self.env, created.notice_date), created.message_ids[0].body
        )
        # The next day the 9-day notice is old enough; nothing twice.
        again = self._enqueue("2025-03-06")
        self.assertEqual(again.move_id, move9)
        self.assertFalse(self._enqueue("2025-03-07"))
        self.assertEqual(
            self.Negativation.search_count([("move_line_id", "=", line10.id)]), 1
        )

    def test_the_daily_run_queues_the_flagged_installments(self):
        partner = self._customer("Pelo Motor", vat=CNPJ)
        with freeze_time("2025-01-02" + NOON):
            move = self._invoice(partner, "2025-01-02")
        with freeze_time("2025-02-17" + NOON):
            self.engine._run_for(self.company)
        self.assertFalse(self.Negativation.search([("move_id", "=", move.id)]))
        # D+60 is Monday 03/03 (Carnaval): the flag goes on Wednesday 05/03.
        with freeze_time("2025-03-05" + NOON):
            self.engine._run_for(self.company)
        item = self.Negativation.search([("move_id", "=", move.id)])
        self.assertEqual(item.state, "pending")
        self.assertEqual(str(item.queue_date), "2025-03-05")
        self.assertEqual(item.notice_history_id.step_id, self.notice_step)
        self.assertEqual(str(item.notice_date), "2025-02-17")

    def test_a_policy_notice_period_under_ten_days_is_refused(self):
        with self.assertRaises(ValidationError):
            self.policy.negativation_notice_days = 9

    def test_promise_dispute_and_consumer_notice_exclude(self):
        promised = self._customer("Prometeu", vat=CNPJ)
        __, line = self._installment(promised, "2025-01-02", "2025-02-20", "2025-03-05")
        self.env["dunning.promise"].sudo().create(
            {
                "company_id": self.company.id,
                "move_line_id": line.id,
                "partner_id": promised.id,
                "date": "2025-03-10",
            }
        )
        disputed = self._customer("Contesta", vat=CNPJ, dunning_pause_reason="dispute")
        self._installment(disputed, "2025-01-02", "2025-02-20", "2025-03-05")
        # A consumer's notice must be written: an activity is not.
        consumer = self._customer("Maria Consumidora", vat=CPF, is_company=False)
        self._installment(
            consumer, "2025-01-02", "2025-02-20", "2025-03-05", channel="activity"
        )
        self.assertFalse(self._enqueue("2025-03-05"))
        # Once the promise's date is past, it is queued.
        self.assertEqual(self._enqueue("2025-03-11").partner_id, promised)

    def test_a_proposed_agreement_excludes(self):
        self._setup_agreements()
        partner = self._customer("Negociando", vat=CNPJ)
        __, line = self._installment(partner, "2025-01-02", "2025-02-20", "2025-03-05")
        with freeze_time("2025-03-05" + NOON):
            wizard = (
                self.env["dunning.negotiation.wizard"]
                .with_context(
                    active_model="res.partner",
                    active_id=partner.id,
                    active_ids=partner.ids,
                )
                .create({"move_line_ids": [Command.set(line.ids)]})
            )
            agreement = self.env["dunning.agreement"].browse(
                wizard.action_create_agreement()["res_id"]
            )
            agreement.action_propose()
        self.assertEqual(agreement.state, "proposed")
        self.assertFalse(self._enqueue("2025-03-05"))
        agreement.state = "cancelled"
        self.assertTrue(self._enqueue("2025-03-05"))

    def test_prescribed_after_five_years_to_the_day(self):
        partner = self._customer("Antigo", vat=CNPJ)
        self._installment(partner, "2019-03-01", "2024-02-01", "2024-02-20")
        self.assertFalse(self._enqueue("2024-03-01"), "prescribed on the anniversary")
        self.assertTrue(self._enqueue("2024-02-29"), "the day before: listable")

    def test_nothing_before_the_collection_is_switched_on(self):
        self.company.dunning_active = False
        self.assertFalse(self._queued())
        self.company.dunning_active = True
        item = self._enqueue("2025-03-05")
        self.assertTrue(item)
        with freeze_time("2025-03-05" + NOON):
            item.with_user(self.manager).action_approve()
            self.company.dunning_active = False
            with self.assertRaises(UserError):
                item.with_user(self.manager).action_send()
            self.Negativation._cron_negativation()
        self.assertEqual(item.state, "approved")

    @mute_logger("odoo.sql_db")
    def test_one_active_item_per_installment_and_kind(self):
        item = self._queued()
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            item.copy({"reference": False})

    # ------------------------------------------------------------------
    # Decision
    # ------------------------------------------------------------------
    @freeze_time("2025-03-05" + NOON)
    def test_approve_and_reject_with_reason(self):
        item = self._queued()
        other = self._queued("Outro Cliente")
        with self.assertRaises(AccessError):
            item.with_user(self.collection_user).action_approve()
        with self.assertRaises(AccessError):
            item.with_user(self.accountant).read(["state"])
        item.with_user(self.manager).action_approve()
        self.assertEqual(item.state, "approved")
        self.assertEqual(item.approved_uid, self.manager)
        # Who and when, in the chatter (state changes are also tracked).
        note = item.message_ids.filtered(lambda m: self.manager.name in m.body)
        self.assertEqual(note.author_id, self.manager.partner_id)
        self.assertEqual(str(note.date.date()), "2025-03-05")
        self.assertTrue(item._fields["state"].tracking)
        action = other.with_user(self.manager).action_reject()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "Cliente estratégico, negociação em curso"})
        )
        wizard.action_confirm()
        self.assertEqual(other.state, "rejected")
        self.assertEqual(
            other.rejection_reason, "Cliente estratégico, negociação em curso"
        )
        with self.assertRaises(UserError):
            item.with_user(self.manager)._dunning_reject("  ")
        # A rejected installment is not queued again.
        self.assertFalse(self._enqueue("2025-03-06"))

    @freeze_time("2025-03-05" + NOON)
    def test_portal_sees_nothing(self):
        self._queued()
        portal = new_test_user(
            self.env, login="portal.devedor", groups="base.group_portal"
        )
        with self.assertRaises(AccessError):
            self.Negativation.with_user(portal).search([])
        with self.assertRaises(AccessError):
            self.env["dunning.negativation.bureau"].with_user(portal).search([])

    # ------------------------------------------------------------------
    # Bureaus
    # ------------------------------------------------------------------
    @freeze_time("2025-03-05" + NOON)
    def test_csv_file(self):
        item = self._queued()
        item.with_user(self.manager).action_approve()
        item.with_user(self.manager).action_send()
        self.assertEqual(item.state, "sent")
        rows = list(
            csv.reader(
                io.StringIO(base64.b64decode(item.attachment_id.datas).decode()),
                delimiter=";",
            )
        )
        self.assertEqual(
            rows[0],
            [
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
            ],
        )
        self.assertEqual(
            rows[1],
            [
                item.reference,
                "NEGATIVACAO",
                CNPJ,
                "Cliente Negativado",
                "Rua A, 1, Santos",
                f"{item.move_id.name}/{item.move_line_id.id}",
                "2025-01-02",
                "1000.00",
                "2025-03-05",
                "FATURA",
            ],
        )
        item.with_user(self.manager).action_confirm_listed()
        self.assertEqual(item.state, "listed")

    def test_payment_requests_the_removal_at_once(self):
        item = self._queued()
        with freeze_time("2025-03-05" + NOON):
            item.with_user(self.manager).action_approve()
            item.with_user(self.manager).action_send()
            item.with_user(self.manager).action_confirm_listed()
        # Paid on Thursday 17/04/2025: Good Friday and Tiradentes (Monday
        # 21/04) are not business days, the deadline is Monday 28/04.
        with freeze_time("2025-04-17" + NOON):
            self._pay(item.move_id, "2025-04-17")
            self.assertEqual(item.state, "removal_requested")
            self.assertEqual(str(item.payment_date), "2025-04-17")
            self.assertEqual(str(item.removal_deadline), "2025-04-28")
            activity = item.activity_ids
            self.assertEqual(len(activity), 1)
            self.assertEqual(str(activity.date_deadline), "2025-04-28")
            self.assertEqual(activity.user_id, self.collector)
            self.assertEqual(item.removal_status, "on_time")
            late_or_risk = [
                ("state", "=", "removal_requested"),
                ("removal_at_risk_date", "<=", "2025-04-24"),
            ]
            self.assertIn(item, self.Negativation.search(late_or_risk))
            self.Negativation._cron_negativation()
            self.assertTrue(item.removal_sent)
            self.assertTrue(item.removal_attachment_id)
        with freeze_time("2025-04-29" + NOON):
            item.invalidate_recordset(["removal_status"])
            self.assertEqual(item.removal_status, "late")
            item.with_user(self.manager).action_confirm_removed()
        self.assertEqual(item.state, "removed")
        self.assertFalse(item.activity_ids)

    def test_payment_before_sending_withdraws(self):
        item = self._queued()
        with freeze_time("2025-03-06" + NOON):
            self._pay(item.move_id, "2025-03-06")
        self.assertEqual(item.state, "rejected")
        self.assertFalse(item.activity_ids)


@tagged("post_install", "-at_install")
class TestNegativationHttp(NegativationCommon):
    """The HTTP adapter against the repository's fake bureau (a real local
    server, ``sandbox.bureau``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.http_bureau = cls.env["dunning.negativation.bureau"].create(
            {
                "name": "Birô API",
                "company_id": cls.company.id,
                "adapter": "http",
                "sequence": 1,
                "api_url": "http://127.0.0.1:9",
                "api_token": "s3cret-token",
                "api_timeout": 5,
            }
        )

    def setUp(self):
        super().setUp()
        if BureauSandbox is None:
            self.skipTest("the sandbox package (requirements-dev.txt) is missing")
        self.bureau = BureauSandbox(token="s3cret-token").start()
        self.addCleanup(self.bureau.stop)
        self.http_bureau.api_url = self.bureau.url

    @freeze_time("2025-03-05" + NOON)
    def test_the_first_bureau_is_the_default(self):
        self.assertEqual(self._queued().bureau_id, self.http_bureau)

    @freeze_time("2025-03-05" + NOON)
    def test_http_listing_and_status(self):
        item = self._queued()
        item.with_user(self.manager).action_approve()
        item.with_user(self.manager).action_send()
        self.assertEqual(item.state, "sent")
        record = self.bureau.inclusions[item.bureau_ref]
        self.assertEqual(record["documento"], CNPJ)
        self.assertEqual(record["valor"], "1000.00")
        self.assertEqual(record["referencia"], item.reference)
        self.assertEqual(self.bureau.requests[-1][:2], ("POST", "/inclusoes"))
        self.Negativation._cron_negativation()
        self.assertEqual(item.state, "listed")

    @freeze_time("2025-03-05" + NOON)
    def test_http_server_error_keeps_the_item_with_the_error(self):
        item = self._queued()
        item.with_user(self.manager).action_approve()
        self.bureau.fail_next(503)
        item.with_user(self.manager).action_send()
        self.assertEqual(item.state, "approved")
        self.assertIn("503", item.bureau_error)
        self.assertFalse(self.bureau.inclusions)
        # Tried again (by the scheduled action): sent once, no duplicate.
        self.Negativation._cron_negativation()
        self.assertEqual(item.state, "listed")
        self.assertFalse(item.bureau_error)
        self.assertEqual(len(self.bureau.inclusions), 1)

    @freeze_time("2025-03-05" + NOON)
    def test_http_forged_token_is_refused(self):
        item = self._queued()
        item.with_user(self.manager).action_approve()
        self.http_bureau.api_token = "forged"
        item.with_user(self.manager).action_send()
        self.assertEqual(item.state, "approved")
        self.assertIn("401", item.bureau_error)
        self.assertFalse(self.bureau.inclusions)

    def test_http_credentials_are_admin_only(self):
        bureau = self.http_bureau.with_user(self.manager)
        self.assertEqual(bureau.name, "Birô API")
        with self.assertRaises(AccessError):
            bureau.read(["api_token"])
        with self.assertRaises(AccessError):
            bureau.write({"name": "Outro"})

    def test_http_removal_after_payment(self):
        item = self._queued()
        with freeze_time("2025-03-05" + NOON):
            item.with_user(self.manager).action_approve()
            item.with_user(self.manager).action_send()
        with freeze_time("2025-03-07" + NOON):
            self._pay(item.move_id, "2025-03-07")
            self.assertEqual(item.state, "removal_requested")
            # Friday 07/03: 10, 11, 12, 13, 14.
            self.assertEqual(str(item.removal_deadline), "2025-03-14")
            self.Negativation._cron_negativation()
        self.assertEqual(item.state, "removed")
        self.assertIn(item.bureau_ref, self.bureau.removals)
        self.assertFalse(item.activity_ids)
