# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One settlement rule for every way money arrives (Pix, statement, boleto).

A payment is explained component by component, from what a trusted source
says (the PSP's ``GET /pix/{e2eid}`` and its ``componentesValor``, a bank
statement line, a boleto retorno), never from a request body:

* ``principal``: the cash applied to the installment (reconciled with it);
* ``fine`` and ``interest``: late charges the source says were charged
  (income); a payment that does not cover them all pays interest first, then
  the fine, then the principal (Código Civil, art. 354);
* ``abatement`` and ``discount``: reductions the source says were granted
  (discount account), never more than the open principal; a discount is
  conditional on the rest being paid, so it is only granted when the
  installment is settled, an abatement always;
* what cannot be explained is **not** written off: ``underpaid`` stays open
  on the installment, ``excess`` stays the customer's credit;
* ``rounding_loss`` / ``rounding_gain``: the only silent write-off, a
  difference of at most ``tolerance`` (default 0.00).

Two identities always hold, to the cent::

    paid = principal + fine + interest + excess + rounding_gain
    open_principal = principal + abatement + discount + rounding_loss + underpaid
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: ``componentesValor`` parts of a payment of a charge with due date.
PIX_CHARGE_COMPONENTS = ("original", "multa", "juros", "abatimento", "desconto")
#: Parts that are cash handed back to the payer (Pix Saque / Pix Troco).
PIX_CASH_OUT_COMPONENTS = ("saque", "troco")


@dataclass(frozen=True)
class Settlement:
    """How a payment settles an installment (all amounts are >= 0, in cents)."""

    paid: Decimal
    open_principal: Decimal
    principal: Decimal
    fine: Decimal
    interest: Decimal
    discount: Decimal
    abatement: Decimal
    underpaid: Decimal
    excess: Decimal
    rounding_loss: Decimal
    rounding_gain: Decimal

    @property
    def settled(self) -> Decimal:
        """What leaves the installment's open amount (reconciled with it)."""
        return self.principal + self.discount + self.abatement + self.rounding_loss

    @property
    def receivable(self) -> Decimal:
        """The credit on the customer's receivable: what settles the
        installment plus the excess left as the customer's credit."""
        return self.settled + self.excess

    @property
    def is_exact(self) -> bool:
        """Nothing left open, nothing left over: no one needs to look at it."""
        return not self.underpaid and not self.excess


@dataclass(frozen=True)
class PixComponents:
    """The ``componentesValor`` of a Pix, in this module's terms."""

    original: Decimal | None
    fine: Decimal
    interest: Decimal
    discount: Decimal
    abatement: Decimal
    cash_out: Decimal

    def as_kwargs(self) -> dict:
        """Keyword arguments of :func:`explain_payment`."""
        return {
            "fine": self.fine,
            "interest": self.interest,
            "discount": self.discount,
            "abatement": self.abatement,
        }


def _money(name: str, value, *, positive=False) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal, an int or a string, not a float")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValueError(f"{name} is not an amount: {value!r}") from error
    if not amount.is_finite():
        raise ValueError(f"{name} is not a finite amount: {value!r}")
    if amount != amount.quantize(CENT):
        raise ValueError(f"{name} has fractions of a cent: {value}")
    if amount < 0 or (positive and amount == 0):
        kind = "positive" if positive else "zero or positive"
        raise ValueError(f"{name} must be {kind}, got {value}")
    return amount.quantize(CENT)


def explain_payment(
    paid,
    open_principal,
    *,
    fine=0,
    interest=0,
    discount=0,
    abatement=0,
    tolerance=0,
) -> Settlement:
    """Split ``paid`` against an installment of ``open_principal``.

    ``fine``, ``interest``, ``discount`` and ``abatement`` are what the
    trusted source reported (0 when it reported nothing); ``tolerance`` the
    largest difference written off silently.

    :raises ValueError: an amount that is negative, not a number or with
        fractions of a cent; ``paid`` of zero.
    :raises TypeError: a float (money is never a float).
    """
    paid = _money("paid", paid, positive=True)
    open_principal = _money("open_principal", open_principal)
    fine = _money("fine", fine)
    interest = _money("interest", interest)
    discount = _money("discount", discount)
    abatement = _money("abatement", abatement)
    tolerance = _money("tolerance", tolerance)

    # Late charges first (art. 354: interest, then fine), then the principal.
    interest = min(interest, paid)
    fine = min(fine, paid - interest)
    cash = paid - interest - fine
    # Reductions never above what is open.
    abatement = min(abatement, open_principal)
    discount = min(discount, open_principal - abatement)

    def split(granted):
        due = open_principal - granted
        principal = min(cash, due)
        return principal, due - principal, cash - principal

    principal, underpaid, excess = split(abatement + discount)
    if underpaid > tolerance and discount:
        # A discount is granted for paying the rest: not on a partial payment.
        discount = ZERO
        principal, underpaid, excess = split(abatement)
    rounding_loss = rounding_gain = ZERO
    if underpaid <= tolerance:
        rounding_loss, underpaid = underpaid, ZERO
    if excess <= tolerance:
        rounding_gain, excess = excess, ZERO
    return Settlement(
        paid=paid,
        open_principal=open_principal,
        principal=principal,
        fine=fine,
        interest=interest,
        discount=discount,
        abatement=abatement,
        underpaid=underpaid,
        excess=excess,
        rounding_loss=rounding_loss,
        rounding_gain=rounding_gain,
    )


def pix_components(componentes_valor: Mapping | None, valor=None) -> PixComponents:
    """The components of a Pix of the API Pix (``Pix.componentesValor``).

    ``None`` or an empty mapping: nothing reported (every part 0, ``original``
    None). With ``valor`` (the Pix's amount), the spec's rule is checked:
    ``valor = original + saque + troco + multa + juros - abatimento -
    desconto``.

    :raises ValueError: a part that is not a valid amount, an unknown part,
        both ``saque`` and ``troco``, or parts that do not add up to ``valor``.
    """
    if not componentes_valor:
        return PixComponents(None, ZERO, ZERO, ZERO, ZERO, ZERO)
    if not isinstance(componentes_valor, Mapping):
        # ValueError: bad data from the PSP, as every other check here.
        raise ValueError("componentesValor must be an object")  # noqa: TRY004
    known = PIX_CHARGE_COMPONENTS + PIX_CASH_OUT_COMPONENTS
    unknown = sorted(set(componentes_valor) - set(known))
    if unknown:
        raise ValueError(f"componentesValor has unknown parts: {', '.join(unknown)}")
    if all(name in componentes_valor for name in PIX_CASH_OUT_COMPONENTS):
        raise ValueError("componentesValor has both saque and troco")
    parts = {}
    for name in known:
        part = componentes_valor.get(name)
        if part is None:
            continue
        if not isinstance(part, Mapping) or "valor" not in part:
            raise ValueError(f"componentesValor.{name} has no valor")
        parts[name] = _money(f"componentesValor.{name}.valor", part["valor"])

    def get(name):
        return parts.get(name, ZERO)

    components = PixComponents(
        original=parts.get("original"),
        fine=get("multa"),
        interest=get("juros"),
        discount=get("desconto"),
        abatement=get("abatimento"),
        cash_out=get("saque") + get("troco"),
    )
    if valor is not None:
        valor = _money("valor", valor, positive=True)
        total = (
            get("original")
            + components.cash_out
            + components.fine
            + components.interest
            - components.abatement
            - components.discount
        )
        if total != valor:
            raise ValueError(
                f"componentesValor adds up to {total}, the Pix carries {valor}"
            )
    return components
