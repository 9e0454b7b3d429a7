//! Every rule id of the budget checks ([`check`](crate::check)), declared once with a
//! one-line description. Two ids are spelled like content rules because they mean the
//! same thing (`duplicate-id`, `unknown-startup`).
//!
//! ```
//! use betagouv_funding::rules;
//! assert!(rules::ALL.iter().any(|r| r.id == rules::CARRY_OVER_CAP));
//! assert!(rules::ALL.windows(2).all(|w| w[0].id < w[1].id));
//! ```

betagouv_portfolio::rule_list! {
    ADVANCE_CAP = "advance-cap", false, "the advances paid on an order exceed the cap (30 % of its gross amount by default, R2191-7)";
    ADVANCE_NOT_RECOVERED = "advance-not-recovered", false, "the advances on an order are not recovered once its service fait reaches 80 % of its gross amount (R2191-19)";
    AE_EXCEEDED = "ae-exceeded", false, "the AE consumed by a line's orders in a year exceed its available AE";
    AE_NOT_AVAILABLE = "ae-not-available", false, "an order's gross amount exceeds the AE available on its line at its date (credits of the year, dated movements and partner money received up to that date, minus earlier orders), or a credit movement out takes AE already engaged";
    AGREEMENT_OVERCOMMITTED = "agreement-overcommitted", false, "the orders a partner agreement funds exceed its amount";
    AGREEMENT_OVERFUNDED = "agreement-overfunded", false, "the money received under a partner agreement exceeds its amount";
    CARRY_OVER_CAP = "carry-over-cap", false, "the CP carried into a year, per programme and titre 2 or the other titres, exceed the cap rate (3 %) of the previous year's initial CP plus its fonds de concours (a finance law can lift the cap; titre 2 carry-overs into 2023 on are `carry-over-staff-cp`'s)";
    CARRY_OVER_EXCEEDS_AVAILABLE = "carry-over-exceeds-available", false, "the AE or CP carried into a year exceed what the line had left (available minus consumed) at the end of the previous year";
    CARRY_OVER_STAFF_AE = "carry-over-staff-ae", false, "AE are carried over onto a titre 2 (staff) line";
    CARRY_OVER_STAFF_CP = "carry-over-staff-cp", false, "from 2023, CP are carried over onto titre 2 (staff) lines beyond the fonds de concours opened on them the year before (LOLF art. 15 II 1°, organic law 2021-1836)";
    CONTRACT_CEILING = "contract-ceiling", false, "the orders under a contract exceed its ceiling";
    CP_EXCEEDED = "cp-exceeded", false, "the CP consumed by a line's payments in a year exceed its available CP";
    CP_NOT_AVAILABLE = "cp-not-available", false, "a payment's share on a line exceeds the CP available on that line at its date (credits of the year, dated movements and partner money received up to that date, minus earlier payments of the year), or a credit movement out takes CP already paid";
    CURRENCY_MISMATCH = "currency-mismatch", false, "an amount is not in the budget's currency";
    DATE_ORDER = "date-order", false, "dates out of order (an order outside its contract's dates, a delivery or payment before what it follows, a payment after its order was closed)";
    DELIVERY_AFTER_CLOSE = "delivery-after-close", false, "a service fait period ends after its order was closed";
    DELIVERY_EXCEEDS_ORDER = "delivery-exceeds-order", false, "the service fait of an order (net) exceeds the order (net)";
    DUPLICATE_ID = "duplicate-id", false, "two records of a kind have the same id";
    EMPTY_ORDER = "empty-order", false, "an order has no lines";
    INVOICE_GAP = "invoice-gap", false, "the invoices of an order do not add up to its gross amount (a warning with the gap)";
    INVOICE_TOTALS = "invoice-totals", false, "an invoice's net plus VAT is not its gross amount";
    INVOICE_VAT_RATE = "invoice-vat-rate", false, "an invoice's VAT is not its net at the rate in force on the service day";
    LATE_PAYMENT = "late-payment", false, "a payment later than the payment delay after its invoice (a warning with the interest and the flat fee, R2192-10 to D2192-35)";
    NO_CREDITS = "no-credits", false, "a line consumes AE or CP in a year with no credits recorded";
    ORDER_AFTER_DEADLINE = "order-after-deadline", false, "an order is issued after the engagement deadline of the agreement that funds it";
    ORDER_NO_LINE = "order-no-line", false, "an order names no budget line";
    ORDER_STAFF_LINE = "order-staff-line", false, "an order (services or supplies) is charged to a titre 2 (staff) line";
    OVERFLOW = "overflow", false, "amounts too large to be combined";
    PAID_EXCEEDS_CERTIFIED = "paid-exceeds-certified", false, "the settlements on an order up to a payment's date exceed the service fait certified by then";
    PAYMENT_EXCEEDS_DELIVERY = "payment-exceeds-delivery", false, "payments exceed the service fait they pay";
    SOURCE_PARTNER = "source-partner", false, "an `incubator` resource names a partner (use `source = \"partners\"`)";
    STATE_REBILLING = "state-rebilling", false, "a rebilling (refacturation) agreement with a State service: the State is one legal person; use a fonds de concours, an attribution de produits, a délégation de gestion or a transfert";
    UNKNOWN_REFERENCE = "unknown-reference", false, "a record names an id that no record has";
    UNKNOWN_STARTUP = "unknown-startup", false, "a cost names a start-up that is not in the portfolio (counted as unphased)";
    UNRECEIVED_FUNDS = "unreceived-funds", false, "orders (AE) or payments (CP) funded by a fonds de concours or an attribution de produits exceed what it received by their date";
    VAT_RATE = "vat-rate", false, "an order line's VAT rate is neither 0 nor the standard rate on its date";
    VIREMENT_CAP = "virement-cap", false, "the AE or CP moved by the virements of a year exceed 2 % of those the finance law of the year opened on the programme, or on its titre 2 (LOLF art. 12 I)";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kebab-case string literals of Rust source text outside comments and tests.
    fn kebab_literals(src: &str) -> Vec<&str> {
        let code = src.split("#[cfg(test)]").next().unwrap_or(src);
        code.lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .flat_map(|l| l.split('"').skip(1).step_by(2))
            .filter(|p| {
                p.contains('-')
                    && !p.starts_with('-')
                    && p.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
            .collect()
    }

    #[test]
    fn the_checks_name_their_rules_by_constant() {
        let src = include_str!("check.rs");
        assert!(src.contains("rules::DATE_ORDER"), "the scan reads check.rs");
        for lit in kebab_literals(src) {
            assert!(
                !ALL.iter().any(|r| r.id == lit),
                "check.rs: rule id \"{lit}\" written as a literal; use rules::{}",
                lit.to_uppercase().replace('-', "_")
            );
        }
    }

    #[test]
    fn every_rule_is_used_by_the_checks() {
        let src = include_str!("check.rs");
        for r in ALL {
            let name = format!("rules::{}", r.id.to_uppercase().replace('-', "_"));
            assert!(src.contains(&name), "{} is never reported", r.id);
        }
    }
}
