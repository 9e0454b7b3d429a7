//! [`validator::Validate`] for the records (feature `validate`, on by default).
//!
//! The field rules of [`Portfolio::validate`](crate::Portfolio::validate) in
//! `validator`'s form, for a service that already validates its own types with it,
//! plus what needs `validator`'s parsers: a real e-mail syntax check of `contact`
//! (the portfolio's own rule only asks for an `@`) and a URL syntax check of the
//! links. Error codes are rule ids of [`rules`](crate::rules): `field-required` and
//! `field-format`; field names are the keys of the record files (`title`,
//! `mission`, `link`, ...).
//!
//! [`Portfolio::validate`](crate::Portfolio::validate) does not use this module: its
//! diagnostics are the same with or without the feature.
//!
//! ```
//! use betagouv_portfolio::{Startup, StartupId};
//! use betagouv_portfolio::validator::Validate;
//! let mut s = Startup::new(StartupId::new("a")?, "A");
//! s.pitch = "Trouver une entreprise qui recrute".into();
//! s.contact = Some("contact@example.org".into());
//! assert!(s.validate().is_ok());
//! s.links.site = Some("not a url".into());
//! let errors = s.validate().err().ok_or("expected an error")?;
//! assert!(errors.field_errors().contains_key("link"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use validator::{Validate, ValidationErrors};

use crate::member::Member;
use crate::org::{Incubator, Organisation};
use crate::startup::Startup;

/// The checked fields of a start-up, by file key.
#[derive(Validate)]
struct StartupFields<'a> {
    #[validate(length(min = 1, code = "field-required"))]
    title: &'a str,
    #[validate(length(min = 1, code = "field-required"))]
    mission: &'a str,
    #[validate(email(code = "field-format"))]
    contact: Option<&'a str>,
    #[validate(url(code = "field-format"))]
    link: Option<&'a str>,
    #[validate(url(code = "field-format"))]
    repository: Option<&'a str>,
    #[validate(url(code = "field-format"))]
    stats_url: Option<&'a str>,
    #[validate(url(code = "field-format"))]
    budget_url: Option<&'a str>,
    #[validate(url(code = "field-format"))]
    impact_url: Option<&'a str>,
}

/// A given, non-empty text (an empty optional field is not checked).
fn given(text: Option<&String>) -> Option<&str> {
    text.map(|t| t.trim()).filter(|t| !t.is_empty())
}

/// Field rules of a start-up: `title` and `mission` required, `contact` an e-mail
/// address, the links (`link`, `repository`, `stats_url`, `budget_url`,
/// `impact_url`) URLs.
impl Validate for Startup {
    fn validate(&self) -> Result<(), ValidationErrors> {
        StartupFields {
            title: self.name.trim(),
            mission: self.pitch.trim(),
            contact: given(self.contact.as_ref()),
            link: given(self.links.site.as_ref()),
            repository: given(self.links.repository.as_ref()),
            stats_url: given(self.links.stats_url.as_ref()),
            budget_url: given(self.links.budget_url.as_ref()),
            impact_url: given(self.links.impact_url.as_ref()),
        }
        .validate()
    }
}

/// The checked fields of a member.
#[derive(Validate)]
struct MemberFields<'a> {
    #[validate(length(min = 1, code = "field-required"))]
    fullname: &'a str,
    #[validate(length(min = 1, code = "field-required"))]
    role: &'a str,
}

/// Field rules of a member: `fullname` and `role` required.
impl Validate for Member {
    fn validate(&self) -> Result<(), ValidationErrors> {
        MemberFields {
            fullname: self.fullname.trim(),
            role: self.role.trim(),
        }
        .validate()
    }
}

/// The checked fields of an incubator.
#[derive(Validate)]
struct IncubatorFields<'a> {
    #[validate(length(min = 1, code = "field-required"))]
    title: &'a str,
    #[validate(email(code = "field-format"))]
    contact: Option<&'a str>,
    #[validate(url(code = "field-format"))]
    website: Option<&'a str>,
    #[validate(url(code = "field-format"))]
    github: Option<&'a str>,
}

/// Field rules of an incubator: `title` required, `contact` an e-mail address,
/// `website` and `github` URLs.
impl Validate for Incubator {
    fn validate(&self) -> Result<(), ValidationErrors> {
        IncubatorFields {
            title: self.title.trim(),
            contact: given(self.contact.as_ref()),
            website: given(self.website.as_ref()),
            github: given(self.github.as_ref()),
        }
        .validate()
    }
}

/// The checked fields of an organisation.
#[derive(Validate)]
struct OrganisationFields<'a> {
    #[validate(length(min = 1, code = "field-required"))]
    name: &'a str,
}

/// Field rules of an organisation: `name` required.
impl Validate for Organisation {
    fn validate(&self) -> Result<(), ValidationErrors> {
        OrganisationFields {
            name: self.name.trim(),
        }
        .validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{IncubatorId, MemberId, OrganisationId, StartupId};

    /// `(field, code)` of every error, sorted.
    fn codes(r: Result<(), ValidationErrors>) -> Vec<(String, String)> {
        let mut out: Vec<_> = r
            .err()
            .map(|e| {
                e.field_errors()
                    .into_iter()
                    .flat_map(|(f, list)| {
                        list.iter()
                            .map(move |e| (f.to_string(), e.code.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    #[test]
    fn records_report_their_field_rules_by_file_key() {
        let mut s = Startup::new(StartupId::new("a").unwrap(), " ");
        s.contact = Some("nobody".into());
        s.links.repository = Some("github.com/x".into());
        s.links.site = Some(String::new());
        assert_eq!(
            codes(s.validate()),
            [
                ("contact".to_owned(), "field-format".to_owned()),
                ("mission".to_owned(), "field-required".to_owned()),
                ("repository".to_owned(), "field-format".to_owned()),
                ("title".to_owned(), "field-required".to_owned()),
            ]
        );
        let m = Member::new(MemberId::new("m").unwrap(), "M");
        assert_eq!(
            codes(m.validate()),
            [("role".to_owned(), "field-required".to_owned())]
        );
        let mut i = Incubator::new(IncubatorId::new("i").unwrap(), "I");
        i.website = Some("https://beta.gouv.fr".into());
        i.contact = Some("contact@beta.gouv.fr".into());
        assert!(i.validate().is_ok());
        let o = Organisation::new(OrganisationId::new("o").unwrap(), "");
        assert_eq!(
            codes(o.validate()),
            [("name".to_owned(), "field-required".to_owned())]
        );
    }
}
