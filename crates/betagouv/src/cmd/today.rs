//! "Today": the date in Europe/Paris, the one notion of the current date of every
//! command (`--at` of `portfolio snapshot` and `export` on a content folder). The
//! libraries never read the clock: the binary reads it here and passes the date. The
//! Paris rule itself is [`betagouv_portfolio::paris`].

use chrono::{NaiveDate, Utc};

/// Today's date in Europe/Paris.
pub(crate) fn today() -> NaiveDate {
    betagouv_portfolio::paris::date_at(Utc::now())
}
