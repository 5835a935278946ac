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
mod load;
mod scheduler;
mod sending;
pub mod worker;
mod worker_thread;

use crate::clock::Clock;
use crate::config::Policy;
use crate::intake;
use crate::intake::imap::MailboxTask;
use crate::intake::spool::{self, Spool};
use crate::outbox::{Sender, Transport};
use crate::shutdown::{self, Tasks};
use crate::store::{self, Store};

use anyhow::Context;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};
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
    let mut report = OnceReport::default();
    loop {
        let arrivals = parts
            .spool
            .take(parts.policy.intake.batch_size)
            .context("cannot read the spool")?;
        if arrivals.is_empty() {
            break;
        }
        let batch =
            tokio::task::block_in_place(|| worker.process_batch(arrivals, parts.clock.now()))?;
        let removed = spool::acknowledge(&batch.safe);
        add(&mut report.intake, &batch);
        if removed == 0 && batch.retried == 0 {
            warn!("no message of the last batch could be removed from the spool; stopping");
            break;
        }
    }
    let timers = tokio::task::block_in_place(|| worker.fire_due(parts.clock.now()))?;
    report.timers_fired = timers.fired;
    let sender = Sender::new(parts.store, parts.transport, parts.policy.retry_after);
    let drained = sender.drain(u64::MAX, parts.clock.now()).await?;
    for (ticket, failure) in &drained.failed {
        worker.process_failure(*ticket, failure, parts.clock.now())?;
    }
    report.sent = drained.sent;
    report.not_sent = drained.deferred + drained.failed.len();
    Ok(report)
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
    let Parts {
        store,
        spool,
        transport,
        policy,
        clock,
    } = build(policy)?;
    let listener = control::bind(&policy.control_socket)
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
    let worker = Worker::new(store.clone(), policy.clone());
    start.thread("worker", move || worker_thread::run(worker, inbox, links));
    start.task("sender", sender);
    start.task(
        "control",
        control::serve(listener, store.clone(), tasks.stop_token()),
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
    for mailbox in &policy.mailboxes {
        start.task(
            "mailbox",
            MailboxTask {
                policy: mailbox.clone(),
                store: store.clone(),
                worker: batches.clone(),
                batch_size: policy.intake.batch_size,
                stop: tasks.stop_token(),
            }
            .run(),
        );
    }
    start.task(
        "spool",
        intake_spool(spool, policy.clone(), batches, tasks.stop_token()),
    );
}

/// Reads the spool in batches; removes each batch's files once the worker has them safe.
async fn intake_spool(
    spool: Spool,
    policy: Arc<Policy>,
    batches: mpsc::Sender<Input>,
    stop: CancellationToken,
) {
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
        let Some(safe) = intake::submit(&batches, arrivals).await else {
            break;
        };
        spool::acknowledge(&safe);
    }
}
