//! CP available at each payment's date (`cp-not-available`) and the cap on virements
//! (`virement-cap`): one fixture per rule, each breaking exactly that rule, located.

use std::path::Path;

use betagouv_funding::check::check;
use betagouv_funding::file::parse_budget;
use betagouv_funding::rules;
use betagouv_portfolio::Severity;

use crate::partner_money::only_diagnostic;

const CP_NOT_AVAILABLE: &str =
    include_str!("../../../../tests/fixtures/budget/rule-cp-not-available.toml");
const VIREMENT_CAP: &str = include_str!("../../../../tests/fixtures/budget/rule-virement-cap.toml");

/// The rule ids of the diagnostics of `text`.
fn rules_of(text: &str) -> Vec<String> {
    let b = parse_budget(text, Path::new("b.toml")).unwrap();
    check(&b, None).into_iter().map(|d| d.rule).collect()
}

/// The severity of the one diagnostic of `text`.
fn severity(text: &str) -> Severity {
    let b = parse_budget(text, Path::new("b.toml")).unwrap();
    let diags = check(&b, None);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    diags[0].severity
}

#[test]
fn cp_not_available_at_the_payment_date() {
    let (rule, file, line, column, msg) = only_diagnostic(CP_NOT_AVAILABLE, "cp.toml");
    assert_eq!(rule, rules::CP_NOT_AVAILABLE);
    assert_eq!(severity(CP_NOT_AVAILABLE), Severity::Error);
    assert_eq!((file.as_str(), line, column), ("cp.toml", 41, 1));
    assert_eq!(
        msg,
        "payment PAY-EARLY: 12000.00 EUR exceeds the CP available on line p352 on 2017-04-10: 10000.00 EUR opened by then, 0.00 EUR paid by earlier payments, 10000.00 EUR left"
    );
    // The year's CP (20,000.00) cover it: no `cp-exceeded`. Once the transfert is
    // dated before the payment, or on its day, nothing is wrong.
    for date in ["2017-04-01", "2017-04-10"] {
        let fixed = CP_NOT_AVAILABLE.replace("date = 2017-06-01", &format!("date = {date}"));
        assert!(rules_of(&fixed).is_empty(), "{date}");
    }
}

#[test]
fn cp_not_available_counts_earlier_payments_and_movements_out() {
    // Two payments of 6,000.00: the first fits the 10,000.00 open, the second does not.
    let split = CP_NOT_AVAILABLE
        .replace("amount_gross = \"12000.00\"", "amount_gross = \"6000.00\"")
        + "\n[[payments]]\nid = \"PAY-2\"\ndeliveries = [\"SF-1\"]\npaid_on = 2017-04-20\namount_gross = \"6000.00\"\n";
    let b = parse_budget(&split, Path::new("b.toml")).unwrap();
    let diags = check(&b, None);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].rule, rules::CP_NOT_AVAILABLE);
    assert!(
        diags[0]
            .message
            .starts_with("payment PAY-2: 6000.00 EUR exceeds")
            && diags[0]
                .message
                .contains("6000.00 EUR paid by earlier payments"),
        "{}",
        diags[0].message
    );
    // On the same day, payments are taken in file order: the later one is refused.
    let same_day = split.replace("paid_on = 2017-04-20", "paid_on = 2017-04-10");
    let b = parse_budget(&same_day, Path::new("b.toml")).unwrap();
    let diags = check(&b, None);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0].message.starts_with("payment PAY-2:"), "{diags:#?}");
    // A transfert out after the payment cannot take the CP already paid.
    let fixed = CP_NOT_AVAILABLE.replace("date = 2017-06-01", "date = 2017-04-01");
    let out = format!(
        "{fixed}\n[[credit_movements]]\nid = \"out\"\nline = \"p352\"\ndate = 2017-05-01\nkind = \"transfer\"\ndirection = \"out\"\nae = \"0.00\"\ncp = \"9000.00\"\n"
    );
    let b = parse_budget(&out, Path::new("b.toml")).unwrap();
    let diags = check(&b, None);
    let at_date: Vec<_> = diags
        .iter()
        .filter(|d| d.rule == rules::CP_NOT_AVAILABLE)
        .collect();
    assert_eq!(at_date.len(), 1, "{diags:#?}");
    assert_eq!(
        at_date[0].message,
        "credit_movement out: takes 9000.00 EUR of CP from line p352 on 2017-05-01, leaving 11000.00 EUR open for 12000.00 EUR already paid"
    );
    // The year as a whole is overspent too: 12,000.00 paid, 11,000.00 left open.
    let rules_found: Vec<&str> = diags.iter().map(|d| d.rule.as_str()).collect();
    assert_eq!(rules_found.len(), 2, "{diags:#?}");
    assert!(rules_found.contains(&rules::CP_EXCEEDED), "{diags:#?}");
}

#[test]
fn cp_of_a_delegation_de_gestion_is_not_the_incubators() {
    let delegated = format!(
        "{}\n[[organizations]]\nid = \"min-travail\"\nname = \"Ministère du travail\"\nkind = \"central-administration\"\n\n[[agreements]]\nid = \"dg\"\npartner = \"min-travail\"\nkind = \"delegated-management\"\namount = \"20000.00\"\nsigned_on = 2017-01-10\n",
        CP_NOT_AVAILABLE.replace(
            "line = \"p352\"\nissued_on",
            "line = \"p352\"\nagreement = \"dg\"\nissued_on"
        )
    );
    assert!(delegated.contains("agreement = \"dg\""));
    assert!(
        rules_of(&delegated).is_empty(),
        "{:?}",
        rules_of(&delegated)
    );
}

#[test]
fn virement_cap_fixture() {
    let (rule, file, line, column, msg) = only_diagnostic(VIREMENT_CAP, "vir.toml");
    assert_eq!(rule, rules::VIREMENT_CAP);
    assert_eq!(severity(VIREMENT_CAP), Severity::Error);
    assert_eq!((file.as_str(), line, column), ("vir.toml", 22, 1));
    assert_eq!(
        msg,
        "credit_movement virement-out: AE moved by virements on programme 129 in 2017 reach 2500.00 EUR, above 2 % of its AE opened by the finance law of the year (100000.00 EUR) (LOLF art. 12 I); only a finance law can go beyond the cap"
    );
}

#[test]
fn virement_cap_at_the_cap_for_transferts_and_on_titre_2() {
    // 2,000.00 of AE moved: exactly 2 %, allowed.
    let at_cap = VIREMENT_CAP.replace("ae = \"1000.00\"", "ae = \"500.00\"");
    assert!(rules_of(&at_cap).is_empty());
    // Transferts (art. 12 II) have no cap.
    let transferts = VIREMENT_CAP.replace("kind = \"virement\"", "kind = \"transfer\"");
    assert!(rules_of(&transferts).is_empty());
    // A year whose credits are not recorded is not judged (taking 1,000.00 of AE from
    // a line with none open is `ae-not-available`'s business).
    let other_year = VIREMENT_CAP.replace("date = 2017-09-01", "date = 2018-09-01");
    assert_eq!(rules_of(&other_year), [rules::AE_NOT_AVAILABLE]);
    // On titre 2, the cap applies again to the programme's titre 2 credits: 300.00
    // onto a line with 10,000.00 of initial credits is 3 %, above.
    let no_out = VIREMENT_CAP.replace("ae = \"1000.00\"", "ae = \"0.00\"");
    let staff = format!(
        "{no_out}\n[[lines]]\nid = \"p129-t2\"\nprogramme = \"129\"\ntitle = \"staff\"\n\n[[credits]]\nline = \"p129-t2\"\nyear = 2017\nae_initial = \"10000.00\"\ncp_initial = \"10000.00\"\n\n[[credit_movements]]\nid = \"virement-t2\"\nline = \"p129-t2\"\ndate = 2017-10-01\nkind = \"virement\"\nae = \"300.00\"\ncp = \"300.00\"\n"
    );
    let b = parse_budget(&staff, Path::new("b.toml")).unwrap();
    let diags = check(&b, None);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].rule, rules::VIREMENT_CAP);
    let msg = &diags[0].message;
    assert!(
        msg.starts_with("credit_movement virement-t2: AE moved by virements on programme 129 (titre 2) in 2017 reach 300.00 EUR")
            && msg.contains("CP moved by virements on programme 129 (titre 2) in 2017 reach 300.00 EUR"),
        "{msg}"
    );
    // The programme as a whole: 1,800.00 of 110,000.00, within 2 %.
    assert!(!msg.contains("programme 129 in 2017"), "{msg}");
}
