//! Integration tests of betagouv-export.
