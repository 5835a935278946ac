//! One IMAP mailbox: connect, read new mail by UID, hand it to the worker, and
//! acknowledge it (flag \Seen, or move) only after the worker says it is safe.
//!
//! What is new is decided by UID, never by \Seen or by date: a person reading the
//! support mailbox in their own client cannot make mail vanish. UIDVALIDITY and the last
//! UID taken in are kept in the store. The task reconnects with capped, jittered backoff
//! and logs one line per change of state, never one per retry.

mod connection;

use super::{submit, Arrival, Batch, Preparer, Receipt};
use crate::config::policy::MailboxPolicy;
use crate::store::{self, Store, SyncState};
pub use connection::Error;
use connection::{Capabilities, Session};
use futures_util::TryStreamExt;
use std::collections::BTreeSet;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

/// IDLE is re-issued before the server's 30-minute limit (RFC 2177 asks for 29).
const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);
/// The longest pause between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Everything a mailbox task needs; `I` is the worker's input type.
pub struct MailboxTask<I> {
    /// What to read and how.
    pub policy: MailboxPolicy,
    /// Where the sync state lives.
    pub store: Store,
    /// The worker's queue.
    pub worker: mpsc::Sender<I>,
    /// Writes fetched mail to the journal and reads it before it is submitted.
    pub preparer: Preparer,
    /// Messages per batch.
    pub batch_size: usize,
    /// Cancelled when the daemon stops.
    pub stop: CancellationToken,
}

/// How a session ended without an error.
enum Ended {
    Stopped,
}

impl<I: From<Batch> + Send + 'static> MailboxTask<I> {
    /// Runs until the daemon stops, reconnecting after every failure.
    pub async fn run(self) {
        let mut failures: u32 = 0;
        let mut last_problem: Option<String> = None;
        while !self.stop.is_cancelled() {
            let problem = match self.session(&mut failures, &mut last_problem).await {
                Ok(Ended::Stopped) => break,
                Err(e) => e,
            };
            failures += 1;
            self.report(&problem, &mut last_problem);
            let pause = backoff(failures);
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = self.stop.cancelled() => break,
            }
        }
    }

    /// Logs a problem only when it differs from the last one logged.
    fn report(&self, problem: &Error, last: &mut Option<String>) {
        let text = problem.to_string();
        // Dovecot ends its answers with how long they took: "(0.001 + 0.000 secs)".
        let gist = without_timings(&text);
        if last.as_deref() == Some(gist.as_str()) {
            return;
        }
        let mailbox = &self.policy.id;
        if problem.is_fatal_for_now() {
            error!(mailbox = %mailbox, error = %text, "mailbox cannot be read; fix the config, retrying");
        } else {
            warn!(mailbox = %mailbox, error = %text, "mailbox disconnected; reconnecting");
        }
        *last = Some(gist);
    }

    async fn session(&self, failures: &mut u32, last: &mut Option<String>) -> Result<Ended, Error> {
        let mut session = Session::connect(&self.policy).await?;
        let uidvalidity = session.select(&self.policy.folder).await?;
        let caps = session.capabilities().await?;
        let move_to = match &self.policy.move_to {
            Some(folder) => Some(session.ensure_folder(folder).await.map_err(|e| match e {
                Error::Folder { folder, message } => Error::Folder {
                    folder,
                    message: format!("{message} (mailbox.{}.move_to)", self.policy.id),
                },
                other => other,
            })?),
            None => None,
        };
        info!(mailbox = %self.policy.id, folder = %self.policy.folder, uidvalidity,
            idle = caps.idle && self.policy.idle, "mailbox connected");
        *failures = 0;
        *last = None;
        let mut sync = self.start_state(uidvalidity)?;
        loop {
            self.take_new(&mut session, &caps, move_to.as_deref(), &mut sync)
                .await?;
            if self.stop.is_cancelled() {
                session.logout().await;
                return Ok(Ended::Stopped);
            }
            self.wait_for_news(&mut session, &caps).await?;
        }
    }

    /// Where to resume: the stored state, unless UIDVALIDITY changed (then from the start;
    /// the duplicate check keeps that from opening tickets twice).
    fn start_state(&self, uidvalidity: u32) -> Result<SyncState, Error> {
        let stored = self.store.sync_state(&self.policy.id)?;
        match stored {
            Some(state) if state.uidvalidity == uidvalidity => Ok(state),
            Some(state) => {
                error!(mailbox = %self.policy.id, old = state.uidvalidity, new = uidvalidity,
                    "UIDVALIDITY changed; reading the whole folder again (duplicates are ignored)");
                Ok(SyncState {
                    uidvalidity,
                    last_uid: 0,
                })
            }
            None => Ok(SyncState {
                uidvalidity,
                last_uid: 0,
            }),
        }
    }

    /// Reads every message above the last UID, batch by batch, until none is left.
    async fn take_new(
        &self,
        session: &mut Session,
        caps: &Capabilities,
        move_to: Option<&str>,
        sync: &mut SyncState,
    ) -> Result<(), Error> {
        loop {
            let uids = session.uids_after(sync.last_uid).await?;
            if uids.is_empty() || self.stop.is_cancelled() {
                return Ok(());
            }
            let mut progressed = false;
            for chunk in uids.chunks(self.batch_size) {
                let Some(safe) = self.hand_over(session, chunk).await? else {
                    return Ok(());
                };
                session.acknowledge(&safe, move_to, caps).await?;
                let advanced = self.advance(sync, chunk, &safe)?;
                progressed |= advanced.moved;
                if !advanced.whole_chunk {
                    // A message of this chunk is to be tried again: the last UID stays
                    // before it, so the next round fetches it (and what follows) again.
                    break;
                }
            }
            if !progressed {
                // Every message failed this round; the worker counts attempts, so a
                // message that keeps failing is quarantined and stops blocking.
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }

    /// Fetches a chunk of UIDs and waits until the worker has them safe.
    async fn hand_over(
        &self,
        session: &mut Session,
        uids: &[u32],
    ) -> Result<Option<Vec<u32>>, Error> {
        let fetched = session.fetch(uids).await?;
        let arrivals: Vec<Arrival> = fetched
            .into_iter()
            .map(|(uid, raw)| Arrival {
                raw,
                receipt: Receipt::Imap {
                    mailbox: self.policy.id.clone(),
                    uid,
                },
                desk: self.policy.desk.clone(),
            })
            .collect();
        if arrivals.is_empty() {
            return Ok(Some(Vec::new()));
        }
        let Some(safe) = submit(&self.worker, &self.preparer, arrivals).await else {
            return Ok(None);
        };
        Ok(Some(
            safe.iter()
                .filter_map(|r| imap_uid(r, &self.policy.id))
                .collect(),
        ))
    }

    /// Moves the last UID past every message of the chunk that is safe, stopping at the
    /// first one that is not (it will be fetched and tried again).
    fn advance(
        &self,
        sync: &mut SyncState,
        chunk: &[u32],
        safe: &[u32],
    ) -> store::Result<Advanced> {
        let before = sync.last_uid;
        let advanced = advance_over(&mut sync.last_uid, chunk, safe);
        if sync.last_uid != before {
            self.store.set_sync_state(&self.policy.id, sync)?;
        }
        Ok(advanced)
    }

    /// Waits for new mail: IDLE when possible, else a poll interval.
    async fn wait_for_news(&self, session: &mut Session, caps: &Capabilities) -> Result<(), Error> {
        // The server may have told of new mail in its answer to the last command (an
        // EXISTS beside the STORE's reply): then there is no waiting, or that mail would
        // wait for the next one.
        if session.heard_of_new_mail() {
            return Ok(());
        }
        if let Some(pause) = self.preparer.policy.testing.idle_pause {
            tokio::time::sleep(pause).await;
        }
        if caps.idle && self.policy.idle {
            session.idle(IDLE_RENEW, &self.stop).await
        } else {
            tokio::select! {
                () = tokio::time::sleep(self.policy.poll_interval) => Ok(()),
                () = self.stop.cancelled() => Ok(()),
            }
        }
    }
}

/// A server's answer without the timings some servers add to it, so that one problem
/// told twice reads the same.
fn without_timings(text: &str) -> String {
    let timing =
        regex::Regex::new(r"\s*\(\d+\.\d+( \+ \d+\.\d+)* secs\)").expect("a valid pattern");
    timing.replace_all(text, "").into_owned()
}

/// How far a chunk's safe messages moved the last UID.
struct Advanced {
    /// It moved.
    moved: bool,
    /// Every message of the chunk was safe: the next chunk may follow. When one was not,
    /// later chunks must wait for the next round, or the last UID would pass it by and
    /// it would never be fetched again.
    whole_chunk: bool,
}

/// Moves `last_uid` over the chunk's UIDs up to the first that is not safe.
fn advance_over(last_uid: &mut u32, chunk: &[u32], safe: &[u32]) -> Advanced {
    let safe: BTreeSet<u32> = safe.iter().copied().collect();
    let before = *last_uid;
    let mut whole_chunk = true;
    for uid in chunk {
        if !safe.contains(uid) {
            whole_chunk = false;
            break;
        }
        *last_uid = *uid;
    }
    Advanced {
        moved: *last_uid != before,
        whole_chunk,
    }
}

fn imap_uid(receipt: &Receipt, mailbox: &str) -> Option<u32> {
    match receipt {
        Receipt::Imap { mailbox: m, uid } if m == mailbox => Some(*uid),
        _ => None,
    }
}

/// 1 s, 2 s, 4 s … capped at five minutes, with up to a quarter of jitter so that many
/// mailboxes on one server do not reconnect in step.
fn backoff(failures: u32) -> Duration {
    let base = Duration::from_secs(1u64 << failures.saturating_sub(1).min(9)).min(MAX_BACKOFF);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_nanos();
    let jitter = base.mul_f64(f64::from(nanos % 1000) / 4000.0);
    base + jitter
}

/// Drains an async-imap response stream, keeping nothing: for commands whose answer
/// Loket does not need beyond success.
async fn drain<S, T>(stream: S) -> Result<(), async_imap::error::Error>
where
    S: futures_util::Stream<Item = Result<T, async_imap::error::Error>>,
{
    futures_util::pin_mut!(stream);
    while stream.try_next().await?.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{advance_over, backoff};
    use std::time::Duration;

    #[test]
    fn a_message_to_retry_stops_the_last_uid_and_the_chunks_after_it() {
        let mut last_uid = 0;
        let first = advance_over(&mut last_uid, &[1, 2, 3], &[1, 3]);
        assert_eq!(last_uid, 1, "stops before UID 2, which is tried again");
        assert!(first.moved && !first.whole_chunk);
        let again = advance_over(&mut last_uid, &[2, 3], &[2, 3]);
        assert_eq!(last_uid, 3);
        assert!(again.moved && again.whole_chunk);
        let none = advance_over(&mut last_uid, &[4], &[]);
        assert!(!none.moved && !none.whole_chunk);
    }

    #[test]
    fn backoff_grows_and_is_capped_with_bounded_jitter() {
        let first = backoff(1);
        assert!(first >= Duration::from_secs(1) && first <= Duration::from_millis(1250));
        assert!(backoff(4) >= Duration::from_secs(8));
        let capped = backoff(50);
        assert!(capped >= Duration::from_secs(300) && capped <= Duration::from_secs(375));
    }

    #[test]
    fn one_problem_told_twice_reads_the_same_without_the_servers_timings() {
        let first = "CREATE: No Response: Name must not have '/' characters. (0.001 + 0.000 secs).";
        let again =
            "CREATE: No Response: Name must not have '/' characters. (0.002 + 0.000 + 0.001 secs).";
        assert_eq!(super::without_timings(first), super::without_timings(again));
        assert!(!super::without_timings(first).contains("secs"));
    }
}
