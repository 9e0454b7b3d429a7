//! The `member`, `mission` and `mission_startup` tables.

use betagouv_portfolio::{Member, Mission, RecordKind, StartupId};

use super::types::{B, D, I, S};
use super::{
    Cell, Column, Ctx, DATE_RAW, ForeignKey, PIPE, RAW, Row, Table, TableSpec, Target, col,
    date_cell, date_raw, joined, references_id, seq,
};

/// The members (sorted by id), their missions and the missions' start-ups, in file
/// order.
pub(super) fn tables(members: &[&Member], ctx: &mut Ctx<'_>) -> [Table; 3] {
    let records = || members.iter().map(|m| (*m, m.id.as_str()));
    let missions = || records().flat_map(|(m, id)| Row::entries(&m.missions, id));
    [
        MEMBER.table(records().map(|(m, id)| Row::record(m, id)), ctx),
        MISSION.table(missions(), ctx),
        MISSION_STARTUP.table(
            missions().flat_map(|mission| {
                Row::entries(&mission.item.startups, mission.id).map(move |startup| Row {
                    outer: mission.index,
                    ..startup
                })
            }),
            ctx,
        ),
    ]
}

const MEMBER: TableSpec<Member> = TableSpec {
    name: "member",
    title: "Members",
    description: "One row per member (author) record.",
    primary_key: &["id"],
    foreign_keys: &[references_id(&["incubator_id"], "incubator")],
    columns: MEMBER_COLUMNS,
};

const MEMBER_COLUMNS: &[Column<Member>] = &[
    col("id", S, "member id (file name without .md)", |r, _| {
        r.id_cell()
    }),
    col("fullname", S, "display name", |r, _| {
        Cell::Text(r.item.fullname.clone())
    }),
    col("role", S, "job title as free text", |r, _| {
        Cell::Text(r.item.role.clone())
    }),
    col("domaine", S, "field of work", |r, _| {
        Cell::text(r.item.domaine.as_deref())
    }),
    col(
        "member_type",
        S,
        "memberType: beta, autre, dinum, attributaire",
        |r, _| Cell::text(r.item.member_type.as_deref()),
    ),
    col(
        "incubator_id",
        S,
        "incubator of incubator staff, when it has a record",
        |r, ctx| {
            ctx.key_cell(
                Target::Incubator,
                incubator(r.item),
                (RecordKind::Member, r.id),
                "incubator",
            )
        },
    ),
    col("incubator_raw", S, RAW, |r, ctx| {
        ctx.raw_cell(Target::Incubator, incubator(r.item))
    }),
    col(
        "record_shape",
        S,
        "missions (a missions list) or flat (2016-2019 start/end/employer, read as one mission)",
        |r, _| Cell::Text(r.item.shape.to_string()),
    ),
    col("competences", S, PIPE, |r, _| joined(&r.item.competences)),
    col("teams", S, PIPE, |r, _| joined(&r.item.teams)),
    col("badges", S, PIPE, |r, _| joined(&r.item.badges)),
    col(
        "startups",
        S,
        "legacy list of current start-up ids, joined with |",
        |r, _| joined(&r.item.startups),
    ),
    col(
        "previously",
        S,
        "legacy list of past start-up ids, joined with |",
        |r, _| joined(&r.item.previously),
    ),
    col(
        "active",
        B,
        "some mission covers the export date",
        |r, ctx| Cell::Bool(r.item.is_active_at(ctx.at)),
    ),
    col(
        "current_status",
        S,
        "status (admin, independent, service) of the mission covering the export date",
        |r, ctx| Cell::text(r.item.status_at(ctx.at)),
    ),
];

/// The incubator id of `m` (incubator staff).
fn incubator(m: &Member) -> Option<&str> {
    m.incubator.as_ref().map(|i| i.as_str())
}

const MISSION: TableSpec<Mission> = TableSpec {
    name: "mission",
    title: "Missions",
    description: "One row per mission of a member, in file order (seq from 1).",
    primary_key: &["member_id", "seq"],
    foreign_keys: &[references_id(&["member_id"], "member")],
    columns: &[
        col("member_id", S, "member id", |r, _| r.id_cell()),
        col(
            "seq",
            I,
            "position in the member's mission list, from 1",
            |r, _| r.seq(),
        ),
        col("start_date", D, "start", |r, _| {
            date_cell(r.item.start.as_ref())
        }),
        col("start_raw", S, DATE_RAW, |r, _| {
            date_raw(r.item.start.as_ref())
        }),
        col("end_date", D, "end", |r, _| date_cell(r.item.end.as_ref())),
        col("end_raw", S, DATE_RAW, |r, _| date_raw(r.item.end.as_ref())),
        col(
            "status",
            S,
            "admin, independent, service (or the 2016 employer prefix, e.g. dinsic)",
            |r, _| Cell::text(r.item.status.as_deref()),
        ),
        col("employer", S, "employer as written (free text)", |r, _| {
            Cell::text(r.item.employer.as_deref())
        }),
    ],
};

/// Rows: a start-up of a mission's list, `outer` being the mission's index.
const MISSION_STARTUP: TableSpec<StartupId> = TableSpec {
    name: "mission_startup",
    title: "Mission start-ups",
    description: "One row per start-up a mission worked on (since 2024), in file order (seq from 1).",
    primary_key: &["member_id", "mission_seq", "seq"],
    foreign_keys: &[
        ForeignKey {
            fields: &["member_id", "mission_seq"],
            resource: "mission",
            reference: &["member_id", "seq"],
        },
        references_id(&["startup_id"], "startup"),
    ],
    columns: &[
        col("member_id", S, "member id", |r, _| r.id_cell()),
        col("mission_seq", I, "the mission's seq", |r, _| seq(r.outer)),
        col(
            "seq",
            I,
            "position in the mission's start-up list, from 1",
            |r, _| r.seq(),
        ),
        col(
            "startup_id",
            S,
            "start-up, when it has a record",
            |r, ctx| {
                ctx.key_cell(
                    Target::Startup,
                    Some(r.item.as_str()),
                    (RecordKind::Member, r.id),
                    "mission start-up",
                )
            },
        ),
        col("startup_raw", S, RAW, |r, ctx| {
            ctx.raw_cell(Target::Startup, Some(r.item.as_str()))
        }),
    ],
};
