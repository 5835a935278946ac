//! The worker against a real sled store in a temporary folder and a real spool.

use super::*;
use crate::config::policy::test_policy;
use crate::intake::spool::Spool;
use crate::types::TicketId;

struct Bench {
    _dir: tempfile::TempDir,
    spool: Spool,
    store: Store,
    worker: Worker,
}

fn bench() -> Bench {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("store")).expect("opens");
    let spool = Spool::new(&dir.path().join("spool"));
    let worker = Worker::new(store.clone(), Arc::new(test_policy()));
    Bench {
        _dir: dir,
        spool,
        store,
        worker,
    }
}

impl Bench {
    fn deliver(&self, raw: &str) {
        self.spool.deliver(raw.as_bytes()).expect("delivers");
    }

    /// One batch through the worker, then the spool acknowledges what is safe.
    fn run(&mut self) -> BatchReport {
        let arrivals = prepared(&self.store, self.spool.take(100).expect("reads"));
        let report = self
            .worker
            .process_batch(arrivals, Timestamp(1_790_000_000))
            .expect("store works");
        crate::intake::spool::acknowledge(&report.safe);
        report
    }

    fn waiting(&self) -> usize {
        self.spool.waiting(100).expect("lists").len()
    }
}

/// Arrivals written to the journal and read, as an intake hands them over.
fn prepared(store: &Store, arrivals: Vec<crate::intake::Arrival>) -> Vec<Prepared> {
    let preparer = crate::intake::Preparer {
        store: store.clone(),
        policy: Arc::new(test_policy()),
    };
    preparer.prepare(arrivals).expect("journal writes")
}

const NEW: &str = "From: budi@example.id\r\nTo: support@example.com\r\nSubject: Printer\r\nMessage-ID: <n1@example.id>\r\n\r\nrusak\r\n";

#[test]
fn a_batch_is_committed_then_removed_from_the_spool() {
    let mut bench = bench();
    bench.deliver(NEW);
    let report = bench.run();
    assert_eq!(
        (report.stored, report.safe.len(), report.queued_mail),
        (1, 1, 2),
        "the acknowledgement and andi's notification"
    );
    assert_eq!(bench.waiting(), 0);
    assert_eq!(bench.store.tickets().expect("reads").len(), 1);
}

#[test]
fn a_long_text_is_written_beside_the_raw_mail_and_read_back_whole() {
    let mut bench = bench();
    // A pasted log of serial numbers: long, and compressing badly.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let log: String = (0..400)
        .map(|n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            format!("{n:03} printer lt3 serial {state:016x} paper jam\r\n")
        })
        .collect();
    bench.deliver(&format!(
        "From: budi@example.id\r\nTo: support@example.com\r\nSubject: Log printer\r\nMessage-ID: <log1@example.id>\r\n\r\n{log}"
    ));
    assert_eq!(bench.run().stored, 1);
    let message = &bench.store.messages(TicketId(1)).expect("reads")[0];
    assert!(
        message.text_file.is_some(),
        "the long text is in the journal"
    );
    assert_eq!(message.text.lines().count(), 400, "and read back whole");
    let report = bench.store.fsck().expect("checks");
    assert!(report.is_clean(), "{report:?}");
    // The raw mail and the text; the acknowledgement quoting it is large too.
    assert!(report.references >= 2, "{report:?}");
}

#[test]
fn a_redelivery_changes_nothing() {
    let mut bench = bench();
    bench.deliver(NEW);
    bench.run();
    bench.deliver(NEW);
    let report = bench.run();
    assert_eq!(
        (report.stored, report.duplicates, report.safe.len()),
        (0, 1, 1)
    );
    assert_eq!(
        bench.store.messages(TicketId(1)).expect("reads").len(),
        3,
        "mail, acknowledgement and notification, once"
    );
    assert_eq!(bench.store.outbox().expect("reads").len(), 2);
}

#[test]
fn two_replies_to_a_brand_new_ticket_in_one_batch_join_it() {
    let mut bench = bench();
    bench.deliver(NEW);
    bench.deliver("From: budi@example.id\r\nSubject: Re: Printer\r\nMessage-ID: <n2@example.id>\r\nIn-Reply-To: <n1@example.id>\r\n\r\nmasih rusak\r\n");
    bench.deliver("From: budi@example.id\r\nSubject: Re: Printer\r\nMessage-ID: <n3@example.id>\r\nReferences: <n1@example.id> <n2@example.id>\r\n\r\ntolong\r\n");
    let report = bench.run();
    assert_eq!(report.stored, 3);
    assert_eq!(bench.store.tickets().expect("reads").len(), 1);
}

#[test]
fn a_failing_message_is_retried_then_quarantined_and_others_go_on() {
    let mut bench = bench();
    bench.worker.panic_marker = Some("POISON");
    bench.deliver("From: x@example.id\r\nSubject: POISON\r\n\r\nx\r\n");
    bench.deliver(NEW);
    let first = bench.run();
    assert_eq!(
        (first.stored, first.retried),
        (1, 1),
        "the good mail is not held up"
    );
    assert_eq!(bench.waiting(), 1, "the failing mail stays at its source");
    let second = bench.run();
    assert_eq!(second.retried, 1);
    let third = bench.run();
    assert_eq!(third.quarantined, 1);
    assert_eq!(bench.waiting(), 0);
    let quarantined = bench.store.quarantined().expect("reads");
    assert_eq!(quarantined.len(), 1);
    let reason = &quarantined[0].reason;
    assert!(reason.contains("3 times"), "{reason}");
    assert!(
        reason.contains("injected failure"),
        "says what the panic said: {reason}"
    );
}

#[test]
fn the_hourly_cap_counts_acknowledgements_across_tickets() {
    let mut bench = bench();
    for n in 0..5 {
        bench.deliver(&format!("From: budi@example.id\r\nSubject: Soal {n}\r\nMessage-ID: <cap{n}@example.id>\r\n\r\nx\r\n"));
    }
    let report = bench.run();
    assert_eq!(report.stored, 5);
    let acknowledgements = bench
        .store
        .outbox()
        .expect("reads")
        .iter()
        .filter(|r| r.envelope_to[0].as_str() == "budi@example.id")
        .count();
    assert_eq!(
        acknowledgements, 3,
        "agents' notifications are not capped, acknowledgements are"
    );
}

#[test]
fn mail_long_after_resolution_opens_a_new_linked_ticket() {
    let mut bench = bench();
    bench.deliver(NEW);
    bench.run();
    let mut ticket = bench
        .store
        .load_ticket(TicketId(1))
        .expect("reads")
        .expect("ticket 1");
    ticket.status = crate::engine::Status::Resolved;
    ticket.resolved_at = Some(Timestamp(1_790_000_000 - 30 * 86400));
    let change = Change::to_ticket(ticket, false);
    bench.store.commit(&change).expect("commits");
    bench.deliver("From: budi@example.id\r\nSubject: Re: Printer [HD #1]\r\nMessage-ID: <late@example.id>\r\n\r\nIt broke again.\r\n");
    bench.run();
    let tickets = bench.store.tickets().expect("reads");
    assert_eq!(tickets.len(), 2, "the reopen window (14 days) has passed");
    assert_eq!(tickets[1].linked_to, Some(TicketId(1)));
}

/// Ticket 1 with a first-response clock due at `due`, indexed as a commit would.
fn with_due_timer(bench: &Bench, due: i64) {
    let before = bench
        .store
        .load_ticket(TicketId(1))
        .expect("reads")
        .expect("ticket 1");
    let mut after = before.clone();
    after.sla = Some(crate::engine::sla::one_clock(Timestamp(due)));
    let mut change = Change::to_ticket(after.clone(), false);
    change.timers_set = crate::engine::ledger::timer_changes(Some(&before), &after)
        .set
        .iter()
        .map(|t| DueTimer::of(after.id, t))
        .collect();
    bench.store.commit(&change).expect("commits");
}

/// The worker's own thread, fed through its queue as the daemon feeds it.
struct Running {
    queue: tokio::sync::mpsc::Sender<Input>,
    thread: std::thread::JoinHandle<()>,
    clock_file: std::path::PathBuf,
}

impl Running {
    fn start(bench: Bench) -> (Running, Store, Spool, tempfile::TempDir) {
        let Bench {
            _dir: dir,
            spool,
            store,
            worker,
        } = bench;
        let clock_file = dir.path().join("clock-offset");
        let offset = 1_790_000_000 - Timestamp::now().0;
        std::fs::write(&clock_file, offset.to_string()).expect("writes");
        let clock = crate::clock::Clock::new(&crate::config::policy::TestingPolicy {
            clock_offset_file: Some(clock_file.clone()),
            ..Default::default()
        });
        let (queue, inbox) = tokio::sync::mpsc::channel(4);
        let links = super::super::worker_thread::Links {
            store: store.clone(),
            clock,
            durable: Default::default(),
            wake_sender: Default::default(),
            sender_stop: Default::default(),
            failed: Default::default(),
            stop: Default::default(),
        };
        let thread =
            std::thread::spawn(move || super::super::worker_thread::run(worker, inbox, links));
        let running = Running {
            queue,
            thread,
            clock_file,
        };
        (running, store, spool, dir)
    }

    fn fire_timers(&self) -> TimerReport {
        let (done, report) = tokio::sync::oneshot::channel();
        self.queue
            .blocking_send(Input::Timers(done))
            .expect("worker takes input");
        report.blocking_recv().expect("worker answers")
    }

    fn take_mail(&self, store: &Store, spool: &Spool) -> usize {
        let arrivals = prepared(store, spool.take(100).expect("reads"));
        let (done, safe) = tokio::sync::oneshot::channel();
        let batch = Batch { arrivals, done };
        self.queue
            .blocking_send(Input::Mail(batch))
            .expect("worker takes input");
        let safe = safe.blocking_recv().expect("worker answers");
        crate::intake::spool::acknowledge(&safe)
    }

    fn stop(self) {
        drop(self.queue);
        self.thread
            .join()
            .expect("the worker thread ends without a panic");
        let _ = self.clock_file;
    }
}

#[test]
fn a_timer_that_panics_is_dropped_after_three_tries_and_mail_is_still_taken_in() {
    let mut bench = bench();
    bench.deliver(NEW);
    bench.run();
    with_due_timer(&bench, 1_000);
    bench.worker.panic_marker = Some("breach");
    let (running, store, spool, _dir) = Running::start(bench);
    for attempt in 1..=2 {
        let report = running.fire_timers();
        assert_eq!(report.fired, 0, "attempt {attempt} failed");
        assert_eq!(
            report.next_due,
            Some(Timestamp(1_000)),
            "kept for another try"
        );
    }
    spool.deliver(b"From: sari@example.id\r\nTo: support@example.com\r\nSubject: Wifi\r\nMessage-ID: <s1@example.id>\r\n\r\nmati\r\n").expect("delivers");
    assert_eq!(
        running.take_mail(&store, &spool),
        1,
        "mail is taken in between the failures"
    );
    let report = running.fire_timers();
    assert_eq!(
        (report.fired, report.next_due),
        (0, None),
        "dropped after the third failure"
    );
    running.stop();
    assert_eq!(store.tickets().expect("reads").len(), 2);
    let history = store.history(TicketId(1)).expect("reads");
    let dropped = history.iter().find_map(|e| match &e.happening {
        crate::engine::Happening::TimerDropped { timer, error, .. } => Some((timer, error)),
        _ => None,
    });
    let (timer, error) = dropped.expect("the ticket's history says the timer was dropped");
    assert_eq!(timer, "breach:first_response");
    assert!(error.contains("injected failure"), "{error}");
}

#[test]
fn a_delivery_failure_that_panics_is_logged_and_mail_is_still_taken_in() {
    let mut bench = bench();
    bench.deliver(NEW);
    bench.run();
    bench.worker.panic_marker = Some("550 POISON");
    let (running, store, spool, _dir) = Running::start(bench);
    let failure = |error: &str| Input::DeliveryFailed {
        ticket: TicketId(1),
        failure: DeliveryFailure {
            message_id: crate::types::MessageId::parse("ack-1@example.com").expect("an id"),
            recipients: Vec::new(),
            error: error.into(),
        },
    };
    running
        .queue
        .blocking_send(failure("550 POISON"))
        .expect("worker takes input");
    running
        .queue
        .blocking_send(failure("550 no such user"))
        .expect("worker takes input");
    spool.deliver(b"From: sari@example.id\r\nTo: support@example.com\r\nSubject: Wifi\r\nMessage-ID: <s1@example.id>\r\n\r\nmati\r\n").expect("delivers");
    assert_eq!(
        running.take_mail(&store, &spool),
        1,
        "mail is taken in after the panic"
    );
    running.stop();
    let failures: Vec<String> = store
        .history(TicketId(1))
        .expect("reads")
        .into_iter()
        .filter_map(|e| match e.happening {
            crate::engine::Happening::DeliveryFailed { error, .. } => Some(error),
            _ => None,
        })
        .collect();
    assert_eq!(
        failures,
        vec!["550 no such user".to_string()],
        "the next failure is recorded"
    );
    assert_eq!(store.tickets().expect("reads").len(), 2);
}
