//! Integration tests of betagouv-portfolio: property tests of the time-travel and
//! snapshot invariants, and the built-in dataset's figures.

mod builtin;
mod invariants;
