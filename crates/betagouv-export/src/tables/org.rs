//! The `incubator` and `organisation` tables.

use betagouv_portfolio::{Incubator, Organisation, RecordKind};

use super::types::{B, S};
use super::{Cell, Column, Ctx, Row, Table, TableSpec, Target, col, references_id};

/// The incubators and the organisations, both sorted by id.
pub(super) fn tables(
    incubators: &[&Incubator],
    organisations: &[&Organisation],
    ctx: &mut Ctx<'_>,
) -> [Table; 2] {
    [
        INCUBATOR.table(
            incubators.iter().map(|i| Row::record(*i, i.id.as_str())),
            ctx,
        ),
        ORGANISATION.table(
            organisations.iter().map(|o| Row::record(*o, o.id.as_str())),
            ctx,
        ),
    ]
}

const INCUBATOR: TableSpec<Incubator> = TableSpec {
    name: "incubator",
    title: "Incubators",
    description: "One row per incubator record.",
    primary_key: &["id"],
    foreign_keys: &[references_id(&["owner_id"], "organisation")],
    columns: INCUBATOR_COLUMNS,
};

const INCUBATOR_COLUMNS: &[Column<Incubator>] = &[
    col("id", S, "incubator id (file name without .md)", |r, _| {
        r.id_cell()
    }),
    col("title", S, "name of the incubator", |r, _| {
        Cell::Text(r.item.title.clone())
    }),
    col(
        "owner_id",
        S,
        "owner organisation id, when `owner` is a /organisations/<id> reference to an existing organisation",
        |r, ctx| {
            ctx.key_cell(
                Target::Organisation,
                r.item.owner_organisation(),
                (RecordKind::Incubator, r.id),
                "owner",
            )
        },
    ),
    col(
        "owner_raw",
        S,
        "`owner` as read when it is not a reference to an existing organisation (free text before 2022, dangling reference)",
        |r, ctx| owner_raw(r.item, ctx),
    ),
    col("contact", S, "contact (e-mail, URL or mailto:)", |r, _| {
        Cell::text(r.item.contact.as_deref())
    }),
    col("address", S, "postal address", |r, _| {
        Cell::text(r.item.address.as_deref())
    }),
    col("website", S, "web site", |r, _| {
        Cell::text(r.item.website.as_deref())
    }),
    col("github", S, "source code organisation", |r, _| {
        Cell::text(r.item.github.as_deref())
    }),
    col("short_description", S, "short description", |r, _| {
        Cell::text(r.item.short_description.as_deref())
    }),
    col(
        "hidden",
        B,
        "the incubator has no page and no API metadata",
        |r, _| Cell::Bool(r.item.hidden),
    ),
];

/// `owner` as read, unless it is a reference to an existing organisation (then it is
/// in `owner_id`): free text (before 2022), or a dangling reference.
fn owner_raw(i: &Incubator, ctx: &Ctx<'_>) -> Cell {
    match i.owner.as_deref() {
        None => Cell::Null,
        Some(_)
            if i.owner_organisation()
                .is_some_and(|org| ctx.knows(Target::Organisation, org)) =>
        {
            Cell::Null
        }
        Some(o) => Cell::Text(o.to_owned()),
    }
}

const ORGANISATION: TableSpec<Organisation> = TableSpec {
    name: "organisation",
    title: "Organisations",
    description: "One row per organisation (sponsoring administration) record.",
    primary_key: &["id"],
    foreign_keys: &[],
    columns: ORGANISATION_COLUMNS,
};

const ORGANISATION_COLUMNS: &[Column<Organisation>] = &[
    col(
        "id",
        S,
        "organisation id (file name without .md)",
        |r, _| r.id_cell(),
    ),
    col("name", S, "name", |r, _| Cell::Text(r.item.name.clone())),
    col("acronym", S, "acronym", |r, _| {
        Cell::text(r.item.acronym.as_deref())
    }),
    col(
        "type",
        S,
        "administration-centrale, service-deconcentre, operateur, securite-sociale, collectivite-territoriale, autre",
        |r, _| Cell::text(r.item.kind.as_deref()),
    ),
    col("domaine_ministeriel", S, "ministerial domain", |r, _| {
        Cell::text(r.item.domaine_ministeriel.as_deref())
    }),
];

#[cfg(test)]
mod tests {
    use super::*;
    use betagouv_portfolio::IncubatorId;

    #[test]
    fn a_free_text_owner_stays_raw_without_a_diagnostic() {
        let mut i = Incubator::new(IncubatorId::new("i").unwrap(), "I");
        i.owner = Some("DINUM".into());
        let mut ctx = super::super::test_ctx();
        let t = INCUBATOR.table([Row::record(&i, "i")], &mut ctx);
        assert_eq!(t.rows[0][2], Cell::Null);
        assert_eq!(t.rows[0][3], Cell::Text("DINUM".into()));
        assert!(ctx.diagnostics.is_empty());
    }
}
