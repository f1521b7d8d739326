"""The one formatter's money ranges and plain numbers: the unit said once, never a Python literal or 1E+1."""

from decimal import Decimal

from django.utils import translation

from aiplus.core import formatting


def test_money_ranges_read_in_the_unit_of_their_upper_end() -> None:
    with translation.override("zh-hans"):
        assert formatting.money_span(Decimal("500000.00"), Decimal("1500000.00")) == "50万–150万元"
        assert formatting.money_span(Decimal("8000.00"), Decimal("12000.00")) == "8,000–12,000 元"
        assert formatting.money_span(None, None) == "—"
        assert formatting.money_span(Decimal("8000"), None) == "8,000.00 元 起"
    with translation.override("en"):
        assert formatting.money_span(Decimal("500000.00"), Decimal("1500000.00")) == "CNY 0.5–1.5 million"
        assert formatting.money_span(8000, 12000) == "CNY 8,000–12,000"


def test_plain_numbers_and_text_never_show_scientific_notation_or_literals() -> None:
    assert formatting.plain_number(Decimal("10.0000").normalize()) == "10"
    assert formatting.plain_number(Decimal("0.125")) == "0.125"
    assert formatting.figure(Decimal("1E+1"), 6) == "10"
    with translation.override("zh-hans"):
        assert formatting.text([1, 2]) == "1、2"
        assert formatting.text(True) == "是"
        assert formatting.text({"side": "HK", "body": "X"}) == "HK X"


def test_a_money_column_in_yuan_keeps_every_row_in_one_unit() -> None:
    """A ledger's debits and credits: 5,000,000 beside 200,000 both in 元 (by default: 500.00 万元)."""
    from aiplus.core.lists import MoneyColumn

    with translation.override("zh-hans"):
        book = MoneyColumn(unit="yuan")
        assert [book.render(Decimal(v)) for v in ("5000000", "200000")] == ["5,000,000.00 元", "200,000.00 元"]
        assert MoneyColumn().render(Decimal("5000000")) == "500.00 万元"
        assert book.value(Decimal("5000000")) == Decimal("5000000")  # the export keeps the number
