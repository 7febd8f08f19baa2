# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged

from .report_common import ReportCommon

NOW = "2026-03-16 12:00:00"  # noon: the same day in São Paulo
# The updated amounts, in the format of whichever language renders them
# (1,030.33 or 1.030,33).
AMOUNT_1030_33 = r"1[.,]030[.,]33"
AMOUNT_1033_67 = r"1[.,]033[.,]67"


@tagged("post_install", "-at_install")
class TestReportStatement(ReportCommon, HttpCase):
    """The statement of debts (extrato de débitos), from the partner form
    and from "Minhas pendências"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.aurora = cls._customer("Aurora Comércio")
        cls.bruno = cls._customer("Bruno Vizinho")
        cls.mine = cls._invoice_on(cls.aurora, "2026-02-01", "2026-02-13", 1000.0)
        cls.theirs = cls._invoice_on(cls.bruno, "2026-02-01", "2026-02-13", 777.0)
        cls.portal_user = new_test_user(
            cls.env, login="aurora.portal", groups="base.group_portal"
        )
        cls.portal_user.partner_id.parent_id = cls.aurora

    def _html(self, partner, day):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "dunning_br.action_report_dunning_statement",
            partner.ids,
            data={"date": day},
        )
        return html.decode()

    @freeze_time(NOW)
    def test_statement_from_partner(self):
        self.env.flush_all()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_br.action_dunning_statement_wizard"
        )
        wizard = (
            self.env[action["res_model"]]
            .with_context(active_model="res.partner", active_id=self.aurora.id)
            .create({})
        )
        self.assertEqual(wizard.partner_id, self.aurora)
        self.assertEqual(str(wizard.date), "2026-03-16")
        self.company.external_report_layout_id = self.env.ref(
            "web.external_layout_standard"
        )  # else an administrator gets the document layout configurator first
        report_action = wizard.action_print()
        self.assertEqual(report_action["data"], {"date": "2026-03-16"})
        self.assertEqual(
            report_action["report_name"], "dunning_br.report_dunning_statement"
        )
        html = self._html(self.aurora, "2026-03-16")
        # 31 days late: 1.000,00 + fine 20,00 + interest 10,33.
        self.assertIn(self.mine.name, html)
        self.assertRegex(html, AMOUNT_1030_33)
        self.assertNotIn(self.theirs.name, html)
        # Updated to a later day: 41 days, interest 13,67.
        self.assertRegex(self._html(self.aurora, "2026-03-26"), AMOUNT_1033_67)

    @freeze_time(NOW)
    def test_statement_on_the_portal(self):
        self.env.flush_all()
        response = self.url_open("/my/pendencias/extrato", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        self.authenticate("aurora.portal", "aurora.portal")
        response = self.url_open("/my/pendencias/extrato")
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertIn(self.mine.name, body)
        self.assertRegex(body, AMOUNT_1030_33)
        self.assertNotIn(self.theirs.name, body)
        # A later day updates it; a malformed one is a 404.
        later = self.url_open("/my/pendencias/extrato?date=2026-03-26")
        self.assertRegex(later.content.decode(), AMOUNT_1033_67)
        self.assertEqual(
            self.url_open("/my/pendencias/extrato?date=nonsense").status_code, 404
        )
        # The page links to it.
        page = self.url_open("/my/pendencias").content.decode()
        self.assertIn("/my/pendencias/extrato", page)
