//! Number formatting for people: French (`2 084 035 €`, `55,27 %`, non-breaking
//! spaces) or English (`€2,084,035`, `55.27 %`). Machine formats (JSON) never use it.
//!
//! ```
//! use betagouv_report::{num, Lang};
//! use rust_decimal::Decimal;
//! assert_eq!(num::int(2_084_035, Lang::Fr), "2\u{a0}084\u{a0}035");
//! assert_eq!(num::euros(Decimal::new(2_084_035, 0), Lang::En), "€2,084,035");
//! assert_eq!(num::fixed(10.5, 1, Lang::Fr), "10,5");
//! assert_eq!(num::signed(2.1, 1, Lang::En), "+2.1");
//! ```

use rust_decimal::Decimal;

use crate::lang::Lang;

/// The non-breaking space used in French numbers.
pub const NBSP: char = '\u{a0}';

fn group(digits: &str, sep: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3 * sep.len());
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

fn thousands(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "\u{a0}",
        Lang::En => ",",
    }
}

fn decimal_mark(lang: Lang) -> char {
    match lang {
        Lang::Fr => ',',
        Lang::En => '.',
    }
}

/// Formats a decimal text `[-]digits[.digits]` with grouping and the language's mark.
fn localise(plain: &str, lang: Lang) -> String {
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain),
    };
    let (int_part, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = format!("{sign}{}", group(int_part, thousands(lang)));
    if let Some(f) = frac {
        out.push(decimal_mark(lang));
        out.push_str(f);
    }
    out
}

/// An integer with thousands grouping.
#[must_use]
pub fn int(n: i64, lang: Lang) -> String {
    localise(&n.to_string(), lang)
}

/// A count with thousands grouping.
#[must_use]
pub fn count(n: usize, lang: Lang) -> String {
    localise(&n.to_string(), lang)
}

/// `x` with `dp` decimals (half away from zero) and grouping; `-0` is written `0`.
#[must_use]
pub fn fixed(x: f64, dp: usize, lang: Lang) -> String {
    let s = format!("{:.*}", dp, round_half_away(x, dp));
    let s = if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_owned()
    } else {
        s
    };
    localise(&s, lang)
}

/// `x` with `dp` decimals and an explicit sign (`+2.1`, `-0.3`, `0`).
#[must_use]
pub fn signed(x: f64, dp: usize, lang: Lang) -> String {
    let s = fixed(x, dp, lang);
    if s.starts_with('-') || s.chars().all(|c| c == '0' || c == ',' || c == '.') {
        s
    } else {
        format!("+{s}")
    }
}

/// Rounds half away from zero at `dp` decimals (`format!` rounds half to even on the
/// binary value, which turns 10.5 into 10 at 0 decimals).
#[must_use]
pub fn round_half_away(x: f64, dp: usize) -> f64 {
    let f = 10f64.powi(i32::try_from(dp).unwrap_or(0));
    // Nudge by a relative epsilon so that 2.675 (stored as 2.67499…) still rounds up.
    let scaled = x * f;
    let nudged = scaled + scaled.signum() * scaled.abs() * 1e-12;
    nudged.round() / f
}

/// A signed whole-number change (`+3`, `-1`, `0`).
#[must_use]
pub fn signed_int(n: i64, lang: Lang) -> String {
    if n > 0 {
        format!("+{}", int(n, lang))
    } else {
        int(n, lang)
    }
}

/// A decimal as written (`55.27` → `55,27` in French), with grouping.
#[must_use]
pub fn decimal(d: Decimal, lang: Lang) -> String {
    localise(&d.normalize().to_string(), lang)
}

/// Euros: whole euros without cents, otherwise two decimals.
#[must_use]
pub fn euros(d: Decimal, lang: Lang) -> String {
    let text = if d.fract().is_zero() {
        d.trunc().to_string()
    } else {
        format!("{:.2}", d)
    };
    let n = localise(&text, lang);
    match lang {
        Lang::Fr => format!("{n}{NBSP}€"),
        Lang::En => match n.strip_prefix('-') {
            Some(abs) => format!("-€{abs}"),
            None => format!("€{n}"),
        },
    }
}

/// A percentage with the language's spacing (`55,27 %`, `55.27 %`).
#[must_use]
pub fn percent(text: &str) -> String {
    format!("{text}{NBSP}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(got: String, expected: &str) {
        assert_eq!(got, expected.replace('_', "\u{a0}"));
    }

    #[test]
    fn integers() {
        check(int(0, Lang::Fr), "0");
        check(int(999, Lang::Fr), "999");
        check(int(1000, Lang::Fr), "1_000");
        check(int(-1_234_567, Lang::Fr), "-1_234_567");
        check(int(1_234_567, Lang::En), "1,234,567");
    }

    #[test]
    fn fixed_and_signed() {
        check(fixed(10.5, 0, Lang::En), "11");
        check(fixed(2.675, 2, Lang::En), "2.68");
        check(fixed(-0.0001, 2, Lang::En), "0.00");
        check(fixed(12345.678, 1, Lang::Fr), "12_345,7");
        check(signed(2.1, 1, Lang::Fr), "+2,1");
        check(signed(-0.3, 1, Lang::En), "-0.3");
        check(signed(0.0, 1, Lang::En), "0.0");
        check(signed_int(3, Lang::En), "+3");
        check(signed_int(-3, Lang::En), "-3");
    }

    #[test]
    fn money() {
        check(euros(Decimal::new(2_084_035, 0), Lang::Fr), "2_084_035_€");
        check(euros(Decimal::new(123_450, 2), Lang::Fr), "1_234,50_€");
        check(euros(Decimal::new(-5, 0), Lang::En), "-€5");
        check(decimal(Decimal::new(5527, 2), Lang::Fr), "55,27");
        check(percent("55,27"), "55,27_%");
    }
}
