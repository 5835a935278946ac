//! Crash safety with the real binary, Dovecot and Postfix: kill -9 while a large batch is
//! being taken in, start again, and nothing is lost and nothing is doubled.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use support::{wait_for, MailServers, Sandbox};

const MESSAGES: usize = 2000;
const KILLS: usize = 3;

fn mail(n: usize) -> Vec<u8> {
    format!(
        "From: Customer {n} <c{n}@example.id>\r\nTo: support@example.com\r\nSubject: Question {n}\r\n\
         Message-ID: <crash-{n}@example.id>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0700\r\n\r\n\
         Question number {n}, with some text so that the message has a body.\r\n"
    )
    .into_bytes()
}

/// Tickets created so far, read from the daemon's log (cheap to poll).
fn created(log: &str) -> usize {
    log.matches("ticket created").count()
}

#[test]
fn kill_9_during_a_2000_message_intake_loses_nothing_and_doubles_nothing() {
    let servers = MailServers::start();
    for n in 0..MESSAGES {
        servers.deliver_directly(
            "support@example.com",
            &format!("{n:05}.crash.test"),
            &mail(n),
        );
    }
    let sandbox = Sandbox::with_sections(&servers.loket_sections(""));

    let mut seen_mid_batch = 0;
    for _ in 0..KILLS {
        let daemon = sandbox.daemon();
        // Each run takes a few hundred messages in, then dies in the middle of its work.
        let target = MESSAGES / (KILLS + 2);
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while created(&daemon.log()) < target {
            let log = daemon.log();
            assert!(
                std::time::Instant::now() < deadline,
                "no progress before the kill:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        daemon.kill_hard();
        let stored = sandbox.tickets().len();
        if stored > 0 && stored < MESSAGES {
            seen_mid_batch += 1;
        }
    }
    assert!(
        seen_mid_batch > 0,
        "no kill landed in the middle of the intake"
    );

    let daemon = sandbox.daemon();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let tickets = sandbox.tickets().len();
        let outbox = sandbox.outbox_records();
        let sent = outbox
            .iter()
            .filter(|r| r["state"]["state"] == "sent")
            .count();
        if tickets == MESSAGES && outbox.len() == MESSAGES && sent == MESSAGES {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "after 120 s: {tickets} tickets, {} outbox mails, {sent} sent; log tail:\n{}",
            outbox.len(),
            daemon
                .log()
                .lines()
                .rev()
                .take(15)
                .collect::<Vec<_>>()
                .join("\n")
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(daemon.stop());

    // Nothing doubled in the store: one ticket per message, each with its mail and one ack.
    let tickets = sandbox.tickets();
    let subjects: BTreeSet<String> = tickets
        .iter()
        .map(|t| t["subject"].as_str().expect("subject").to_string())
        .collect();
    assert_eq!(subjects.len(), MESSAGES, "every message is its own ticket");
    let wrong: Vec<_> = tickets
        .iter()
        .filter(|t| t["message_count"] != 2)
        .map(|t| t["id"].clone())
        .collect();
    assert!(
        wrong.is_empty(),
        "tickets without exactly mail + acknowledgement: {wrong:?}"
    );

    // Nothing lost on the wire: every acknowledgement arrived; a resend after a kill
    // (sent, then killed before it was recorded) carries the same Message-ID.
    let mut copies: BTreeMap<String, usize> = BTreeMap::new();
    wait_for(
        "every acknowledgement in its customer's mailbox",
        Duration::from_secs(60),
        || {
            copies.clear();
            for n in 0..MESSAGES {
                for message in servers.messages(&format!("c{n}@example.id")) {
                    let id = message
                        .header("Message-ID")
                        .expect("acknowledgements have a Message-ID");
                    *copies.entry(id).or_default() += 1;
                }
            }
            (copies.len() == MESSAGES).then_some(())
        },
    );
    let resent: usize = copies.values().map(|c| c - 1).sum();
    eprintln!(
        "acknowledgements: {} distinct, {resent} resent after a kill",
        copies.len()
    );
    // Only the mails being handed over at the moment of a kill can go out twice: at most
    // `CONCURRENCY` (8) at a time, since each "sent" mark is flushed once the server has it.
    assert!(
        resent <= KILLS * 8,
        "more resends than mails in flight at the kills: {resent}"
    );

    // Every message was acknowledged to Dovecot.
    let support = servers.messages("support@example.com");
    assert_eq!(support.len(), MESSAGES);
    assert!(
        support.iter().all(|m| m.flags.contains('S')),
        "every processed mail is flagged \\Seen"
    );
}
