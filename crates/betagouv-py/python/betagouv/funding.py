"""Exact money and budgets (betagouv-funding).

Money is :class:`decimal.Decimal` both ways, never ``float``. Every function that takes
an amount accepts a ``Decimal``, an ``int`` (numpy's integers too) or a ``str``
(``"1151920.00"``); a ``float`` (numpy's too) raises :class:`TypeError` (a binary float
cannot hold most cents exactly: ``0.1 + 0.2 != 0.3``). An amount with a non-zero third
decimal, or beyond ±10^15, raises :class:`~betagouv.errors.FundingError` (trailing zeros
are fine: ``Decimal("1.500")`` is 1.50). Every amount returned is a ``Decimal`` with
exactly 2 decimals; rates and shares are ``Decimal`` with the decimals the report gives
them.

>>> from decimal import Decimal
>>> from betagouv import funding
>>> funding.allocate(Decimal("100.00"), [1, 1, 1])
[Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
>>> r = funding.budget_report()
>>> r.total, r.by_source.partners, r.partner_share
(Decimal('2084035.00'), Decimal('1151920.00'), Decimal('0.5527'))

The reports keep the keys of the command line's JSON contracts (``betagouv budget
report --json``, ``budget balances --json``, ``budget check --json``'s diagnostics).
Where the JSON writes a figure as decimal text, the result holds a ``Decimal`` (see
:data:`AMOUNT_KEYS` for the rule); ids, dates, names and notes stay ``str``.
"""

from __future__ import annotations

import decimal
import numbers
from decimal import Decimal  # noqa: F401  (the doctests' name)
import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from . import _native
from ._dates import to_date
from ._result import Result, to_result
from ._tables import table
from .errors import FundingError

__all__ = [
    "AMOUNT_KEYS",
    "AMOUNT_MAPS",
    "Amount",
    "money",
    "round_cents",
    "allocate",
    "vat_rate",
    "vat_totals",
    "budget_report",
    "budget_check",
    "budget_balances",
    "balances_table",
]

#: What an amount may be given as: never ``float``.
Amount = Union[decimal.Decimal, int, str]

PathLike = Union[str, "os.PathLike[str]"]

#: The keys of ``budget report --json`` whose values are figures written as decimal
#: text: amounts (``total``, ``paid``...), shares and rates (``partner_share``,
#: ``ae_rate``, ``cp_rate``), the runway in months, and a claim's ``published`` and
#: ``computed`` figures. Their values become ``Decimal`` (``None`` stays ``None``).
AMOUNT_KEYS = frozenset(
    {
        "total",
        "incubator",
        "partners",
        "partner_share",
        "shared",
        "engaged",
        "delivered",
        "paid",
        "outstanding",
        "net",
        "gross",
        "ae_available",
        "ae_consumed",
        "ae_rate",
        "cp_available",
        "cp_consumed",
        "cp_rate",
        "released",
        "remaining",
        "amount",
        "received",
        "monthly",
        "available",
        "runway_months",
        "published",
        "computed",
    }
)

#: The keys of ``budget report --json`` that map names (a partner, a start-up, a
#: stage, a phase) to amounts: every value of theirs becomes ``Decimal``, whatever its
#: name (a start-up named ``note`` is still an amount).
AMOUNT_MAPS = frozenset({"by_partner", "by_startup", "by_stage", "by_phase"})

_FLOAT_MESSAGE = (
    "{what} is a float ({value!r}): money is never a float in betagouv, whose binary "
    "fractions cannot hold most cents exactly (0.1 + 0.2 != 0.3); pass a "
    "decimal.Decimal, an int or a str such as '{text}'"
)


def _text(value: Any, what: str) -> str:
    """``value`` (``Decimal``, ``int`` or ``str``) as decimal text, without exponent."""
    if isinstance(value, bool):
        raise TypeError(f"{what} is a bool ({value!r}); pass a decimal.Decimal, an int or a str")
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise FundingError(f"{what} is {value}, not a finite amount")
        return format(value, "f")
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):  # int, and numpy's integers from a DataFrame
        return str(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Rational):
        # float, numpy.float64, numpy.float32...
        raise TypeError(_FLOAT_MESSAGE.format(what=what, value=value, text=repr(value)[:24]))
    raise TypeError(
        f"{what} is a {type(value).__name__}; pass a decimal.Decimal, an int or a str"
    )


def _whole(value: Any, what: str) -> None:
    """Refuses anything but an ``int`` (a ``bool`` included) for ``what``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")


def _dec(text: str) -> decimal.Decimal:
    return decimal.Decimal(text)


def money(amount: Amount, currency: str = "EUR") -> decimal.Decimal:
    """``amount`` checked and made exact to the cent: a ``Decimal`` with 2 decimals.

    Raises :class:`~betagouv.errors.FundingError` for a non-zero third decimal, a
    text that is not an amount (``"1,5"``, ``"1e3"``) or beyond ±10^15.

    >>> money("12.5"), money(7), money(Decimal("-0.10"))
    (Decimal('12.50'), Decimal('7.00'), Decimal('-0.10'))
    """
    return _dec(_native.money_text(_text(amount, "amount"), currency))


def round_cents(amount: Amount) -> decimal.Decimal:
    """``amount`` (any number of decimals) rounded to the cent, half away from zero,
    never banker's rounding: 0.125 -> 0.13, -0.125 -> -0.13.

    >>> round_cents(Decimal("0.125")), round_cents("-0.125"), round_cents("2.675")
    (Decimal('0.13'), Decimal('-0.13'), Decimal('2.68'))
    """
    return _dec(_native.round_cents(_text(amount, "amount")))


def allocate(
    total: Amount, weights: Iterable[Amount], currency: str = "EUR"
) -> List[decimal.Decimal]:
    """``total`` split over ``weights`` by the largest remainder: each exact quota is
    floored to the cent, the cents left go one by one to the largest remainders (ties:
    input order). The parts sum exactly to ``total``; a zero weight gets zero; a
    negative total is split by its absolute value and the sign restored.

    ``weights``: non-negative ``Decimal``, ``int`` or ``str`` (any decimals), not all
    zero; otherwise :class:`~betagouv.errors.FundingError`. The GIL is released
    during the split.

    >>> allocate("2084035.00", [1] * 12)[3:5]
    [Decimal('173669.59'), Decimal('173669.58')]
    """
    texts = [_text(w, f"weight {i}") for i, w in enumerate(weights)]
    return [_dec(p) for p in _native.allocate(_text(total, "total"), texts, currency)]


def vat_rate(date: Any) -> Optional[decimal.Decimal]:
    """The standard French VAT rate on ``date`` (a ``datetime.date`` or
    ``"YYYY-MM-DD"``): 0.20 since 2014-01-01, 0.196 from 2000-04-01; ``None`` before
    (not modelled).

    >>> vat_rate("2016-04-01")
    Decimal('0.20')
    """
    day = to_date(date, "date")
    if day is None:
        raise TypeError("vat_rate needs a date")
    rate = _native.vat_rate(day)
    return None if rate is None else _dec(rate)


def vat_totals(
    nets: Sequence[Amount], rate: Amount, currency: str = "EUR"
) -> Tuple[decimal.Decimal, decimal.Decimal, decimal.Decimal]:
    """``(net, vat, gross)`` of a document whose line nets are ``nets``: the VAT is
    rounded once, on the sum of the nets (never per line), and ``gross = net + vat``.

    >>> vat_totals(["333.33"] * 3, vat_rate("2016-04-01"))
    (Decimal('999.99'), Decimal('200.00'), Decimal('1199.99'))
    """
    texts = [_text(n, f"net {i}") for i, n in enumerate(nets)]
    net, vat, gross = _native.vat_totals(texts, _text(rate, "rate"), currency)
    return _dec(net), _dec(vat), _dec(gross)


def _leaf(key: str, value: Any) -> Any:
    """A report's scalar: a ``Decimal`` when ``key`` is in :data:`AMOUNT_KEYS` and the
    value is text, the value itself otherwise."""
    if isinstance(value, str) and key in AMOUNT_KEYS:
        return _dec(value)
    return value


def _amount_maps(data: Dict[str, Any]) -> Dict[str, Any]:
    """``data`` with the values of its :data:`AMOUNT_MAPS` made ``Decimal``."""
    out = dict(data)
    for key in AMOUNT_MAPS:
        if isinstance(out.get(key), dict):
            out[key] = {k: _dec(v) for k, v in out[key].items()}
    return out


def _path(path: Optional[PathLike]) -> Optional[str]:
    return None if path is None else os.fspath(path)


def budget_report(path: Optional[PathLike] = None, year: Optional[int] = None) -> Result:
    """The report of a budget file (TOML, docs/budget.md) for a fiscal year, as
    ``betagouv budget report [FILE] --year YEAR --json`` prints it: a
    :class:`~betagouv.Result` of kind ``BudgetReport`` with the same keys
    (``schema_version``, ``year``, ``currency``, ``total``, ``by_source``,
    ``by_partner``, ``partner_share``, ``by_startup``, ``by_stage``, ``by_phase``,
    ``shared``, ``costs``, ``spending``, ``credits``, ``orders``, ``agreements``,
    ``burn``, ``evidence``, ``claims``, ``delegated``, ``problems``).

    Figures are ``Decimal`` (the keys of :data:`AMOUNT_KEYS` and the values of
    :data:`AMOUNT_MAPS`); ids, dates, names, notes and verdicts stay ``str``; counts
    stay ``int``. ``path=None`` reads the built-in 2016 budget of the annual report;
    ``year=None`` takes the latest year with resources. A file that cannot be read or
    parsed raises :class:`~betagouv.errors.FundingError` with its ``file``, ``line``
    and ``column``; so does a year with no record. The GIL is released while the file
    is read and the report computed.
    """
    if year is not None:
        _whole(year, "year")
        if not -(2**31) <= year < 2**31:
            raise FundingError(f"year {year} is outside the supported years 1900 to 9999")
    data = _native.budget_report(_path(path), year)
    return to_result(_amount_maps(data), "BudgetReport", _leaf)


def budget_check(
    path: Optional[PathLike] = None,
    ecb_rate: Optional[Amount] = None,
    advance_cap: Optional[Amount] = None,
    payment_delay: Optional[int] = None,
) -> List[Dict[str, Any]]:
    """The problems of a budget file as ``betagouv budget check FILE --json`` lists
    them: dicts with ``severity``, ``rule``, ``file``, ``line``, ``column`` (``None``
    when unknown; the command line writes an unknown file as ``""``) and ``message``,
    in the command line's order; an empty list when the budget is clean.

    A file that is not TOML or not a budget's shape is one problem, as on the command
    line: rule ``parse`` (or ``limit`` over a size limit), at its line and column. A
    file that cannot be opened raises :class:`~betagouv.errors.FundingError`.
    ``path=None`` checks the built-in 2016 budget. The payment terms are the command
    line's options, in percent (``ecb_rate="4.5"`` for 4.5 %, ``advance_cap=30``) and
    days (``payment_delay=30``); each defaults to its legal value.
    """
    if payment_delay is not None:
        _whole(payment_delay, "payment_delay")
        if not 0 <= payment_delay < 2**32:
            raise FundingError(f"payment_delay {payment_delay} is not a number of days")
    return _native.budget_check(
        _path(path),
        None if ecb_rate is None else _text(ecb_rate, "ecb_rate"),
        None if advance_cap is None else _text(advance_cap, "advance_cap"),
        payment_delay,
    )


def budget_balances(path: Optional[PathLike] = None, every: str = "month") -> Result:
    """The movements by account and period (``month``, ``quarter`` or ``year``) as
    ``betagouv budget balances [FILE] --every PERIOD --json`` prints them (``hledger
    bal -M`` on the exported journal): a :class:`~betagouv.Result` of kind
    ``BudgetBalances`` with ``schema_version``, ``every``, ``periods``, ``rows`` (each
    ``account`` and its ``amounts``, one per period) and ``total``; amounts are
    ``Decimal``.

    >>> b = budget_balances(every="year")
    >>> b.periods, b.total
    (('2016',), (Decimal('0.00'),))
    """
    data = _native.budget_balances(_path(path), every)

    def leaf(key: str, value: Any) -> Any:
        if key in ("amounts", "total") and isinstance(value, str):
            return _dec(value)
        return value

    return to_result(data, "BudgetBalances", leaf)


def balances_table(
    path: Optional[PathLike] = None, every: str = "month", as_frame: Optional[bool] = None
) -> Any:
    """:func:`budget_balances` as a table: one row per account with a movement, the
    column ``account`` then one column per period (``2016-01``...), amounts
    ``Decimal``; a pandas DataFrame when pandas is installed (``as_frame=None``), a list
    of dicts otherwise or with ``as_frame=False``. The ``total`` row of the command
    line is left out: it is ``budget_balances(...).total``.

    >>> balances_table(every="year", as_frame=False)[0]["account"]
    'assets:cp:incubator'
    """
    b = budget_balances(path, every)
    columns: Dict[str, List[Any]] = {"account": [row.account for row in b.rows]}
    for i, period in enumerate(b.periods):
        columns[period] = [row.amounts[i] for row in b.rows]
    return table(columns, as_frame)
