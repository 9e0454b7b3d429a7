//! Incubators and organisations (sponsors).
//!
//! ```
//! use betagouv_portfolio::{Incubator, IncubatorId, Organisation, OrganisationId};
//! let i = Incubator::new(IncubatorId::new("dinum")?, "Incubateur de la DINUM");
//! let o = Organisation::new(OrganisationId::new("pole-emploi")?, "Pôle emploi");
//! assert_eq!((i.id.as_str(), o.name.as_str()), ("dinum", "Pôle emploi"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::id::{IncubatorId, OrganisationId, StartupId};
use crate::value::Extra;

/// An incubator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incubator {
    /// The id (file name without `.md`).
    pub id: IncubatorId,
    /// `title`.
    pub title: String,
    /// `owner`: free text until 2022, then mostly `/organisations/<id>`, kept as written.
    pub owner: Option<String>,
    /// `contact`.
    pub contact: Option<String>,
    /// `address`.
    pub address: Option<String>,
    /// `website`.
    pub website: Option<String>,
    /// `github`.
    pub github: Option<String>,
    /// `short_description`.
    pub short_description: Option<String>,
    /// `highlighted_startups`.
    pub highlighted_startups: Vec<StartupId>,
    /// `hidden`: no page and no API metadata.
    pub hidden: bool,
    /// Keys the model does not know, in file order.
    pub extra: Extra,
    /// Markdown body.
    pub body: String,
}

impl Incubator {
    /// An incubator with a title and nothing else.
    #[must_use]
    pub fn new(id: IncubatorId, title: impl Into<String>) -> Self {
        Self {
            id,
            title: title.into(),
            owner: None,
            contact: None,
            address: None,
            website: None,
            github: None,
            short_description: None,
            highlighted_startups: Vec::new(),
            hidden: false,
            extra: Extra::default(),
            body: String::new(),
        }
    }

    /// The owner organisation id when `owner` is a `/organisations/<id>` reference.
    #[must_use]
    pub fn owner_organisation(&self) -> Option<&str> {
        self.owner.as_deref()?.strip_prefix("/organisations/")
    }
}

/// An organisation: a sponsoring administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// The id (file name without `.md`).
    pub id: OrganisationId,
    /// `name`.
    pub name: String,
    /// `acronym`.
    pub acronym: Option<String>,
    /// `type` (`administration-centrale`, `operateur`, ...).
    pub kind: Option<String>,
    /// `domaine_ministeriel`.
    pub domaine_ministeriel: Option<String>,
    /// Keys the model does not know, in file order.
    pub extra: Extra,
    /// Markdown body.
    pub body: String,
}

impl Organisation {
    /// An organisation with a name and nothing else.
    #[must_use]
    pub fn new(id: OrganisationId, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            acronym: None,
            kind: None,
            domaine_ministeriel: None,
            extra: Extra::default(),
            body: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn incubators_and_organisations_read_back_their_json() {
        let mut i = Incubator::new(IncubatorId::new("dinum").unwrap(), "Incubateur de la DINUM");
        i.owner = Some("/organisations/dinum".into());
        i.highlighted_startups = vec![StartupId::new("mes-aides").unwrap()];
        i.extra.insert("color", Value::String("#000091".into()));
        let back: Incubator = serde_json::from_str(&serde_json::to_string(&i).unwrap()).unwrap();
        assert_eq!(back, i);
        assert_eq!(back.owner_organisation(), Some("dinum"));
        let mut o = Organisation::new(OrganisationId::new("pole-emploi").unwrap(), "Pôle emploi");
        o.kind = Some("operateur".into());
        let back: Organisation = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
        assert_eq!(back, o);
    }
}
