//! Keeps the search index up to date with the store, on a thread of its own so that
//! intake never waits for it. Every commit marks the tickets it changed (see
//! `store::indexing`); this thread takes the marked tickets in, a few hundred at a time,
//! and clears the marks once tantivy has committed them. An index that is missing, of
//! another schema or half built is built again from the store first; until then search
//! says so, and notifications list no similar tickets.

use crate::config::Policy;
use crate::search::{Completeness, Entry, SearchIndex, Source};
use crate::store::{self, Store};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

/// How long the indexer rests when nothing waits.
const REST: Duration = Duration::from_millis(200);

/// Most tickets taken in per tantivy commit.
const ROUND: usize = 2000;

/// How long marked tickets may wait for a round that is not full.
const COMMIT_EVERY: Duration = Duration::from_secs(2);

/// The search index as the daemon shares it: the worker asks it for similar tickets and
/// answers, the control socket for searches, the indexer thread writes it.
pub struct Knowledge {
    index: SearchIndex,
    ready: AtomicBool,
    rebuild: AtomicBool,
    built: AtomicU64,
    to_build: AtomicU64,
}

/// Where a build from the store stands, for `loket search` while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Building {
    /// Tickets taken in so far.
    pub done: u64,
    /// Tickets in all.
    pub total: u64,
}

impl Knowledge {
    /// Opens (or makes) the index named by the policy. `None` when that fails: Loket
    /// runs on without search, and says why.
    pub fn open(policy: &Policy) -> Option<Arc<Knowledge>> {
        let path = &policy.knowledge.index;
        match SearchIndex::open(path) {
            Ok((index, completeness)) => Some(Arc::new(Knowledge {
                index,
                ready: AtomicBool::new(completeness == Completeness::Complete),
                rebuild: AtomicBool::new(completeness == Completeness::NeedsBuild),
                built: AtomicU64::new(0),
                to_build: AtomicU64::new(0),
            })),
            Err(e) => {
                error!(error = %e, index = %path.display(), "cannot open the search index; running without search (check the folder's permissions and free space)");
                None
            }
        }
    }

    /// The index, once it holds the whole store; else how far its build is.
    pub fn index(&self) -> Result<&SearchIndex, Building> {
        if self.ready.load(Ordering::SeqCst) {
            Ok(&self.index)
        } else {
            Err(Building {
                done: self.built.load(Ordering::SeqCst),
                total: self.to_build.load(Ordering::SeqCst),
            })
        }
    }

    /// Asks the indexer to build the index again from the store (`loket reindex`).
    pub fn request_rebuild(&self) {
        self.rebuild.store(true, Ordering::SeqCst);
    }
}

/// The indexer thread: builds the index when it must, then takes in what commits mark,
/// until `stop`; what is marked when it stops is taken in at the next start.
pub(super) fn run(
    knowledge: Arc<Knowledge>,
    store: Store,
    policy: Arc<Policy>,
    stop: CancellationToken,
) {
    let mut writer = match knowledge.index.writer() {
        Ok(writer) => writer,
        Err(e) => {
            error!(error = %e, "cannot write the search index; search shows what it held");
            knowledge.ready.store(true, Ordering::SeqCst);
            return stop_when(&stop);
        }
    };
    let complete = knowledge.ready.load(Ordering::SeqCst);
    if let Err(e) = put_articles(&mut writer, &policy).and_then(|()| writer.commit(complete)) {
        warn!(error = %e, "articles not indexed");
    }
    yield_to_intake();
    let mut committed = std::time::Instant::now();
    while !stop.is_cancelled() {
        let round = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if knowledge.rebuild.swap(false, Ordering::SeqCst) {
                knowledge.ready.store(false, Ordering::SeqCst);
                rebuild(&mut writer, &store, &policy, &knowledge)?;
                knowledge.ready.store(true, Ordering::SeqCst);
            }
            take_round(&mut writer, &store, &policy, &mut committed)
        }));
        let taken = match round {
            Ok(Ok(taken)) => taken,
            Ok(Err(e)) => {
                warn!(error = %e, "search index not updated; trying again");
                0
            }
            Err(panic) => {
                error!(error = %crate::shutdown::panic_text(&*panic), "search indexing failed; trying again");
                0
            }
        };
        if taken == 0 {
            std::thread::sleep(REST);
        }
    }
}

/// Brings the index up to date now, on this thread: built from the store when it must
/// be (telling `progress`), the articles put back, every marked ticket taken in. For
/// `run --once` and `loket reindex`, where no indexer thread runs.
pub fn bring_up_to_date(
    knowledge: &Knowledge,
    store: &Store,
    policy: &Policy,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<usize, IndexingError> {
    let mut writer = knowledge.index.writer()?;
    if knowledge.rebuild.swap(false, Ordering::SeqCst) {
        build(&mut writer, store, policy, progress)?;
    } else {
        put_articles(&mut writer, policy)?;
        writer.commit(true)?;
    }
    knowledge.ready.store(true, Ordering::SeqCst);
    catch_up(&mut writer, store, policy)
}

fn stop_when(stop: &CancellationToken) {
    while !stop.is_cancelled() {
        std::thread::sleep(REST);
    }
}

/// What can fail while indexing: the store or the index.
#[derive(Debug, thiserror::Error)]
pub enum IndexingError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// Writing the index failed.
    #[error(transparent)]
    Index(#[from] crate::search::index::Error),
}

/// Lowers this thread's scheduling priority (nice 10): when intake and indexing both
/// want the CPU, intake goes first and the index catches up in the pauses.
fn yield_to_intake() {
    // SAFETY: setpriority on this thread's own id only changes its niceness; a failure
    // (not permitted) leaves it as it was.
    unsafe {
        let thread = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread, 10);
    }
}

/// One round of the indexer: the marked tickets, up to `ROUND`, once that many wait or
/// `COMMIT_EVERY` has passed since the last commit (each commit writes a segment, and
/// many small ones cost merges and syncs); returns how many it took.
fn take_round(
    writer: &mut crate::search::index::Writer<'_>,
    store: &Store,
    policy: &Policy,
    committed: &mut std::time::Instant,
) -> Result<usize, IndexingError> {
    let marked = store.tickets_to_index(ROUND)?;
    if marked.is_empty() || (marked.len() < ROUND && committed.elapsed() < COMMIT_EVERY) {
        return Ok(0);
    }
    take(writer, store, policy, &marked)?;
    *committed = std::time::Instant::now();
    Ok(marked.len())
}

/// Takes `marked` into the index, commits, and clears their marks.
fn take(
    writer: &mut crate::search::index::Writer<'_>,
    store: &Store,
    policy: &Policy,
    marked: &[crate::store::indexing::ToIndex],
) -> Result<(), IndexingError> {
    for item in marked {
        match store.load_ticket(item.ticket)? {
            Some(ticket) => {
                let messages = store.messages(ticket.id)?;
                writer.put(&entry_of(&ticket, &messages, policy))?;
            }
            None => writer.remove(&Source::Ticket(item.ticket)),
        }
    }
    writer.commit(true)?;
    store.indexed(marked)?;
    Ok(())
}

/// Takes in every ticket marked as changed; returns how many.
pub fn catch_up(
    writer: &mut crate::search::index::Writer<'_>,
    store: &Store,
    policy: &Policy,
) -> Result<usize, IndexingError> {
    let mut taken = 0;
    loop {
        let marked = store.tickets_to_index(ROUND)?;
        if marked.is_empty() {
            return Ok(taken);
        }
        take(writer, store, policy, &marked)?;
        taken += marked.len();
    }
}

/// Builds the index from the whole store: what is marked before the build starts is in
/// it, so those marks are cleared after; later ones stay for `catch_up`.
pub fn rebuild(
    writer: &mut crate::search::index::Writer<'_>,
    store: &Store,
    policy: &Policy,
    knowledge: &Knowledge,
) -> Result<(), IndexingError> {
    build(writer, store, policy, &mut |done, total| {
        knowledge.built.store(done, Ordering::SeqCst);
        knowledge.to_build.store(total, Ordering::SeqCst);
    })
}

/// Builds the index from the whole store, telling `progress` (done, total) as it goes.
pub fn build(
    writer: &mut crate::search::index::Writer<'_>,
    store: &Store,
    policy: &Policy,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(), IndexingError> {
    let started = std::time::Instant::now();
    let marked = store.tickets_to_index(usize::MAX)?;
    let total = store.ticket_count()? as u64;
    writer.clear()?;
    writer.commit(false)?;
    put_articles(writer, policy)?;
    let mut done = 0;
    let mut failed = None;
    progress(0, total);
    store.each_ticket_with_messages(|ticket, messages| {
        if failed.is_some() {
            return;
        }
        if let Err(e) = writer.put(&entry_of(&ticket, &messages, policy)) {
            failed = Some(e);
        }
        done += 1;
        if done % 1000 == 0 {
            progress(done, total);
        }
    })?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    writer.commit(true)?;
    store.indexed(&marked)?;
    progress(done, total);
    info!(
        tickets = done,
        seconds = started.elapsed().as_secs_f32(),
        "search index built from the store"
    );
    Ok(())
}

/// The index entry of a ticket, read in its desk's language.
fn entry_of(
    ticket: &crate::engine::Ticket,
    messages: &[store::records::MessageRecord],
    policy: &Policy,
) -> Entry {
    let language = policy
        .desk(&ticket.desk)
        .unwrap_or_else(|| policy.desk_or_default(None::<&str>))
        .language;
    Entry::of_ticket(ticket, messages, language)
}

/// Puts the config's articles into the index in place of those it had (seen after the
/// next commit).
pub fn put_articles(
    writer: &mut crate::search::index::Writer<'_>,
    policy: &Policy,
) -> Result<(), crate::search::index::Error> {
    writer.remove_articles()?;
    for article in &policy.knowledge.articles {
        writer.put(&Entry::of_article(article))?;
    }
    Ok(())
}
