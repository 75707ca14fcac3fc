//! The progress bar every phase shows on stderr.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar of `len` steps labelled `what`.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    // The template is a constant known to parse.
    let style = ProgressStyle::with_template(
        "{prefix:>12} [{elapsed_precise}] {wide_bar} {pos}/{len} {per_sec} {msg}",
    )
    .expect("valid template");
    bar.set_style(style);
    bar.set_prefix(what.to_owned());
    bar
}
