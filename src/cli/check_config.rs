//! `loket check-config`: validate the config file, print every problem, exit 0 only when valid.

use super::exit;
use crate::config;
use std::path::Path;

/// Runs the check.
pub fn run(explicit: Option<&Path>) -> u8 {
    let path = match config::locate(explicit) {
        Ok(path) => path,
        Err(e) => {
            eprintln!("loket: {e}");
            return exit::CONFIG;
        }
    };
    match config::load(&path) {
        Ok(policy) => {
            say!("{}: ok ({} desk(s))", path.display(), policy.desks.len());
            0
        }
        Err(e) => {
            for line in e.lines() {
                eprintln!("{line}");
            }
            exit::CONFIG
        }
    }
}
