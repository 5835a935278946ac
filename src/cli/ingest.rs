//! `loket ingest`: one message on standard input → the spool, safely, for MTA pipes.
//!
//! Exit 0 only once the message is on disk; 75 (EX_TEMPFAIL) when it could not be
//! written, so that the MTA keeps the message and retries instead of losing it.

use super::exit;
use crate::config;
use crate::intake::spool::Spool;
use std::io::Read;
use std::path::Path;

/// Runs the ingest.
pub fn run(explicit: Option<&Path>) -> u8 {
    // A config that cannot be read is a temporary failure here: the MTA must keep the mail
    // while the admin fixes the file.
    let policy = match config::locate(explicit).and_then(|path| config::load(&path)) {
        Ok(policy) => policy,
        Err(e) => {
            for line in e.lines() {
                eprintln!("loket ingest: {line}");
            }
            return exit::TEMPFAIL;
        }
    };
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut raw) {
        eprintln!("loket ingest: cannot read standard input: {e}");
        return exit::TEMPFAIL;
    }
    if raw.is_empty() {
        eprintln!("loket ingest: standard input was empty; nothing to deliver");
        return exit::DATA;
    }
    match Spool::new(&policy.spool.path).deliver(&raw) {
        Ok(_) => 0,
        Err(e) => {
            eprintln!(
                "loket ingest: cannot write into the spool at {}: {e}",
                policy.spool.path.display()
            );
            exit::TEMPFAIL
        }
    }
}
