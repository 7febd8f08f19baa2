# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A Banco do Brasil boleto agreement, boletos numbered by
``cobranca.boleto.make_boleto`` and real CNAB 240 return files written by
``cobranca.cnab240.write_retorno``."""

import base64
from datetime import timedelta
from decimal import Decimal

from cobranca import boleto as boleto_lib
from cobranca import cnab240

from .common import PixSandboxCommon

COMPANY_CNPJ = "11444777000161"


class BoletoCnabCommon(PixSandboxCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.vat = COMPANY_CNPJ
        cls.customer.write(
            {
                "street": "Rua das Flores, 100",
                "zip": "01001-000",
                "city": "São Paulo",
                "state_id": cls.env.ref("base.state_br_sp").id,
            }
        )
        cls.tariff_account = cls.env["account.account"].create(
            {"name": "Tarifas bancárias", "code": "399003", "account_type": "expense"}
        )
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.account = cls.env["dunning.boleto.account"].create(
            {
                "company_id": cls.company.id,
                "journal_id": cls.bank_journal.id,
                "bank_code": "001",
                "agencia": "1234",
                "agencia_dv": "5",
                "conta": "123456",
                "conta_dv": "7",
                "convenio": "1234567",
                "carteira": "17",
                "variacao": "019",
                "tariff_account_id": cls.tariff_account.id,
            }
        )
        cls.next_sequence = 0

    def _boleto(self, line, state="draft", **values):
        """A boleto of the installment ``line`` with the numbers of
        ``cobranca.boleto.make_boleto``."""
        type(self).next_sequence += 1
        sequence = str(self.next_sequence)
        amount = Decimal(str(line.amount_residual)).quantize(Decimal("0.01"))
        numbers = boleto_lib.make_boleto(
            "001",
            self.account._dunning_agreement(),
            sequence,
            line.date_maturity,
            amount,
        )
        return self.env["dunning.boleto"].create(
            {
                "account_id": self.account.id,
                "move_line_id": line.id,
                "partner_id": line.partner_id.commercial_partner_id.id,
                "amount": float(amount),
                "issue_date": self.today,
                "due_date": line.date_maturity,
                "sequence_number": sequence,
                "nosso_numero": numbers.nosso_numero,
                "barcode": numbers.barcode,
                "linha_digitavel": numbers.linha,
                "state": state,
                **values,
            }
        )

    def _bank_account(self, account=None):
        return (account or self.account)._dunning_cnab_account()

    def _remessa_text(self, remessa):
        return base64.b64decode(remessa.attachment_id.datas).decode("ascii")

    def _title(self, boleto, movement="06", **values):
        """A title event of the bank's return file for ``boleto``."""
        amount = Decimal(str(boleto.amount)).quantize(Decimal("0.01"))
        defaults = {
            "movement": movement,
            "nosso_numero": boleto._dunning_cnab_nosso_numero(),
            "document_number": (boleto.move_id.name or "")[-15:],
            "due": boleto.due_date,
            "amount": amount,
            "occurrence_date": self.today,
        }
        if movement in ("06", "17"):
            paid = values.pop("paid", amount)
            tariff = values.get("tariff", Decimal("0.00"))
            defaults.update(
                paid=paid,
                credited=paid - tariff,
                credit_date=self.today + timedelta(days=1),
            )
        return cnab240.RetornoTitle(**{**defaults, **values})

    def _retorno_bytes(self, titles, file_number=1, account=None):
        return cnab240.write_retorno(
            self._bank_account(account),
            titles,
            file_number=file_number,
            created=self.today,
        ).encode("latin-1")

    def _import(self, content, account=None):
        wizard = self.env["dunning.boleto.retorno.import"].create(
            {
                "account_id": (account or self.account).id,
                "file": base64.b64encode(content),
                "file_name": "retorno.ret",
            }
        )
        action = wizard.action_import()
        return self.env["dunning.boleto.retorno"].browse(action["res_id"])
