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
        let arrivals = self.spool.take(100).expect("reads");
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
    assert!(
        quarantined[0].reason.contains("3 times"),
        "{}",
        quarantined[0].reason
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
