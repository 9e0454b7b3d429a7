//! Progress of a running job, shared by every crate that reports it.

/// A step of a running job, for progress display: `done` of `total` steps, the
/// last one named `label` (a file, a table). Readers
/// (`betagouv_content::read::ReadOptions::with_progress`) and writers
/// (`betagouv_export::export_with_progress`) report with this one type.
///
/// ```
/// use betagouv_output::Progress;
/// let p = Progress { done: 3, total: 10, label: "startups.csv" };
/// assert_eq!(p.to_string(), "3/10 startups.csv");
/// ```
// Not `#[non_exhaustive]`: producers in other crates build it with a literal; a new
// piece of information would be a new type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Progress<'a> {
    /// Steps done so far.
    pub done: usize,
    /// Steps in all.
    pub total: usize,
    /// What was just done (a file or table name; may be empty).
    pub label: &'a str,
}

impl std::fmt::Display for Progress<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.done, self.total)?;
        if !self.label.is_empty() {
            write!(f, " {}", self.label)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Progress;

    #[test]
    fn fraction_and_display() {
        let p = Progress {
            done: 0,
            total: 0,
            label: "",
        };
        assert_eq!(p.to_string(), "0/0");
        let p = Progress {
            done: 5,
            total: 4,
            label: "x",
        };
        assert_eq!(p.to_string(), "5/4 x");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip() {
        let p = Progress {
            done: 2,
            total: 7,
            label: "members.csv",
        };
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#"{"done":2,"total":7,"label":"members.csv"}"#);
        let back: Progress<'_> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
    }
}
