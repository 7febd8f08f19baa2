# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A company's boleto agreement (convênio de cobrança) with one bank account."""

from decimal import Decimal

from cobranca import boleto as boleto_lib
from cobranca import cnab240

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

BANK_SELECTION = [
    (code, f"{code} - {cls.NAME}") for code, cls in sorted(boleto_lib.BANKS.items())
]


class DunningBoletoAccount(models.Model):
    _name = "dunning.boleto.account"
    _description = "Boleto Agreement"
    _inherit = ["mail.thread"]
    _check_company_auto = True
    _order = "company_id, sequence, id"

    name = fields.Char(compute="_compute_name", store=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Bank Journal",
        required=True,
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="The bank journal of the account that receives the boletos' money.",
    )
    bank_code = fields.Selection(BANK_SELECTION, string="Bank", required=True)
    agencia = fields.Char(string="Branch (Agência)", required=True)
    agencia_dv = fields.Char(string="Branch Check Digit")
    conta = fields.Char(string="Account (Conta)", required=True)
    conta_dv = fields.Char(string="Account Check Digit")
    convenio = fields.Char(
        string="Agreement (Convênio / Beneficiary Code)",
        help="Banco do Brasil: convênio of 4, 6 or 7 digits; Caixa, Santander "
        "and Sicoob: código do beneficiário.",
    )
    carteira = fields.Char(string="Portfolio (Carteira)")
    variacao = fields.Char(string="Portfolio Variation (Variação)")
    modalidade = fields.Char(string="Modality (Sicoob)", default="01")
    nosso_numero_sequence_id = fields.Many2one(
        "ir.sequence",
        string="Nosso Número Sequence",
        copy=False,
        help="Sequential part of the nosso número, without check digit.",
    )
    remessa_number = fields.Integer(
        string="Last Remittance File Number",
        copy=False,
        help="Number of the last CNAB 240 remittance file generated (NSA).",
    )
    boleto_ids = fields.One2many("dunning.boleto", "account_id")
    # Settlement of the bank's return files (dunning.boleto.retorno)
    income_account_id = fields.Many2one(
        "account.account",
        string="Fine and Interest Account",
        check_company=True,
        help="Income account of the fine and interest the bank reports as paid "
        "with a boleto; empty: the company's Pix provider's.",
    )
    discount_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        help="Account of the discounts and abatements the bank reports as "
        "granted; empty: the company's Pix provider's.",
    )
    tariff_account_id = fields.Many2one(
        "account.account",
        string="Bank Tariff Account",
        check_company=True,
        help="Expense account of the tariffs the bank deducts from the money "
        "of a paid boleto. Empty: tariffs are not booked from the return "
        "file (book them from the bank statement).",
    )
    boleto_count = fields.Integer(compute="_compute_boleto_count")

    def _compute_boleto_count(self):
        groups = self.env["dunning.boleto"]._read_group(
            [("account_id", "in", self.ids)], ["account_id"], ["__count"]
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.boleto_count = counts.get(account.id, 0)

    def _dunning_bank_name(self):
        """The bank's name as the slip prints it."""
        return boleto_lib.BANKS[self.bank_code].NAME if self.bank_code else ""

    def _dunning_bank_code_dv(self):
        """The bank's code with its check digit ("001-9")."""
        return boleto_lib.bank_code_dv(self.bank_code) if self.bank_code else ""

    def _dunning_beneficiary_code(self):
        """The "Agência / Código do beneficiário" box of the slip."""
        agencia = "-".join(part for part in (self.agencia, self.agencia_dv) if part)
        if self.bank_code in ("001", "341", "237"):
            code = "-".join(part for part in (self.conta, self.conta_dv) if part)
        else:
            code = self.convenio or ""
        return f"{agencia} / {code}"

    def action_view_boletos(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "dunning_br_pix.dunning_boleto_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    @api.depends("bank_code", "agencia", "conta", "convenio")
    def _compute_name(self):
        labels = dict(BANK_SELECTION)
        for account in self:
            account.name = " / ".join(
                part
                for part in (
                    labels.get(account.bank_code, ""),
                    account.agencia and f"Ag. {account.agencia}",
                    account.conta and f"C/C {account.conta}",
                    account.convenio,
                )
                if part
            )

    def _dunning_agreement(self):
        """This agreement as the :mod:`cobranca.boleto` dataclass of its bank.

        :raises ValidationError: naming what the bank refuses."""
        self.ensure_one()
        values = {
            "001": {
                "agencia": self.agencia,
                "conta": self.conta,
                "convenio": self.convenio or "",
                "carteira": self.carteira or "18",
            },
            "341": {
                "agencia": self.agencia,
                "conta": self.conta,
                "carteira": self.carteira or "109",
            },
            "237": {
                "agencia": self.agencia,
                "conta": self.conta,
                "carteira": self.carteira or "09",
            },
            "104": {"agencia": self.agencia, "codigo_beneficiario": self.convenio},
            "033": {
                "agencia": self.agencia,
                "codigo_beneficiario": self.convenio,
                "carteira": self.carteira or "101",
            },
            "756": {
                "agencia": self.agencia,
                "codigo_beneficiario": self.convenio,
                "modalidade": self.modalidade or "01",
                "carteira": self.carteira or "1",
            },
        }[self.bank_code]
        try:
            return boleto_lib.agreement_for(self.bank_code, **values)
        except (TypeError, ValueError) as error:
            raise ValidationError(
                self.env._(
                    "The boleto agreement %(account)s is not valid (%(fields)s): "
                    "%(error)s",
                    account=self.display_name,
                    fields=self._dunning_fields_named(str(error)),
                    error=error,
                )
            ) from error

    def _dunning_fields_named(self, message):
        """The labels of the fields a library message names."""
        names = {
            "agencia": "agencia",
            "conta": "conta",
            "convenio": "convenio",
            "codigo_beneficiario": "convenio",
            "carteira": "carteira",
            "modalidade": "modalidade",
            "nosso_numero": "nosso_numero_sequence_id",
        }
        labels = []
        for word, fname in names.items():
            label = self._fields[fname].get_description(self.env)["string"]
            if word in message and label not in labels:
                labels.append(label)
        return ", ".join(labels) or self.env._("Bank")

    def _dunning_boleto_values(self, move_line, amount):
        """The values of a new boleto of ``move_line`` for ``amount``: the
        next nosso número of the agreement and the numbers computed by
        ``cobranca.boleto.make_boleto``.

        :raises UserError: when the bank refuses the boleto (the nosso número
            sequence exhausted, a due date outside the factor's range, an
            amount above the barcode's capacity)."""
        self.ensure_one()
        agreement = self._dunning_agreement()
        sequence = self.nosso_numero_sequence_id.sudo().next_by_id()
        try:
            boleto = boleto_lib.make_boleto(
                self.bank_code,
                agreement,
                sequence,
                move_line.date_maturity,
                Decimal(str(amount)).quantize(Decimal("0.01")),
            )
        except (TypeError, ValueError) as error:
            raise UserError(
                self.env._(
                    "No boleto for %(installment)s: %(error)s",
                    installment=move_line.display_name,
                    error=error,
                )
            ) from error
        return {
            "account_id": self.id,
            "move_line_id": move_line.id,
            "partner_id": move_line.partner_id.commercial_partner_id.id,
            "amount": float(boleto.amount),
            "due_date": boleto.due,
            "sequence_number": sequence,
            "nosso_numero": boleto.nosso_numero,
            "barcode": boleto.barcode,
            "linha_digitavel": boleto.linha,
        }

    def _dunning_cnab_account(self):
        """This agreement as a :class:`cobranca.cnab240.BankAccount` (the
        remessa's and retorno's headers).

        :raises UserError: when the bank has no CNAB 240 profile or the
            company has no CNPJ/CPF."""
        self.ensure_one()
        if self.bank_code not in cnab240.PROFILES:
            raise UserError(
                self.env._(
                    "CNAB 240 files are not supported for %(bank)s yet.",
                    bank=dict(BANK_SELECTION)[self.bank_code],
                )
            )
        company = self.company_id
        doc = "".join(ch for ch in (company.vat or "") if ch.isdigit())
        try:
            return cnab240.BankAccount(
                bank=self.bank_code,
                company_name=company.name,
                company_doc=doc,
                agencia=self.agencia,
                agencia_dv=self.agencia_dv or "",
                conta=self.conta,
                conta_dv=self.conta_dv or "",
                convenio=self.convenio or "",
                carteira=self.carteira or "",
                variacao=self.variacao or "",
                modalidade=self.modalidade or "01",
            )
        except cnab240.CnabError as error:
            raise UserError(
                self.env._(
                    "The boleto agreement %(account)s cannot write CNAB 240 "
                    "files: %(error)s",
                    account=self.display_name,
                    error=error,
                )
            ) from error

    @api.constrains("bank_code", "agencia", "conta", "convenio", "carteira")
    def _check_agreement(self):
        for account in self:
            account._dunning_agreement()

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        for account in accounts.filtered(lambda a: not a.nosso_numero_sequence_id):
            account.nosso_numero_sequence_id = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": self.env._(
                            "Nosso número %(account)s", account=account.name
                        ),
                        "code": f"dunning.boleto.account.{account.id}",
                        "company_id": account.company_id.id,
                        "implementation": "no_gap",
                        "padding": 1,
                        "number_next": 1,
                    }
                )
            )
        return accounts

    def _dunning_settlement_accounts(self):
        """``(income, discount, tariff)`` accounts of the retorno's bookings:
        the agreement's, else (income, discount) the company's Pix
        provider's."""
        self.ensure_one()
        provider = (
            self.env["payment.provider"]
            .sudo()
            ._dunning_pix_for_company(self.company_id)
        )
        return (
            self.income_account_id or provider.dunning_pix_income_account_id,
            self.discount_account_id or provider.dunning_pix_discount_account_id,
            self.tariff_account_id,
        )
