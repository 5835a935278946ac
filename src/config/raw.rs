//! The config file exactly as an admin writes it: serde structs, no logic.
//!
//! Every struct denies unknown keys so that a typo is reported instead of ignored.
//! Checking meaning (addresses, templates, paths) is `check.rs`'s job, not this file's.

use serde::Deserialize;
use std::path::PathBuf;

/// `[store]`: where the ticket store lives.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Store {
    /// Folder of the sled database.
    pub path: PathBuf,
}

/// `[spool]`: the Maildir that `loket ingest` writes and the daemon reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spool {
    /// Maildir folder (with `new/`, `cur/`, `tmp/`).
    pub path: PathBuf,
    /// How often the daemon looks for new files, e.g. `"500ms"`.
    #[serde(default)]
    pub poll_interval: Option<String>,
}

/// `[outbox]`: how outgoing mail leaves; the `transport` key picks the variant.
#[derive(Debug, Deserialize)]
#[serde(tag = "transport", rename_all = "lowercase", deny_unknown_fields)]
pub enum Outbox {
    /// Write each mail as an `.eml` file into a folder.
    File {
        /// Folder that receives the files.
        path: PathBuf,
    },
}

/// `[control]`: the local socket through which the CLI talks to a running daemon.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// Path of the Unix socket.
    pub socket: PathBuf,
}

/// `[intake]`: how the daemon takes in mail.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// Messages committed together before one flush to disk.
    pub batch_size: Option<u32>,
    /// Attempts at a message that fails before it is quarantined.
    pub max_attempts: Option<u32>,
}

/// `[limits]`: the brakes against mail loops and floods.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Automatic replies one address may receive per hour.
    pub auto_replies_per_sender_per_hour: Option<u32>,
    /// Automatic replies the whole daemon may send per minute.
    pub auto_replies_per_minute: Option<u32>,
}

/// `[templates]`: where the mail templates are.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// Folder of the templates, relative to the config file's folder.
    pub path: PathBuf,
}

/// `[desk.<id>]`: one support address and how it presents itself.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Desk {
    /// Name shown to customers, e.g. "Support".
    pub name: String,
    /// The support address customers write to.
    pub address: String,
    /// Subject tag prefix: `HD` gives `[HD #42]`.
    pub tag: String,
    /// Language of the desk's templates: `en` or `id`.
    pub language: String,
}
