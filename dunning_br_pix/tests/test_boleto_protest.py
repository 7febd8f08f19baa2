# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.dunning_br.tests.test_negativation import (
    CNPJ,
    NOON,
    NegativationCommon,
)


@tagged("post_install", "-at_install")
class TestBoletoProtest(NegativationCommon):
    """A régua step that flags for protest: a debt with a boleto of a bank
    that takes CNAB 240 files is protested by the bank (the remittance's
    protest instruction), so the protest queue leaves it out; the other
    debts, and the boletos of a bank without CNAB files, go to the queue
    with their evidence."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("br")
    def setUpClass(cls):
        super().setUpClass()
        cls.flag_step.negativation_kind = "protest"
        cls.company.partner_id.write(
            {"vat": "11.222.333/0001-81", "street": "Rua das Flores, 100"}
        )
        cls.Boleto = cls.env["dunning.boleto"]

    def _account(self, bank_code, **values):
        return self.env["dunning.boleto.account"].create(
            {
                "company_id": self.company.id,
                "journal_id": self.company_data["default_journal_bank"].id,
                "bank_code": bank_code,
                "agencia": "1234",
                "agencia_dv": "5",
                "conta": "12345",
                "conta_dv": "6",
                "convenio": "1234567",
                "carteira": "17",
                **values,
            }
        )

    def _debt(self, name):
        partner = self._customer(
            name, vat=CNPJ, street="Rua A, 1", city="Santos", zip="11010-000"
        )
        return self._installment(partner, "2025-01-02", "2025-02-20", "2025-03-05")

    def test_boleto_debts_are_protested_by_the_bank(self):
        self._account("001")
        boleto_move, boleto_line = self._debt("Com Boleto")
        with freeze_time("2025-01-02" + NOON):
            boleto = self.Boleto._dunning_boleto_ensure(boleto_line)
        self.assertEqual(boleto.state, "draft")
        plain_move, _plain_line = self._debt("Sem Boleto")
        created = self._enqueue("2025-03-05")
        self.assertEqual(created.move_id, plain_move)
        self.assertEqual(created.kind, "protest")
        self.assertEqual(str(created.notice_date), "2025-02-20")
        self.assertFalse(
            self.Negativation.search([("move_id", "=", boleto_move.id)]),
            "the bank protests the boleto",
        )
        # Once the boleto is written off (baixa), the debt is the queue's.
        boleto.state = "cancelled"
        self.assertEqual(self._enqueue("2025-03-06").move_id, boleto_move)

    def test_boleto_of_a_bank_without_cnab_files_goes_to_the_queue(self):
        # Itaú's slip is printed, but no remittance carries its instructions.
        self._account("341", carteira="109", convenio=False)
        move, line = self._debt("Boleto Itau")
        with freeze_time("2025-01-02" + NOON):
            self.assertTrue(self.Boleto._dunning_boleto_ensure(line))
        self.assertEqual(self._enqueue("2025-03-05").move_id, move)
