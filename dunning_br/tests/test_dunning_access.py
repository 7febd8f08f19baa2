# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import DunningCommon

# Monday 10 March 2025, a business day.
TODAY = "2025-03-10 12:00:00"

PARTNER_INTERNAL = [
    "dunning_policy_id",
    "dunning_collector_id",
    "dunning_excluded",
    "dunning_exclusion_reason",
    "dunning_pause_until",
    "dunning_pause_reason",
    "dunning_pause_note",
    "dunning_negativation_flag",
    "dunning_negativation_date",
]
MOVE_INTERNAL = [
    "dunning_policy_id",
    "dunning_excluded",
    "dunning_exclusion_reason",
    "dunning_pause_until",
    "dunning_pause_reason",
    "dunning_history_ids",
]


@tagged("post_install", "-at_install")
class TestDunningAccess(DunningCommon):
    """The collection's internal fields and the run wizard, by user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Cliente Interno")
        cls.customer.write(
            {
                "dunning_pause_until": "2025-04-01",
                "dunning_pause_reason": "dispute",
                "dunning_pause_note": "Contesta a nota de março",
                "dunning_exclusion_reason": "Em recuperação judicial",
                "dunning_negativation_flag": True,
            }
        )
        cls.move = cls._invoice(cls.customer, "2025-03-07")
        cls.move.dunning_exclusion_reason = "Acordo em negociação"
        cls.other_customer = cls._customer("Outro Cliente")
        cls.portal = new_test_user(
            cls.env, login="cliente.portal", groups="base.group_portal"
        )
        # A contact of the customer: the collection fields are synced to it.
        cls.portal.partner_id.parent_id = cls.customer
        cls.salesman = new_test_user(
            cls.env,
            login="vendedor.interno",
            groups="account.group_account_invoice,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.collector = new_test_user(
            cls.env,
            login="cobrador.interno",
            groups="dunning_br.group_dunning_user,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_portal_user_reads_no_other_customer_nor_internal_fields(self):
        with self.assertRaises(AccessError):
            self.other_customer.with_user(self.portal).read(["name", "email"])
        own = self.portal.partner_id.with_user(self.portal)
        self.assertEqual(
            self.portal.partner_id.sudo().dunning_pause_note, "Contesta a nota de março"
        )
        commercial = self.customer.with_user(self.portal)
        self.assertEqual(commercial.read(["name"])[0]["name"], "Cliente Interno")
        for partner in (own, commercial):
            for field in PARTNER_INTERNAL:
                with self.subTest(field=field), self.assertRaises(AccessError):
                    partner.read([field])
        with self.assertRaises(AccessError):
            self.move.with_user(self.portal).read(["dunning_exclusion_reason"])

    def test_internal_users_outside_collection_do_not_read_them(self):
        partner = self.customer.with_user(self.salesman)
        move = self.move.with_user(self.salesman)
        self.assertTrue(partner.read(["name"]))
        self.assertTrue(move.read(["name", "amount_residual"]))
        for field in PARTNER_INTERNAL:
            with self.subTest(field=field), self.assertRaises(AccessError):
                partner.read([field])
        for field in MOVE_INTERNAL:
            with self.subTest(field=field), self.assertRaises(AccessError):
                move.read([field])
        with self.assertRaises(AccessError):
            partner.write({"dunning_pause_note": "nota"})
        # Their forms still open, without the collection fields.
        form = Form(partner)
        self.assertEqual(form.name, self.customer.name)
        self.assertNotIn("dunning_pause_note", form._view["fields"])
        move_form = Form(move)
        self.assertNotIn("dunning_exclusion_reason", move_form._view["fields"])

    def test_collection_users_read_and_edit_them(self):
        partner = self.customer.with_user(self.collector)
        values = partner.read(PARTNER_INTERNAL)[0]
        self.assertEqual(values["dunning_pause_note"], "Contesta a nota de março")
        self.assertTrue(values["dunning_negativation_flag"])
        self.assertEqual(
            self.move.with_user(self.collector).read(["dunning_exclusion_reason"])[0][
                "dunning_exclusion_reason"
            ],
            "Acordo em negociação",
        )
        with Form(partner) as form:
            form.dunning_pause_note = "Promessa para sexta"
        self.assertEqual(self.customer.dunning_pause_note, "Promessa para sexta")

    @freeze_time(TODAY)
    def test_the_engine_reads_them_for_everyone(self):
        """The run, started by any collection user, still honours the pause."""
        wizard = Form(self.env["dunning.run.wizard"].with_user(self.collector)).save()
        wizard.action_run()
        self.assertEqual(self._history(self.move).skip_reason, "paused")

    def test_run_wizard_offers_the_allowed_companies_only(self):
        other_company = self.setup_other_company()["company"]
        wizard_model = self.env["dunning.run.wizard"].with_user(self.collector)
        domain = wizard_model._fields["company_id"].get_domain_list(wizard_model)
        offered = self.env["res.company"].search(domain)
        self.assertIn(self.company, offered)
        self.assertNotIn(other_company, offered)
        with self.assertRaises(AccessError):
            wizard_model.create({"company_id": other_company.id})
        wizard = wizard_model.create({"company_id": self.company.id})
        self.collector.company_ids = [Command.link(other_company.id)]
        wizard.sudo().company_id = other_company
        with self.assertRaises(AccessError):
            wizard.with_user(self.collector).with_context(
                allowed_company_ids=self.company.ids
            ).action_run()
