//! The daemon's clock: the system time, or in test builds the system time moved on by an
//! offset read from a file, so that tests can let days pass in a second.

use crate::config::policy::TestingPolicy;
use crate::types::Timestamp;
use std::path::PathBuf;

/// Where the edges read the time; the engine is always given it.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_file: Option<PathBuf>,
}

impl Clock {
    /// The clock the config asks for (`[testing] clock_offset_file` in test builds).
    pub fn new(testing: &TestingPolicy) -> Clock {
        Clock {
            offset_file: testing.clock_offset_file.clone(),
        }
    }

    /// Now, as the daemon sees it.
    pub fn now(&self) -> Timestamp {
        let now = Timestamp::now();
        match &self.offset_file {
            Some(path) => Timestamp(now.0 + read_offset(path)),
            None => now,
        }
    }
}

/// Seconds in the file; a missing or unreadable file is no offset (the test writes it
/// when it wants time to pass).
fn read_offset(path: &std::path::Path) -> i64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_file_moves_the_clock_on() {
        let folder = tempfile::tempdir().expect("tempdir");
        let file = folder.path().join("offset");
        let clock = Clock::new(&TestingPolicy {
            clock_offset_file: Some(file.clone()),
            ..TestingPolicy::default()
        });
        let before = clock.now();
        std::fs::write(&file, "86400\n").expect("write");
        let after = clock.now();
        assert!(after.0 - before.0 >= 86400, "{before:?} → {after:?}");
        assert!(after.0 - before.0 < 86400 + 60);
    }
}
