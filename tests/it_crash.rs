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
    for round in 1..=KILLS {
        let daemon = sandbox.daemon();
        let target = created(
            &std::fs::read_to_string(sandbox.dir.path().join("daemon.log")).unwrap_or_default(),
        ) + round * MESSAGES / (KILLS + 2);
        wait_for(
            "tickets to be created before the kill",
            Duration::from_secs(60),
            || (created(&daemon.log()) >= target).then_some(()),
        );
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
    wait_for(
        "every message to become a ticket with its acknowledgement sent",
        Duration::from_secs(120),
        || {
            let tickets = sandbox.tickets();
            let outbox = sandbox.outbox_records();
            let all_sent =
                outbox.len() == MESSAGES && outbox.iter().all(|r| r["state"]["state"] == "sent");
            (tickets.len() == MESSAGES && all_sent).then_some(())
        },
    );
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
    assert!(
        resent <= KILLS * 4,
        "at most the mails in flight at each kill are sent twice ({resent})"
    );

    // Every message was acknowledged to Dovecot.
    let support = servers.messages("support@example.com");
    assert_eq!(support.len(), MESSAGES);
    assert!(
        support.iter().all(|m| m.flags.contains('S')),
        "every processed mail is flagged \\Seen"
    );
}
