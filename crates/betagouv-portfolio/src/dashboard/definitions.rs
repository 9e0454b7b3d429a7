//! The rule of every figure of a [`Dashboard`](super::Dashboard), in words.

use std::collections::BTreeMap;

use crate::active::ActiveRule;
use crate::phase::{PhaseRule, Vocabulary};

use super::{DashboardOptions, NO_DOMAINE, UNKNOWN_STATUS};
use crate::snapshot::NO_STATUS;

/// Figure key (the JSON path, dotted: `products.by_phase`) -> the rule used, in words
/// (English), for a dashboard of `vocabulary` computed with `options`. Every figure
/// key of the JSON form has one.
///
/// ```
/// use betagouv_portfolio::{dashboard::definitions, DashboardOptions, Vocabulary};
/// let d = definitions(Vocabulary::V2026, &DashboardOptions::default());
/// assert!(d["products.active"].contains("opere"));
/// assert!(d["stats_page"].contains("stats: true"));
/// ```
#[must_use]
pub fn definitions(vocabulary: Vocabulary, options: &DashboardOptions) -> BTreeMap<String, String> {
    let phase = phase_words(options.phase_rule);
    let active = active_words(vocabulary, options.active_rule);
    let active_products = format!("Among active products ({active})");
    let rows: [(&str, String); 33] = [
        ("as_of", "The date the figures describe (inclusive).".into()),
        ("active_rule", format!("The rule that makes a product active: {active}.")),
        ("products.total", "Start-up records read, whatever their phases.".into()),
        ("products.active", format!("Products active at the date: {active}.")),
        ("products.by_phase", format!("Current phase name, as written -> products; the current phase is {phase}. Products with no phase started are left out.")),
        ("products.no_phase_started", format!("Products with no current phase ({phase}): no phase, none dated, or all starting after the date; products.total minus the sum of products.by_phase.")),
        ("active_by_incubator", "Incubator id -> active products; a product counts under each of its incubators (`incubators` when present, else `incubator`), so a co-incubated product counts more than once and a product with no incubator is not counted.".into()),
        ("incubator_by_phase", format!("Incubator id -> current phase -> products, every product with a phase started (active or not), under each of its incubators; the current phase is {phase}.")),
        ("launches_by_year", "Year -> products whose earliest `construction` phase with an exact start on or before the date started that year (products never in construction are not counted).".into()),
        ("launches_by_incubator", "Year -> incubator id -> products launched that year (as in launches_by_year), a product under each of its incubators.".into()),
        ("national_impact_by_year", "Year -> products whose earliest `national_impact` event with an exact date on or before the date falls in that year.".into()),
        ("open_source_by_phase", "Current phase (as in products.by_phase) -> products of that phase, and those with a non-blank `repository` (open source).".into()),
        ("stats_page", format!("{active_products}: those with a public statistics page, a non-blank `stats_url` or `stats: true`.")),
        ("stats_page_by_phase", "Current phase -> products of that phase (every product with a phase started, active or not), and those with a statistics page (as in stats_page).".into()),
        ("dashlord", format!("{active_products}: those with a Dashlord URL, a non-blank text `dashlord_url` (in a list, a non-blank text item; null, blank or absent: none).")),
        ("dashlord_by_phase", "Current phase -> products of that phase (every product with a phase started, active or not), and those with a Dashlord URL (as in dashlord).".into()),
        ("accessibility_status", format!("{active_products}: `accessibility_status` as written -> products; `{UNKNOWN_STATUS}` when absent, null or blank (in a list, its first non-blank text).")),
        ("accessibility_status_by_phase", format!("Current phase -> `accessibility_status` (as in accessibility_status, `{UNKNOWN_STATUS}` when none) -> products, every product with a phase started.")),
        ("by_thematique", format!("{active_products}: theme (`thematiques`) -> products, a product under each of its themes.")),
        ("thematique_by_phase", format!("Theme -> current phase -> products, every product with a phase started (active or not); the current phase is {phase}.")),
        ("by_sponsor", format!("{active_products}: sponsor (organisation id, or the name of an inline sponsor) -> products, a product under each of its sponsors.")),
        ("members.total", "Member records read.".into()),
        ("members.active", "Members with a mission covering the date: an exact start on or before it, and no end or an end on or after it.".into()),
        ("members.new_by_year", "Year of each member's earliest exact mission start on or before the date -> members (members who arrive after the date are not counted).".into()),
        ("members.new_by_status", format!("Year of each member's first mission (as in members.new_by_year; ties between missions starting the same day: the later in the file) -> that mission's status as written (`{NO_STATUS}` when none) -> members.")),
        ("members.no_dated_mission", "Members with no mission start written as an exact date (no mission, or missing or partial starts): never new, never active.".into()),
        ("members.starting_later", "Members whose earliest exact mission start is after the date (they arrive later); members.total is the sum of members.new_by_year, members.no_dated_mission and members.starting_later.".into()),
        ("members.active_by_domaine", format!("Active members by `domaine` as written (`{NO_DOMAINE}` when none).")),
        ("members.active_by_competence", "Active members by competence as written, a member under each of its competences (members with none are not counted).".into()),
        ("members.active_by_status", format!("Active members by the status of their current mission (among the missions covering the date, the latest start), as written (`{NO_STATUS}` when none).")),
        ("to_fix.no_stats_page", "Ids of the active products without a statistics page (see stats_page), sorted.".into()),
        ("to_fix.no_dashlord", "Ids of the active products without a Dashlord URL (see dashlord), sorted.".into()),
        ("to_fix.no_accessibility_status", format!("Ids of the active products counted as `{UNKNOWN_STATUS}` in accessibility_status, sorted.")),
    ];
    rows.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// How the current phase is chosen, in words.
fn phase_words(rule: PhaseRule) -> &'static str {
    match rule {
        PhaseRule::AtDate => {
            "the phase with the latest exact start on or before the date (ties: the later in the list)"
        }
        PhaseRule::LastListed => "the last phase listed, whatever the dates",
        PhaseRule::LatestStart => {
            "the phase with the greatest start, whatever the date (a planned phase counts)"
        }
    }
}

/// What makes a product active under `rule` in `vocabulary`, in words.
fn active_words(vocabulary: Vocabulary, rule: ActiveRule) -> String {
    match rule {
        ActiveRule::Site => format!(
            "the site's rule, the current phase is one of {} ({vocabulary} names)",
            vocabulary.site_active_names().join(", ")
        ),
        ActiveRule::Stage => {
            let names: Vec<&str> = vocabulary
                .names()
                .iter()
                .filter(|(_, s)| s.is_active())
                .map(|(n, _)| *n)
                .collect();
            format!(
                "our stage table, the current phase is incubating or in hand-over: one of {} ({vocabulary} names)",
                names.join(", ")
            )
        }
    }
}
