# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""CPF and CNPJ: validation and formatting, including the alphanumeric CNPJ.

* CPF: 11 digits, the last two are mod-11 check digits.
* CNPJ: 14 characters. Since July 2026 (IN RFB 2.229/2024) the first 12 may be
  digits or uppercase letters ``[0-9A-Z]``; the last 2 are still numeric check
  digits. Each character is worth ``ord(c) - 48`` (so digits keep their value
  and ``A`` = 17 … ``Z`` = 42) and the mod-11 weights are those of the
  numeric CNPJ, so every numeric CNPJ stays valid.

python-stdnum is deliberately not used: Odoo 18 pins a version that rejects
alphanumeric CNPJs.
"""

import re
from typing import Literal

CPF_LENGTH = 11
CNPJ_LENGTH = 14

_SEPARATORS = re.compile(r"[./\-\s]")
_CPF_WEIGHTS = tuple(range(11, 1, -1))  # 11, 10, ..., 2
_CNPJ_WEIGHTS = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)
_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def clean(value: str) -> str:
    """Return ``value`` without ``.``, ``/``, ``-`` and whitespace, uppercased.

    Any other character is kept, so that validation can report it.
    """
    if not isinstance(value, str):
        raise TypeError(f"expected a str, got {type(value).__name__}: {value!r}")
    return _SEPARATORS.sub("", value).upper()


#: Alias of :func:`clean`.
only_digits_or_letters = clean


def _check_digits(base: str, weights: tuple[int, ...]) -> str:
    """Two mod-11 check digits of ``base``; ``weights`` serve the second digit."""
    values = [ord(char) - 48 for char in base]
    for _ in range(2):
        total = sum(v * w for v, w in zip(values, weights[-len(values) :], strict=True))
        remainder = total % 11
        values.append(0 if remainder < 2 else 11 - remainder)
    return f"{values[-2]}{values[-1]}"


def cpf_check_digits(base: str) -> str:
    """Return the two check digits of a CPF from its first 9 digits."""
    if not re.fullmatch(r"[0-9]{9}", base):
        raise ValueError(f"a CPF base must be 9 digits, got {base!r}")
    return _check_digits(base, _CPF_WEIGHTS)


def cnpj_check_digits(base: str) -> str:
    """Return the two check digits of a CNPJ from its first 12 characters."""
    if not re.fullmatch(r"[0-9A-Z]{12}", base):
        raise ValueError(
            f"a CNPJ base must be 12 characters among 0-9 and A-Z, got {base!r}"
        )
    return _check_digits(base, _CNPJ_WEIGHTS)


def _validate(
    value: str, kind: str, length: int, weights: tuple[int, ...], letters: bool
) -> str:
    """Checks shared by CPF and CNPJ; ``letters`` allows A-Z before the DVs."""
    compact = clean(value)
    if len(compact) != length:
        raise ValueError(
            f"a {kind} must have {length} characters, got {len(compact)}: {value!r}"
        )
    for position, char in enumerate(compact, start=1):
        is_base = position <= length - 2
        if not (char in _DIGITS or (letters and is_base and char in _LETTERS)):
            expected = "a digit or a letter A-Z" if letters and is_base else "a digit"
            raise ValueError(
                f"invalid character {char!r} at position {position} of {kind} "
                f"{value!r}: expected {expected}"
            )
    if len(set(compact)) == 1:
        raise ValueError(f"a {kind} cannot have all characters equal: {value!r}")
    expected_digits = _check_digits(compact[:-2], weights)
    if compact[-2:] != expected_digits:
        raise ValueError(
            f"{kind} {value!r} has check digits {compact[-2:]}, "
            f"expected {expected_digits}"
        )
    return compact


def validate_cpf(value: str) -> str:
    """Return the compact CPF (11 digits) or raise ValueError saying what is wrong."""
    return _validate(value, "CPF", CPF_LENGTH, _CPF_WEIGHTS, letters=False)


def validate_cnpj(value: str) -> str:
    """Return the compact CNPJ (14 characters) or raise ValueError.

    Accepts the numeric and the alphanumeric CNPJ, lowercase letters included.
    """
    return _validate(value, "CNPJ", CNPJ_LENGTH, _CNPJ_WEIGHTS, letters=True)


def is_valid_cpf(value: object) -> bool:
    """Whether ``value`` is a valid CPF, formatted or not."""
    try:
        validate_cpf(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def is_valid_cnpj(value: object) -> bool:
    """Whether ``value`` is a valid (numeric or alphanumeric) CNPJ."""
    try:
        validate_cnpj(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def format_cpf(value: str) -> str:
    """Return the CPF as ``000.000.000-00``; raise ValueError if invalid."""
    c = validate_cpf(value)
    return f"{c[:3]}.{c[3:6]}.{c[6:9]}-{c[9:]}"


def format_cnpj(value: str) -> str:
    """Return the CNPJ as ``00.000.000/0000-00``; raise ValueError if invalid."""
    c = validate_cnpj(value)
    return f"{c[:2]}.{c[2:5]}.{c[5:8]}/{c[8:12]}-{c[12:]}"


def document_kind(value: str) -> Literal["cpf", "cnpj"]:
    """Return ``'cpf'`` or ``'cnpj'`` for a valid document, else raise ValueError.

    The kind is decided by the length of the compact form (11 or 14), then the
    document is validated, so the error says what is wrong with it.
    """
    compact = clean(value)
    if len(compact) == CPF_LENGTH:
        validate_cpf(value)
        return "cpf"
    if len(compact) == CNPJ_LENGTH:
        validate_cnpj(value)
        return "cnpj"
    raise ValueError(
        f"expected a CPF (11 digits) or a CNPJ (14 characters), "
        f"got {len(compact)} characters: {value!r}"
    )
