# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Which collection policy applies to an invoice.

The precedence is :data:`POLICY_SOURCES`: the invoice's own policy, else its
customer's, else the company default. The addons build both their SQL
(a ``COALESCE`` in this order) and their Python (:func:`resolve_policy`) from
this tuple, so that the daily run and the screens always agree.
"""

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")

#: Where a policy may come from, the first one set winning.
POLICY_SOURCES = ("invoice", "customer", "company")


def _check_sources(sources) -> None:
    unknown = set(sources) - set(POLICY_SOURCES)
    if unknown:
        raise ValueError(
            f"Unknown policy sources {sorted(unknown)}; known: {POLICY_SOURCES}"
        )


def resolve_policy(candidates: Mapping[str, T]) -> T | None:
    """The first candidate set (truthy), in the order of
    :data:`POLICY_SOURCES`; ``None`` when none is. ``candidates`` maps
    sources to policies (any value; falsy means "not set")."""
    _check_sources(candidates)
    for source in POLICY_SOURCES:
        policy = candidates.get(source)
        if policy:
            return policy
    return None


def ordered_sources(expressions: Mapping[str, T]) -> list[T]:
    """``expressions`` (one per source, every source given) in precedence
    order: the arguments of a ``COALESCE``."""
    _check_sources(expressions)
    missing = set(POLICY_SOURCES) - set(expressions)
    if missing:
        raise ValueError(f"Missing policy sources {sorted(missing)}")
    return [expressions[source] for source in POLICY_SOURCES]
