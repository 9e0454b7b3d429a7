"""betagouv.funding: exact money as decimal.Decimal, allocation, VAT, and the report,
check and balances of budget files equal to the command line's JSON."""

from __future__ import annotations

import decimal
import json
import random
import re
import subprocess
import threading
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest

import betagouv
from betagouv import funding
from betagouv.errors import BetagouvError, FundingError
from conftest import as_rows

WORKSPACE = Path(__file__).resolve().parents[3]

FIXTURES = WORKSPACE / "tests" / "fixtures" / "budget"
BUDGETS = sorted(FIXTURES.glob("*.toml")) + sorted((FIXTURES / "year").glob("*.toml"))
DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")

try:  # hypothesis when installed; a seeded random loop otherwise.
    from hypothesis import given, settings
    from hypothesis import strategies as st

    HAVE_HYPOTHESIS = True
except ImportError:  # pragma: no cover - depends on the environment
    HAVE_HYPOTHESIS = False


def fixture_id(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


def cents(rng: random.Random, limit: int = 10**17) -> int:
    """Cents up to ±limit, small and large magnitudes alike."""
    digits = rng.randint(1, len(str(limit)) - 1)
    return rng.choice([-1, 1]) * rng.randint(0, min(limit, 10**digits))


def as_amount(c: int) -> Decimal:
    return Decimal(c).scaleb(-2)


# --- money -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("1151920.00"), "1151920.00"),
        (Decimal("12.5"), "12.50"),
        (Decimal("1.500"), "1.50"),
        (Decimal("1E+3"), "1000.00"),
        (Decimal("-0"), "0.00"),
        (7, "7.00"),
        (-12, "-12.00"),
        ("1151920.00", "1151920.00"),
        (" +3.1 ", "3.10"),
        ("1000000000000000", "1000000000000000.00"),
    ],
)
def test_money_accepts_decimal_int_and_text(value: Any, expected: str) -> None:
    got = funding.money(value)
    assert isinstance(got, Decimal)
    assert str(got) == expected


@pytest.mark.parametrize("value", [0.1, 1.0, 2084035.0, float("nan")])
def test_a_float_is_refused_and_the_message_says_why(value: float) -> None:
    with pytest.raises(TypeError, match="float.*never a float.*decimal.Decimal"):
        funding.money(value)  # type: ignore[arg-type]  # refused at run time too
    with pytest.raises(TypeError, match="float"):
        funding.allocate(value, [1, 1])  # type: ignore[arg-type]  # refused at run time too
    with pytest.raises(TypeError, match="weight 1 is a float"):
        funding.allocate("10.00", [1, value])  # type: ignore[list-item]  # refused at run time too
    with pytest.raises(TypeError, match="float"):
        funding.round_cents(value)  # type: ignore[arg-type]  # refused at run time too
    with pytest.raises(TypeError, match="float"):
        funding.vat_totals([value], "0.20")  # type: ignore[list-item]  # refused at run time too


def test_numpy_integers_are_ints_and_numpy_floats_are_floats() -> None:
    np = pytest.importorskip("numpy")
    weights = np.array([1, 1, 2], dtype=np.int64)
    parts = funding.allocate(np.int32(10), weights)
    assert parts == [Decimal("2.50"), Decimal("2.50"), Decimal("5.00")]
    for value in (np.float64(1.0), np.float32(0.5)):
        with pytest.raises(TypeError, match="is a float"):
            funding.money(value)
        with pytest.raises(TypeError, match="weight 0 is a float"):
            funding.allocate("1.00", [value])


@pytest.mark.parametrize("value", [True, None, [1], object(), Fraction(1, 3)])
def test_other_types_are_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        funding.money(value)


@pytest.mark.parametrize(
    "value, message",
    [
        ("1.001", "more than 2 decimals"),
        (Decimal("0.005"), "more than 2 decimals"),
        ("1000000000000000.01", "out of range"),
        (-(10**15) - 1, "out of range"),
        ("1e3", "invalid amount"),
        ("1,50", "invalid amount"),
        ("", "invalid amount"),
        ("12.", "invalid amount"),
        (Decimal("NaN"), "not a finite amount"),
        (Decimal("-Infinity"), "not a finite amount"),
    ],
)
def test_an_amount_that_is_not_exact_to_the_cent_or_out_of_range_is_a_funding_error(
    value: Any, message: str
) -> None:
    with pytest.raises(FundingError, match=message) as e:
        funding.money(value)
    # A ValueError too, and a BetagouvError with no location.
    assert isinstance(e.value, ValueError) and isinstance(e.value, BetagouvError)
    assert (e.value.file, e.value.line, e.value.column) == (None, None, None)


def test_an_unsupported_currency_is_a_funding_error() -> None:
    with pytest.raises(FundingError, match="unsupported currency"):
        funding.money("1.00", currency="USD")
    with pytest.raises(FundingError, match="unsupported currency"):
        funding.allocate("1.00", [1], currency="usd")


def check_round_trip(c: int) -> None:
    """A Decimal amount comes back exactly: same value, 2 decimals, same text."""
    d = as_amount(c)
    back = funding.money(d)
    assert back == d and back.as_tuple().exponent == -2
    assert str(back) == str(d)
    assert funding.money(str(d)) == d
    if c % 100 == 0:
        assert funding.money(c // 100) == d


def test_decimal_round_trips_over_many_amounts() -> None:
    rng = random.Random(19)
    for _ in range(2000):
        check_round_trip(cents(rng))
    for c in (0, 1, -1, 10**17, -(10**17), 99, 100, 101):
        check_round_trip(c)


# --- round_cents ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0.125", "0.13"),
        ("-0.125", "-0.13"),
        ("0.135", "0.14"),
        ("2.675", "2.68"),
        ("0.124999", "0.12"),
        (Decimal("1E-7"), "0.00"),
        (3, "3.00"),
    ],
)
def test_round_cents_is_half_away_from_zero(value: Any, expected: str) -> None:
    assert str(funding.round_cents(value)) == expected


def test_round_cents_equals_decimal_round_half_up_over_many_values() -> None:
    # Python's ROUND_HALF_UP is half away from zero.
    rng = random.Random(2016)
    for _ in range(2000):
        x = Decimal(rng.randint(-(10**12), 10**12)).scaleb(-rng.randint(0, 8))
        expected = x.quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
        got = funding.round_cents(x)
        assert got == expected and str(got) == str(expected), x


def test_round_cents_refuses_text_that_is_not_a_decimal_and_out_of_range() -> None:
    with pytest.raises(FundingError, match="not an exact decimal"):
        funding.round_cents("abc")
    with pytest.raises(FundingError, match="out of range"):
        funding.round_cents("1000000000000000.006")


# --- allocate ------------------------------------------------------------------


@pytest.mark.parametrize(
    "total, weights, expected",
    [
        ("100.00", [1, 1, 1], ["33.34", "33.33", "33.33"]),
        ("-100.00", [1, 1, 1], ["-33.34", "-33.33", "-33.33"]),
        ("0.01", [1, 1], ["0.01", "0.00"]),
        ("10.00", [0, 1], ["0.00", "10.00"]),
        (Decimal("1"), [Decimal("0.5"), "1.25", Decimal("0.25")], ["0.25", "0.63", "0.12"]),
        (0, [1, 2], ["0.00", "0.00"]),
    ],
)
def test_allocate_examples(total: Any, weights: List[Any], expected: List[str]) -> None:
    parts = funding.allocate(total, weights)
    assert all(isinstance(p, Decimal) for p in parts)
    assert [str(p) for p in parts] == expected


def test_allocate_the_2016_budget_over_twelve_months() -> None:
    months = funding.allocate(Decimal("2084035.00"), [1] * 12)
    assert [str(m) for m in months[3:5]] == ["173669.59", "173669.58"]
    assert sum(months, Decimal(0)) == Decimal("2084035.00")


def check_allocation(total_cents: int, weights: List[Decimal]) -> None:
    """The parts never create or lose a cent, each is within a cent of its exact
    quota, zero weights get zero, and the parts keep the total's sign."""
    total = as_amount(total_cents)
    parts = funding.allocate(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts, Decimal(0)) == total
    sum_w = sum(weights, Decimal(0))
    ctx = decimal.Context(prec=80)
    for part, w in zip(parts, weights):
        assert part.as_tuple().exponent == -2
        quota = ctx.divide(ctx.multiply(total, w), sum_w)
        assert abs(ctx.subtract(part, quota)) < Decimal("0.01"), (total, weights)
        if w == 0:
            assert part == 0
        if part != 0:
            assert (part > 0) == (total > 0)


def random_weights(rng: random.Random) -> List[Decimal]:
    n = rng.randint(1, 30)
    scale = rng.randint(0, 6)
    ws = [Decimal(rng.choice([0, rng.randint(0, 10**6)])).scaleb(-scale) for _ in range(n)]
    if all(w == 0 for w in ws):
        ws[rng.randrange(n)] = Decimal(1)
    return ws


def test_allocate_never_creates_or_loses_a_cent_seeded() -> None:
    rng = random.Random(42)
    for _ in range(1000):
        check_allocation(cents(rng, 10**15), random_weights(rng))


if HAVE_HYPOTHESIS:

    @settings(max_examples=300, deadline=None)
    @given(
        st.integers(min_value=-(10**17), max_value=10**17),
        st.lists(
            st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False),
            min_size=1,
            max_size=30,
        ).filter(lambda ws: any(w != 0 for w in ws)),
    )
    def test_allocate_never_creates_or_loses_a_cent_hypothesis(
        total_cents: int, weights: List[Decimal]
    ) -> None:
        check_allocation(total_cents, weights)


@pytest.mark.parametrize(
    "weights, message",
    [
        ([], "no weights"),
        ([0, 0], "sum to zero"),
        ([-1, 2], "negative weight"),
        (["x"], "not an exact decimal"),
        ([Decimal("NaN")], "not a finite amount"),
    ],
)
def test_allocate_refuses_bad_weights(weights: List[Any], message: str) -> None:
    with pytest.raises(FundingError, match=message):
        funding.allocate("10.00", weights)


def test_allocate_takes_any_iterable_of_weights() -> None:
    assert funding.allocate("1.00", (w for w in (1, 3))) == [Decimal("0.25"), Decimal("0.75")]


# --- VAT -----------------------------------------------------------------------


def test_vat_rate_by_date() -> None:
    import datetime

    assert funding.vat_rate("2016-04-01") == Decimal("0.20")
    assert str(funding.vat_rate(datetime.date(2014, 1, 1))) == "0.20"
    assert funding.vat_rate("2013-12-31") == Decimal("0.196")
    assert funding.vat_rate("2000-03-31") is None
    with pytest.raises(ValueError):
        funding.vat_rate("2016-13-01")
    with pytest.raises(TypeError):
        funding.vat_rate(None)


def test_vat_is_rounded_once_on_the_sum_of_the_nets() -> None:
    net, vat, gross = funding.vat_totals(["333.33"] * 3, "0.20")
    assert (str(net), str(vat), str(gross)) == ("999.99", "200.00", "1199.99")
    # Per line it would be 3 x 66.67 = 200.01.
    assert gross == net + vat
    assert funding.vat_totals([], Decimal("0.20")) == (Decimal("0.00"),) * 3
    with pytest.raises(FundingError, match="more than 2 decimals"):
        funding.vat_totals(["1.001"], "0.20")


def test_vat_totals_hold_gross_equal_net_plus_vat_over_many_documents() -> None:
    rng = random.Random(7)
    for _ in range(300):
        nets = [as_amount(cents(rng, 10**9)) for _ in range(rng.randint(0, 8))]
        rate = rng.choice([Decimal("0.20"), Decimal("0.196"), Decimal("0.055")])
        net, vat, gross = funding.vat_totals(nets, rate)
        assert net == sum(nets, Decimal(0))
        assert vat == (net * rate).quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
        assert gross == net + vat


# --- budget_report -------------------------------------------------------------


def same_figures(result: Any, cli: Any, where: str = "") -> None:
    """``result`` (plain data from Result.to_dict) equals the command line's JSON:
    figures as Decimal equal to the JSON's decimal text (and written the same), every
    other value equal as is."""
    if isinstance(cli, dict):
        assert isinstance(result, dict) and list(result) == list(cli), where
        for k in cli:
            same_figures(result[k], cli[k], f"{where}.{k}")
    elif isinstance(cli, list):
        assert isinstance(result, list) and len(result) == len(cli), where
        for i, (r, c) in enumerate(zip(result, cli)):
            same_figures(r, c, f"{where}[{i}]")
    elif isinstance(result, Decimal):
        assert isinstance(cli, str) and result == Decimal(cli) and str(result) == cli, where
    else:
        assert type(result) is type(cli) and result == cli, where


def decimal_rule_holds(result: Any, cli: Any, where: str = "") -> None:
    """The leaf rule: a value is Decimal exactly when the JSON writes it as decimal
    text; ids, dates, notes and verdicts stay str."""
    if isinstance(cli, dict):
        for k in cli:
            decimal_rule_holds(result[k], cli[k], f"{where}.{k}")
    elif isinstance(cli, list):
        for i, (r, c) in enumerate(zip(result, cli)):
            decimal_rule_holds(r, c, f"{where}[{i}]")
    elif isinstance(cli, str):
        looks_decimal = DECIMAL_TEXT.fullmatch(cli) is not None
        assert isinstance(result, Decimal) == looks_decimal, (where, cli)


def test_the_builtin_2016_report_has_the_annual_report_figures() -> None:
    r = funding.budget_report()
    assert r.result_kind == "BudgetReport"
    assert (r.schema_version, r.year, r.currency) == (3, 2016, "EUR")
    assert r.total == Decimal("2084035.00") and str(r.total) == "2084035.00"
    assert r.by_source.partners == Decimal("1151920.00")
    assert r.by_source.incubator == Decimal("932115.00")
    assert r.by_source.incubator + r.by_source.partners == r.total
    assert r.partner_share == Decimal("0.5527")
    assert r["by_partner"]["unspecified"] == Decimal("1151920.00")
    assert r.burn.window_end == "2017-01-01" and r.burn.runway_months is None
    claims = {c.key: c for c in r.claims}
    assert claims["budget_total"].published == Decimal("2084035")
    assert claims["budget_total"].computed == Decimal("2084035.00")
    assert claims["partners"].verdict == "differs"
    assert isinstance(claims["partners"].note, str)
    assert funding.budget_report(year=2016) == r


def test_the_builtin_report_equals_the_cli_json(run_cli: Callable[..., Any]) -> None:
    cli = run_cli("budget", "report", "--json")
    r = funding.budget_report()
    same_figures(r.to_dict(), cli)
    decimal_rule_holds(r, cli)


@pytest.mark.parametrize("path", BUDGETS, ids=fixture_id)
def test_the_report_of_each_fixture_equals_the_cli_json(
    path: Path, run_cli: Callable[..., Any]
) -> None:
    cli = run_cli("budget", "report", str(path), "--json")
    r = funding.budget_report(path)
    same_figures(r.to_dict(), cli)
    decimal_rule_holds(r, cli)


def test_the_fixtures_have_orders_partners_and_every_amount_key() -> None:
    # The comparisons above cover every figure of the contract.
    seen: Dict[str, int] = {}

    def walk(v: Any, key: str) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, k)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x, key)
        elif isinstance(v, Decimal):
            seen[key] = seen.get(key, 0) + 1

    for path in [None, *BUDGETS]:  # the built-in budget has the claims
        r = funding.budget_report(path).to_dict()
        for name in funding.AMOUNT_MAPS:
            for v in r[name].values():
                assert isinstance(v, Decimal)
        walk({k: v for k, v in r.items() if k not in funding.AMOUNT_MAPS}, "")
    assert set(funding.AMOUNT_KEYS) <= set(seen), set(funding.AMOUNT_KEYS) - set(seen)


def cli_run(cli: Path, *args: str) -> Tuple[int, str, str]:
    done = subprocess.run(
        [str(cli), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("year", [2015, 2016, 2017, 2023])
@pytest.mark.parametrize(
    "path", [FIXTURES / "partner-money.toml", FIXTURES / "year" / "release.toml"], ids=fixture_id
)
def test_a_year_is_reported_as_the_cli_reports_it(path: Path, year: int, cli: Path) -> None:
    code, out, err = cli_run(cli, "budget", "report", str(path), "--year", str(year), "--json")
    if code == 0:
        same_figures(funding.budget_report(path, year=year).to_dict(), json.loads(out))
    else:
        assert "no record dated in" in err
        with pytest.raises(FundingError, match=f"no record dated in {year}"):
            funding.budget_report(path, year=year)


def test_a_year_out_of_range_or_not_an_int_is_refused() -> None:
    with pytest.raises(FundingError, match="outside the supported years"):
        funding.budget_report(year=12000)
    with pytest.raises(TypeError):
        funding.budget_report(year="2016")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        funding.budget_report(year=True)
    with pytest.raises(FundingError, match="outside the supported years"):
        funding.budget_report(year=-(2**40))


def test_the_report_is_frozen_and_converts_back_to_plain_data() -> None:
    r = funding.budget_report(FIXTURES / "small.toml")
    with pytest.raises(AttributeError):
        r.total = Decimal(0)
    d = r.to_dict()
    assert isinstance(d["orders"], list) and isinstance(d["orders"][0], dict)
    assert isinstance(d["orders"][0]["total"], Decimal)
    assert isinstance(d["orders"][0]["id"], str)
    assert "<table" in r._repr_html_() and "2016" in repr(r)


BROKEN = 'schema_version = 1\ncurrency = "EUR"\n\n[[resource]\nid = "x"\n'


def test_a_broken_budget_file_is_a_funding_error_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(FundingError) as e:
        funding.budget_report(path)
    err = e.value
    assert err.file == str(path)
    assert err.line == 4 and isinstance(err.column, int) and err.column >= 1
    assert err.location() == f"{path}:4:{err.column}"
    assert f"{path}:4:" in str(err)
    with pytest.raises(FundingError) as e2:
        funding.budget_balances(path)
    assert (e2.value.line, e2.value.column) == (err.line, err.column)


def test_a_budget_of_the_wrong_shape_is_located(tmp_path: Path) -> None:
    path = tmp_path / "shape.toml"
    path.write_text('currency = "EUR"\n\n[[resource]]\nid = "x"\namount = 12.5\n', encoding="utf-8")
    with pytest.raises(FundingError) as e:
        funding.budget_report(path)
    assert e.value.file == str(path) and e.value.line is not None and e.value.line >= 3


def test_a_missing_budget_file_is_a_funding_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"
    with pytest.raises(FundingError, match="cannot read") as e:
        funding.budget_report(path)
    assert (e.value.file, e.value.line, e.value.column) == (str(path), None, None)
    with pytest.raises(FundingError, match="cannot read"):
        funding.budget_check(path)


# --- budget_check --------------------------------------------------------------


def cli_diagnostics(cli: Path, *args: str) -> List[Dict[str, Any]]:
    code, out, err = cli_run(cli, "budget", "check", *args, "--json")
    assert code in (0, 1), err
    data = json.loads(out)
    assert code == (1 if data["errors"] else 0)
    # The command line writes an absent file as "", Python as None.
    return [dict(d, file=d["file"] or None) for d in data["diagnostics"]]


@pytest.mark.parametrize("path", BUDGETS, ids=fixture_id)
def test_check_of_each_fixture_equals_the_cli_json(path: Path, cli: Path) -> None:
    assert funding.budget_check(path) == cli_diagnostics(cli, str(path))


def test_the_rule_fixtures_break_their_rule() -> None:
    for path in FIXTURES.glob("rule-*.toml"):
        rule = path.stem[len("rule-") :]
        diags = funding.budget_check(path)
        assert rule in {d["rule"] for d in diags}, path
        assert all(isinstance(d["line"], int) for d in diags if d["rule"] == rule)
    assert funding.budget_check() == []
    assert funding.budget_check(FIXTURES / "service-fait.toml") == []


def test_check_takes_the_payment_terms_of_the_cli(cli: Path) -> None:
    path = FIXTURES / "service-fait.toml"
    got = funding.budget_check(path, ecb_rate="4", advance_cap=30, payment_delay=10)
    assert got and got == cli_diagnostics(
        cli, str(path), "--ecb-rate", "4", "--advance-cap", "30", "--payment-delay", "10"
    )
    with pytest.raises(TypeError, match="float"):
        funding.budget_check(path, ecb_rate=4.5)  # type: ignore[arg-type]  # refused at run time too
    with pytest.raises(FundingError, match="outside 0 to 100"):
        funding.budget_check(path, advance_cap=Decimal("101"))
    with pytest.raises(FundingError, match="outside 0 to 100"):
        funding.budget_check(path, ecb_rate=-1)
    with pytest.raises(FundingError, match="not a number of days"):
        funding.budget_check(path, payment_delay=-1)
    with pytest.raises(TypeError, match="payment_delay must be an int"):
        funding.budget_check(path, payment_delay=10.0)  # type: ignore[arg-type]


def test_check_reports_a_broken_file_as_the_cli_does(tmp_path: Path, cli: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN, encoding="utf-8")
    diags = funding.budget_check(path)
    assert [(d["severity"], d["rule"], d["line"]) for d in diags] == [("error", "parse", 4)]
    assert diags == cli_diagnostics(cli, str(path))


# --- budget_balances -----------------------------------------------------------


@pytest.mark.parametrize("every", ["month", "quarter", "year"])
@pytest.mark.parametrize(
    "path", [None, FIXTURES / "journal.toml", FIXTURES / "partner-money.toml"], ids=str
)
def test_balances_equal_the_cli_json(path: Any, every: str, run_cli: Callable[..., Any]) -> None:
    args = ["budget", "balances"] + ([str(path)] if path else []) + ["--every", every, "--json"]
    cli = run_cli(*args)
    b = funding.budget_balances(path, every=every)
    assert b.result_kind == "BudgetBalances"
    same_figures(b.to_dict(), cli)
    for i, total in enumerate(b.total):
        assert total == sum((row.amounts[i] for row in b.rows), Decimal(0))


def test_balances_refuse_an_unknown_period() -> None:
    with pytest.raises(FundingError, match="month"):
        funding.budget_balances(every="week")


# --- pandas --------------------------------------------------------------------


def test_funding_works_with_and_without_pandas(pandas_state: bool) -> None:
    r = funding.budget_report(FIXTURES / "journal.toml")
    assert isinstance(r.total, Decimal)
    assert funding.allocate("1.00", [1, 1]) == [Decimal("0.50"), Decimal("0.50")]
    assert isinstance(funding.budget_check(FIXTURES / "journal.toml"), list)
    assert betagouv.funding is funding


# --- the GIL -------------------------------------------------------------------


def longest_pause_of_this_thread(work: Callable[[], Any]) -> Tuple[float, float]:
    """Runs ``work`` in another thread while this one counts: the longest this thread
    was kept from running, and how long ``work`` took."""
    took: List[float] = []

    def run() -> None:
        start = time.perf_counter()
        work()
        took.append(time.perf_counter() - start)

    worker = threading.Thread(target=run)
    last = time.perf_counter()
    worker.start()
    longest = 0.0
    while worker.is_alive():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    worker.join()
    return longest, took[0]


def test_reading_and_checking_a_budget_releases_the_gil(tmp_path: Path, cli: Path) -> None:
    code, out, err = cli_run(cli, "budget", "synthetic", "--orders", "600")
    assert code == 0, err
    path = tmp_path / "synthetic.toml"
    path.write_text(out, encoding="utf-8")
    # Holding the GIL, the call would stop this thread for about all its duration;
    # released, this thread runs on (three tries against a busy machine).
    pauses = []
    for _ in range(3):
        pause, took = longest_pause_of_this_thread(lambda: funding.budget_check(path))
        pauses.append((pause, took))
        if pause < took / 2:
            break
    else:
        pytest.fail(f"this thread stood still during the calls: {pauses}")


def test_the_balances_table_with_and_without_pandas(pandas_state: bool) -> None:
    path = FIXTURES / "journal.toml"
    b = funding.budget_balances(path, every="quarter")
    rows = as_rows(funding.balances_table(path, every="quarter"))
    assert type(funding.balances_table(path)).__name__ == ("DataFrame" if pandas_state else "list")
    assert [r["account"] for r in rows] == [row.account for row in b.rows]
    assert list(rows[0]) == ["account", *b.periods]
    for r, row in zip(rows, b.rows):
        assert [r[p] for p in b.periods] == list(row.amounts)
        assert all(isinstance(r[p], Decimal) for p in b.periods)
    assert funding.balances_table(path, as_frame=False) == as_rows(
        funding.balances_table(path, as_frame=None)
    )


def test_every_public_function_has_a_docstring_and_type_hints() -> None:
    import inspect

    for name in funding.__all__:
        obj = getattr(funding, name)
        if inspect.isfunction(obj):
            assert obj.__doc__ and len(obj.__doc__) > 40, name
            assert "return" in obj.__annotations__, name
    assert {"allocate", "budget_report", "budget_check", "money"} <= set(funding.__all__)
