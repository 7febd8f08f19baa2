# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A CNAB 240 remittance file (remessa) of one boleto agreement: the boletos
it registers and the instructions it carries, numbered per agreement."""

import base64

from cobranca import cnab240

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class DunningBoletoRemessa(models.Model):
    _name = "dunning.boleto.remessa"
    _description = "Boleto Remittance File (CNAB 240)"
    _check_company_auto = True
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    account_id = fields.Many2one(
        "dunning.boleto.account",
        string="Boleto Agreement",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    number = fields.Integer(
        string="File Number",
        required=True,
        readonly=True,
        help="Sequential number of the file for the agreement (NSA).",
    )
    date = fields.Date(required=True, readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)
    file_name = fields.Char(related="attachment_id.name", string="File Name")
    line_ids = fields.One2many(
        "dunning.boleto.remessa.line", "remessa_id", string="Lines", readonly=True
    )
    sent_count = fields.Integer(string="Sent", compute="_compute_counts")
    not_sent_count = fields.Integer(string="Not Sent", compute="_compute_counts")

    _sql_constraints = [
        (
            "number_uniq",
            "unique(account_id, number)",
            "A remittance file number is used only once per boleto agreement.",
        )
    ]

    @api.depends("line_ids.state")
    def _compute_counts(self):
        for remessa in self:
            states = remessa.line_ids.mapped("state")
            remessa.sent_count = states.count("sent")
            remessa.not_sent_count = states.count("not_sent")

    def action_dunning_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    @api.model
    def action_dunning_generate(self):
        """Menu *Generate Remittance Files*: one file for each agreement of the
        user's companies with boletos to register or instructions to send."""
        accounts = self.env["dunning.boleto.account"].search(
            [("company_id", "in", self.env.companies.ids)]
        )
        remessas = self._dunning_generate(accounts)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_br_pix.dunning_boleto_remessa_action"
        )
        if len(remessas) == 1:
            action.update({"res_id": remessas.id, "view_mode": "form", "views": []})
        else:
            action["domain"] = [("id", "in", remessas.ids)]
        return action

    @api.model
    def _dunning_generate(self, accounts):
        """The remittance files of ``accounts`` (one each, for those with
        anything to send). Movements that cannot be written (a payer without
        CPF/CNPJ…) are listed in the file's lines as not sent, with the
        reason; a boleto not sent stays to register.

        :raises UserError: when nothing at all can be sent, with the reasons."""
        remessas = self.browse()
        problems = []
        for account in accounts:
            remessa, reasons = self._dunning_generate_one(account)
            remessas |= remessa
            problems += reasons
        if not remessas:
            if problems:
                raise UserError(
                    self.env._(
                        "No boleto could be sent to the bank:\n%(reasons)s",
                        reasons="\n".join(problems),
                    )
                )
            raise UserError(
                self.env._("There are no boletos to register nor instructions to send.")
            )
        return remessas

    @api.model
    def _dunning_pending_lines(self, account):
        """The lines of the next file of ``account``: a registration for each
        boleto to register (created here) and the instructions queued."""
        line_model = self.env["dunning.boleto.remessa.line"]
        boletos = self.env["dunning.boleto"].search(
            [("account_id", "=", account.id), ("state", "=", "draft")],
            order="due_date, id",
        )
        queued = line_model.search(
            [
                ("account_id", "=", account.id),
                ("remessa_id", "=", False),
                ("state", "=", "queued"),
                ("movement", "!=", "01"),
            ],
            order="id",
        )
        registrations = line_model.create(
            [{"boleto_id": boleto.id, "movement": "01"} for boleto in boletos]
        )
        return registrations + queued

    @api.model
    def _dunning_generate_one(self, account):
        """``(remessa or empty, reasons of the movements not sent)``."""
        lines = self._dunning_pending_lines(account)
        if not lines:
            return self.browse(), []
        bank_account = account._dunning_cnab_account()
        today = self.env["dunning.engine"]._today(account.company_id)
        titles, sent, reasons = [], lines.browse(), []
        for line in lines:
            try:
                title = line.boleto_id._dunning_cnab_title(line)
                # Each title alone first: one that does not fit its field is
                # listed, the others are sent.
                cnab240.write_remessa(
                    bank_account, [title], file_number=1, created=today
                )
            except (cnab240.CnabError, UserError) as error:
                message = error.args[0] if error.args else str(error)
                line.write({"state": "not_sent", "reason": message})
                reasons.append(f"{line.boleto_id.display_name}: {message}")
                continue
            titles.append(title)
            sent |= line
        if not titles:
            # Nothing written: the registrations made for this run go away,
            # the queued instructions wait for the next one.
            registrations = lines.filtered(lambda line: line.movement == "01")
            (lines - registrations).write({"state": "queued", "reason": False})
            registrations.unlink()
            return self.browse(), reasons
        number = self._dunning_next_number(account)
        text = cnab240.write_remessa(
            bank_account, titles, file_number=number, created=today
        )
        name = f"remessa_{account.bank_code}_{number:06d}.rem"
        padded = str(number).zfill(6)
        remessa = self.create(
            {
                "name": self.env._(
                    "Remittance %(number)s - %(account)s",
                    number=padded,
                    account=account.name,
                ),
                "account_id": account.id,
                "number": number,
                "date": today,
            }
        )
        remessa.attachment_id = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": base64.b64encode(text.encode("ascii")),
                "mimetype": "text/plain",
                "res_model": self._name,
                "res_id": remessa.id,
            }
        )
        lines.write({"remessa_id": remessa.id})
        sent.write({"state": "sent"})
        for line in sent:
            line.boleto_id._dunning_remessa_sent(line)
        return remessa, reasons

    @api.model
    def _dunning_next_number(self, account):
        """The agreement's next file number, under a row lock: two runs never
        share a number (the second waits for the first to commit)."""
        account.flush_recordset(["remessa_number"])
        self.env.cr.execute(
            SQL(
                "SELECT remessa_number FROM dunning_boleto_account "
                "WHERE id = %s FOR UPDATE",
                account.id,
            )
        )
        number = (self.env.cr.fetchone()[0] or 0) + 1
        account.invalidate_recordset(["remessa_number"])
        account.remessa_number = number
        return number
