//! A careful hand check of the URLs of the content files (`url-format`), without a URL
//! library: the content crate stays light, and the question is narrow (is this an
//! http or https address a browser can follow?).

/// Why `text` is not an http or https URL, or `None` when it is one (or is empty once
/// trimmed: an empty value means no URL).
///
/// Accepted: surrounding white space (browsers trim it), any case of the scheme, a
/// user and a port, international host names. Refused: another scheme or none, a
/// missing or malformed host (empty label, a character no host name holds), white space
/// or control characters inside the address.
/// For example `https://beta.gouv.fr/startups` passes and `htps//beta.gouv.fr` does
/// not (the tests below hold many more).
pub(crate) fn url_problem(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if t.contains("&#x2F;") || t.contains("&#47;") {
        return Some("its slashes are written as HTML entities (`&#x2F;`)");
    }
    let Some((scheme, rest)) = t.split_once("://") else {
        return Some("it does not start with http:// or https://");
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Some("its scheme is not http or https");
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it holds white space or a control character");
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.find(']') {
        Some(i) if host_port.starts_with('[') => {
            host_port.split_at_checked(i + 1).unwrap_or((host_port, ""))
        }
        _ => host_port.rsplit_once(':').unwrap_or((host_port, "")),
    };
    let port = port.strip_prefix(':').unwrap_or(port);
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Some("its port is not a number");
    }
    host_problem(host)
}

/// Why `host` is not a host name or address, or `None`.
fn host_problem(host: &str) -> Option<&'static str> {
    if host.is_empty() {
        return Some("it has no host name");
    }
    if let Some(inner) = host.strip_prefix('[') {
        // An IPv6 address.
        let ok = inner.strip_suffix(']').is_some_and(|a| {
            !a.is_empty()
                && a.bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        });
        return (!ok).then_some("its IPv6 host is malformed");
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && l.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    };
    if !host.split('.').all(label_ok) {
        return Some("its host name is malformed");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::url_problem;

    #[test]
    fn http_and_https_addresses_pass() {
        for ok in [
            "https://beta.gouv.fr",
            "https://beta.gouv.fr/startups/a.html?x=1#top",
            " https://entreprise.francetravail.fr/detecteur/ ",
            "Http://www.fr.LinkedIn/in/x",
            "http://user@localhost:8080/",
            "https://démarches-simplifiées.fr/",
            "http://[2001:db8::1]:80/",
            "https://exemple.fr./x",
            "",
            "  ",
        ] {
            assert_eq!(url_problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for (bad, why) in [
            ("htps//beta.gouv.fr", "does not start"),
            ("github.com/betagouv", "does not start"),
            ("https:&#x2F;&#x2F;exemple.wixsite.com", "HTML entities"),
            ("ftp://exemple.fr/stats", "scheme"),
            ("mailto://a@b.fr", "scheme"),
            ("https://", "no host"),
            ("https:///chemin", "no host"),
            ("https://exemple..fr", "host name"),
            ("https://exemple.fr;x", "host name"),
            ("https://ex ample.fr", "white space"),
            ("https://exemple.fr:port/", "port"),
            ("http://[zz]/", "IPv6"),
        ] {
            let got = url_problem(bad);
            assert!(got.is_some_and(|g| g.contains(why)), "{bad}: {got:?}");
        }
    }
}
