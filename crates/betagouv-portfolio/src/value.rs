//! An ordered value type for keys the model does not know.
//!
//! Content files keep growing new keys (`impact_url`, `contact_dinum`, ...).
//! Records keep them in a side map, [`Extra`], with their value, type and
//! order, so a reader can write them back unchanged. Unlike `serde_json::Value`
//! it keeps dates as dates, mappings in file order and numbers as written.
//!
//! ```
//! use betagouv_portfolio::{Extra, Value};
//! let mut extra = Extra::default();
//! extra.insert("impact_url", Value::String("https://example.org/impact".into()));
//! extra.insert("promotion", Value::Number("12".into()));
//! assert_eq!(extra.keys().collect::<Vec<_>>(), ["impact_url", "promotion"]);
//! assert_eq!(extra.get("promotion"), Some(&Value::Number("12".into())));
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A YAML-like value, in file order, with dates kept as dates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum Value {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written (`12`, `-3.5`, `1e3`); never converted to a float.
    Number(String),
    /// A text.
    String(String),
    /// A date written as a plain `YYYY-MM-DD` scalar.
    Date(NaiveDate),
    /// A sequence.
    Seq(Vec<Value>),
    /// A mapping, in file order (keys are texts).
    Map(Vec<(String, Value)>),
}

impl Value {
    /// The text, when the value is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// A short name of the value's type, for messages (`"string"`, `"date"`, ...).
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "boolean",
            Self::Number(_) => "number",
            Self::String(_) => "string",
            Self::Date(_) => "date",
            Self::Seq(_) => "list",
            Self::Map(_) => "mapping",
        }
    }
}

/// Keys a record has beyond its modelled fields, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extra(Vec<(String, Value)>);

impl Extra {
    /// Adds `key`, or replaces its value in place when it is already there (last wins).
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        if let Some(slot) = self.0.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = value;
        } else {
            self.0.push((key, value));
        }
    }

    /// The value of `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Removes `key` and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }

    /// The keys, in file order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The entries, in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no key.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<T: IntoIterator<Item = (String, Value)>>(iter: T) -> Self {
        let mut e = Self::default();
        for (k, v) in iter {
            e.insert(k, v);
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_wins_in_place() {
        let e: Extra = [
            ("a".to_owned(), Value::Null),
            ("b".to_owned(), Value::Bool(true)),
            ("a".to_owned(), Value::Number("1".into())),
        ]
        .into_iter()
        .collect();
        assert_eq!(e.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(e.get("a"), Some(&Value::Number("1".into())));
        assert_eq!(e.get("a").map(Value::type_name), Some("number"));
    }

    #[test]
    fn values_read_back_their_json_with_dates_and_order() {
        let date = NaiveDate::from_ymd_opt(2020, 2, 29).unwrap();
        let e: Extra = [
            ("z".to_owned(), Value::Date(date)),
            (
                "a".to_owned(),
                Value::Map(vec![
                    (
                        "y".to_owned(),
                        Value::Seq(vec![Value::Number("1e3".into())]),
                    ),
                    ("b".to_owned(), Value::Null),
                ]),
            ),
        ]
        .into_iter()
        .collect();
        let back: Extra = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.keys().collect::<Vec<_>>(), ["z", "a"]);
    }
}
