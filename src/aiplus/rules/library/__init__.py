"""Rule functions shared by several modules. Importing this package registers them."""

from aiplus.rules.library import vouchers

__all__ = ["vouchers"]
