//! Rust values to Python data: any `Serialize` value through its JSON form (the same
//! keys as the command line's JSON contracts), dates as `datetime.date`.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;
use serde_json::Value;

/// `value` as Python data: objects as dicts (keys in the Rust order), arrays as lists,
/// numbers as `int` or `float`, `null` as `None`. A float that is not finite becomes
/// `None` (results never hold NaN).
///
/// # Errors
///
/// A value that serde cannot put in JSON (a map with non-string keys), as `ValueError`.
pub(crate) fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_value(value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    json_to_py(py, &json)
}

/// A result with its contract's `schema_version` first, then its own keys, then the
/// `source` of a commit when there is one: the shape of every JSON output of the
/// command line.
#[derive(Debug, Serialize)]
struct Versioned<'a, T: Serialize, S: Serialize> {
    schema_version: u32,
    #[serde(flatten)]
    body: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<S>,
}

/// `body` under the contract of version `schema_version` (and `source`), as Python
/// data (see [`to_py`]).
///
/// # Errors
///
/// As [`to_py`].
pub(crate) fn to_py_versioned<'py, T: Serialize, S: Serialize>(
    py: Python<'py>,
    schema_version: u32,
    body: &T,
    source: Option<S>,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(
        py,
        &Versioned {
            schema_version,
            body,
            source,
        },
    )
}

/// A JSON value as Python data (see [`to_py`]).
///
/// # Errors
///
/// Only what creating Python objects can raise (memory).
pub(crate) fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                match n.as_f64().filter(|f| f.is_finite()) {
                    Some(f) => f.into_pyobject(py)?.into_any(),
                    None => py.None().into_bound(py),
                }
            }
        }
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_become_python_data_and_nan_becomes_none() {
        Python::initialize();
        Python::attach(|py| {
            let v = serde_json::json!({"b": [1, -2, 2.5, null, true], "a": "x"});
            let o = json_to_py(py, &v).unwrap();
            assert_eq!(
                o.repr().unwrap().to_string(),
                "{'b': [1, -2, 2.5, None, True], 'a': 'x'}"
            );
            let nan = to_py(py, &[f64::NAN, f64::INFINITY, 1.0]).unwrap();
            assert_eq!(nan.repr().unwrap().to_string(), "[None, None, 1.0]");
        });
    }
}
