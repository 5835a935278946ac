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
