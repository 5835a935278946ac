//! The spool path end to end with the real binary: `loket ingest`, `loket run --once`,
//! the file transport, and `loket ticket ...` reading the store. Each test is one story a
//! customer or an operator could tell; the mails are `contrib/samples/`, or built inline
//! where a story needs a variation.

mod support;

use serde_json::Value;
use support::{head, header, header_values, sample, text, Sandbox, ACKS_PER_SENDER_PER_HOUR};

/// The customer's first mail (`01-new-ticket.eml`), as the acknowledgement must cite it.
const FIRST_ID: &str = "CAF1=budi-001@mail.example.id";
const FIRST_SUBJECT: &str = "Printer on the 3rd floor does not print";

/// Ingests the samples one run at a time, so that arrival order is the order given.
fn deliver(sandbox: &Sandbox, names: &[&str]) {
    for name in names {
        sandbox.ingest(&sample(name));
        sandbox.run_once();
    }
}

/// Ingests one mail built inline and runs once.
fn deliver_raw(sandbox: &Sandbox, raw: &str) {
    sandbox.ingest(raw.as_bytes());
    sandbox.run_once();
}

/// A plain customer mail with CRLF line ends; `extra` are more header lines.
fn mail(from: &str, subject: &str, message_id: &str, extra: &[&str], body: &str) -> String {
    let mut lines = vec![
        format!("From: {from}"),
        "To: Support <support@example.com>".to_string(),
        format!("Subject: {subject}"),
        "Date: Mon, 23 Nov 2026 16:00:00 +0700".to_string(),
    ];
    if !message_id.is_empty() {
        lines.push(format!("Message-ID: <{message_id}>"));
    }
    lines.extend(extra.iter().map(|l| l.to_string()));
    format!("{}\r\n\r\n{body}\r\n", lines.join("\r\n"))
}

fn messages(ticket: &Value) -> &Vec<Value> {
    ticket["messages"]
        .as_array()
        .unwrap_or_else(|| panic!("ticket without a messages array: {ticket}"))
}

fn inbound(ticket: &Value) -> Vec<&Value> {
    messages(ticket)
        .iter()
        .filter(|m| m["direction"] == "inbound")
        .collect()
}

/// (direction, matched_by) of each message, in arrival order.
fn placements(ticket: &Value) -> Vec<(String, String)> {
    messages(ticket)
        .iter()
        .map(|m| {
            let field = |k: &str| m[k].as_str().unwrap_or("<missing>").to_string();
            (field("direction"), field("matched_by"))
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn str_field<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {value}"))
}

/// `2026-11-23T02:12:00Z` or `...+07:00`, with optional fraction: enough of RFC 3339
/// to catch a date printed in another format.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        r.into_iter()
            .all(|i| b.get(i).is_some_and(u8::is_ascii_digit))
    };
    let frame = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b[10] == b'T' || b[10] == b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    let zone = s.ends_with('Z') || s.ends_with('z') || {
        let tail = &s[s.len().saturating_sub(6)..];
        tail.len() == 6
            && (tail.starts_with('+') || tail.starts_with('-'))
            && tail.as_bytes()[3] == b':'
    };
    frame && zone
}

/// Messages the tickets hold, over all tickets, from the inbound side.
fn all_inbound(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .tickets()
        .iter()
        .flat_map(|t| {
            let id = t["id"].as_u64().expect("ticket id is a number");
            inbound(&sandbox.ticket(id))
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn a_new_mail_opens_a_ticket_with_the_contract_fields() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);

    let tickets = sandbox.tickets();
    assert_eq!(tickets.len(), 1, "one mail, one ticket: {tickets:?}");
    let t = &tickets[0];
    assert_eq!(t["id"], 1);
    assert_eq!(t["subject"], FIRST_SUBJECT);
    assert_eq!(t["status"], "new");
    assert_eq!(t["requester"], "budi@example.id");
    assert_eq!(t["tier"], 1);
    assert_eq!(t["linked_to"], Value::Null);
    for key in ["created_at", "updated_at"] {
        assert!(is_rfc3339(str_field(t, key)), "{key} is not RFC 3339: {t}");
    }

    let ticket = sandbox.ticket(1);
    let all = messages(&ticket);
    assert_eq!(
        t["message_count"].as_u64(),
        Some(all.len() as u64),
        "message_count counts the messages `ticket show` lists: {ticket}"
    );
    let first = &all[0];
    assert_eq!(
        first["message_id"], FIRST_ID,
        "stored without angle brackets"
    );
    assert_eq!(first["from"], "budi@example.id");
    assert_eq!(first["direction"], "inbound");
    assert_eq!(first["kind"], "customer");
    assert_eq!(first["matched_by"], "new");
    assert_eq!(first["subject"], FIRST_SUBJECT);
    assert!(is_rfc3339(str_field(first, "date")), "{first}");
    assert!(
        str_field(first, "date").starts_with("2026-11-23T02:12:00")
            || str_field(first, "date").starts_with("2026-11-23T09:12:00+07:00"),
        "the Date header (09:12 +0700) is kept: {first}"
    );
    assert!(
        str_field(first, "text").contains("\"Paper jam\""),
        "{first}"
    );
}

#[test]
fn a_new_mail_gets_one_acknowledgement_threaded_to_it() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);

    let outbox = sandbox.outbox();
    assert_eq!(outbox.len(), 1, "exactly one acknowledgement: {outbox:#?}");
    let ack = &outbox[0];
    let to = header(ack, "To").expect("the acknowledgement has a To header");
    assert!(to.contains("<budi@example.id>"), "To: {to}");
    assert_eq!(header_values(ack, "To").len(), 1, "one To header:\n{ack}");
    let from = header(ack, "From").expect("From header");
    assert!(
        from.contains("Support") && from.contains("<support@example.com>"),
        "From is the desk, named after it: {from}"
    );
    let subject = header(ack, "Subject").expect("Subject header");
    assert!(
        subject.contains("[HD #1]"),
        "Subject carries the tag: {subject}"
    );
    assert!(
        subject.contains(FIRST_SUBJECT),
        "and the customer's subject: {subject}"
    );
    assert_eq!(
        header(ack, "In-Reply-To").as_deref(),
        Some(format!("<{FIRST_ID}>").as_str())
    );
    let references = header(ack, "References").expect("References header");
    assert!(
        references.contains(&format!("<{FIRST_ID}>")),
        "References: {references}"
    );
    assert_eq!(
        header(ack, "Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    assert_eq!(
        header(ack, "X-Auto-Response-Suppress").as_deref(),
        Some("All")
    );
    let ack_id = header(ack, "Message-ID").expect("the acknowledgement has a Message-ID");
    assert!(
        ack_id.starts_with('<') && ack_id.ends_with('>') && ack_id.contains('@'),
        "Message-ID: {ack_id}"
    );

    let ticket = sandbox.ticket(1);
    let outbound: Vec<&Value> = messages(&ticket)
        .iter()
        .filter(|m| m["direction"] == "outbound")
        .collect();
    assert_eq!(
        outbound.len(),
        1,
        "the ticket records the acknowledgement: {ticket}"
    );
    assert_eq!(outbound[0]["matched_by"], "outbound");
    assert_eq!(
        outbound[0]["message_id"].as_str(),
        Some(ack_id.trim_matches(['<', '>'])),
        "the ticket knows the Message-ID that was sent"
    );
}

#[test]
fn requester_address_is_lowercased() {
    let sandbox = Sandbox::new();
    deliver_raw(
        &sandbox,
        &mail(
            "Budi <Budi.Santoso@Example.ID>",
            "Hello",
            "case-1@example.id",
            &[],
            "Hi",
        ),
    );
    let tickets = sandbox.tickets();
    assert_eq!(tickets[0]["requester"], "budi.santoso@example.id");
    assert_eq!(
        sandbox.ticket(1)["messages"][0]["from"],
        "budi.santoso@example.id"
    );
}

#[test]
fn customer_reply_with_the_tag_threads_by_tag_and_is_not_acknowledged_again() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml", "02-reply-by-tag.eml"]);
    assert_eq!(sandbox.tickets().len(), 1, "the reply opened no ticket");
    let ticket = sandbox.ticket(1);
    assert_eq!(
        placements(&ticket),
        pairs(&[
            ("inbound", "new"),
            ("outbound", "outbound"),
            ("inbound", "tag")
        ])
    );
    assert_eq!(inbound(&ticket).len(), 2, "two customer messages");
    assert_eq!(
        ticket["message_count"].as_u64(),
        Some(messages(&ticket).len() as u64)
    );
    assert_eq!(sandbox.outbox().len(), 1, "no second acknowledgement");
}

#[test]
fn tolerant_tag_spellings_thread_into_the_ticket() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);
    for (n, tag) in ["[hd#1]", "[ #1 ]", "[HD # 1]"].iter().enumerate() {
        let subject = format!("Re: printer {tag}");
        deliver_raw(
            &sandbox,
            &mail(
                "budi@example.id",
                &subject,
                &format!("tol-{n}@example.id"),
                &[],
                "more",
            ),
        );
    }
    assert_eq!(
        sandbox.tickets().len(),
        1,
        "no tag spelling opened a ticket"
    );
    let tags: Vec<String> = inbound(&sandbox.ticket(1))
        .iter()
        .map(|m| format!("{} {}", m["subject"], m["matched_by"]))
        .collect();
    assert_eq!(tags.len(), 4, "{tags:?}");
    assert!(
        tags[1..].iter().all(|t| t.ends_with("\"tag\"")),
        "{tags:#?}"
    );
}

#[test]
fn gmail_reply_threads_by_in_reply_to() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml", "03-gmail-reply.eml"]);
    assert_eq!(sandbox.tickets().len(), 1);
    let ticket = sandbox.ticket(1);
    let reply = inbound(&ticket)[1];
    assert_eq!(reply["matched_by"], "in-reply-to", "{reply}");
    assert_eq!(reply["message_id"], "CAF1=budi-003@mail.gmail.example");
    assert!(
        str_field(reply, "text").contains("It works again"),
        "{reply}"
    );
    assert_eq!(sandbox.outbox().len(), 1, "a follow-up is not acknowledged");
}

#[test]
fn outlook_reply_threads_by_references() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml", "04-outlook-reply.eml"]);
    assert_eq!(sandbox.tickets().len(), 1);
    let ticket = sandbox.ticket(1);
    let reply = inbound(&ticket)[1];
    assert_eq!(reply["matched_by"], "references", "{reply}");
    assert!(str_field(reply, "text").contains("room 306"), "{reply}");
    assert_eq!(sandbox.outbox().len(), 1);
}

#[test]
fn customer_reply_to_the_acknowledgement_threads_by_its_message_id() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);
    let ack_id = header(&sandbox.outbox()[0], "Message-ID").expect("ack Message-ID");
    // No tag, and only the acknowledgement's id: its Message-ID alone must find the ticket.
    let reply = mail(
        "Budi Santoso <budi@example.id>",
        "Re: Printer",
        "r1@example.id",
        &[
            &format!("In-Reply-To: {ack_id}"),
            &format!("References: {ack_id}"),
        ],
        "Still broken.",
    );
    deliver_raw(&sandbox, &reply);
    assert_eq!(sandbox.tickets().len(), 1, "the reply joined ticket 1");
    let ticket = sandbox.ticket(1);
    assert_eq!(inbound(&ticket)[1]["matched_by"], "in-reply-to", "{ticket}");
    assert_eq!(sandbox.outbox().len(), 1);
}

#[test]
fn a_stranger_using_the_tag_opens_a_new_ticket_linked_to_the_tagged_one() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);
    let before = sandbox.ticket(1);
    deliver(&sandbox, &["11-stranger-uses-tag.eml"]);

    let tickets = sandbox.tickets();
    assert_eq!(tickets.len(), 2, "{tickets:#?}");
    assert_eq!(
        sandbox.ticket(1)["messages"],
        before["messages"],
        "nothing of the stranger's is added to ticket 1"
    );
    let second = sandbox.ticket(2);
    assert_eq!(second["linked_to"], 1);
    assert_eq!(second["requester"], "mallory@evil.example");
    assert_eq!(second["messages"][0]["matched_by"], "new-not-participant");
    let outbox = sandbox.outbox();
    assert_eq!(
        outbox.len(),
        2,
        "the stranger is acknowledged on their own ticket"
    );
    let to_stranger = &outbox[1];
    assert!(header(to_stranger, "To")
        .unwrap_or_default()
        .contains("mallory@evil.example"));
    let subject = header(to_stranger, "Subject").unwrap_or_default();
    assert!(
        subject.contains("[HD #2]") && !subject.contains("[HD #1]"),
        "the stranger learns only their own ticket: {subject}"
    );
}

#[test]
fn someone_cced_by_the_customer_may_use_the_tag() {
    let sandbox = Sandbox::new();
    let first = mail(
        "Budi <budi@example.id>",
        "VPN down",
        "cc-1@example.id",
        &["Cc: Ani <Ani@Example.ID>"],
        "The VPN is down for the whole office.",
    );
    deliver_raw(&sandbox, &first);
    let colleague = mail(
        "Ani <ani@example.id>",
        "Re: VPN down [HD #1]",
        "cc-2@example.id",
        &[],
        "Same here.",
    );
    deliver_raw(&sandbox, &colleague);
    assert_eq!(
        sandbox.tickets().len(),
        1,
        "the Cc'd colleague is a participant"
    );
    let ticket = sandbox.ticket(1);
    let reply = inbound(&ticket)[1];
    assert_eq!(reply["from"], "ani@example.id");
    assert_eq!(reply["matched_by"], "tag");
}

#[test]
fn an_exact_duplicate_delivery_changes_nothing() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);
    // What is stored, without the measured service: an open ticket's time at its tier
    // runs on with the clock.
    let stored = || {
        let mut ticket = sandbox.ticket(1);
        ticket["service"].take();
        ticket
    };
    let before = stored();
    let outbox_before = sandbox.outbox();

    deliver(&sandbox, &["01-new-ticket.eml"]);
    assert_eq!(sandbox.tickets().len(), 1);
    assert_eq!(
        stored(),
        before,
        "the ticket, its messages and history are unchanged"
    );
    assert_eq!(sandbox.outbox(), outbox_before, "no second acknowledgement");
    assert_eq!(
        sandbox.spool_files(),
        0,
        "the duplicate still leaves the spool"
    );
}

#[test]
fn a_different_message_reusing_a_known_message_id_is_stored_not_dropped() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);
    let other = text(&sample("01-new-ticket.eml")).replace("stopped printing", "caught fire");
    assert!(
        other.contains("caught fire"),
        "the sample changed; fix this test"
    );
    deliver_raw(&sandbox, &other);

    let stored = all_inbound(&sandbox);
    assert_eq!(stored.len(), 2, "both messages are kept: {stored:#?}");
    assert!(
        stored
            .iter()
            .any(|m| str_field(m, "text").contains("caught fire")),
        "the second message's own text is kept: {stored:#?}"
    );
}

#[test]
fn a_mail_without_message_id_redelivered_byte_identical_is_stored_once() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["10-no-message-id.eml", "10-no-message-id.eml"]);
    assert_eq!(sandbox.tickets().len(), 1);
    assert_eq!(
        all_inbound(&sandbox).len(),
        1,
        "the redelivery is a duplicate"
    );
    let outbox = sandbox.outbox();
    assert_eq!(outbox.len(), 1, "one acknowledgement");
    assert_eq!(
        header(&outbox[0], "In-Reply-To"),
        None,
        "no invented id is cited to the customer"
    );
}

#[test]
fn two_different_mails_without_message_id_are_both_stored() {
    let sandbox = Sandbox::new();
    deliver_raw(&sandbox, &mail("eko@example.id", "First", "", &[], "one"));
    deliver_raw(&sandbox, &mail("eko@example.id", "Second", "", &[], "two"));
    assert_eq!(
        all_inbound(&sandbox).len(),
        2,
        "different bytes are different mails"
    );
}

#[test]
fn rfc3834_auto_reply_is_stored_but_not_answered() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["06-auto-reply.eml"]);
    let stored = all_inbound(&sandbox);
    assert_eq!(stored.len(), 1, "the out-of-office is kept");
    assert_eq!(stored[0]["kind"], "auto");
    assert_eq!(stored[0]["message_id"], "ooo-7781@example.org");
    assert!(sandbox.outbox().is_empty(), "{:#?}", sandbox.outbox());
}

#[test]
fn automatic_mail_of_every_kind_is_stored_but_never_answered() {
    let sandbox = Sandbox::new();
    let cases = [
        ("auto-generated", "Auto-Submitted: auto-generated"),
        ("precedence-bulk", "Precedence: bulk"),
        ("precedence-list", "Precedence: list"),
        ("precedence-junk", "Precedence: junk"),
        ("list-id", "List-Id: Newsletter <news.example.org>"),
        ("null-return-path", "Return-Path: <>"),
        (
            "daemon-return-path",
            "Return-Path: <MAILER-DAEMON@mx.example.org>",
        ),
    ];
    for (name, line) in cases {
        let from = format!("{name}@example.org");
        sandbox.ingest(
            mail(
                &from,
                &format!("Case {name}"),
                &format!("{name}@example.org"),
                &[line],
                "x",
            )
            .as_bytes(),
        );
    }
    // The control: a person saying explicitly that this is not automatic.
    sandbox.ingest(
        mail(
            "person@example.org",
            "Control",
            "control@example.org",
            &["Auto-Submitted: no"],
            "x",
        )
        .as_bytes(),
    );
    sandbox.run_once();

    assert_eq!(
        all_inbound(&sandbox).len(),
        cases.len() + 1,
        "every mail is stored"
    );
    let answered: Vec<String> = sandbox
        .outbox()
        .iter()
        .map(|m| header(m, "To").unwrap_or_default())
        .collect();
    assert!(
        answered.len() == 1 && answered[0].contains("person@example.org"),
        "only the person is answered (Auto-Submitted: no), not {answered:?}"
    );
}

#[test]
fn rfc3464_bounce_is_stored_but_not_answered() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["07-bounce.eml"]);
    let stored = all_inbound(&sandbox);
    assert_eq!(stored.len(), 1, "the bounce is kept");
    assert_ne!(
        stored[0]["kind"], "customer",
        "a bounce is no customer: {}",
        stored[0]
    );
    assert!(sandbox.outbox().is_empty(), "{:#?}", sandbox.outbox());
}

#[test]
fn a_bounce_of_our_own_acknowledgement_joins_that_ticket() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);
    let ack_id = header(&sandbox.outbox()[0], "Message-ID").expect("ack Message-ID");
    let bounce =
        text(&sample("07-bounce.eml")).replace("<loket.9.1.1795000000@example.com>", &ack_id);
    deliver_raw(&sandbox, &bounce);
    assert_eq!(sandbox.tickets().len(), 1);
    let ticket = sandbox.ticket(1);
    let filed = inbound(&ticket)[1];
    assert_eq!(filed["matched_by"], "references", "{filed}");
    assert_ne!(filed["kind"], "customer", "{filed}");
    assert_eq!(sandbox.outbox().len(), 1, "the bounce is not answered");
}

#[test]
fn broken_mime_is_stored_and_still_opens_a_ticket() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["08-broken-mime.eml"]);
    let tickets = sandbox.tickets();
    assert_eq!(tickets.len(), 1, "{tickets:#?}");
    assert_eq!(tickets[0]["subject"], "Laporan bulanan");
    assert_eq!(tickets[0]["requester"], "rudi@example.id");
    assert_eq!(
        sandbox.ticket(1)["messages"][0]["message_id"],
        "broken-mime-1@example.id"
    );
    assert!(
        sandbox.quarantine().is_empty(),
        "{:#?}",
        sandbox.quarantine()
    );
    // The store is still healthy afterwards.
    deliver(&sandbox, &["01-new-ticket.eml"]);
    assert_eq!(sandbox.tickets().len(), 2);
}

#[test]
fn indonesian_rfc2047_subject_is_decoded_in_the_ticket_list() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["05-indonesian-subject.eml"]);
    let tickets = sandbox.tickets();
    assert_eq!(tickets[0]["subject"], "Tidak bisa masuk ke akun saya");
    let ticket = sandbox.ticket(1);
    let body = str_field(&ticket["messages"][0], "text");
    for decoded in [
        "Kata sandi sudah diganti tetapi tetap gagal", // a soft line break joined
        "08.00 \u{2013} 08.30",                        // =E2=80=93, UTF-8 en dash
        "\u{201c}Kata sandi salah\u{201d}",            // curly quotes
    ] {
        assert!(body.contains(decoded), "{decoded:?} missing from {body:?}");
    }
}

#[test]
fn html_only_mail_is_readable_text_without_tags() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["09-html-only.eml"]);
    let ticket = sandbox.ticket(1);
    let body = str_field(&ticket["messages"][0], "text");
    for word in ["Hello", "charged", "twice", "invoice 2026-118", "Dewi"] {
        assert!(body.contains(word), "{word:?} missing from {body:?}");
    }
    for markup in ["<html", "<p>", "<b>", "</", "color:red", "{"] {
        assert!(!body.contains(markup), "{markup:?} left in {body:?}");
    }
}

#[test]
fn one_sender_gets_at_most_three_acknowledgements_an_hour() {
    let sandbox = Sandbox::new();
    for n in 0..5 {
        sandbox.ingest(
            mail(
                "loop@example.org",
                &format!("Question {n}"),
                &format!("q{n}@example.org"),
                &[],
                "x",
            )
            .as_bytes(),
        );
    }
    sandbox.run_once();
    assert_eq!(sandbox.tickets().len(), 5, "every mail is stored");
    assert_eq!(sandbox.outbox().len(), ACKS_PER_SENDER_PER_HOUR);

    // The limit is per sender: someone else is still answered.
    deliver_raw(
        &sandbox,
        &mail("other@example.org", "Mine", "o1@example.org", &[], "x"),
    );
    let outbox = sandbox.outbox();
    assert_eq!(outbox.len(), ACKS_PER_SENDER_PER_HOUR + 1);
    assert!(header(outbox.last().expect("ack"), "To")
        .unwrap_or_default()
        .contains("other@example.org"));
}

#[test]
fn an_encoded_line_break_in_a_display_name_cannot_inject_a_header() {
    let sandbox = Sandbox::new();
    // base64 of "Evil\r\nBcc: victim@example.net", RFC 2047-encoded so it survives transport.
    let raw = "From: =?UTF-8?B?RXZpbA0KQmNjOiB2aWN0aW1AZXhhbXBsZS5uZXQ=?= <evil@example.org>\r\n\
               To: support@example.com\r\n\
               Subject: =?UTF-8?B?aGkNCkJjYzogdmljdGltQGV4YW1wbGUubmV0?=\r\n\
               Message-ID: <evil@example.org>\r\n\r\nx\r\n";
    sandbox.ingest(raw.as_bytes());
    sandbox.run_once(); // exits 0

    let outbox = sandbox.outbox();
    assert_eq!(outbox.len(), 1, "the sender is still acknowledged");
    let ack = &outbox[0];
    let block = head(ack);
    for line in block.split("\r\n") {
        let is_field = line.split_once(':').is_some_and(|(name, _)| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        let is_continuation = line.starts_with([' ', '\t']);
        assert!(
            is_field || is_continuation,
            "not a header line: {line:?} in\n{block}"
        );
        assert!(
            !line.contains(['\r', '\n']),
            "a stray line break in {line:?}"
        );
        assert!(
            !line.to_ascii_lowercase().starts_with("bcc:"),
            "injected header:\n{block}"
        );
    }
    assert!(header_values(ack, "Bcc").is_empty(), "{block}");
    assert_eq!(header_values(ack, "To").len(), 1, "{block}");
    let to = header(ack, "To").expect("To");
    assert!(
        to.ends_with("<evil@example.org>"),
        "the acknowledgement goes to the sender only: {to}"
    );
    assert!(ack.lines().all(|l| l.len() <= 998));
}

#[test]
fn acknowledgement_with_non_ascii_text_declares_its_charset() {
    let sandbox = Sandbox::new();
    // "José Pérez", and a subject with an en dash that the acknowledgement quotes.
    let raw = mail(
        "=?UTF-8?Q?Jos=C3=A9_P=C3=A9rez?= <jose@example.es>",
        "=?UTF-8?B?UGVzYW5hbiBiZWx1bSBzYW1wYWkg4oCTIG1vaG9uIGRpY2Vr?=",
        "nonascii-1@example.es",
        &[],
        "Hola",
    );
    deliver_raw(&sandbox, &raw);
    let ack = &sandbox.outbox()[0];
    assert_eq!(
        sandbox.tickets()[0]["subject"],
        "Pesanan belum sampai \u{2013} mohon dicek"
    );
    // Without these a mail client reads the UTF-8 body as US-ASCII (RFC 2045 defaults):
    // "JosÃ© PÃ©rez".
    assert_eq!(
        header(ack, "MIME-Version").as_deref(),
        Some("1.0"),
        "{}",
        head(ack)
    );
    let content_type = header(ack, "Content-Type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        content_type.starts_with("text/plain")
            && content_type.replace('"', "").contains("charset=utf-8"),
        "Content-Type: {content_type:?} in\n{}",
        head(ack)
    );
}

#[test]
fn the_spool_is_emptied_once_the_store_has_the_mail() {
    let sandbox = Sandbox::new();
    for name in [
        "01-new-ticket.eml",
        "05-indonesian-subject.eml",
        "08-broken-mime.eml",
    ] {
        sandbox.ingest(&sample(name));
    }
    assert_eq!(
        sandbox.spool_entries("new").len(),
        3,
        "ingest leaves each mail in new/"
    );
    assert!(
        sandbox.spool_entries("tmp").is_empty(),
        "nothing half-written in tmp/"
    );
    sandbox.run_once();
    assert_eq!(sandbox.tickets().len(), 3);
    assert!(
        sandbox.spool_entries("new").is_empty(),
        "{:?}",
        sandbox.spool_entries("new")
    );
    assert!(
        sandbox.spool_entries("cur").is_empty(),
        "{:?}",
        sandbox.spool_entries("cur")
    );
}

#[test]
fn ingest_keeps_the_exact_bytes() {
    let sandbox = Sandbox::new();
    let raw = sample("08-broken-mime.eml"); // bare LF, wrong boundary
    sandbox.ingest(&raw);
    let names = sandbox.spool_entries("new");
    assert_eq!(names.len(), 1);
    let spooled =
        std::fs::read(sandbox.spool_path().join("new").join(&names[0])).expect("read spool file");
    assert_eq!(spooled, raw, "the spool holds the mail byte for byte");
}

#[test]
fn check_config_accepts_the_sandbox_config_and_the_shipped_file() {
    let sandbox = Sandbox::new();
    let (status, _, stderr) = sandbox.exec(&["check-config"]);
    assert!(status.success(), "the sandbox config is valid: {stderr}");

    let shipped = support::repo().join("config/loket.toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_loket"))
        .args(["--config", &shipped.display().to_string(), "check-config"])
        .output()
        .expect("starting loket check-config");
    assert!(
        out.status.success(),
        "config/loket.toml: {}",
        text(&out.stderr)
    );
}

#[test]
fn check_config_reports_every_problem_with_its_key_and_exits_78() {
    let sandbox = Sandbox::new();
    sandbox.edit_config(|config| {
        config
            .replace(
                "address = \"support@example.com\"",
                "address = \"not-an-address\"\ncolour = \"blue\"",
            )
            // There is no acknowledgement.fr.txt among the templates.
            .replace("language = \"en\"", "language = \"fr\"")
    });
    let (status, _, stderr) = sandbox.exec(&["check-config"]);
    assert_eq!(status.code(), Some(78), "EX_CONFIG: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let find = |what: &str, matches: &dyn Fn(&str) -> bool| {
        assert!(
            lines.iter().any(|l| matches(l)),
            "no line about {what} in:\n{stderr}"
        )
    };
    find("the unknown key desk.support.colour", &|l| {
        l.contains("desk.support.colour") || (l.contains("desk.support") && l.contains("colour"))
    });
    find("the bad address desk.support.address", &|l| {
        l.contains("desk.support.address") && l.contains("not-an-address")
    });
    find(
        "the language without templates desk.support.language",
        &|l| l.contains("desk.support.language") && l.contains("fr"),
    );

    let (status, _, _) = sandbox.exec(&["run", "--once"]);
    assert_eq!(status.code(), Some(78), "run refuses the config too");
}

#[test]
fn ingest_that_cannot_write_exits_75_so_the_mta_retries() {
    let sandbox = Sandbox::new();
    let blocker = sandbox.dir.path().join("not-a-folder");
    std::fs::write(&blocker, "a regular file").expect("write blocker file");
    let spool = sandbox.spool_path().display().to_string();
    sandbox.edit_config(|config| {
        config.replacen(
            &format!("path = \"{spool}\""),
            &format!("path = \"{}/spool\"", blocker.display()),
            1,
        )
    });
    let (status, _, stderr) = sandbox.exec_with_input(&["ingest"], &sample("01-new-ticket.eml"));
    assert_eq!(status.code(), Some(75), "{stderr}");
    assert!(!stderr.trim().is_empty(), "the MTA's log should say why");
}

#[test]
fn ticket_commands_ask_the_running_daemon() {
    let sandbox = Sandbox::new();
    let daemon = sandbox.daemon();
    sandbox.ingest(&sample("01-new-ticket.eml"));
    let tickets = support::wait_for(
        "the daemon to take the mail in",
        std::time::Duration::from_secs(10),
        || {
            let tickets = sandbox.tickets();
            (!tickets.is_empty()).then_some(tickets)
        },
    );
    assert_eq!(tickets[0]["id"], 1);
    assert_eq!(inbound(&sandbox.ticket(1)).len(), 1);
    assert!(daemon.stop(), "loket stops cleanly on SIGTERM");
    assert_eq!(
        sandbox.tickets().len(),
        1,
        "and the store opens directly afterwards"
    );
}

#[test]
fn a_store_of_an_unknown_schema_version_is_refused_not_rewritten() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);
    {
        let db = sled::open(sandbox.var().join("store")).expect("open store");
        let meta = db.open_tree("meta").expect("meta tree");
        meta.insert("schema_version", &99u32.to_be_bytes())
            .expect("write");
        db.flush().expect("flush");
    }
    let (status, _, stderr) = sandbox.exec(&["ticket", "list"]);
    assert!(!status.success());
    assert!(stderr.contains("schema version 99"), "{stderr}");
    let (status, _, _) = sandbox.exec(&["run", "--once"]);
    assert!(!status.success(), "the daemon refuses it too");
}

#[test]
fn environment_variables_override_config_keys() {
    let sandbox = Sandbox::new();
    let elsewhere = sandbox.dir.path().join("other-outbox");
    let mut ingest = sandbox.command(&["ingest"]);
    ingest.stdin(std::process::Stdio::piped());
    let mut child = ingest.spawn().expect("loket ingest starts");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&sample("01-new-ticket.eml"))
        .expect("write");
    assert!(child.wait().expect("ingest ends").success());
    let out = sandbox
        .command(&["run", "--once"])
        .env("LOKET__OUTBOX__PATH", &elsewhere)
        .env("LOKET__LIMITS__AUTO_REPLIES_PER_SENDER_PER_HOUR", "0")
        .output()
        .expect("loket runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        elsewhere.is_dir(),
        "the outbox path came from LOKET__OUTBOX__PATH"
    );
    let written = std::fs::read_dir(&elsewhere).expect("outbox").count();
    assert_eq!(
        written, 0,
        "the per-sender cap of 0 from the environment suppressed the acknowledgement"
    );
}

#[test]
fn ticket_list_filters_by_status_tier_and_assignee() {
    let sandbox = Sandbox::new();
    for name in ["01-new-ticket.eml", "05-indonesian-subject.eml"] {
        sandbox.ingest(&sample(name));
    }
    sandbox.run_once();
    let count = |args: &[&str]| {
        let mut all = vec!["ticket", "list", "--json"];
        all.extend_from_slice(args);
        let out = sandbox.loket(&all);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .expect("JSON")
            .as_array()
            .expect("array")
            .len()
    };
    assert_eq!(count(&[]), 2);
    assert_eq!(count(&["--status", "new"]), 2);
    assert_eq!(count(&["--status", "resolved"]), 0);
    assert_eq!(count(&["--tier", "1"]), 2);
    assert_eq!(count(&["--tier", "2"]), 0);
    assert_eq!(count(&["--assignee", "none", "--desk", "support"]), 2);
    assert_eq!(count(&["--assignee", "andi"]), 0);
}

/// Waits for a child to exit, at most `seconds`; its exit code and what it wrote to stderr.
fn exit_within(mut child: std::process::Child, seconds: u64) -> (Option<i32>, String) {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting for loket run") {
            let mut stderr = String::new();
            use std::io::Read;
            let _ = child
                .stderr
                .take()
                .expect("piped")
                .read_to_string(&mut stderr);
            return (status.code(), stderr);
        }
        if started.elapsed().as_secs() >= seconds {
            let _ = child.kill();
            panic!("loket run was still running {seconds} s after one of its tasks died");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn a_dead_task_stops_the_daemon_with_a_non_zero_exit_instead_of_idling() {
    for task in ["scheduler", "worker"] {
        let sandbox = Sandbox::new();
        sandbox.edit_config(|c| format!("{c}[testing]\nfail_task = \"{task}\"\n"));
        let child = sandbox
            .command(&["run"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("starting loket run");
        let (code, stderr) = exit_within(child, 30);
        assert_eq!(
            code,
            Some(70),
            "EX_SOFTWARE, so that systemd restarts it:\n{stderr}"
        );
        let said = format!("stopped because the {task} task died");
        assert!(
            stderr.contains(&said),
            "one clear line naming the task:\n{stderr}"
        );
    }
}

#[test]
fn a_fail_task_naming_no_task_is_a_config_error() {
    let sandbox = Sandbox::new();
    sandbox.edit_config(|c| format!("{c}[testing]\nfail_task = \"mailman\"\n"));
    let (status, _, stderr) = sandbox.exec(&["check-config"]);
    assert_eq!(status.code(), Some(78), "{stderr}");
    assert!(
        stderr.contains("testing.fail_task") && stderr.contains("scheduler"),
        "{stderr}"
    );
}

#[test]
fn mail_in_any_charset_gets_an_acknowledgement_with_readable_headers() {
    let sandbox = Sandbox::new();
    let folder = support::repo().join("tests/corpus/charsets");
    let mut names: Vec<std::path::PathBuf> = std::fs::read_dir(&folder)
        .expect("the charset corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    names.sort();
    assert!(names.len() >= 20, "{} charset mails", names.len());
    for path in &names {
        sandbox.ingest(&std::fs::read(path).expect("read a corpus mail"));
    }
    sandbox.run_once();
    let acks = sandbox.outbox();
    assert_eq!(acks.len(), names.len(), "one acknowledgement per mail");
    for ack in &acks {
        let parsed = mail_parser::MessageParser::default()
            .parse(ack.as_bytes())
            .expect("an acknowledgement parses");
        let subject = parsed.subject().unwrap_or_default();
        let to_name = parsed
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.name())
            .unwrap_or_default();
        for text in [subject, to_name] {
            assert!(
                !text.contains('\u{FFFD}') && !text.chars().any(char::is_control),
                "unreadable header text {text:?} in:\n{}",
                head(ack)
            );
        }
        assert!(subject.contains("[HD #"), "{subject}");
    }
    let subjects: Vec<String> = acks
        .iter()
        .filter_map(|a| mail_parser::MessageParser::default().parse(a.as_bytes()))
        .filter_map(|m| m.subject().map(str::to_string))
        .collect();
    // Each acknowledgement cites its mail's subject as the customer wrote it.
    for path in &names {
        let json = std::fs::read_to_string(path.with_extension("json")).expect("case json");
        let case: Value = serde_json::from_str(&json).expect("json");
        let expected = case["subject"].as_str().unwrap_or_default();
        assert!(
            subjects.iter().any(|s| s.contains(expected)),
            "no acknowledgement subject reads {expected:?}: {subjects:#?}"
        );
    }
}

#[test]
fn a_reply_shows_its_new_text_and_says_how_much_quote_it_hides() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);
    deliver_raw(
        &sandbox,
        &mail(
            "Budi Santoso <budi@example.id>",
            "Re: Printer [HD #1]",
            "reply-quoted@example.id",
            &[],
            "Sudah saya restart, masih sama.\r\n\r\nSalam,\r\nBudi Santoso\r\nStaf Keuangan\r\n\r\n\
Pada Sen, 23 Nov 2026 pukul 09.12 Support <support@example.com> menulis:\r\n\
> Terima kasih, laporan Anda sudah kami terima.\r\n> Nomor tiket: [HD #1]",
        ),
    );
    let ticket = sandbox.ticket(1);
    let reply = inbound(&ticket)[1];
    assert_eq!(reply["new_text"], "Sudah saya restart, masih sama.");
    assert!(str_field(reply, "text").contains("laporan Anda sudah kami terima"));
    let shown = text(&sandbox.loket(&["ticket", "show", "1"]).stdout);
    assert!(
        shown.contains("Sudah saya restart, masih sama.\n(6 lines of quote and signature hidden)"),
        "{shown}"
    );
    assert!(!shown.contains("laporan Anda sudah kami terima"), "{shown}");
}

#[test]
fn a_colleague_joins_the_ticket_but_free_mail_and_other_domains_open_linked_ones() {
    let sandbox = Sandbox::new();
    deliver_raw(
        &sandbox,
        &mail(
            "Budi <budi@majujaya.co.id>",
            "Printer lantai 3 macet",
            "m1@majujaya.co.id",
            &[],
            "Printer di lantai 3 macet lagi.",
        ),
    );
    let colleague = mail(
        "Dewi <dewi@majujaya.co.id>",
        "Re: Printer lantai 3 macet [HD #1]",
        "m2@majujaya.co.id",
        &[],
        "Printer yang sama juga tidak bisa scan.",
    );
    deliver_raw(&sandbox, &colleague);
    for (from, id) in [
        ("Andre <andre.majujaya@gmail.com>", "m3@gmail.com"),
        ("Tono <tono@vendor.example>", "m4@vendor.example"),
    ] {
        deliver_raw(
            &sandbox,
            &mail(
                from,
                "Re: Printer lantai 3 macet [HD #1]",
                id,
                &[],
                "Ada kabar?",
            ),
        );
    }
    let first = sandbox.ticket(1);
    assert_eq!(inbound(&first).len(), 2, "Dewi's mail joined: {first:#}");
    let cc: Vec<&str> = first["cc"]
        .as_array()
        .expect("cc")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(cc, ["dewi@majujaya.co.id"], "she gets the answers in copy");
    assert_eq!(sandbox.tickets().len(), 3);
    for id in [2, 3] {
        let linked = sandbox.ticket(id);
        assert_eq!(linked["linked_to"], 1, "{linked:#}");
        assert_eq!(
            placements(&linked)[0],
            ("inbound".to_string(), "new-not-participant".to_string())
        );
    }
}

/// The sha256 of some bytes, as hex.
fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn message_raw_gives_back_every_sample_byte_for_byte() {
    let sandbox = Sandbox::new();
    let folder = support::repo().join("contrib/samples");
    let mut samples: Vec<std::path::PathBuf> = std::fs::read_dir(&folder)
        .expect("the samples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    samples.sort();
    assert!(samples.len() >= 10, "{} samples", samples.len());
    let mut wanted: Vec<(String, String)> = Vec::new();
    for path in &samples {
        let bytes = std::fs::read(path).expect("read a sample");
        wanted.push((path.display().to_string(), sha256(&bytes)));
        sandbox.ingest(&bytes);
        sandbox.run_once();
    }
    let mut stored = Vec::new();
    for ticket in sandbox.tickets() {
        let id = ticket["id"].as_u64().expect("an id");
        let detail = sandbox.ticket(id);
        for (at, message) in messages(&detail).iter().enumerate() {
            let number = (at + 1).to_string();
            let out = sandbox.loket(&["message", "raw", &id.to_string(), &number]);
            if message["direction"] == "inbound" {
                assert!(out.status.success(), "{}", text(&out.stderr));
                stored.push(sha256(&out.stdout));
            } else {
                assert_eq!(
                    out.status.code(),
                    Some(66),
                    "Loket's own mail has no raw copy"
                );
                assert!(
                    text(&out.stderr).contains("outbox"),
                    "{}",
                    text(&out.stderr)
                );
            }
        }
    }
    for (path, hash) in &wanted {
        assert!(
            stored.contains(hash),
            "{path} is not given back byte for byte"
        );
    }
    let missing = sandbox.loket(&["message", "raw", "1", "99"]);
    assert_eq!(missing.status.code(), Some(66));
    assert!(text(&missing.stderr).contains("not one numbered 99"));
}

#[test]
fn attachments_are_listed_and_given_back_decoded() {
    let sandbox = Sandbox::new();
    let png: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 251) as u8).collect();
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let encode = support::base64_lines;
    let raw = format!(
        "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Layar rusak\r\n\
Message-ID: <files1@example.id>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nFoto dan laporannya terlampir.\r\n\
--b\r\nContent-Type: image/png; name=\"layar.png\"\r\nContent-Disposition: attachment; filename=\"layar.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n\
--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''..%2Flaporan%20servis.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        encode(&png),
        encode(&pdf)
    );
    deliver_raw(&sandbox, &raw);
    let listed = sandbox.json(&["attachment", "list", "1"]);
    let files = listed.as_array().expect("a list");
    assert_eq!(files.len(), 2, "{listed:#}");
    assert_eq!(files[0]["name"], "layar.png");
    assert_eq!(files[0]["content_type"], "image/png");
    assert_eq!(files[0]["sha256"], sha256(&png));
    assert_eq!(
        files[1]["name"], "laporan servis.pdf",
        "no folder in the name"
    );
    assert_eq!(files[1]["size"], pdf.len());
    assert_eq!(
        (files[1]["message"].clone(), files[1]["index"].clone()),
        (1.into(), 2.into())
    );
    let shown = sandbox.ticket(1);
    assert_eq!(inbound(&shown)[0]["attachments"][0]["sha256"], sha256(&png));

    let out = sandbox.loket(&["attachment", "get", "1", "1", "2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout, pdf, "decoded, byte for byte");
    let target = sandbox.dir.path().join("layar.png");
    let target_arg = target.display().to_string();
    let saved = sandbox.loket(&["attachment", "get", "1", "1", "1", "-o", &target_arg]);
    assert!(saved.status.success(), "{}", text(&saved.stderr));
    assert_eq!(std::fs::read(&target).expect("written"), png);
    let again = sandbox.loket(&["attachment", "get", "1", "1", "1", "-o", &target_arg]);
    assert_eq!(again.status.code(), Some(73), "never over an existing file");
    let wrong = sandbox.loket(&["attachment", "get", "1", "1", "3"]);
    assert_eq!(wrong.status.code(), Some(66));
    assert!(
        text(&wrong.stderr).contains("has 2 attachment(s), not one numbered 3"),
        "{}",
        text(&wrong.stderr)
    );
}

#[test]
fn a_mail_over_the_size_limit_is_kept_in_part_noted_and_answered_once() {
    let sandbox = Sandbox::new();
    sandbox.edit_config(|c| format!("{c}[intake]\nmax_message_size = \"64 KiB\"\n"));
    let small = vec![b'a'; 1000];
    let big: Vec<u8> = (0..120_000u32).map(|i| (i % 251) as u8).collect();
    let encode = support::base64_lines;
    let raw = format!(
        "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Rekaman CCTV\r\n\
Message-ID: <big1@example.id>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nRekaman dan catatannya terlampir.\r\n\
--b\r\nContent-Type: text/plain; name=\"catatan.txt\"\r\nContent-Disposition: attachment; filename=\"catatan.txt\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n\
--b\r\nContent-Type: video/mp4\r\nContent-Disposition: attachment; filename=\"cctv.mp4\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        encode(&small),
        encode(&big)
    );
    assert!(raw.len() > 64 * 1024);
    deliver_raw(&sandbox, &raw);
    let ticket = sandbox.ticket(1);
    assert_eq!(
        inbound(&ticket)[0]["new_text"],
        "Rekaman dan catatannya terlampir."
    );
    let noted: Vec<&Value> = ticket["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["what"] == "mail-too-large")
        .collect();
    assert_eq!(noted.len(), 1, "{ticket:#}");
    assert_eq!(
        noted[0]["refused"],
        serde_json::json!([["cctv.mp4", 120_000]])
    );
    let kept = sandbox.loket(&["message", "raw", "1", "1"]);
    assert!(kept.status.success());
    assert_eq!(kept.stdout.len(), 64 * 1024, "the first 64 KiB are kept");
    assert_eq!(&kept.stdout[..], &raw.as_bytes()[..64 * 1024]);
    let to_budi = sandbox.outbox();
    assert_eq!(to_budi.len(), 2, "the acknowledgement and one notice");
    assert!(
        to_budi
            .iter()
            .any(|m| m.contains("cctv.mp4") && m.contains("Auto-Submitted: auto-replied")),
        "{to_budi:#?}"
    );
    // The same mail again changes nothing: no second notice.
    deliver_raw(&sandbox, &raw);
    assert_eq!(sandbox.outbox().len(), 2);
    assert_eq!(sandbox.tickets().len(), 1);
}

/// A sandbox whose desk has one agent, Andi, at tier 1 in the front team; `sections`
/// come after the file outbox, `security` continues `[security]`.
fn with_andi(sections: &str, security: &str) -> Sandbox {
    Sandbox::with_sections(&format!(
        "team = \"front\"\n[outbox]\ntransport = \"file\"\npath = \"@VAR@/outbox\"\n{sections}\
         [team.front]\nname = \"Front desk\"\ntier = 1\n\
         [agent.andi]\nname = \"Andi\"\naddresses = [\"andi@staff.example\"]\ntier = 1\nteams = [\"front\"]\n\
         [security]\nsecret = \"a test secret, 16+ characters\"\n{security}"
    ))
}

#[test]
fn files_over_the_per_file_parts_and_depth_limits_are_named_kept_raw_and_told_once() {
    let sandbox = with_andi(
        "[intake]\nmax_attachment_size = \"64 KiB\"\nmax_parts = 8\nmax_depth = 3\n",
        "",
    );
    let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let file = |name: &str, body: &str| {
        format!(
            "Content-Type: text/plain; name=\"{name}\"\r\n\
Content-Disposition: attachment; filename=\"{name}\"\r\n\r\n{body}\r\n"
        )
    };
    // Parts in order: 0 the mail, 1 its text, 2 small.txt, 3 big.bin, 4-6 three nested
    // multiparts, 7 deep.txt (depth 4), 8 late.txt (the ninth part).
    let raw = format!(
        "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Log server\r\n\
Message-ID: <limits1@example.id>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"a\"\r\n\r\n\
--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLog servernya saya lampirkan.\r\n\
--a\r\n{small}--a\r\nContent-Type: application/octet-stream\r\n\
Content-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{big}\r\n\
--a\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: multipart/mixed; boundary=\"c\"\r\n\r\n\
--c\r\nContent-Type: multipart/mixed; boundary=\"d\"\r\n\r\n\
--d\r\n{deep}--d--\r\n--c--\r\n--b--\r\n\
--a\r\n{late}--a--\r\n",
        small = file("small.txt", "kecil"),
        big = support::base64_lines(&big),
        deep = file("deep.txt", "dalam"),
        late = file("late.txt", "terlambat"),
    );
    deliver_raw(&sandbox, &raw);

    let ticket = sandbox.ticket(1);
    let refused: Vec<&Value> = ticket["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["what"] == "files-refused")
        .collect();
    assert_eq!(refused.len(), 1, "{ticket:#}");
    assert_eq!(
        refused[0]["files"],
        serde_json::json!([
            {"name": "big.bin", "size": 100_000, "refusal": {"limit": "file_size", "value": 65536}},
            {"name": "deep.txt", "size": 5, "refusal": {"limit": "depth", "value": 3}},
            {"name": "late.txt", "size": 9, "refusal": {"limit": "parts", "value": 8}},
        ])
    );
    // Only the file taken in is listed and served; the raw mail keeps every byte.
    let files = sandbox.json(&["attachment", "list", "1"]);
    let names: Vec<&str> = files
        .as_array()
        .expect("a list")
        .iter()
        .map(|f| f["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["small.txt"]);
    let kept = sandbox.loket(&["message", "raw", "1", "1"]);
    assert_eq!(sha256(&kept.stdout), sha256(raw.as_bytes()));

    let shown = sandbox.loket(&["ticket", "show", "1"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains(
            "note        files not taken in: big.bin (98 KB): larger than the 64 KB we take per \
             file; deep.txt (5 bytes): nested more than 3 levels deep in the mail; late.txt \
             (9 bytes): after the first 8 parts of the mail, more than we read"
        ),
        "{shown}"
    );

    let mails = sandbox.outbox();
    let read: Vec<(&String, String)> = mails
        .iter()
        .map(|m| (m, loket::mail::parse(m.as_bytes()).text))
        .collect();
    let notices: Vec<&(&String, String)> = read
        .iter()
        .filter(|(_, text)| text.contains("these files were not taken in"))
        .collect();
    assert_eq!(notices.len(), 1, "{mails:#?}");
    let (notice, notice_text) = notices[0];
    assert!(notice.contains("Auto-Submitted: auto-replied"));
    assert!(
        notice_text.contains("big.bin (98 KB): larger than the 64 KB we take per file"),
        "{notice_text}"
    );
    let to_andi: Vec<&(&String, String)> = read
        .iter()
        .filter(|(m, _)| {
            support::header(m, "To").is_some_and(|to| to.contains("andi@staff.example"))
        })
        .collect();
    assert_eq!(to_andi.len(), 1, "{mails:#?}");
    let notification = &to_andi[0].1;
    assert!(
        notification.contains("Not received (over the intake's limits):\n  big.bin (98 KB)"),
        "{notification}"
    );
    assert!(notification.contains("small.txt"), "{notification}");

    // The same mail again changes nothing: no second notice.
    deliver_raw(&sandbox, &raw);
    assert_eq!(sandbox.outbox().len(), mails.len());
}

#[test]
fn outlooks_winmail_dat_is_unpacked_into_the_tickets_files_and_kept() {
    let sandbox = Sandbox::new();
    let raw = support::sample("12-outlook-winmail.eml");
    sandbox.ingest(&raw);
    sandbox.run_once();
    let files = sandbox.json(&["attachment", "list", "1"]);
    let listed: Vec<(&str, &str, &str)> = files
        .as_array()
        .expect("a list")
        .iter()
        .map(|f| {
            let field = |k: &str| f[k].as_str().unwrap_or("");
            (field("name"), field("content_type"), field("sha256"))
        })
        .collect();
    assert_eq!(listed.len(), 3, "{files:#}");
    assert_eq!(listed[0].0, "winmail.dat");
    assert_eq!(listed[0].1, "application/ms-tnef");
    assert_eq!(
        listed[1],
        (
            "printer.png",
            "image/png",
            "c414cd0e204de974f73753c7e28d7638e7b3691bb8b1a2bab6b25bb7fed7ce77"
        )
    );
    assert_eq!(
        listed[2],
        (
            "Laporan Kerusakan Lantai 3.pdf",
            "application/pdf",
            "cfa3181c1ee36e8bce5e39f84959f4558ea7ba32c0e4539a8ab3c8ce8c716ec6"
        )
    );
    let pdf = sandbox.loket(&["attachment", "get", "1", "1", "3"]);
    assert!(pdf.status.success(), "{}", text(&pdf.stderr));
    assert_eq!(
        sha256(&pdf.stdout),
        "cfa3181c1ee36e8bce5e39f84959f4558ea7ba32c0e4539a8ab3c8ce8c716ec6"
    );
    let ticket = sandbox.ticket(1);
    assert!(
        str_field(inbound(&ticket)[0], "new_text").starts_with("Selamat pagi"),
        "{ticket:#}"
    );
}

#[test]
fn a_forged_pass_below_the_boundarys_own_authentication_results_is_not_trusted() {
    let sandbox = with_andi("", "trusted_authserv_ids = [\"mx.example.com\"]\n");
    deliver(&sandbox, &["01-new-ticket.eml"]);
    let forged = "Authentication-Results: mx.example.com; spf=fail smtp.mailfrom=evil.example; \
dmarc=fail header.from=staff.example\r\n\
Received: from evil.example (evil.example [192.0.2.66]) by mx.example.com\r\n\
Authentication-Results: mx.example.com; dmarc=pass header.from=staff.example\r\n\
From: Andi <andi@staff.example>\r\nTo: support@example.com\r\nSubject: Re: [HD #1] Printer\r\n\
Message-ID: <forged1@evil.example>\r\n\r\n#close\r\nAll fixed, closing.\r\n";
    sandbox.ingest(forged.as_bytes());
    let log = sandbox.run_once();
    let ticket = sandbox.ticket(1);
    assert_ne!(ticket["status"], "resolved", "{ticket:#}");
    assert_ne!(ticket["status"], "closed", "{ticket:#}");
    let to_customer = sandbox
        .outbox()
        .into_iter()
        .filter(|m| m.contains("All fixed"))
        .count();
    assert_eq!(to_customer, 0, "nothing sent in the agent's name");
    assert!(
        log.contains("WARN") && log.contains("probable forgery"),
        "{log}"
    );
}

#[test]
fn the_command_line_speaks_sysexits_and_a_closed_pipe_is_no_error() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);
    let (status, _, stderr) = sandbox.exec(&["ticket", "show", "999"]);
    assert_eq!(status.code(), Some(66), "EX_NOINPUT: {stderr}");
    assert!(stderr.contains("no ticket #999"), "{stderr}");
    let (status, _, stderr) = sandbox.exec(&["attachment", "list", "999"]);
    assert_eq!(status.code(), Some(66), "{stderr}");
    assert!(stderr.contains("no ticket #999"), "{stderr}");
    for wrong in [
        &["ticket", "show"][..],
        &["ticket", "shout", "1"],
        &["--bogus"],
    ] {
        let (status, _, stderr) = sandbox.exec(wrong);
        assert_eq!(status.code(), Some(64), "EX_USAGE for {wrong:?}: {stderr}");
    }
    let (status, stdout, _) = sandbox.exec(&["--help"]);
    assert_eq!(status.code(), Some(0));
    assert!(stdout.contains("Usage"), "{stdout}");

    // `loket ticket show 1 | head -0`: the reader is gone before loket writes.
    for args in [
        &["ticket", "show", "1"][..],
        &["ticket", "list"],
        &["message", "raw", "1", "1"],
    ] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let out = sandbox
            .command(args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("loket runs");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// A sendmail program that reads the mail and answers with `code` and a line on standard
/// error, as an MTA's sendmail does.
fn sendmail_exiting(folder: &std::path::Path, code: i32) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = folder.join(format!("sendmail-{code}"));
    let script =
        format!("#!/bin/sh\ncat > /dev/null\necho \"sendmail: answer {code}\" >&2\nexit {code}\n");
    std::fs::write(&path, script).expect("write the script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path.display().to_string()
}

#[test]
fn sendmail_exit_codes_are_read_as_sysexits() {
    let scripts = tempfile::tempdir().expect("a folder");
    for (code, permanent) in [(67, true), (65, true), (75, false), (1, false)] {
        let script = sendmail_exiting(scripts.path(), code);
        let sandbox = Sandbox::with_sections(&format!(
            "[outbox]\ntransport = \"sendmail\"\ncommand = \"{script}\"\n"
        ));
        deliver(&sandbox, &["01-new-ticket.eml"]);
        let records = sandbox.outbox_records();
        let state = records[0]["state"]["state"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let ticket = sandbox.ticket(1);
        let failed = ticket["history"]
            .as_array()
            .expect("history")
            .iter()
            .any(|h| h["what"] == "delivery-failed");
        if permanent {
            assert_eq!(state, "failed", "exit {code} is final: {records:#?}");
            assert_eq!(records[0]["attempts"], 1, "exit {code} is never retried");
            assert!(failed, "exit {code} is on the ticket: {ticket:#}");
        } else {
            assert_ne!(state, "failed", "exit {code} is retried: {records:#?}");
            assert!(!failed, "{ticket:#}");
        }
        assert!(
            records[0]["last_error"]
                .as_str()
                .unwrap_or("")
                .contains("answer")
                || records[0]["state"]["error"]
                    .as_str()
                    .unwrap_or("")
                    .contains("answer"),
            "what sendmail said is kept: {records:#?}"
        );
    }
}

#[test]
fn mail_from_a_desk_address_or_with_no_sender_is_set_aside_not_a_ticket() {
    let sandbox = Sandbox::new();
    // Loket's own acknowledgement, echoed back by a forwarding rule.
    let echoed = mail(
        "Support <support@example.com>",
        "Re: Printer rusak [HD #7]",
        "echo1@example.com",
        &["Auto-Submitted: auto-replied"],
        "Terima kasih telah menghubungi Support.",
    );
    // A reply address of the desk, with its signed suffix.
    let tagged = mail(
        "support+t7.andi.0123456789abcdef@example.com",
        "Loop",
        "echo2@example.com",
        &[],
        "x",
    );
    let anonymous = "To: support@example.com\r\nSubject: Tolong\r\nMessage-ID: <anon1@example.id>\r\n\r\nPrinter mati.\r\n";
    for raw in [echoed.as_str(), tagged.as_str(), anonymous] {
        sandbox.ingest(raw.as_bytes());
    }
    let log = sandbox.run_once();
    assert!(sandbox.tickets().is_empty(), "{:#?}", sandbox.tickets());
    assert!(sandbox.outbox().is_empty(), "nothing is answered");
    let reasons: Vec<String> = sandbox
        .quarantine()
        .iter()
        .map(|q| q["reason"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert_eq!(
        reasons.iter().filter(|r| r.starts_with("loop: ")).count(),
        2
    );
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.starts_with("no-sender: "))
            .count(),
        1
    );
    assert_eq!(log.matches("set aside, not a ticket").count(), 3, "{log}");
    // The same mail again changes nothing.
    sandbox.ingest(anonymous.as_bytes());
    sandbox.run_once();
    assert_eq!(sandbox.quarantine().len(), 3);
    assert_eq!(
        sandbox.spool_files(),
        0,
        "the spool is emptied: nothing is lost"
    );
}

#[test]
fn what_loket_creates_is_private_and_an_exposed_password_stops_the_daemon() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);
    let mode = |path: std::path::PathBuf| {
        std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(sandbox.var().join("store")), 0o700);
    assert_eq!(mode(sandbox.spool_path()), 0o700);
    for entry in std::fs::read_dir(sandbox.var().join("store"))
        .expect("the store")
        .flatten()
    {
        assert_eq!(
            mode(entry.path()) & 0o077,
            0,
            "{} is private",
            entry.path().display()
        );
    }
    for entry in std::fs::read_dir(sandbox.outbox_path())
        .expect("the outbox")
        .flatten()
    {
        assert_eq!(mode(entry.path()) & 0o077, 0, "{}", entry.path().display());
    }

    sandbox.edit_config(|c| format!("{c}[security]\nsecret = \"an inline secret, 16+ chars\"\n"));
    std::fs::set_permissions(
        sandbox.config_path(),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    let (status, _, stderr) = sandbox.exec(&["run", "--once"]);
    assert_eq!(status.code(), Some(78), "{stderr}");
    assert!(
        stderr.contains("security.secret") && stderr.contains("chmod 600"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    std::fs::set_permissions(
        sandbox.config_path(),
        std::fs::Permissions::from_mode(0o600),
    )
    .expect("chmod");
    sandbox.run_once();
}

#[test]
fn the_control_socket_is_private_or_shared_with_the_configured_group() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let socket_mode = |sandbox: &Sandbox| {
        let daemon = sandbox.daemon();
        let meta = std::fs::metadata(sandbox.var().join("loket.sock")).expect("the socket");
        drop(daemon);
        (meta.permissions().mode() & 0o777, meta.gid())
    };
    let (mode, _) = socket_mode(&Sandbox::new());
    assert_eq!(mode & 0o077, 0, "only Loket's user: {mode:o}");

    let group = std::process::Command::new("id")
        .arg("-gn")
        .output()
        .expect("id -gn");
    let group = String::from_utf8_lossy(&group.stdout).trim().to_string();
    let sandbox = Sandbox::new();
    sandbox.edit_config(|c| c.replace("[control]\n", &format!("[control]\ngroup = \"{group}\"\n")));
    let (mode, gid) = socket_mode(&sandbox);
    assert_eq!(mode, 0o660, "{mode:o}");
    let own = std::process::Command::new("id")
        .arg("-g")
        .output()
        .expect("id -g");
    assert_eq!(gid.to_string(), String::from_utf8_lossy(&own.stdout).trim());

    sandbox.edit_config(|c| {
        c.replace(
            &format!("group = \"{group}\""),
            "group = \"no-such-group-here\"",
        )
    });
    let (status, _, stderr) = sandbox.exec(&["check-config"]);
    assert_eq!(status.code(), Some(78));
    assert!(
        stderr.contains("control.group") && stderr.contains("no-such-group-here"),
        "{stderr}"
    );
}

#[test]
fn an_answer_to_loketss_own_automatic_mail_with_no_text_of_its_own_is_a_loop() {
    let sandbox = Sandbox::new();
    deliver(&sandbox, &["01-new-ticket.eml"]);
    let ack = sandbox.outbox().pop().expect("the acknowledgement");
    let ack_id = header(&ack, "Message-ID").expect("its id");
    // A forwarding rule or a robot sends the acknowledgement back, quoted, nothing else.
    let echo = format!(
        "From: Budi Santoso <budi@example.id>\r\nTo: support@example.com\r\n\
Subject: Re: Printer [HD #1]\r\nMessage-ID: <echo1@example.id>\r\nIn-Reply-To: {ack_id}\r\n\r\n\
> Thank you for contacting Support.\r\n> This is an automatic message.\r\n"
    );
    deliver_raw(&sandbox, &echo);
    let ticket = sandbox.ticket(1);
    assert_eq!(
        inbound(&ticket).len(),
        1,
        "the echo is not on the ticket: {ticket:#}"
    );
    let reasons: Vec<String> = sandbox
        .quarantine()
        .iter()
        .map(|q| q["reason"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].starts_with("loop: answers Loket's own automatic mail"),
        "{reasons:?}"
    );
    // A person's answer to the same mail is the customer's mail, as ever.
    let answer = echo
        .replace("echo1@", "answer1@")
        .replace("> Thank you", "It still jams.\r\n\r\n> Thank you");
    deliver_raw(&sandbox, &answer);
    assert_eq!(inbound(&sandbox.ticket(1)).len(), 2);
}

#[test]
fn the_notification_shows_the_categorys_procedure_and_what_is_still_needed() {
    let sandbox = with_andi(
        "[category.printer]\ntitle.en = \"Printers\"\ntitle.id = \"Printer\"\n\
         steps.en = [\"Check paper and toner\", \"Clean the paper path\"]\n\
         steps.id = [\"Cek kertas dan toner\", \"Bersihkan jalur kertas\"]\n\
         [category.printer.field.device]\ntitle.en = \"Printer model\"\ntitle.id = \"Tipe printer\"\nrequired = true\n\
         [rule.printer]\nkeywords = [\"printer\"]\ncategory = \"printer\"\n",
        "",
    );
    deliver(&sandbox, &["01-new-ticket.eml"]);
    assert_eq!(sandbox.ticket(1)["category"], "printer");
    let to_andi: Vec<String> = sandbox
        .outbox()
        .into_iter()
        .filter(|m| header(m, "To").is_some_and(|to| to.contains("andi@staff.example")))
        .map(|m| loket::mail::parse(m.as_bytes()).text)
        .collect();
    let ack: Vec<String> = sandbox
        .outbox()
        .into_iter()
        .filter(|m| header(m, "To").is_some_and(|to| to.contains("budi@example.id")))
        .map(|m| loket::mail::parse(m.as_bytes()).text)
        .collect();
    assert!(
        ack[0].contains("please tell us in your reply:\n  - Printer model\n\nKind regards"),
        "the customer is asked for what the category needs: {}",
        ack[0]
    );
    assert_eq!(to_andi.len(), 1);
    assert!(
        to_andi[0].contains(
            "Procedure (Printers):\n  [ ] 1. Check paper and toner\n  [ ] 2. Clean the paper path\n\
             Still to be learnt from the customer:\n  Printer model (required): #field device <...>"
        ),
        "{}",
        to_andi[0]
    );
}

/// Andi's mail on ticket 1, vouched for by the trusted boundary's DMARC pass.
fn andi_on_ticket_one(message_id: &str, body: &str) -> String {
    format!(
        "Authentication-Results: mx.example.com; dmarc=pass header.from=staff.example\r\n\
From: Andi <andi@staff.example>\r\nTo: support@example.com\r\nSubject: Re: [HD #1] Printer\r\n\
Message-ID: <{message_id}>\r\n\r\n{body}\r\n"
    )
}

#[test]
fn a_resolved_ticket_is_reported_to_the_customer_who_rates_it_once_with_one_click() {
    let sandbox = with_andi("", "trusted_authserv_ids = [\"mx.example.com\"]\n");
    deliver(&sandbox, &["01-new-ticket.eml"]);
    deliver_raw(
        &sandbox,
        &andi_on_ticket_one(
            "close1@staff.example",
            "#close Replaced the toner cartridge\r\nThe toner is replaced; please try again.",
        ),
    );
    let mails = sandbox.outbox();
    let reports: Vec<&String> = mails
        .iter()
        .filter(|m| {
            loket::mail::parse(m.as_bytes())
                .text
                .contains("is resolved")
        })
        .collect();
    assert_eq!(reports.len(), 1, "{mails:#?}");
    let report = reports[0];
    assert!(header(report, "To").is_some_and(|to| to.contains("budi@")));
    assert!(report.contains("Auto-Submitted: auto-generated"));
    let rating_to = header(report, "Reply-To").expect("a Reply-To");
    let rating_to = rating_to
        .rsplit('<')
        .next()
        .unwrap_or(&rating_to)
        .trim_end_matches('>')
        .to_string();
    assert!(rating_to.starts_with("support+r1."), "{rating_to}");
    let text = loket::mail::parse(report.as_bytes()).text;
    for expected in [
        FIRST_SUBJECT,
        "What we did:\n  Replaced the toner cartridge",
        "Tier 1: Andi",
        &format!("4 (good): <mailto:{rating_to}?subject=%5BHD%20%231%5D&body=4>"),
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }

    // One click on "4", then a comment typed after it: a mail to the rating address.
    let click = format!(
        "From: Budi <budi@example.id>\r\nTo: {rating_to}\r\nSubject: [HD #1]\r\n\
Message-ID: <rate1@example.id>\r\n\r\n4 terima kasih\r\n"
    );
    deliver_raw(&sandbox, &click);
    let ticket = sandbox.ticket(1);
    assert_eq!(ticket["status"], "resolved", "a rating is no reopening");
    let rated: Vec<&Value> = ticket["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["what"] == "rated")
        .collect();
    assert_eq!(rated.len(), 1, "{ticket:#}");
    assert_eq!(rated[0]["score"], serde_json::json!({"stars": 4}));
    assert_eq!(rated[0]["comment"], "terima kasih");
    assert_eq!(rated[0]["counted"], true);
    assert_eq!(ticket["service"]["rating"], serde_json::json!({"stars": 4}));
    assert_eq!(ticket["service"]["agent_replies"], 1);
    assert_eq!(ticket["service"]["first_contact_resolution"], true);

    // A second answer is kept but does not count, and reopens nothing.
    let again = click
        .replace("rate1@", "rate2@")
        .replace("4 terima kasih", "1");
    deliver_raw(&sandbox, &again);
    let ticket = sandbox.ticket(1);
    assert_eq!(ticket["status"], "resolved");
    assert_eq!(ticket["service"]["rating"], serde_json::json!({"stars": 4}));
    assert_eq!(ticket["service"]["ratings_received"], 2);
    let shown = sandbox.loket(&["ticket", "show", "1"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("  resolution  Replaced the toner cartridge"),
        "{shown}"
    );
    assert!(shown.contains("first contact yes | rating 4/5"), "{shown}");
}

#[test]
fn the_report_counts_the_ticket_its_answer_and_its_rating_in_text_csv_and_json() {
    let sandbox = with_andi("", "trusted_authserv_ids = [\"mx.example.com\"]\n");
    deliver(&sandbox, &["01-new-ticket.eml"]);
    deliver_raw(
        &sandbox,
        &andi_on_ticket_one(
            "close2@staff.example",
            "#close Cleared the paper path\r\nFixed.",
        ),
    );
    deliver_raw(
        &sandbox,
        "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Re: [HD #1]\r\n\
Message-ID: <rate3@example.id>\r\n\r\n5\r\n",
    );
    let report = sandbox.json(&["report"]);
    let total = &report["total"];
    assert_eq!(total["opened"], 1, "{report:#}");
    assert_eq!(total["closed"], 1);
    assert_eq!(total["open_at_end"], 0);
    assert_eq!(total["first_response"]["count"], 1);
    assert_eq!(total["first_contact"], 1);
    assert_eq!(total["satisfaction"]["ratings"], 1);
    assert_eq!(total["satisfaction"]["average"], 5.0);

    let agents = sandbox.loket(&["report", "--by", "agent", "--format", "csv"]);
    assert!(agents.status.success(), "{}", text(&agents.stderr));
    let csv = String::from_utf8_lossy(&agents.stdout);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("agent,handled,replies,"), "{csv}");
    assert!(rows[1].starts_with("andi,1,1,"), "{csv}");

    let shown = sandbox.loket(&["report", "--language", "id"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("Tiket: 1 masuk, 1 selesai"), "{shown}");

    let chart = sandbox.var().join("week.png");
    let chart_arg = chart.display().to_string();
    let drawn = sandbox.loket(&["report", "--chart", &chart_arg]);
    assert!(drawn.status.success(), "{}", text(&drawn.stderr));
    let png = std::fs::read(&chart).expect("the chart");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
    let again = sandbox.loket(&["report", "--chart", &chart_arg]);
    assert_eq!(again.status.code(), Some(73), "never over an existing file");

    let wrong = sandbox.loket(&["report", "--by", "colour"]);
    assert_eq!(wrong.status.code(), Some(64));
    assert!(
        text(&wrong.stderr)
            .contains("--by colour: use agent, category, tier, priority, day or week"),
        "{}",
        text(&wrong.stderr)
    );
    let nodesk = sandbox.loket(&["report", "--desk", "sales"]);
    assert_eq!(nodesk.status.code(), Some(64));
    assert!(text(&nodesk.stderr).contains("no desk sales; the desks are: support"));
}

#[test]
fn a_forgotten_customer_leaves_every_file_of_the_store_and_the_measurements_stay() {
    let sandbox = with_andi("", "trusted_authserv_ids = [\"mx.example.com\"]\n");
    deliver(&sandbox, &["01-new-ticket.eml"]);
    deliver_raw(
        &sandbox,
        &andi_on_ticket_one(
            "close4@staff.example",
            "#close Cleared the paper path\r\nDone, Pak Budi.",
        ),
    );
    deliver_raw(
        &sandbox,
        "From: Budi Santoso <budi@example.id>\r\nTo: support@example.com\r\nSubject: Re: [HD #1]\r\n\
Message-ID: <rate5@example.id>\r\n\r\n4 makasih\r\n",
    );
    deliver_raw(
        &sandbox,
        &mail(
            "Sari <sari@kantor.example>",
            "VPN putus",
            "sari1@kantor.example",
            &[],
            "VPN kantor putus sejak pagi.",
        ),
    );
    let store = sandbox.var().join("store");
    for needle in ["budi@example.id", "Budi Santoso"] {
        assert!(
            !support::files_mentioning(&store, needle).is_empty(),
            "the search finds {needle:?} before"
        );
    }
    assert!(!support::files_mentioning(&store, "sari@kantor.example").is_empty());

    let forgot = sandbox.loket(&["customer", "forget", "budi@example.id"]);
    assert!(forgot.status.success(), "{}", text(&forgot.stderr));
    assert!(
        text(&forgot.stdout).contains("budi@example.id: erased from 1 tickets"),
        "{}",
        text(&forgot.stdout)
    );
    for needle in [
        "budi@example.id",
        "Budi Santoso",
        "Printer on the 3rd floor",
    ] {
        let left = support::files_mentioning(&store, needle);
        assert!(left.is_empty(), "{needle:?} is still in {left:?}");
    }
    // Sari is untouched; Budi's ticket keeps its measurements and says what was done.
    assert!(!support::files_mentioning(&store, "sari@kantor.example").is_empty());
    let ticket = sandbox.ticket(1);
    assert_eq!(ticket["requester"], "erased@forgotten.invalid");
    assert_eq!(ticket["subject"], "(erased)");
    assert_eq!(ticket["service"]["rating"], serde_json::json!({"stars": 4}));
    assert_eq!(ticket["service"]["agent_replies"], 1);
    assert_eq!(support::happenings(&ticket, "erased"), 1);
    let report = sandbox.json(&["report"]);
    assert_eq!(report["total"]["opened"], 2);
    assert_eq!(report["total"]["satisfaction"]["ratings"], 1);
    assert_eq!(sandbox.ticket(2)["requester"], "sari@kantor.example");
    // The store opens and takes mail as before.
    deliver(&sandbox, &["01-new-ticket.eml"]);
    assert_eq!(
        sandbox.tickets().len(),
        3,
        "Budi writing again is a new ticket"
    );
}

#[test]
fn the_third_ticket_in_30_days_is_named_in_the_notification() {
    let sandbox = with_andi("", "");
    for n in 1..=3 {
        deliver_raw(
            &sandbox,
            &mail(
                "Dewi <dewi@kantor.example>",
                &format!("Masalah {n}"),
                &format!("dewi{n}@kantor.example"),
                &[],
                "Tolong dibantu.",
            ),
        );
    }
    let notifications: Vec<String> = sandbox
        .outbox()
        .into_iter()
        .filter(|m| header(m, "To").is_some_and(|to| to.contains("andi@staff.example")))
        .map(|m| loket::mail::parse(m.as_bytes()).text)
        .collect();
    assert_eq!(notifications.len(), 3);
    let named: Vec<bool> = notifications
        .iter()
        .map(|t| t.contains("3rd ticket from this customer in 30 days"))
        .collect();
    assert_eq!(
        named.iter().filter(|n| **n).count(),
        1,
        "only the third says so: {notifications:#?}"
    );
    let shown = sandbox.json(&["customer", "show", "dewi@kantor.example"]);
    assert_eq!(shown["last_30_days"], 3);
    assert_eq!(shown["tickets"].as_array().map(Vec::len), Some(3));
    let organisation = sandbox.json(&["customer", "show", "kantor.example"]);
    assert_eq!(organisation["tickets"].as_array().map(Vec::len), Some(3));
    let nobody = sandbox.loket(&["customer", "show", "nobody@example.id"]);
    assert_eq!(nobody.status.code(), Some(66));
}
