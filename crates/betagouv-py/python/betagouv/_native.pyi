# Type stubs of the native module betagouv._native (PyO3). The public API is the
# package's Python modules, which wrap these functions; checked against the built
# module by `python -m mypy.stubtest betagouv._native` in .ci/run.
import datetime
from typing import Any, Dict, List, Optional, Tuple, Union, final

__version__: str
# The module's names, as PyO3 lists them (in registration order).
__all__ = [
    "__version__",
    # portfolio
    "Portfolio",
    "read_content",
    "read_git",
    "builtin_2016",
    "today",
    # impact
    "IMPACT_SCHEMA",
    "impact_compare",
    "impact_power",
    "impact_mde",
    "impact_encouragement",
    "impact_survival_csv",
    "impact_survival_columns",
    "impact_proportion_ci",
    "impact_adjust_p_values",
    "impact_arms_csv",
    "impact_arms_columns",
    # funding
    "money_text",
    "round_cents",
    "allocate",
    "vat_rate",
    "vat_totals",
    "budget_report",
    "budget_check",
    "budget_balances",
]

# --- portfolio (src/portfolio.rs) ---

@final
class Portfolio:
    @property
    def at(self) -> datetime.date: ...
    @property
    def vocabulary(self) -> str: ...
    @property
    def path(self) -> Optional[str]: ...
    def source(self) -> Optional[Dict[str, Any]]: ...
    def summary(self) -> Dict[str, int]: ...
    def diagnostics(self) -> List[Dict[str, Any]]: ...
    def snapshot(
        self, at: Optional[datetime.date] = None, rule: str = "at-date", active: str = "stage"
    ) -> Dict[str, Any]: ...
    def dashboard(self, at: Optional[datetime.date] = None, active: str = "site") -> Dict[str, Any]: ...
    def startups(self, at: Optional[datetime.date] = None, rule: str = "at-date") -> Dict[str, List[Any]]: ...
    def members(self, at: Optional[datetime.date] = None) -> Dict[str, List[Any]]: ...
    def missions(self) -> Dict[str, List[Any]]: ...
    def phases(self) -> Dict[str, List[Any]]: ...
    def __len__(self) -> int: ...

def read_content(path: str, at: Optional[datetime.date] = None, allow_errors: bool = False) -> Portfolio: ...
def read_git(
    repo: str,
    rev: Optional[str] = None,
    known_at: Optional[datetime.date] = None,
    allow_errors: bool = False,
) -> Portfolio: ...
def builtin_2016() -> Portfolio: ...
def today() -> datetime.date: ...

# --- impact (src/impact.rs) ---


IMPACT_SCHEMA: int

_Keys = List[Tuple[str, List[str], bytes]]
_Numbers = List[Tuple[str, bytes]]

def impact_compare(
    treated: Union[str, Tuple[int, int]], control: Union[str, Tuple[int, int]], alpha: float = 0.05
) -> Dict[str, Any]: ...
def impact_power(
    control_rate: float,
    treated_rate: float,
    n_per_arm: Optional[float] = None,
    power: Optional[float] = None,
    ratio: float = 1.0,
    alpha: float = 0.05,
    icc: float = 0.0,
    cluster_size: float = 1.0,
) -> Dict[str, Any]: ...
def impact_mde(
    control_rate: float,
    n_per_arm: float,
    power: float,
    ratio: float = 1.0,
    alpha: float = 0.05,
    icc: float = 0.0,
    cluster_size: float = 1.0,
    first_stage: Optional[float] = None,
) -> Dict[str, Any]: ...
def impact_encouragement(
    treated: Union[str, Tuple[int, int, int, int]],
    control: Union[str, Tuple[int, int, int, int]],
    alpha: float = 0.05,
) -> Dict[str, Any]: ...
def impact_survival_csv(
    path: str,
    group_column: str,
    duration_column: str,
    event_column: str,
    horizons: List[float],
    control: Optional[str] = None,
    alpha: float = 0.05,
    threads: int = 0,
) -> Dict[str, Any]: ...
def impact_survival_columns(
    keys: _Keys,
    numbers: _Numbers,
    horizons: List[float],
    control: Optional[str] = None,
    alpha: float = 0.05,
) -> Dict[str, Any]: ...
def impact_proportion_ci(counts: Union[str, Tuple[int, int]], alpha: float = 0.05) -> Dict[str, Any]: ...
def impact_adjust_p_values(p_values: List[float]) -> Dict[str, Any]: ...
def impact_arms_csv(
    command: str,
    path: str,
    columns: List[str],
    treated: str,
    control: str,
    alpha: float = 0.05,
    threads: int = 0,
) -> Dict[str, Any]: ...
def impact_arms_columns(
    command: str, keys: _Keys, numbers: _Numbers, treated: str, control: str, alpha: float = 0.05
) -> Dict[str, Any]: ...



# --- funding (src/funding.rs) ---

# Amounts cross as decimal text ("1151920.00"); betagouv.funding converts to and from
# decimal.Decimal and refuses floats.
def money_text(amount: str, currency: str = "EUR") -> str: ...
def round_cents(amount: str) -> str: ...
def allocate(total: str, weights: List[str], currency: str = "EUR") -> List[str]: ...
def vat_rate(date: datetime.date) -> Optional[str]: ...
def vat_totals(nets: List[str], rate: str, currency: str = "EUR") -> Tuple[str, str, str]: ...
def budget_report(path: Optional[str] = None, year: Optional[int] = None) -> Dict[str, Any]: ...
def budget_check(
    path: Optional[str] = None,
    ecb_rate: Optional[str] = None,
    advance_cap: Optional[str] = None,
    payment_delay: Optional[int] = None,
) -> List[Dict[str, Any]]: ...
def budget_balances(path: Optional[str] = None, every: str = "month") -> Dict[str, Any]: ...
