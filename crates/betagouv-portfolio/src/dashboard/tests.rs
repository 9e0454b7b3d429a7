use super::*;
use crate::builtin;

#[test]
fn builtin_2016_compute_equals_of_records() {
    let p = builtin::portfolio_2016();
    let o = DashboardOptions::default();
    let at = builtin::as_of_2016();
    let d = Dashboard::compute(&p, at, &o);
    assert_eq!(
        d,
        Dashboard::of_records(p.vocabulary, &p.startups, &p.members, at, &o)
    );
}
