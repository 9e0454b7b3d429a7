//! What a plain YAML scalar means: null, boolean, number, date or text.
//!
//! The rules are YAML 1.2's core schema plus plain `YYYY-MM-DD` dates (as YAML 1.1
//! timestamps): `~`, `null`, `Null`, `NULL` and the empty scalar are null;
//! `true`/`True`/`TRUE` and `false`/`False`/`FALSE` are booleans (never `yes`/`no`);
//! decimal, `0o` octal and `0x` hexadecimal integers and decimal floats (with
//! `.inf`/`.nan`) are numbers, kept as written; a valid `YYYY-MM-DD` is a date.
//! Anything else is text. Quoted and block scalars are always text.

use betagouv_portfolio::Value;
use betagouv_portfolio::date::parse_iso_date;

/// The value a plain scalar resolves to.
#[must_use]
pub(crate) fn resolve_plain(s: &str) -> Value {
    if is_null(s) {
        return Value::Null;
    }
    match s {
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if is_number(s) {
        return Value::Number(s.to_owned());
    }
    if let Some(d) = parse_iso_date(s) {
        return Value::Date(d);
    }
    Value::String(s.to_owned())
}

/// Whether a plain scalar is null (what [`resolve_plain`] reads as [`Value::Null`]).
pub(crate) fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

/// Whether a plain scalar is a number (integer or float of the core schema).
#[must_use]
pub(crate) fn is_number(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() {
        return false;
    }
    let unsigned = match b[0] {
        b'+' | b'-' => &b[1..],
        _ => b,
    };
    if let Some(r) = s.strip_prefix("0o") {
        return !r.is_empty() && r.bytes().all(|c| (b'0'..=b'7').contains(&c));
    }
    if let Some(r) = s.strip_prefix("0x") {
        return !r.is_empty() && r.bytes().all(|c| c.is_ascii_hexdigit());
    }
    if matches!(unsigned, b".inf" | b".Inf" | b".INF") || matches!(b, b".nan" | b".NaN" | b".NAN") {
        return true;
    }
    // [0-9]+(\.[0-9]*)? | \.[0-9]+ , then optional exponent.
    let mut i = 0;
    let n = unsigned.len();
    let int_digits = unsigned.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if i < n && unsigned[i] == b'.' {
        i += 1;
        frac_digits = unsigned[i..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < n && (unsigned[i] == b'e' || unsigned[i] == b'E') {
        i += 1;
        if i < n && (unsigned[i] == b'+' || unsigned[i] == b'-') {
            i += 1;
        }
        let exp = unsigned[i..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves() {
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("True"), Value::Bool(true));
        assert_eq!(resolve_plain("yes"), Value::String("yes".into()));
        for n in [
            "12", "-3.5", "1e3", "+1", ".5", "1.", "0x1F", "0o17", ".inf", "-.inf", ".nan",
        ] {
            assert_eq!(resolve_plain(n), Value::Number(n.into()), "{n}");
        }
        for s in [
            "1e",
            "e3",
            ".",
            "-",
            "1.2.3",
            "0x",
            "12a",
            "2015-01",
            "2021-02-30",
            "+.nan",
        ] {
            assert_eq!(resolve_plain(s), Value::String(s.into()), "{s}");
        }
        assert!(matches!(resolve_plain("2020-02-29"), Value::Date(_)));
    }
}
