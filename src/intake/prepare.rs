//! Making arrivals ready for the worker, on the intake's side and in parallel: each mail
//! is written to the journal (on disk before it is submitted) and parsed and classified,
//! so that the single writer only threads, decides and commits.

use super::Arrival;
use crate::config::Policy;
use crate::mail::{self, Class, Mail};
use crate::shutdown::panic_text;
use crate::store::{self, MailHash, Staged, Store};
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// How many mails of a batch are written and parsed at once. fdatasync waits for the
/// disk, not the CPU, and the file system commits concurrent syncs together, so more
/// threads than cores pay off here.
const THREADS: usize = 8;

/// Texts that stay longer than this compressed go to the journal beside the raw mail
/// (written here, in parallel), so that the message's record fits a sled page
/// (`store::value`, 4 KiB with the rest of the record) without the single writer
/// having to sync a file of its own for it.
const TEXT_TO_JOURNAL: usize = 3 * 1024;

/// A mail as read: what the worker decides on.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The parsed mail.
    pub mail: Mail,
    /// Person, automatic or bounce.
    pub class: Class,
    /// The journal file of the mail's text, when it is long.
    pub text_file: Option<MailHash>,
}

/// An arrival on disk in the journal and read.
#[derive(Debug)]
pub struct Prepared {
    /// The arrival itself.
    pub arrival: Arrival,
    /// Its journal file.
    pub staged: Staged,
    /// The mail, or why reading it panicked (the worker counts that as a failed attempt).
    pub reading: Result<Reading, String>,
}

/// What preparing needs: the journal (in the store) and which addresses are Loket's own.
#[derive(Clone)]
pub struct Preparer {
    /// The store whose journal takes the mail.
    pub store: Store,
    /// The desks' addresses, for classifying.
    pub policy: Arc<Policy>,
}

impl Preparer {
    /// Writes every arrival to the journal and reads it, in parallel; returns once the
    /// files and their names are on disk. An `Err` means the journal could not be
    /// written: nothing may be submitted, and the source keeps the mail.
    pub fn prepare(&self, arrivals: Vec<Arrival>) -> io::Result<Vec<Prepared>> {
        let chunk = arrivals.len().div_ceil(THREADS).max(1);
        let mut arrivals = arrivals;
        let mut chunks = Vec::new();
        while arrivals.len() > chunk {
            let rest = arrivals.split_off(chunk);
            chunks.push(std::mem::replace(&mut arrivals, rest));
        }
        chunks.push(arrivals);
        let prepared: Vec<io::Result<Vec<Prepared>>> = std::thread::scope(|scope| {
            let workers: Vec<_> = chunks
                .into_iter()
                .map(|chunk| scope.spawn(move || self.prepare_chunk(chunk)))
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join()
                        .unwrap_or_else(|p| Err(io::Error::other(panic_text(&*p))))
                })
                .collect()
        });
        let mut all = Vec::new();
        for chunk in prepared {
            all.extend(chunk?);
        }
        self.store.journal().sync_new()?;
        if let Some(pause) = self.policy.testing.journal_pause {
            std::thread::sleep(pause);
        }
        Ok(all)
    }

    fn prepare_chunk(&self, arrivals: Vec<Arrival>) -> io::Result<Vec<Prepared>> {
        arrivals
            .into_iter()
            .map(|mut arrival| {
                let limit = self.policy.intake.max_message_size;
                let files = &self.policy.intake.files;
                let kept = mail::parse::kept_part(&arrival.raw, limit);
                let mut reading = catch_unwind(AssertUnwindSafe(|| match kept {
                    Some(kept) => self.classified(mail::parse::parse_oversized(
                        &arrival.raw,
                        kept,
                        limit,
                        files,
                    )),
                    None => self.classified(mail::parse::parse_within(&arrival.raw, files)),
                }))
                .map_err(|p| panic_text(&*p));
                // Only what the limit allows is stored; the whole mail was read above.
                if let Some(kept) = kept {
                    arrival.raw.truncate(kept);
                    arrival.raw.shrink_to_fit();
                }
                let staged = self.store.journal().stage(&arrival.raw)?;
                if let Ok(read) = &mut reading {
                    let text = read.mail.text.as_bytes();
                    if text.len() > TEXT_TO_JOURNAL && store::packed_size(text) > TEXT_TO_JOURNAL {
                        read.text_file = Some(self.store.journal().put_settled(text)?);
                    }
                }
                Ok(Prepared {
                    arrival,
                    staged,
                    reading,
                })
            })
            .collect()
    }

    fn classified(&self, mail: mail::Mail) -> Reading {
        let class = mail::classify(&mail, |a| self.policy.is_own_address(a));
        Reading {
            mail,
            class,
            text_file: None,
        }
    }
}
