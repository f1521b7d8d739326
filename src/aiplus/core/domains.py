"""The domain of every number the platform stores (its digits, its scale and its range), set once where the model
field is defined and enforced from there on every entry path.

A numeric model field is made with one of the factories below; its range is a pair of Django validators, its
digits and scale are the column's. Everything else reads the field:

- `Model.full_clean()` and model forms run the validators (Django does);
- an API schema types the number as `Annotated[int, bounds(Model, "field")]`: pydantic's ge/le, max_digits and
  decimal_places from the same field, so a hostile body is a 422 naming the field before any service runs;
- a service, an import or a worker calls `clean(Model, "field", value)` for a value it was given, or
  `check(instance, "field", ...)` for a row it built, which raise a ServiceError naming the field (a 400):
  nothing outside the domain is ever written, so nothing read back later can fail;
- a plain form that types a number takes `form_field(Model, "field")` (number input with min, max and step).

Money is `money_field()`: `DecimalField(max_digits=16, decimal_places=2)`, two decimals, at most MONEY_MAX yuan.

Every decimal domain stays within SIGNIFICANT_DIGITS: SQLite keeps a decimal as a double, and a value of more
significant digits comes back as a neighbour that no longer fits its column (Django then fails the read).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from pydantic import Field

from aiplus.core.errors import ServiceError

SIGNIFICANT_DIGITS = 15  # what both databases give back exactly (SQLite: a double's 15 significant digits)


def _top(max_digits: int, places: int) -> Decimal:
    """The largest value of `max_digits` digits, `places` of them decimals, that both databases store exactly."""
    return Decimal(10) ** (min(max_digits, SIGNIFICANT_DIGITS) - places) - Decimal(1).scaleb(-places)


MONEY_DIGITS = 16
MONEY_PLACES = 2
MONEY_MAX = _top(MONEY_DIGITS, MONEY_PLACES)  # 9 999 999 999 999.99 yuan: some ten trillion, beyond any budget
CENT = Decimal("0.01")  # the smallest positive amount: "more than zero" for money is "at least a cent"
ZERO = Decimal("0.00")

# People counted in a record (personal-information subjects): above the world's population, below what a sum of a
# year's records could overflow in a 64-bit column.
PEOPLE_MAX = 10_000_000_000

# An integer read as a number never has more digits than this (a 64-bit column holds 19); anything longer is refused
# before Python builds it.
_INTEGER_DIGITS = 20


# ------------------------------------------------------------------------------------------------------- fields

def _range(minimum: Any, maximum: Any) -> list[Any]:
    found: list[Any] = []
    if minimum is not None:
        found.append(MinValueValidator(minimum))
    if maximum is not None:
        found.append(MaxValueValidator(maximum))
    return found


def money_field(verbose_name: Any = None, *, minimum: Decimal | None = ZERO, maximum: Decimal = MONEY_MAX,
                **kwargs: Any) -> models.DecimalField:
    """An amount of yuan: two decimals, `minimum` (default 0; CENT for "more than zero", -MONEY_MAX for a signed
    ledger leg) to `maximum` (default MONEY_MAX)."""
    return models.DecimalField(verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES,
                               validators=_range(minimum, maximum), **kwargs)


def decimal_field(verbose_name: Any = None, *, max_digits: int, decimal_places: int, minimum: Decimal | None = None,
                  maximum: Decimal | None = None, **kwargs: Any) -> models.DecimalField:
    """A measured quantity: its digits and scale, and the range that makes sense for it (without a `minimum` or a
    `maximum`, the digits both databases keep are the bound)."""
    top = _top(max_digits, decimal_places)
    return models.DecimalField(verbose_name, max_digits=max_digits, decimal_places=decimal_places,
                               validators=_range(-top if minimum is None else minimum,
                                                 top if maximum is None else maximum), **kwargs)


def count_field(verbose_name: Any = None, *, maximum: int, minimum: int = 0, **kwargs: Any) -> models.IntegerField:
    """A count (cards, people, days, places): a whole number from `minimum` to `maximum`, in the smallest column
    that holds `maximum`."""
    if minimum < 0:
        raise ValueError("a count is never negative")
    column: type[models.IntegerField] = (
        models.PositiveSmallIntegerField if maximum <= 32767
        else models.PositiveIntegerField if maximum <= 2147483647 else models.PositiveBigIntegerField)
    return column(verbose_name, validators=_range(minimum, maximum), **kwargs)


def limits(field: Any) -> tuple[Any, Any]:
    """The (minimum, maximum) a field's validators allow; None where there is none."""
    low = high = None
    for validator in field.validators:
        if not isinstance(validator, (MinValueValidator, MaxValueValidator)):
            continue
        limit = validator.limit_value() if callable(validator.limit_value) else validator.limit_value
        if isinstance(validator, MinValueValidator):
            low = limit if low is None else max(low, limit)
        elif isinstance(validator, MaxValueValidator):
            high = limit if high is None else min(high, limit)
    return low, high


def _field(model: Any, name: str) -> Any:
    return model._meta.get_field(name)


# --------------------------------------------------------------------------------------------- schemas and forms

def bounds(model: Any, name: str, **extra: Any) -> Any:
    """The pydantic constraints of a model field's domain, for `Annotated[int | Decimal, bounds(Model, "f")]` in an
    API schema: ge/le from its range, max_digits/decimal_places from a decimal column, max_length from a text column
    (`Annotated[str, bounds(Model, "f")]`)."""
    field = _field(model, name)
    low, high = limits(field)
    constraints: dict[str, Any] = {}
    if low is not None:
        constraints["ge"] = low
    if high is not None:
        constraints["le"] = high
    if isinstance(field, models.DecimalField):
        constraints["max_digits"] = field.max_digits
        constraints["decimal_places"] = field.decimal_places
    if isinstance(field, models.CharField) and field.max_length:
        constraints["max_length"] = field.max_length
    return Field(**constraints, **extra)


def form_field(model: Any, name: str, **kwargs: Any) -> Any:
    """The form field of a model field with its domain: min and max from its range, digits and scale from its
    column (a number input with min, max and step)."""
    field = _field(model, name)
    low, high = limits(field)
    return field.formfield(min_value=low, max_value=high, **kwargs)


# ---------------------------------------------------------------------------------------------------- services

def _refusal(code: str, message: Any, params: dict[str, Any], field: str) -> ServiceError:
    return ServiceError(code, message % params, field)


def _number(field: Any, value: Any, label: Any, name: str) -> Decimal | int:
    integer = isinstance(field, models.IntegerField)
    invalid = _("%(label)s须为整数。") if integer else _("%(label)s须为数字。")
    number: Decimal | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, float):
        number = Decimal(repr(value))  # the float as written (0.1 is 0.1), not its binary expansion
    elif isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite():
        raise _refusal("invalid_number", invalid, {"label": label}, name)
    if integer:
        if number.adjusted() >= _INTEGER_DIGITS:
            low, high = limits(field)
            message = _("%(label)s不能大于 %(limit)s。") if number > 0 else _("%(label)s不能小于 %(limit)s。")
            raise _refusal("out_of_range", message, {"label": label, "limit": high if number > 0 else low}, name)
        if number != number.to_integral_value():
            raise _refusal("invalid_number", invalid, {"label": label}, name)
        return int(number)
    places = field.decimal_places
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        try:  # "1.000" is 1.00 (as pydantic reads it); "10.005" has three decimals
            scaled = number.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:
            scaled = None
        if scaled != number:
            raise _refusal("too_many_decimals", _("%(label)s最多保留 %(places)s 位小数。"),
                           {"label": label, "places": places}, name)
        number = scaled
    return number


def clean(model: Any, name: str, value: Any, *, field: str | None = None) -> Any:
    """`value` as the model field `name` stores it, or a ServiceError naming `field` (default: `name`) that says
    why not: not a number, not whole, too many decimals, out of range. None and "" are None for a nullable field
    and "required" for the others."""
    model_field = _field(model, name)
    where = field or name
    label = model_field.verbose_name
    if value is None or (isinstance(value, str) and not value.strip()):
        if model_field.null:
            return None
        raise _refusal("required", _("请填写%(label)s。"), {"label": label}, where)
    number = _number(model_field, value, label, where)
    low, high = limits(model_field)
    if low is not None and number < low:
        raise _refusal("out_of_range", _("%(label)s不能小于 %(limit)s。"), {"label": label, "limit": low}, where)
    if high is not None and number > high:
        raise _refusal("out_of_range", _("%(label)s不能大于 %(limit)s。"), {"label": label, "limit": high}, where)
    if isinstance(model_field, models.DecimalField) and isinstance(number, Decimal):
        whole = model_field.max_digits - model_field.decimal_places
        if number.adjusted() >= whole:
            top = Decimal(10) ** whole - Decimal(1).scaleb(-model_field.decimal_places)
            if number < 0:
                raise _refusal("out_of_range", _("%(label)s不能小于 %(limit)s。"), {"label": label, "limit": -top},
                               where)
            raise _refusal("out_of_range", _("%(label)s不能大于 %(limit)s。"), {"label": label, "limit": top}, where)
    try:
        model_field.run_validators(number)
    except ValidationError as error:  # a validator beyond the range (none today): its own message
        raise ServiceError(error.error_list[0].code or "invalid", error.messages[0], where) from None
    return number


def _numeric(field: Any) -> bool:
    return (isinstance(field, (models.DecimalField, models.IntegerField)) and field.concrete
            and not field.is_relation and not isinstance(field, models.AutoField))


def full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    """`instance.full_clean(exclude=...)` with its numbers checked first (`check`), every problem a ServiceError
    naming the field: the one validation of a row a service built from outside input."""
    from aiplus.core.errors import from_validation_error

    skip = set(exclude or [])
    check(instance, *(f.attname for f in instance._meta.concrete_fields
                      if _numeric(f) and f.attname not in skip and getattr(instance, f.attname) is not None))
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise from_validation_error(error) from error


def check(instance: Any, *names: str, prefix: str = "") -> None:
    """Clean the named fields of a row built in code (a worker's result, a counter, an import) in place; a value
    outside its field's domain is a ServiceError naming `prefix` + the field."""
    for name in names:
        setattr(instance, name, clean(type(instance), name, getattr(instance, name), field=f"{prefix}{name}"))


# --------------------------------------------------------------------------------------------- free text

def clean_text(value: Any, field: str, max_length: int, *, label: Any, required: bool = True) -> str:
    """A service's free-text argument, trimmed: refused, naming `field` and its `label`, when it is a structure
    rather than text, empty though required, longer than `max_length`, or holding a NUL character (which no
    database column stores)."""
    if isinstance(value, (dict, list, tuple, set)):
        raise ServiceError("invalid", _("%(f)s格式不正确。") % {"f": label}, field)
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ServiceError("required", _("请填写%(f)s。") % {"f": label}, field)
    if len(text) > max_length:
        raise ServiceError("too_long", _("%(f)s不能超过%(n)s字。") % {"f": label, "n": max_length}, field)
    if "\x00" in text:
        raise ServiceError("invalid_text", _("%(f)s含有不允许的字符。") % {"f": label}, field)
    return text
