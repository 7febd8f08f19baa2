# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Collection e-mails through a real SMTP server on loopback (aiosmtpd)."""

import email
import email.policy
import socket

from aiosmtpd.controller import Controller
from freezegun import freeze_time

import odoo.modules.module
from odoo.tests import tagged

from .common import DunningCommon


class RecordingHandler:
    """An SMTP server that refuses messages while ``refuse`` is set."""

    def __init__(self):
        self.refuse = True
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Mailbox temporarily unavailable"
        self.received.append(envelope)
        return "250 Message accepted for delivery"


@tagged("post_install", "-at_install")
class TestDunningSmtp(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        cls.handler = RecordingHandler()
        cls.smtp = Controller(cls.handler, hostname="127.0.0.1", port=port)
        cls.smtp.start()
        cls.addClassCleanup(cls.smtp.stop)
        cls.env["ir.mail_server"].create(
            {
                "name": "SMTP local",
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )

    def _deliver(self, mails):
        """What the mail queue does, with Odoo's test-mode short circuit lifted
        so that the real SMTP client talks to the local server."""
        odoo.modules.module.current_test, previous = (
            False,
            odoo.modules.module.current_test,
        )
        try:
            mails.send(raise_exception=False)
        finally:
            odoo.modules.module.current_test = previous

    def test_refused_reminder_is_retried_and_delivered_once(self):
        partner = self._customer("Cliente SMTP")
        with freeze_time("2025-03-10 12:00:00"):
            move = self._invoice(partner, "2025-03-07")
            self.engine._run_for(self.company)
        history = self._history(move)
        mail = history.communication_id.message_ids.mail_ids
        self.assertEqual(len(mail), 1)

        with self.assertLogs("odoo.addons.mail.models.mail_mail", "ERROR"):
            self._deliver(mail)  # the server answers 451
        self.assertEqual(mail.state, "exception")
        self.assertEqual(history.state, "failed")
        self.assertIn("451", history.failure_reason)
        self.assertEqual(history.attempt_count, 1)
        self.assertFalse(self.handler.received)

        self.handler.refuse = False
        with freeze_time("2025-03-11 12:00:00"):
            self.engine._run_for(self.company)
        self.assertEqual(history.state, "sent")
        self.assertEqual(history.attempt_count, 2)
        retry = self.env["mail.mail"].search(
            [("recipient_ids", "in", partner.ids), ("state", "=", "outgoing")]
        )
        self.assertEqual(len(retry), 1)
        self._deliver(retry)
        self.assertEqual(len(self.handler.received), 1)
        envelope = self.handler.received[0]
        self.assertEqual(envelope.rcpt_tos, [partner.email])
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        self.assertEqual(
            message["Subject"],
            self._rendered(
                self.env.ref("dunning_br.mail_template_collection"),
                history.communication_id,
            ),
        )
        html = message.get_body(preferencelist=("html",)).get_content()
        self.assertIn(move.name, html)
        self.assertIn("/my/pendencias?token=", html)  # the portal link
        # Running again sends nothing more.
        with freeze_time("2025-03-11 12:00:00"):
            self.engine._run_for(self.company)
        self.assertFalse(
            self.env["mail.mail"].search(
                [("recipient_ids", "in", partner.ids), ("state", "=", "outgoing")]
            )
        )
