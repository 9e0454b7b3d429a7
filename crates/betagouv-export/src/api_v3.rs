//! The beta.gouv.fr public API v3 (`/api/v3/`): one `startups/<id>.json` per start-up.
//!
//! Since 2025-11-12 the site writes v3 with a build-time generator, one file per
//! start-up file and nothing else: there is no `startups.json` nor `authors.json` under
//! `/api/v3/` (a 2020 draft with those two names was never merged). We write the same
//! folder: `startups/<id>.json`, one per start-up, sorted by id.
//!
//! A file is one JSON object, keys in this order (see docs/export.md for the rules):
//!
//! 1. `name`: the `title`; when the file has no title (or a null one), the file name
//!    made into words, as the site's generator does (`le-taxi` gives `Le Taxi`);
//! 2. the front-matter keys of [`FRONT_MATTER_KEYS`] that the file has, in that order,
//!    with their values as written (dates as `YYYY-MM-DD` texts, lists and mappings
//!    kept): absent keys are left out, never `null`;
//! 3. `incubators`: always a list, the `incubators` of the file when it has some, else
//!    its single `incubator`, else `[]`;
//! 4. `active_members` and `previous_members`: the ids of the members who work on the
//!    start-up at the as-of date and of those who did before ([`members_of`]);
//! 5. `content`: the Markdown body, raw.
//!
//! A key written empty (`''`, `null`, `[]`) reads as absent in the portfolio, so
//! [`ApiV3Files::build`] leaves it out, where the site writes `""`, `null` or `[]`;
//! [`ApiV3Files::build_with_empty_keys`] puts them back from what the content reader
//! noted ([`EmptyKeys`]).
//!
//! ```
//! use betagouv_export::api_v3::ApiV3Files;
//! use betagouv_portfolio::builtin;
//!
//! let files = ApiV3Files::build(&builtin::portfolio_2016(), builtin::as_of_2016());
//! assert_eq!(files.counts()["startups/"], 27);
//! let taxi = serde_json::to_value(&files.details["taxi"])?;
//! assert_eq!(taxi["name"], "Le Taxi");
//! assert_eq!(taxi["link"], "https://le.taxi");
//! // A 2016 record has a `status`, not a `phases` list: no `phases` key.
//! assert!(taxi.get("phases").is_none());
//! assert!(taxi["incubators"].is_array());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use betagouv_portfolio::{Member, MemberShape, PhaseField, Portfolio, RecordDate, Startup, Value};

use crate::Progress;
use crate::error::{Error, Result};

/// The folder of the per-start-up files, inside the API folder.
pub const STARTUPS_DIR: &str = "startups";

/// The front-matter keys a v3 file copies, in the order it writes them (after `name`).
/// `name` itself is not copied: the title is the name (no start-up file has a `name` key;
/// the site would then write `name` twice).
pub const FRONT_MATTER_KEYS: [&str; 16] = [
    "id",
    "repository",
    "contact",
    "phases",
    "mission",
    "link",
    "incubator",
    "accessibility_status",
    "stats_url",
    "budget_url",
    "impact_url",
    "dashlord_url",
    "redirect_from",
    "usertypes",
    "techno",
    "mon_service_securise",
];

/// Keys a start-up file wrote empty (`''`, `null`, `[]`), by start-up id, with the value
/// written: the content reader's `SourceInfo::empty_keys` of each start-up file.
pub type EmptyKeys = BTreeMap<String, Vec<(String, Value)>>;

/// The v3 file of one start-up. Serialises to the object described in the module
/// docs (values of [`Value`] as JSON: dates as texts, integers as numbers, other numbers
/// as the text written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupV3 {
    /// `name`.
    pub name: String,
    /// The copied front-matter keys present, in [`FRONT_MATTER_KEYS`] order.
    pub fields: Vec<(String, Value)>,
    /// `incubators`: the normalised list (items as written, nulls dropped).
    pub incubators: Vec<Value>,
    /// `active_members`: member ids, in member file order.
    pub active_members: Vec<String>,
    /// `previous_members`: member ids, in member file order.
    pub previous_members: Vec<String>,
    /// `content`: the raw Markdown body.
    pub content: String,
}

impl StartupV3 {
    /// The value of the copied front-matter key `key`, when the file has it.
    #[must_use]
    pub fn field(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl Serialize for StartupV3 {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.fields.len() + 5))?;
        map.serialize_entry("name", &self.name)?;
        for (k, v) in &self.fields {
            map.serialize_entry(k, &Json(v))?;
        }
        let incubators: Vec<Json<'_>> = self.incubators.iter().map(Json).collect();
        map.serialize_entry("incubators", &incubators)?;
        map.serialize_entry("active_members", &self.active_members)?;
        map.serialize_entry("previous_members", &self.previous_members)?;
        map.serialize_entry("content", &self.content)?;
        map.end()
    }
}

/// A [`Value`] written as JSON: a date as its `YYYY-MM-DD` text, a number that is an
/// integer as a number and any other as the text written, a mapping in file order.
struct Json<'a>(&'a Value);

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => match (n.parse::<i64>(), n.parse::<u64>()) {
                (Ok(i), _) => s.serialize_i64(i),
                (_, Ok(u)) => s.serialize_u64(u),
                _ => s.serialize_str(n),
            },
            Value::String(t) => s.serialize_str(t),
            Value::Date(d) => s.collect_str(&d.format("%Y-%m-%d")),
            Value::Seq(items) => s.collect_seq(items.iter().map(Json)),
            Value::Map(entries) => s.collect_map(entries.iter().map(|(k, v)| (k, Json(v)))),
        }
    }
}

/// The files of API v3, built in memory by [`ApiV3Files::build`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiV3Files {
    /// `startups/<id>.json`, by start-up id.
    pub details: BTreeMap<String, StartupV3>,
}

/// The active and previous member ids of each start-up, by start-up id.
pub type Memberships = BTreeMap<String, (Vec<String>, Vec<String>)>;

/// Who works on which start-up at `as_of`, as the site's generator works it out.
///
/// Members are taken in the order of their file names (`<id>.md`, byte order). A
/// member's current start-ups are its legacy `startups` list (whatever the date) and the
/// `startups` of its missions that have no end or end on or after `as_of` (the start is
/// not looked at); its past ones are its `previously` list and the `startups` of its
/// other missions. A member is active on a start-up when it is among its current ones,
/// previous when only among its past ones. An end that is not an exact date counts as
/// no end. A member file with top-level `start`/`end` ([`MemberShape::Flat`]) has no
/// missions for the site. When two members share an id, the first one read is kept.
#[must_use]
pub fn members_of(members: &[Member], as_of: NaiveDate) -> Memberships {
    let mut by_file: BTreeMap<String, &Member> = BTreeMap::new();
    for m in members {
        by_file.entry(format!("{}.md", m.id)).or_insert(m);
    }
    let mut out = Memberships::new();
    for m in by_file.values() {
        let missions = match m.shape {
            MemberShape::Flat => &[][..],
            _ => &m.missions[..],
        };
        let ongoing = |end: Option<&RecordDate>| match end {
            Some(RecordDate::Exact(e)) => *e >= as_of,
            _ => true,
        };
        let mut current: BTreeSet<&str> = m.startups.iter().map(|s| s.as_str()).collect();
        let mut past: BTreeSet<&str> = m.previously.iter().map(|s| s.as_str()).collect();
        for mission in missions {
            let side = if ongoing(mission.end.as_ref()) {
                &mut current
            } else {
                &mut past
            };
            side.extend(mission.startups.iter().map(|s| s.as_str()));
        }
        for s in &current {
            let entry = out.entry((*s).to_owned()).or_default();
            entry.0.push(m.id.to_string());
        }
        for s in past.difference(&current) {
            let entry = out.entry((*s).to_owned()).or_default();
            entry.1.push(m.id.to_string());
        }
    }
    out
}

/// The name of a start-up without a title, from its id as the site's generator
/// makes it: a leading `YYYY-MM-DD-` date dropped, trailing dots dropped, then each
/// `-`-separated word capitalised (first letter upper case, the rest lower case) and
/// the words joined with spaces.
///
/// ```
/// use betagouv_export::api_v3::name_from_id;
/// assert_eq!(name_from_id("le-taxi"), "Le Taxi");
/// assert_eq!(name_from_id("2019-03-01-mon-PROJET."), "Mon Projet");
/// ```
#[must_use]
pub fn name_from_id(id: &str) -> String {
    let slug = strip_date_prefix(id).trim_end_matches('.');
    let mut words: Vec<String> = slug
        .split('-')
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect();
    // Splitting on `-` drops the empty words at the end, as the site's generator does.
    while words.last().is_some_and(String::is_empty) {
        words.pop();
    }
    words.join(" ")
}

/// `id` without a leading date (`\d{2,4}-\d{1,2}-\d{1,2}-`), when it has one.
fn strip_date_prefix(id: &str) -> &str {
    let mut rest = id;
    for (min, max) in [(2, 4), (1, 2), (1, 2)] {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits < min || digits > max || rest.as_bytes().get(digits) != Some(&b'-') {
            return id;
        }
        rest = &rest[digits + 1..];
    }
    rest
}

/// The value of front-matter key `key` as the model holds it, for the keys the v3
/// file uses (`None` when the model reads it as absent).
fn modelled(s: &Startup, key: &str) -> Option<Value> {
    let text = |t: &Option<String>| t.clone().map(Value::String);
    let list = |l: &[String]| {
        (!l.is_empty()).then(|| Value::Seq(l.iter().cloned().map(Value::String).collect()))
    };
    match key {
        "repository" => text(&s.links.repository),
        "contact" => text(&s.contact),
        "phases" if s.phase_field == PhaseField::Phases && !s.phases.is_empty() => {
            Some(Value::Seq(s.phases.iter().map(phase).collect()))
        }
        "mission" => (!s.pitch.is_empty()).then(|| Value::String(s.pitch.clone())),
        "link" => text(&s.links.site),
        "incubator" => s.incubator.as_ref().map(|i| Value::String(i.to_string())),
        "incubators" => (!s.incubators.is_empty()).then(|| {
            Value::Seq(
                s.incubators
                    .iter()
                    .map(|i| Value::String(i.to_string()))
                    .collect(),
            )
        }),
        "stats_url" => text(&s.links.stats_url),
        "budget_url" => text(&s.links.budget_url),
        "impact_url" => text(&s.links.impact_url),
        "usertypes" => list(&s.user_types),
        "techno" => list(&s.techno),
        _ => None,
    }
}

/// A phase as a mapping: `name`, `start`, `end`, `comment` when present, then its
/// other keys in file order.
fn phase(p: &betagouv_portfolio::Phase) -> Value {
    let date = |d: &RecordDate| match d {
        RecordDate::Exact(d) => Value::Date(*d),
        other => Value::String(other.to_string()),
    };
    let mut entries = vec![("name".to_owned(), Value::String(p.name.clone()))];
    entries.extend(p.start.as_ref().map(|d| ("start".to_owned(), date(d))));
    entries.extend(p.end.as_ref().map(|d| ("end".to_owned(), date(d))));
    entries.extend(
        p.comment
            .as_ref()
            .map(|c| ("comment".to_owned(), Value::String(c.clone()))),
    );
    entries.extend(p.extra.iter().map(|(k, v)| (k.to_owned(), v.clone())));
    Value::Map(entries)
}

/// The value of front-matter key `key` of `s`: kept as written when the model could
/// not read it (an unknown key or a value of another type), else as the model holds
/// it, else as written empty.
fn front_matter(s: &Startup, empty: &[(String, Value)], key: &str) -> Option<Value> {
    s.extra
        .get(key)
        .cloned()
        .or_else(|| modelled(s, key))
        .or_else(|| empty.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
}

/// A value as a list, as the site's generator turns one into a list: `null` gives
/// nothing, a list its items but `null`s, a mapping its `[key, value]` pairs, any
/// other value itself.
fn as_list(v: Option<Value>) -> Vec<Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Seq(items)) => items.into_iter().filter(|i| *i != Value::Null).collect(),
        Some(Value::Map(entries)) => entries
            .into_iter()
            .map(|(k, v)| Value::Seq(vec![Value::String(k), v]))
            .collect(),
        Some(other) => vec![other],
    }
}

/// The v3 file of `s`, given its members and the keys it wrote empty.
fn startup_v3(
    s: &Startup,
    members: Option<&(Vec<String>, Vec<String>)>,
    empty: &[(String, Value)],
) -> StartupV3 {
    let name = if !s.name.is_empty() {
        s.name.clone()
    } else if let Some(Value::String(t)) = front_matter(s, empty, "title") {
        // A title written `''` stays empty; a missing or null one is made from the id.
        t
    } else {
        name_from_id(s.id.as_str())
    };
    let mut incubators = as_list(front_matter(s, empty, "incubators"));
    if incubators.is_empty() {
        incubators = as_list(front_matter(s, empty, "incubator"));
    }
    let (active, previous) = members.cloned().unwrap_or_default();
    StartupV3 {
        name,
        fields: FRONT_MATTER_KEYS
            .iter()
            .filter_map(|k| front_matter(s, empty, k).map(|v| ((*k).to_owned(), v)))
            .collect(),
        incubators,
        active_members: active,
        previous_members: previous,
        content: s.body.clone(),
    }
}

impl ApiV3Files {
    /// The v3 files of `portfolio` as of `as_of` (the date members are active on; the
    /// site uses the day of its build). Keys written empty are left out: see
    /// [`ApiV3Files::build_with_empty_keys`].
    #[must_use]
    pub fn build(portfolio: &Portfolio, as_of: NaiveDate) -> Self {
        Self::build_with_empty_keys(portfolio, as_of, &EmptyKeys::new())
    }

    /// [`ApiV3Files::build`], with the keys each start-up file wrote empty (`''`,
    /// `null`, `[]`) written back as they were, as the site writes them. When two
    /// start-ups share an id, the first one is kept.
    #[must_use]
    pub fn build_with_empty_keys(
        portfolio: &Portfolio,
        as_of: NaiveDate,
        empty: &EmptyKeys,
    ) -> Self {
        let members = members_of(&portfolio.members, as_of);
        let mut details = BTreeMap::new();
        for s in &portfolio.startups {
            let id = s.id.as_str();
            if details.contains_key(id) {
                continue;
            }
            let empty = empty.get(id).map_or(&[][..], Vec::as_slice);
            details.insert(id.to_owned(), startup_v3(s, members.get(id), empty));
        }
        Self { details }
    }

    /// Records per file: `startups/` (the per-start-up files).
    #[must_use]
    pub fn counts(&self) -> BTreeMap<String, usize> {
        BTreeMap::from([(format!("{STARTUPS_DIR}/"), self.details.len())])
    }

    /// Writes `startups/<id>.json` into `dir` (two-space indented JSON, final newline),
    /// in id order, and returns their paths relative to `dir`. `dir` is the export's
    /// temporary folder: a file that exists already is an error, never replaced (two
    /// ids that differ only by case on a case-insensitive file system). `dir` must
    /// exist: it is never created, so that a temporary folder removed by an interrupt
    /// makes the writer fail instead of coming back.
    ///
    /// # Errors
    ///
    /// I/O and JSON errors (also when `dir` is missing); an id that is not a plain file
    /// name on this system (e.g. a drive prefix `C:` on Windows) is an I/O error of kind
    /// `InvalidInput`.
    pub fn write(
        &self,
        dir: impl AsRef<Path>,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Vec<PathBuf>> {
        let folder = dir.as_ref().join(STARTUPS_DIR);
        match std::fs::create_dir(&folder) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && folder.is_dir() => {}
            Err(e) => return Err(Error::io(&folder, e)),
        }
        let total = self.details.len();
        let mut files = Vec::with_capacity(total);
        for (id, startup) in &self.details {
            let name = file_name(id).ok_or_else(|| {
                let msg = format!("start-up id {id:?} is not a plain file name");
                Error::io(
                    &folder,
                    std::io::Error::new(std::io::ErrorKind::InvalidInput, msg),
                )
            })?;
            let path = folder.join(&name);
            let mut text = serde_json::to_string_pretty(startup).map_err(|source| Error::Json {
                path: path.clone(),
                source,
            })?;
            text.push('\n');
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .and_then(|mut f| f.write_all(text.as_bytes()))
                .map_err(|e| Error::io(&path, e))?;
            let label = format!("{STARTUPS_DIR}/{name}");
            files.push(PathBuf::from(&label));
            progress(Progress {
                done: files.len(),
                total,
                label: &label,
            });
        }
        Ok(files)
    }
}

/// `<id>.json` when it is one plain file name on this system (no separator, no
/// drive prefix, not `.` or `..`).
fn file_name(id: &str) -> Option<String> {
    let name = format!("{id}.json");
    let mut parts = Path::new(&name).components();
    match (parts.next(), parts.next()) {
        (Some(Component::Normal(n)), None) if n == name.as_str() => Some(name),
        _ => None,
    }
}

/// Whether a v3 API folder holds the entry at `relative`: the folder `startups`, the
/// `.json` files directly in it, and the export's `meta.json` ([`crate::api::META_FILE`])
/// beside it. The names a forced export may replace.
#[must_use]
pub fn writes(relative: &Path, is_dir: bool) -> bool {
    let mut parts = relative.components();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Component::Normal(a)), None, None) => {
            if is_dir {
                a == STARTUPS_DIR
            } else {
                a == crate::api::META_FILE
            }
        }
        (Some(Component::Normal(a)), Some(Component::Normal(b)), None) => {
            !is_dir && a == STARTUPS_DIR && Path::new(b).extension().is_some_and(|e| e == "json")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use betagouv_portfolio::{
        Incubator, IncubatorId, MemberId, Mission, Phase, StartupId, Vocabulary,
    };
    use proptest::prelude::*;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn startup(id: &str, title: &str) -> Startup {
        Startup::new(StartupId::new(id).unwrap(), title)
    }

    fn member(id: &str, missions: Vec<(Option<&str>, &[&str])>) -> Member {
        let mut m = Member::new(MemberId::new(id).unwrap(), id);
        m.missions = missions
            .into_iter()
            .map(|(end, startups)| {
                let mut mi = Mission::new(Some(d("2020-01-01")), None, Some("independent"));
                mi.end = end.map(RecordDate::parse);
                mi.startups = startups
                    .iter()
                    .map(|s| StartupId::new(*s).unwrap())
                    .collect();
                mi
            })
            .collect();
        m
    }

    /// A start-up with every copied key, some unknown to the model.
    fn full() -> Startup {
        let mut s = startup("le-taxi", "le.taxi \"vert\"");
        s.pitch = "Un taxi ".into();
        s.incubator = Some(IncubatorId::new("dinum").unwrap());
        s.links.site = Some("https://le.taxi".into());
        s.links.repository = Some("https://github.com/x/y".into());
        s.links.stats = Some(true);
        s.links.stats_url = Some("https://le.taxi/s".into());
        s.links.budget_url = Some("https://b".into());
        s.links.impact_url = Some("https://i".into());
        s.contact = Some("a@b.fr".into());
        s.user_types = vec!["particulier".into()];
        s.techno = vec!["rust".into(), "ruby".into()];
        s.themes = vec!["Transport".into()];
        let mut p = Phase::new("investigation", Some(d("2015-03-15")));
        p.end = Some(RecordDate::parse("2015-09"));
        p.comment = Some("c".into());
        p.extra.insert("budget", Value::Number("12".into()));
        s.phases = vec![p, Phase::new("construction", Some(d("2015-10-01")))];
        s.extra.insert("mon_service_securise", Value::Bool(true));
        s.extra
            .insert("dashlord_url", Value::String("https://d".into()));
        s.extra.insert(
            "redirect_from",
            Value::Seq(vec![Value::String("/startups/taxi".into())]),
        );
        s.extra
            .insert("accessibility_status", Value::String("partiel".into()));
        s.extra.insert("analyse_risques", Value::Bool(true));
        s.body = "\n## Le \"problème\"\\ <b>\u{2028}\n".into();
        s
    }

    #[test]
    fn every_key_in_the_site_order_with_its_type() {
        let mut p = Portfolio::new(Vocabulary::V2026);
        p.startups.push(full());
        let files = ApiV3Files::build(&p, d("2025-12-31"));
        let text = serde_json::to_string(&files.details["le-taxi"]).unwrap();
        let expected = concat!(
            r#"{"name":"le.taxi \"vert\"","repository":"https://github.com/x/y","#,
            r#""contact":"a@b.fr","phases":[{"name":"investigation","start":"2015-03-15","#,
            r#""end":"2015-09","comment":"c","budget":12},"#,
            r#"{"name":"construction","start":"2015-10-01"}],"mission":"Un taxi ","#,
            r#""link":"https://le.taxi","incubator":"dinum","accessibility_status":"partiel","#,
            r#""stats_url":"https://le.taxi/s","budget_url":"https://b","impact_url":"https://i","#,
            r#""dashlord_url":"https://d","redirect_from":["/startups/taxi"],"#,
            r#""usertypes":["particulier"],"techno":["rust","ruby"],"#,
            r#""mon_service_securise":true,"incubators":["dinum"],"active_members":[],"#,
            r#""previous_members":[],"content":"\n## Le \"problème\"\\ <b>"#,
            "\u{2028}",
            r#"\n"}"#
        );
        assert_eq!(text, expected);
        // Valid JSON with the same values.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["content"], full().body.as_str());
        // `stats`, `thematiques`, `analyse_risques`: not copied.
        assert!(v.get("stats").is_none() && v.get("thematiques").is_none());
        assert!(v.get("analyse_risques").is_none());
    }

    #[test]
    fn absent_keys_are_left_out_and_the_fixed_keys_are_always_there() {
        let mut p = Portfolio::new(Vocabulary::V2026);
        p.startups.push(startup("vide", "Vide"));
        let v =
            serde_json::to_value(&ApiV3Files::build(&p, d("2025-12-31")).details["vide"]).unwrap();
        assert_eq!(
            v,
            json!({"name": "Vide", "incubators": [], "active_members": [],
                   "previous_members": [], "content": ""})
        );
    }

    #[test]
    fn incubators_are_normalised_and_hidden_ones_kept() {
        let mut p = Portfolio::new(Vocabulary::V2026);
        let inc = |i: &str| IncubatorId::new(i).unwrap();
        let mut co = startup("co", "Co");
        co.incubator = Some(inc("mtes"));
        co.incubators = vec![inc("mtes"), inc("ademe")];
        let mut single = startup("single", "Single");
        single.incubator = Some(inc("cache"));
        let mut raw = startup("raw", "Raw");
        // A value the model could not read stays as written, and still makes the list.
        raw.extra.insert("incubators", Value::String("anct".into()));
        raw.incubator = Some(inc("dinum"));
        p.startups
            .extend([co, single, raw, startup("none", "None")]);
        let mut hidden = Incubator::new(inc("cache"), "Caché");
        hidden.hidden = true;
        p.incubators.push(hidden);
        let f = ApiV3Files::build(&p, d("2026-08-20"));
        let get = |id: &str| serde_json::to_value(&f.details[id]).unwrap();
        assert_eq!(get("co")["incubators"], json!(["mtes", "ademe"]));
        assert_eq!(get("co")["incubator"], "mtes");
        assert_eq!(get("single")["incubators"], json!(["cache"]));
        assert_eq!(get("raw")["incubators"], json!(["anct"]));
        assert_eq!(get("none")["incubators"], json!([]));
        assert!(get("none").get("incubator").is_none());
        // `incubators` is not a copied key: only the normalised list is written.
        let text = serde_json::to_string(&f.details["raw"]).unwrap();
        assert_eq!(text.matches("\"incubators\"").count(), 1);
    }

    #[test]
    fn members_active_and_previous_at_the_as_of_date() {
        let mut p = Portfolio::new(Vocabulary::V2026);
        p.startups.extend([startup("s", "S"), startup("t", "T")]);
        let mut legacy = member("legacy", vec![]);
        legacy.startups = vec![StartupId::new("s").unwrap()];
        legacy.previously = vec![StartupId::new("t").unwrap()];
        // Ends on the as-of date: still active; ended the day before: previous.
        let ends_today = member("b.today", vec![(Some("2025-06-30"), &["s"])]);
        let ended = member("a.ended", vec![(Some("2025-06-29"), &["s", "t"])]);
        // Both an ended and an open mission on `s`: active only.
        let both = member("c", vec![(Some("2020-12-31"), &["s"]), (None, &["s"])]);
        // `a-b.md` sorts before `a.ended.md` (`-` before `.`), unlike the ids' order.
        let dash = member("a-b", vec![(Some("2030-01-01"), &["s"])]);
        // A partial end counts as no end.
        let partial = member("d", vec![(Some("2025"), &["t"])]);
        // Flat records have no missions for the site.
        let mut flat = member("e", vec![(None, &["t"])]);
        flat.shape = MemberShape::Flat;
        p.members
            .extend([legacy, ends_today, ended, both, dash, partial, flat]);
        let at = |date: &str| ApiV3Files::build(&p, d(date));
        let f = at("2025-06-30");
        let s = &f.details["s"];
        assert_eq!(s.active_members, ["a-b", "b.today", "c", "legacy"]);
        assert_eq!(s.previous_members, ["a.ended"]);
        let t = &f.details["t"];
        assert_eq!(t.active_members, ["d"]);
        assert_eq!(t.previous_members, ["a.ended", "legacy"]);
        // A day later, `b.today` moved to the previous members.
        let s = &at("2025-07-01").details["s"];
        assert_eq!(s.active_members, ["a-b", "c", "legacy"]);
        assert_eq!(s.previous_members, ["a.ended", "b.today"]);
        // Before anyone ended, the mission start is not looked at.
        let s = &at("2000-01-01").details["s"];
        assert_eq!(
            s.active_members,
            ["a-b", "a.ended", "b.today", "c", "legacy"]
        );
        assert!(s.previous_members.is_empty());
    }

    #[test]
    fn empty_keys_come_back_as_written() {
        let mut p = Portfolio::new(Vocabulary::V2026);
        let mut s = startup("sans-titre", "");
        s.incubator = None;
        p.startups.push(s);
        let mut quoted = startup("titre-vide", "");
        quoted.incubator = None;
        p.startups.push(quoted);
        let empty = EmptyKeys::from([
            (
                "sans-titre".to_owned(),
                vec![
                    ("link".to_owned(), Value::String(String::new())),
                    ("usertypes".to_owned(), Value::Seq(vec![])),
                    ("repository".to_owned(), Value::Null),
                    ("title".to_owned(), Value::Null),
                    ("incubator".to_owned(), Value::String(String::new())),
                ],
            ),
            (
                "titre-vide".to_owned(),
                vec![("title".to_owned(), Value::String(String::new()))],
            ),
        ]);
        let plain = ApiV3Files::build(&p, d("2025-12-31"));
        let v = serde_json::to_value(&plain.details["sans-titre"]).unwrap();
        assert!(v.get("link").is_none());
        assert_eq!(v["name"], "Sans Titre");
        let f = ApiV3Files::build_with_empty_keys(&p, d("2025-12-31"), &empty);
        let v = serde_json::to_value(&f.details["sans-titre"]).unwrap();
        assert_eq!(v["link"], "");
        assert_eq!(v["usertypes"], json!([]));
        assert_eq!(v["repository"], serde_json::Value::Null);
        assert_eq!(v["name"], "Sans Titre");
        // An empty text is a value for the site: the list holds it.
        assert_eq!(v["incubators"], json!([""]));
        let v = serde_json::to_value(&f.details["titre-vide"]).unwrap();
        assert_eq!(v["name"], "");
    }

    #[test]
    fn status_records_have_no_phases_and_values_keep_their_types() {
        let mut p = Portfolio::new(Vocabulary::V2016);
        let mut s = startup("old", "Old");
        s.phase_field = PhaseField::Status;
        s.phases = vec![Phase::new("construction", Some(d("2016-01-01")))];
        s.extra.insert(
            "accessibility_status",
            Value::Map(vec![
                ("z".into(), Value::Number("1.5".into())),
                ("a".into(), Value::Date(d("2020-02-29"))),
                ("n".into(), Value::Number("-3".into())),
            ]),
        );
        s.extra
            .insert("usertypes", Value::String("texte libre".into()));
        p.startups.push(s);
        let f = ApiV3Files::build(&p, d("2016-12-31"));
        let text = serde_json::to_string(&f.details["old"]).unwrap();
        assert!(!text.contains("\"phases\""), "{text}");
        assert!(
            text.contains(r#""accessibility_status":{"z":"1.5","a":"2020-02-29","n":-3}"#),
            "{text}"
        );
        assert!(text.contains(r#""usertypes":"texte libre""#), "{text}");
        assert_eq!(
            f.details["old"].field("usertypes"),
            Some(&Value::String("texte libre".into()))
        );
    }

    #[test]
    fn names_from_ids() {
        for (id, name) in [
            ("le-taxi", "Le Taxi"),
            ("e-inspé", "E Inspé"),
            ("FabNum-MI", "Fabnum Mi"),
            ("a--b-", "A  B"),
            ("2019-03-01-mon-projet", "Mon Projet"),
            ("2019-03-projet", "2019 03 Projet"),
            ("x...", "X"),
        ] {
            assert_eq!(name_from_id(id), name, "{id}");
        }
    }

    fn written(files: &ApiV3Files) -> (tempfile::TempDir, Vec<PathBuf>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let mut labels = Vec::new();
        let paths = files
            .write(dir.path(), &mut |p| {
                labels.push(format!("{}/{} {}", p.done, p.total, p.label));
            })
            .unwrap();
        (dir, paths, labels)
    }

    #[test]
    fn writes_one_indented_file_per_startup() {
        let mut p = Portfolio::new(Vocabulary::V2026);
        p.startups
            .extend([full(), startup("b", "B"), startup("b", "second b")]);
        let files = ApiV3Files::build(&p, d("2025-12-31"));
        assert_eq!(files.counts(), BTreeMap::from([("startups/".into(), 2)]));
        let (dir, paths, labels) = written(&files);
        assert_eq!(
            paths,
            [
                PathBuf::from("startups/b.json"),
                PathBuf::from("startups/le-taxi.json")
            ]
        );
        assert_eq!(labels, ["1/2 startups/b.json", "2/2 startups/le-taxi.json"]);
        let text = std::fs::read_to_string(dir.path().join("startups/b.json")).unwrap();
        assert!(text.starts_with("{\n  \"name\": \"B\",\n  \"incubators\": [],"));
        assert!(text.ends_with("}\n"));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, serde_json::to_value(&files.details["b"]).unwrap());
        // Writing again into the same folder replaces nothing.
        let again = files.write(dir.path(), &mut |_| {});
        assert!(matches!(again, Err(Error::Io { .. })));
        // A folder that is gone (a temporary removed by an interrupt) is not created.
        let gone = dir.path().join("gone");
        let err = files.write(&gone, &mut |_| {}).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert!(!gone.exists());
        for rel in &paths {
            assert!(writes(rel, false), "{}", rel.display());
        }
    }

    #[test]
    fn folder_names_and_file_names() {
        assert!(writes(Path::new("startups"), true));
        assert!(writes(Path::new("meta.json"), false));
        assert!(writes(Path::new("startups/x.y.json"), false));
        for (rel, dir) in [
            ("startups", false),
            ("startups.json", false),
            ("authors.json", false),
            ("startups/x.json", true),
            ("startups/x.md", false),
            ("startups/a/x.json", false),
            ("other/x.json", false),
            ("meta.json", true),
            ("../startups/x.json", false),
        ] {
            assert!(!writes(Path::new(rel), dir), "{rel}");
        }
        assert_eq!(file_name("e-inspé").as_deref(), Some("e-inspé.json"));
        assert_eq!(file_name("...").as_deref(), Some("....json"));
        assert_eq!(file_name("a/b"), None);
    }

    fn id() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-e]{1,2}([.-][a-b])?",
            Just("e-inspé".to_owned()),
            Just("covoit'scelles".to_owned()),
            Just("...".to_owned()),
            Just("A B".to_owned()),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("say \"hi\" \\ there".to_owned()),
            Just("two\nlines\t\u{0}\u{1f}\u{7f}".to_owned()),
            Just("\u{2028}\u{2029}</script>".to_owned()),
            "\\PC{0,12}",
        ]
    }

    prop_compose! {
        fn portfolio()(
            startups in prop::collection::vec((id(), text(), prop::option::of(id()), prop::collection::vec(id(), 0..3), text()), 0..8),
            members in prop::collection::vec((id(), prop::collection::vec((prop::option::of(0u32..28), prop::collection::vec(id(), 0..3)), 0..3), prop::collection::vec(id(), 0..2)), 0..8),
        ) -> Portfolio {
            let mut p = Portfolio::new(Vocabulary::V2026);
            for (sid, title, inc, incs, body) in startups {
                let mut s = startup(&sid, &title);
                s.pitch = body.clone();
                s.incubator = inc.map(|i| IncubatorId::new(i).unwrap());
                s.incubators = incs.into_iter().map(|i| IncubatorId::new(i).unwrap()).collect();
                s.links.site = Some(body.clone());
                s.extra.insert("accessibility_status", Value::String(title));
                s.body = body;
                p.startups.push(s);
            }
            for (mid, missions, legacy) in members {
                let mut m = member(&mid, vec![]);
                m.missions = missions.into_iter().map(|(end, startups)| {
                    let mut mi = Mission::new(Some(d("2016-01-01")), None, None);
                    mi.end = end.map(|e| RecordDate::Exact(d("2016-12-01") + chrono::Days::new(u64::from(e))));
                    mi.startups = startups.into_iter().map(|s| StartupId::new(s).unwrap()).collect();
                    mi
                }).collect();
                m.previously = legacy.into_iter().map(|s| StartupId::new(s).unwrap()).collect();
                p.members.push(m);
            }
            p
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        #[test]
        fn every_file_is_json_and_ids_round_trip(p in portfolio()) {
            let files = ApiV3Files::build(&p, d("2016-12-15"));
            let ids: BTreeSet<&str> = p.startups.iter().map(|s| s.id.as_str()).collect();
            let (dir, paths, _) = written(&files);
            prop_assert_eq!(paths.len(), ids.len());
            let on_disk = std::fs::read_dir(dir.path().join(STARTUPS_DIR)).unwrap().count();
            prop_assert_eq!(on_disk, ids.len());
            let members: BTreeSet<&str> = p.members.iter().map(|m| m.id.as_str()).collect();
            for (path, id) in paths.iter().zip(&ids) {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap();
                prop_assert_eq!(name.strip_suffix(".json"), Some(*id));
                let text = std::fs::read_to_string(dir.path().join(path)).unwrap();
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                let first = p.startups.iter().find(|s| s.id.as_str() == *id).unwrap();
                prop_assert_eq!(v["content"].as_str(), Some(first.body.as_str()));
                prop_assert_eq!(v["link"].as_str(), Some(first.body.as_str()));
                let list = |k: &str| -> Vec<String> {
                    v[k].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_owned()).collect()
                };
                let (active, previous) = (list("active_members"), list("previous_members"));
                prop_assert!(active.iter().chain(&previous).all(|m| members.contains(m.as_str())));
                prop_assert!(active.iter().all(|m| !previous.contains(m)));
                let expected: Vec<String> = first.incubator_ids().map(ToString::to_string).collect();
                prop_assert_eq!(list("incubators"), expected);
            }
        }
    }
}
