//! Front-matter trees to portfolio records.
//!
//! Known keys fill the model's fields; every other key goes to the record's
//! `extra` map with its value, type and order. A known key whose value has a shape
//! the model cannot hold (a list where text is expected, an id with a `/`...) is
//! kept whole in `extra` under its own name and reported (`field-type`), so that
//! writing the record back gives the same file content. Mapping items of the
//! `phases`, `missions` and `events` lists follow the same rules with their own
//! `extra` map (unknown item keys are kept silently, like unknown top-level keys).

use std::path::Path;
use std::str::FromStr;

use betagouv_portfolio::{
    Diagnostic, Event, Extra, Incubator, IncubatorId, Member, MemberId, MemberShape, Mission,
    Organisation, OrganisationId, Phase, PhaseField, RecordDate, RecordKind, Severity, Sponsor,
    Startup, StartupId, Vocabulary,
};

use crate::rules;
use crate::yaml::{Entry, Kind, Node, Style};

/// Key of our `vocabulary` extension (see the crate docs).
pub const VOCABULARY_KEY: &str = "vocabulary";

/// Where the first date written as a quoted text is (YAML line and column), if any.
pub(crate) type Quoted = Option<(usize, usize)>;

/// Collects located diagnostics for one file.
pub(crate) struct Ctx<'a> {
    pub(crate) file: &'a Path,
    /// Add to 1-based YAML lines to get file lines.
    pub(crate) offset: usize,
    pub(crate) kind: RecordKind,
    pub(crate) id: &'a str,
    pub(crate) diags: Vec<Diagnostic>,
    /// Where the first date field written as a quoted string is (YAML line, column).
    pub(crate) quoted_dates: Quoted,
    /// Top-level keys read by a modelled field as absent or empty, with their value.
    pub(crate) empty_keys: Vec<(String, betagouv_portfolio::Value)>,
    /// The top-level key being read (empty before the first): the field of the
    /// diagnostics pushed.
    pub(crate) key: String,
}

impl Ctx<'_> {
    pub(crate) fn push(
        &mut self,
        severity: Severity,
        rule: &str,
        line: usize,
        col: usize,
        msg: String,
    ) {
        let line = if line == 0 { 0 } else { line + self.offset };
        let mut d = Diagnostic::new(severity, rule, msg)
            .for_record(self.kind, self.id)
            .at(self.file, line, col);
        if !self.key.is_empty() {
            d = d.on_field(self.key.as_str());
        }
        self.diags.push(d);
    }

    /// Reads top-level key `key` from now on (the field of the next diagnostics).
    fn enter_key(&mut self, key: &str) {
        self.key.clear();
        self.key.push_str(key);
    }

    /// Notes a top-level key a modelled field took as absent or empty (`''`, `null`, `[]`):
    /// the record does not hold it, so the source info keeps it for `write_import`.
    fn note_empty(&mut self, e: &Entry) {
        let empty =
            e.value.is_absent() || matches!(&e.value.kind, Kind::Seq(items) if items.is_empty());
        if empty {
            self.empty_keys
                .push((e.key.as_ref().to_owned(), e.value.to_value()));
        }
    }

    /// The one report of a value of the wrong type: `what` should be `expected`, found
    /// a `<type>` at the value's line and column; `then` says what was done with it.
    /// Located at the value (not its key), so that every wrong-type case names where.
    pub(crate) fn wrong_type(&mut self, what: &str, n: &Node, expected: &str, then: &str) {
        let line = if n.line == 0 { 0 } else { n.line + self.offset };
        self.push(
            Severity::Warning,
            rules::FIELD_TYPE,
            n.line,
            n.col,
            format!(
                "{what} should be {expected}, found a {} at line {line}, column {}; {then}",
                n.to_value().type_name(),
                n.col
            ),
        );
    }

    fn wrong(&mut self, e: &Entry, expected: &str) {
        self.wrong_type(
            &format!("`{}`", e.key),
            &e.value,
            expected,
            "kept as written among the unknown keys",
        );
    }

    /// Numbers the exports hold in a whole-number column (`fast.montant`,
    /// `fast.promotion`): a value that column cannot hold (too large for 64 bits, not
    /// whole, not a number) is reported where it is written (`number-out-of-range`);
    /// the record keeps it as written.
    fn whole_numbers(&mut self, key: &str, v: &Node) {
        let Kind::Map(entries) = &v.kind else { return };
        for e in entries {
            if !WHOLE_NUMBER_KEYS.contains(&(key, e.key.as_ref())) || e.value.is_absent() {
                continue;
            }
            let problem = match &e.value.kind {
                Kind::Scalar(s, Style::Plain) if crate::scalar::is_number(s) => {
                    match whole_number(s) {
                        Ok(_) => continue,
                        Err(p) => p,
                    }
                }
                _ => "is not a number",
            };
            self.push(
                Severity::Error,
                rules::NUMBER_OUT_OF_RANGE,
                e.value.line,
                e.value.col,
                format!(
                    "`{key}.{}` {problem}: {:?} cannot be held by its whole-number column; exports leave the cell empty: write a whole number of at most 18 digits",
                    e.key,
                    e.value.to_value()
                ),
            );
        }
    }
}

/// `(key, item key)` of the numbers that exports hold in whole-number (64-bit) columns.
pub const WHOLE_NUMBER_KEYS: &[(&str, &str)] = &[("fast", "montant"), ("fast", "promotion")];

/// A number as written (`50000`, `-3`, `1e3`, `12.0`) as a 64-bit whole number, or why
/// it cannot be one.
///
/// ```
/// use betagouv_content::record::whole_number;
/// assert_eq!(whole_number("50000"), Ok(50000));
/// assert_eq!(whole_number("+7"), Ok(7));
/// assert!(whole_number("1000000000000000000000000000000").is_err());
/// assert!(whole_number("12.5").is_err());
/// ```
///
/// # Errors
///
/// A reason for a message: too large, not whole, or not a number.
pub fn whole_number(s: &str) -> Result<i64, &'static str> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is too large for a 64-bit whole number");
    }
    // `12.0`: a whole number written with a fraction of zeros.
    if let Some((int, frac)) = t.split_once('.')
        && frac.bytes().all(|b| b == b'0')
        && !int.is_empty()
    {
        return whole_number(int);
    }
    Err("is not a whole number")
}

fn text(n: &Node) -> Option<Option<String>> {
    text_ref(n).map(|t| t.map(str::to_owned))
}

/// [`text`], but `None` (a wrong type) for a plain scalar that YAML reads as a boolean
/// or a number (`employer: true`, `title: 2048`): for the texts the repository's CI
/// types as strings (a start-up's `title`, `mission`, `contact`; a member's
/// `fullname`, `role`; a mission's `status`, `employer`).
fn plain_text(n: &Node) -> Option<Option<String>> {
    match &n.kind {
        Kind::Scalar(s, Style::Plain)
            if matches!(
                crate::scalar::resolve_plain(s),
                betagouv_portfolio::Value::Bool(_) | betagouv_portfolio::Value::Number(_)
            ) =>
        {
            None
        }
        _ => text(n),
    }
}

/// [`text`] without copying the text.
fn text_ref<'n>(n: &'n Node<'_>) -> Option<Option<&'n str>> {
    match &n.kind {
        Kind::Scalar(s, _) => Some((!n.is_absent()).then_some(s.as_ref())),
        _ => None,
    }
}

fn date(n: &Node, quoted: &mut Quoted) -> Option<Option<RecordDate>> {
    match &n.kind {
        Kind::Scalar(s, style) => {
            if n.is_absent() {
                return Some(None);
            }
            let d = RecordDate::parse(s);
            if *style != Style::Plain && d.exact().is_some() {
                quoted.get_or_insert((n.line, n.col));
            }
            Some(Some(d))
        }
        _ => None,
    }
}

fn boolean(n: &Node) -> Option<Option<bool>> {
    if n.is_absent() {
        return Some(None);
    }
    match &n.kind {
        Kind::Scalar(s, Style::Plain) => match crate::scalar::resolve_plain(s) {
            betagouv_portfolio::Value::Bool(b) => Some(Some(b)),
            _ => None,
        },
        _ => None,
    }
}

fn list<T>(n: &Node, item: impl Fn(&Node) -> Option<T>) -> Option<Vec<T>> {
    if n.is_absent() {
        return Some(Vec::new());
    }
    match &n.kind {
        Kind::Seq(items) => items.iter().map(item).collect(),
        _ => None,
    }
}

fn text_item(n: &Node) -> Option<String> {
    text(n).flatten()
}

fn id_item<T: FromStr>(n: &Node) -> Option<T> {
    text_ref(n).flatten().and_then(|s| s.parse().ok())
}

fn id_opt<T: FromStr>(n: &Node) -> Option<Option<T>> {
    match text_ref(n)? {
        None => Some(None),
        Some(s) => s.parse().ok().map(Some),
    }
}

/// Entries of a mapping item of a list (phase, mission, event), or `None` when not a mapping.
fn item_entries<'n, 'a>(n: &'n Node<'a>) -> Option<&'n [Entry<'a>]> {
    match &n.kind {
        Kind::Map(e) => Some(e),
        _ => None,
    }
}

/// The entries of a list item that must be a mapping; otherwise a `field-type` warning
/// naming `what` (with its article, e.g. "a phase") and `None`: the item is ignored.
fn mapping_item<'n, 'a>(ctx: &mut Ctx<'_>, n: &'n Node<'a>, what: &str) -> Option<&'n [Entry<'a>]> {
    let entries = item_entries(n);
    if entries.is_none() {
        ctx.wrong_type(what, n, "a mapping", "ignored");
    }
    entries
}

/// Reads the keys of a list item: known keys through `f`; unknown keys, and known keys
/// whose value has a shape `f` cannot take, go to `extra` with their value, type and
/// order (the latter reported as `field-type`).
fn item_fields(
    ctx: &mut Ctx<'_>,
    what: &str,
    entries: &[Entry],
    known: &[&str],
    extra: &mut Extra,
    mut f: impl FnMut(&Entry) -> bool,
) {
    for e in entries {
        if !known.contains(&e.key.as_ref()) {
            extra.insert(e.key.as_ref().to_owned(), e.value.to_value());
        } else if !f(e) {
            ctx.wrong_type(
                &format!("`{}` of a {what}", e.key),
                &e.value,
                expected(&e.key),
                "kept as written among the item's unknown keys",
            );
            extra.insert(e.key.as_ref().to_owned(), e.value.to_value());
        }
    }
}

/// The key order of every mapping item of a list, in file order (the items the reader
/// turns into phases, missions or events).
fn item_key_orders(items: &[Node]) -> Vec<Vec<String>> {
    items
        .iter()
        .filter_map(item_entries)
        .map(|es| es.iter().map(|e| e.key.as_ref().to_owned()).collect())
        .collect()
}

/// Result of reading one file's front matter.
pub(crate) struct Read<T> {
    pub(crate) record: T,
    pub(crate) vocabulary: Option<Vocabulary>,
    /// Key order of the mapping items of each list read as items (`phases`, `events`,
    /// `missions`), in file order.
    pub(crate) item_keys: Vec<(String, Vec<Vec<String>>)>,
}

fn vocabulary(ctx: &mut Ctx<'_>, e: &Entry) -> Option<Vocabulary> {
    let v = text(&e.value).flatten().and_then(|s| s.parse().ok());
    if v.is_none() {
        ctx.push(
            Severity::Warning,
            rules::INVALID_VOCABULARY,
            e.value.line,
            e.value.col,
            format!(
                "`vocabulary` must be one of 2016, 2018, 2020, 2026, not {:?}; ignored",
                e.value.to_value()
            ),
        );
    }
    v
}

pub(crate) fn startup(ctx: &mut Ctx<'_>, id: StartupId, entries: &[Entry]) -> Read<Startup> {
    let mut s = Startup::new(id, "");
    let mut extra = Extra::default();
    let mut item_keys = Vec::new();
    let mut voc = None;
    let has_phases = entries
        .iter()
        .any(|e| e.key == "phases" && matches!(e.value.kind, Kind::Seq(_)));
    let has_status = !has_phases
        && entries
            .iter()
            .any(|e| e.key == "status" && text(&e.value).flatten().is_some());
    let mut status: Option<String> = None;
    let mut start: Option<RecordDate> = None;
    let mut quoted = None;
    for e in entries {
        ctx.enter_key(&e.key);
        let v = &e.value;
        let ok = match e.key.as_ref() {
            "title" => set_text(&mut s.name, plain_text(v)),
            "mission" => set_text(&mut s.pitch, plain_text(v)),
            "incubator" => id_opt(v).map(|t| s.incubator = t).is_some(),
            "incubators" => list(v, id_item).map(|t| s.incubators = t).is_some(),
            "sponsors" => sponsors(ctx, v).map(|t| s.sponsors = t).is_some(),
            "status" if has_status => text(v).map(|t| status = t).is_some(),
            "start" if has_status => date(v, &mut quoted).map(|t| start = t).is_some(),
            "phases" if has_phases => {
                let Kind::Seq(items) = &v.kind else { continue };
                s.phases = read_items(ctx, e, items, &mut item_keys, &mut quoted, phase);
                true
            }
            // `phases` that is not a list (a text, a mapping) is reported where written;
            // an empty one, or one beside a `status`, is kept as an unknown key.
            "phases" if !v.is_absent() && !has_status => false,
            "end" => date(v, &mut quoted).map(|t| s.end = t).is_some(),
            "link" => text(v).map(|t| s.links.site = t).is_some(),
            "repository" => text(v).map(|t| s.links.repository = t).is_some(),
            "stats" => boolean(v).map(|t| s.links.stats = t).is_some(),
            "stats_url" => text(v).map(|t| s.links.stats_url = t).is_some(),
            "budget_url" => text(v).map(|t| s.links.budget_url = t).is_some(),
            "impact_url" => text(v).map(|t| s.links.impact_url = t).is_some(),
            "contact" => plain_text(v).map(|t| s.contact = t).is_some(),
            "contact_dinum" => id_opt(v).map(|t| s.contact_dinum = t).is_some(),
            "contact_incubator" => id_opt(v).map(|t| s.contact_incubator = t).is_some(),
            "thematiques" => list(v, text_item).map(|t| s.themes = t).is_some(),
            "usertypes" => list(v, text_item).map(|t| s.user_types = t).is_some(),
            "techno" => list(v, text_item).map(|t| s.techno = t).is_some(),
            "events" => match &v.kind {
                Kind::Seq(items) => {
                    s.events = read_items(ctx, e, items, &mut item_keys, &mut quoted, event);
                    true
                }
                _ => v.is_absent(),
            },
            "owner" => text(v).map(|t| s.owner = t).is_some(),
            "fast" => {
                ctx.whole_numbers("fast", v);
                extra.insert(e.key.as_ref().to_owned(), v.to_value());
                true
            }
            VOCABULARY_KEY => {
                voc = vocabulary(ctx, e);
                true
            }
            _ => {
                extra.insert(e.key.as_ref().to_owned(), v.to_value());
                true
            }
        };
        settle(ctx, &mut extra, e, ok);
    }
    if has_status {
        s.phase_field = PhaseField::Status;
        s.phases = status
            .map(|name| status_phase(name, start))
            .into_iter()
            .collect();
    }
    ctx.quoted_dates = ctx.quoted_dates.or(quoted);
    s.extra = extra;
    Read {
        record: s,
        vocabulary: voc,
        item_keys,
    }
}

/// After top-level key `e` is read (`ok` when its value had the expected type): a
/// value of the wrong type is reported and kept as an unknown key; a modelled key
/// read as absent or empty is noted.
fn settle(ctx: &mut Ctx<'_>, extra: &mut Extra, e: &Entry, ok: bool) {
    if !ok {
        ctx.wrong(e, expected(&e.key));
        extra.insert(e.key.as_ref().to_owned(), e.value.to_value());
    } else if extra.get(&e.key).is_none() {
        ctx.note_empty(e);
    }
}

/// The items of list `e` that `read` reads (the others are reported by it), their
/// key orders recorded in `item_keys`.
fn read_items<T>(
    ctx: &mut Ctx<'_>,
    e: &Entry,
    items: &[Node],
    item_keys: &mut Vec<(String, Vec<Vec<String>>)>,
    quoted: &mut Quoted,
    read: impl Fn(&mut Ctx<'_>, &Node, &mut Quoted) -> Option<T>,
) -> Vec<T> {
    item_keys.push((e.key.as_ref().to_owned(), item_key_orders(items)));
    items.iter().filter_map(|i| read(ctx, i, quoted)).collect()
}

/// The one phase of a `status` start-up (2016-2019): its status from its `start`.
fn status_phase(name: String, start: Option<RecordDate>) -> Phase {
    Phase {
        name,
        start,
        end: None,
        comment: None,
        extra: Extra::default(),
    }
}

/// The missions of a member without `missions`: its flat `start`, `end` and
/// `employer` as one mission (when any was given), then the 2017-03 `contracts` list,
/// which makes it a member with a list of missions (written back as `missions`).
fn flat_missions(m: &mut Member, flat: Option<Mission>, contracts: Vec<Mission>) {
    m.shape = MemberShape::Flat;
    m.missions.extend(flat);
    if !contracts.is_empty() {
        m.shape = MemberShape::Missions;
        m.missions.extend(contracts);
    }
}

fn expected(key: &str) -> &'static str {
    match key {
        "incubator" | "highlighted_startups" => "an id",
        "contact_dinum" | "contact_incubator" => "a member id",
        "incubators" | "startups" | "previously" => "a list of ids",
        "sponsors" => "a list of `/organisations/<id>` texts or sponsor mappings",
        "start" | "end" => "a date",
        "stats" | "hidden" => "a boolean",
        "phases" | "missions" | "events" => "a list of mappings",
        "thematiques" | "usertypes" | "techno" | "competences" | "teams" | "badges" => {
            "a list of texts"
        }
        _ => "a text",
    }
}

/// A text field read by `text` or [`plain_text`] into `field` (empty when absent);
/// `false` when the value has the wrong type.
fn set_text(field: &mut String, t: Option<Option<String>>) -> bool {
    t.map(|t| *field = t.unwrap_or_default()).is_some()
}

/// The `sponsors` list `v`, with an `unknown-sponsor` warning (an error under today's
/// rules) at each sponsor text written without its `/organisations/` prefix: read as
/// the organisation of that id, but the repository's CI refuses it.
fn sponsors(ctx: &mut Ctx<'_>, v: &Node) -> Option<Vec<Sponsor>> {
    let items = match &v.kind {
        Kind::Seq(items) => items.as_slice(),
        _ => &[],
    };
    for item in items {
        if let Some(Some(t)) = text_ref(item)
            && !t.starts_with("/organisations/")
        {
            ctx.push(
                Severity::Warning,
                rules::UNKNOWN_SPONSOR,
                item.line,
                item.col,
                format!("sponsor `{t}` must be written `/organisations/{t}`"),
            );
        }
    }
    list(v, sponsor)
}

fn sponsor(n: &Node) -> Option<Sponsor> {
    match &n.kind {
        Kind::Scalar(..) => {
            let t = text_ref(n).flatten()?;
            let id = t.strip_prefix("/organisations/").unwrap_or(t);
            OrganisationId::new(id)
                .ok()
                .map(|id| Sponsor::Organisation { id })
        }
        Kind::Map(entries) => {
            let mut name = None;
            let (mut acronym, mut kind, mut dm) = (None, None, None);
            for e in entries {
                let t = text(&e.value)?;
                match e.key.as_ref() {
                    "name" => name = t,
                    "acronym" => acronym = t,
                    "type" => kind = t,
                    "domaine_ministeriel" => dm = t,
                    _ => return None,
                }
            }
            Some(Sponsor::Inline {
                name: name?,
                acronym,
                kind,
                domaine_ministeriel: dm,
            })
        }
        Kind::Seq(_) => None,
    }
}

fn phase(ctx: &mut Ctx<'_>, n: &Node, quoted: &mut Quoted) -> Option<Phase> {
    let entries = mapping_item(ctx, n, "a phase")?;
    let mut p = Phase {
        name: String::new(),
        start: None,
        end: None,
        comment: None,
        extra: Extra::default(),
    };
    let mut extra = Extra::default();
    item_fields(
        ctx,
        "phase",
        entries,
        &["name", "start", "end", "comment"],
        &mut extra,
        |e| match e.key.as_ref() {
            "name" => text(&e.value)
                .map(|t| p.name = t.unwrap_or_default())
                .is_some(),
            "start" => date(&e.value, quoted).map(|t| p.start = t).is_some(),
            "end" => date(&e.value, quoted).map(|t| p.end = t).is_some(),
            _ => text(&e.value).map(|t| p.comment = t).is_some(),
        },
    );
    p.extra = extra;
    Some(p)
}

fn event(ctx: &mut Ctx<'_>, n: &Node, quoted: &mut Quoted) -> Option<Event> {
    let entries = mapping_item(ctx, n, "an event")?;
    let mut ev = Event::new("", None);
    let mut extra = Extra::default();
    item_fields(
        ctx,
        "event",
        entries,
        &["name", "date", "comment"],
        &mut extra,
        |e| match e.key.as_ref() {
            "name" => text(&e.value)
                .map(|t| ev.name = t.unwrap_or_default())
                .is_some(),
            "date" => date(&e.value, quoted).map(|t| ev.date = t).is_some(),
            _ => text(&e.value).map(|t| ev.comment = t).is_some(),
        },
    );
    ev.extra = extra;
    Some(ev)
}

fn mission(ctx: &mut Ctx<'_>, n: &Node, quoted: &mut Quoted) -> Option<Mission> {
    let entries = mapping_item(ctx, n, "a mission")?;
    let mut m = Mission::new(None, None, None);
    let mut extra = Extra::default();
    item_fields(
        ctx,
        "mission",
        entries,
        &["start", "end", "status", "employer", "startups"],
        &mut extra,
        |e| match e.key.as_ref() {
            "start" => date(&e.value, quoted).map(|t| m.start = t).is_some(),
            "end" => date(&e.value, quoted).map(|t| m.end = t).is_some(),
            "status" => plain_text(&e.value).map(|t| m.status = t).is_some(),
            "employer" => plain_text(&e.value).map(|t| m.employer = t).is_some(),
            _ => list(&e.value, id_item).map(|t| m.startups = t).is_some(),
        },
    );
    m.extra = extra;
    Some(m)
}

/// Reads a legacy member `startups` list (2017-2024): ids, and from late 2017 to 2018-11
/// one-key items `{<id>: inactive}`, which name a past start-up (what `previously` says
/// since 2018-11). Gives (current, past), or `None` when an item is neither.
fn legacy_startups(n: &Node) -> Option<(Vec<StartupId>, Vec<StartupId>)> {
    if n.is_absent() {
        return Some((Vec::new(), Vec::new()));
    }
    let Kind::Seq(items) = &n.kind else {
        return None;
    };
    let (mut active, mut past) = (Vec::new(), Vec::new());
    for item in items {
        match &item.kind {
            Kind::Map(es) => match es.as_slice() {
                [e] if text(&e.value).flatten().as_deref() == Some("inactive") => {
                    past.push(e.key.parse().ok()?);
                }
                _ => return None,
            },
            _ => active.push(id_item(item)?),
        }
    }
    Some((active, past))
}

/// One item of the 2017-03 member `contracts` list, `{start, end, employer}` with a flat
/// `status/company` employer, as a mission.
fn contract(ctx: &mut Ctx<'_>, n: &Node, quoted: &mut Quoted) -> Option<Mission> {
    let entries = mapping_item(ctx, n, "a contract")?;
    let mut m = Mission::new(None, None, None);
    let mut extra = Extra::default();
    item_fields(
        ctx,
        "contract",
        entries,
        &["start", "end", "employer"],
        &mut extra,
        |e| match e.key.as_ref() {
            "start" => date(&e.value, quoted).map(|t| m.start = t).is_some(),
            "end" => date(&e.value, quoted).map(|t| m.end = t).is_some(),
            _ => text(&e.value)
                .map(|t| {
                    if let Some(raw) = t {
                        (m.status, m.employer) = split_employer(&raw);
                    }
                })
                .is_some(),
        },
    );
    m.extra = extra;
    Some(m)
}

/// Splits a flat (2016-2019) `employer` into mission status and employer.
#[must_use]
pub fn split_employer(raw: &str) -> (Option<String>, Option<String>) {
    let ne = |s: &str| {
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_owned())
    };
    match raw.split_once('/') {
        Some((s, e)) => (ne(s), ne(e)),
        None => (ne(raw), None),
    }
}

pub(crate) fn member(ctx: &mut Ctx<'_>, id: MemberId, entries: &[Entry]) -> Read<Member> {
    let mut m = Member::new(id, "");
    let mut extra = Extra::default();
    let mut item_keys = Vec::new();
    let has_missions = entries.iter().any(|e| e.key == "missions");
    let mut quoted = None;
    let mut flat = Mission::new(None, None, None);
    let mut flat_any = false;
    let mut voc = None;
    let mut inactive = Vec::new();
    let mut contracts: Vec<Mission> = Vec::new();
    for e in entries {
        ctx.enter_key(&e.key);
        let v = &e.value;
        let ok = match e.key.as_ref() {
            "fullname" => plain_text(v)
                .map(|t| m.fullname = t.unwrap_or_default())
                .is_some(),
            "role" => set_text(&mut m.role, plain_text(v)),
            "domaine" => text(v).map(|t| m.domaine = t).is_some(),
            "missions" => match &v.kind {
                Kind::Seq(items) => {
                    m.missions = read_items(ctx, e, items, &mut item_keys, &mut quoted, mission);
                    true
                }
                _ => false,
            },
            "start" if !has_missions => date(v, &mut quoted)
                .map(|t| {
                    flat_any |= t.is_some();
                    flat.start = t;
                })
                .is_some(),
            "end" if !has_missions => date(v, &mut quoted)
                .map(|t| {
                    flat_any |= t.is_some();
                    flat.end = t;
                })
                .is_some(),
            "employer" if !has_missions => text_ref(v)
                .map(|t| {
                    if let Some(raw) = t {
                        let (st, em) = split_employer(raw);
                        flat_any |= st.is_some() || em.is_some();
                        flat.status = st;
                        flat.employer = em;
                    }
                })
                .is_some(),
            "startups" => legacy_startups(v)
                .map(|(active, past)| {
                    m.startups = active;
                    inactive = past;
                })
                .is_some(),
            "previously" => list(v, id_item).map(|t| m.previously = t).is_some(),
            "contracts" if !has_missions => match &v.kind {
                Kind::Seq(items) => {
                    contracts = read_items(ctx, e, items, &mut item_keys, &mut quoted, contract);
                    true
                }
                _ => false,
            },
            "competences" => list(v, text_item).map(|t| m.competences = t).is_some(),
            "memberType" => text(v).map(|t| m.member_type = t).is_some(),
            "teams" => list(v, text_item).map(|t| m.teams = t).is_some(),
            "incubator" => id_opt(v).map(|t| m.incubator = t).is_some(),
            "badges" => list(v, text_item).map(|t| m.badges = t).is_some(),
            VOCABULARY_KEY => {
                voc = vocabulary(ctx, e);
                true
            }
            _ => {
                extra.insert(e.key.as_ref().to_owned(), v.to_value());
                true
            }
        };
        settle(ctx, &mut extra, e, ok);
    }
    // A `missions` that is not a list is kept raw: the member has no readable mission.
    m.previously.extend(inactive);
    if !has_missions {
        flat_missions(&mut m, flat_any.then_some(flat), contracts);
    }
    ctx.quoted_dates = ctx.quoted_dates.or(quoted);
    m.extra = extra;
    Read {
        record: m,
        vocabulary: voc,
        item_keys,
    }
}

pub(crate) fn incubator(ctx: &mut Ctx<'_>, id: IncubatorId, entries: &[Entry]) -> Incubator {
    let mut i = Incubator::new(id, "");
    for e in entries {
        ctx.enter_key(&e.key);
        let v = &e.value;
        let ok = match e.key.as_ref() {
            "title" => text(v).map(|t| i.title = t.unwrap_or_default()).is_some(),
            "owner" => text(v).map(|t| i.owner = t).is_some(),
            "contact" => text(v).map(|t| i.contact = t).is_some(),
            "address" => text(v).map(|t| i.address = t).is_some(),
            "website" => text(v).map(|t| i.website = t).is_some(),
            "github" => text(v).map(|t| i.github = t).is_some(),
            "short_description" => text(v).map(|t| i.short_description = t).is_some(),
            "highlighted_startups" => list(v, id_item)
                .map(|t| i.highlighted_startups = t)
                .is_some(),
            "hidden" => boolean(v).map(|t| i.hidden = t.unwrap_or(false)).is_some(),
            _ => {
                i.extra.insert(e.key.as_ref().to_owned(), v.to_value());
                true
            }
        };
        if !ok {
            ctx.wrong(e, expected(&e.key));
            i.extra.insert(e.key.as_ref().to_owned(), v.to_value());
        } else if i.extra.get(&e.key).is_none() {
            ctx.note_empty(e);
        }
    }
    i
}

pub(crate) fn organisation(
    ctx: &mut Ctx<'_>,
    id: OrganisationId,
    entries: &[Entry],
) -> Organisation {
    let mut o = Organisation::new(id, "");
    for e in entries {
        ctx.enter_key(&e.key);
        let v = &e.value;
        let ok = match e.key.as_ref() {
            "name" => text(v).map(|t| o.name = t.unwrap_or_default()).is_some(),
            "acronym" => text(v).map(|t| o.acronym = t).is_some(),
            "type" => text(v).map(|t| o.kind = t).is_some(),
            "domaine_ministeriel" => text(v).map(|t| o.domaine_ministeriel = t).is_some(),
            _ => {
                o.extra.insert(e.key.as_ref().to_owned(), v.to_value());
                true
            }
        };
        if !ok {
            ctx.wrong(e, expected(&e.key));
            o.extra.insert(e.key.as_ref().to_owned(), v.to_value());
        } else if o.extra.get(&e.key).is_none() {
            ctx.note_empty(e);
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use betagouv_portfolio::{MemberShape, RecordKind};

    use crate::read::{AnyRecord, ReadOptions, read_bytes};

    fn member(text: &str) -> (betagouv_portfolio::Member, Vec<String>) {
        let r = read_bytes(
            RecordKind::Member,
            Path::new("a.b.md"),
            text.as_bytes(),
            &ReadOptions::default(),
        );
        let rules = r.diagnostics.iter().map(|d| d.rule.clone()).collect();
        match r.record {
            Some(AnyRecord::Member(m)) => (m, rules),
            other => panic!("not a member: {other:?}"),
        }
    }

    #[test]
    fn inactive_startup_items_are_past_startups() {
        // Late 2017 to 2018-11: `{<id>: inactive}` items in the legacy `startups` list.
        let (m, rules) = member(
            "---\nfullname: A\nrole: r\nstart: 2017-05-01\nemployer: independent/octo # x\nstartups:\n  - a\n  - b: inactive\n---\n",
        );
        assert!(rules.is_empty(), "{rules:?}");
        let ids = |v: &[betagouv_portfolio::StartupId]| {
            v.iter().map(|s| s.as_str().to_owned()).collect::<Vec<_>>()
        };
        assert_eq!(ids(&m.startups), ["a"]);
        assert_eq!(ids(&m.previously), ["b"]);
        assert!(m.extra.is_empty());
        assert_eq!(m.missions[0].employer.as_deref(), Some("octo"));
        // Any other mapping item is not a reference: kept whole, reported.
        let (m, rules) = member("---\nfullname: A\nrole: r\nstartups:\n  - b: active\n---\n");
        assert_eq!(rules, ["field-type"]);
        assert!(m.startups.is_empty() && m.extra.get("startups").is_some());
    }

    #[test]
    fn contracts_list_is_read_as_missions() {
        // 2017-03-03 to 2017-03-16: `contracts` replaced the flat start/end/employer.
        let (m, rules) = member(
            "---\nfullname: A\nrole: r\ncontracts:\n  - start: 2016-06-01\n    end: 2016-12-31\n    employer: independent/octo\n  - start: 2017-01-01\n    employer: admin/sgmap\n    note: x\n---\n",
        );
        assert!(rules.is_empty(), "{rules:?}");
        assert_eq!(m.shape, MemberShape::Missions);
        assert_eq!(m.missions.len(), 2);
        assert_eq!(m.missions[0].status.as_deref(), Some("independent"));
        assert_eq!(m.missions[1].employer.as_deref(), Some("sgmap"));
        assert!(m.missions[1].end.is_none());
        assert!(m.missions[1].extra.get("note").is_some());
        assert!(m.extra.is_empty());
        // Beside a `missions` list, `contracts` is an unknown key.
        let (m, _) = member(
            "---\nfullname: A\nrole: r\nmissions: []\ncontracts:\n  - start: 2016-06-01\n---\n",
        );
        assert!(m.missions.is_empty() && m.extra.get("contracts").is_some());
    }

    fn startup_diags(text: &str) -> Vec<betagouv_portfolio::Diagnostic> {
        let r = read_bytes(
            RecordKind::Startup,
            Path::new("s.md"),
            text.as_bytes(),
            &ReadOptions::default(),
        );
        assert!(matches!(r.record, Some(AnyRecord::Startup(_))));
        r.diagnostics
    }

    #[test]
    fn phases_of_the_wrong_type_are_located_at_the_value() {
        for (text, found, line, col) in [
            ("---\ntitle: A\nphases: construction\n---\n", "string", 3, 9),
            (
                "---\ntitle: A\nphases:\n  name: construction\n---\n",
                "mapping",
                4,
                3,
            ),
        ] {
            let d = startup_diags(text);
            assert_eq!(d.len(), 1, "{d:?}");
            assert_eq!(d[0].rule, "field-type");
            let loc = d[0].location.as_ref().map(|l| (l.line, l.column));
            assert_eq!(loc, Some((line, col)), "{text}");
            assert!(
                d[0].message.contains(&format!(
                    "should be a list of mappings, found a {found} at line {line}, column {col}"
                )),
                "{}",
                d[0].message
            );
        }
        // A phase item that is not a mapping, and an item key of the wrong type.
        let d = startup_diags("---\nphases:\n  - construction\n  - name: [a]\n---\n");
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.location.as_ref().map(|l| l.line), d.message.as_str()))
            .collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0]
                .1
                .starts_with("a phase should be a mapping, found a string at line 3")
        );
        assert!(
            got[1]
                .1
                .starts_with("`name` of a phase should be a text, found a list at line 4")
        );
        // Absent `phases`, and `phases` beside a `status`, stay quiet unknown keys.
        assert!(startup_diags("---\nphases:\n---\n").is_empty());
        assert!(
            startup_diags("---\nstatus: construction\nstart: 2016-01-01\nphases: x\n---\n")
                .is_empty()
        );
    }

    #[test]
    fn numbers_a_column_cannot_hold_are_located() {
        let d = startup_diags(
            "---\ntitle: A\nfast:\n  promotion: 3\n  montant: 1000000000000000000000000000000\n---\n",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].rule, "number-out-of-range");
        assert_eq!(
            d[0].location.as_ref().map(|l| (l.line, l.column)),
            Some((5, 12))
        );
        assert!(d[0].message.contains("too large"), "{}", d[0].message);
        for bad in ["12.5", "'50 000'", "[1]"] {
            let d = startup_diags(&format!("---\nfast:\n  montant: {bad}\n---\n"));
            assert_eq!(d.len(), 1, "{bad}: {d:?}");
            assert_eq!(d[0].rule, "number-out-of-range", "{bad}");
        }
        for ok in ["50000", "12.00", "-1", "~"] {
            assert!(startup_diags(&format!("---\nfast:\n  montant: {ok}\n---\n")).is_empty());
        }
    }
}
