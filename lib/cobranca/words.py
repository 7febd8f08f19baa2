# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Amounts in words in Brazilian Portuguese, for legal text ("valor por extenso").

``num2words(lang='pt_BR', to='currency')`` gets most of it right but, from
0.5.10 (the release Odoo 18 pins) to at least 0.5.14, it:

* puts a comma between the classes of a number ("mil, duzentos e trinta e
  quatro", "dois milhões, quinhentos mil") where Portuguese uses no conjunction
  before a class of more than one hundred that is not a round hundred ("mil
  duzentos e trinta e quatro") and "e" before the others ("dois milhões e
  quinhentos mil", "mil e duzentos");
* writes "cento" for a bare hundred before "milhões"/"bilhões" in 0.5.10
  ("cento milhões" for "cem milhões");
* writes "zero reais e um centavo" for amounts under one real.

:func:`amount_in_words` corrects these in the text num2words returns.
"""

import re
from decimal import Decimal

from num2words import num2words

from .charges import round_cents, to_decimal

#: Amounts from one trillion up are refused: num2words formats the amount
#: through a float, exact to the cent only well below that.
MAX_AMOUNT = Decimal("999999999999.99")

_SCALE = r"(?:mil|milhão|milhões|bilhão|bilhões)"
_HUNDREDS = (
    r"(?:cento|duzentos|trezentos|quatrocentos|quinhentos|"
    r"seiscentos|setecentos|oitocentos|novecentos)"
)
# A hundred standing alone is "cem"; "cento" only begins "cento e ...".
_BARE_CENTO = re.compile(r"\bcento\b(?! e )")
# Before a class such as "duzentos e trinta e quatro": no conjunction.
_BEFORE_COMPOUND_HUNDREDS = re.compile(rf"\b({_SCALE})(?:,| e) (?={_HUNDREDS} e )")
# Before any other class (a round hundred, or less than one hundred): "e".
_COMMA_AFTER_SCALE = re.compile(rf"\b({_SCALE}), ")


def amount_in_words(amount: Decimal) -> str:
    """Write ``amount`` (in reais) in words, e.g. for 1234.56: "mil duzentos e
    trinta e quatro reais e cinquenta e seis centavos".

    The amount is rounded half-up to cents first.

    :raises TypeError: if ``amount`` is not a Decimal (or an int).
    :raises ValueError: if it is negative or above :data:`MAX_AMOUNT`.
    """
    amount = round_cents(to_decimal(amount, "amount"))
    if not Decimal(0) <= amount <= MAX_AMOUNT:
        raise ValueError(
            f"amount must be between 0 and {MAX_AMOUNT} to be written in words, "
            f"got {amount}"
        )
    text = num2words(amount, lang="pt_BR", to="currency")
    text = _BARE_CENTO.sub("cem", text)
    text = _BEFORE_COMPOUND_HUNDREDS.sub(r"\1 ", text)
    text = _COMMA_AFTER_SCALE.sub(r"\1 e ", text)
    if amount < 1 and amount:
        text = text.removeprefix("zero reais e ")
    return text
