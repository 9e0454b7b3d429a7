use betagouv_portfolio::snapshot::{Snapshot, SnapshotOptions};
use betagouv_portfolio::{PhaseRule, Stage, builtin};

#[track_caller]
fn check_stage(rule: PhaseRule, expected: [(Stage, usize); 6]) {
    let p = builtin::portfolio_2016();
    let s = Snapshot::compute(
        &p,
        builtin::as_of_2016(),
        &SnapshotOptions::default().with_phase_rule(rule),
    );
    for (stage, n) in expected {
        assert_eq!(s.startups.by_stage.get(stage), n, "{stage}");
    }
}

#[test]
fn the_2016_figures_of_the_issue() {
    use Stage::*;
    let expected = [
        (Incubating, 25),
        (InHandover, 1),
        (TakenOver, 1),
        (Stopped, 0),
        (NotStarted, 0),
        (Unknown, 0),
    ];
    check_stage(PhaseRule::AtDate, expected);
    // A `status` record has one phase, so the site's rules agree with ours in 2016.
    check_stage(PhaseRule::LastListed, expected);
    check_stage(PhaseRule::LatestStart, expected);
}

#[test]
fn the_2016_json_contract() {
    let p = builtin::portfolio_2016();
    let s = Snapshot::compute(&p, builtin::as_of_2016(), &SnapshotOptions::default());
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["as_of"], "2016-12-31");
    assert_eq!(v["startups"]["total"], 27);
    for k in [
        "incubating",
        "in_handover",
        "taken_over",
        "stopped",
        "not_started",
        "unknown",
    ] {
        assert!(v["startups"]["by_stage"][k].is_u64(), "{k}");
    }
    assert_eq!(v["startups"]["by_phase"]["construction"], 14);
    assert_eq!(v["startups"]["by_phase"]["consolidation"], 10);
    assert_eq!(v["startups"]["taken_over"], 1);
    assert_eq!(v["startups"]["in_handover"], 1);
    assert_eq!(v["members"]["active"], 27);
    // Counted by hand from the 2016 member files: status = employer prefix before `/`.
    assert_eq!(v["members"]["active_by_status"]["dinsic"], 8);
    assert_eq!(v["members"]["active_by_status"]["admin"], 8);
    assert_eq!(v["members"]["active_by_status"]["independent"], 7);
    assert_eq!(v["members"]["active_by_status"]["service"], 4);
    assert_eq!(
        (
            v["incubators"].as_u64(),
            v["sponsors"].as_u64(),
            v["owners"].as_u64()
        ),
        (Some(0), Some(0), Some(14))
    );
    assert!(v["problems"]["errors"].is_u64() && v["problems"]["warnings"].is_u64());
}

#[test]
fn the_2016_validation_flags_the_partial_date_only() {
    let p = builtin::portfolio_2016();
    let d = p.validate();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].rule, "partial-date");
    assert_eq!(
        d[0].record.as_ref().map(|r| r.1.as_str()),
        Some("openacademie")
    );
}

#[test]
fn before_the_first_start_nothing_has_started() {
    let p = builtin::portfolio_2016();
    let at = chrono::NaiveDate::from_ymd_opt(2013, 1, 1).unwrap();
    let s = Snapshot::compute(&p, at, &SnapshotOptions::default());
    // openacademie's `2015-01` start is partial: a `status` record with a partial start
    // counts as started (flagged), so it alone is not `not_started`.
    assert_eq!(s.startups.by_stage.not_started, 26);
    assert_eq!(s.startups.by_phase.values().sum::<usize>(), 1);
    assert_eq!(s.members.active, 0);
}

#[test]
fn the_builtin_portfolio_reads_back_its_json() {
    let p = builtin::portfolio_2016();
    let json = serde_json::to_string(&p).unwrap();
    let back: betagouv_portfolio::Portfolio = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    for s in &p.startups {
        let back: betagouv_portfolio::Startup =
            serde_json::from_value(serde_json::to_value(s).unwrap()).unwrap();
        assert_eq!(&back, s);
    }
    for m in &p.members {
        let back: betagouv_portfolio::Member =
            serde_json::from_value(serde_json::to_value(m).unwrap()).unwrap();
        assert_eq!(&back, m);
    }
}
