//! Records and reports through real Dovecot and Postfix, on an English desk and an
//! Indonesian one: the procedure in the notification, a close refused without its
//! resolution, the resolution report in the customer's language, a rating that stays on
//! the ticket and a low one that reopens it and tells the lead.

mod support;

use serde_json::Value;
use std::time::Duration;
use support::{address_in, happenings, wait_for, MailServers, MaildirMessage, Sandbox};

const WAIT: Duration = Duration::from_secs(20);

/// Two desks (English `support`, Indonesian `layanan`, each with its lead and its IMAP
/// mailbox), one agent and a printer category with a two-step procedure.
fn desks(servers: &MailServers) -> Sandbox {
    let imap = servers.loket_sections("");
    let layanan_mailbox = imap
        .split("[mailbox.support]")
        .nth(1)
        .expect("the support mailbox")
        .replace("support@example.com", "layanan@example.com");
    Sandbox::with_sections(&format!(
        "lead = \"Lead <lead@example.com>\"\n\
         [desk.layanan]\nname = \"Layanan TI\"\naddress = \"layanan@example.com\"\ntag = \"TI\"\n\
         language = \"id\"\nlead = \"Kepala TI <kepala@example.com>\"\n\
         {imap}\
         [mailbox.layanan]{layanan_mailbox}desk = \"layanan\"\n\
         [agent.andi]\nname = \"Andi\"\naddresses = [\"andi@staff.example\"]\n\
         [security]\nsecret = \"a test secret, 16+ characters\"\n\
         [category.printer]\ntitle.en = \"Printers\"\ntitle.id = \"Printer\"\n\
         steps.en = [\"Check paper and toner\", \"Replace the toner\"]\n\
         steps.id = [\"Cek kertas dan toner\", \"Ganti toner\"]\n\
         [rule.printer]\nkeywords = [\"printer\"]\ncategory = \"printer\"\n"
    ))
}

/// The decoded text of a mail.
fn body(message: &MaildirMessage) -> String {
    loket::mail::parse(message.text.as_bytes()).text
}

/// Andi answers `notification` from his mail client, to its Reply-To.
fn andi_answers(servers: &MailServers, notification: &MaildirMessage, text: &str, n: u32) {
    let reply_to = notification.header("Reply-To").expect("a Reply-To");
    let subject = notification.header("Subject").expect("a subject");
    let id = notification.header("Message-ID").expect("an id");
    let raw = format!(
        "From: Andi <andi@staff.example>\r\nTo: {reply_to}\r\nSubject: Re: {subject}\r\n\
         In-Reply-To: {id}\r\nMessage-ID: <andi{n}@staff.example>\r\n\r\n{text}\r\n"
    );
    servers.submit(
        "andi@staff.example",
        &[&address_in(&reply_to)],
        raw.as_bytes(),
    );
}

/// The customer answers `mail` (to its Reply-To, or its sender) with `text`.
fn customer_answers(servers: &MailServers, from: &str, mail: &MaildirMessage, text: &str, n: u32) {
    let to = mail
        .header("Reply-To")
        .or_else(|| mail.header("From"))
        .expect("someone to answer");
    let subject = mail.header("Subject").expect("a subject");
    let id = mail.header("Message-ID").expect("an id");
    let raw = format!(
        "From: {from}\r\nTo: {to}\r\nSubject: Re: {subject}\r\nIn-Reply-To: {id}\r\n\
         Message-ID: <answer{n}@customer.example>\r\n\r\n{text}\r\n"
    );
    servers.submit(&address_in(from), &[&address_in(&to)], raw.as_bytes());
}

/// The first mail of `user` whose text contains `words`, waiting for it.
fn mail_with(servers: &MailServers, user: &str, words: &str) -> MaildirMessage {
    wait_for(&format!("a mail to {user} with {words:?}"), WAIT, || {
        servers
            .messages(user)
            .into_iter()
            .find(|m| body(m).contains(words))
    })
}

fn ticket_when(sandbox: &Sandbox, id: u64, what: &str, holds: impl Fn(&Value) -> bool) -> Value {
    wait_for(&format!("ticket {id}: {what}"), WAIT, || {
        let ticket = sandbox.ticket(id);
        holds(&ticket).then_some(ticket)
    })
}

fn rated(ticket: &Value) -> Vec<&Value> {
    ticket["history"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|h| h["what"] == "rated")
        .collect()
}

#[test]
fn a_procedure_a_refused_close_a_report_in_each_language_and_the_ratings_that_follow() {
    let servers = MailServers::start();
    let sandbox = desks(&servers);
    let _daemon = sandbox.daemon();

    // English: Budi's printer. Andi's notification lists the procedure.
    let budi = "Budi <budi@example.id>";
    servers.submit(
        "budi@example.id",
        &["support@example.com"],
        b"From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: The printer jams\r\n\
Message-ID: <budi1@example.id>\r\n\r\nThe printer on floor 3 jams on every page.\r\n",
    );
    let notification = mail_with(&servers, "andi@staff.example", "[HD #1]");
    assert!(
        body(&notification).contains("Procedure (Printers):\n  [ ] 1. Check paper and toner"),
        "{}",
        body(&notification)
    );

    // A close without what was done is refused, by mail, naming what is missing.
    andi_answers(&servers, &notification, "#close\r\nDone.", 1);
    let refused = mail_with(&servers, "andi@staff.example", "#close");
    assert!(
        body(&refused).contains("resolution"),
        "the refusal names the missing resolution: {}",
        body(&refused)
    );
    assert_eq!(
        sandbox.ticket(1)["status"],
        "new",
        "nothing of that mail applied"
    );

    andi_answers(
        &servers,
        &notification,
        "#step 1\r\n#close Replaced the toner\r\nThe toner is replaced; it prints again.",
        2,
    );
    let report = mail_with(&servers, "budi@example.id", "is resolved");
    let text = body(&report);
    for expected in [
        "Your request:\n  The printer on floor 3 jams on every page.",
        "What we did:\n  Replaced the toner\n  - Check paper and toner",
        "Tier 1: Andi",
        "How did we do?",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    let rating_to = address_in(&report.header("Reply-To").expect("a Reply-To"));
    assert!(rating_to.starts_with("support+r1."), "{rating_to}");

    customer_answers(&servers, budi, &report, "4 terima kasih", 1);
    let ticket = ticket_when(&sandbox, 1, "rated", |t| !rated(t).is_empty());
    assert_eq!(rated(&ticket)[0]["score"], serde_json::json!({"stars": 4}));
    assert_eq!(rated(&ticket)[0]["comment"], "terima kasih");
    assert_eq!(
        ticket["status"], "resolved",
        "thanks with a rating reopen nothing"
    );

    // Indonesian: Sari's printer at the other desk; her report is in Indonesian, her "1"
    // reopens the ticket and the desk's lead hears of it.
    let sari = "Sari <sari@kantor.example>";
    servers.submit(
        "sari@kantor.example",
        &["layanan@example.com"],
        b"From: Sari <sari@kantor.example>\r\nTo: layanan@example.com\r\nSubject: Printer macet\r\n\
Message-ID: <sari1@kantor.example>\r\n\r\nPrinter di lantai 2 macet terus.\r\n",
    );
    let notification = mail_with(&servers, "andi@staff.example", "[TI #2]");
    assert!(
        body(&notification).contains("Prosedur (Printer):\n  [ ] 1. Cek kertas dan toner"),
        "{}",
        body(&notification)
    );
    andi_answers(
        &servers,
        &notification,
        "#close Rol kertas dibersihkan\r\nSudah kami bersihkan, Bu.",
        3,
    );
    let report = mail_with(&servers, "sari@kantor.example", "sudah selesai ditangani");
    let text = body(&report);
    for expected in [
        "Yth. Sari,",
        "Permintaan Anda:\n  Printer di lantai 2 macet terus.",
        "Yang kami lakukan:\n  Rol kertas dibersihkan",
        "Level 1: Andi",
        "Bagaimana layanan kami?",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    customer_answers(&servers, sari, &report, "1 masih macet", 2);
    let ticket = ticket_when(&sandbox, 2, "reopened", |t| t["status"] == "open");
    assert_eq!(rated(&ticket)[0]["score"], serde_json::json!({"stars": 1}));
    assert_eq!(rated(&ticket)[0]["counted"], true);
    let lead = mail_with(
        &servers,
        "kepala@example.com",
        "Pelanggan memberi nilai 1 dari 5",
    );
    assert!(
        body(&lead).contains("masih macet"),
        "the lead reads the comment: {}",
        body(&lead)
    );
    assert_eq!(
        lead.header("Subject").as_deref(),
        Some("[TI #2] dinilai 1 dari 5: Printer macet")
    );
    assert_eq!(happenings(&ticket, "resolution-reported"), 1);
    // Nobody held the ticket: the agents on duty hear that it is open again.
    let reopened = mail_with(&servers, "andi@staff.example", "1 masih macet");
    assert!(body(&reopened).contains("[TI #2]"), "{}", body(&reopened));
    if std::env::var_os("SHOW_MAIL").is_some() {
        for user in [
            "budi@example.id",
            "sari@kantor.example",
            "kepala@example.com",
            "andi@staff.example",
        ] {
            for m in servers.messages(user) {
                eprintln!(
                    "===== to {user}: {}\n{}",
                    m.header("Subject").unwrap_or_default(),
                    body(&m)
                );
            }
        }
    }
    // The report, asked of the running daemon over its socket, counts both ratings.
    let report = sandbox.json(&["report"]);
    assert_eq!(report["total"]["satisfaction"]["ratings"], 2, "{report:#}");
    assert_eq!(report["total"]["satisfaction"]["average"], 2.5);
    assert_eq!(report["total"]["reopened"], 1);
    let sari = sandbox.json(&["customer", "show", "sari@kantor.example"]);
    assert_eq!(sari["tickets"][0]["rating"], "1/5");
    // Budi's desk lead heard nothing: his rating was good.
    assert!(servers.messages("lead@example.com").is_empty());
}
