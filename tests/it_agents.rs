//! Agents working a ticket from their own mail client, through real Dovecot and Postfix:
//! notification, relayed reply with only the new text, internal note, a refused command,
//! and a forged mail in an agent's name.

mod support;

use serde_json::Value;
use std::time::Duration;
use support::{address_in, happenings, wait_for, MailServers, MaildirMessage, Sandbox};

const WAIT: Duration = Duration::from_secs(20);
const AGENTS: &str = "[agent.andi]\nname = \"Andi\"\naddresses = [\"andi@staff.example\"]\n\
                      [agent.rina]\nname = \"Rina\"\naddresses = [\"rina@staff.example\"]\ntier = 2\n\
                      [security]\nsecret = \"a test secret, 16+ characters\"\n";

fn history_has(ticket: &Value, what: &str) -> bool {
    ticket["history"]
        .as_array()
        .is_some_and(|h| h.iter().any(|e| e["what"] == what))
}

fn reply(to: &str, subject: &str, in_reply_to: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Andi <andi@staff.example>\r\nTo: {to}\r\nSubject: {subject}\r\n\
         In-Reply-To: {in_reply_to}\r\nMessage-ID: <{}@staff.example>\r\n\r\n{body}\r\n",
        unique(&[to, subject, body])
    )
    .into_bytes()
}

fn unique(parts: &[&str]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}

struct Desk {
    servers: MailServers,
    sandbox: Sandbox,
    _daemon: support::Daemon,
    notification: MaildirMessage,
}

/// A running desk with one ticket from Budi, and Andi's notification of it.
fn desk_with_a_ticket() -> Desk {
    desk_with("From: Budi <budi@example.id>\r\nTo: support@example.com\r\nCc: sari@example.id\r\n\
               Subject: Printer broken\r\nMessage-ID: <b1@example.id>\r\n\r\nThe printer on floor 3 is broken.\r\n")
}

/// A running desk where Budi's `mail` opened ticket 1, and Andi's notification of it.
fn desk_with(mail: &str) -> Desk {
    let servers = MailServers::start();
    let sandbox = Sandbox::with_sections(&(servers.loket_sections("") + AGENTS));
    let daemon = sandbox.daemon();
    servers.submit("budi@example.id", &["support@example.com"], mail.as_bytes());
    let notification = servers
        .wait_for_messages("andi@staff.example", 1, WAIT)
        .remove(0);
    Desk {
        servers,
        sandbox,
        _daemon: daemon,
        notification,
    }
}

impl Desk {
    /// Andi answers the notification from his mail client (to its Reply-To).
    fn answer(&self, body: &str) {
        let reply_to = self
            .notification
            .header("Reply-To")
            .expect("the notification has a Reply-To");
        let subject = format!(
            "Re: {}",
            self.notification.header("Subject").expect("subject")
        );
        let id = self.notification.header("Message-ID").expect("id");
        self.servers.submit(
            "andi@staff.example",
            &[&address_in(&reply_to)],
            &reply(&reply_to, &subject, &id, body),
        );
    }

    fn ticket_after(&self, what: &str) -> Value {
        wait_for(&format!("{what} on ticket 1"), WAIT, || {
            let ticket = self.sandbox.ticket(1);
            history_has(&ticket, what).then_some(ticket)
        })
    }
}

/// The text with quoted-printable soft line breaks joined (lettre wraps long lines).
fn unwrapped(message: &MaildirMessage) -> String {
    message.text.replace("=\r\n", "").replace("=\n", "")
}

#[test]
fn the_agent_is_notified_and_their_reply_reaches_the_customer_with_only_the_new_text() {
    let desk = desk_with_a_ticket();
    let note = &desk.notification;
    assert!(note
        .header("Subject")
        .expect("subject")
        .starts_with("[HD #1]"));
    assert!(address_in(&note.header("Reply-To").expect("reply-to")).starts_with("support+t1.andi."));
    assert!(note.text.contains("The printer on floor 3 is broken."));

    desk.answer("#priority high\r\n\r\nWe replaced the toner, please try again.\r\n\r\nOn Mon, Support wrote:\r\n> [HD #1] Printer broken\r\n> The printer on floor 3 is broken.");
    let answers = desk.servers.wait_for_messages("budi@example.id", 2, WAIT);
    let answer = answers
        .iter()
        .find(|m| m.text.contains("replaced the toner"))
        .expect("the agent's answer");
    assert!(
        !answer.text.contains("floor 3"),
        "quoted history is not relayed:\n{}",
        answer.text
    );
    assert!(
        !answer.text.contains("#priority"),
        "commands are not relayed"
    );
    let from = answer.header("From").expect("From");
    assert!(
        from.contains("Andi")
            && from.contains("support@example.com")
            && !from.contains("staff.example"),
        "{from}"
    );
    assert_eq!(
        answer.header("In-Reply-To").as_deref(),
        Some("<b1@example.id>")
    );
    assert!(answer
        .header("Cc")
        .is_some_and(|cc| cc.contains("sari@example.id")));
    desk.servers.wait_for_messages("sari@example.id", 1, WAIT);
    let ticket = desk.ticket_after("agent-replied");
    assert_eq!(ticket["status"], "open");
    // The ticket says who each message speaks for, and keeps the new text beside the whole.
    let messages = ticket["messages"].as_array().expect("messages");
    let kinds: Vec<(&str, &str)> = messages
        .iter()
        .map(|m| {
            (
                m["direction"].as_str().unwrap_or(""),
                m["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for expected in [
        ("inbound", "customer"),
        ("outbound", "auto"),
        ("outbound", "notification"),
        ("inbound", "agent"),
        ("outbound", "agent"),
    ] {
        assert!(kinds.contains(&expected), "{expected:?} in {kinds:?}");
    }
    let agents_mail = messages
        .iter()
        .find(|m| m["direction"] == "inbound" && m["kind"] == "agent")
        .expect("the agent's mail");
    assert!(agents_mail["text"]
        .as_str()
        .unwrap_or("")
        .contains("floor 3"));
    assert_eq!(
        agents_mail["new_text"],
        "#priority high\n\nWe replaced the toner, please try again."
    );
}

#[test]
fn an_internal_note_never_reaches_the_customer() {
    let desk = desk_with_a_ticket();
    desk.answer("#note\r\nCustomer is a VIP, handle with care.");
    let ticket = desk.ticket_after("note-added");
    let last = ticket["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .rev()
        .find(|m| m["direction"] == "inbound")
        .cloned()
        .expect("the note");
    assert_eq!(last["kind"], "note");
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        desk.servers.messages("budi@example.id").len(),
        1,
        "only the acknowledgement"
    );
}

#[test]
fn a_bad_command_changes_nothing_and_the_agent_gets_the_line_back() {
    let desk = desk_with_a_ticket();
    desk.answer("#priority urgent\r\n#tier 9\r\n\r\nSending to the engineers.");
    let ticket = desk.ticket_after("commands-rejected");
    assert_eq!(ticket["tier"], 1);
    let mails = desk
        .servers
        .wait_for_messages("andi@staff.example", 2, WAIT);
    assert!(mails
        .iter()
        .any(|m| unwrapped(m).contains("#tier 9") && unwrapped(m).contains("does not exist")));
    assert_eq!(
        desk.servers.messages("budi@example.id").len(),
        1,
        "nothing was sent to the customer"
    );
}

#[test]
fn every_bad_line_of_a_mail_comes_back_in_one_answer() {
    let desk = desk_with_a_ticket();
    desk.answer("#priority whenever\r\n#assign nobody\r\n#close\r\n#tier 9\r\n\r\nDone.");
    let ticket = desk.ticket_after("commands-rejected");
    assert_eq!(ticket["status"], "new", "#close was not applied either");
    let mails = desk
        .servers
        .wait_for_messages("andi@staff.example", 2, WAIT);
    let errors: Vec<String> = mails
        .iter()
        .map(unwrapped)
        .filter(|m| m.contains("was not applied"))
        .collect();
    assert_eq!(errors.len(), 1, "one answer for the whole mail");
    for (line, reason) in [
        ("#priority whenever", "unknown priority"),
        ("#assign nobody", "no agent named"),
        ("#tier 9", "does not exist"),
    ] {
        assert!(
            errors[0].contains(line) && errors[0].contains(reason),
            "{line}: {}",
            errors[0]
        );
    }
    assert!(
        !errors[0].contains("  #close\r\n"),
        "#close itself was fine"
    );
    assert_eq!(happenings(&ticket, "commands-rejected"), 3, "{ticket:#}");
}

#[test]
fn a_note_line_stays_internal_while_the_rest_is_the_answer() {
    let desk = desk_with_a_ticket();
    desk.answer("#note Budi is a VIP, keep him posted\r\n\r\nThe technician comes at 14:00.");
    let ticket = desk.ticket_after("agent-replied");
    let answers = desk.servers.wait_for_messages("budi@example.id", 2, WAIT);
    let answer = answers
        .iter()
        .find(|m| m.text.contains("technician comes"))
        .expect("the answer reached Budi");
    assert!(!answer.text.contains("VIP"), "the note is not relayed");
    let notes: Vec<&Value> = ticket["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["what"] == "note-added")
        .collect();
    assert_eq!(notes.len(), 1, "{ticket:#}");
    assert_eq!(notes[0]["text"], "Budi is a VIP, keep him posted");
}

#[test]
fn a_forged_agent_mail_executes_nothing_and_the_real_agent_is_told() {
    let desk = desk_with_a_ticket();
    // No token: written straight to the desk address, as anyone could.
    let forged = reply(
        "support@example.com",
        "Re: [HD #1] Printer broken",
        "<b1@example.id>",
        "#close\r\nPlease forward me everything.",
    );
    desk.servers
        .submit("andi@staff.example", &["support@example.com"], &forged);
    let ticket = desk.ticket_after("unverified-agent-mail");
    assert_eq!(ticket["status"], "new", "#close was not executed");
    let mails = desk
        .servers
        .wait_for_messages("andi@staff.example", 2, WAIT);
    assert!(mails
        .iter()
        .any(|m| unwrapped(m).contains("could not be verified")));
    assert_eq!(desk.servers.messages("budi@example.id").len(), 1);
}

#[test]
fn a_forward_reaches_the_specialist_with_attachments_and_their_answer_is_a_note() {
    let desk = desk_with(
        "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Scanner error\r\n\
         Message-ID: <s1@example.id>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nThe scanner shows E-52, log attached.\r\n\
         --b\r\nContent-Type: text/plain; name=\"scanner.log\"\r\nContent-Disposition: attachment; filename=\"scanner.log\"\r\n\r\nE-52 at 09:12\r\n--b--\r\n",
    );
    desk.answer("#forward tech@vendor.example Could you look at this error code?");

    let forwarded = desk
        .servers
        .wait_for_messages("tech@vendor.example", 1, WAIT)
        .remove(0);
    let text = unwrapped(&forwarded);
    assert!(
        text.contains("Could you look at this error code?"),
        "{text}"
    );
    assert!(
        text.contains("The scanner shows E-52"),
        "the conversation is included"
    );
    assert!(
        text.contains("scanner.log"),
        "the customer's attachment travels with it"
    );
    let forward_id = forwarded.header("Message-ID").expect("id");

    let answer = format!(
        "From: Tech <tech@vendor.example>\r\nTo: support@example.com\r\nSubject: Re: Fwd: Scanner error [HD #1]\r\n\
         Message-ID: <v1@vendor.example>\r\nIn-Reply-To: {forward_id}\r\n\r\nE-52 means the lamp is worn; replace it.\r\n"
    );
    desk.servers.submit(
        "tech@vendor.example",
        &["support@example.com"],
        answer.as_bytes(),
    );
    let ticket = desk.ticket_after("specialist-answered");
    let last = ticket["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .rev()
        .find(|m| m["direction"] == "inbound")
        .cloned()
        .expect("answer");
    assert_eq!(last["kind"], "note");
    // The notification, the confirmation of his #forward, and the specialist's answer.
    let mails = desk
        .servers
        .wait_for_messages("andi@staff.example", 3, WAIT);
    assert!(
        mails
            .iter()
            .any(|m| unwrapped(m).contains("Done: #forward tech@vendor.example")),
        "andi is told the forward went out"
    );
    assert!(
        mails.iter().any(|m| unwrapped(m).contains("lamp is worn")),
        "andi hears of the answer"
    );
    assert_eq!(
        desk.servers.messages("budi@example.id").len(),
        1,
        "the customer got only the acknowledgement"
    );
}

#[test]
fn a_customer_reply_reopens_a_closed_ticket_but_a_thank_you_does_not() {
    let desk = desk_with_a_ticket();
    desk.answer("#close\r\nThe toner was replaced.");
    let closed = desk.ticket_after("agent-replied");
    assert_eq!(closed["status"], "resolved");
    let thanks = "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Re: Printer broken [HD #1]\r\nMessage-ID: <b2@example.id>\r\n\r\nTerima kasih banyak!\r\n";
    desk.servers.submit(
        "budi@example.id",
        &["support@example.com"],
        thanks.as_bytes(),
    );
    wait_for("the thank-you on the ticket", WAIT, || {
        (desk.sandbox.ticket(1)["message_count"].as_u64()? >= 6).then_some(())
    });
    assert_eq!(desk.sandbox.ticket(1)["status"], "resolved");
    let again = "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Re: Printer broken [HD #1]\r\nMessage-ID: <b3@example.id>\r\n\r\nIt is broken again since this morning.\r\n";
    desk.servers.submit(
        "budi@example.id",
        &["support@example.com"],
        again.as_bytes(),
    );
    let reopened = wait_for("the ticket to reopen", WAIT, || {
        let ticket = desk.sandbox.ticket(1);
        (ticket["status"] == "open").then_some(ticket)
    });
    assert_eq!(reopened["id"], 1, "the same ticket, not a new one");
}

/// A condition on `loket ticket show --json`.
type TicketCheck = fn(&Value) -> bool;

#[test]
fn every_command_works_by_mail() {
    let desk = desk_with_a_ticket();
    let steps: [(&str, TicketCheck); 9] = [
        ("#priority high", |t| t["priority"] == "high"),
        ("#category printer", |t| t["category"] == "printer"),
        ("#assign rina", |t| t["assignee"] == "rina"),
        ("#assign me", |t| t["assignee"] == "andi"),
        ("#cc +boss@example.id", |t| {
            t["cc"]
                .as_array()
                .is_some_and(|c| c.iter().any(|a| a == "boss@example.id"))
        }),
        ("#cc -boss@example.id", |t| {
            t["cc"]
                .as_array()
                .is_some_and(|c| !c.iter().any(|a| a == "boss@example.id"))
        }),
        ("#pending", |t| t["status"] == "pending"),
        ("#escalate the customer needs an engineer", |t| {
            t["tier"] == 2 && t["assignee"].is_null()
        }),
        ("#tier 1", |t| t["tier"] == 1),
    ];
    for (command, holds) in steps {
        desk.answer(&format!("{command}\r\n#note\r\nby mail"));
        wait_for(command, WAIT, || {
            holds(&desk.sandbox.ticket(1)).then_some(())
        });
    }
    // Rina was told of the assignment and of the escalation to her tier.
    let rina = desk
        .servers
        .wait_for_messages("rina@staff.example", 2, WAIT);
    assert!(rina
        .iter()
        .any(|m| unwrapped(m).contains("assigned this ticket to you")));
    assert!(rina
        .iter()
        .any(|m| unwrapped(m).contains("needs an engineer")));
    desk.answer("#close\r\n#note\r\ndone");
    wait_for("#close", WAIT, || {
        (desk.sandbox.ticket(1)["status"] == "resolved").then_some(())
    });
    desk.answer("#reopen\r\n#note\r\nnot done");
    wait_for("#reopen", WAIT, || {
        (desk.sandbox.ticket(1)["status"] == "open").then_some(())
    });
    // Notes only: the customer got the acknowledgement and, for the #close, the
    // resolution report; nothing of the notes.
    let budi = desk.servers.wait_for_messages("budi@example.id", 2, WAIT);
    assert_eq!(
        budi.len(),
        2,
        "the acknowledgement and the resolution report"
    );
    assert!(
        budi.iter().any(|m| unwrapped(m).contains("is resolved")),
        "the resolution report"
    );
    assert!(!budi.iter().any(|m| unwrapped(m).contains("by mail")));
}

#[test]
fn every_kind_of_bad_command_is_answered_and_changes_nothing() {
    let desk = desk_with_a_ticket();
    let bad = [
        ("#assign nobody", "no agent named"),
        ("#tier 7", "does not exist"),
        ("#priority someday", "unknown priority"),
        ("#cc boss@example.id", "+boss@example.id"),
        ("#pending now", "takes no argument"),
        ("#frobnicate", "unknown command"),
        ("#merge 2", "no ticket #2"),
        ("#forward the vendor", "needs an address"),
    ];
    for (n, (line, reason)) in bad.iter().enumerate() {
        desk.answer(&format!(
            "#priority urgent\r\n{line}\r\n\r\nAnswer number {n}."
        ));
        let mails = desk
            .servers
            .wait_for_messages("andi@staff.example", n + 2, WAIT);
        assert!(
            mails
                .iter()
                .any(|m| unwrapped(m).contains(line) && unwrapped(m).contains(reason)),
            "{line}"
        );
    }
    let ticket = desk.sandbox.ticket(1);
    assert_eq!(
        ticket["priority"], "normal",
        "the good #priority beside each bad line was not applied"
    );
    assert_eq!(
        desk.servers.messages("budi@example.id").len(),
        1,
        "no answer reached the customer"
    );
}

#[test]
fn outlook_and_bottom_posted_thunderbird_replies_reach_the_customer_with_only_the_new_text() {
    let desk = desk_with_a_ticket();
    desk.answer("Please restart the printer once.\r\n\r\n________________________________\r\nFrom: Support <support@example.com>\r\nSent: Monday, November 23, 2026 9:12 AM\r\nTo: Andi\r\nSubject: [HD #1] Printer broken\r\n\r\nThe printer on floor 3 is broken.");
    desk.answer("On 23/11/2026 09:12, Support wrote:\r\n> The printer on floor 3 is broken.\r\n\r\nIf that does not help, we will send a technician.\r\n\r\n-- \r\nAndi Wijaya\r\nIT Support");
    let received = desk.servers.wait_for_messages("budi@example.id", 3, WAIT);
    let answers: Vec<String> = received
        .iter()
        .map(unwrapped)
        .filter(|t| !t.contains("opened ticket"))
        .collect();
    assert_eq!(answers.len(), 2);
    for text in &answers {
        assert!(!text.contains("floor 3"), "quoted history leaked:\n{text}");
        assert!(!text.contains("Andi Wijaya"), "signature leaked:\n{text}");
    }
    assert!(answers
        .iter()
        .any(|t| t.contains("restart the printer once")));
    assert!(answers.iter().any(|t| t.contains("send a technician")));
}

#[test]
fn a_merged_ticket_continues_in_the_other_and_its_mail_follows() {
    let desk = desk_with_a_ticket();
    let second = "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Printer still broken\r\nMessage-ID: <b9@example.id>\r\n\r\nSame printer, second mail.\r\n";
    desk.servers.submit(
        "budi@example.id",
        &["support@example.com"],
        second.as_bytes(),
    );
    let notes = desk
        .servers
        .wait_for_messages("andi@staff.example", 2, WAIT);
    let on_second = notes
        .iter()
        .find(|m| {
            m.header("Subject")
                .is_some_and(|s| s.starts_with("[HD #2]"))
        })
        .expect("notification of #2")
        .clone();
    let merger = Desk {
        notification: on_second,
        ..desk
    };
    merger.answer("#merge 1\r\n#note\r\nDuplicate of #1.");
    let merged = wait_for("ticket 2 merged", WAIT, || {
        let ticket = merger.sandbox.ticket(2);
        (ticket["status"] == "closed").then_some(ticket)
    });
    assert_eq!(merged["merged_into"], 1);
    assert!(history_has(&merger.sandbox.ticket(1), "merged-from"));
    let follow_up = "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Re: Printer still broken [HD #2]\r\nMessage-ID: <b10@example.id>\r\n\r\nAny news?\r\n";
    merger.servers.submit(
        "budi@example.id",
        &["support@example.com"],
        follow_up.as_bytes(),
    );
    wait_for("the follow-up on ticket 1", WAIT, || {
        let ticket = merger.sandbox.ticket(1);
        ticket["messages"]
            .as_array()?
            .iter()
            .any(|m| m["message_id"] == "b10@example.id")
            .then_some(())
    });
}

#[test]
fn the_customers_files_reach_the_agent_byte_for_byte() {
    use mail_parser::MimeHeaders;
    use sha2::{Digest, Sha256};
    let png: Vec<u8> = (0..5000u32).map(|i| (i * 13 % 256) as u8).collect();
    let pdf = b"%PDF-1.4\n% servis printer\n1 0 obj << >> endobj\n%%EOF\n".to_vec();
    let wrap = support::base64_lines;
    let mail = format!(
        "From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Printer error\r\n\
Message-ID: <files@example.id>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nThe display shows this; the service report is attached.\r\n\
--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"display.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n\
--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        wrap(&png),
        wrap(&pdf)
    );
    let desk = desk_with(&mail);
    let parsed = mail_parser::MessageParser::default()
        .parse(desk.notification.text.as_bytes())
        .expect("the notification parses");
    let carried: Vec<(String, String)> = parsed
        .attachments()
        .map(|part| {
            (
                part.attachment_name().unwrap_or_default().to_string(),
                hex::encode(Sha256::digest(part.contents())),
            )
        })
        .collect();
    let sha = |b: &[u8]| hex::encode(Sha256::digest(b));
    assert_eq!(
        carried,
        [
            ("display.png".to_string(), sha(&png)),
            ("report.pdf".to_string(), sha(&pdf))
        ]
    );
    let text = unwrapped(&desk.notification);
    assert!(text.contains("display.png (image/png, 5 KB)"), "{text}");

    // Later, #attachments brings Andi every file of the ticket again.
    desk.answer("#attachments");
    let mails = desk
        .servers
        .wait_for_messages("andi@staff.example", 2, WAIT);
    let files_mail = mails
        .iter()
        .find(|m| unwrapped(m).contains("The files of this ticket are attached."))
        .expect("the files");
    let parsed = mail_parser::MessageParser::default()
        .parse(files_mail.text.as_bytes())
        .expect("parses");
    let again: Vec<String> = parsed
        .attachments()
        .map(|p| hex::encode(Sha256::digest(p.contents())))
        .collect();
    assert_eq!(again, [sha(&png), sha(&pdf)]);
}

#[test]
fn the_agents_file_reaches_the_customer_but_not_the_signature_logo() {
    use base64::Engine;
    use mail_parser::MimeHeaders;
    use sha2::{Digest, Sha256};
    let desk = desk_with_a_ticket();
    let guide = b"%PDF-1.4\n% panduan ganti toner\n1 0 obj << >> endobj\n%%EOF\n".to_vec();
    let logo: Vec<u8> = (0..900u32).map(|i| (i % 256) as u8).collect();
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let reply_to = desk.notification.header("Reply-To").expect("Reply-To");
    let subject = desk.notification.header("Subject").expect("subject");
    let id = desk.notification.header("Message-ID").expect("id");
    let raw = format!(
        "From: Andi <andi@staff.example>\r\nTo: {reply_to}\r\nSubject: Re: {subject}\r\n\
In-Reply-To: {id}\r\nMessage-ID: <guide@staff.example>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n\
--m\r\nContent-Type: multipart/related; boundary=\"r\"\r\n\r\n\
--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
<div>Please follow the attached guide.</div><div>Andi<br><img src=\"cid:logo@staff\"></div>\r\n\
--r\r\nContent-Type: image/png\r\nContent-ID: <logo@staff>\r\nContent-Disposition: inline; filename=\"logo.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--r--\r\n\
--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"toner-guide.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--m--\r\n",
        b64(&logo),
        b64(&guide)
    );
    desk.servers.submit(
        "andi@staff.example",
        &[&address_in(&reply_to)],
        raw.as_bytes(),
    );
    let answers = desk.servers.wait_for_messages("budi@example.id", 2, WAIT);
    let answer = answers
        .iter()
        .find(|m| m.text.contains("toner-guide.pdf"))
        .expect("the answer with the guide");
    let parsed = mail_parser::MessageParser::default()
        .parse(answer.text.as_bytes())
        .expect("parses");
    let files: Vec<(String, String, String)> = parsed
        .attachments()
        .map(|p| {
            (
                p.attachment_name().unwrap_or_default().to_string(),
                loket::mail::files::content_type(p),
                hex::encode(Sha256::digest(p.contents())),
            )
        })
        .collect();
    assert_eq!(
        files,
        [(
            "toner-guide.pdf".to_string(),
            "application/pdf".to_string(),
            hex::encode(Sha256::digest(&guide))
        )],
        "the guide, byte for byte, and not the logo"
    );
    assert!(parsed
        .body_text(0)
        .unwrap_or_default()
        .contains("follow the attached guide"));

    // Files with nothing for the customer: Andi is told, nothing goes out.
    let bare = raw
        .replace("<guide@staff.example>", "<bare@staff.example>")
        .replace(
            "<div>Please follow the attached guide.</div><div>Andi<br>",
            "<div>",
        );
    desk.servers.submit(
        "andi@staff.example",
        &[&address_in(&reply_to)],
        bare.as_bytes(),
    );
    let mails = desk
        .servers
        .wait_for_messages("andi@staff.example", 2, WAIT);
    assert!(
        mails
            .iter()
            .any(|m| unwrapped(m).contains("files are attached but there is no text")),
        "Andi hears why nothing was sent"
    );
    assert_eq!(desk.servers.messages("budi@example.id").len(), 2);
}
