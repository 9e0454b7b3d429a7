//! `betagouv.impact`'s native functions (see python/betagouv/impact.py).

use pyo3::prelude::*;

pub(crate) fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
