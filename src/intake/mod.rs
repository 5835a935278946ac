//! Sources of mail and the promise each makes: a message leaves its source only after
//! the store has durably committed it.
//!
//! A source turns what arrives into an `Arrival`: the raw bytes and a `Receipt`.
//! The worker acknowledges the receipt after the flush that made the message durable.

pub mod spool;

use std::fmt;
use std::path::PathBuf;

/// Proof of where a message came from, used to acknowledge it once it is safe.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Receipt {
    /// A file in the Maildir spool; acknowledging removes it.
    Spool(PathBuf),
}

impl Receipt {
    /// Tells the source that the message is safely stored.
    pub fn acknowledge(&self) -> std::io::Result<()> {
        match self {
            Receipt::Spool(path) => spool::remove(path),
        }
    }
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Receipt::Spool(path) => write!(
                f,
                "spool:{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ),
        }
    }
}

/// A message as it arrived, not yet stored.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Its exact bytes.
    pub raw: Vec<u8>,
    /// How to acknowledge it.
    pub receipt: Receipt,
}
