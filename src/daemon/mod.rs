//! The daemon: builds the parts from the `Policy`, runs them as tasks, stops them in order.
//!
//! Tasks, each named and supervised: `spool`, one `mailbox` per IMAP mailbox, `worker`
//! (one thread, the only writer of tickets: `worker_thread`), `sender` (`sending`),
//! `scheduler` and `control`. On SIGINT/SIGTERM the intakes stop first, the worker
//! finishes and flushes what it holds, then the sender and the control socket stop. A task
//! that dies stops the daemon with an error, so that its supervisor (systemd) restarts it.

mod change;
pub mod control;
mod decide;
pub mod indexing;
mod load;
mod reports;
mod scheduler;
mod sending;
pub mod worker;
mod worker_thread;

use crate::clock::Clock;
use crate::config::Policy;
use crate::intake::spool::{self, Spool};
use crate::intake::{self, imap::MailboxTask, Preparer};
use crate::outbox::{Sender, Transport};
use crate::shutdown::{self, Tasks};
use crate::store::{self, Store};

use anyhow::Context;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};
use worker::{BatchReport, Input, Worker};

/// How long tasks get to finish after a stop request.
const GRACE: Duration = Duration::from_secs(20);
/// How long start-up waits for a store held by a short-lived `loket ticket` command.
const STORE_PATIENCE: Duration = Duration::from_secs(5);

/// What `run --once` did, for its summary line.
#[derive(Debug, Default, Clone)]
pub struct OnceReport {
    /// Totals over every batch (its `safe` list stays empty).
    pub intake: BatchReport,
    /// Mails sent.
    pub sent: usize,
    /// Mails deferred or failed.
    pub not_sent: usize,
    /// Timers fired.
    pub timers_fired: usize,
}

/// The parts every mode needs, built and checked before any work starts.
struct Parts {
    store: Store,
    spool: Spool,
    transport: Transport,
    policy: Arc<Policy>,
    clock: Clock,
}

/// Opens the store with a message that says what to do when another process holds it.
pub fn open_store(policy: &Policy) -> anyhow::Result<Store> {
    if let Some(parent) = policy
        .store_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Store::open_patiently(&policy.store_path, STORE_PATIENCE).map_err(|e| match e {
        store::Error::Locked { .. } => anyhow::anyhow!(
            "{e}: stop the running daemon first (`loket ticket ...` asks it instead)"
        ),
        other => anyhow::Error::new(other),
    })
}

impl Parts {
    fn preparer(&self) -> Preparer {
        Preparer {
            store: self.store.clone(),
            policy: self.policy.clone(),
        }
    }
}

fn build(policy: Policy) -> anyhow::Result<Parts> {
    let store = open_store(&policy)?;
    banner(&policy, &store);
    let spool = Spool::new(&policy.spool.path);
    spool
        .create_folders()
        .with_context(|| format!("cannot create the spool at {}", policy.spool.path.display()))?;
    let transport =
        Transport::build(&policy.transport).context("cannot set up the outbox transport")?;
    Ok(Parts {
        store,
        spool,
        transport,
        clock: Clock::new(&policy.testing),
        policy: Arc::new(policy),
    })
}

fn banner(policy: &Policy, store: &Store) {
    let tickets = store.next_ticket_id().map(|t| t.0 - 1).unwrap_or(0);
    info!(version = env!("CARGO_PKG_VERSION"), store = %policy.store_path.display(),
        schema = store::keys::SCHEMA_VERSION, tickets, "loket starting");
    info!(spool = %policy.spool.path.display(), "intake: maildir spool");
    for mailbox in &policy.mailboxes {
        info!(mailbox = %mailbox.id, host = %mailbox.host, port = mailbox.port,
            security = ?mailbox.security, user = %mailbox.user, folder = %mailbox.folder,
            "intake: imap mailbox");
    }
    info!(transport = %Transport::describe(&policy.transport), "outbox transport");
    for desk in &policy.desks {
        info!(desk = %desk.id, address = %desk.address, tag = %desk.tag,
            language = desk.language.code(), "desk");
    }
}

/// Does all pending spool and outbox work and returns (IMAP mailboxes are read only by
/// the daemon).
pub async fn run_once(policy: Policy) -> anyhow::Result<OnceReport> {
    let parts = build(policy)?;
    let mut worker = Worker::new(parts.store.clone(), parts.policy.clone());
    let knowledge = indexing::Knowledge::open(&parts.policy);
    if let Some(knowledge) = &knowledge {
        tokio::task::block_in_place(|| index_now(knowledge, &parts.store, &parts.policy));
    }
    worker.set_knowledge(knowledge.clone());
    // While the work runs, the index takes in what it commits, as in the daemon.
    let indexer = knowledge.clone().map(|knowledge| {
        let stop = CancellationToken::new();
        let (store, policy, until) = (parts.store.clone(), parts.policy.clone(), stop.clone());
        let thread = std::thread::spawn(move || indexing::run(knowledge, store, policy, until));
        (stop, thread)
    });
    let preparer = parts.preparer();
    let mut report = OnceReport::default();
    tokio::task::block_in_place(|| -> anyhow::Result<()> {
        report.intake = reconcile(&mut worker, &parts, &preparer)?;
        take_spool(&mut worker, &parts, &preparer, &mut report.intake)
    })?;
    let timers = tokio::task::block_in_place(|| worker.fire_due(parts.clock.now()))?;
    report.timers_fired = timers.fired;
    tokio::task::block_in_place(|| worker.send_reports(parts.clock.now()))?;
    tokio::task::block_in_place(|| worker.apply_retention(parts.clock.now()))?;
    let (store, policy) = (parts.store.clone(), parts.policy.clone());
    let sender = Sender::new(parts.store, parts.transport, parts.policy.retry_after);
    let drained = sender.drain(u64::MAX, parts.clock.now()).await?;
    for (ticket, failure) in &drained.failed {
        worker.process_failure(*ticket, failure, parts.clock.now())?;
    }
    report.sent = drained.sent;
    report.not_sent = drained.deferred + drained.failed.len();
    if let (Some(knowledge), Some((stop, thread))) = (&knowledge, indexer) {
        stop.cancel();
        let _ = thread.join();
        tokio::task::block_in_place(|| index_now(knowledge, &store, &policy));
    }
    Ok(report)
}

/// Brings the search index up to date on this thread; a failure is logged, not fatal
/// (the index is derived: it is caught up next time).
fn index_now(knowledge: &indexing::Knowledge, store: &Store, policy: &Policy) {
    if let Err(e) = indexing::bring_up_to_date(knowledge, store, policy, &mut |_, _| {}) {
        warn!(error = %e, "search index not brought up to date; it is at the next run");
    }
}

/// `loket fsck --repair`: what start-up does to the journal, now, without running
/// anything else (mail it queues is sent by the next run).
pub fn repair_journal(policy: Policy) -> anyhow::Result<BatchReport> {
    let store = open_store(&policy)?;
    let policy = Arc::new(policy);
    let mut worker = Worker::new(store.clone(), policy.clone());
    let preparer = Preparer {
        store: store.clone(),
        policy: policy.clone(),
    };
    let clock = Clock::new(&policy.testing);
    let report = take_in_orphans(&mut worker, &store, &preparer, &clock)?;
    store.flush()?;
    Ok(report)
}

/// Start-up, before any intake runs: settles the journal, and takes in again the mail
/// that a crash left in it without a commit (through the duplicate check, so mail that
/// was committed after all changes nothing). A mail that fails is retried, then
/// quarantined, as any other.
fn reconcile(
    worker: &mut Worker,
    parts: &Parts,
    preparer: &Preparer,
) -> anyhow::Result<BatchReport> {
    take_in_orphans(worker, &parts.store, preparer, &parts.clock)
}

fn take_in_orphans(
    worker: &mut Worker,
    store: &Store,
    preparer: &Preparer,
    clock: &Clock,
) -> anyhow::Result<BatchReport> {
    let found = store.reconcile()?;
    if found.settled + found.cleared > 0 {
        info!(
            settled = found.settled,
            half_written = found.cleared,
            "journal tidied after an interrupted run"
        );
    }
    let mut total = BatchReport::default();
    if found.orphans.is_empty() {
        return Ok(total);
    }
    let files: Vec<_> = found.orphans.iter().map(|(hash, _)| *hash).collect();
    warn!(
        count = files.len(),
        "mail in the journal without a commit (a crash came between the two): taking it in again"
    );
    let mut waiting: Vec<intake::Arrival> = found
        .orphans
        .into_iter()
        .map(|(hash, raw)| intake::Arrival {
            raw,
            receipt: intake::Receipt::Journal(hash),
            desk: None,
        })
        .collect();
    while !waiting.is_empty() {
        let mut retry = Vec::new();
        for chunk in waiting.chunks(preparer.policy.intake.batch_size.max(1)) {
            let prepared = preparer.prepare(chunk.to_vec())?;
            let batch = worker.process_batch(prepared, clock.now())?;
            retry.extend(
                chunk
                    .iter()
                    .filter(|a| !batch.safe.contains(&a.receipt))
                    .cloned(),
            );
            add(&mut total, &batch);
        }
        waiting = retry;
    }
    let duplicates = store.discard_unreferenced(&files)?;
    info!(
        stored = total.stored,
        duplicates, "journal mail without a commit taken in"
    );
    Ok(total)
}

/// Takes the spool in, pass after pass until it is empty: each pass lists what waits
/// once, and reads and prepares the next batch while the worker commits the last.
fn take_spool(
    worker: &mut Worker,
    parts: &Parts,
    preparer: &Preparer,
    total: &mut BatchReport,
) -> anyhow::Result<()> {
    loop {
        let waiting = parts
            .spool
            .waiting(usize::MAX)
            .context("cannot read the spool")?;
        if waiting.is_empty() {
            return Ok(());
        }
        let (removed, retried) = spool_pass(worker, parts, preparer, &waiting, total)?;
        if removed == 0 && retried == 0 {
            warn!("no message of the last pass could be removed from the spool; stopping");
            return Ok(());
        }
    }
}

/// One pass over listed spool files; returns how many were removed and retried.
fn spool_pass(
    worker: &mut Worker,
    parts: &Parts,
    preparer: &Preparer,
    waiting: &[std::path::PathBuf],
    total: &mut BatchReport,
) -> anyhow::Result<(usize, usize)> {
    let batch_size = parts.policy.intake.batch_size.max(1);
    let (mut removed, mut retried) = (0, 0);
    std::thread::scope(|scope| {
        let (ready, batches) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            for chunk in waiting.chunks(batch_size) {
                let prepared = Spool::read(chunk).and_then(|arrivals| preparer.prepare(arrivals));
                let failed = prepared.is_err();
                if ready.send(prepared).is_err() || failed {
                    break;
                }
            }
        });
        let mut waited = std::time::Instant::now();
        for prepared in batches {
            let prepared = prepared.context("cannot take spooled mail into the journal")?;
            let (count, started) = (prepared.len(), std::time::Instant::now());
            let batch = worker.process_batch(prepared, parts.clock.now())?;
            removed += spool::acknowledge(&batch.safe);
            retried += batch.retried;
            add(total, &batch);
            // Which side of the pipeline waits: the worker for the preparer, or not.
            debug!(
                mails = count,
                waited_ms = (started - waited).as_millis() as u64,
                worked_ms = started.elapsed().as_millis() as u64,
                "spool batch"
            );
            waited = std::time::Instant::now();
        }
        Ok((removed, retried))
    })
}

fn add(total: &mut BatchReport, batch: &BatchReport) {
    total.stored += batch.stored;
    total.duplicates += batch.duplicates;
    total.quarantined += batch.quarantined;
    total.retried += batch.retried;
    total.queued_mail += batch.queued_mail;
}

/// Runs the daemon until SIGINT/SIGTERM, or until the store fails or a task dies.
pub async fn run(policy: Policy) -> anyhow::Result<()> {
    let parts = build(policy)?;
    let mut worker = Worker::new(parts.store.clone(), parts.policy.clone());
    let knowledge = indexing::Knowledge::open(&parts.policy);
    worker.set_knowledge(knowledge.clone());
    tokio::task::block_in_place(|| reconcile(&mut worker, &parts, &parts.preparer()))?;
    let Parts {
        store,
        spool,
        transport,
        policy,
        clock,
    } = parts;
    let listener = control::bind(&policy.control_socket, policy.control_group)
        .with_context(|| format!("cannot listen on {}", policy.control_socket.display()))?;
    let tasks = Tasks::new();
    let (batches, inbox) = mpsc::channel(4);
    let links = worker_thread::Links {
        store: store.clone(),
        clock: clock.clone(),
        durable: Arc::new(AtomicU64::new(store.last_outbox_id()?)),
        wake_sender: Arc::new(Notify::new()),
        sender_stop: CancellationToken::new(),
        failed: Arc::new(AtomicBool::new(false)),
        stop: tasks.stop_token(),
    };
    let failed = links.failed.clone();
    let sender_stop = links.sender_stop.clone();
    let sender = sending::run(
        Sender::new(store.clone(), transport, policy.retry_after),
        batches.downgrade(),
        links.durable.clone(),
        links.wake_sender.clone(),
        links.sender_stop.clone(),
        clock.clone(),
    );
    let start = Start {
        tasks: &tasks,
        policy: &policy,
    };
    start.task(
        "scheduler",
        scheduler::run(batches.clone(), tasks.stop_token()),
    );
    spawn_intakes(&start, &store, spool, batches);
    start.thread("worker", move || worker_thread::run(worker, inbox, links));
    if let Some(knowledge) = knowledge.clone() {
        let (store, policy, stop) = (store.clone(), policy.clone(), tasks.stop_token());
        start.thread("indexer", move || {
            indexing::run(knowledge, store, policy, stop)
        });
    }
    start.task("sender", sender);
    start.task(
        "control",
        control::serve(
            listener,
            store.clone(),
            policy.clone(),
            clock.clone(),
            knowledge,
            tasks.stop_token(),
        ),
    );
    info!("loket running");

    let fatal = tasks.stop_token();
    tokio::select! {
        () = shutdown::signalled() => info!("stop requested"),
        () = fatal.cancelled() => {}
    }
    tasks.stop();
    if tasks.death().is_some() {
        // The worker may be the one that died: what is queued is durable and goes out
        // after the restart, so the sender need not wait for it.
        sender_stop.cancel();
    }
    tasks.wait(GRACE).await;
    let _ = std::fs::remove_file(&policy.control_socket);
    store.flush()?;
    if failed.load(Ordering::SeqCst) {
        anyhow::bail!("stopped because the store failed; nothing uncommitted was acknowledged");
    }
    if let Some(death) = tasks.death() {
        anyhow::bail!("stopped because {death}; nothing uncommitted was acknowledged");
    }
    info!("loket stopped");
    Ok(())
}

/// Starts the daemon's named tasks under supervision. A test build can be told to start
/// one of them broken (`[testing] fail_task`), to show that a dead task stops the daemon.
struct Start<'a> {
    tasks: &'a Tasks,
    policy: &'a Arc<Policy>,
}

impl Start<'_> {
    fn doomed(&self, name: &str) -> bool {
        self.policy.testing.fail_task.as_deref() == Some(name)
    }

    fn task<F>(&self, name: &'static str, future: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        if self.doomed(name) {
            return self
                .tasks
                .spawn(name, async { panic!("made to fail by testing.fail_task") });
        }
        self.tasks.spawn(name, future);
    }

    fn thread<F>(&self, name: &'static str, work: F)
    where
        F: FnOnce() + Send + 'static,
    {
        if self.doomed(name) {
            return self
                .tasks
                .spawn_blocking(name, || panic!("made to fail by testing.fail_task"));
        }
        self.tasks.spawn_blocking(name, work);
    }
}

/// Starts the spool intake and one task per IMAP mailbox; each holds a sender of the
/// worker's queue, so the worker ends once every intake has stopped.
fn spawn_intakes(start: &Start<'_>, store: &Store, spool: Spool, batches: mpsc::Sender<Input>) {
    let (tasks, policy) = (start.tasks, start.policy);
    let preparer = Preparer {
        store: store.clone(),
        policy: policy.clone(),
    };
    for mailbox in &policy.mailboxes {
        start.task(
            "mailbox",
            MailboxTask {
                policy: mailbox.clone(),
                store: store.clone(),
                worker: batches.clone(),
                preparer: preparer.clone(),
                batch_size: policy.intake.batch_size,
                stop: tasks.stop_token(),
            }
            .run(),
        );
    }
    start.task(
        "spool",
        intake_spool(spool, preparer, batches, tasks.stop_token()),
    );
}

/// Reads the spool in batches; removes each batch's files once the worker has them safe.
async fn intake_spool(
    spool: Spool,
    preparer: Preparer,
    batches: mpsc::Sender<Input>,
    stop: CancellationToken,
) {
    let policy = preparer.policy.clone();
    while !stop.is_cancelled() {
        let arrivals = spool.take(policy.intake.batch_size).unwrap_or_else(|e| {
            warn!(error = %e, spool = %policy.spool.path.display(), "cannot read the spool; retrying");
            Vec::new()
        });
        if arrivals.is_empty() {
            tokio::select! {
                () = tokio::time::sleep(policy.spool.poll_interval) => continue,
                () = stop.cancelled() => break,
            }
        }
        let Some(safe) = intake::submit(&batches, &preparer, arrivals).await else {
            break;
        };
        if spool::acknowledge(&safe) == 0 {
            // Nothing was safe (the journal failing, or every mail failing): not at once again.
            tokio::select! {
                () = tokio::time::sleep(policy.spool.poll_interval) => {}
                () = stop.cancelled() => break,
            }
        }
    }
}
