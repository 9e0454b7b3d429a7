//! Writing a portfolio as content files in the current layout, with our own YAML emitter.
//!
//! Output is deterministic: two-space indentation, lists as block sequences,
//! plain scalars where they read back as the same value and type, single quotes
//! otherwise, double quotes with escapes for control characters and line breaks.
//! Start-up files carry our `vocabulary` key (see [`crate::format`]).
//!
//! Key order: [`write_portfolio`] (and the `*_file` functions) use a fixed order,
//! modelled keys first, in the order the current files use, then unknown keys in
//! their own order; the same holds inside phase, mission and event items.
//! [`write_import`] writes every record that came from a file in the key order of
//! that file ([`SourceInfo::keys`], [`SourceInfo::item_keys`]): known and unknown
//! keys interleaved as read. A key the file did not have (our `vocabulary` key, a
//! field set since) comes right after the key it follows in the fixed order.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use betagouv_portfolio::{
    Diagnostic, Event, Extra, Incubator, Member, MemberShape, Mission, Organisation, Phase,
    PhaseField, Portfolio, RecordDate, RecordKind, Severity, Sponsor, Startup, Value, Vocabulary,
};

use betagouv_output::IfExists;

use crate::error::{Error, Result};
use crate::read::{Import, SourceInfo};
use crate::record::VOCABULARY_KEY;
use crate::rules;
use crate::scalar::{is_number, resolve_plain};

/// Whether start-up files carry our `vocabulary` key (see [`crate::format`]).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum VocabularyKey {
    /// Write the portfolio's vocabulary in every start-up file (the default), so that
    /// reading the folder back never has to guess it.
    #[default]
    Record,
    /// Leave it out, as the content repository's own files do.
    Omit,
}

/// Knobs of a write: `WriteOptions::default()` and the `with_*` setters.
///
/// ```
/// use betagouv_content::write::{VocabularyKey, WriteOptions};
/// use betagouv_content::IfExists;
/// let options = WriteOptions::default()
///     .with_vocabulary_key(VocabularyKey::Omit)
///     .with_if_exists(IfExists::Replace);
/// assert_eq!(options.vocabulary_key, VocabularyKey::Omit);
/// ```
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(default)]
#[non_exhaustive]
pub struct WriteOptions {
    /// Whether start-up files carry our `vocabulary` key (default: recorded).
    pub vocabulary_key: VocabularyKey,
    /// What to do with a file that already exists (default: an error).
    pub if_exists: IfExists,
}

impl WriteOptions {
    /// With start-up files carrying our `vocabulary` key or not.
    #[must_use]
    pub fn with_vocabulary_key(mut self, vocabulary_key: VocabularyKey) -> Self {
        self.vocabulary_key = vocabulary_key;
        self
    }

    /// With `if_exists` for files that already exist.
    #[must_use]
    pub fn with_if_exists(mut self, if_exists: IfExists) -> Self {
        self.if_exists = if_exists;
        self
    }
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WriteReport {
    /// Files written, in write order.
    pub files: Vec<PathBuf>,
    /// Records that could not be written exactly as modelled (see each message).
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether `s` can be written as a plain scalar and read back as the same text.
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let last = s.chars().next_back().unwrap_or(first);
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_whitespace() {
        return false;
    }
    if last.is_whitespace() || last == ':' {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains(":\t") {
        return false;
    }
    if s.chars().any(needs_escape) {
        return false;
    }
    matches!(resolve_plain(s), Value::String(_))
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
        )
}

/// Writes `s` as a YAML scalar that reads back as the text `s`.
fn text(out: &mut String, s: &str) {
    if plain_ok(s) {
        out.push_str(s);
    } else if !s.chars().any(needs_escape) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        out.push('"');
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if needs_escape(c) => {
                    let _ = write!(out, "\\u{:04X}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

fn inline(out: &mut String, v: &Value) -> bool {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if is_number(n) => out.push_str(n),
        Value::Number(n) | Value::String(n) => text(out, n),
        Value::Date(d) => {
            let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        }
        Value::Seq(items) if items.is_empty() => out.push_str("[]"),
        Value::Map(entries) if entries.is_empty() => out.push_str("{}"),
        _ => return false,
    }
    true
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// After `key:` at column `indent`.
fn after_key(out: &mut String, indent: usize, v: &Value) {
    let mut s = String::new();
    if inline(&mut s, v) {
        out.push(' ');
        out.push_str(&s);
        out.push('\n');
        return;
    }
    out.push('\n');
    match v {
        Value::Seq(items) => {
            for item in items {
                pad(out, indent + 2);
                out.push_str("- ");
                in_item(out, indent + 4, item);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                pad(out, indent + 2);
                text(out, k);
                out.push(':');
                after_key(out, indent + 2, v);
            }
        }
        _ => {}
    }
}

/// After `- ` whose content starts at column `indent`.
fn in_item(out: &mut String, indent: usize, v: &Value) {
    if inline(out, v) {
        out.push('\n');
        return;
    }
    match v {
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    pad(out, indent);
                }
                out.push_str("- ");
                in_item(out, indent + 2, item);
            }
        }
        Value::Map(entries) => {
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    pad(out, indent);
                }
                text(out, k);
                out.push(':');
                after_key(out, indent, v);
            }
        }
        _ => {}
    }
}

/// Emits a front matter (without fences) from ordered top-level entries.
#[must_use]
pub fn emit_yaml(entries: &[(String, Value)]) -> String {
    let mut out = String::new();
    for (k, v) in entries {
        text(&mut out, k);
        out.push(':');
        after_key(&mut out, 0, v);
    }
    out
}

/// Ordered top-level entries of a record, with the unknown keys last.
#[derive(Default)]
struct Entries {
    list: Vec<(String, Value)>,
}

impl Entries {
    fn put(&mut self, k: &str, v: Value) {
        self.list.push((k.to_owned(), v));
    }
    fn text(&mut self, k: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.put(k, Value::String(v.to_owned()));
        }
    }
    fn date(&mut self, k: &str, d: Option<&RecordDate>) {
        if let Some(d) = d {
            self.put(k, date_value(d));
        }
    }
    /// Each `(key, text)` of `pairs`, in order.
    fn keyed_texts<'a>(&mut self, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
        for (k, v) in pairs {
            self.text(k, Some(v));
        }
    }
    fn texts<'a>(&mut self, k: &str, v: impl ExactSizeIterator<Item = &'a str>) {
        if v.len() > 0 {
            self.put(
                k,
                Value::Seq(v.map(|s| Value::String(s.to_owned())).collect()),
            );
        }
    }
    fn extra(&mut self, extra: &Extra, who: Who<'_>, diags: &mut Vec<Diagnostic>) {
        push_extra(&mut self.list, extra, "", who, diags);
    }
    fn file(mut self, body: &str, order: Order<'_>) -> String {
        for (k, v) in order.empty {
            if !self.list.iter().any(|(x, _)| x == k) {
                self.list.push((k.clone(), v.clone()));
            }
        }
        if let Some(keys) = order.keys {
            reorder(&mut self.list, keys);
        }
        let mut out = String::with_capacity(256 + body.len());
        out.push_str("---\n");
        out.push_str(&emit_yaml(&self.list));
        out.push_str("---\n");
        out.push_str(body);
        out
    }
}

/// The record a diagnostic of the writer is about.
#[derive(Clone, Copy)]
struct Who<'a> {
    kind: RecordKind,
    id: &'a str,
}

/// Appends the unknown keys `extra` to the ordered entries `list` of one mapping (a
/// record, or a list item when `what` names it). A key already in `list` with an empty
/// text (a required text the reader could not take, kept among the unknown keys) is
/// replaced in place; any other key already there is not written (`extra-key-shadowed`).
fn push_extra(
    list: &mut Vec<(String, Value)>,
    extra: &Extra,
    what: &str,
    who: Who<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    for (k, v) in extra.iter() {
        match list.iter_mut().find(|(x, _)| x == k) {
            Some(slot) if matches!(&slot.1, Value::String(t) if t.is_empty()) => {
                slot.1 = v.clone();
            }
            Some(_) => {
                let of = if what.is_empty() {
                    String::new()
                } else {
                    format!(" of a {what}")
                };
                diags.push(
                    Diagnostic::new(
                        Severity::Warning,
                        rules::EXTRA_KEY_SHADOWED,
                        format!("unknown key `{k}`{of} has the name of a modelled field that is set; not written"),
                    )
                    .for_record(who.kind, who.id),
                );
            }
            None => list.push((k.to_owned(), v.clone())),
        }
    }
}

/// Puts the entries of `list` in the order of `keys` (a file's key order). An entry
/// whose key is not in `keys` comes right after the entry it follows in `list` (first
/// when none of those is in `keys`). Deterministic: a stable sort on unique ranks.
fn reorder(list: &mut Vec<(String, Value)>, keys: &[String]) {
    // Rank: (position in `keys` of the entry or of the last entry before it found there,
    // whether the entry itself is missing from `keys`, its index in `list`).
    type Rank = (Option<usize>, bool, usize);
    let mut anchor: Option<usize> = None;
    let mut ranked: Vec<(Rank, (String, Value))> = list
        .drain(..)
        .enumerate()
        .map(|(i, entry)| match keys.iter().position(|k| *k == entry.0) {
            Some(p) => {
                anchor = Some(p);
                ((Some(p), false, i), entry)
            }
            None => ((anchor, true, i), entry),
        })
        .collect();
    ranked.sort_by_key(|(rank, _)| *rank);
    list.extend(ranked.into_iter().map(|(_, entry)| entry));
}

/// Key orders of a record as read (none for a new record: the fixed order).
#[derive(Clone, Copy, Default)]
struct Order<'a> {
    keys: Option<&'a [String]>,
    items: &'a [(String, Vec<Vec<String>>)],
    empty: &'a [(String, Value)],
}

impl<'a> Order<'a> {
    fn of(source: Option<&'a SourceInfo>) -> Self {
        source.map_or_else(Self::default, |s| Self {
            keys: Some(&s.keys),
            items: &s.item_keys,
            empty: &s.empty_keys,
        })
    }

    /// The key order of item `i` of list `list`, when the file had that item.
    fn item(&self, list: &str, i: usize) -> Option<&'a [String]> {
        self.items
            .iter()
            .find(|(k, _)| k == list)
            .and_then(|(_, items)| items.get(i))
            .map(Vec::as_slice)
    }
}

/// One item of a list (phase, mission, event): modelled pairs, then its unknown keys, in
/// the item's order as read when known.
fn item_value(
    pairs: Vec<(&str, Option<Value>)>,
    extra: &Extra,
    what: &str,
    order: Option<&[String]>,
    who: Who<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Value {
    let mut list: Vec<(String, Value)> = pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    push_extra(&mut list, extra, what, who, diags);
    if let Some(keys) = order {
        reorder(&mut list, keys);
    }
    Value::Map(list)
}

fn phase_value(
    p: &Phase,
    order: Option<&[String]>,
    who: Who<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Value {
    item_value(
        vec![
            ("name", Some(Value::String(p.name.clone()))),
            ("start", p.start.as_ref().map(date_value)),
            ("end", p.end.as_ref().map(date_value)),
            ("comment", p.comment.clone().map(Value::String)),
        ],
        &p.extra,
        "phase",
        order,
        who,
        diags,
    )
}

fn event_value(
    ev: &Event,
    order: Option<&[String]>,
    who: Who<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Value {
    item_value(
        vec![
            ("name", Some(Value::String(ev.name.clone()))),
            ("date", ev.date.as_ref().map(date_value)),
            ("comment", ev.comment.clone().map(Value::String)),
        ],
        &ev.extra,
        "event",
        order,
        who,
        diags,
    )
}

fn date_value(d: &RecordDate) -> Value {
    match d {
        RecordDate::Exact(d) => Value::Date(*d),
        RecordDate::Partial(s) | RecordDate::Invalid(s) => Value::String(s.clone()),
    }
}

fn opt_map(pairs: Vec<(&str, Option<Value>)>) -> Value {
    Value::Map(
        pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
            .collect(),
    )
}

/// The file text of a start-up, keys in the fixed order. `vocabulary` is written as our
/// `vocabulary` key when given.
#[must_use]
pub fn startup_file(
    s: &Startup,
    vocabulary: Option<Vocabulary>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    startup_text(s, vocabulary, Order::default(), diags)
}

fn startup_text(
    s: &Startup,
    vocabulary: Option<Vocabulary>,
    order: Order<'_>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let mut e = Entries::default();
    let who = Who {
        kind: RecordKind::Startup,
        id: s.id.as_str(),
    };
    e.put("title", Value::String(s.name.clone()));
    e.put("mission", Value::String(s.pitch.clone()));
    e.text("incubator", s.incubator.as_ref().map(|i| i.as_str()));
    e.texts("incubators", s.incubators.iter().map(|i| i.as_str()));
    e.text("contact", s.contact.as_deref());
    e.keyed_texts(s.contact_members().map(|(k, m)| (k, m.as_str())));
    e.text("link", s.links.site.as_deref());
    e.text("repository", s.links.repository.as_deref());
    if let Some(b) = s.links.stats {
        e.put("stats", Value::Bool(b));
    }
    e.text("stats_url", s.links.stats_url.as_deref());
    e.text("budget_url", s.links.budget_url.as_deref());
    e.text("impact_url", s.links.impact_url.as_deref());
    let status_ok = s.phase_field == PhaseField::Status
        && s.phases.len() == 1
        && s.phases[0].end.is_none()
        && s.phases[0].comment.is_none()
        && s.phases[0].extra.is_empty();
    if status_ok {
        e.put("status", Value::String(s.phases[0].name.clone()));
        e.date("start", s.phases[0].start.as_ref());
    } else {
        if s.phase_field == PhaseField::Status {
            diags.push(
                Diagnostic::new(
                    Severity::Warning,
                    rules::STATUS_WRITTEN_AS_PHASES,
                    "a `status` start-up without exactly one phase (or with a phase end, comment or unknown key) is written with a `phases` list",
                )
                .for_record(RecordKind::Startup, who.id),
            );
        }
        if !s.phases.is_empty() {
            let items = s
                .phases
                .iter()
                .enumerate()
                .map(|(i, p)| phase_value(p, order.item("phases", i), who, diags))
                .collect();
            e.put("phases", Value::Seq(items));
        }
    }
    e.date("end", s.end.as_ref());
    if !s.events.is_empty() {
        let items = s
            .events
            .iter()
            .enumerate()
            .map(|(i, ev)| event_value(ev, order.item("events", i), who, diags))
            .collect();
        e.put("events", Value::Seq(items));
    }
    if !s.sponsors.is_empty() {
        let items = s
            .sponsors
            .iter()
            .map(|sp| match sp {
                Sponsor::Organisation { id } => Value::String(format!("/organisations/{id}")),
                Sponsor::Inline {
                    name,
                    acronym,
                    kind,
                    domaine_ministeriel,
                } => opt_map(vec![
                    ("name", Some(Value::String(name.clone()))),
                    ("acronym", acronym.clone().map(Value::String)),
                    ("type", kind.clone().map(Value::String)),
                    (
                        "domaine_ministeriel",
                        domaine_ministeriel.clone().map(Value::String),
                    ),
                ]),
            })
            .collect();
        e.put("sponsors", Value::Seq(items));
    }
    e.text("owner", s.owner.as_deref());
    e.texts("thematiques", s.themes.iter().map(String::as_str));
    e.texts("usertypes", s.user_types.iter().map(String::as_str));
    e.texts("techno", s.techno.iter().map(String::as_str));
    if let Some(v) = vocabulary {
        e.put(VOCABULARY_KEY, Value::String(v.key().to_owned()));
    }
    e.extra(&s.extra, who, diags);
    e.file(&s.body, order)
}

fn mission_value(
    m: &Mission,
    order: Option<&[String]>,
    who: Who<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Value {
    let pairs = vec![
        ("start", m.start.as_ref().map(date_value)),
        ("end", m.end.as_ref().map(date_value)),
        ("status", m.status.clone().map(Value::String)),
        ("employer", m.employer.clone().map(Value::String)),
        (
            "startups",
            (!m.startups.is_empty()).then(|| {
                Value::Seq(
                    m.startups
                        .iter()
                        .map(|s| Value::String(s.as_str().to_owned()))
                        .collect(),
                )
            }),
        ),
    ];
    item_value(pairs, &m.extra, "mission", order, who, diags)
}

/// The file text of a member, keys in the fixed order.
#[must_use]
pub fn member_file(m: &Member, diags: &mut Vec<Diagnostic>) -> String {
    member_text(m, Order::default(), diags)
}

fn member_text(m: &Member, order: Order<'_>, diags: &mut Vec<Diagnostic>) -> String {
    let mut e = Entries::default();
    let id = m.id.as_str();
    let who = Who {
        kind: RecordKind::Member,
        id,
    };
    e.put("fullname", Value::String(m.fullname.clone()));
    e.put("role", Value::String(m.role.clone()));
    e.text("domaine", m.domaine.as_deref());
    e.text("memberType", m.member_type.as_deref());
    e.text("incubator", m.incubator.as_ref().map(|i| i.as_str()));
    let flat_ok = m.shape == MemberShape::Flat
        && m.missions.len() <= 1
        && m.missions
            .iter()
            .all(|x| x.startups.is_empty() && x.extra.is_empty());
    if flat_ok {
        if let Some(x) = m.missions.first() {
            e.date("start", x.start.as_ref());
            e.date("end", x.end.as_ref());
            let employer = match (&x.status, &x.employer) {
                (Some(s), Some(emp)) => Some(format!("{s}/{emp}")),
                (Some(s), None) => Some(s.clone()),
                (None, Some(emp)) => Some(format!("/{emp}")),
                (None, None) => None,
            };
            e.text("employer", employer.as_deref());
        }
    } else {
        if m.shape == MemberShape::Flat {
            diags.push(
                Diagnostic::new(
                    Severity::Warning,
                    rules::FLAT_WRITTEN_AS_MISSIONS,
                    "a member with top-level start/end/employer but several missions (or mission start-ups or unknown mission keys) is written with a `missions` list",
                )
                .for_record(RecordKind::Member, id),
            );
        }
        let items = m
            .missions
            .iter()
            .enumerate()
            .map(|(i, x)| mission_value(x, order.item("missions", i), who, diags))
            .collect();
        e.put("missions", Value::Seq(items));
    }
    e.texts("startups", m.startups.iter().map(|s| s.as_str()));
    e.texts("previously", m.previously.iter().map(|s| s.as_str()));
    e.texts("competences", m.competences.iter().map(String::as_str));
    e.texts("teams", m.teams.iter().map(String::as_str));
    e.texts("badges", m.badges.iter().map(String::as_str));
    e.extra(&m.extra, who, diags);
    e.file(&m.body, order)
}

/// The file text of an incubator, keys in the fixed order.
#[must_use]
pub fn incubator_file(i: &Incubator, diags: &mut Vec<Diagnostic>) -> String {
    incubator_text(i, Order::default(), diags)
}

fn incubator_text(i: &Incubator, order: Order<'_>, diags: &mut Vec<Diagnostic>) -> String {
    let mut e = Entries::default();
    e.put("title", Value::String(i.title.clone()));
    e.text("owner", i.owner.as_deref());
    e.text("contact", i.contact.as_deref());
    e.text("address", i.address.as_deref());
    e.text("website", i.website.as_deref());
    e.text("github", i.github.as_deref());
    e.text("short_description", i.short_description.as_deref());
    e.texts(
        "highlighted_startups",
        i.highlighted_startups.iter().map(|s| s.as_str()),
    );
    if i.hidden {
        e.put("hidden", Value::Bool(true));
    }
    let who = Who {
        kind: RecordKind::Incubator,
        id: i.id.as_str(),
    };
    e.extra(&i.extra, who, diags);
    e.file(&i.body, order)
}

/// The file text of an organisation, keys in the fixed order.
#[must_use]
pub fn organisation_file(o: &Organisation, diags: &mut Vec<Diagnostic>) -> String {
    organisation_text(o, Order::default(), diags)
}

fn organisation_text(o: &Organisation, order: Order<'_>, diags: &mut Vec<Diagnostic>) -> String {
    let mut e = Entries::default();
    e.put("name", Value::String(o.name.clone()));
    e.text("acronym", o.acronym.as_deref());
    e.text("type", o.kind.as_deref());
    e.text("domaine_ministeriel", o.domaine_ministeriel.as_deref());
    let who = Who {
        kind: RecordKind::Organisation,
        id: o.id.as_str(),
    };
    e.extra(&o.extra, who, diags);
    e.file(&o.body, order)
}

/// Writes `portfolio` under `out` in the current layout (`content/_startups`,
/// `content/_authors`, `content/_incubators`, `content/_organisations`), one
/// `<id>.md` file per record, keys in the fixed order. Collections without records
/// get no folder.
///
/// # Errors
///
/// [`Error::Io`] on a write failure or an existing file (unless
/// [`WriteOptions::if_exists`] is [`IfExists::Replace`]); [`Error::DuplicateOutput`]
/// when two records share an id.
pub fn write_portfolio(
    portfolio: &Portfolio,
    out: impl AsRef<Path>,
    options: &WriteOptions,
) -> Result<WriteReport> {
    write_records(portfolio, &Sources::default(), out.as_ref(), options)
}

/// Writes the records of `import` like [`write_portfolio`], but each record that came
/// from a file keeps the key order of that file: top-level keys and the keys of its
/// phase, mission and event items, known and unknown interleaved as read (see the
/// module docs for keys the file did not have). Records added to
/// `import.portfolio` since the read (no [`FileReport`](crate::read::FileReport)) get
/// the fixed order. Output is deterministic.
///
/// With [`VocabularyKey::Omit`], a file read from a content folder
/// in the current layout and written in the plain style of this writer is re-emitted
/// byte for byte (after CRLF normalisation); the format notes say what else differs.
///
/// # Errors
///
/// As [`write_portfolio`].
pub fn write_import(
    import: &Import,
    out: impl AsRef<Path>,
    options: &WriteOptions,
) -> Result<WriteReport> {
    let p = &import.portfolio;
    let mut sources = Sources {
        startups: vec![None; p.startups.len()],
        members: vec![None; p.members.len()],
        incubators: vec![None; p.incubators.len()],
        organisations: vec![None; p.organisations.len()],
    };
    for f in &import.files {
        let Some(i) = f.index else { continue };
        let list = match f.kind {
            RecordKind::Startup => &mut sources.startups,
            RecordKind::Member => &mut sources.members,
            RecordKind::Incubator => &mut sources.incubators,
            RecordKind::Organisation => &mut sources.organisations,
            // A kind this writer does not write.
            _ => continue,
        };
        if let Some(slot) = list.get_mut(i) {
            *slot = Some(&f.source);
        }
    }
    write_records(p, &sources, out.as_ref(), options)
}

/// The source of each record, by kind and index (missing: a new record).
#[derive(Default)]
struct Sources<'a> {
    startups: Vec<Option<&'a SourceInfo>>,
    members: Vec<Option<&'a SourceInfo>>,
    incubators: Vec<Option<&'a SourceInfo>>,
    organisations: Vec<Option<&'a SourceInfo>>,
}

fn order_at<'a>(list: &[Option<&'a SourceInfo>], i: usize) -> Order<'a> {
    Order::of(list.get(i).copied().flatten())
}

fn write_records(
    portfolio: &Portfolio,
    sources: &Sources<'_>,
    out: &Path,
    options: &WriteOptions,
) -> Result<WriteReport> {
    let mut report = WriteReport::default();
    let vocabulary =
        (options.vocabulary_key == VocabularyKey::Record).then_some(portfolio.vocabulary);
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let content = out.join("content");
    let d = &mut report.diagnostics;
    for (n, s) in portfolio.startups.iter().enumerate() {
        let text = startup_text(s, vocabulary, order_at(&sources.startups, n), d);
        files.push((content.join("_startups").join(format!("{}.md", s.id)), text));
    }
    for (n, m) in portfolio.members.iter().enumerate() {
        let text = member_text(m, order_at(&sources.members, n), d);
        files.push((content.join("_authors").join(format!("{}.md", m.id)), text));
    }
    for (n, i) in portfolio.incubators.iter().enumerate() {
        let text = incubator_text(i, order_at(&sources.incubators, n), d);
        files.push((
            content.join("_incubators").join(format!("{}.md", i.id)),
            text,
        ));
    }
    for (n, o) in portfolio.organisations.iter().enumerate() {
        let text = organisation_text(o, order_at(&sources.organisations, n), d);
        files.push((
            content.join("_organisations").join(format!("{}.md", o.id)),
            text,
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (path, _) in &files {
        if !seen.insert(path.clone()) {
            return Err(Error::DuplicateOutput { path: path.clone() });
        }
    }
    for (path, text) in files {
        if let Some(dir) = path.parent() {
            create_below(out, dir)?;
        }
        let mut open = std::fs::OpenOptions::new();
        open.write(true);
        if options.if_exists == IfExists::Replace {
            open.create(true).truncate(true);
        } else {
            open.create_new(true);
        }
        let mut f = open.open(&path).map_err(|e| Error::io(&path, e))?;
        std::io::Write::write_all(&mut f, text.as_bytes()).map_err(|e| Error::io(&path, e))?;
        report.files.push(path);
    }
    Ok(report)
}

/// The collection folders under `content/` that [`write_portfolio`] writes.
pub const COLLECTIONS: [&str; 4] = ["_startups", "_authors", "_incubators", "_organisations"];

/// Whether [`write_portfolio`] (and [`write_import`]) writes the entry at `relative`
/// in its output folder: `content`, `content/<collection>` ([`COLLECTIONS`]) and
/// `content/<collection>/<id>.md`. These are the names that a forced
/// `content upgrade` may replace.
#[must_use]
pub fn writes(relative: &Path, is_dir: bool) -> bool {
    let parts: Vec<_> = relative.components().map(|c| c.as_os_str()).collect();
    match parts.as_slice() {
        [c] => is_dir && *c == "content",
        [c, k] => is_dir && *c == "content" && COLLECTIONS.iter().any(|n| k == n),
        [c, k, f] => {
            !is_dir
                && *c == "content"
                && COLLECTIONS.iter().any(|n| k == n)
                && Path::new(f).extension().is_some_and(|e| e == "md")
        }
        _ => false,
    }
}

/// Creates `dir` and the folders between `out` and it, never `out` itself nor
/// anything above it: when `out` (a temporary being written) is removed by an
/// interrupt, the writer fails instead of creating it again.
fn create_below(out: &Path, dir: &Path) -> Result<()> {
    let Ok(rel) = dir.strip_prefix(out) else {
        return std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e));
    };
    let mut at = out.to_path_buf();
    for c in rel.components() {
        at.push(c);
        match std::fs::create_dir(&at) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && at.is_dir() => {}
            Err(e) => return Err(Error::io(&at, e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_names_are_those_declared() {
        let p = betagouv_portfolio::builtin::portfolio_2016();
        let dir = std::env::temp_dir().join(format!("betagouv-write-names-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        let report = write_portfolio(&p, &dir, &WriteOptions::default()).unwrap();
        assert!(!report.files.is_empty());
        for f in &report.files {
            let rel = f.strip_prefix(&dir).unwrap();
            assert!(writes(rel, false), "{}", rel.display());
            for a in rel.ancestors().skip(1) {
                if !a.as_os_str().is_empty() {
                    assert!(writes(a, true), "{}", a.display());
                }
            }
        }
        assert!(!writes(Path::new("content/_startups/x.md"), true));
        assert!(!writes(Path::new("README.md"), false));
        assert!(!writes(Path::new("content/_posts"), true));
        std::fs::remove_dir_all(&dir).unwrap();
        // A removed output folder is not created again.
        assert!(create_below(&dir, &dir.join("content/_startups")).is_err());
        assert!(!dir.exists());
    }

    #[test]
    fn scalars() {
        let mut s = String::new();
        for t in [
            "a",
            "2020-01-01",
            "12",
            "true",
            "",
            " x",
            "a: b",
            "it's",
            "l1\nl2",
            "-x",
            "null",
            "é",
        ] {
            s.clear();
            text(&mut s, t);
            let yaml = format!("k: {s}\n");
            let p = crate::yaml::parse(&yaml, crate::yaml::YamlLimits::default()).unwrap();
            assert_eq!(
                p.entries[0].value.to_value(),
                Value::String(t.to_owned()),
                "{yaml}"
            );
        }
    }

    #[test]
    fn nested() {
        let v = Value::Seq(vec![
            Value::Map(vec![
                (
                    "a".into(),
                    Value::Seq(vec![
                        Value::Seq(vec![Value::Null, Value::Bool(true)]),
                        Value::Map(vec![]),
                    ]),
                ),
                (
                    "b".into(),
                    Value::Map(vec![("c".into(), Value::Number("1.5".into()))]),
                ),
            ]),
            Value::Seq(vec![]),
        ]);
        let yaml = emit_yaml(&[("k".into(), v.clone())]);
        let p = crate::yaml::parse(&yaml, crate::yaml::YamlLimits::default()).unwrap();
        assert_eq!(p.entries[0].value.to_value(), v, "{yaml}");
    }
}
