//! `betagouv report`: until the report crate lands, the key figures of the built-in
//! dataset beside the published ones.

use std::process::ExitCode;

use betagouv_portfolio::builtin;
use betagouv_portfolio::snapshot::{Snapshot, SnapshotOptions};
use clap::Args;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use super::BoxError;

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {}

pub(crate) fn run(_args: ReportArgs) -> Result<ExitCode, BoxError> {
    let p = builtin::portfolio_2016();
    let at = builtin::as_of_2016();
    let s = Snapshot::compute(&p, at, &SnapshotOptions::default());
    let published = |key: &str| {
        builtin::published_2016()
            .iter()
            .find(|c| c.key == key)
            .map_or("", |c| c.value)
    };
    println!("beta.gouv.fr — chiffres clés 2016 (jeu de données intégré, au {at})");
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(["chiffre", "calculé", "publié"]);
    for (label, computed, key) in [
        ("membres actifs", s.members.active, "people"),
        ("services", s.startups.total, "services"),
        ("dont repris", s.startups.taken_over, "taken_over"),
        ("dont en passation", s.startups.in_handover, "in_handover"),
        ("porteurs distincts (owner)", s.owners, "partners"),
    ] {
        t.add_row([
            label.to_owned(),
            computed.to_string(),
            published(key).to_owned(),
        ]);
    }
    println!("{t}");
    Ok(ExitCode::SUCCESS)
}
