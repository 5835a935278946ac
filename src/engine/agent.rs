//! The agent's side: an agent's reply on a ticket is relayed to the customer with only
//! its new text, its commands are applied, and a note stays internal. Nothing an agent
//! asks is done unless the mail proved it came from them.

use super::commands::{self, Assignee, Command, Reading, Rejected};
use super::customer::{in_charge, notify_with, transition};
use super::escalation::{self, By};
use super::event::Staff;
use super::knowledge;
use super::outgoing::{self, agent_contact, agent_language, desk_of, Draft};
use super::routing::{self, changed, set_tier};
use super::satisfaction;
use super::ticket::Transition;
use super::trust::Verification;
use super::visit;
use super::{
    AgentMail, Directory, Effect, Filed, Happening, Inbound, OutgoingKind, Status, Step, Ticket,
};
use crate::config::policy::{Agent, Desk, Policy};
use crate::templates::{RefusedLine, TemplateKind};
use crate::types::{Contact, EmailAddress, Language, TicketId, Timestamp};
use crate::words::{self, Phrase};

pub(super) fn on_agent_mail(
    step: &mut Step,
    inbound: &Inbound<'_>,
    mail: AgentMail<'_>,
    policy: &Policy,
    now: Timestamp,
) {
    step.filed = Filed::Note;
    let agent = mail.agent;
    let desk = desk_of(policy, &step.ticket);
    if mail.verification == Verification::Unverified {
        return unverified(step, inbound, agent, desk, policy, now);
    }
    let new_text = &inbound.mail.new_text;
    let checked = commands::read(&inbound.mail.subject, new_text, policy).and_then(|reading| {
        let mut rejected = check_merges(&reading, step.ticket.id, mail.tickets);
        rejected.extend(check_transitions(&reading, step.ticket.status));
        rejected.extend(visit::check(&reading, &step.ticket, agent, desk, now));
        rejected.extend(check_categories(&reading, desk, policy));
        rejected.extend(check_procedure(&reading, &step.ticket, policy));
        rejected.extend(check_closing(&reading, &step.ticket, agent, desk, policy));
        if rejected.is_empty() {
            Ok(reading)
        } else {
            Err(rejected)
        }
    });
    let files = relayed_files(inbound.mail);
    let checked = checked.and_then(|reading| {
        let public = !(mail.to_comment_address || reading.is_note());
        if public && reading.text.is_empty() && !files.is_empty() {
            return Err(vec![files_without_text(&inbound.mail.attachments, &files)]);
        }
        Ok(reading)
    });
    let mut reading = match checked {
        Ok(reading) => reading,
        Err(rejected) => return refuse(step, agent, rejected, new_text, desk, policy, now),
    };
    reading.text = with_written_answers(&reading, &step.ticket, agent, desk, policy);
    step.ticket.worked_on_by(&agent.id);
    let was_finished = step.ticket.status.is_finished();
    // A mail with text for the customer answers the ticket before its commands run, so
    // that what they send (an escalation's notice, say) already reads "open".
    let answers = !(mail.to_comment_address || reading.is_note() || reading.text.is_empty());
    if answers && step.ticket.requester.is_some() {
        transition(step, Transition::Answered, &agent.id.0, now);
    }
    for command in &reading.commands {
        apply(
            step,
            command,
            agent,
            inbound.staff,
            inbound.hints,
            policy,
            now,
        );
    }
    if answers {
        relay(step, agent, &reading.text, files, desk, policy, now);
    } else {
        note(step, &reading, agent);
        if reading.text.is_empty() && !reading.is_note() && !mail.to_comment_address {
            confirm(step, &reading, agent, policy, now);
        }
    }
    if !was_finished && step.ticket.status == Status::Resolved {
        satisfaction::report(step, inbound, policy, now);
    }
}

/// The public text of an agent's mail with the canned replies (`#reply`) and articles
/// (`#kb`) it asks for before what the agent wrote, each in the customer's language.
fn with_written_answers(
    reading: &Reading,
    ticket: &Ticket,
    agent: &Agent,
    desk: &Desk,
    policy: &Policy,
) -> String {
    let language = desk.language;
    let mut vars = outgoing::vars(ticket, desk, policy, language);
    vars.agent = agent.name.clone();
    let mut parts: Vec<String> = reading
        .commands
        .iter()
        .filter_map(|command| match command {
            Command::Reply(name) => policy
                .templates
                .render_reply(name, language, &vars)
                .and_then(Result::ok),
            Command::Kb(slug) => policy
                .knowledge
                .article(slug, language)
                .map(|a| format!("{}\n\n{}", a.title, a.body)),
            _ => None,
        })
        .map(|text| text.trim().to_string())
        .collect();
    if parts.is_empty() {
        return reading.text.clone();
    }
    if !reading.text.trim().is_empty() {
        parts.push(reading.text.clone());
    }
    parts.join("\n\n")
}

/// The files of an agent's mail that go to the customer: the attachments, not the
/// images shown inside the HTML (a signature's logo, the quoted notification's pictures).
fn relayed_files(mail: &crate::mail::Mail) -> Vec<usize> {
    mail.attachments
        .iter()
        .enumerate()
        .filter(|(_, file)| !file.inline)
        .map(|(at, _)| at)
        .collect()
}

/// Files sent with no text for the customer: most likely a forgotten line, never a
/// silent drop.
fn files_without_text(all: &[crate::mail::parse::Attachment], files: &[usize]) -> Rejected {
    let names: Vec<&str> = files.iter().map(|&at| all[at].name.as_str()).collect();
    let names = names.join(", ");
    Rejected {
        line: format!("({names})"),
        reason: Phrase::both(
            "files are attached but there is no text for the customer; write a line to go \
             with them, or start with #note to keep them on the ticket only",
            "ada lampiran tetapi tidak ada teks untuk pelanggan; tulis satu kalimat \
             pengantar, atau awali dengan #note agar hanya disimpan di tiket",
        ),
    }
}

/// `#category X` must name a category of this desk, once categories are defined: checked
/// before any command is applied.
fn check_categories(reading: &Reading, desk: &Desk, policy: &Policy) -> Vec<Rejected> {
    if policy.categories.is_empty() {
        return Vec::new();
    }
    let of_desk: Vec<&str> = policy
        .categories
        .iter()
        .filter(|c| c.desks.is_empty() || c.desks.contains(&desk.id))
        .map(|c| c.id.as_str())
        .collect();
    reading
        .commands
        .iter()
        .filter_map(|command| match command {
            Command::Category(name) if !of_desk.contains(&name.as_str()) => Some(Rejected {
                line: format!("#category {name}"),
                reason: Phrase::both(
                    format!(
                        "there is no category {name} here; the categories are: {}",
                        of_desk.join(", ")
                    ),
                    format!(
                        "tidak ada kategori {name} di sini; kategorinya: {}",
                        of_desk.join(", ")
                    ),
                ),
            }),
            _ => None,
        })
        .collect()
}

/// `#step` and `#field` need the ticket's category (as it stands, or as this mail sets
/// it) to have that step or field: checked before any command is applied.
fn check_procedure(reading: &Reading, ticket: &super::Ticket, policy: &Policy) -> Vec<Rejected> {
    let category = category_after(reading, ticket, policy);
    reading
        .commands
        .iter()
        .filter_map(|command| {
            let (line, problem) = match command {
                Command::Step { number, skipped } => {
                    let line = match skipped {
                        Some(why) => format!("#step {number} skip {why}"),
                        None => format!("#step {number}"),
                    };
                    let steps = category.map_or(0, |c| c.steps.len()) as u32;
                    let problem = match category {
                        None => Some(no_procedure()),
                        Some(_) if *number == 0 || *number > steps => Some(Phrase::both(
                            format!("the procedure has steps 1 to {steps}"),
                            format!("prosedurnya punya langkah 1 sampai {steps}"),
                        )),
                        Some(_) => None,
                    };
                    (line, problem)
                }
                Command::Field { key, value } => {
                    let line = format!("#field {key} {value}");
                    let problem = match category {
                        None => Some(no_procedure()),
                        Some(c) if !c.fields.iter().any(|f| &f.key == key) => {
                            let keys: Vec<&str> = c.fields.iter().map(|f| f.key.as_str()).collect();
                            Some(Phrase::both(
                                format!(
                                    "category {} has no field {key}; its fields: {}",
                                    c.id,
                                    keys.join(", ")
                                ),
                                format!(
                                    "kategori {} tidak punya isian {key}; isiannya: {}",
                                    c.id,
                                    keys.join(", ")
                                ),
                            ))
                        }
                        Some(_) => None,
                    };
                    (line, problem)
                }
                _ => return None,
            };
            problem.map(|reason| Rejected { line, reason })
        })
        .collect()
}

/// Once categories are defined, closing is a decision with a record: `#close` needs the
/// ticket's category and a resolution line (`#close <what was done>` or `#resolution`),
/// and an agent of the category's closing tier. Checked before any command is applied.
fn check_closing(
    reading: &Reading,
    ticket: &super::Ticket,
    agent: &Agent,
    desk: &Desk,
    policy: &Policy,
) -> Vec<Rejected> {
    if policy.categories.is_empty() {
        return Vec::new();
    }
    let Some(close) = reading.commands.iter().find_map(|c| match c {
        Command::Resolve(text) => Some(text),
        _ => None,
    }) else {
        return Vec::new();
    };
    let line = match close {
        Some(text) => format!("#close {text}"),
        None => "#close".to_string(),
    };
    let category = category_after(reading, ticket, policy);
    let resolution = close.is_some()
        || ticket.resolution.is_some()
        || reading
            .commands
            .iter()
            .any(|c| matches!(c, Command::Resolution(_)));
    let mut missing_en = Vec::new();
    let mut missing_id = Vec::new();
    if category.is_none() {
        missing_en.push("its category (#category <name>)");
        missing_id.push("kategorinya (#category <nama>)");
    }
    if !resolution {
        missing_en.push("what was done (#close <what was done>, or a #resolution line)");
        missing_id.push("apa yang dikerjakan (#close <yang dikerjakan>, atau baris #resolution)");
    }
    if !missing_en.is_empty() {
        return vec![Rejected {
            line,
            reason: Phrase::both(
                format!("closing needs {}", missing_en.join(" and ")),
                format!("menutup tiket perlu {}", missing_id.join(" dan ")),
            ),
        }];
    }
    let left = category.and_then(|c| steps_left(c, ticket, reading));
    if let Some(open) = left.filter(|_| desk.require_steps) {
        return vec![Rejected {
            line,
            reason: Phrase::both(
                format!(
                    "this desk closes a ticket only when every step is done or skipped with a \
                     reason; still open: {open}"
                ),
                format!(
                    "meja ini menutup tiket hanya bila semua langkah selesai atau dilewati \
                     dengan alasan; belum: {open}"
                ),
            ),
        }];
    }
    match category
        .and_then(|c| c.close_tier)
        .filter(|tier| agent.tier < *tier)
    {
        Some(tier) => vec![Rejected {
            line,
            reason: Phrase::both(
                format!(
                    "only tier {} or higher may close this category; #escalate it",
                    tier.0
                ),
                format!(
                    "hanya level {} ke atas yang boleh menutup kategori ini; #escalate dulu",
                    tier.0
                ),
            ),
        }],
        None => Vec::new(),
    }
}

/// The category the ticket has once this mail applies (its last `#category`, else the
/// ticket's own), when the config defines it.
fn category_after<'p>(
    reading: &Reading,
    ticket: &super::Ticket,
    policy: &'p Policy,
) -> Option<&'p crate::config::policy::Category> {
    let named = reading.commands.iter().rev().find_map(|c| match c {
        Command::Category(name) => Some(name.as_str()),
        _ => None,
    });
    named
        .or(ticket.category.as_deref())
        .and_then(|name| policy.category(name))
}

/// The numbers of the procedure's steps that neither the ticket nor this mail deal with,
/// as "2, 3"; `None` when every step is dealt with.
fn steps_left(
    category: &crate::config::policy::Category,
    ticket: &super::Ticket,
    reading: &Reading,
) -> Option<String> {
    let in_mail: Vec<u32> = reading
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::Step { number, .. } => Some(*number),
            _ => None,
        })
        .collect();
    let left: Vec<String> = (1..=category.steps.len() as u32)
        .filter(|n| !ticket.procedure.steps.contains_key(n) && !in_mail.contains(n))
        .map(|n| n.to_string())
        .collect();
    (!left.is_empty()).then(|| left.join(", "))
}

/// Why `#step` or `#field` cannot apply: the ticket has no category with a procedure.
fn no_procedure() -> Phrase {
    Phrase::both(
        "this ticket has no category with a procedure; set one first with #category <name>",
        "tiket ini belum punya kategori dengan prosedur; tetapkan dulu dengan #category <nama>",
    )
}

/// `#merge N` needs N to exist, to be another ticket, and to be open: checked before any
/// command of the mail is applied.
fn check_merges(reading: &Reading, this: TicketId, tickets: Directory<'_>) -> Vec<Rejected> {
    let mut rejected = Vec::new();
    for command in &reading.commands {
        let Command::Merge(target) = command else {
            continue;
        };
        let line = format!("#merge {target}");
        let problem = match tickets.status(*target) {
            _ if *target == this => Some(Phrase::both(
                "a ticket cannot be merged into itself",
                "tiket tidak bisa digabung ke dirinya sendiri",
            )),
            None => Some(Phrase::both(
                format!("there is no ticket #{target}"),
                format!("tidak ada tiket #{target}"),
            )),
            Some(Status::Resolved | Status::Closed) => Some(Phrase::both(
                format!("ticket #{target} is closed; #reopen it first"),
                format!("tiket #{target} sudah ditutup; #reopen dulu"),
            )),
            Some(_) => None,
        };
        if let Some(reason) = problem {
            rejected.push(Rejected { line, reason });
        }
    }
    rejected
}

/// The status commands of a mail, taken in order from the ticket's status, must each make
/// sense (`#pending` on a resolved ticket does not): checked before any command is applied.
fn check_transitions(reading: &Reading, mut status: Status) -> Vec<Rejected> {
    let mut rejected = Vec::new();
    for command in &reading.commands {
        let Some(asked) = status_transition(command) else {
            continue;
        };
        let line = match command {
            Command::Merge(target) => format!("#merge {target}"),
            _ => asked.to_string(),
        };
        match status.after(asked) {
            Ok(next) => status = next,
            Err(reason) => rejected.push(Rejected {
                line,
                reason: Phrase::new(|language| match language {
                    Language::En => reason.clone(),
                    Language::Id => format!(
                        "tiket ini {}; #reopen dulu",
                        words::status(status, language)
                    ),
                }),
            }),
        }
    }
    rejected
}

/// The status change a command asks for, if it asks for one: checked by
/// `check_transitions`, made by `apply`.
fn status_transition(command: &Command) -> Option<Transition> {
    match command {
        Command::Resolve(_) => Some(Transition::Resolve),
        Command::Reopen => Some(Transition::Reopen),
        Command::Pending => Some(Transition::WaitOnCustomer),
        Command::Merge(_) => Some(Transition::MergedAway),
        _ => None,
    }
}

/// Another ticket continues in this one: its people, copies and thread come along.
pub(super) fn on_merged(step: &mut Step, from: &Ticket, now: Timestamp) {
    let ticket = &mut step.ticket;
    for address in from.participants.iter().chain(&from.specialists) {
        ticket.add_participant(address);
    }
    for address in &from.cc {
        ticket.add_cc(address);
    }
    for id in &from.thread {
        ticket.remember_in_thread(id);
    }
    ticket.updated_at = now;
    step.effects
        .push(Effect::Record(Happening::MergedFrom { ticket: from.id }));
}

/// A mail in an agent's name without proof: kept as a note, nothing done, the agent told.
fn unverified(
    step: &mut Step,
    inbound: &Inbound<'_>,
    agent: &Agent,
    desk: &Desk,
    policy: &Policy,
    now: Timestamp,
) {
    let address = inbound
        .mail
        .from
        .as_ref()
        .map(|c| c.address.clone())
        .unwrap_or_else(|| agent.addresses[0].clone());
    step.effects
        .push(Effect::Record(Happening::UnverifiedAgentMail {
            agent: agent.id.clone(),
            address,
        }));
    let mut vars = outgoing::vars(&step.ticket, desk, policy, agent_language(agent, desk));
    vars.agent = agent.name.clone();
    let draft = to_agent(
        agent,
        OutgoingKind::Unverified,
        TemplateKind::Unverified,
        &vars,
        desk,
        policy,
    );
    outgoing::send(step, desk, draft, now);
}

/// Commands that cannot be obeyed: nothing is applied, the agent is told every bad line
/// and why, in their language.
fn refuse(
    step: &mut Step,
    agent: &Agent,
    rejected: Vec<Rejected>,
    text: &str,
    desk: &Desk,
    policy: &Policy,
    now: Timestamp,
) {
    let language = agent_language(agent, desk);
    let mut vars = outgoing::vars(&step.ticket, desk, policy, language);
    vars.agent = agent.name.clone();
    vars.refused = rejected
        .iter()
        .map(|r| RefusedLine {
            line: r.line.clone(),
            reason: r.reason.of(language).to_string(),
        })
        .collect();
    if let Some(first) = vars.refused.first() {
        vars.line = first.line.clone();
        vars.reason = first.reason.clone();
    }
    vars.text = text.to_string();
    for refused in rejected {
        step.effects
            .push(Effect::Record(Happening::CommandsRejected {
                agent: agent.id.clone(),
                line: refused.line,
                reason: refused.reason.of(Language::En).to_string(),
            }));
    }
    let draft = to_agent(
        agent,
        OutgoingKind::CommandError,
        TemplateKind::CommandError,
        &vars,
        desk,
        policy,
    );
    outgoing::send(step, desk, draft, now);
}

/// A mail to an agent about a ticket, answerable: its Reply-To is signed for them.
fn to_agent(
    agent: &Agent,
    kind: OutgoingKind,
    template: TemplateKind,
    vars: &crate::templates::MailVars,
    desk: &Desk,
    policy: &Policy,
) -> Draft {
    Draft {
        kind,
        from_name: desk.name.clone(),
        to: agent_contact(agent),
        cc: Vec::new(),
        reply_to: Some(outgoing::agent_reply_to(
            desk,
            TicketId(vars.ticket),
            agent,
            policy,
        )),
        subject: format!("{} {}", vars.tag, vars.subject),
        body: outgoing::render(policy, template, agent_language(agent, desk), vars),
        auto_submitted: Some("auto-replied"),
        in_customer_thread: false,
    }
}

fn note(step: &mut Step, reading: &Reading, agent: &Agent) {
    if !reading.text.is_empty() || reading.commands.is_empty() {
        step.effects.push(Effect::Record(Happening::NoteAdded {
            agent: agent.id.clone(),
            text: None,
        }));
    }
}

/// A mail of commands alone gets a short answer saying what was done, unless the
/// commands already brought the agent a mail (a visit, say).
fn confirm(step: &mut Step, reading: &Reading, agent: &Agent, policy: &Policy, now: Timestamp) {
    let already_told = step
        .effects
        .iter()
        .filter_map(Effect::as_mail)
        .any(|m| agent.addresses.contains(&m.to.address));
    if already_told || reading.lines.is_empty() {
        return;
    }
    let lines = reading.lines.join(", ");
    let text = Phrase::new(|language| match language {
        Language::En => format!("Done: {lines}."),
        Language::Id => format!("Sudah dijalankan: {lines}."),
    });
    notify_with(step, &text, &[agent], policy, now);
}

/// The agent's answer goes to the requester and the people in copy, from the desk
/// address under the agent's name, in the customer's thread, with the agent's `files`
/// (indexes into the mail's attachments). The ticket was answered before the mail's
/// commands ran.
fn relay(
    step: &mut Step,
    agent: &Agent,
    text: &str,
    files: Vec<usize>,
    desk: &Desk,
    policy: &Policy,
    now: Timestamp,
) {
    let Some(requester) = step.ticket.requester.clone() else {
        return note(
            step,
            &Reading {
                text: text.to_string(),
                ..Reading::default()
            },
            agent,
        );
    };
    let tag = outgoing::tag(desk, &step.ticket);
    let draft = Draft {
        kind: OutgoingKind::AgentReply,
        from_name: agent.name.clone(),
        to: requester,
        cc: step.ticket.cc_contacts(),
        reply_to: None,
        subject: outgoing::reply_subject(&step.ticket.subject, &tag, &policy.tag_prefixes()),
        body: format!("{text}\n"),
        auto_submitted: None,
        in_customer_thread: true,
    };
    let message_id = outgoing::send(step, desk, draft, now);
    if let Some(Effect::Send(relayed)) = step.effects.last_mut() {
        relayed.arrival_files = files;
    }
    step.filed = Filed::Agent;
    step.effects.push(Effect::Record(Happening::AgentReplied {
        agent: agent.id.clone(),
        message_id,
    }));
}

fn apply(
    step: &mut Step,
    command: &Command,
    agent: &Agent,
    staff: Staff<'_>,
    hints: &knowledge::Hints,
    policy: &Policy,
    now: Timestamp,
) {
    let by = agent.id.0.as_str();
    if let Some(asked) = status_transition(command) {
        transition(step, asked, by, now);
    }
    match command {
        Command::Resolve(None) | Command::Reopen | Command::Pending => {}
        // Their text is in the public answer already (`with_written_answers`).
        Command::Reply(_) | Command::Kb(_) => {}
        Command::Search(query) => {
            let text = Phrase::new(|language| knowledge::search_results(query, hints, language));
            notify_with(step, &text, &[agent], policy, now);
        }
        Command::KbCandidate => {
            if !step
                .ticket
                .tags
                .iter()
                .any(|t| t == knowledge::KB_CANDIDATE)
            {
                step.ticket.tags.push(knowledge::KB_CANDIDATE.to_string());
                changed(
                    step,
                    "tags",
                    String::new(),
                    knowledge::KB_CANDIDATE.into(),
                    by,
                );
            }
        }
        Command::Resolve(Some(text)) | Command::Resolution(text) => {
            let from = step
                .ticket
                .resolution
                .replace(text.clone())
                .unwrap_or_default();
            changed(step, "resolution", from, text.clone(), by);
        }
        Command::Step { number, skipped } => {
            use super::procedure::StepState;
            let state = match skipped {
                Some(why) => StepState::Skipped(why.clone()),
                None => StepState::Done,
            };
            let said = |s: Option<&StepState>| match s {
                Some(StepState::Done) => "done".to_string(),
                Some(StepState::Skipped(why)) => format!("skipped: {why}"),
                None => String::new(),
            };
            let from = said(step.ticket.procedure.steps.get(number));
            let to = said(Some(&state));
            step.ticket.procedure.steps.insert(*number, state);
            changed(step, &format!("step {number}"), from, to, by);
        }
        Command::Field { key, value } => {
            let from = step
                .ticket
                .procedure
                .fields
                .insert(key.clone(), value.clone())
                .unwrap_or_default();
            changed(step, &format!("field {key}"), from, value.clone(), by);
        }
        Command::NoteText(text) => step.effects.push(Effect::Record(Happening::NoteAdded {
            agent: agent.id.clone(),
            text: Some(text.clone()),
        })),
        Command::Assign(who) => assign(step, who, agent, policy, now),
        Command::Escalate(reason) => {
            let reason = Phrase::new(|language| match (language, reason) {
                (Language::En, Some(reason)) => format!("{} asked: {reason}", agent.name),
                (Language::En, None) => format!("{} asked for it.", agent.name),
                (Language::Id, Some(reason)) => format!("{} meminta: {reason}", agent.name),
                (Language::Id, None) => format!("atas permintaan {}.", agent.name),
            });
            escalation::escalate(step, &reason, By::Agent(agent), staff, policy, now)
        }
        Command::Attachments => send_files(step, agent, policy, now),
        Command::Away | Command::Back => {
            let away = *command == Command::Away;
            step.effects.push(Effect::SetAway {
                agent: agent.id.clone(),
                away,
            });
            step.effects.push(Effect::Record(Happening::AgentAway {
                agent: agent.id.clone(),
                away,
            }));
        }
        Command::Visit { .. } => visit::schedule(step, command, agent, policy, now),
        Command::Tier(tier) => set_tier(step, *tier, by),
        Command::Priority(priority) => {
            let from = step.ticket.priority;
            step.ticket.priority = *priority;
            changed(step, "priority", from.to_string(), priority.to_string(), by);
        }
        Command::Category(category) => {
            let from = step
                .ticket
                .category
                .replace(category.clone())
                .unwrap_or_default();
            changed(step, "category", from, category.clone(), by);
        }
        Command::Cc { add, remove } => {
            let from = step.ticket.cc_line();
            step.ticket.cc.retain(|a| !remove.contains(a));
            step.ticket.participants.retain(|a| !remove.contains(a));
            for address in add {
                step.ticket.add_participant(address);
                step.ticket.add_cc(address);
            }
            let to = step.ticket.cc_line();
            changed(step, "cc", from, to, by);
        }
        Command::Note => {}
        Command::Forward { to, text } => forward(step, agent, to, text, policy, now),
        Command::Merge(target) => {
            step.ticket.merged_into = Some(*target);
            step.effects.push(Effect::Record(Happening::MergedInto {
                ticket: *target,
                agent: agent.id.clone(),
            }));
            step.effects.push(Effect::MergeInto(*target));
        }
    }
}

/// The conversation goes to an outside specialist, from the desk under the agent's name;
/// replies come back to the desk and thread into the ticket as internal notes.
fn forward(
    step: &mut Step,
    agent: &Agent,
    to: &EmailAddress,
    text: &str,
    policy: &Policy,
    now: Timestamp,
) {
    let desk = desk_of(policy, &step.ticket);
    let tag = outgoing::tag(desk, &step.ticket);
    if !step.ticket.specialists.contains(to) {
        step.ticket.specialists.push(to.clone());
    }
    let draft = Draft {
        kind: OutgoingKind::Forward,
        from_name: format!("{} ({})", agent.name, desk.name),
        to: Contact {
            name: None,
            address: to.clone(),
        },
        cc: Vec::new(),
        reply_to: None,
        subject: format!("Fwd: {} {tag}", step.ticket.subject),
        body: if text.is_empty() {
            String::new()
        } else {
            format!("{text}\n")
        },
        auto_submitted: None,
        in_customer_thread: false,
    };
    let message_id = outgoing::send(step, desk, draft, now);
    step.effects.push(Effect::Record(Happening::Forwarded {
        agent: agent.id.clone(),
        to: to.clone(),
        message_id,
    }));
}

/// `#attachments`: the ticket's files go to the agent who asked; the worker attaches
/// them from the store.
fn send_files(step: &mut Step, agent: &Agent, policy: &Policy, now: Timestamp) {
    let desk = desk_of(policy, &step.ticket);
    let tag = outgoing::tag(desk, &step.ticket);
    let (subject, body) = match agent_language(agent, desk) {
        Language::En => (
            format!("{tag} {}: its files", step.ticket.subject),
            "The files of this ticket are attached.\n".to_string(),
        ),
        Language::Id => (
            format!("{tag} {}: berkasnya", step.ticket.subject),
            "Berkas tiket ini terlampir.\n".to_string(),
        ),
    };
    let draft = Draft {
        kind: OutgoingKind::TicketFiles,
        from_name: desk.name.clone(),
        to: agent_contact(agent),
        cc: Vec::new(),
        reply_to: Some(outgoing::agent_reply_to(
            desk,
            step.ticket.id,
            agent,
            policy,
        )),
        subject,
        body,
        auto_submitted: Some("auto-replied"),
        in_customer_thread: false,
    };
    outgoing::send(step, desk, draft, now);
}

/// A specialist's answer to a forward: an internal note, announced to the agent in
/// charge (or the ticket's tier).
pub(super) fn on_specialist_mail(
    step: &mut Step,
    inbound: &Inbound<'_>,
    policy: &Policy,
    now: Timestamp,
) {
    step.filed = Filed::Note;
    let Some(from) = inbound.mail.from.as_ref().map(|c| c.address.clone()) else {
        return;
    };
    step.effects
        .push(Effect::Record(Happening::SpecialistAnswered {
            from: from.clone(),
        }));
    let agents = in_charge(step, inbound.staff, policy);
    let text = Phrase::new(|language| match language {
        Language::En => format!("{from} answered the forward:\n\n{}", inbound.mail.new_text),
        Language::Id => format!("{from} menjawab terusan:\n\n{}", inbound.mail.new_text),
    });
    notify_with(step, &text, &agents, policy, now);
}

fn assign(step: &mut Step, who: &Assignee, agent: &Agent, policy: &Policy, now: Timestamp) {
    let target = match who {
        Assignee::Me => Some(agent),
        Assignee::Agent(id) => policy.agent(id),
    };
    let Some(target) = target else { return };
    routing::assign(step, target, &agent.id.0);
    if target.id != agent.id {
        let text = Phrase::new(|language| match language {
            Language::En => format!("{} assigned this ticket to you.", agent.name),
            Language::Id => format!("{} menyerahkan tiket ini kepada Anda.", agent.name),
        });
        notify_with(step, &text, &[target], policy, now);
    }
}
