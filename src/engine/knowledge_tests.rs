//! Similar tickets, self-service, canned replies and articles, as the engine uses them.

use super::knowledge::{Hints, Offer, Solved};
use super::test_kit::{self as kit, of_kind};
use super::*;
use crate::mail::parse;
use crate::thread::MatchedBy;
use crate::types::{DeskId, TicketId};

const NOW: Timestamp = Timestamp(1_790_000_000);

fn policy() -> Policy {
    crate::config::policy::test_policy()
}

fn hints() -> Hints {
    Hints {
        similar: vec![Solved {
            ticket: TicketId(12),
            subject: "Printer lantai 3 macet".into(),
            resolution: "Membersihkan roller".into(),
            opened: Timestamp(NOW.0 - 21 * 86_400),
        }],
        answer: Some(Offer {
            source: "article printer-jam".into(),
            title: "Kertas macet di printer".into(),
            text: "Matikan printer, buka tutup depan, tarik kertasnya perlahan.".into(),
            likeness: 0.6,
        }),
        searches: None,
    }
}

/// Budi opens a ticket under `policy`, with what the index knew.
fn opened_with(policy: &Policy, hints: &Hints) -> Step {
    let mail = parse(b"From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Printer macet lagi\r\nMessage-ID: <k1@example.id>\r\n\r\nKertasnya tersangkut lagi di printer lantai 3.\r\n");
    let ticket = Ticket::open(TicketId(42), DeskId("support".into()), &mail, None, NOW);
    let inbound = Inbound {
        hints,
        ..kit::person(&mail, MatchedBy::New, Author::Customer)
    };
    step(&ticket, Event::Mail(inbound), policy, NOW)
}

fn self_service_at(min_score: f32) -> Policy {
    let mut policy = policy();
    policy.desks[0].self_service = Some(min_score);
    policy
}

#[test]
fn a_new_tickets_notification_lists_similar_solved_tickets_with_how_and_when() {
    let step = opened_with(&policy(), &hints());
    let notification = &of_kind(&step, OutgoingKind::Notification)[0];
    assert!(
        notification
            .body
            .contains("Tiket serupa yang sudah selesai:"),
        "{}",
        notification.body
    );
    assert!(
        notification
            .body
            .contains("#12 Printer lantai 3 macet (3 minggu lalu)"),
        "{}",
        notification.body
    );
    assert!(
        notification
            .body
            .contains("diselesaikan dengan: Membersihkan roller"),
        "{}",
        notification.body
    );
    let nothing = opened_with(&policy(), Hints::NONE);
    let plain = &of_kind(&nothing, OutgoingKind::Notification)[0];
    assert!(!plain.body.contains("Tiket serupa"), "{}", plain.body);
}

#[test]
fn an_answer_is_offered_only_where_the_desk_asks_and_only_when_it_fits_well_enough() {
    let off = opened_with(&policy(), &hints());
    let ack = &of_kind(&off, OutgoingKind::Acknowledgement)[0];
    assert!(
        !ack.body.contains("Mungkin ini membantu"),
        "self-service is off by default"
    );
    assert_eq!(off.ticket.offered, None);

    let on = opened_with(&self_service_at(0.5), &hints());
    let ack = &of_kind(&on, OutgoingKind::Acknowledgement)[0];
    assert!(
        ack.body
            .contains("Mungkin ini membantu: Kertas macet di printer"),
        "{}",
        ack.body
    );
    assert!(
        ack.body.contains("tarik kertasnya perlahan"),
        "{}",
        ack.body
    );
    assert!(ack.body.contains("balas \"sudah beres\""), "{}", ack.body);
    assert_eq!(
        on.ticket.offered.as_ref().map(|o| o.source.as_str()),
        Some("article printer-jam")
    );

    let strict = opened_with(&self_service_at(0.8), &hints());
    assert_eq!(
        strict.ticket.offered, None,
        "a 0.6 fit is below a 0.8 threshold"
    );
}

fn budi_says(ticket: &Ticket, text: &str) -> Step {
    let mail = parse(format!("From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Re: [HD #42] Printer macet lagi\r\nMessage-ID: <k2@example.id>\r\n\r\n{text}\r\n").as_bytes());
    let inbound = kit::person(&mail, MatchedBy::Tag, Author::Customer);
    step(
        ticket,
        Event::Mail(inbound),
        &self_service_at(0.5),
        Timestamp(NOW.0 + 300),
    )
}

#[test]
fn sudah_beres_after_an_offered_answer_resolves_the_ticket_by_self_service() {
    let offered = opened_with(&self_service_at(0.5), &hints()).ticket;
    let solved = budi_says(&offered, "Sudah beres, terima kasih!");
    assert_eq!(solved.ticket.status, Status::Resolved);
    assert!(solved
        .ticket
        .resolution
        .as_deref()
        .is_some_and(|r| r.contains("Kertas macet di printer")));
    assert!(solved.effects.iter().any(|e| matches!(e, Effect::Record(Happening::SolvedBySelfService { source }) if source == "article printer-jam")));

    let still_broken = budi_says(&offered, "Belum, masih macet setelah saya coba.");
    assert_eq!(
        still_broken.ticket.status,
        Status::New,
        "anything else waits for an agent"
    );
    let unoffered = opened_with(&policy(), &hints()).ticket;
    assert_eq!(
        budi_says(&unoffered, "sudah beres").ticket.status,
        Status::New
    );
}

/// Andi answers ticket 42 with `body`, under the test policy.
fn andi_writes(body: &str) -> Step {
    andi_writes_knowing(body, Hints::NONE)
}

/// `andi_writes`, with what the index found for the mail.
fn andi_writes_knowing(body: &str, hints: &Hints) -> Step {
    let policy = policy();
    let opened = opened_with(&policy, Hints::NONE);
    let reply = parse(format!("From: Andi <andi@example.com>\r\nTo: support@example.com\r\nSubject: Re: [HD #42] Printer macet lagi\r\nMessage-ID: <a1@example.com>\r\n\r\n{body}\r\n").as_bytes());
    let agent = policy.agents[0].clone();
    let tickets = kit::tickets(&[]);
    let author = kit::agent(&agent, trust::Verification::ReplyToken, Directory(&tickets));
    let inbound = Inbound {
        hints,
        ..kit::person(&reply, MatchedBy::Tag, author)
    };
    step(
        &opened.ticket,
        Event::Mail(inbound),
        &policy,
        Timestamp(NOW.0 + 600),
    )
}

#[test]
fn search_by_mail_answers_the_agent_with_the_hits_or_says_the_index_is_not_ready() {
    let found = Hints {
        searches: Some(vec![(
            "printer lantai 3".into(),
            vec![knowledge::Found {
                what: "#12".into(),
                subject: "Printer lantai 3 macet".into(),
                status: "resolved".into(),
                resolution: "Membersihkan roller".into(),
                snippet: "*printer* di *lantai* *3* macet".into(),
            }],
        )]),
        ..Hints::default()
    };
    let step = andi_writes_knowing("#search printer lantai 3", &found);
    let answers = of_kind(&step, OutgoingKind::Notification);
    let answer = answers
        .iter()
        .find(|m| m.body.contains("Hasil pencarian"))
        .expect("the results, to Andi");
    assert_eq!(answer.to.address.as_str(), "andi@example.com");
    assert!(answer.body.contains("Hasil pencarian \"printer lantai 3\" (1):\n  #12 Printer lantai 3 macet [resolved]\n      diselesaikan dengan: Membersihkan roller"), "{}", answer.body);
    assert!(
        of_kind(&step, OutgoingKind::AgentReply).is_empty(),
        "a search reaches no customer"
    );

    let not_ready = andi_writes("#search printer lantai 3");
    let answers = of_kind(&not_ready, OutgoingKind::Notification);
    assert!(
        answers
            .iter()
            .any(|m| m.body.contains("indeks pencarian belum siap")),
        "{answers:#?}"
    );
}

#[test]
fn a_canned_reply_goes_to_the_customer_in_their_language_before_the_agents_words() {
    let step = andi_writes("#reply printer-jam\r\nSaya juga akan cek besok pagi.");
    let reply = &of_kind(&step, OutgoingKind::AgentReply)[0];
    assert!(reply.body.starts_with("Yth. Budi,"), "{}", reply.body);
    assert!(
        reply.body.contains("tarik kertas yang tersangkut"),
        "{}",
        reply.body
    );
    let canned = reply
        .body
        .find("Matikan printer")
        .expect("the reply's steps");
    let own = reply
        .body
        .find("Saya juga akan cek")
        .expect("the agent's line");
    assert!(canned < own, "{}", reply.body);
}

#[test]
fn reply_alone_or_an_unknown_name_tells_the_agent_which_replies_there_are() {
    for body in [
        "#reply\r\nIni jawabannya.",
        "#reply sandi\r\nIni jawabannya.",
    ] {
        let step = andi_writes(body);
        assert!(of_kind(&step, OutgoingKind::AgentReply).is_empty());
        let error = &of_kind(&step, OutgoingKind::CommandError)[0];
        assert!(
            error.body.contains("printer-jam, reset-password"),
            "{}",
            error.body
        );
    }
}

#[test]
fn kb_puts_the_article_into_the_answer_and_kb_candidate_marks_the_ticket() {
    let mut policy = policy();
    policy
        .knowledge
        .articles
        .push(crate::config::policy::Article {
            slug: "vpn".into(),
            language: crate::types::Language::Id,
            title: "Menyambungkan VPN".into(),
            keywords: "vpn".into(),
            body: "Buka aplikasi VPN dan masuk dengan akun kantor.".into(),
        });
    let opened = opened_with(&policy, Hints::NONE);
    let reply = parse(b"From: Andi <andi@example.com>\r\nTo: support@example.com\r\nSubject: Re: [HD #42]\r\nMessage-ID: <a2@example.com>\r\n\r\n#kb vpn\r\n#kb-candidate\r\n");
    let agent = policy.agents[0].clone();
    let tickets = kit::tickets(&[]);
    let author = kit::agent(&agent, trust::Verification::ReplyToken, Directory(&tickets));
    let step = step(
        &opened.ticket,
        Event::Mail(kit::person(&reply, MatchedBy::Tag, author)),
        &policy,
        NOW,
    );
    let answer = &of_kind(&step, OutgoingKind::AgentReply)[0];
    assert!(
        answer
            .body
            .contains("Menyambungkan VPN\n\nBuka aplikasi VPN"),
        "{}",
        answer.body
    );
    assert!(step
        .ticket
        .tags
        .iter()
        .any(|t| t == knowledge::KB_CANDIDATE));
}
