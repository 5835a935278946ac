//! Engine rules, tested without any I/O but the shipped templates.

use super::test_kit::{self as kit, of_kind};
use super::*;
use crate::mail::{classify, parse, Mail};
use crate::thread::MatchedBy;
use crate::types::{DeskId, TicketId};
use loops::AutoReplyBudget;

fn policy() -> Policy {
    crate::config::policy::test_policy()
}

const NOW: Timestamp = Timestamp(1_790_000_000);

fn mail(headers: &str) -> Mail {
    parse(format!("{headers}\r\n\r\nPrinter saya rusak.\r\n").as_bytes())
}

fn first_step(mail: &Mail, budget: AutoReplyBudget) -> Step {
    let policy = policy();
    let class = classify(mail, |a| policy.is_own_address(a));
    let ticket = Ticket::open(TicketId(42), DeskId("support".into()), mail, None, NOW);
    let inbound = Inbound {
        class: &class,
        budget,
        ..kit::person(mail, MatchedBy::New, Author::Customer)
    };
    step(&ticket, Event::Mail(inbound), &policy, NOW)
}

fn sent(step: &Step) -> Vec<&OutgoingMail> {
    step.effects
        .iter()
        .filter_map(Effect::as_mail)
        .filter(|m| m.kind != OutgoingKind::Notification)
        .collect()
}

fn notifications(step: &Step) -> Vec<&OutgoingMail> {
    step.effects
        .iter()
        .filter_map(Effect::as_mail)
        .filter(|m| m.kind == OutgoingKind::Notification)
        .collect()
}

const BUDI: &str = "From: Budi <budi@example.id>\r\nCc: sari@example.id\r\nSubject: Printer rusak\r\nMessage-ID: <m1@example.id>";

#[test]
fn first_mail_is_acknowledged_in_the_desks_language() {
    let step = first_step(&mail(BUDI), AutoReplyBudget::default());
    let mails = sent(&step);
    assert_eq!(mails.len(), 1);
    let ack = mails[0];
    assert_eq!(ack.subject, "Re: Printer rusak [HD #42]");
    assert_eq!(ack.to.address.as_str(), "budi@example.id");
    assert_eq!(ack.from.name.as_deref(), Some("Layanan Pelanggan"));
    assert_eq!(
        ack.in_reply_to.as_ref().map(|i| i.as_str()),
        Some("m1@example.id")
    );
    assert_eq!(
        ack.references
            .iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>(),
        ["m1@example.id"]
    );
    assert_eq!(ack.auto_submitted.as_deref(), Some("auto-replied"));
    assert!(
        ack.body.contains("Terima kasih"),
        "Indonesian template: {}",
        ack.body
    );
    assert!(ack.body.contains("[HD #42]"));
}

#[test]
fn first_mail_records_opening_and_counts_both_messages() {
    let step = first_step(&mail(BUDI), AutoReplyBudget::default());
    assert_eq!(
        step.ticket.message_count, 3,
        "the customer's mail, the acknowledgement and andi's notification"
    );
    assert_eq!(step.ticket.status, Status::New);
    assert!(matches!(
        step.effects[0],
        Effect::Record(Happening::Opened { .. })
    ));
    let ack_id = sent(&step)[0].message_id.clone();
    assert!(
        step.ticket.thread.contains(&ack_id),
        "replies to the ack must thread"
    );
}

#[test]
fn requester_and_cc_become_participants() {
    let step = first_step(&mail(BUDI), AutoReplyBudget::default());
    let people = participants(&step.ticket);
    assert_eq!(people, ["budi@example.id", "sari@example.id"]);
}

#[test]
fn automatic_first_mail_opens_a_ticket_without_reply() {
    let auto = mail("From: robot@example.id\r\nAuto-Submitted: auto-generated\r\nSubject: Report");
    let step = first_step(&auto, AutoReplyBudget::default());
    assert!(sent(&step).is_empty());
    let suppressed = step.effects.iter().any(|e| {
        matches!(
            e,
            Effect::Record(Happening::AcknowledgementSuppressed { .. })
        )
    });
    assert!(
        suppressed,
        "the history says why no acknowledgement went out"
    );
}

#[test]
fn sender_over_the_hourly_cap_gets_no_reply() {
    let budget = AutoReplyBudget {
        to_sender_last_hour: 3,
        to_all_last_minute: 0,
        ratings_asked_today: 0,
        opened_last_30_days: 0,
    };
    assert!(sent(&first_step(&mail(BUDI), budget)).is_empty());
}

#[test]
fn follow_up_is_recorded_without_a_second_acknowledgement() {
    let policy = policy();
    let first = first_step(&mail(BUDI), AutoReplyBudget::default());
    let reply = mail("From: budi@example.id\r\nSubject: Re: Printer rusak [HD #42]\r\nMessage-ID: <m2@example.id>");
    let inbound = kit::person(&reply, MatchedBy::Tag, Author::Customer);
    let later = Timestamp(NOW.0 + 60);
    let step = step(&first.ticket, Event::Mail(inbound), &policy, later);
    assert!(sent(&step).is_empty());
    assert_eq!(step.ticket.message_count, 4);
    assert_eq!(step.ticket.updated_at, later);
}

#[test]
fn mail_without_message_id_gets_no_in_reply_to() {
    let step = first_step(
        &mail("From: budi@example.id\r\nSubject: tanpa id"),
        AutoReplyBudget::default(),
    );
    let ack = sent(&step)[0];
    assert_eq!(ack.in_reply_to, None);
    assert_eq!(ack.references, vec![]);
}

#[test]
fn reply_subject_neither_doubles_re_nor_keeps_foreign_tags() {
    assert_eq!(
        reply_subject("Re: RE: Printer", "[HD #9]", &["HD"]),
        "Re: Printer [HD #9]"
    );
    assert_eq!(
        reply_subject("[HD #7] give me data", "[HD #9]", &["HD"]),
        "Re: give me data [HD #9]"
    );
    assert_eq!(reply_subject("", "[HD #9]", &["HD"]), "[HD #9]");
    assert_eq!(
        reply_subject("[urgent] Printer", "[HD #9]", &["HD"]),
        "Re: [urgent] Printer [HD #9]"
    );
}

#[test]
fn a_long_subject_is_cut_at_a_word_and_keeps_its_tag() {
    let long = format!("Printer {} rusak", "lantai tiga ".repeat(40));
    let subject = reply_subject(&long, "[HD #1234]", &["HD"]);
    assert!(subject.ends_with("… [HD #1234]"), "{subject}");
    assert!(subject.starts_with("Re: Printer lantai tiga"));
    let text = subject
        .trim_start_matches("Re: ")
        .trim_end_matches(" [HD #1234]");
    assert!(
        text.chars().count() <= outgoing::MAX_SUBJECT_TEXT,
        "{subject}"
    );
    let cut = text.trim_end_matches('…');
    assert!(
        long.starts_with(&format!("{cut} ")),
        "cut at a word: {subject}"
    );
    // A subject made of one endless word is cut inside it, the tag still whole.
    let word = reply_subject(&"x".repeat(400), "[HD #7]", &["HD"]);
    assert!(word.ends_with("x… [HD #7]"), "{word}");
}

#[test]
fn a_refused_mail_is_recorded_on_the_ticket_and_sends_nothing() {
    let first = first_step(&mail(BUDI), AutoReplyBudget::default());
    let failure = DeliveryFailure {
        message_id: sent(&first)[0].message_id.clone(),
        recipients: vec![crate::types::EmailAddress::parse("budi@example.id").expect("valid")],
        error: "550 5.1.1 no such user".into(),
    };
    let later = Timestamp(NOW.0 + 5);
    let step = step(
        &first.ticket,
        Event::DeliveryFailed(&failure),
        &policy(),
        later,
    );
    assert!(sent(&step).is_empty());
    assert_eq!(step.ticket.updated_at, later);
    let recorded = step.effects.iter().any(|e| matches!(e, Effect::Record(Happening::DeliveryFailed { error, .. }) if error.contains("550")));
    assert!(recorded);
}

// --- agents ---------------------------------------------------------------------------

use crate::engine::trust::{reply_address, Verification};

fn andi() -> crate::config::policy::Agent {
    policy().agents[0].clone()
}

/// A ticket opened by Budi, then a verified mail from Andi to the desk with `body`.
fn andi_writes(body: &str) -> Step {
    agent_step(body, Verification::ReplyToken, "support@example.com")
}

/// A ticket opened by Budi, then a mail from Andi with `body`.
fn agent_step(body: &str, verification: Verification, to: &str) -> Step {
    agent_step_under(&policy(), body, verification, to)
}

/// `agent_step` under another policy.
fn agent_step_under(policy: &Policy, body: &str, verification: Verification, to: &str) -> Step {
    let first = first_step(&mail(BUDI), AutoReplyBudget::default());
    let reply = parse(format!("From: Andi <andi@example.com>\r\nTo: {to}\r\nSubject: Re: [HD #42] Printer rusak\r\nMessage-ID: <a1@example.com>\r\n\r\n{body}\r\n").as_bytes());
    let agent = andi();
    // Ticket 7 is open, ticket 8 resolved; no other ticket exists.
    let tickets = kit::tickets(&[(7, Status::Open), (8, Status::Resolved)]);
    let author = Author::Agent(AgentMail {
        agent: &agent,
        verification,
        to_comment_address: to.contains("notes"),
        tickets: Directory(&tickets),
    });
    let inbound = kit::person(&reply, MatchedBy::Tag, author);
    step(
        &first.ticket,
        Event::Mail(inbound),
        policy,
        Timestamp(NOW.0 + 600),
    )
}

/// The test policy with one category, printer: two steps and a required field, device.
fn with_printer_category() -> Policy {
    use crate::config::policy::{Bilingual, Category, IntakeField};
    let both = |text: &str| Bilingual {
        en: text.into(),
        id: text.into(),
    };
    let mut policy = policy();
    policy.categories = vec![Category {
        id: "printer".into(),
        title: both("Printer"),
        desks: Vec::new(),
        priority: None,
        tier: None,
        close_tier: None,
        steps: vec![both("Cek kertas"), both("Ganti toner")],
        fields: vec![IntakeField {
            key: "device".into(),
            title: both("Tipe printer"),
            required: true,
        }],
    }];
    policy
}

#[test]
fn steps_and_fields_move_the_procedure_and_wrong_ones_change_nothing() {
    use super::procedure::StepState;
    let policy = with_printer_category();
    let to = "support@example.com";
    let step = agent_step_under(
        &policy,
        "#category printer\r\n#step 1\r\n#step 2 skip toner habis\r\n#field device Canon MF3010\r\nSudah saya cek.",
        Verification::ReplyToken,
        to,
    );
    let procedure = &step.ticket.procedure;
    assert_eq!(procedure.steps.get(&1), Some(&StepState::Done));
    assert_eq!(
        procedure.steps.get(&2),
        Some(&StepState::Skipped("toner habis".into()))
    );
    assert_eq!(
        procedure.fields.get("device").map(String::as_str),
        Some("Canon MF3010")
    );
    for wrong in [
        "#category printer\r\n#step 3\r\nx",
        "#category printer\r\n#field colour red\r\nx",
        "#step 1\r\nx",
        "#step 1 skip\r\nx",
    ] {
        let step = agent_step_under(&policy, wrong, Verification::ReplyToken, to);
        assert!(step.ticket.procedure.is_empty(), "{wrong}");
        assert_eq!(step.ticket.category, None, "nothing of {wrong:?} applied");
        only_to_andi(&step, OutgoingKind::CommandError);
    }
}

#[test]
fn once_categories_are_defined_closing_needs_the_category_and_what_was_done() {
    let policy = with_printer_category();
    let to = "support@example.com";
    let bare = agent_step_under(&policy, "#close\r\nSudah.", Verification::ReplyToken, to);
    assert_ne!(bare.ticket.status, Status::Resolved);
    let error = only_to_andi(&bare, OutgoingKind::CommandError);
    assert!(
        error.body.contains("kategorinya") && error.body.contains("#resolution"),
        "both missing things are named: {}",
        error.body
    );
    for body in [
        "#category printer\r\n#close Ganti toner\r\nSudah beres, Pak.",
        "#category printer\r\n#resolution Ganti toner\r\n#close\r\nSudah beres, Pak.",
    ] {
        let closed = agent_step_under(&policy, body, Verification::ReplyToken, to);
        assert_eq!(closed.ticket.status, Status::Resolved, "{body}");
        assert_eq!(closed.ticket.resolution.as_deref(), Some("Ganti toner"));
    }
    let mut senior_only = policy.clone();
    senior_only.categories[0].close_tier = Some(crate::types::Tier(2));
    let refused = agent_step_under(
        &senior_only,
        "#category printer\r\n#close Ganti toner\r\nx",
        Verification::ReplyToken,
        to,
    );
    assert_ne!(refused.ticket.status, Status::Resolved);
    let error = only_to_andi(&refused, OutgoingKind::CommandError);
    assert!(error.body.contains("level 2"), "{}", error.body);
    // A desk that requires the procedure closes only when every step is dealt with.
    let mut strict = policy.clone();
    strict.desks[0].require_steps = true;
    let early = agent_step_under(
        &strict,
        "#category printer\r\n#step 1\r\n#close Ganti toner\r\nx",
        Verification::ReplyToken,
        to,
    );
    assert_ne!(early.ticket.status, Status::Resolved);
    let error = only_to_andi(&early, OutgoingKind::CommandError);
    assert!(error.body.contains("belum: 2"), "{}", error.body);
    let complete = agent_step_under(
        &strict,
        "#category printer\r\n#step 1\r\n#step 2 skip toner masih ada\r\n#close Bersihkan rol\r\nx",
        Verification::ReplyToken,
        to,
    );
    assert_eq!(complete.ticket.status, Status::Resolved);
    // Without categories a bare #close closes, as ever.
    assert_eq!(
        andi_writes("#close\r\nSudah.").ticket.status,
        Status::Resolved
    );
}

#[test]
fn once_categories_are_defined_category_must_name_one() {
    let policy = with_printer_category();
    let to = "support@example.com";
    let good = agent_step_under(
        &policy,
        "#category printer\r\nSaya cek.",
        Verification::ReplyToken,
        to,
    );
    assert_eq!(good.ticket.category.as_deref(), Some("printer"));
    let typo = agent_step_under(
        &policy,
        "#category priner\r\nSaya cek.",
        Verification::ReplyToken,
        to,
    );
    assert_eq!(typo.ticket.category, None, "nothing applied");
    let error = only_to_andi(&typo, OutgoingKind::CommandError);
    assert!(
        error.body.contains("printer"),
        "the categories are named: {}",
        error.body
    );
}

/// The one mail of `kind` a step sent, which must go to Andi alone, while nothing
/// reached the customer and the mail was kept as a note.
fn only_to_andi(step: &Step, kind: OutgoingKind) -> &OutgoingMail {
    assert!(
        of_kind(step, OutgoingKind::AgentReply).is_empty(),
        "nothing reaches the customer"
    );
    assert_eq!(step.filed, Filed::Note);
    let [mail] = of_kind(step, kind)[..] else {
        panic!("one {kind:?} mail: {:?}", step.effects);
    };
    assert_eq!(mail.to.address.as_str(), "andi@example.com");
    mail
}

fn participants(ticket: &Ticket) -> Vec<&str> {
    ticket.participants.iter().map(|a| a.as_str()).collect()
}

fn history(step: &Step) -> Vec<&Happening> {
    step.effects
        .iter()
        .filter_map(|e| match e {
            Effect::Record(h) => Some(h),
            _ => None,
        })
        .collect()
}

#[test]
fn a_new_ticket_is_announced_to_tier_one_with_a_signed_reply_to() {
    let step = first_step(&mail(BUDI), AutoReplyBudget::default());
    let notes = notifications(&step);
    assert_eq!(notes.len(), 1, "andi (tier 1), not rina (tier 2)");
    let note = notes[0];
    assert_eq!(note.to.address.as_str(), "andi@example.com");
    let expected = reply_address(
        &policy().desks[0].address,
        TicketId(42),
        &andi().id,
        &policy().security.reply_key,
    );
    assert_eq!(note.reply_to.as_ref().map(|c| &c.address), Some(&expected));
    assert!(note.subject.starts_with("[HD #42]"));
    assert!(note.body.contains("Printer saya rusak"), "{}", note.body);
}

#[test]
fn a_verified_agent_reply_is_relayed_with_only_its_new_text() {
    let step = andi_writes("Sudah kami perbaiki.\r\n\r\nOn Mon, Budi <budi@example.id> wrote:\r\n> Printer saya rusak.");
    let replies = of_kind(&step, OutgoingKind::AgentReply);
    assert_eq!(replies.len(), 1);
    let reply = replies[0];
    assert_eq!(reply.body.trim(), "Sudah kami perbaiki.");
    assert_eq!(reply.to.address.as_str(), "budi@example.id");
    assert_eq!(
        reply
            .cc
            .iter()
            .map(|c| c.address.as_str())
            .collect::<Vec<_>>(),
        ["sari@example.id"]
    );
    assert_eq!(reply.from.name.as_deref(), Some("Andi"));
    assert_eq!(
        reply.from.address.as_str(),
        "support@example.com",
        "the agent's own address stays private"
    );
    assert_eq!(
        reply.in_reply_to.as_ref().map(|i| i.as_str()),
        Some("m1@example.id")
    );
    assert_eq!(reply.subject, "Re: Printer rusak [HD #42]");
    assert_eq!(step.filed, Filed::Agent);
    assert_eq!(step.ticket.status, Status::Open);
}

#[test]
fn commands_apply_with_the_reply() {
    let step = andi_writes("#priority urgent\r\n#category printer\r\n#assign me\r\n#pending\r\n\r\nMohon kirim foto layarnya.");
    assert_eq!(step.ticket.priority, crate::types::Priority::Urgent);
    assert_eq!(step.ticket.category.as_deref(), Some("printer"));
    assert_eq!(
        step.ticket.assignee.as_ref().map(|a| a.0.as_str()),
        Some("andi")
    );
    assert_eq!(step.ticket.status, Status::Pending);
    assert_eq!(
        of_kind(&step, OutgoingKind::AgentReply)[0].body.trim(),
        "Mohon kirim foto layarnya."
    );
}

#[test]
fn a_note_never_reaches_the_customer() {
    for (body, to) in [
        ("#note\r\nCustomer seems upset.", "support@example.com"),
        ("Internal: check the toner.", "support-notes@example.com"),
    ] {
        let step = agent_step(body, Verification::ReplyToken, to);
        assert!(
            of_kind(&step, OutgoingKind::AgentReply).is_empty(),
            "{body}"
        );
        assert_eq!(step.filed, Filed::Note);
        assert!(history(&step)
            .iter()
            .any(|h| matches!(h, Happening::NoteAdded { .. })));
    }
}

#[test]
fn a_bad_command_applies_nothing_and_tells_the_agent() {
    let step = andi_writes("#priority urgent\r\n#tier 9\r\n\r\nEscalating.");
    assert_eq!(
        step.ticket.priority,
        crate::types::Priority::Normal,
        "nothing applied"
    );
    let error = only_to_andi(&step, OutgoingKind::CommandError);
    assert!(error.body.contains("#tier 9"), "{}", error.body);
    assert_signed_reply_to(error);
}

/// A mail to Andi about ticket 42 that invites an answer carries his signed Reply-To, so
/// that the corrected answer is verified.
fn assert_signed_reply_to(mail: &OutgoingMail) {
    let policy = policy();
    let andi = policy
        .agents
        .iter()
        .find(|a| a.id.0 == "andi")
        .expect("andi");
    let desk = &policy.desks[0];
    let signed = super::trust::reply_address(
        &desk.address,
        TicketId(42),
        &andi.id,
        &policy.security.reply_key,
    );
    assert_eq!(
        mail.reply_to.as_ref().map(|c| &c.address),
        Some(&signed),
        "{:?} has the signed Reply-To",
        mail.kind
    );
}

#[test]
fn an_unverified_agent_mail_executes_nothing_and_warns_the_real_agent() {
    let step = agent_step(
        "#close\r\nPlease send me the whole conversation.",
        Verification::Unverified,
        "support@example.com",
    );
    assert_eq!(step.ticket.status, Status::New);
    assert_signed_reply_to(only_to_andi(&step, OutgoingKind::Unverified));
}

#[test]
fn escalation_moves_up_one_tier_and_tells_the_next_tier() {
    let step = andi_writes("#escalate needs a specialist");
    assert_eq!(step.ticket.tier.0, 2);
    let told: Vec<_> = notifications(&step)
        .iter()
        .map(|m| m.to.address.as_str())
        .collect();
    // Rina takes it; Andi, whose mail held nothing but the command, hears it was done.
    assert_eq!(told, ["rina@example.com", "andi@example.com"]);
    assert!(notifications(&step)[0].body.contains("needs a specialist"));
    assert!(
        notifications(&step)[1]
            .body
            .contains("Sudah dijalankan: #escalate needs a specialist."),
        "{}",
        notifications(&step)[1].body
    );
}

#[test]
fn a_customer_follow_up_reopens_a_resolved_ticket_but_thanks_do_not() {
    let resolved = andi_writes("#close\r\nFixed.");
    assert_eq!(resolved.ticket.status, Status::Resolved);
    let policy = policy();
    for (text, expected) in [
        ("Terima kasih banyak!", Status::Resolved),
        ("It is broken again.", Status::Open),
    ] {
        let mail = parse(format!("From: budi@example.id\r\nSubject: Re: [HD #42]\r\nMessage-ID: <f@example.id>\r\n\r\n{text}\r\n").as_bytes());
        let inbound = kit::person(&mail, MatchedBy::Tag, Author::Customer);
        let step = step(
            &resolved.ticket,
            Event::Mail(inbound),
            &policy,
            Timestamp(NOW.0 + 900),
        );
        assert_eq!(step.ticket.status, expected, "{text}");
    }
}

#[test]
fn a_notification_names_the_colleague_who_wrote_the_copies_the_files_and_the_reopening() {
    let mut resolved = andi_writes("#close\r\nFixed.").ticket;
    resolved.assignee = Some(crate::types::AgentId("andi".into()));
    let policy = policy();
    let mail = parse(
        b"From: Dewi <dewi@example.id>\r\nSubject: Re: [HD #42]\r\nMessage-ID: <d@example.id>\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nMacet lagi, foto terlampir.\r\n\
--b\r\nContent-Type: image/jpeg; name=\"foto.jpg\"\r\nContent-Disposition: attachment; filename=\"foto.jpg\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8U\r\n--b--\r\n",
    );
    let inbound = kit::person(&mail, MatchedBy::Tag, Author::Customer);
    let step = step(
        &resolved,
        Event::Mail(inbound),
        &policy,
        Timestamp(NOW.0 + 900),
    );
    assert_eq!(step.ticket.status, Status::Open);
    let notice = notifications(&step);
    assert_eq!(notice.len(), 1);
    let body = &notice[0].body;
    for expected in [
        "Dari: Dewi <dewi@example.id>, dalam salinan (pelapor: Budi <budi@example.id>)",
        "Cc: sari@example.id, dewi@example.id",
        "Pelanggan membuka kembali tiket ini.",
        "Macet lagi, foto terlampir.",
        "Lampiran (terlampir di email ini):\n  foto.jpg (image/jpeg, 51 byte)",
        "#merge <tiket>",
    ] {
        assert!(body.contains(expected), "{expected:?} in:\n{body}");
    }
}

#[test]
fn a_forward_goes_to_the_specialist_and_their_answer_is_a_note_for_the_agents() {
    let step1 = andi_writes("#forward tech@vendor.example Please check the fuser unit.");
    let forwards = of_kind(&step1, OutgoingKind::Forward);
    assert_eq!(forwards.len(), 1);
    assert_eq!(forwards[0].to.address.as_str(), "tech@vendor.example");
    assert!(forwards[0].body.contains("fuser unit"));
    assert!(
        of_kind(&step1, OutgoingKind::AgentReply).is_empty(),
        "the command's text goes to the specialist, not the customer"
    );
    assert_eq!(step1.ticket.specialists.len(), 1);

    let answer = parse(b"From: tech@vendor.example\r\nSubject: Re: Fwd: Printer rusak [HD #42]\r\nMessage-ID: <t1@vendor.example>\r\n\r\nThe fuser is worn; replace it.\r\n");
    let inbound = kit::person(&answer, MatchedBy::InReplyTo, Author::Specialist);
    let step2 = step(
        &step1.ticket,
        Event::Mail(inbound),
        &policy(),
        Timestamp(NOW.0 + 3600),
    );
    assert_eq!(step2.filed, Filed::Note);
    let told = notifications(&step2);
    assert_eq!(told.len(), 1);
    assert!(told[0].body.contains("fuser is worn"));
    assert!(sent(&step2).is_empty(), "nothing reaches the customer");
}

#[test]
fn merge_closes_this_ticket_into_an_open_one_and_refuses_the_rest() {
    let step = andi_writes("#merge 7\r\n#note\r\nsame problem as #7");
    assert_eq!(step.ticket.status, Status::Closed);
    assert_eq!(step.ticket.merged_into, Some(TicketId(7)));
    assert!(step.effects.contains(&Effect::MergeInto(TicketId(7))));
    let [(into, history)] = &step.others[..] else {
        panic!("the step carries the ticket merged into: {:?}", step.others);
    };
    assert_eq!(into.id, TicketId(7));
    assert!(into
        .participants
        .iter()
        .any(|a| a.as_str() == "budi@example.id"));
    assert_eq!(
        history,
        &vec![Happening::MergedFrom {
            ticket: TicketId(42)
        }]
    );
    for (line, reason) in [
        ("#merge 8", "sudah ditutup"),
        ("#merge 9", "tidak ada tiket #9"),
        ("#merge 42", "dirinya sendiri"),
    ] {
        let step = andi_writes(&format!("#priority high\r\n{line}"));
        let errors = of_kind(&step, OutgoingKind::CommandError);
        assert!(
            errors[0].body.contains(reason),
            "{line}: {}",
            errors[0].body
        );
        assert_eq!(
            step.ticket.priority,
            crate::types::Priority::Normal,
            "{line}: nothing applied"
        );
        assert!(!step
            .effects
            .iter()
            .any(|e| matches!(e, Effect::MergeInto(_))));
    }
}

#[test]
fn the_ticket_merged_into_takes_in_people_copies_and_thread() {
    let merged = andi_writes("#merge 7\r\n#note\r\nx").ticket;
    let other = Ticket::open(
        TicketId(7),
        DeskId("support".into()),
        &mail("From: eko@example.id\r\nSubject: Printer\r\nMessage-ID: <e1@example.id>"),
        None,
        NOW,
    );
    let step = step(
        &other,
        Event::Merged(&merged),
        &policy(),
        Timestamp(NOW.0 + 700),
    );
    let people = participants(&step.ticket);
    assert!(
        people.contains(&"budi@example.id") && people.contains(&"sari@example.id"),
        "{people:?}"
    );
    assert!(step
        .ticket
        .thread
        .iter()
        .any(|id| id.as_str() == "m1@example.id"));
    assert!(matches!(
        step.effects[0],
        Effect::Record(Happening::MergedFrom {
            ticket: TicketId(42)
        })
    ));
}

#[test]
fn status_moves_only_by_transitions_that_make_sense() {
    use ticket::Transition::*;
    use Status::*;
    assert_eq!(New.after(Answered), Ok(Open));
    assert_eq!(
        Pending.after(Answered),
        Ok(Pending),
        "answering does not end the wait"
    );
    assert_eq!(Pending.after(CustomerWrote), Ok(Open));
    assert_eq!(Resolved.after(CustomerWrote), Ok(Open));
    assert_eq!(New.after(CustomerWrote), Ok(New));
    assert_eq!(Closed.after(Reopen), Ok(Open));
    assert_eq!(Open.after(MergedAway), Ok(Closed));
    assert_eq!(Pending.after(Resolve), Ok(Resolved));
    for refused in [
        Resolved.after(WaitOnCustomer),
        Closed.after(WaitOnCustomer),
        Closed.after(Resolve),
    ] {
        assert!(refused.is_err_and(|why| why.contains("#reopen it first")));
    }
}

#[test]
fn pending_on_a_resolved_ticket_is_refused_until_it_is_reopened() {
    let policy = policy();
    let resolved = andi_writes("#resolve\r\nFixed.").ticket;
    assert_eq!(resolved.status, Status::Resolved);
    let agent = andi();
    let none = std::collections::BTreeMap::new();
    let answer = |body: &str| {
        let reply = parse(format!("From: Andi <andi@example.com>\r\nTo: support@example.com\r\nSubject: Re: [HD #42] Printer rusak\r\nMessage-ID: <a2@example.com>\r\n\r\n{body}\r\n").as_bytes());
        let author = kit::agent(&agent, Verification::ReplyToken, Directory(&none));
        let inbound = kit::person(&reply, MatchedBy::Tag, author);
        step(
            &resolved,
            Event::Mail(inbound),
            &policy,
            Timestamp(NOW.0 + 900),
        )
    };
    let refused = answer("#pending\r\n#note\r\nwaiting");
    assert_eq!(refused.ticket.status, Status::Resolved);
    let errors = of_kind(&refused, OutgoingKind::CommandError);
    assert!(
        errors[0].body.contains("tiket ini selesai; #reopen dulu"),
        "{}",
        errors[0].body
    );
    let reopened = answer("#reopen\r\n#pending\r\n#note\r\nwaiting");
    assert_eq!(reopened.ticket.status, Status::Pending);
    assert!(of_kind(&reopened, OutgoingKind::CommandError).is_empty());
}

// --- resolution report and satisfaction -------------------------------------------------

use super::satisfaction::Score;

/// Budi's ticket, resolved by Andi with "#close Ganti toner".
fn resolved_by_andi() -> Step {
    andi_writes("#close Ganti toner\r\nSudah beres, Pak.")
}

/// Budi writes `text` to `to` on `ticket`, `minutes` after it was opened.
fn budi_answers(ticket: &Ticket, to: &str, text: &str, minutes: i64) -> Step {
    let mail = parse(format!("From: Budi <budi@example.id>\r\nTo: {to}\r\nSubject: Re: [HD #42] Printer rusak\r\nMessage-ID: <r{minutes}@example.id>\r\n\r\n{text}\r\n").as_bytes());
    let inbound = kit::person(&mail, MatchedBy::Tag, Author::Customer);
    step(
        ticket,
        Event::Mail(inbound),
        &policy(),
        Timestamp(NOW.0 + minutes * 60),
    )
}

fn rating_address_of(ticket: &Ticket) -> String {
    let policy = policy();
    let desk = policy.desk(&ticket.desk).expect("the test desk");
    satisfaction::rating_address(desk, ticket.id, &policy).to_string()
}

fn ratings(step: &Step) -> Vec<(Score, Option<String>, bool)> {
    history(step)
        .into_iter()
        .filter_map(|h| match h {
            Happening::Rated {
                score,
                comment,
                counted,
                ..
            } => Some((*score, comment.clone(), *counted)),
            _ => None,
        })
        .collect()
}

#[test]
fn resolving_sends_the_customer_a_report_in_their_language_with_one_click_ratings() {
    let step = resolved_by_andi();
    let report = of_kind(&step, OutgoingKind::Resolution);
    assert_eq!(report.len(), 1, "one report");
    let report = report[0];
    assert_eq!(report.to.address.as_str(), "budi@example.id");
    let cc: Vec<&str> = report.cc.iter().map(|c| c.address.as_str()).collect();
    assert_eq!(cc, ["sari@example.id"], "those in copy get it too");
    assert_eq!(report.auto_submitted.as_deref(), Some("auto-generated"));
    let rating_to = rating_address_of(&step.ticket);
    assert!(rating_to.starts_with("support+r42."), "{rating_to}");
    assert_eq!(
        report.reply_to.as_ref().map(|c| c.address.to_string()),
        Some(rating_to.clone())
    );
    let body = &report.body;
    for expected in [
        "Tiket Anda [HD #42] \"Printer rusak\" sudah selesai",
        "Printer saya rusak.",
        "Ganti toner",
        "Level 1: Andi",
        "Waktu penanganan: 10 menit, dihitung dalam jam kerja",
        "dalam 14 hari",
        "\"ya\" (sudah beres) atau \"tidak\"",
        &format!("5 (sangat baik): <mailto:{rating_to}?subject=%5BHD%20%2342%5D&body=5>"),
        &format!("tidak (belum beres): <mailto:{rating_to}?subject=%5BHD%20%2342%5D&body=tidak>"),
    ] {
        assert!(body.contains(expected), "{expected:?} in:\n{body}");
    }
    assert_eq!(step.ticket.satisfaction.resolutions, 1);
    assert_eq!(step.ticket.satisfaction.asked, Some(1));
    assert!(history(&step).iter().any(|h| matches!(
        h,
        Happening::ResolutionReported { rating_asked_of: Some(a), .. } if a.as_str() == "budi@example.id"
    )));
    // The agent's own answer went first, as written.
    let relayed = of_kind(&step, OutgoingKind::AgentReply);
    assert_eq!(relayed[0].body, "Sudah beres, Pak.\n");
}

#[test]
fn no_rating_is_asked_when_the_desk_turns_it_off_or_the_customer_was_asked_today() {
    let mut quiet = policy();
    quiet.desks[0].ask_rating = false;
    let unasked = agent_step_under(
        &quiet,
        "#close Ganti toner",
        Verification::ReplyToken,
        "support@example.com",
    );
    let report = only_kind(&unasked, OutgoingKind::Resolution);
    assert!(!report.body.contains("mailto:"), "{}", report.body);
    assert!(report.reply_to.is_none());
    assert_eq!(unasked.ticket.satisfaction.asked, None);

    let opened = first_step(&mail(BUDI), AutoReplyBudget::default()).ticket;
    let reply = parse(b"From: Andi <andi@example.com>\r\nTo: support@example.com\r\nSubject: Re: [HD #42]\r\nMessage-ID: <a2@example.com>\r\n\r\n#close Ganti toner\r\n");
    let agent = andi();
    let tickets = std::collections::BTreeMap::new();
    let inbound = Inbound {
        budget: AutoReplyBudget {
            ratings_asked_today: 1,
            ..AutoReplyBudget::default()
        },
        ..kit::person(
            &reply,
            MatchedBy::Tag,
            kit::agent(&agent, Verification::ReplyToken, Directory(&tickets)),
        )
    };
    let closed = step(&opened, Event::Mail(inbound), &policy(), NOW);
    let report = only_kind(&closed, OutgoingKind::Resolution);
    assert!(!report.body.contains("mailto:"), "{}", report.body);
    assert!(history(&closed).iter().any(|h| matches!(
        h,
        Happening::ResolutionReported {
            rating_asked_of: None,
            ..
        }
    )));
}

fn only_kind(step: &Step, kind: OutgoingKind) -> &OutgoingMail {
    let mails = of_kind(step, kind);
    assert_eq!(mails.len(), 1, "one {kind:?}");
    mails[0]
}

#[test]
fn a_rating_with_thanks_is_recorded_once_and_keeps_the_ticket_resolved() {
    let resolved = resolved_by_andi().ticket;
    let rated = budi_answers(
        &resolved,
        &rating_address_of(&resolved),
        "4 terima kasih",
        30,
    );
    assert_eq!(
        ratings(&rated),
        [(Score::Stars(4), Some("terima kasih".into()), true)]
    );
    assert_eq!(
        rated.ticket.status,
        Status::Resolved,
        "a rating is no reopening"
    );
    assert!(of_kind(&rated, OutgoingKind::LeadReport).is_empty());
    // A second rating of the same resolution is kept but not counted.
    let again = budi_answers(&rated.ticket, "support@example.com", "5", 40);
    assert_eq!(ratings(&again), [(Score::Stars(5), None, false)]);
    assert_eq!(again.ticket.status, Status::Resolved);
}

#[test]
fn a_low_rating_reopens_the_ticket_at_its_tier_and_tells_the_lead() {
    let mut resolved = resolved_by_andi().ticket;
    resolved.tier = crate::types::Tier(2);
    for (text, score) in [
        ("1 masih macet", Score::Stars(1)),
        ("tidak", Score::Solved(false)),
    ] {
        let rated = budi_answers(&resolved, "support@example.com", text, 30);
        assert_eq!(ratings(&rated)[0].0, score, "{text}");
        assert!(ratings(&rated)[0].2, "counted: {text}");
        assert_eq!(rated.ticket.status, Status::Open, "{text}");
        assert_eq!(rated.ticket.tier.0, 2, "reopened at the tier it was at");
        let lead = only_kind(&rated, OutgoingKind::LeadReport);
        assert_eq!(lead.to.address.as_str(), "lead@example.com");
        assert!(
            lead.body.contains("Pelanggan") && lead.body.contains("dibuka kembali"),
            "{}",
            lead.body
        );
    }
}

#[test]
fn a_late_rating_on_a_reopened_ticket_is_recorded_and_counts_for_nothing() {
    let resolved = resolved_by_andi().ticket;
    let reopened = budi_answers(&resolved, "support@example.com", "Masih rusak.", 30).ticket;
    assert_eq!(reopened.status, Status::Open);
    let late = budi_answers(&reopened, &rating_address_of(&reopened), "2", 40);
    assert_eq!(ratings(&late), [(Score::Stars(2), None, false)]);
    assert!(of_kind(&late, OutgoingKind::LeadReport).is_empty());
    // On an open ticket a "1" sent to the desk (not the rating address) is just text.
    let text = budi_answers(&reopened, "support@example.com", "1 more thing", 50);
    assert!(ratings(&text).is_empty());
}

#[test]
fn a_desk_that_asks_lets_the_customer_choose_the_category_by_reply() {
    let mut policy = with_printer_category();
    policy.desks[0].ask_category = true;
    let first = parse(b"From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Tolong\r\nMessage-ID: <c1@example.id>\r\n\r\nAda masalah.\r\n");
    let opened = Ticket::open(TicketId(42), DeskId("support".into()), &first, None, NOW);
    let inbound = kit::person(&first, MatchedBy::New, Author::Customer);
    let step1 = step(&opened, Event::Mail(inbound), &policy, NOW);
    let ack = only_kind(&step1, OutgoingKind::Acknowledgement);
    assert!(
        ack.body.contains("salah satu\nkata berikut") && ack.body.contains("  printer: Printer"),
        "{}",
        ack.body
    );
    for (text, chosen) in [
        ("Printer.", Some("printer")),
        ("printer, yang di lantai 3", Some("printer")),
        ("Masih bingung", None),
    ] {
        let reply = parse(format!("From: Budi <budi@example.id>\r\nSubject: Re: [HD #42] Tolong\r\nMessage-ID: <c2@example.id>\r\n\r\n{text}\r\n").as_bytes());
        let inbound = kit::person(&reply, MatchedBy::Tag, Author::Customer);
        let answered = step(&step1.ticket, Event::Mail(inbound), &policy, NOW);
        assert_eq!(answered.ticket.category.as_deref(), chosen, "{text}");
    }
    // A desk that does not ask reads "printer" as text.
    let quiet = with_printer_category();
    let reply = parse(b"From: Budi <budi@example.id>\r\nSubject: Re: [HD #42]\r\nMessage-ID: <c3@example.id>\r\n\r\nprinter\r\n");
    let inbound = kit::person(&reply, MatchedBy::Tag, Author::Customer);
    assert_eq!(
        step(&opened, Event::Mail(inbound), &quiet, NOW)
            .ticket
            .category,
        None
    );
}
