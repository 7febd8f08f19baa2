# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pix keys (chaves DICT): classification and normalization.

The normalized forms are those registered in DICT and carried in BR Code
field 26-01:

* ``cpf``: 11 digits with valid check digits;
* ``cnpj``: 14 characters ``[0-9A-Z]`` with valid check digits (the
  alphanumeric CNPJ included);
* ``email``: lowercase, at most 77 characters;
* ``phone``: ``+55`` followed by the 2-digit area code (DDD) and the 8- or
  9-digit number (E.164; a 9-digit number is a mobile and starts with 9);
* ``evp``: random key, a UUID written lowercase with hyphens (36 characters).

Ambiguities are settled by shape: ``@`` means e-mail, a leading ``+`` means
phone (a phone key always carries ``+55``), the 8-4-4-4-12 hex pattern means
EVP, otherwise 11 characters mean CPF and 14 mean CNPJ. CPF and CNPJ keys may
be given with their usual punctuation, which is removed.
"""

import re
from typing import Literal

from ..documents import CNPJ_LENGTH, CPF_LENGTH, clean, validate_cnpj, validate_cpf

KeyKind = Literal["cpf", "cnpj", "email", "phone", "evp"]

#: Maximum length of a Pix key (DICT).
MAX_KEY_LENGTH = 77

_EVP = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PHONE = re.compile(r"\+55[1-9]{2}(?:9[0-9]{8}|[2-8][0-9]{7})")
_PHONE_PUNCTUATION = re.compile(r"[\s()\-.]")
_EMAIL_LOCAL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)
_EMAIL_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")


def _normalize_email(key: str) -> str:
    email = key.lower()
    if len(email) > MAX_KEY_LENGTH:
        raise ValueError(
            f"an e-mail Pix key has at most {MAX_KEY_LENGTH} characters, "
            f"got {len(email)}: {key!r}"
        )
    local, _, domain = email.rpartition("@")
    if not _EMAIL_LOCAL.fullmatch(local) or not _EMAIL_DOMAIN.fullmatch(domain):
        raise ValueError(f"invalid e-mail Pix key {key!r}: expected name@domain.tld")
    return email


def _normalize_phone(key: str) -> str:
    phone = _PHONE_PUNCTUATION.sub("", key)
    if not _PHONE.fullmatch(phone):
        raise ValueError(
            f"invalid phone Pix key {key!r}: expected +55, a 2-digit area code "
            "and an 8-digit number or a 9-digit mobile number starting with 9 "
            "(+5511912345678)"
        )
    return phone


def _normalize(key: str) -> tuple[KeyKind, str]:
    if not isinstance(key, str):
        raise TypeError(f"a Pix key must be a str, got {type(key).__name__}")
    key = key.strip()
    if not key:
        raise ValueError("a Pix key cannot be empty")
    if "@" in key:
        return "email", _normalize_email(key)
    if key.startswith("+"):
        return "phone", _normalize_phone(key)
    if _EVP.fullmatch(key.lower()):
        return "evp", key.lower()
    compact = clean(key)
    if len(compact) == CPF_LENGTH:
        return "cpf", validate_cpf(key)
    if len(compact) == CNPJ_LENGTH:
        return "cnpj", validate_cnpj(key)
    raise ValueError(
        f"unrecognized Pix key {key!r}: expected a CPF (11 digits), a CNPJ "
        "(14 characters), an e-mail, a phone number starting with +55 or a "
        "random key (UUID, 36 characters)"
    )


def classify_key(key: str) -> KeyKind:
    """Return the kind of a valid Pix key: cpf, cnpj, email, phone or evp.

    :raises ValueError: if ``key`` is not a valid Pix key of any kind.
    """
    return _normalize(key)[0]


def normalize_key(key: str) -> str:
    """Return ``key`` in the form registered in DICT.

    :raises ValueError: if ``key`` is not a valid Pix key of any kind.
    """
    return _normalize(key)[1]
