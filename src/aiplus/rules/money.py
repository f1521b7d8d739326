"""Money is Decimal with two places, rounded half up as Chinese fiscal practice does."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """Quantize to fen. Floats are refused: they cannot carry an exact amount."""
    if isinstance(value, float):
        raise TypeError("money amounts must not be floats")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
