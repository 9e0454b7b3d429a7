//! The native module of the Python package `betagouv` (`betagouv._native`), built with
//! PyO3 and maturin: the betagouv-rs crates for notebooks, with no Rust toolchain on the
//! user's side.
//!
//! The Python side (`python/betagouv/`) wraps what this module returns: tables as
//! pandas DataFrames when pandas is installed, results as frozen objects that print in
//! a notebook, amounts as `decimal.Decimal`. This module returns plain Python data
//! (dicts, lists, `str`, `int`, `float`, `datetime.date`, `None`) so that the wrapping
//! stays in Python, where the optional pandas is.
//!
//! Every read and every long computation runs with the GIL released
//! ([`Python::detach`]): other Python threads go on meanwhile.
#![deny(missing_docs)]

use pyo3::prelude::*;

mod convert;
mod errors;
mod funding;
mod impact;
mod portfolio;

/// `betagouv._native`: the functions and classes the `betagouv` package wraps.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    portfolio::register(m)?;
    impact::register(m)?;
    funding::register(m)?;
    Ok(())
}
