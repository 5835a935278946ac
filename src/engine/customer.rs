//! The customer's side: a new ticket is acknowledged and announced to the agents; a
//! follow-up reopens a resolved ticket (unless it only says thanks) and is announced to
//! the agent in charge.

use super::event::Staff;
use super::knowledge;
use super::loops;
use super::outgoing::{self, agent_contact, agent_language, desk_of, Draft};
use super::routing::{self, on_duty};
use super::satisfaction;
use super::sla;
use super::ticket::Transition;
use super::visit;
use super::{Effect, Filed, Happening, Inbound, OutgoingKind, Status, Step};
use crate::config::policy::{Agent, Policy};
use crate::mail::parse::Attachment;
use crate::mail::{Class, Mail};
use crate::templates::TemplateKind;
use crate::types::Language;
use crate::types::{Contact, Timestamp};
use crate::words::{self, Phrase};

pub(super) fn on_customer_mail(
    step: &mut Step,
    inbound: &Inbound<'_>,
    is_first: bool,
    policy: &Policy,
    now: Timestamp,
) {
    step.filed = match inbound.class {
        Class::Person => Filed::Customer,
        Class::Bounce(_) => Filed::Note,
        Class::Automatic(_) => Filed::Auto,
    };
    if !inbound.class.is_person() {
        if is_first {
            sla::start_sla(step, policy, now);
            acknowledge(step, inbound, None, policy, now);
        }
        return;
    }
    take_part(step, inbound, policy);
    if inbound.mail.oversize.is_some() || !inbound.mail.refused.is_empty() {
        over_limits(step, inbound, policy, now);
    }
    if is_first {
        let routed = routing::route(step, inbound.mail, inbound.staff, policy);
        sla::start_sla(step, policy, now);
        if is_outsider(step, policy) {
            let reason = "the sender is not staff of this internal desk".to_string();
            step.effects
                .push(Effect::Record(Happening::AcknowledgementSuppressed {
                    reason,
                }));
        } else {
            acknowledge(
                step,
                inbound,
                routed.acknowledgement.as_deref(),
                policy,
                now,
            );
        }
        let agents = in_charge(step, inbound.staff, policy);
        notify(step, inbound, &agents, false, policy, now);
        return;
    }
    if visit::on_customer_answer(step, inbound, policy, now) {
        return;
    }
    if knowledge::solved_by_answer(step, inbound, policy, now) {
        if let Some(assignee) = present_assignee(step, inbound.staff, policy) {
            notify(step, inbound, &[assignee], false, policy, now);
        }
        return;
    }
    if let Some(category) = chosen_category(step, &inbound.mail.new_text, policy) {
        step.ticket.category = Some(category.to_string());
        super::routing::changed(step, "category", String::new(), category.into(), "customer");
    }
    if let Some(rating) = satisfaction::rating_in(inbound, step, policy) {
        let was_finished = step.ticket.status.is_finished();
        satisfaction::on_rating(step, rating, policy, now);
        let reopened = was_finished && !step.ticket.status.is_finished();
        // A low rating reopened it: whoever is in charge hears, on duty if nobody is.
        if reopened {
            let agents = in_charge(step, inbound.staff, policy);
            notify(step, inbound, &agents, reopened, policy, now);
        } else if !step.ticket.status.is_finished() {
            if let Some(assignee) = present_assignee(step, inbound.staff, policy) {
                notify(step, inbound, &[assignee], reopened, policy, now);
            }
        }
        return;
    }
    let was_finished = step.ticket.status.is_finished();
    reopen_unless_thanks(step, inbound, now);
    let reopened = was_finished && !step.ticket.status.is_finished();
    if let Some(assignee) = present_assignee(step, inbound.staff, policy) {
        notify(step, inbound, &[assignee], reopened, policy, now);
    }
}

/// A mail over a limit of the intake: the ticket names what was not taken in, and the
/// sender hears it once (an automatic mail, under the same loop rules as the
/// acknowledgement).
fn over_limits(step: &mut Step, inbound: &Inbound<'_>, policy: &Policy, now: Timestamp) {
    let mail = inbound.mail;
    if let Some(oversize) = &mail.oversize {
        step.effects.push(Effect::Record(Happening::MailTooLarge {
            size: oversize.size,
            limit: oversize.limit,
            refused: oversize.refused.clone(),
        }));
    }
    if !mail.refused.is_empty() {
        step.effects.push(Effect::Record(Happening::FilesRefused {
            files: mail.refused.clone(),
        }));
    }
    let desk = desk_of(policy, &step.ticket);
    let Some(sender) = mail.from.clone() else {
        return;
    };
    let allowed =
        loops::may_auto_reply(inbound.class, Some(&sender), inbound.budget, &policy.limits);
    if allowed.is_err() {
        return;
    }
    let language = desk.language;
    let files = refused_lines(mail, language).join("\n");
    let (subject, name) = (&mail.subject, &desk.name);
    let opening = match (&mail.oversize, language) {
        (Some(oversize), Language::En) => format!(
            "Your mail \"{subject}\" was {}, more than the {} {name} takes in. We kept its text \
             and the files that fit; these did not reach us:",
            words::size(oversize.size, language),
            words::size(oversize.limit, language),
        ),
        (Some(oversize), Language::Id) => format!(
            "Email Anda \"{subject}\" berukuran {}, lebih dari batas {} yang diterima {name}. \
             Teksnya dan berkas yang muat sudah kami simpan; berkas ini tidak sampai:",
            words::size(oversize.size, language),
            words::size(oversize.limit, language),
        ),
        (None, Language::En) => format!(
            "Your mail \"{subject}\" reached {name} and its text is kept, but these files were \
             not taken in:"
        ),
        (None, Language::Id) => format!(
            "Email Anda \"{subject}\" sudah sampai di {name} dan teksnya kami simpan, tetapi \
             berkas ini tidak kami terima:"
        ),
    };
    let closing = match language {
        Language::En => "Please send them another way (smaller files, or a link), replying to this mail.",
        Language::Id => "Mohon kirim dengan cara lain (berkas lebih kecil, atau tautan) dengan membalas email ini.",
    };
    let (dear, regards, automatic) = match language {
        Language::En => ("Dear", "Kind regards,", "This is an automatic message."),
        Language::Id => (
            "Yth.",
            "Salam hormat,",
            "Pesan ini dikirim secara otomatis.",
        ),
    };
    let reader = sender
        .name
        .clone()
        .unwrap_or_else(|| sender.address.to_string());
    let body = format!(
        "{dear} {reader},\n\n{opening}\n{files}\n\n{closing}\n\n{regards}\n{name}\n\n{automatic}\n"
    );
    let tag = outgoing::tag(desk, &step.ticket);
    let draft = Draft {
        kind: OutgoingKind::Acknowledgement,
        from_name: desk.name.clone(),
        to: sender,
        cc: Vec::new(),
        reply_to: None,
        subject: outgoing::reply_subject(&step.ticket.subject, &tag, &policy.tag_prefixes()),
        body,
        auto_submitted: Some("auto-replied"),
        in_customer_thread: true,
    };
    outgoing::send(step, desk, draft, now);
}

/// One line per file of `mail` that was not taken in: name, size and why.
fn refused_lines(mail: &Mail, language: Language) -> Vec<String> {
    let cut_off = mail.oversize.iter().flat_map(|oversize| {
        let why = words::cut_off(oversize.limit, language);
        oversize
            .refused
            .iter()
            .map(move |(name, size)| (name, *size, why.clone()))
    });
    let refused = mail.refused.iter().map(|file| {
        (
            &file.name,
            file.size,
            words::refusal(file.refusal, language),
        )
    });
    cut_off
        .chain(refused)
        .map(|(name, size, why)| format!("  {name} ({}): {why}", words::size(size, language)))
        .collect()
}

/// What the ticket's category wants to know from the customer and nobody has recorded
/// yet, one line each in `language`.
fn questions(step: &Step, policy: &Policy, language: Language) -> String {
    let Some(category) = step.ticket.category_in(policy) else {
        return String::new();
    };
    category
        .fields
        .iter()
        .filter(|f| !step.ticket.procedure.fields.contains_key(&f.key))
        .map(|f| format!("  - {}", f.title.of(language)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The categories the customer may choose from, when the desk asks and the ticket has
/// none: one `  printer: Printers` line each; else empty.
fn category_choice(step: &Step, policy: &Policy, language: Language) -> String {
    let desk = desk_of(policy, &step.ticket);
    if !desk.ask_category || step.ticket.category.is_some() {
        return String::new();
    }
    policy
        .categories_of(&desk.id)
        .map(|c| format!("  {}: {}", c.id, c.title.of(language)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The category a customer's reply chooses: its first word (or first line) is a
/// category's name or title in either language, on a ticket without one at a desk that
/// asks.
fn chosen_category<'p>(step: &Step, text: &str, policy: &'p Policy) -> Option<&'p str> {
    let desk = desk_of(policy, &step.ticket);
    if !desk.ask_category || step.ticket.category.is_some() {
        return None;
    }
    let line = text.lines().find(|l| !l.trim().is_empty())?.trim();
    let line = line.trim_end_matches(['.', '!', ',']).to_lowercase();
    let word = line
        .split_whitespace()
        .next()?
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '_')
        .to_string();
    policy
        .categories_of(&desk.id)
        .find(|c| {
            let titles = [c.title.en.to_lowercase(), c.title.id.to_lowercase()];
            c.id.to_lowercase() == word || titles.contains(&line) || titles.contains(&word)
        })
        .map(|c| c.id.as_str())
}

/// A mail to an internal desk from outside the company's domains.
fn is_outsider(step: &Step, policy: &Policy) -> bool {
    let desk = desk_of(policy, &step.ticket);
    let domain = step
        .ticket
        .requester
        .as_ref()
        .map(|r| r.address.domain().to_lowercase());
    !desk.staff_domains.is_empty() && !domain.is_some_and(|d| desk.staff_domains.contains(&d))
}

/// The sender and the people they Cc'd may write to the ticket and get agents' answers.
fn take_part(step: &mut Step, inbound: &Inbound<'_>, policy: &Policy) {
    let mail = inbound.mail;
    let ticket = &mut step.ticket;
    if mail.has_own_message_id {
        ticket.last_customer_message = Some(mail.message_id.clone());
    }
    let staff = |c: &&Contact| {
        policy.is_own_address(&c.address) || policy.agent_by_address(&c.address).is_some()
    };
    if let Some(from) = &mail.from {
        ticket.add_participant(&from.address);
        // A colleague of the requester who joined gets the answers in copy.
        let is_requester = ticket
            .requester
            .as_ref()
            .is_some_and(|r| r.address == from.address);
        if !is_requester && !staff(&from) {
            ticket.add_cc(&from.address);
        }
    }
    for contact in mail.cc.iter().filter(|c| !staff(c)) {
        ticket.add_participant(&contact.address);
        let is_requester = ticket
            .requester
            .as_ref()
            .is_some_and(|r| r.address == contact.address);
        if !is_requester {
            ticket.add_cc(&contact.address);
        }
    }
}

fn acknowledge(
    step: &mut Step,
    inbound: &Inbound<'_>,
    variant: Option<&str>,
    policy: &Policy,
    now: Timestamp,
) {
    let desk = desk_of(policy, &step.ticket);
    let requester = step.ticket.requester.clone();
    let allowed = loops::may_auto_reply(
        inbound.class,
        requester.as_ref(),
        inbound.budget,
        &policy.limits,
    );
    let Err(reason) = allowed.as_ref().map(|_| ()) else {
        let mut vars = outgoing::vars(&step.ticket, desk, policy, desk.language);
        vars.questions = questions(step, policy, desk.language);
        vars.categories = category_choice(step, policy, desk.language);
        let offer = knowledge::offer(step, inbound.hints, policy).cloned();
        if let Some(offer) = &offer {
            vars.answer_title = offer.title.clone();
            vars.answer = offer.text.clone();
        }
        let body = match variant {
            Some(variant) => policy
                .templates
                .render_variant(variant, desk.language, &vars),
            None => policy
                .templates
                .render(TemplateKind::Acknowledgement, desk.language, &vars),
        };
        let Ok(body) = body else {
            let reason = body.expect_err("checked").to_string();
            step.effects
                .push(Effect::Record(Happening::AcknowledgementSuppressed {
                    reason,
                }));
            return;
        };
        let draft = Draft {
            kind: OutgoingKind::Acknowledgement,
            from_name: desk.name.clone(),
            to: requester.expect("may_auto_reply refuses a mail without sender"),
            cc: Vec::new(),
            reply_to: None,
            subject: outgoing::reply_subject(
                &step.ticket.subject,
                &vars.tag,
                &policy.tag_prefixes(),
            ),
            body,
            auto_submitted: Some("auto-replied"),
            in_customer_thread: true,
        };
        let message_id = outgoing::send(step, desk, draft, now);
        step.effects
            .push(Effect::Record(Happening::AcknowledgementQueued {
                message_id,
            }));
        if let Some(offer) = &offer {
            knowledge::offered(step, offer);
        }
        return;
    };
    let reason = reason.clone();
    step.effects
        .push(Effect::Record(Happening::AcknowledgementSuppressed {
            reason,
        }));
}

/// The agent in charge of the ticket, unless away.
pub(super) fn present_assignee<'p>(
    step: &Step,
    staff: Staff<'_>,
    policy: &'p Policy,
) -> Option<&'p Agent> {
    let assignee = step
        .ticket
        .assignee
        .as_ref()
        .and_then(|id| policy.agent(id));
    assignee.filter(|a| !staff.is_away(a))
}

/// Who hears of news on a ticket: the agent in charge, or when nobody (present) holds it,
/// the agents on duty for it.
pub(super) fn in_charge<'p>(step: &Step, staff: Staff<'_>, policy: &'p Policy) -> Vec<&'p Agent> {
    match present_assignee(step, staff, policy) {
        Some(agent) => vec![agent],
        None => on_duty(step, staff, policy),
    }
}

/// Sends each agent the customer's new text, who wrote it, its files and whether it
/// reopened the ticket, with a Reply-To signed for them.
fn notify(
    step: &mut Step,
    inbound: &Inbound<'_>,
    agents: &[&Agent],
    reopened: bool,
    policy: &Policy,
    now: Timestamp,
) {
    let mail = inbound.mail;
    let opens = matches!(
        inbound.matched_by,
        crate::thread::MatchedBy::New | crate::thread::MatchedBy::NewNotParticipant
    );
    let about = About {
        author: mail.from.as_ref(),
        attachments: &mail.attachments,
        mail: Some(mail),
        reopened,
        earlier_tickets: if opens {
            inbound.budget.opened_last_30_days
        } else {
            0
        },
        similar: if opens || reopened {
            &inbound.hints.similar
        } else {
            &[]
        },
    };
    let text = Phrase::same(&mail.new_text);
    notify_each(step, &text, &about, agents, policy, now);
}

/// What a notification says about the mail that caused it.
#[derive(Default)]
struct About<'a> {
    /// Who wrote it.
    author: Option<&'a Contact>,
    /// Its files.
    attachments: &'a [Attachment],
    /// The mail itself, for the files the intake did not take.
    mail: Option<&'a Mail>,
    /// Whether it reopened the ticket.
    reopened: bool,
    /// For a new ticket: how many its sender opened in the 30 days before.
    earlier_tickets: u32,
    /// For a new or reopened ticket: the solved tickets most like it.
    similar: &'a [knowledge::Solved],
}

/// Which files go with a notification: in order, as long as the total stays within
/// `limit`; only files passed on (`Attachment::is_passed_on`).
fn carried_files(files: &[Attachment], limit: usize) -> Vec<usize> {
    let mut total = 0;
    let mut carried = Vec::new();
    for (at, file) in files.iter().enumerate() {
        if file.is_passed_on() && total + file.size <= limit {
            total += file.size;
            carried.push(at);
        }
    }
    carried
}

/// One line per file of the mail that is passed on (`Attachment::is_passed_on`):
/// name, type and size, and for a file not carried how to get it.
fn attachment_lines(
    files: &[Attachment],
    carried: &[usize],
    ticket: crate::types::TicketId,
    language: crate::types::Language,
) -> String {
    use crate::types::Language;
    let lines: Vec<String> = files
        .iter()
        .enumerate()
        .filter(|(_, file)| file.is_passed_on())
        .map(|(at, file)| {
            let size = words::size(file.size, language);
            let head = format!("  {} ({}, {size})", file.name, file.content_type);
            match (carried.contains(&at), language) {
                (true, _) => head,
                (false, Language::En) => format!(
                    "{head}: too large to attach; get it with: loket attachment list {ticket}"
                ),
                (false, Language::Id) => format!(
                    "{head}: terlalu besar untuk dilampirkan; ambil dengan: loket attachment list {ticket}"
                ),
            }
        })
        .collect();
    lines.join("\n")
}

/// Sends each agent a notification quoting `text`, in the agent's language.
pub(super) fn notify_with(
    step: &mut Step,
    text: &Phrase,
    agents: &[&Agent],
    policy: &Policy,
    now: Timestamp,
) {
    notify_each(step, text, &About::default(), agents, policy, now);
}

fn notify_each(
    step: &mut Step,
    text: &Phrase,
    about: &About<'_>,
    agents: &[&Agent],
    policy: &Policy,
    now: Timestamp,
) {
    if agents.is_empty() {
        return;
    }
    let desk = desk_of(policy, &step.ticket);
    for agent in agents {
        let language = agent_language(agent, desk);
        let mut vars = outgoing::vars(&step.ticket, desk, policy, language);
        vars.agent = agent.name.clone();
        vars.text = text.of(language).to_string();
        if let Some(author) = about.author {
            vars.author = author.to_string();
            vars.author_is_requester = step
                .ticket
                .requester
                .as_ref()
                .is_some_and(|r| r.address == author.address);
        }
        let carried = carried_files(about.attachments, desk.attach_up_to);
        vars.attachments = attachment_lines(about.attachments, &carried, step.ticket.id, language);
        if let Some(mail) = about.mail {
            vars.not_received = refused_lines(mail, language).join("\n");
        }
        if let Some(category) = step.ticket.category_in(policy) {
            vars.procedure = super::procedure::lines(category, &step.ticket.procedure, language);
        }
        vars.reopened = about.reopened;
        vars.repeat = repeat(about.earlier_tickets, language);
        vars.similar = knowledge::similar_lines(about.similar, now, language);
        let draft = Draft {
            kind: OutgoingKind::Notification,
            from_name: desk.name.clone(),
            to: agent_contact(agent),
            cc: Vec::new(),
            reply_to: Some(outgoing::agent_reply_to(
                desk,
                step.ticket.id,
                agent,
                policy,
            )),
            subject: format!("{} {}", vars.tag, step.ticket.subject),
            body: outgoing::render(policy, TemplateKind::Notification, language, &vars),
            auto_submitted: Some("auto-generated"),
            in_customer_thread: false,
        };
        outgoing::send(step, desk, draft, now);
        if let Some(Effect::Send(mail)) = step.effects.last_mut() {
            mail.arrival_files = carried;
        }
    }
    let agents = agents.iter().map(|a| a.id.clone()).collect();
    step.effects
        .push(Effect::Record(Happening::Notified { agents }));
}

/// "3rd ticket from this customer in 30 days", when it is the third or later; else empty.
fn repeat(earlier: u32, language: Language) -> String {
    if earlier < 2 {
        return String::new();
    }
    let nth = earlier + 1;
    match language {
        Language::En => {
            let suffix = match (nth % 10, nth % 100) {
                (_, 11..=13) => "th",
                (1, _) => "st",
                (2, _) => "nd",
                (3, _) => "rd",
                _ => "th",
            };
            format!("{nth}{suffix} ticket from this customer in 30 days")
        }
        Language::Id => format!("Tiket ke-{nth} dari pelanggan ini dalam 30 hari"),
    }
}

/// A customer writing on a resolved ticket reopens it, unless the mail only says thanks.
fn reopen_unless_thanks(step: &mut Step, inbound: &Inbound<'_>, now: Timestamp) {
    if step.ticket.status.is_finished() && is_thanks(&inbound.mail.new_text) {
        return;
    }
    transition(step, Transition::CustomerWrote, "customer", now);
}

/// Moves the status through `transition` and records the change. The transitions an
/// agent asks for are checked before any command runs (`check_transitions`); one refused
/// here is an engine bug, kept out of the ticket and visible in the history.
pub(super) fn transition(step: &mut Step, transition: Transition, by: &str, now: Timestamp) {
    let from = step.ticket.status;
    let to = match from.after(transition) {
        Ok(to) => to,
        Err(reason) => {
            debug_assert!(
                false,
                "unchecked transition {transition} from {from}: {reason}"
            );
            let happening = Happening::TransitionRefused {
                transition: transition.to_string(),
                reason,
            };
            return step.effects.push(Effect::Record(happening));
        }
    };
    if transition == Transition::Resolve {
        step.ticket.resolved_at = Some(now);
        if from != Status::Resolved {
            step.ticket.satisfaction.resolutions += 1;
        }
    }
    if from == to {
        return;
    }
    step.ticket.status = to;
    step.effects.push(Effect::Record(Happening::Changed {
        field: "status".into(),
        from: from.to_string(),
        to: to.to_string(),
        by: by.to_string(),
    }));
}

/// A short mail that only thanks ("thanks!", "Terima kasih, Pak Budi 🙏", "Thanks John,
/// that did it!"): every word is thanks, politeness, a confirmation that it works now, or
/// a name (after an honorific, or capitalised right after the thanks), one of them is
/// thanks itself, and nothing is asked.
pub fn is_thanks(text: &str) -> bool {
    if text.contains('?') {
        return false;
    }
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > 14 {
        return false;
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let is = |list: &[&str], at: usize| lower.get(at).is_some_and(|w| list.contains(&w.as_str()));
    let mut thanked = false;
    for (at, word) in words.iter().enumerate() {
        if is(&THANKS, at) {
            thanked = true;
            continue;
        }
        if is(&HONORIFICS, at) || is(&POLITE, at) {
            continue;
        }
        let after_honorific = (1..=2).any(|back| at >= back && is(&HONORIFICS, at - back));
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        let after_thanks = at >= 1 && (is(&THANKS, at - 1) || is(&["you"], at - 1));
        if after_honorific || (capitalised && after_thanks) {
            continue;
        }
        return false;
    }
    thanked
}

/// Words that thank, in English and Indonesian.
const THANKS: [&str; 12] = [
    "thanks", "thank", "thx", "ty", "cheers", "kasih", "makasih", "makasi", "trims", "tq", "sip",
    "thankyou",
];

/// How Indonesians address someone, before the name.
const HONORIFICS: [&str; 11] = [
    "pak", "bu", "mas", "mbak", "kak", "bapak", "ibu", "bang", "dik", "sir", "mr",
];

/// Words that go with thanks without asking or telling anything new: politeness, and
/// the confirmation that the problem is gone.
const POLITE: [&str; 59] = [
    "you",
    "very",
    "much",
    "so",
    "a",
    "lot",
    "again",
    "all",
    "terima",
    "banyak",
    "ya",
    "yah",
    "ok",
    "oke",
    "okay",
    "mantap",
    "great",
    "nya",
    "sekali",
    "atas",
    "bantuannya",
    "bantuan",
    "for",
    "your",
    "the",
    "help",
    "that",
    "did",
    "it",
    "worked",
    "works",
    "now",
    "is",
    "fixed",
    "solved",
    "perfect",
    "awesome",
    "sudah",
    "udah",
    "beres",
    "bisa",
    "berhasil",
    "aman",
    "lancar",
    "normal",
    "kembali",
    "semua",
    "tim",
    "team",
    "guys",
    "hi",
    "halo",
    "salam",
    "regards",
    "best",
    "kind",
    "dear",
    "lagi",
    "many",
];

#[cfg(test)]
mod tests {
    use super::is_thanks;

    #[test]
    fn short_thanks_in_english_and_indonesian() {
        for text in [
            "Thanks!",
            "thank you very much",
            "Terima kasih banyak ya",
            "makasih",
            "ok sip",
            "Sip, mantap",
        ] {
            assert!(is_thanks(text), "{text}");
        }
        for text in [
            "Thanks, but it is broken again",
            "the printer still does not work",
            "",
            "ok",
        ] {
            assert!(!is_thanks(text), "{text}");
        }
    }

    /// Mails that only thank stay resolved; a thanks with a question or a new problem
    /// reopens. Half of each, in both languages, as customers write them.
    #[test]
    fn thanks_with_names_honorifics_and_emoji_but_not_with_a_new_problem() {
        let only_thanks = [
            "Terima kasih, Pak Budi",
            "Thanks John, that did it!",
            "Makasih kak 🙏",
            "Terima kasih banyak, Bu Sari 😊",
            "thank you so much Mbak Rina!!",
            "Trims pak",
            "makasih mas, sudah beres",
            "Terima kasih atas bantuannya, Pak Andi",
            "Thanks, it works now 👍",
            "Thank you, Dewi. Perfect!",
            "Cheers Andi",
            "Terima kasih, sudah bisa lagi.",
            "thx!",
            "Oke, terima kasih banyak ya Bu",
            "Thanks a lot, team",
            "Terima kasih Bapak Eko Prasetyo",
            "Makasih banyak ya kak, mantap 👌",
            "Thank you for your help!",
            "Terima kasih, sudah normal kembali",
            "TERIMA KASIH PAK BUDI!!!",
            "Sip, makasih Mas Joko",
            "Many thanks, Rina",
        ];
        let reopen = [
            "Terima kasih, tapi printernya masih macet",
            "Thanks John, but it broke again this morning",
            "Makasih pak, sekarang scanner yang error",
            "Thanks. Can you also check the scanner?",
            "Terima kasih, Pak Budi. Apakah bisa dicek lagi besok?",
            "Thank you, however the VPN still drops every hour",
            "makasih kak, tapi belum bisa login",
            "Thanks! One more thing: my password expired",
            "Terima kasih, tetapi muncul error baru",
            "thanks but no",
            "Thanks, the printer works but the scanner does not",
            "Terima kasih, boleh minta tolong reset email saya juga",
            "Thank you Andi, could you send the invoice too",
            "Makasih, masalahnya muncul lagi",
            "Thanks for nothing, it is still broken",
            "Terima kasih. Printer lantai 2 juga rusak",
            "ok",
            "Hi, the printer is broken",
            "Terima kasih, kapan teknisi datang?",
            "Thanks, please call me back",
            "Makasih pak 🙏 tapi masih lemot",
        ];
        assert!(only_thanks.len() + reopen.len() >= 40);
        for text in only_thanks {
            assert!(is_thanks(text), "only thanks: {text}");
        }
        for text in reopen {
            assert!(!is_thanks(text), "reopens: {text}");
        }
    }

    use super::{attachment_lines, carried_files, Attachment};
    const ATTACH_UP_TO: usize = crate::config::check::DEFAULT_ATTACH_UP_TO;
    use crate::types::{Language, TicketId};

    fn file(name: &str, size: usize) -> Attachment {
        Attachment {
            name: name.into(),
            content_type: "application/pdf".into(),
            size,
            inline: false,
            outside_new_text: false,
            unpacked: false,
        }
    }

    #[test]
    fn files_over_the_limit_are_listed_with_the_command_that_fetches_them() {
        let files = [
            file("a.pdf", 6 << 20),
            file("video.mp4", 9 << 20),
            file("b.pdf", 3 << 20),
        ];
        let carried = carried_files(&files, ATTACH_UP_TO);
        assert_eq!(carried, [0, 2], "the video would pass 10 MiB");
        let lines = attachment_lines(&files, &carried, TicketId(42), Language::Id);
        assert_eq!(
            lines,
            "  a.pdf (application/pdf, 6,0 MB)\n  \
             video.mp4 (application/pdf, 9,0 MB): terlalu besar untuk dilampirkan; \
             ambil dengan: loket attachment list 42\n  b.pdf (application/pdf, 3,0 MB)"
        );
    }

    #[test]
    fn pictures_of_the_quoted_history_or_a_signature_are_neither_carried_nor_listed() {
        let logo = Attachment {
            inline: true,
            outside_new_text: true,
            ..file("logo.png", 4000)
        };
        let files = [file("a.pdf", 1000), logo, file("b.pdf", 1000)];
        let carried = carried_files(&files, ATTACH_UP_TO);
        assert_eq!(carried, [0, 2]);
        let lines = attachment_lines(&files, &carried, TicketId(7), Language::En);
        assert!(!lines.contains("logo.png"), "{lines}");
        assert_eq!(lines.lines().count(), 2);
    }
}
