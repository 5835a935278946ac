//! Sources of mail and the promise each makes: a message leaves its source only after
//! the store has durably committed it.
//!
//! A source turns what arrives into `Arrival`s (raw bytes and a `Receipt`), has them
//! written to the journal and read (`prepare`), and submits them as a `Batch` to the
//! worker. The worker answers with the receipts that are safe (committed and flushed,
//! or recognised as duplicates, or quarantined), and only then does the source
//! acknowledge them: remove the spool file, flag or move the IMAP message.

pub mod imap;
pub mod prepare;
pub mod spool;

pub use prepare::{Prepared, Preparer, Reading};

use crate::store::MailHash;
use crate::types::DeskId;
use std::fmt;
use std::path::PathBuf;
use tokio::sync::{mpsc, oneshot};

/// Proof of where a message came from, used to acknowledge it once it is safe.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Receipt {
    /// A file in the Maildir spool; acknowledging removes it.
    Spool(PathBuf),
    /// A message in an IMAP mailbox; acknowledging flags or moves it.
    Imap {
        /// The mailbox's config id.
        mailbox: String,
        /// The message's UID.
        uid: u32,
    },
    /// A journal file that start-up found with no record (a crash came between writing
    /// it and the commit); it is its own source, and nothing needs acknowledging.
    Journal(MailHash),
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Receipt::Spool(path) => {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                write!(f, "spool:{name}")
            }
            Receipt::Imap { mailbox, uid } => write!(f, "imap:{mailbox}:{uid}"),
            Receipt::Journal(hash) => write!(f, "journal:{hash}"),
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
    /// The desk its source belongs to, when the source says.
    pub desk: Option<DeskId>,
}

/// Prepared arrivals handed to the worker, with the way back for the safe receipts.
#[derive(Debug)]
pub struct Batch {
    /// The messages.
    pub arrivals: Vec<Prepared>,
    /// Receives the receipts that may now be acknowledged.
    pub done: oneshot::Sender<Vec<Receipt>>,
}

/// Prepares arrivals, hands them to the worker and waits until they are safe. `None`
/// when the worker has stopped; an empty list when the journal could not take them
/// (logged): in both cases nothing may be acknowledged. The worker's queue carries more
/// than mail, so it takes anything a `Batch` converts into.
pub async fn submit<I: From<Batch>>(
    worker: &mpsc::Sender<I>,
    preparer: &Preparer,
    arrivals: Vec<Arrival>,
) -> Option<Vec<Receipt>> {
    let count = arrivals.len();
    let preparing = preparer.clone();
    let prepared = tokio::task::spawn_blocking(move || preparing.prepare(arrivals)).await;
    let prepared = match prepared {
        Ok(Ok(prepared)) => prepared,
        Ok(Err(e)) => {
            tracing::error!(error = %e, messages = count, "cannot write mail to the journal; it stays at its source");
            return Some(Vec::new());
        }
        Err(e) => {
            tracing::error!(error = %e, messages = count, "preparing mail failed; it stays at its source");
            return Some(Vec::new());
        }
    };
    let (done, safe) = oneshot::channel();
    let batch = Batch {
        arrivals: prepared,
        done,
    };
    worker.send(batch.into()).await.ok()?;
    safe.await.ok()
}
