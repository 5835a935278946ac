//! Loket against real Dovecot and Postfix on loopback: IMAP intake by UID with IDLE,
//! acknowledgement after commit, SMTP delivery, permanent failures, and outages.

mod support;

use serde_json::Value;
use std::time::Duration;
use support::{wait_for, MailServers, Sandbox};

const WAIT: Duration = Duration::from_secs(20);

fn customer_mail(from: &str, message_id: &str, subject: &str, extra: &str) -> Vec<u8> {
    format!(
        "From: Customer <{from}>\r\nTo: Support <support@example.com>\r\nSubject: {subject}\r\n\
         Message-ID: <{message_id}>\r\nDate: Mon, 23 Nov 2026 09:00:00 +0700\r\n{extra}\r\n\
         Hello, my printer is broken.\r\n"
    )
    .into_bytes()
}

/// A customer's first mail, submitted over SMTP to the support address.
fn submit(servers: &MailServers, from: &str, message_id: &str, subject: &str) {
    let mail = customer_mail(from, message_id, subject, "");
    servers.submit(from, &["support@example.com"], &mail);
}

fn ticket_with(sandbox: &Sandbox, id: u64, messages: u64) -> Value {
    wait_for(
        &format!("ticket {id} with {messages} messages"),
        WAIT,
        || {
            let tickets = sandbox.tickets();
            let found = tickets.iter().find(|t| t["id"] == id)?;
            (found["message_count"].as_u64()? >= messages).then(|| sandbox.ticket(id))
        },
    )
}

#[test]
fn customer_mail_over_smtp_is_acknowledged_in_thread_and_the_reply_joins_the_ticket() {
    let servers = MailServers::start();
    let sandbox = Sandbox::with_sections(&servers.loket_sections(""));
    let daemon = sandbox.daemon();

    submit(
        &servers,
        "budi@example.id",
        "c1@example.id",
        "Printer broken",
    );
    let inbox = servers.wait_for_messages("budi@example.id", 1, WAIT);
    let ack = &inbox[0];
    assert_eq!(
        ack.header("In-Reply-To").as_deref(),
        Some("<c1@example.id>")
    );
    assert_eq!(ack.header("References").as_deref(), Some("<c1@example.id>"));
    assert_eq!(
        ack.header("Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    assert_eq!(
        ack.header("Subject").as_deref(),
        Some("Re: Printer broken [HD #1]")
    );
    assert!(ack
        .header("From")
        .expect("From")
        .contains("support@example.com"));

    let ack_id = ack
        .header("Message-ID")
        .expect("the acknowledgement has a Message-ID");
    let reply = customer_mail(
        "budi@example.id",
        "c2@example.id",
        "Re: Printer broken",
        &format!("In-Reply-To: {ack_id}\r\n"),
    );
    servers.submit("budi@example.id", &["support@example.com"], &reply);
    let ticket = ticket_with(&sandbox, 1, 3);
    assert_eq!(ticket["messages"][2]["matched_by"], "in-reply-to");
    assert_eq!(
        sandbox.tickets().len(),
        1,
        "the reply opened no second ticket"
    );

    let support = wait_for("both customer mails flagged \\Seen", WAIT, || {
        let mails = servers.messages("support@example.com");
        (mails.len() == 2 && mails.iter().all(|m| m.flags.contains('S'))).then_some(mails)
    });
    assert_eq!(
        support.len(),
        2,
        "processed mail stays in the mailbox, flagged"
    );
    assert!(daemon.stop(), "loket stops cleanly on SIGTERM");
}

#[test]
fn mail_already_read_by_a_person_is_still_taken_in() {
    let servers = MailServers::start();
    // Someone opened it in their own mail client first: it sits in cur/ with \Seen.
    let raw = customer_mail("sari@example.id", "seen@example.id", "Already read", "");
    servers.deliver_directly("support@example.com", "1.seen.test", &raw);
    let maildir = servers.maildir_root.join("support@example.com");
    std::fs::rename(
        maildir.join("new/1.seen.test"),
        maildir.join("cur/1.seen.test:2,S"),
    )
    .expect("mark seen");

    let sandbox = Sandbox::with_sections(&servers.loket_sections(""));
    let _daemon = sandbox.daemon();
    let ticket = ticket_with(&sandbox, 1, 1);
    assert_eq!(ticket["subject"], "Already read");
    servers.wait_for_messages("sari@example.id", 1, WAIT);
}

#[test]
fn processed_mail_is_moved_when_move_to_is_set_with_sasl_plain_login() {
    let servers = MailServers::start();
    let sandbox = Sandbox::with_sections(
        &servers.loket_sections("move_to = \"Processed\"\nauth = \"plain\""),
    );
    let _daemon = sandbox.daemon();
    submit(&servers, "budi@example.id", "m1@example.id", "Move me");
    ticket_with(&sandbox, 1, 1);
    let moved = wait_for("the mail in Processed and not in INBOX", WAIT, || {
        let moved = servers.folder_messages("support@example.com", "Processed");
        (moved.len() == 1 && servers.messages("support@example.com").is_empty()).then_some(moved)
    });
    assert!(moved[0].text.contains("Move me"));
}

#[test]
fn a_permanent_smtp_refusal_is_recorded_on_the_ticket_and_not_retried() {
    let servers = MailServers::start();
    let sandbox = Sandbox::with_sections(&servers.loket_sections(""));
    let _daemon = sandbox.daemon();
    let raw = customer_mail(
        "refused@rejected.example",
        "r1@rejected.example",
        "Nobody home",
        "",
    );
    servers.deliver_directly("support@example.com", "1.refused.test", &raw);
    let ticket = wait_for("the refusal on the ticket's history", WAIT, || {
        sandbox.tickets().first()?;
        let ticket = sandbox.ticket(1);
        let history = ticket["history"].as_array()?.clone();
        history
            .iter()
            .any(|h| h["what"] == "delivery-failed")
            .then_some(ticket)
    });
    let failed = ticket["history"]
        .as_array()
        .expect("history")
        .iter()
        .find(|h| h["what"] == "delivery-failed")
        .cloned()
        .expect("entry");
    assert!(
        failed["error"].as_str().expect("error").contains("550"),
        "{failed}"
    );
    let outbox = sandbox.outbox_records();
    assert_eq!(outbox[0]["state"]["state"], "failed");
    assert_eq!(outbox[0]["attempts"], 1, "a 5xx is never retried");
}

#[test]
fn a_mailbox_with_a_wrong_password_is_reported_once_and_the_others_go_on() {
    let servers = MailServers::start();
    let bad = format!(
        "[mailbox.broken]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"plain\"\nuser = \"other@example.com\"\npassword = \"wrong\"\n",
        servers.imap_port
    );
    let sandbox = Sandbox::with_sections(&(servers.loket_sections("") + &bad));
    let daemon = sandbox.daemon();
    submit(&servers, "budi@example.id", "ok@example.id", "Still works");
    ticket_with(&sandbox, 1, 1);
    std::thread::sleep(Duration::from_secs(4)); // several reconnection attempts
    let log = daemon.log();
    let reports = log.matches("mailbox cannot be read").count();
    assert_eq!(
        reports, 1,
        "one line per change of state, not per retry:\n{log}"
    );
    assert!(
        log.contains("other@example.com"),
        "the line names the login: {log}"
    );
}

#[test]
fn the_daemon_recovers_by_itself_when_dovecot_and_postfix_restart() {
    let servers = MailServers::start();
    let sandbox = Sandbox::with_sections(&servers.loket_sections(""));
    let daemon = sandbox.daemon();
    submit(&servers, "budi@example.id", "before@example.id", "Before");
    servers.wait_for_messages("budi@example.id", 1, WAIT);

    servers.stop();
    for n in 0..5 {
        let raw = customer_mail(
            &format!("c{n}@example.id"),
            &format!("during{n}@example.id"),
            &format!("During outage {n}"),
            "",
        );
        servers.deliver_directly("support@example.com", &format!("{n}.outage.test"), &raw);
    }
    // A mail through the spool is taken in during the outage, so its acknowledgement
    // meets a dead SMTP server.
    sandbox.ingest(&customer_mail(
        "spool@example.id",
        "spool@example.id",
        "Through the spool",
        "",
    ));
    wait_for("the outbox to notice the outage", WAIT, || {
        daemon
            .log()
            .contains("mail server unreachable")
            .then_some(())
    });
    servers.restart();

    for n in 0..5 {
        servers.wait_for_messages(&format!("c{n}@example.id"), 1, Duration::from_secs(40));
    }
    servers.wait_for_messages("spool@example.id", 1, Duration::from_secs(40));
    assert_eq!(sandbox.tickets().len(), 7);
    let log = daemon.log();
    assert!(
        log.contains("reconnecting"),
        "the outage was noticed:\n{log}"
    );
    assert_eq!(
        log.matches("mail server unreachable").count(),
        1,
        "one line per outage:\n{log}"
    );
    if std::env::var_os("LOKET_SHOW_LOG").is_some() {
        eprintln!("{log}");
    }
    assert!(daemon.stop());
}

#[test]
fn an_oversized_mail_over_imap_is_kept_in_part_told_once_and_not_fetched_again() {
    let servers = MailServers::start();
    let sections = format!(
        "{}[intake]\nmax_message_size = \"64 KiB\"\n",
        servers.loket_sections("")
    );
    let sandbox = Sandbox::with_sections(&sections);
    let video: Vec<u8> = (0..150_000u32).map(|i| (i % 253) as u8).collect();
    let raw = format!(
        "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Rekaman CCTV gudang\r\n\
Message-ID: <big-imap@example.id>\r\nDate: Fri, 04 Dec 2026 09:00:00 +0700\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nRekaman CCTV semalam terlampir.\r\n\
--b\r\nContent-Type: video/mp4\r\nContent-Disposition: attachment; filename=\"gudang.mp4\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        support::base64_lines(&video)
    );
    servers.deliver_directly("support@example.com", "1.big.test", raw.as_bytes());

    let daemon = sandbox.daemon();
    let ticket = ticket_with(&sandbox, 1, 1);
    assert_eq!(
        support::happenings(&ticket, "mail-too-large"),
        1,
        "{ticket:#}"
    );
    assert_eq!(
        ticket["messages"][0]["new_text"],
        "Rekaman CCTV semalam terlampir."
    );
    let to_budi = servers.wait_for_messages("budi@example.id", 2, WAIT);
    let notices: Vec<_> = to_budi
        .iter()
        .filter(|m| m.text.contains("gudang.mp4"))
        .collect();
    assert_eq!(notices.len(), 1, "one notice names the file");
    assert_eq!(
        notices[0].header("Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    wait_for("the mail flagged \\Seen", WAIT, || {
        let mails = servers.messages("support@example.com");
        mails.iter().all(|m| m.flags.contains('S')).then_some(())
    });
    let messages = |sandbox: &Sandbox| sandbox.ticket(1)["messages"].as_array().map(Vec::len);
    let before = messages(&sandbox);
    assert!(
        daemon.log().contains("big-imap@example.id"),
        "{}",
        daemon.log()
    );
    assert!(daemon.stop());

    // After a restart the daemon takes new mail but never the big one again.
    let daemon = sandbox.daemon();
    submit(
        &servers,
        "sari@example.id",
        "after@example.id",
        "After the restart",
    );
    servers.wait_for_messages("sari@example.id", 1, WAIT);
    assert_eq!(sandbox.tickets().len(), 2);
    assert_eq!(messages(&sandbox), before, "ticket 1 is as it was");
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        servers.messages("budi@example.id").len(),
        2,
        "no second notice or acknowledgement"
    );
    let log = daemon.log();
    assert!(!log.contains("big-imap@example.id"), "taken again:\n{log}");
    assert!(daemon.stop());
}

#[test]
fn mail_that_arrives_just_before_idle_does_not_wait_for_the_next_one() {
    let servers = MailServers::start();
    // The mailbox pauses between its last search and IDLE: a mail delivered then must
    // be taken without waiting for another one (whether the server tells of it before
    // or after its "+ idling").
    let sections = format!(
        "{}[testing]\nidle_pause_ms = 1500\n",
        servers.loket_sections("")
    );
    let sandbox = Sandbox::with_sections(&sections);
    let first = customer_mail("a@example.id", "race1@example.id", "First", "");
    servers.deliver_directly("support@example.com", "1.race.test", &first);
    let _daemon = sandbox.daemon();
    ticket_with(&sandbox, 1, 1);
    let second = customer_mail("b@example.id", "race2@example.id", "Second", "");
    servers.deliver_directly("support@example.com", "2.race.test", &second);
    let ticket = ticket_with(&sandbox, 2, 1);
    assert_eq!(ticket["subject"], "Second");
}

#[test]
fn a_nested_move_to_is_written_with_the_servers_own_separator() {
    let servers = MailServers::start();
    // The shipped example; this Dovecot separates levels with "." and refuses "/".
    let sandbox = Sandbox::with_sections(&servers.loket_sections("move_to = \"Loket/Processed\""));
    let daemon = sandbox.daemon();
    submit(
        &servers,
        "budi@example.id",
        "nested1@example.id",
        "Nested folder",
    );
    ticket_with(&sandbox, 1, 1);
    let moved = wait_for("the mail in Loket.Processed", WAIT, || {
        let moved = servers.folder_messages("support@example.com", "Loket.Processed");
        (moved.len() == 1 && servers.messages("support@example.com").is_empty()).then_some(moved)
    });
    assert!(moved[0].text.contains("Nested folder"));
    assert!(!daemon.log().contains("reconnecting"), "{}", daemon.log());
}

/// Mail arrives while a proxy between Loket and Dovecot delays, drops and cuts the
/// connection at random points; every mail is taken exactly once, none is lost, and
/// none waits long. `CHAOS_SEED` repeats a run.
#[test]
fn through_a_connection_that_breaks_at_random_every_mail_is_taken_exactly_once() {
    let servers = MailServers::start();
    let seed: u64 = std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(7, |d| d.as_nanos() as u64)
        });
    eprintln!("CHAOS_SEED={seed}");
    let proxy = support::ChaosProxy::start(servers.imap_port, seed);
    let sections = servers.loket_sections("").replace(
        &format!("port = {}\n", servers.imap_port),
        &format!("port = {}\n", proxy.port),
    );
    assert!(
        sections.contains(&format!("port = {}", proxy.port)),
        "{sections}"
    );
    let sandbox = Sandbox::with_sections(&sections);
    let daemon = sandbox.daemon();
    const MAILS: usize = 24;
    let mut delivered = Vec::new();
    let mut waited = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    // Notes when each mail's ticket first shows, measured from its delivery.
    let mut observe = |delivered: &[std::time::Instant]| {
        let tickets = sandbox.tickets();
        for ticket in &tickets {
            let number = ticket["subject"]
                .as_str()
                .and_then(|s| s.strip_prefix("Chaos "))
                .and_then(|n| n.parse::<usize>().ok());
            if let Some(n) = number.filter(|n| *n < delivered.len()) {
                if seen.insert(n) {
                    waited.push(delivered[n].elapsed());
                }
            }
        }
        tickets
    };
    for n in 0..MAILS {
        let raw = customer_mail(
            &format!("c{n}@example.id"),
            &format!("chaos{n}@example.id"),
            &format!("Chaos {n}"),
            "",
        );
        servers.deliver_directly("support@example.com", &format!("{n}.chaos.test"), &raw);
        delivered.push(std::time::Instant::now());
        let pause =
            std::time::Instant::now() + Duration::from_millis(400 + (seed >> (n % 32)) % 400);
        while std::time::Instant::now() < pause {
            observe(&delivered);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    // The storm ends; what is left must come in through calm connections.
    proxy.calm_down();
    let tickets = wait_for("every mail a ticket", Duration::from_secs(120), || {
        let tickets = observe(&delivered);
        (tickets.len() >= MAILS).then_some(tickets)
    });
    assert!(
        proxy.cuts() > 0,
        "the proxy cut nothing: no chaos was tested"
    );
    assert_eq!(tickets.len(), MAILS, "one ticket per mail");
    let subjects: std::collections::BTreeSet<&str> = tickets
        .iter()
        .filter_map(|t| t["subject"].as_str())
        .collect();
    assert_eq!(
        subjects.len(),
        MAILS,
        "no mail twice, none missing: {subjects:?}"
    );
    for ticket in &tickets {
        let id = ticket["id"].as_u64().expect("an id");
        let inbound = sandbox.ticket(id)["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .filter(|m| m["direction"] == "inbound")
            .count();
        assert_eq!(inbound, 1, "ticket {id} holds its mail once");
    }
    let unflagged = || {
        servers
            .messages("support@example.com")
            .into_iter()
            .filter(|m| !m.flags.contains('S'))
            .map(|m| m.header("Subject").unwrap_or_default())
            .collect::<Vec<_>>()
    };
    let settled = (0..600).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        unflagged().is_empty()
    });
    assert!(
        settled,
        "still not flagged \\Seen: {:?}\n{}",
        unflagged(),
        daemon.log()
    );
    let mut sorted = waited.clone();
    sorted.sort();
    let longest = sorted.last().copied().unwrap_or_default();
    eprintln!("chaos: {} cuts, waits {sorted:?}", proxy.cuts());
    assert!(
        longest < Duration::from_secs(90),
        "a mail waited {longest:?}"
    );
    assert!(daemon.stop());
}
