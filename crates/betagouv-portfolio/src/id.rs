//! Validated identifiers of records: start-ups, members, incubators, organisations.
//!
//! An id is the record's file name without `.md`. Real ids contain capitals,
//! accents, dots and apostrophes (`e-inspé`, `FabNum-MI`, `covoit'scelles`), so
//! the rules are only those that keep an id usable as a file name and a
//! reference: not empty, at most 255 bytes, no `/` or `\`, no control
//! character, no leading or trailing white space, not `.` or `..`.
//!
//! ```
//! use betagouv_portfolio::StartupId;
//! let id: StartupId = "e-inspé".parse()?;
//! assert_eq!(id.as_str(), "e-inspé");
//! assert!("a/b".parse::<StartupId>().is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a text is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The id is empty.
    #[error("empty id")]
    Empty,
    /// The id is longer than 255 bytes.
    #[error("id of {0} bytes is longer than 255 bytes")]
    TooLong(usize),
    /// The id contains a character that cannot appear in a file name or reference.
    #[error("id {id:?} contains the forbidden character {ch:?}")]
    ForbiddenChar {
        /// The offending id.
        id: String,
        /// The offending character.
        ch: char,
    },
    /// The id starts or ends with white space, or is `.` / `..`.
    #[error("id {0:?} starts or ends with white space or is a dot path")]
    BadShape(String),
}

fn check_id(s: &str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    if s.len() > 255 {
        return Err(IdError::TooLong(s.len()));
    }
    if let Some(ch) = s
        .chars()
        .find(|c| *c == '/' || *c == '\\' || c.is_control())
    {
        return Err(IdError::ForbiddenChar {
            id: s.to_owned(),
            ch,
        });
    }
    if s.trim() != s || s == "." || s == ".." {
        return Err(IdError::BadShape(s.to_owned()));
    }
    Ok(())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks `id` and wraps it.
            ///
            /// # Errors
            ///
            /// [`IdError`] when the text breaks one of the id rules of this module.
            pub fn new(id: impl Into<String>) -> Result<Self, IdError> {
                let id = id.into();
                check_id(&id)?;
                Ok(Self(id))
            }

            /// The id as text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::new(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// Id of a start-up (its file name without `.md`), e.g. `la-bonne-boite`.
    StartupId
);
id_type!(
    /// Id of a member (pattern `firstname.lastname`, pseudonymised as `member-0001` in test data).
    MemberId
);
id_type!(
    /// Id of an incubator, e.g. `dinum`, `FabNum-MI`.
    IncubatorId
);
id_type!(
    /// Id of an organisation (a sponsor), e.g. `pole-emploi`, `DIPLP`.
    OrganisationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_ids() {
        for s in [
            "covoit'scelles",
            "Plateforme-CSIRT",
            "e-inspé",
            "FabNum-MI",
            "a.b",
        ] {
            assert_eq!(StartupId::new(s).map(|i| i.to_string()), Ok(s.to_owned()));
        }
    }

    #[test]
    fn rejects_bad_ids() {
        assert_eq!(StartupId::new(""), Err(IdError::Empty));
        assert!(matches!(
            StartupId::new("a/b"),
            Err(IdError::ForbiddenChar { ch: '/', .. })
        ));
        assert!(matches!(StartupId::new(" a"), Err(IdError::BadShape(_))));
        assert!(matches!(StartupId::new(".."), Err(IdError::BadShape(_))));
        assert!(matches!(
            StartupId::new("x".repeat(300)),
            Err(IdError::TooLong(300))
        ));
        assert!(matches!(
            MemberId::new("a\nb"),
            Err(IdError::ForbiddenChar { .. })
        ));
    }

    #[test]
    fn serde_checks() {
        let ok: Result<StartupId, _> = serde_json::from_str("\"mes-aides\"");
        assert!(ok.is_ok());
        let bad: Result<StartupId, _> = serde_json::from_str("\"a/b\"");
        assert!(bad.is_err());
    }
}
