"""The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters ending in a check character.

Layout: registration authority (1) + organisation type (1) + administrative division (6) + organisation code (9)
+ check character (1). The check character is computed over the first 17 characters with the weights 3^i mod 31
and the 31-character alphabet that leaves out I, O, S, V and Z (so they cannot be mistaken for digits).
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUES = {char: index for index, char in enumerate(ALPHABET)}


class CreditCodeError(ValueError):
    """A credit code that is not well formed; `rule` says which rule of GB 32100-2015 it breaks."""

    def __init__(self, rule: str, message: str, expected: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.expected = expected


def check_character(first17: str) -> str:
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return code.strip().upper()


def validate(code: str) -> str:
    """Return the normalised code, or raise CreditCodeError naming the broken rule."""
    code = normalise(code)
    if len(code) != 18:
        raise CreditCodeError("length", f"must be 18 characters, got {len(code)}")
    bad = sorted({char for char in code if char not in VALUES})
    if bad:
        raise CreditCodeError("alphabet", f"contains characters outside GB 32100-2015: {''.join(bad)}")
    if not code[2:8].isdigit():
        raise CreditCodeError("division", "characters 3–8 must be the 6-digit administrative division code")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError("check", f"check character is {code[17]}, expected {expected}", expected)
    return code


def make(first17: str) -> str:
    """Complete 17 characters with their check character (used by the demo generator and tests)."""
    return first17 + check_character(first17)
