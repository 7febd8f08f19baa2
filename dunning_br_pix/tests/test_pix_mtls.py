# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import ipaddress
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cobranca.pix import PixApiUnavailable
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from odoo.tests import TransactionCase, tagged

from .common import PixSandbox, PixSandboxCommon


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, key, issuer, issuer_key, *, ca=False, server=False):
    now = datetime.now(timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@tagged("post_install", "-at_install")
class TestPixMutualTls(PixSandboxCommon, TransactionCase):
    def setUp(self):
        super().setUp()
        folder = Path(tempfile.mkdtemp(prefix="pix_mtls_"))
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca = _certificate("Test PSP CA", ca_key, "Test PSP CA", ca_key, ca=True)
        server_key = ec.generate_private_key(ec.SECP256R1())
        server = _certificate(
            "127.0.0.1", server_key, "Test PSP CA", ca_key, server=True
        )
        self.client_key = ec.generate_private_key(ec.SECP256R1())
        self.client = _certificate("odoo", self.client_key, "Test PSP CA", ca_key)
        self.ca = ca
        for name, data in (
            ("ca.pem", _pem(ca)),
            ("server.pem", _pem(server)),
            ("server.key", _key_pem(server_key)),
        ):
            (folder / name).write_bytes(data)
        self.tls_psp = PixSandbox(
            "odoo-test",
            "s3cret",
            tls=(str(folder / "server.pem"), str(folder / "server.key")),
            client_ca=str(folder / "ca.pem"),
        ).start()
        self.addCleanup(self.tls_psp.stop)
        self.addCleanup(lambda: self.assertEqual(self.tls_psp.errors, []))
        self.provider.write(
            {
                "dunning_pix_base_url": self.tls_psp.base_url,
                "dunning_pix_token_url": self.tls_psp.token_url,
                "dunning_pix_ca_certificate": base64.b64encode(_pem(ca)),
            }
        )

    def test_charge_over_mutual_tls(self):
        self.provider.write(
            {
                "dunning_pix_certificate": base64.b64encode(_pem(self.client)),
                "dunning_pix_certificate_key": base64.b64encode(
                    _key_pem(self.client_key)
                ),
            }
        )
        _move, line = self._installment()
        charge = self._charge(line)
        self.assertEqual(charge.psp_status, "ATIVA")
        self.assertIn(charge.txid, self.tls_psp.charges)

    def test_without_client_certificate_the_psp_refuses(self):
        _move, line = self._installment()
        with self.assertRaisesRegex(PixApiUnavailable, "(?i)ssl|tls|connection"):
            self._charge(line)
        self.assertFalse(self.tls_psp.charges)
