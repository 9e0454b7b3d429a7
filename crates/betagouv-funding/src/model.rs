//! The budget dataset: fiscal years, budget lines and credits (AE/CP),
//! organisations, resources, partner agreements, framework contracts,
//! purchase orders, deliveries (service fait), payments and published claims.
//!
//! Types are plain structs with public fields: any value can be built, and
//! [`crate::check::check`] reports what breaks the domain rules as diagnostics.

use std::collections::BTreeMap;
use std::fmt;

use betagouv_portfolio::{Location, StartupId};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::money::{Currency, Money, Totals};

/// A fiscal year (exercice): 1 January to 31 December.
///
/// Supported years are [`FiscalYear::MIN`] to [`FiscalYear::MAX`] (1900 to
/// 9999): [`FiscalYear::new`] refuses others, the budget reader refuses dates
/// and years outside them, and a value built by hand outside them has no
/// days ([`FiscalYear::bounds`] is `None`, [`FiscalYear::contains`] is always
/// false), so nothing is ever attributed to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FiscalYear(pub i32);

impl FiscalYear {
    /// The first supported year, 1900.
    pub const MIN: FiscalYear = FiscalYear(1900);
    /// The last supported year, 9999.
    pub const MAX: FiscalYear = FiscalYear(9999);

    /// The fiscal year `year`, if supported.
    ///
    /// ```
    /// use betagouv_funding::model::FiscalYear;
    /// assert_eq!(FiscalYear::new(2016)?, FiscalYear(2016));
    /// assert!(FiscalYear::new(i32::MAX).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::YearOutOfRange`] outside 1900..=9999.
    pub fn new(year: i32) -> Result<Self> {
        let y = Self(year);
        if y.is_supported() {
            Ok(y)
        } else {
            Err(crate::Error::YearOutOfRange(i64::from(year)))
        }
    }

    /// Whether the year is within [`FiscalYear::MIN`]..=[`FiscalYear::MAX`].
    #[must_use]
    pub fn is_supported(self) -> bool {
        (Self::MIN..=Self::MAX).contains(&self)
    }

    /// The fiscal year of `date`.
    #[must_use]
    pub fn of(date: NaiveDate) -> Self {
        Self(date.year())
    }

    /// 1 January of the year and 1 January of the next (exclusive end);
    /// `None` for an unsupported year.
    #[must_use]
    pub fn bounds(self) -> Option<(NaiveDate, NaiveDate)> {
        if !self.is_supported() {
            return None;
        }
        Some((
            NaiveDate::from_ymd_opt(self.0, 1, 1)?,
            NaiveDate::from_ymd_opt(self.0.checked_add(1)?, 1, 1)?,
        ))
    }

    /// 1 January of the year (`None` for an unsupported year).
    #[must_use]
    pub fn first_day(self) -> Option<NaiveDate> {
        self.bounds().map(|b| b.0)
    }

    /// 1 January of the next year: the exclusive end (`None` for an unsupported year).
    #[must_use]
    pub fn end_exclusive(self) -> Option<NaiveDate> {
        self.bounds().map(|b| b.1)
    }

    /// Whether `date` falls in the year (never for an unsupported year).
    #[must_use]
    pub fn contains(self, date: NaiveDate) -> bool {
        self.is_supported() && date.year() == self.0
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::str::FromStr for FiscalYear {
    type Err = crate::Error;

    /// A supported year written in digits (`2016`), as [`FiscalYear::new`] accepts.
    ///
    /// ```
    /// use betagouv_funding::model::FiscalYear;
    /// assert_eq!("2016".parse::<FiscalYear>()?, FiscalYear(2016));
    /// assert!("1899".parse::<FiscalYear>().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::InvalidYear`] for a text that is not a year,
    /// [`crate::Error::YearOutOfRange`] outside 1900..=9999.
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '-') {
            return Err(crate::Error::InvalidYear(s.to_owned()));
        }
        match t.parse::<i64>() {
            Ok(y) => i32::try_from(y)
                .map_err(|_| crate::Error::YearOutOfRange(y))
                .and_then(Self::new),
            Err(_) => Err(crate::Error::InvalidYear(s.to_owned())),
        }
    }
}

/// Kind of organisation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum OrganisationKind {
    /// Ministry or central directorate.
    CentralAdministration,
    /// Deconcentrated State service (préfecture, Direccte, SGAR...).
    DeconcentratedService,
    /// State operator (Pôle emploi, IGN, Anah...).
    StateOperator,
    /// Social security body (CNAV, CNSA...).
    SocialSecurity,
    /// Local authority.
    LocalAuthority,
    /// Anything else.
    #[default]
    Other,
}

/// A funder: the incubator's own funder or a partner administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Stable id (also an account segment).
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrganisationKind,
    /// Role: the incubator's own funder or a partner.
    pub role: Role,
}

/// Role of an organisation in the budget.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Role {
    /// A partner administration that co-finances start-ups.
    #[default]
    Partner,
    /// The funder of the incubator's own credits.
    Own,
}

/// Nature of expense (LOLF titre).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Title {
    /// Titre 2, personnel.
    Staff,
    /// Titre 3, fonctionnement.
    #[default]
    Operating,
    /// Titre 5, investissement.
    Investment,
    /// Titre 6, intervention.
    Intervention,
}

/// A budget line of the LOLF nomenclature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLine {
    /// Stable id (`p129-t3`).
    pub id: String,
    /// Programme number (`129`).
    pub programme: String,
    /// Action, if known.
    pub action: Option<String>,
    /// Sub-action, if known.
    pub sub_action: Option<String>,
    /// Nature of expense.
    pub title: Title,
}

/// Credits of a budget line for a fiscal year (all gross).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credits {
    /// Budget line id.
    pub line: String,
    /// Fiscal year.
    pub year: FiscalYear,
    /// Initial commitment authorisations (AE).
    pub ae_initial: Money,
    /// Initial payment credits (CP).
    pub cp_initial: Money,
    /// AE carried over from the previous year.
    pub ae_carried_over_in: Money,
    /// CP carried over from the previous year.
    pub cp_carried_over_in: Money,
    /// Transfers in (AE and CP alike, undated: the whole year; dated movements
    /// with AE and CP apart are [`CreditMovement`]s).
    pub transfers_in: Money,
    /// Transfers out (AE and CP alike, undated: the whole year).
    pub transfers_out: Money,
    /// Pooled funds attached (fonds de concours; AE and CP alike, undated); the
    /// tranches received under a fonds de concours agreement add to them.
    pub pooled_funds: Money,
}

impl Credits {
    /// AE available: initial + carried over + transfers in − out + pooled funds.
    ///
    /// # Errors
    /// Overflow or currency mismatch.
    pub fn ae_available(&self) -> Result<Money> {
        self.ae_initial
            .checked_add(self.ae_carried_over_in)?
            .checked_add(self.transfers_in)?
            .checked_sub(self.transfers_out)?
            .checked_add(self.pooled_funds)
    }

    /// CP available, same formula with CP.
    ///
    /// # Errors
    /// Overflow or currency mismatch.
    pub fn cp_available(&self) -> Result<Money> {
        self.cp_initial
            .checked_add(self.cp_carried_over_in)?
            .checked_add(self.transfers_in)?
            .checked_sub(self.transfers_out)?
            .checked_add(self.pooled_funds)
    }
}

/// Where a resource comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SourceKind {
    /// The incubator's own programme credits.
    Incubator,
    /// Partner administrations.
    Partners,
}

impl SourceKind {
    /// The report key (`incubator`, `partners`).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            SourceKind::Incubator => "incubator",
            SourceKind::Partners => "partners",
        }
    }
}

/// A recorded resource: money the incubator can spend in a year (gross).
///
/// Partner money that goes through an [`Agreement`] is recorded by the agreement
/// itself; a resource is for lump sums (own credits, partner funds known only
/// as a total, as in 2016).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// Stable id.
    pub id: String,
    /// Date it is recorded on (its fiscal year is the resource's year).
    pub date: NaiveDate,
    /// Source.
    pub source: SourceKind,
    /// The partner, when one is known (partners only).
    pub partner: Option<String>,
    /// The budget line it opens credits on, if any.
    pub line: Option<String>,
    /// Amount (gross).
    pub amount: Money,
    /// Free note.
    pub note: Option<String>,
}

/// How a partner's money reaches the incubator.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AgreementKind {
    /// Délégation de gestion.
    DelegatedManagement,
    /// Fonds de concours: credits open only for money received.
    #[default]
    PooledFund,
    /// Refacturation.
    Rebilling,
    /// Transfert de crédits.
    CreditTransfer,
    /// Subvention.
    Grant,
    /// Attribution de produits (LOLF art. 17 III): revenue from services a State
    /// service regularly provides, paid back to it; same rules as a fonds de
    /// concours: credits open only for money received.
    AttributionOfProceeds,
}

impl AgreementKind {
    /// Whether the partner's money, and the matching AE = CP, open on receipt
    /// (tranche `received_on`), in the year received: a fonds de concours or an
    /// attribution de produits (LOLF art. 17 II and III).
    #[must_use]
    pub fn opens_on_receipt(self) -> bool {
        matches!(
            self,
            AgreementKind::PooledFund | AgreementKind::AttributionOfProceeds
        )
    }

    /// Whether the agreement is income of the incubator at all: a délégation de
    /// gestion is not (the delegating ministry keeps the credits on its programme).
    #[must_use]
    pub fn is_income(self) -> bool {
        self != AgreementKind::DelegatedManagement
    }

    /// The kebab-case key, as in the budget file (`pooled-fund`...).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            AgreementKind::DelegatedManagement => "delegated-management",
            AgreementKind::PooledFund => "pooled-fund",
            AgreementKind::Rebilling => "rebilling",
            AgreementKind::CreditTransfer => "credit-transfer",
            AgreementKind::Grant => "grant",
            AgreementKind::AttributionOfProceeds => "attribution-of-proceeds",
        }
    }
}

/// A tranche of an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tranche {
    /// Due date.
    pub due_on: NaiveDate,
    /// Amount due (gross).
    pub amount: Money,
    /// Date received, if received.
    pub received_on: Option<NaiveDate>,
    /// Amount received (defaults to `amount` when `received_on` is set).
    pub received_amount: Option<Money>,
}

impl Tranche {
    /// The amount actually received (zero when not received).
    #[must_use]
    pub fn received(&self) -> Money {
        match (self.received_on, self.received_amount) {
            (Some(_), Some(m)) => m,
            (Some(_), None) => self.amount,
            (None, _) => Money::zero(self.amount.currency()),
        }
    }
}

/// A partner agreement (convention de partenariat / de financement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// Stable id (`conv-2016-01`).
    pub id: String,
    /// Partner organisation id.
    pub partner: String,
    /// Kind.
    pub kind: AgreementKind,
    /// Start-ups it finances.
    pub startups: Vec<StartupId>,
    /// Amount (gross).
    pub amount: Money,
    /// Signature date: the partner's income is recorded then.
    pub signed_on: NaiveDate,
    /// No purchase order may be funded by it after this date.
    pub engagement_deadline: Option<NaiveDate>,
    /// Tranches.
    pub tranches: Vec<Tranche>,
    /// Whether receiving more than `amount` is allowed.
    pub overfunding: Overfunding,
    /// The budget line its credits open on (a fonds de concours, an attribution
    /// de produits or a transfert); `None`: the lines of the orders it funds.
    #[serde(default)]
    pub line: Option<String>,
}

impl Agreement {
    /// The tranches received, in tranche order: (index from 0, date received,
    /// amount received).
    pub fn receipts(&self) -> impl Iterator<Item = (usize, NaiveDate, Money)> + '_ {
        self.tranches
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.received_on.map(|d| (i, d, t.received())))
    }
}

/// Whether an agreement may receive more than its amount (the budget file's
/// `overfunding_allowed = true`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Overfunding {
    /// Tranches received beyond the amount are an error (the default).
    #[default]
    Refused,
    /// Tranches may add up to more than the amount.
    Allowed,
}

/// A dated movement of credits on a budget line, by decree: AE and CP given
/// apart, counted from its date in its year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditMovement {
    /// Stable id.
    pub id: String,
    /// Budget line id.
    pub line: String,
    /// Date of the decree: the credits count from it, in its fiscal year.
    pub date: NaiveDate,
    /// Transfert (another ministry) or virement (the same ministry).
    pub kind: MovementKind,
    /// Credits added to the line (`In`) or taken from it (`Out`).
    pub direction: Direction,
    /// AE moved (gross, not negative).
    pub ae: Money,
    /// CP moved (gross, not negative).
    pub cp: Money,
    /// Reference of the decree, if known.
    pub decree: Option<String>,
}

impl CreditMovement {
    /// AE added to the line: `ae`, negated for a movement out.
    #[must_use]
    pub fn ae_signed(&self) -> Money {
        match self.direction {
            Direction::In => self.ae,
            Direction::Out => self.ae.negated(),
        }
    }

    /// CP added to the line: `cp`, negated for a movement out.
    #[must_use]
    pub fn cp_signed(&self) -> Money {
        match self.direction {
            Direction::In => self.cp,
            Direction::Out => self.cp.negated(),
        }
    }
}

/// Kind of a credit movement (LOLF art. 12).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum MovementKind {
    /// Transfert (art. 12 II): between programmes of different ministries.
    #[default]
    Transfer,
    /// Virement (art. 12 I): between programmes of the same ministry.
    Virement,
}

/// Whether a credit movement adds credits to its line or takes them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Direction {
    /// Credits opened on the line.
    #[default]
    In,
    /// Credits cancelled on the line (moved to another programme).
    Out,
}

/// A framework contract (accord-cadre) and its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkContract {
    /// Stable id.
    pub id: String,
    /// Holder (supplier id).
    pub holder: String,
    /// Start.
    pub start: NaiveDate,
    /// End.
    pub end: Option<NaiveDate>,
    /// Ceiling excluding VAT (HT), as contracts write it, if any; the orders are
    /// compared with it by their net.
    pub ceiling: Option<Money>,
}

/// Category of expense, for cost reports.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Category {
    /// Development.
    #[default]
    Development,
    /// Deployment, business development.
    Deployment,
    /// Design.
    Design,
    /// Coaching.
    Coaching,
    /// Hosting.
    Hosting,
    /// Software.
    Software,
    /// Travel.
    Travel,
}

impl Category {
    /// The kebab-case key (also the account segment).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Category::Development => "development",
            Category::Deployment => "deployment",
            Category::Design => "design",
            Category::Coaching => "coaching",
            Category::Hosting => "hosting",
            Category::Software => "software",
            Category::Travel => "travel",
        }
    }
}

/// A line of a purchase order: days × daily rate excluding VAT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoLine {
    /// Profile (`developer`, `coach`...).
    pub profile: String,
    /// Days (at most 2 decimals).
    pub days: Decimal,
    /// Daily rate excluding VAT (TJM HT).
    pub daily_rate_net: Money,
}

impl PoLine {
    /// Line net: `round(days × daily rate)`.
    ///
    /// # Errors
    /// Overflow.
    pub fn net(&self) -> Result<Money> {
        self.daily_rate_net.mul_rounded(self.days)
    }
}

/// A purchase order (bon de commande) on a framework contract: a commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrder {
    /// Id (Chorus number).
    pub id: String,
    /// Framework contract id.
    pub contract: String,
    /// Supplier id (defaults to the contract holder in files).
    pub supplier: String,
    /// Start-up it pays for, if any.
    pub startup: Option<StartupId>,
    /// Budget line it consumes AE/CP on.
    pub line: Option<String>,
    /// Agreement funding it; `None` = the incubator's own budget.
    pub agreement: Option<String>,
    /// Issue date: AE consumed then.
    pub issued_on: NaiveDate,
    /// Lines.
    pub lines: Vec<PoLine>,
    /// VAT rate (e.g. `0.20`; 0 for VAT-exempt suppliers).
    pub vat_rate: Decimal,
    /// Category of the expense.
    pub category: Category,
    /// Closing date, if closed: no delivery may end after it.
    pub closed_on: Option<NaiveDate>,
}

impl PurchaseOrder {
    /// Net, VAT and gross of the order (VAT on the sum of line nets).
    ///
    /// # Errors
    /// Overflow.
    pub fn totals(&self, currency: Currency) -> Result<Totals> {
        let nets = self
            .lines
            .iter()
            .map(PoLine::net)
            .collect::<Result<Vec<_>>>()?;
        Totals::of(&nets, self.vat_rate, currency)
    }
}

/// Service rendered (service fait) on a purchase order for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Stable id.
    pub id: String,
    /// Purchase order id.
    pub order: String,
    /// Period start.
    pub period_start: NaiveDate,
    /// Period end: the date of the expense (phase attribution).
    pub period_end: NaiveDate,
    /// Amount excluding VAT.
    pub amount_net: Money,
    /// Whether it is a partial delivery.
    pub partial: bool,
}

/// A payment of one or more deliveries (consumes CP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Stable id.
    pub id: String,
    /// Deliveries paid.
    pub deliveries: Vec<String>,
    /// Payment date.
    pub paid_on: NaiveDate,
    /// Amount including VAT.
    pub amount_gross: Money,
    /// A settlement of service fait, or an advance (allowed before service fait).
    pub kind: PaymentKind,
    /// The invoices (demandes de paiement) it settles; none for a payment
    /// recorded without them (no payment-delay check then).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invoices: Vec<Invoice>,
}

/// An invoice (demande de paiement) a payment settles: its own amounts, the
/// day it was received and the service it bills, which start the payment delay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// Stable id (the supplier's invoice number).
    pub id: String,
    /// Day the State received it (the payment delay runs from it).
    pub received_on: NaiveDate,
    /// The delivery (service fait) it bills; `None`: the payment's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<String>,
    /// Day of the service billed; `None`: the end of the delivery's period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_on: Option<NaiveDate>,
    /// Amount excluding VAT (HT).
    pub amount_net: Money,
    /// VAT, at the rate in force on the service day.
    pub vat: Money,
    /// Amount including VAT (TTC): `amount_net + vat` exactly.
    pub amount_gross: Money,
}

/// What a payment pays (the budget file's `advance = true` for an advance).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PaymentKind {
    /// Service fait already delivered (the default).
    #[default]
    Settlement,
    /// An advance: allowed before service fait.
    Advance,
}

/// Unit of a published claim: `euros`, `percent`, `count` (or `points`, which no
/// budget figure is computed in). The workspace's one unit type, re-exported from
/// `betagouv-portfolio`.
pub use betagouv_portfolio::builtin::ClaimUnit;

/// A figure as published (not a record): checked against the records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// Key: `budget_total`, `budget_partners`, `budget_own`, `partner_share`, `partners`.
    pub key: String,
    /// Fiscal year.
    pub year: FiscalYear,
    /// Published value (exact decimal).
    pub value: Decimal,
    /// Unit.
    pub unit: ClaimUnit,
    /// Where it was published.
    pub source: String,
}

/// Kinds of record, for locations and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RecordType {
    /// An organisation (JSON `organisation`; `organization` is read too).
    #[serde(alias = "organization")]
    Organisation,
    /// A budget line.
    Line,
    /// Credits of a line and year (id `line/year`).
    Credits,
    /// A resource.
    Resource,
    /// An agreement.
    Agreement,
    /// A framework contract.
    Contract,
    /// A purchase order.
    Order,
    /// A delivery.
    Delivery,
    /// A payment.
    Payment,
    /// A claim (id `key/year`).
    Claim,
    /// An invoice settled by a payment.
    Invoice,
    /// A dated credit movement (transfert or virement).
    CreditMovement,
}

impl RecordType {
    /// The singular name used in messages (`organization` for an organisation:
    /// the name of its table in the budget file).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            RecordType::Organisation => "organization",
            RecordType::Line => "line",
            RecordType::Credits => "credits",
            RecordType::Resource => "resource",
            RecordType::Agreement => "agreement",
            RecordType::Contract => "contract",
            RecordType::Order => "order",
            RecordType::Delivery => "delivery",
            RecordType::Payment => "payment",
            RecordType::Claim => "claim",
            RecordType::Invoice => "invoice",
            RecordType::CreditMovement => "credit_movement",
        }
    }
}

/// The whole budget dataset of an incubator.
///
/// Serde: every amount names its currency (`"932115.00 EUR"`); `origins` is not
/// serialised (read back empty).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Budget {
    /// Currency of every amount.
    pub currency: Currency,
    /// Incubator name, for reports.
    pub incubator: Option<String>,
    /// Organisations (funders).
    pub organisations: Vec<Organisation>,
    /// Budget lines.
    pub lines: Vec<BudgetLine>,
    /// Credits per line and year.
    pub credits: Vec<Credits>,
    /// Resources.
    pub resources: Vec<Resource>,
    /// Partner agreements.
    pub agreements: Vec<Agreement>,
    /// Framework contracts.
    pub contracts: Vec<FrameworkContract>,
    /// Purchase orders.
    pub orders: Vec<PurchaseOrder>,
    /// Deliveries.
    pub deliveries: Vec<Delivery>,
    /// Payments.
    pub payments: Vec<Payment>,
    /// Published claims.
    pub claims: Vec<Claim>,
    /// Dated credit movements (transferts and virements).
    #[serde(default)]
    pub credit_movements: Vec<CreditMovement>,
    /// Where each record was read (filled by the file reader).
    #[serde(skip)]
    pub origins: BTreeMap<(RecordType, String), Location>,
}

impl Budget {
    /// An empty budget in euros.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The order with id `id`.
    #[must_use]
    pub fn order(&self, id: &str) -> Option<&PurchaseOrder> {
        self.orders.iter().find(|o| o.id == id)
    }

    /// The delivery with id `id`.
    #[must_use]
    pub fn delivery(&self, id: &str) -> Option<&Delivery> {
        self.deliveries.iter().find(|d| d.id == id)
    }

    /// The organisation with id `id`.
    #[must_use]
    pub fn organisation(&self, id: &str) -> Option<&Organisation> {
        self.organisations.iter().find(|o| o.id == id)
    }

    /// Fiscal years of the dated records (resources, agreements and the
    /// tranches received, orders, deliveries by period end, payments, credits
    /// and claims), sorted, without repetition.
    #[must_use]
    pub fn years(&self) -> Vec<FiscalYear> {
        let mut y: Vec<FiscalYear> = self
            .resources
            .iter()
            .map(|r| FiscalYear::of(r.date))
            .chain(self.agreements.iter().map(|a| FiscalYear::of(a.signed_on)))
            .chain(
                self.agreements
                    .iter()
                    .flat_map(|a| a.tranches.iter().filter_map(|t| t.received_on))
                    .map(FiscalYear::of),
            )
            .chain(self.orders.iter().map(|o| FiscalYear::of(o.issued_on)))
            .chain(self.deliveries.iter().map(|d| FiscalYear::of(d.period_end)))
            .chain(self.payments.iter().map(|p| FiscalYear::of(p.paid_on)))
            .chain(self.credits.iter().map(|c| c.year))
            .chain(self.credit_movements.iter().map(|m| FiscalYear::of(m.date)))
            .chain(self.claims.iter().map(|c| c.year))
            .collect();
        y.sort_unstable();
        y.dedup();
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn fiscal_years_round_trip_through_text(y in 1900i32..=9999) {
            let year = FiscalYear(y);
            proptest::prop_assert_eq!(year.to_string().parse::<FiscalYear>().ok(), Some(year));
        }
    }

    #[test]
    fn fiscal_year_text() {
        for bad in ["", "x", "2016.0", "1899", "10000", "-5", "99999999999"] {
            assert!(bad.parse::<FiscalYear>().is_err(), "{bad}");
        }
        let r: Option<RecordType> = serde_json::from_str("\"organization\"").ok();
        assert_eq!(r, Some(RecordType::Organisation));
        assert_eq!(
            serde_json::to_string(&RecordType::Organisation)
                .ok()
                .as_deref(),
            Some("\"organisation\"")
        );
    }
}
