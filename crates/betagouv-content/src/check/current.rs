//! [`RuleSet::Current`](super::RuleSet::Current): today's CI checks (since 2024-02).

use std::collections::HashSet;

use betagouv_portfolio::{Member, PhaseField, RecordKind, Sponsor, Startup, Value};

use super::common::{
    domaine, first_repeat, has_duplicate, incubator_and_contact_required, member_quoted_date,
    mission_dates_required, mission_spans, missions_required, numbered, phase_spans,
    phases_required, sponsor_organisation, startup_quoted_date,
};
use super::url::url_problem;
use super::{Folder, Out, Rules};
use crate::rules;

pub(super) const RULES: Rules = Rules {
    startup: &[
        incubator_and_contact_required,
        startup_keys,
        startup_extra_types,
        startup_urls,
        fast_fields,
        startup_quoted_date,
        sponsors,
        incubators_list,
        phases_required,
        phases_not_status,
        phase_and_event_names,
        phase_start_required,
        duplicate_phase_name,
        phase_end_after_start,
        event_date_required,
    ],
    member: &[
        member_keys,
        member_extra_types,
        domaine_required,
        member_link,
        missions_required,
        mission_status_given,
        member_quoted_date,
        mission_dates_required,
        mission_end_after_start,
        startup_references,
        domaine,
        duplicate_competence,
    ],
};

/// `unknown-sponsor`: every sponsor is written `/organisations/<id>` and has a file.
fn sponsors(out: &mut Out<'_>, folder: &Folder<'_>, s: &Startup) {
    for (n, sp) in s.sponsors.iter().enumerate() {
        sponsor_organisation(out, folder, n, sp);
        if let Sponsor::Inline { name, .. } = sp {
            out.error(
                out.at(&format!("sponsors[{n}]")),
                rules::UNKNOWN_SPONSOR,
                format!("sponsor `{name}` must be written `/organisations/<id>`"),
            );
        }
    }
}

/// `incubators-list`: `incubators`, when given, lists at least 2 existing incubators
/// without duplicates, including `incubator`.
fn incubators_list(out: &mut Out<'_>, folder: &Folder<'_>, s: &Startup) {
    if s.incubators.is_empty() {
        return;
    }
    let dup = has_duplicate(s.incubators.iter().map(|i| i.as_str()));
    let has_main = s
        .incubator
        .as_ref()
        .is_some_and(|m| s.incubators.contains(m));
    let missing: Vec<_> = s
        .incubators
        .iter()
        .filter(|i| !folder.incubator_ids.contains(i.as_str()))
        .map(|i| i.as_str())
        .collect();
    if s.incubators.len() < 2 || dup || !has_main || !missing.is_empty() {
        let unknown = if missing.is_empty() {
            String::new()
        } else {
            format!(" (unknown: {})", missing.join(", "))
        };
        out.error(
            out.line("incubators"),
            rules::INCUBATORS_LIST,
            format!("`incubators` must list at least 2 existing incubators without duplicates, including `incubator`{unknown}"),
        );
    }
}

/// `phase-start-required`: every phase has a start date.
fn phase_start_required(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    for (n, ph) in s.phases.iter().enumerate() {
        if ph.start.is_none() {
            out.error(
                out.item("phases", n, "start"),
                rules::PHASE_START_REQUIRED,
                format!("phase `{}` has no start date; add it", ph.name),
            );
        }
    }
}

/// `duplicate-phase-name`: a phase name is listed once.
fn duplicate_phase_name(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    let mut names = HashSet::new();
    for (n, ph) in s.phases.iter().enumerate() {
        if !names.insert(ph.name.as_str()) {
            out.error(
                out.item("phases", n, "name"),
                rules::DUPLICATE_PHASE_NAME,
                format!("phase `{}` is listed twice; keep one", ph.name),
            );
        }
    }
}

/// `phase-end-not-after-start`: a phase does not end on the day it starts (an end
/// before the start is the portfolio's `phase-end-before-start`).
fn phase_end_after_start(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    for (n, ph, a, _) in phase_spans(s).filter(|(_, _, a, b)| a == b) {
        out.error(
            out.item("phases", n, "end"),
            rules::PHASE_END_NOT_AFTER_START,
            format!(
                "phase `{}` ends on the day it starts ({a}); the end must be after the start",
                ph.name
            ),
        );
    }
}

/// `event-date-required`: every event has a date.
fn event_date_required(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    for (n, ev) in s.events.iter().enumerate() {
        if ev.date.is_none() {
            out.error(
                out.item("events", n, "date"),
                rules::EVENT_DATE_REQUIRED,
                format!("event `{}` has no date; add it", ev.name),
            );
        }
    }
}

/// `mission-end-not-after-start`: a mission does not end on the day it starts.
fn mission_end_after_start(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    for (n, a, _) in mission_spans(m).filter(|(_, a, b)| a == b) {
        out.error(
            out.item("missions", n - 1, "end"),
            rules::MISSION_END_NOT_AFTER_START,
            format!("mission {n} ends on the day it starts ({a}); the end must be after the start"),
        );
    }
}

/// `duplicate-reference` and `unknown-startup`: the start-ups of each mission, of
/// `startups` and of `previously` are named once and have a `.md` file.
fn startup_references(out: &mut Out<'_>, folder: &Folder<'_>, m: &Member) {
    for (n, x) in numbered(&m.missions) {
        let what = format!("mission {n} `startups`");
        let list = format!("missions[{}].startups", n - 1);
        references(
            out,
            folder,
            &list,
            &what,
            x.startups.iter().map(|s| s.as_str()),
        );
    }
    references(
        out,
        folder,
        "startups",
        "`startups`",
        m.startups.iter().map(|s| s.as_str()),
    );
    let previously = m.previously.iter().map(|s| s.as_str());
    references(out, folder, "previously", "`previously`", previously);
}

/// `duplicate-reference` and `unknown-startup` of one list of start-up ids, the
/// record's list at path `list` (each problem located at its id).
fn references<'a>(
    out: &mut Out<'_>,
    folder: &Folder<'_>,
    list: &str,
    what: &str,
    ids: impl Iterator<Item = &'a str>,
) {
    let mut seen = HashSet::new();
    for (n, s) in ids.enumerate() {
        let at = |out: &Out<'_>| out.at(&format!("{list}[{n}]"));
        if !seen.insert(s) {
            out.error(
                at(out),
                rules::DUPLICATE_REFERENCE,
                format!("{what} lists `{s}` twice; keep one"),
            );
        }
        if !folder.md_startups.contains(s) {
            out.error(
                at(out),
                rules::UNKNOWN_STARTUP,
                format!("{what} names `{s}`, which has no `{s}.md` start-up file"),
            );
        }
    }
}

/// `duplicate-competence`: `competences` lists each skill once.
fn duplicate_competence(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    if let Some(n) = first_repeat(m.competences.iter().map(String::as_str)) {
        out.error(
            out.at(&format!("competences[{n}]")),
            rules::DUPLICATE_COMPETENCE,
            "`competences` lists a skill twice; keep one".into(),
        );
    }
}

/// The top-level keys of a start-up that the repository's CI types (its schema), in
/// its order: a value of another type is an error there, and so here
/// ([`is_typed_key`]).
const TYPED_STARTUP_KEYS: [&str; 23] = [
    "title",
    "mission",
    "sponsors",
    "incubator",
    "incubators",
    "contact",
    "link",
    "repository",
    "accessibility_status",
    "dashlord_url",
    "stats",
    "stats_url",
    "budget_url",
    "analyse_risques",
    "analyse_risques_url",
    "events",
    "phases",
    "techno",
    "usertypes",
    "thematiques",
    "redirect_from",
    "fast",
    "mon_service_securise",
];

/// The top-level keys of a member that the repository's CI types (its schema).
const TYPED_MEMBER_KEYS: [&str; 11] = [
    "fullname",
    "role",
    "link",
    "github",
    "missions",
    "previously",
    "startups",
    "badges",
    "domaine",
    "competences",
    "teams",
];

/// Keys every page of the site may carry: Jekyll's own, and our `vocabulary`.
const PAGE_KEYS: [&str; 5] = ["layout", "permalink", "published", "sitemap", "vocabulary"];

/// Today's start-up keys beyond [`TYPED_STARTUP_KEYS`]: those the site's templates and
/// generators read (`impact_url`, the 2026 contacts, `robots`, `rgpd`).
const OTHER_STARTUP_KEYS: [&str; 5] = [
    "impact_url",
    "contact_dinum",
    "contact_incubator",
    "robots",
    "rgpd",
];

/// Today's member keys beyond [`TYPED_MEMBER_KEYS`]: written by the members'
/// application (`memberType`, `avatar`) or read by the site (`incubator`).
const OTHER_MEMBER_KEYS: [&str; 3] = ["memberType", "avatar", "incubator"];

/// Start-up keys of earlier schemas (`legacy-key`): the 2016-2022 free-text `owner`,
/// the 2016-2020 `status` and `start`, the 2016 `end`.
const LEGACY_STARTUP_KEYS: [&str; 4] = ["owner", "status", "start", "end"];

/// Member keys of earlier schemas (`legacy-key`): the flat 2016-2019 `start`, `end`,
/// `employer` and the 2017-03 `contracts`.
const LEGACY_MEMBER_KEYS: [&str; 4] = ["start", "end", "employer", "contracts"];

/// The start-up fields that hold an address (`url-format`).
const STARTUP_URL_KEYS: [&str; 7] = [
    "link",
    "repository",
    "stats_url",
    "budget_url",
    "impact_url",
    "dashlord_url",
    "analyse_risques_url",
];

/// Whether the repository's CI types top-level key `key` of a record of `kind` (a
/// value of another type is an error under today's rules).
pub(super) fn is_typed_key(kind: RecordKind, key: &str) -> bool {
    match kind {
        RecordKind::Startup => TYPED_STARTUP_KEYS.contains(&key),
        RecordKind::Member => TYPED_MEMBER_KEYS.contains(&key),
        _ => false,
    }
}

/// `legacy-key` and `unknown-key` of one record's top-level keys, at their lines.
fn keys(out: &mut Out<'_>, known: &[&[&str]], legacy: &[&str], what: &str) {
    let source = out.source();
    for key in &source.keys {
        let line = out.line(key);
        if legacy.contains(&key.as_str()) {
            out.warning(
                line,
                rules::LEGACY_KEY,
                format!("`{key}` is a key of an earlier schema of {what} files, ignored by today's site; remove it (or move its content to today's keys)"),
            );
        } else if !known.iter().any(|k| k.contains(&key.as_str())) {
            out.warning(
                line,
                rules::UNKNOWN_KEY,
                format!(
                    "`{key}` is not a key of today's {what} files; check its spelling or remove it"
                ),
            );
        }
    }
}

/// `legacy-key` and `unknown-key` of a start-up.
fn startup_keys(out: &mut Out<'_>, _: &Folder<'_>, _: &Startup) {
    let known: [&[&str]; 3] = [&TYPED_STARTUP_KEYS, &OTHER_STARTUP_KEYS, &PAGE_KEYS];
    keys(out, &known, &LEGACY_STARTUP_KEYS, "start-up");
}

/// `legacy-key` and `unknown-key` of a member with a `missions` list (a flat member
/// is `missions-required`).
fn member_keys(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    let known: [&[&str]; 4] = [
        &TYPED_MEMBER_KEYS,
        &OTHER_MEMBER_KEYS,
        &PAGE_KEYS,
        &LEGACY_MEMBER_KEYS,
    ];
    let legacy: &[&str] = if super::common::flat(m) {
        &[]
    } else {
        &LEGACY_MEMBER_KEYS
    };
    keys(out, &known, legacy, "member");
}

/// The type the repository's CI wants for a key our model keeps among the unknown
/// keys (`extra`).
#[derive(Clone, Copy)]
enum Want {
    /// A text.
    Text,
    /// A text or null.
    TextOrNull,
    /// A boolean or null.
    BoolOrNull,
    /// A list of texts.
    Texts,
}

/// `field-type` (an error): each key of `wanted` in `extra` has its type.
fn extra_types(out: &mut Out<'_>, extra: &betagouv_portfolio::Extra, wanted: &[(&str, Want)]) {
    for (key, want) in wanted {
        let Some(v) = extra.get(key) else { continue };
        let ok = match want {
            Want::Text => matches!(v, Value::String(_)),
            Want::TextOrNull => matches!(v, Value::String(_) | Value::Null),
            Want::BoolOrNull => matches!(v, Value::Bool(_) | Value::Null),
            Want::Texts => {
                matches!(v, Value::Seq(items) if items.iter().all(|i| matches!(i, Value::String(_))))
            }
        };
        if !ok {
            let expected = match want {
                Want::Text => "a text",
                Want::TextOrNull => "a text or nothing",
                Want::BoolOrNull => "true or false",
                Want::Texts => "a list of texts",
            };
            out.error(
                out.line(key),
                rules::FIELD_TYPE,
                format!("`{key}` should be {expected}, found a {}", v.type_name()),
            );
        }
    }
}

/// `field-type` of the start-up keys the CI types that our model keeps as written.
fn startup_extra_types(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    let wanted = [
        ("accessibility_status", Want::Text),
        ("dashlord_url", Want::TextOrNull),
        ("analyse_risques_url", Want::TextOrNull),
        ("analyse_risques", Want::BoolOrNull),
        ("mon_service_securise", Want::BoolOrNull),
        ("redirect_from", Want::Texts),
    ];
    extra_types(out, &s.extra, &wanted);
}

/// `field-type` of the member keys the CI types that our model keeps as written.
fn member_extra_types(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    let wanted = [("link", Want::TextOrNull), ("github", Want::TextOrNull)];
    extra_types(out, &m.extra, &wanted);
}

/// `url-format` of field `key` holding `value`.
fn url(out: &mut Out<'_>, key: &str, value: Option<&str>) {
    if let Some(v) = value
        && let Some(why) = url_problem(v)
    {
        out.warning(
            out.line(key),
            rules::URL_FORMAT,
            format!("`{key}` {v:?} is not an http or https URL: {why}; fix it"),
        );
    }
}

/// `url-format` of a start-up's addresses.
fn startup_urls(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    let l = &s.links;
    let modelled = [
        l.site.as_deref(),
        l.repository.as_deref(),
        l.stats_url.as_deref(),
        l.budget_url.as_deref(),
        l.impact_url.as_deref(),
    ];
    for (key, value) in STARTUP_URL_KEYS.iter().zip(modelled) {
        url(out, key, value);
    }
    for key in STARTUP_URL_KEYS.iter().skip(modelled.len()) {
        url(out, key, s.extra.get(key).and_then(Value::as_str));
    }
}

/// `url-format` of a member's `link`.
fn member_link(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    url(out, "link", m.extra.get("link").and_then(Value::as_str));
}

/// `field-required` (`fast.promotion`, `fast.montant`): a `fast` mapping gives both
/// numbers (a `fast` of another type is `field-type`).
fn fast_fields(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    let Some(Value::Map(entries)) = s.extra.get("fast") else {
        return;
    };
    for key in ["promotion", "montant"] {
        let given = entries.iter().any(|(k, v)| k == key && *v != Value::Null);
        if !given {
            out.error(
                out.line("fast"),
                rules::FIELD_REQUIRED,
                format!("`fast` has no `{key}`; add it (a number)"),
            );
        }
    }
}

/// `phases-required`: a start-up written with the 2017-2020 `status` and `start`
/// instead of `phases` (today's CI requires `phases`).
fn phases_not_status(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    if s.phase_field == PhaseField::Status {
        out.error(
            out.line("status"),
            rules::PHASES_REQUIRED,
            "the start-up is written with `status` and `start`, not a `phases` list; write its phases".into(),
        );
    }
}

/// `field-required`: every phase and every event has a name.
fn phase_and_event_names(out: &mut Out<'_>, _: &Folder<'_>, s: &Startup) {
    let phases = s
        .phases
        .iter()
        .map(|p| ("phases", "phase", p.name.as_str()));
    let events = s
        .events
        .iter()
        .map(|e| ("events", "event", e.name.as_str()));
    for (key, what, name) in phases.chain(events) {
        if name.trim().is_empty() {
            out.error(
                out.line(key),
                rules::FIELD_REQUIRED,
                format!(
                    "a{} {what} has no `name`; add it",
                    if what == "event" { "n" } else { "" }
                ),
            );
        }
    }
}

/// `field-required`: a member has a `domaine` (today's CI requires it).
fn domaine_required(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    if m.domaine.as_deref().is_none_or(|d| d.trim().is_empty()) {
        out.error(
            out.line("domaine"),
            rules::FIELD_REQUIRED,
            format!(
                "required key `domaine` is missing or empty; add one of {}",
                super::common::DOMAINES.join(", ")
            ),
        );
    }
}

/// `field-required` of each mission's `status` (today's CI requires one), and
/// `mission-status` (a warning: that CI takes any text) when it is not one of the
/// site's three.
fn mission_status_given(out: &mut Out<'_>, _: &Folder<'_>, m: &Member) {
    for (n, x) in numbered(&m.missions) {
        // The mission's `status`, or the mission itself when it has none.
        let at = out.item("missions", n - 1, "status");
        match x.status.as_deref() {
            None if x.extra.get("status").is_none() => out.error(
                at,
                rules::FIELD_REQUIRED,
                format!("mission {n} has no `status`; add it (service, independent or admin)"),
            ),
            Some(st) if !["service", "independent", "admin"].contains(&st) => out.warning(
                at,
                rules::MISSION_STATUS,
                format!("mission {n} status must be service, independent or admin, not `{st}`"),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use betagouv_portfolio::Severity;

    use crate::check::{CheckOptions, CheckReport, RuleSet, check_folder};

    const STARTUP: &str = "---\ntitle: A\nmission: m\nincubator: dinum\ncontact: a@b.fr\nlink: https://a.fr\nsponsors:\n  - /organisations/o\nphases:\n  - name: construction\n    start: 2020-01-01\n---\n";
    const MEMBER: &str = "---\nfullname: A B\nrole: r\ndomaine: Produit\nmissions:\n  - start: 2020-01-01\n    end: 2021-01-01\n    status: independent\n    employer: x\n    startups:\n      - a\n---\n";

    /// Checks a folder of today's schema: start-ups `a` (and more), member `a.b`, the
    /// incubator `dinum`, the organisation `o`.
    fn check(startups: &[(&str, &str)], member: &str) -> CheckReport {
        let t = tempfile::tempdir().unwrap();
        let mut files = vec![
            ("content/_authors/a.b.md".to_owned(), member.to_owned()),
            (
                "content/_incubators/dinum.md".into(),
                "---\ntitle: D\n---\n".into(),
            ),
            (
                "content/_organisations/o.md".into(),
                "---\nname: O\n---\n".into(),
            ),
        ];
        for (id, text) in startups {
            files.push((format!("content/_startups/{id}.md"), (*text).to_owned()));
        }
        for (rel, text) in &files {
            let path = t.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        check_folder(t.path(), &CheckOptions::default()).unwrap()
    }

    /// (severity, rule, file name, line) of every problem.
    fn problems(r: &CheckReport) -> Vec<(Severity, String, String, usize)> {
        r.diagnostics
            .iter()
            .map(|d| {
                let loc = d.location.as_ref().unwrap();
                let name = loc.file.file_name().unwrap().to_string_lossy().into_owned();
                (d.severity, d.rule.clone(), name, loc.line)
            })
            .collect()
    }

    /// The problems of the folder with start-up `a` written `startup` and the member
    /// `member`, as (severity, rule, line) of the file changed.
    #[track_caller]
    fn expect(startup: &str, member: &str, expected: &[(Severity, &str, usize)]) {
        let r = check(&[("a", startup)], member);
        assert_eq!(r.rules, RuleSet::Current);
        let got: Vec<_> = problems(&r)
            .into_iter()
            .map(|(s, rule, _, line)| (s, rule, line))
            .collect();
        let expected: Vec<_> = expected
            .iter()
            .map(|(s, rule, line)| (*s, (*rule).to_owned(), *line))
            .collect();
        assert_eq!(got, expected, "{:#?}", r.diagnostics);
    }

    use Severity::{Error, Warning};

    #[test]
    fn the_fixture_is_clean() {
        expect(STARTUP, MEMBER, &[]);
    }

    #[test]
    fn partial_dates_are_errors() {
        let phase = STARTUP.replace("start: 2020-01-01", "start: 2020");
        expect(&phase, MEMBER, &[(Error, "partial-date", 11)]);
        let mission = MEMBER.replace("start: 2020-01-01", "start: 2020-01");
        expect(STARTUP, &mission, &[(Error, "partial-date", 6)]);
    }

    #[test]
    fn missions_and_employers_of_the_wrong_type_are_errors() {
        let mapping = MEMBER.replace("  - start: 2020-01-01\n    end: 2021-01-01\n    status: independent\n    employer: x\n    startups:\n      - a\n", "  start: 2020-01-01\n");
        let got = check(&[("a", STARTUP)], &mapping);
        let rules: Vec<_> = problems(&got)
            .into_iter()
            .map(|(s, r, _, l)| (s, r, l))
            .collect();
        assert!(
            rules.contains(&(Error, "field-type".into(), 6)),
            "{rules:?}"
        );
        for employer in ["[x]", "{a: b}", "true", "12"] {
            let m = MEMBER.replace("employer: x", &format!("employer: {employer}"));
            expect(STARTUP, &m, &[(Error, "field-type", 9)]);
        }
        // A text that looks like nothing else stays a text; null is no employer.
        for employer in ["'true'", "Octo 12", "~"] {
            let m = MEMBER.replace("employer: x", &format!("employer: {employer}"));
            expect(STARTUP, &m, &[]);
        }
    }

    #[test]
    fn the_schema_types_are_errors_other_keys_warnings() {
        let stats = STARTUP.replace("link:", "stats: oui\nlink:");
        expect(&stats, MEMBER, &[(Error, "field-type", 6)]);
        let teams = MEMBER.replace("role: r", "role: r\nteams: x");
        expect(STARTUP, &teams, &[(Error, "field-type", 4)]);
        let member_type = MEMBER.replace("role: r", "role: r\nmemberType: [x]");
        expect(STARTUP, &member_type, &[(Warning, "field-type", 4)]);
        // A text the CI types, written as a number or a boolean: one fault, one error
        // (the `field-type` at the same place is dropped).
        let title = STARTUP.replace("title: A", "title: 2048");
        expect(&title, MEMBER, &[(Error, "field-required", 2)]);
        let role = MEMBER.replace("role: r", "role: true");
        expect(STARTUP, &role, &[(Error, "field-required", 3)]);
        // Keys the CI types that the model keeps as written.
        for (key, bad) in [
            ("accessibility_status", "~"),
            ("dashlord_url", "[a]"),
            ("analyse_risques", "oui"),
            ("redirect_from", "/a"),
        ] {
            let s = STARTUP.replace("link:", &format!("{key}: {bad}\nlink:"));
            expect(&s, MEMBER, &[(Error, "field-type", 6)]);
        }
        let link = MEMBER.replace("role: r", "role: r\nlink: [a]\ngithub: ~");
        expect(STARTUP, &link, &[(Error, "field-type", 4)]);
        // A sponsor without its `/organisations/` prefix, located at the item.
        let bare = STARTUP.replace("  - /organisations/o", "  - o");
        expect(&bare, MEMBER, &[(Error, "unknown-sponsor", 8)]);
    }

    #[test]
    fn malformed_urls_are_warnings() {
        let link = STARTUP.replace("https://a.fr", "htps//a.fr");
        expect(&link, MEMBER, &[(Warning, "url-format", 6)]);
        for key in super::STARTUP_URL_KEYS.iter().skip(1) {
            let s = STARTUP.replace("link:", &format!("{key}: ftp://a.fr\nlink:"));
            expect(&s, MEMBER, &[(Warning, "url-format", 6)]);
            let s = STARTUP.replace("link:", &format!("{key}: https://a.fr/x?y#z\nlink:"));
            expect(&s, MEMBER, &[]);
        }
        let m = MEMBER.replace("role: r", "role: r\nlink: github.com/a");
        expect(STARTUP, &m, &[(Warning, "url-format", 4)]);
        // An empty link is no link.
        expect(&STARTUP.replace("https://a.fr", "''"), MEMBER, &[]);
    }

    #[test]
    fn mission_statuses_out_of_the_list_are_warnings_missing_ones_errors() {
        let odd = MEMBER.replace("status: independent", "status: freelance");
        expect(STARTUP, &odd, &[(Warning, "mission-status", 8)]);
        let none = MEMBER.replace("    status: independent\n", "");
        expect(STARTUP, &none, &[(Error, "field-required", 6)]);
        for ok in ["service", "admin"] {
            let m = MEMBER.replace("independent", ok);
            expect(STARTUP, &m, &[]);
        }
    }

    #[test]
    fn unknown_and_legacy_keys_are_warnings_at_their_line() {
        let s = STARTUP.replace(
            "link:",
            "titre: A\nend: 2021-01-01\nimpact_url: https://a.fr/i\nrobots: noindex\nlink:",
        );
        expect(
            &s,
            MEMBER,
            &[(Warning, "unknown-key", 6), (Warning, "legacy-key", 7)],
        );
        let m = MEMBER.replace(
            "role: r",
            "role: r\nstart: 2020-01-01\nfavourite: x\navatar: a.jpg",
        );
        expect(
            STARTUP,
            &m,
            &[(Warning, "legacy-key", 4), (Warning, "unknown-key", 5)],
        );
    }

    #[test]
    fn required_keys_of_todays_schema() {
        let m = MEMBER.replace("domaine: Produit\n", "");
        expect(STARTUP, &m, &[(Error, "field-required", 0)]);
        let fast = STARTUP.replace("link:", "fast:\n  promotion: 3\nlink:");
        expect(&fast, MEMBER, &[(Error, "field-required", 7)]);
        let fast = STARTUP.replace("link:", "fast:\n  promotion: 3\n  montant: 10\nlink:");
        expect(&fast, MEMBER, &[]);
        let unnamed = STARTUP.replace("  - name: construction\n    start", "  - start");
        expect(
            &unnamed,
            MEMBER,
            &[
                (Error, "field-required", 10),
                (Warning, "unknown-phase", 10),
            ],
        );
    }

    #[test]
    fn one_legacy_file_does_not_flip_the_folder() {
        let owner = STARTUP.replace("link:", "owner: DINUM\nlink:");
        let r = check(&[("a", STARTUP), ("b", STARTUP), ("c", &owner)], MEMBER);
        assert_eq!(r.rules, RuleSet::Current);
        let got = problems(&r);
        assert_eq!(
            got,
            [(Warning, "legacy-key".into(), "c.md".into(), 6)],
            "{:#?}",
            r.diagnostics
        );
        assert!(r.diagnostics[0].message.contains("`owner`"));
        // A folder where most start-ups have the 2020-2022 keys is of that era.
        let r = check(&[("a", STARTUP), ("b", &owner), ("c", &owner)], MEMBER);
        assert_eq!(r.rules, RuleSet::Schema2020);
    }

    #[test]
    fn a_startup_file_that_fails_gives_one_error() {
        let broken = STARTUP.replace("title: A", "title: [A");
        let m = MEMBER.replace("      - a\n", "      - a\n      - b\n");
        let r = check(&[("a", STARTUP), ("b", &broken)], &m);
        let errors: Vec<_> = problems(&r)
            .into_iter()
            .filter(|p| p.0 == Error)
            .map(|(_, rule, file, _)| (rule, file))
            .collect();
        assert_eq!(errors, [("yaml-syntax".to_owned(), "b.md".to_owned())]);
        // A start-up with no file at all is still unknown.
        let m = MEMBER.replace("      - a\n", "      - a\n      - z\n");
        let r = check(&[("a", STARTUP)], &m);
        assert!(problems(&r).iter().any(|p| p.1 == "unknown-startup"));
    }
}
