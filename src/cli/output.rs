//! Standard output for the commands that print: a closed pipe is the reader's choice,
//! not an error.

use super::exit;
use std::fmt;
use std::io::{self, Write};

/// Writes one line (see `say!`): exits 0 when the reader has gone, 74 when standard
/// output cannot be written for another reason.
pub fn line(args: fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}") {
        gone(&e);
    }
}

/// Ends the command after a failed write to standard output.
pub fn gone(error: &io::Error) -> ! {
    if error.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("loket: cannot write to standard output: {error}");
    std::process::exit(exit::IO_ERROR.into());
}

/// A progress line on standard error, redrawn in place, shown only on a terminal.
pub struct Progress {
    what: &'static str,
    shown: bool,
    last: std::time::Instant,
}

impl Progress {
    /// A progress line for `what` ("indexing tickets").
    pub fn new(what: &'static str) -> Progress {
        Progress {
            what,
            shown: false,
            last: std::time::Instant::now(),
        }
    }

    /// Shows `done` of `total`, at most ten times a second.
    pub fn show(&mut self, done: u64, total: u64) {
        use std::io::IsTerminal;
        if !io::stderr().is_terminal() || (self.shown && self.last.elapsed().as_millis() < 100) {
            return;
        }
        let width = 30;
        let filled = (done * width)
            .checked_div(total)
            .unwrap_or(width)
            .min(width) as usize;
        eprint!(
            "\r{} [{}{}] {done}/{total}",
            self.what,
            "#".repeat(filled),
            " ".repeat(width as usize - filled)
        );
        self.shown = true;
        self.last = std::time::Instant::now();
    }

    /// Ends the line, if one was shown.
    pub fn finish(&mut self) {
        if self.shown {
            eprintln!();
        }
    }
}
