//! The built-in 2016 budget (`data/builtin-2016.toml`, embedded).
//!
//! ```
//! use betagouv_funding::model::FiscalYear;
//! use betagouv_funding::builtin::builtin_2016;
//! use betagouv_funding::report::{report, YearReportOptions};
//! let budget = builtin_2016()?;
//! let r = report(&budget, None, &YearReportOptions::new(FiscalYear(2016)));
//! assert_eq!(r.total.amount().to_string(), "2084035.00");
//! assert_eq!(r.partner_share.map(|s| s.to_string()), Some("0.5527".to_owned()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

use crate::error::Result;
use crate::file::parse_budget;
use crate::model::Budget;

/// The text of the built-in 2016 budget file.
pub const BUILTIN_2016_TOML: &str = include_str!("../data/builtin-2016.toml");

/// The 2016 budget: own credits 932,115 EUR and partner funds 1,151,920 EUR
/// recorded as resources of 2016, the 12 partners the report names and the
/// incubator's own funder, and the published figures as claims. No spending
/// records exist for 2016.
///
/// # Errors
/// Never in practice: a unit test parses the embedded file.
pub fn builtin_2016() -> Result<Budget> {
    parse_budget(BUILTIN_2016_TOML, Path::new("builtin-2016.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::model::Role;

    #[test]
    fn builtin_parses_and_is_clean() {
        let b = builtin_2016().unwrap();
        let partners = b
            .organisations
            .iter()
            .filter(|o| o.role == Role::Partner)
            .count();
        assert_eq!(partners, 12);
        assert!(b.payments.is_empty() && b.orders.is_empty());
        assert_eq!(check(&b, None), vec![]);
    }
}
