# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Test helpers shared by the dunning_br addons."""

from datetime import date
from pathlib import Path

import polib

from odoo import Command, fields
from odoo.modules.module import get_module_path
from odoo.tests import new_test_user
from odoo.tools.misc import formatLang
from odoo.tools.translate import TranslationModuleReader

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class TranslationCheckMixin:
    """Asserts that an addon's ``i18n/pt_BR.po`` translates every term it has.

    The source terms are read from the installed addon exactly as Odoo exports
    them (fields, views, data, ``_()`` calls in code), so a string added
    without a translation, or a stale translation, fails the addon's tests.
    A term that reads the same in Portuguese keeps an empty ``msgstr`` (OCA's
    po format) and says so in a translator comment, ``SAME_AS_SOURCE``.
    """

    SAME_AS_SOURCE = "pt_BR: same as source"

    def assert_pt_br_complete(self, module):
        exported = {
            row[4]
            for row in TranslationModuleReader(self.env.cr, modules=[module])
            if row[0] == module and row[4]
        }
        po_path = Path(get_module_path(module)) / "i18n" / "pt_BR.po"
        self.assertTrue(po_path.is_file(), f"{po_path} is missing")
        translated = {
            entry.msgid: entry.msgstr
            or (entry.msgid if entry.tcomment == self.SAME_AS_SOURCE else "")
            for entry in polib.pofile(str(po_path))
        }
        untranslated = sorted(
            term for term in exported if not (translated.get(term) or "").strip()
        )
        stale = sorted(set(translated) - exported)
        self.assertFalse(
            untranslated, f"{module}: terms without a pt_BR translation: {untranslated}"
        )
        self.assertFalse(stale, f"{module}: pt_BR.po has stale terms: {stale}")


def translated_term(record, fname, source, lang):
    """``source``, a term of the translated field ``fname`` of ``record`` (a
    view's label, a template's sentence), in ``lang``: what a page or a
    message shows in that language, whatever the languages installed."""
    field = record._fields[fname]
    sources = field.get_trans_terms(record.with_context(lang="en_US")[fname])
    terms = field.get_trans_terms(record.with_context(lang=lang)[fname])
    return dict(zip(sources, terms, strict=True)).get(source, source)


class DunningCommon(AccountTestInvoicingCommon):
    """A company with a régua of five steps and helpers to make installments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.policy = cls._create_policy(cls.company)
        cls.company.dunning_policy_id = cls.policy
        cls.step_before = cls.policy.step_ids.filtered(lambda s: s.offset_days == -5)
        cls.step_due = cls.policy.step_ids.filtered(lambda s: s.offset_days == 0)
        cls.step_3 = cls.policy.step_ids.filtered(lambda s: s.offset_days == 3)
        cls.step_10 = cls.policy.step_ids.filtered(lambda s: s.offset_days == 10)
        cls.step_30 = cls.policy.step_ids.filtered(lambda s: s.offset_days == 30)
        cls.engine = cls.env["dunning.engine"]
        cls.collector = cls._collector(
            cls.company, "carla.cobradora", "Carla Cobradora"
        )
        cls._activate(cls.company, cls.collector)

    @classmethod
    def _collector(cls, company, login, name):
        """An internal user of ``company`` that can be its collector."""
        return new_test_user(
            cls.env,
            login=login,
            name=name,
            email=f"{login}@example.com",
            phone="+55 11 3333-4444",
            groups="base.group_user",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    @classmethod
    def _activate(cls, company, collector, go_live=date(2000, 1, 1), **values):
        """Switch the régua of ``company`` on (as the activation wizard does)
        from ``go_live``, long before the tests' days."""
        company.write(
            {
                "dunning_active": True,
                "dunning_go_live_date": go_live,
                "dunning_collector_id": collector.id,
                **values,
            }
        )
        # Letters queued before the tests (the demo's first run issues one)
        # are not theirs: out of the queue the tests count.
        cls.env["dunning.communication"].sudo().search(
            [("letter_state", "=", "to_render")]
        ).letter_state = "ready"

    @classmethod
    def _create_policy(cls, company, **values):
        ref = cls.env.ref
        steps = [
            (-5, "reminder", "email", ref("dunning_br.mail_template_reminder")),
            (0, "reminder", "email", ref("dunning_br.mail_template_reminder")),
            (3, "collection", "email", ref("dunning_br.mail_template_collection")),
            (10, "formal", "email", ref("dunning_br.mail_template_formal")),
            (30, "extrajudicial", "letter", False),
        ]
        return cls.env["dunning.policy"].create(
            {
                "name": "Régua de teste",
                "company_id": company.id,
                "fine_percent": 2.0,
                "interest_monthly_percent": 1.0,
                **values,
                "step_ids": [
                    Command.create(
                        {
                            "name": f"D{offset:+d}",
                            "offset_days": offset,
                            "tone": tone,
                            "channel": channel,
                            "mail_template_id": template and template.id,
                        }
                    )
                    for offset, tone, channel, template in steps
                ],
            }
        )

    @classmethod
    def _customer(cls, name, **values):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "email": f"{name.lower().replace(' ', '.')}@example.com",
                "is_company": True,
                **values,
            }
        )

    @classmethod
    def _invoice(cls, partner, due, amount=1000.0, payment_term=None, company=None):
        """A posted invoice whose single installment is due on ``due``."""
        move = (
            cls.env["account.move"]
            .with_company(company or cls.company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.to_date(due),
                    "invoice_payment_term_id": payment_term and payment_term.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Serviço", "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        if not payment_term:
            move.invoice_date_due = fields.Date.to_date(due)
        move.action_post()
        return move

    @staticmethod
    def _rendered(template, communication, fname="subject"):
        """What ``template`` gives for ``communication`` in its customer's
        language (the language of the message): the text a test expects,
        whether or not pt_BR is installed."""
        return template._render_field(fname, communication.ids, compute_lang=True)[
            communication.id
        ]

    @staticmethod
    def _number(communication, amount):
        """``amount`` as the message of ``communication`` writes it
        (1,023.33 in English, 1.023,33 in Portuguese)."""
        lang = communication._dunning_lang()
        return formatLang(communication.with_context(lang=lang).env, amount)

    def _history(self, move):
        return self.env["dunning.history"].search([("move_id", "=", move.id)])
