//! `--postgres CONNINFO` completed as libpq completes it, so that the usual
//! environment and files work and no password needs to be on a command line.
//!
//! Order, as in libpq: a value given in CONNINFO wins; then the service
//! (`service=NAME` in CONNINFO, else `PGSERVICE`) read from the user's service
//! file (`PGSERVICEFILE`, else `~/.pg_service.conf`), else from the system's
//! (`PGSYSCONFDIR/pg_service.conf`, `PGSYSCONFDIR` defaulting to
//! `/etc/postgresql-common` as in Debian's libpq); then the environment
//! (`PGHOST`, `PGHOSTADDR`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`,
//! `PGAPPNAME`, `PGCONNECT_TIMEOUT`, `PGOPTIONS`, `PGSSLMODE`); then the
//! defaults: the local socket (`/var/run/postgresql`, else `/tmp`), the
//! operating system's user. A password still missing is looked up in the
//! password file (`PGPASSFILE`, else `~/.pgpass`), ignored with a warning when
//! group or world can read it. A host starting with `/` is a socket directory.
//!
//! Everything read comes through [`PgEnv`], so the tests inject their own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::Config;
use postgres::config::{Host, SslMode};

use super::BoxError;

/// The environment of the resolution: variables, the home folder, the
/// operating system's user, and whether a path exists (for the default socket).
#[derive(Debug, Clone, Default)]
pub(crate) struct PgEnv {
    /// Environment variables (only `PG*` ones are read).
    pub(crate) vars: BTreeMap<String, String>,
    /// The home folder (for `~/.pgpass` and `~/.pg_service.conf`).
    pub(crate) home: Option<PathBuf>,
    /// The operating system's user name.
    pub(crate) os_user: Option<String>,
}

impl PgEnv {
    /// The process's environment.
    pub(crate) fn from_process() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(k, _)| k.starts_with("PG"))
            .collect();
        Self {
            vars,
            home: std::env::var_os("HOME").map(PathBuf::from),
            os_user: whoami::username().ok(),
        }
    }

    fn var(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// The connection settings and the warnings met on the way (a password file
/// readable by others).
#[derive(Debug)]
pub(crate) struct Resolved {
    pub(crate) config: Config,
    pub(crate) warnings: Vec<String>,
}

/// The libpq keywords completed from a service or the environment, with their
/// environment variable.
const KEYWORDS: [(&str, &str); 10] = [
    ("host", "PGHOST"),
    ("hostaddr", "PGHOSTADDR"),
    ("port", "PGPORT"),
    ("user", "PGUSER"),
    ("password", "PGPASSWORD"),
    ("dbname", "PGDATABASE"),
    ("application_name", "PGAPPNAME"),
    ("connect_timeout", "PGCONNECT_TIMEOUT"),
    ("options", "PGOPTIONS"),
    ("sslmode", "PGSSLMODE"),
];

/// CONNINFO completed from the service file, the environment, the defaults and
/// the password file.
pub(crate) fn resolve(conninfo: &str, env: &PgEnv) -> Result<Resolved, BoxError> {
    let is_uri = conninfo.starts_with("postgres://") || conninfo.starts_with("postgresql://");
    let (mut config, service, given) = if is_uri {
        let config = Config::from_str(conninfo).map_err(|e| format!("--postgres: {e}"))?;
        (config, None, Vec::new())
    } else {
        let mut pairs = conninfo_pairs(conninfo)?;
        let service = pairs
            .iter()
            .position(|(k, _)| k == "service")
            .map(|i| pairs.remove(i).1);
        let text: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", quote(v)))
            .collect();
        let config = Config::from_str(&text.join(" ")).map_err(|e| format!("--postgres: {e}"))?;
        let given = pairs.into_iter().map(|(k, _)| k).collect();
        (config, service, given)
    };
    let service = match service.or_else(|| env.var("PGSERVICE").map(str::to_owned)) {
        Some(name) => service_entries(&name, env)?,
        None => BTreeMap::new(),
    };
    for (key, var) in KEYWORDS {
        if is_set(&config, key, &given) {
            continue;
        }
        if let Some(v) = service
            .get(key)
            .map(String::as_str)
            .or_else(|| env.var(var))
        {
            apply(&mut config, key, v).map_err(|e| format!("{var} or service {key}: {e}"))?;
        }
    }
    if config.get_hosts().is_empty() && config.get_hostaddrs().is_empty() {
        config.host_path(default_socket_dir());
    }
    if config.get_user().is_none()
        && let Some(u) = &env.os_user
    {
        config.user(u);
    }
    if config.get_application_name().is_none() {
        config.application_name("betagouv");
    }
    let mut warnings = Vec::new();
    if config.get_password().is_none()
        && let Some(p) = password_from_file(&config, env, &mut warnings)
    {
        config.password(p);
    }
    Ok(Resolved { config, warnings })
}

/// The local socket directory libpq uses by default.
fn default_socket_dir() -> &'static str {
    if Path::new("/var/run/postgresql").is_dir() {
        "/var/run/postgresql"
    } else {
        "/tmp"
    }
}

/// Whether CONNINFO gave `key`.
fn is_set(config: &Config, key: &str, given: &[String]) -> bool {
    match key {
        "host" => !config.get_hosts().is_empty(),
        "hostaddr" => !config.get_hostaddrs().is_empty(),
        "port" => !config.get_ports().is_empty(),
        "user" => config.get_user().is_some(),
        "password" => config.get_password().is_some(),
        "dbname" => config.get_dbname().is_some(),
        "application_name" => config.get_application_name().is_some(),
        "connect_timeout" => config.get_connect_timeout().is_some(),
        "options" => config.get_options().is_some(),
        // A URI's sslmode cannot be told from the default: keep it.
        _ => given.iter().any(|g| g == key),
    }
}

/// Sets one libpq keyword.
fn apply(config: &mut Config, key: &str, value: &str) -> Result<(), String> {
    let bad = || format!("invalid value for {key}");
    match key {
        "host" => {
            for h in value.split(',') {
                config.host(h);
            }
        }
        "hostaddr" => {
            for a in value.split(',') {
                config.hostaddr(a.trim().parse().map_err(|_| bad())?);
            }
        }
        "port" => {
            for p in value.split(',') {
                config.port(p.trim().parse().map_err(|_| bad())?);
            }
        }
        "user" => {
            config.user(value);
        }
        "password" => {
            config.password(value);
        }
        "dbname" => {
            config.dbname(value);
        }
        "application_name" => {
            config.application_name(value);
        }
        "options" => {
            config.options(value);
        }
        "connect_timeout" => {
            let s: i64 = value.trim().parse().map_err(|_| bad())?;
            if let Ok(s) = u64::try_from(s)
                && s > 0
            {
                config.connect_timeout(Duration::from_secs(s.max(2)));
            }
        }
        "sslmode" => {
            let mode = match value {
                "disable" => SslMode::Disable,
                "allow" | "prefer" => SslMode::Prefer,
                "require" => SslMode::Require,
                _ => return Err(format!("sslmode {value:?} is not supported (no TLS)")),
            };
            config.ssl_mode(mode);
        }
        _ => return Err(format!("unknown keyword {key:?}")),
    }
    Ok(())
}

/// A value quoted for a key=value connection string.
fn quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The `key=value` pairs of a libpq connection string (values may be single
/// quoted, with `\'` and `\\`; a backslash escapes in unquoted values too).
fn conninfo_pairs(s: &str) -> Result<Vec<(String, String)>, BoxError> {
    let mut pairs = Vec::new();
    let mut it = s.chars().peekable();
    loop {
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        if it.peek().is_none() {
            return Ok(pairs);
        }
        let mut key = String::new();
        while let Some(c) = it.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        if it.next() != Some('=') {
            return Err(format!("--postgres: missing \"=\" after {key:?}").into());
        }
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if it.next_if_eq(&'\'').is_some() {
            loop {
                match it.next() {
                    None => return Err("--postgres: unterminated quoted value".into()),
                    Some('\'') => break,
                    Some('\\') => value.extend(it.next()),
                    Some(c) => value.push(c),
                }
            }
        } else {
            while let Some(c) = it.next_if(|c| !c.is_whitespace()) {
                if c == '\\' {
                    value.extend(it.next());
                } else {
                    value.push(c);
                }
            }
        }
        pairs.push((key, value));
    }
}

/// The entries of service `name`: the user's service file first, else the
/// system's; an error when neither defines it.
fn service_entries(name: &str, env: &PgEnv) -> Result<BTreeMap<String, String>, BoxError> {
    let user_file = env
        .var("PGSERVICEFILE")
        .map(PathBuf::from)
        .or_else(|| env.home.as_ref().map(|h| h.join(".pg_service.conf")));
    let sysconf = env.var("PGSYSCONFDIR").unwrap_or("/etc/postgresql-common");
    let system_file = Path::new(sysconf).join("pg_service.conf");
    for file in user_file.iter().chain([&system_file]) {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        if let Some(entries) = service_section(&text, name, file)? {
            return Ok(entries);
        }
    }
    Err(format!("--postgres: definition of service {name:?} not found").into())
}

/// The `key=value` lines of section `[name]` of a service file, if there.
fn service_section(
    text: &str,
    name: &str,
    file: &Path,
) -> Result<Option<BTreeMap<String, String>>, BoxError> {
    let mut inside = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if inside.is_some() {
                break;
            }
            if section == name {
                inside = Some(BTreeMap::new());
            }
            continue;
        }
        if let Some(entries) = inside.as_mut() {
            let Some((k, v)) = line.split_once('=') else {
                return Err(
                    format!("{}:{}: syntax error in service file", file.display(), i + 1).into(),
                );
            };
            let key = k.trim().to_owned();
            if !KEYWORDS.iter().any(|(kw, _)| *kw == key) {
                return Err(
                    format!("{}:{}: unsupported keyword {key:?}", file.display(), i + 1).into(),
                );
            }
            entries.insert(key, v.trim().to_owned());
        }
    }
    Ok(inside)
}

/// The password for this connection in the password file, if any.
fn password_from_file(config: &Config, env: &PgEnv, warnings: &mut Vec<String>) -> Option<String> {
    let file = env
        .var("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| env.home.as_ref().map(|h| h.join(".pgpass")))?;
    let meta = std::fs::metadata(&file).ok()?;
    if !meta.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if meta.permissions().mode() & 0o077 != 0 {
            warnings.push(format!(
                "password file {} has group or world access; permissions should be u=rw (0600) or less: it is ignored",
                file.display()
            ));
            return None;
        }
    }
    let text = std::fs::read_to_string(&file).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_owned(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    let wanted = [host.as_str(), port.as_str(), db, user];
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|line| {
            let fields = passfile_fields(line);
            let [h, p, d, u, password] = <[String; 5]>::try_from(fields).ok()?;
            let matches = [h, p, d, u]
                .iter()
                .zip(wanted)
                .all(|(f, w)| f == "*" || f == w);
            matches.then_some(password)
        })
}

/// The fields of a password file line: `:`-separated, `\:` and `\\` escaped;
/// the fifth field takes the rest of the line.
fn passfile_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut it = line.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => fields
                .last_mut()
                .into_iter()
                .for_each(|f| f.extend(it.next())),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut().into_iter().for_each(|f| f.push(c)),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)], home: Option<&Path>) -> PgEnv {
        PgEnv {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            home: home.map(Path::to_path_buf),
            os_user: Some("osuser".to_owned()),
        }
    }

    fn hosts(c: &Config) -> Vec<String> {
        c.get_hosts()
            .iter()
            .map(|h| match h {
                Host::Tcp(t) => t.clone(),
                Host::Unix(p) => p.display().to_string(),
            })
            .collect()
    }

    #[test]
    fn conninfo_wins_over_the_environment() {
        let e = env(
            &[
                ("PGHOST", "/sock"),
                ("PGUSER", "envuser"),
                ("PGDATABASE", "envdb"),
                ("PGPORT", "6543"),
            ],
            None,
        );
        let r = resolve("user='me too' dbname=x", &e).unwrap();
        assert_eq!(r.config.get_user(), Some("me too"));
        assert_eq!(r.config.get_dbname(), Some("x"));
        assert_eq!(hosts(&r.config), ["/sock"]);
        assert_eq!(r.config.get_ports(), [6543]);
        let r = resolve("", &e).unwrap();
        assert_eq!(
            (r.config.get_user(), r.config.get_dbname()),
            (Some("envuser"), Some("envdb"))
        );
        let r = resolve("postgresql://u@db.example/base", &e).unwrap();
        assert_eq!(
            (hosts(&r.config), r.config.get_user()),
            (vec!["db.example".to_owned()], Some("u"))
        );
        assert_eq!(r.config.get_application_name(), Some("betagouv"));
    }

    #[test]
    fn defaults_are_the_local_socket_and_the_os_user() {
        let r = resolve("", &env(&[], None)).unwrap();
        assert_eq!(r.config.get_user(), Some("osuser"));
        assert!(matches!(r.config.get_hosts(), [Host::Unix(_)]));
        let e = env(
            &[("PGCONNECT_TIMEOUT", "7"), ("PGHOSTADDR", "127.0.0.1")],
            None,
        );
        let r = resolve("", &e).unwrap();
        assert_eq!(
            r.config.get_connect_timeout(),
            Some(&Duration::from_secs(7))
        );
        assert!(r.config.get_hosts().is_empty() && r.config.get_hostaddrs().len() == 1);
        assert!(resolve("port=x", &env(&[], None)).is_err());
        assert!(resolve("user", &env(&[], None)).is_err());
        let err = resolve("", &env(&[("PGPORT", "x")], None))
            .unwrap_err()
            .to_string();
        assert!(err.contains("PGPORT"), "{err}");
    }

    #[test]
    fn service_files_user_then_system() {
        let dir = tempfile::tempdir().unwrap();
        let user = dir.path().join("user.conf");
        std::fs::write(
            &user,
            "# mine\n[eval]\nhost=/s1\ndbname=evaldb\n[other]\nport=1\n",
        )
        .unwrap();
        let sys = dir.path().join("sys");
        std::fs::create_dir(&sys).unwrap();
        std::fs::write(
            sys.join("pg_service.conf"),
            "[wide]\nuser = sysuser\nport=5555\n",
        )
        .unwrap();
        let vars = [
            ("PGSERVICEFILE", user.to_str().unwrap()),
            ("PGSYSCONFDIR", sys.to_str().unwrap()),
            ("PGDATABASE", "envdb"),
        ];
        let r = resolve("service=eval", &env(&vars, None)).unwrap();
        assert_eq!(
            (hosts(&r.config), r.config.get_dbname()),
            (vec!["/s1".to_owned()], Some("evaldb"))
        );
        let mut with_service = vars.to_vec();
        with_service.push(("PGSERVICE", "wide"));
        let r = resolve("dbname=mine", &env(&with_service, None)).unwrap();
        assert_eq!(r.config.get_user(), Some("sysuser"));
        assert_eq!(
            (r.config.get_ports(), r.config.get_dbname()),
            (&[5555][..], Some("mine"))
        );
        let err = resolve("service=nope", &env(&vars, None))
            .unwrap_err()
            .to_string();
        assert!(err.contains("service \"nope\" not found"), "{err}");
    }

    #[test]
    fn password_file_matches_and_permissions() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let pass = dir.path().join(".pgpass");
        std::fs::write(
            &pass,
            "# comment\nother:*:*:*:no\nlocalhost:5432:db\\:1:me:s3cr:et\\\\\n*:*:*:me:fallback\n",
        )
        .unwrap();
        std::fs::set_permissions(&pass, std::fs::Permissions::from_mode(0o600)).unwrap();
        let e = env(&[], Some(dir.path()));
        let r = resolve("host=/sock user=me dbname='db:1'", &e).unwrap();
        assert_eq!(r.config.get_password(), Some(&b"s3cr:et\\"[..]));
        let r = resolve("host=elsewhere user=me", &e).unwrap();
        assert_eq!(r.config.get_password(), Some(&b"fallback"[..]));
        let r = resolve("host=elsewhere user=me password=given", &e).unwrap();
        assert_eq!(r.config.get_password(), Some(&b"given"[..]));
        std::fs::set_permissions(&pass, std::fs::Permissions::from_mode(0o644)).unwrap();
        let r = resolve("host=elsewhere user=me", &e).unwrap();
        assert_eq!(r.config.get_password(), None);
        assert!(
            r.warnings[0].contains("group or world access"),
            "{:?}",
            r.warnings
        );
        let e = env(
            &[
                ("PGPASSFILE", pass.to_str().unwrap()),
                ("PGPASSWORD", "env"),
            ],
            None,
        );
        assert_eq!(
            resolve("user=me", &e).unwrap().config.get_password(),
            Some(&b"env"[..])
        );
    }

    #[test]
    fn conninfo_syntax() {
        let p = conninfo_pairs(" a=1 b = 'x \\' y' c=d\\ e ").unwrap();
        let want = [("a", "1"), ("b", "x ' y"), ("c", "d e")];
        assert_eq!(p, want.map(|(k, v)| (k.to_owned(), v.to_owned())));
        assert!(conninfo_pairs("a='open").is_err());
        assert_eq!(
            passfile_fields("a:b\\:c:*:d:e:f"),
            ["a", "b:c", "*", "d", "e:f"]
        );
    }
}
