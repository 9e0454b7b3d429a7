//! The one progress bar of the command line: on standard error, only when it is a
//! terminal (nothing on a pipe or in a file, so that logs and tests see no bar).

use std::io::IsTerminal;

use betagouv_content::read::{Progress, ReadOptions};
use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar, or nothing when standard error is not a terminal.
#[derive(Debug, Clone)]
pub(crate) struct Bar(Option<ProgressBar>);

impl Bar {
    /// A bar labelled `label` (`reading`, `csv`...); its length is given by the first
    /// [`Bar::update`].
    pub(crate) fn new(label: &str) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_prefix(label.to_owned());
        Self(Some(bar))
    }

    /// `done` of `total` steps, the current one named `message`.
    pub(crate) fn update(&self, done: usize, total: usize, message: &str) {
        if let Some(bar) = &self.0 {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            bar.set_message(message.to_owned());
        }
    }

    /// Clears the bar from the terminal.
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Read options of a content folder that move a `reading ... files` bar.
pub(crate) fn read_options(bar: &Bar) -> ReadOptions {
    let options = ReadOptions::default();
    if bar.0.is_some() {
        let bar = bar.clone();
        return options.with_progress(move |p: Progress<'_>| bar.update(p.done, p.total, "files"));
    }
    options
}
