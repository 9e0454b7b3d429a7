//! Integration tests of betagouv-output. `remove_temporaries` closes the process-wide
//! registry for good, so this binary holds only the interrupt test.

mod interrupt;
