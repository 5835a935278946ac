//! What a step of the engine asks the edges to do: mails to send and history to record.

use super::sla::Metric;
use crate::mail::Class;
use crate::thread::MatchedBy;
use crate::types::{AgentId, Contact, EmailAddress, MessageId, TicketId, Timestamp};
use serde::{Deserialize, Serialize};

/// One thing the engine wants done, applied by the store in the same transaction as the ticket.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Queue a mail in the outbox.
    Send(Box<OutgoingMail>),
    /// Append an entry to the ticket's history.
    Record(Happening),
    /// This ticket was merged into another: that one takes in its people and thread
    /// (`Step::others` holds it as changed, to be committed together with this one).
    MergeInto(TicketId),
    /// An agent is away (or back) from now on.
    SetAway {
        /// Who.
        agent: AgentId,
        /// Away or back.
        away: bool,
    },
}

/// Why Loket writes a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutgoingKind {
    /// The automatic reply that confirms a new ticket.
    Acknowledgement,
    /// Tells an agent about a ticket that needs them.
    Notification,
    /// An agent's answer, relayed to the customer.
    AgentReply,
    /// Tells an agent why their commands were not applied.
    CommandError,
    /// Tells an agent that a mail in their name was not verified.
    Unverified,
    /// The conversation, sent to an outside specialist (the sender adds the history and
    /// the original attachments).
    Forward,
    /// Tells a desk's lead of an escalation or an overdue ticket (the history is added
    /// from the store).
    LeadReport,
    /// Confirms or reminds the customer of an on-site visit, with the invitation.
    Visit,
    /// Every file of the ticket, to the agent who asked (`#attachments`; the sender adds
    /// the files from the store).
    TicketFiles,
    /// Tells the customer what was done once the ticket is resolved, and asks how it went.
    Resolution,
    /// A scheduled report to a desk's lead (it belongs to no ticket).
    Report,
}

/// A mail the engine decided to send, before it is formatted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutgoingMail {
    /// Why it is sent.
    pub kind: OutgoingKind,
    /// Its Message-ID, stable so that a resend after a crash is recognisable.
    pub message_id: MessageId,
    /// The desk it is sent from.
    pub from: Contact,
    /// Its recipient.
    pub to: Contact,
    /// Further recipients in copy.
    pub cc: Vec<Contact>,
    /// Where replies should go, when not to `from`.
    pub reply_to: Option<Contact>,
    /// Subject, already header-safe.
    pub subject: String,
    /// The message it answers.
    pub in_reply_to: Option<MessageId>,
    /// The conversation, oldest first.
    pub references: Vec<MessageId>,
    /// Plain text body.
    pub body: String,
    /// `Auto-Submitted:` value (RFC 3834) when the mail is automatic.
    pub auto_submitted: Option<String>,
    /// When it was written.
    pub date: Timestamp,
    /// An iCalendar object sent as the mail's `text/calendar` part (iMIP, RFC 6047).
    #[serde(default)]
    pub calendar: Option<String>,
    /// Which files of the mail that caused the step go with this one (indexes into its
    /// attachments): a notification carries the customer's files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arrival_files: Vec<usize>,
}

/// Something that happened to a ticket, kept forever in its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "kebab-case")]
pub enum Happening {
    /// The ticket was opened.
    Opened {
        /// How its first mail was placed.
        matched_by: MatchedBy,
        /// The ticket the first mail tried to join.
        linked_to: Option<TicketId>,
    },
    /// A mail came in.
    MailReceived {
        /// Its Message-ID.
        message_id: MessageId,
        /// Person, automatic or bounce.
        class: Class,
        /// How it was placed.
        matched_by: MatchedBy,
    },
    /// An acknowledgement was queued.
    AcknowledgementQueued {
        /// Its Message-ID.
        message_id: MessageId,
    },
    /// No acknowledgement was sent, and why.
    AcknowledgementSuppressed {
        /// The reason, for admins reading the history.
        reason: String,
    },
    /// Agents were told about the ticket.
    Notified {
        /// Who.
        agents: Vec<AgentId>,
    },
    /// An agent's answer went to the customer.
    AgentReplied {
        /// Who answered.
        agent: AgentId,
        /// The relayed mail.
        message_id: MessageId,
    },
    /// An agent forwarded the ticket to an outside specialist.
    Forwarded {
        /// Who forwarded it.
        agent: AgentId,
        /// To whom.
        to: EmailAddress,
        /// The forward's Message-ID, which the specialist's answer refers to.
        message_id: MessageId,
    },
    /// The ticket was merged into another and continues there.
    MergedInto {
        /// The ticket it continues in.
        ticket: TicketId,
        /// Who merged it.
        agent: AgentId,
    },
    /// Another ticket was merged into this one.
    MergedFrom {
        /// The merged ticket.
        ticket: TicketId,
    },
    /// An outside specialist answered a forward; kept as an internal note.
    SpecialistAnswered {
        /// Who.
        from: EmailAddress,
    },
    /// A mail was over the intake's size limit: only its first `limit` bytes are kept.
    MailTooLarge {
        /// Its size as it arrived.
        size: usize,
        /// The limit.
        limit: usize,
        /// The files that did not fit: name and size.
        refused: Vec<(String, usize)>,
    },
    /// Files of a mail that the intake's limits refused; they stay in its raw bytes.
    FilesRefused {
        /// Each file: name, size and the limit that refused it.
        files: Vec<crate::mail::parse::RefusedFile>,
    },
    /// The acknowledgement offered a written answer (self-service).
    AnswerOffered {
        /// Which: `article reset-password`, `ticket #12`.
        source: String,
        /// How well it fit the mail, from 0 to 1, to two places.
        likeness: f64,
    },
    /// The customer said the offered answer solved the problem: resolved by self-service.
    SolvedBySelfService {
        /// The answer that solved it.
        source: String,
    },
    /// An agent added an internal note.
    NoteAdded {
        /// Who.
        agent: AgentId,
        /// The note, when written on a `#note` line of a public answer (a whole mail
        /// that is a note is the ticket's message itself).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// A field of the ticket changed.
    Changed {
        /// Which field: status, assignee, tier, priority, category, cc.
        field: String,
        /// Its value before.
        from: String,
        /// Its value now.
        to: String,
        /// Who changed it (an agent, or "customer").
        by: String,
    },
    /// An agent's commands were refused; nothing of that mail was applied.
    CommandsRejected {
        /// Who sent them.
        agent: AgentId,
        /// The offending line.
        line: String,
        /// Why.
        reason: String,
    },
    /// A mail in an agent's name could not be verified; kept as a note, nothing applied.
    UnverifiedAgentMail {
        /// Whose name it used.
        agent: AgentId,
        /// The From: address.
        address: EmailAddress,
    },
    /// SLA clocks started for the ticket.
    SlaStarted {
        /// The `[sla.<id>]` applied.
        policy: String,
        /// When the first answer is due.
        first_response_due: Option<Timestamp>,
        /// When resolution is due.
        resolution_due: Option<Timestamp>,
    },
    /// A share of an SLA target passed; the assignee (or the tier) was warned.
    SlaWarning {
        /// Which target.
        metric: Metric,
        /// When it is due.
        due: Timestamp,
    },
    /// An SLA target was missed.
    SlaBreached {
        /// Which target.
        metric: Metric,
        /// At which tier.
        tier: u8,
    },
    /// The ticket moved up a tier.
    Escalated {
        /// From which tier.
        from: u8,
        /// To which.
        to: u8,
        /// Why, in words.
        reason: String,
        /// Who: an agent, or "sla" for a missed target.
        by: String,
    },
    /// The lead was reminded of targets still unmet at the last tier.
    LeadReminded {
        /// Which targets.
        overdue: Vec<Metric>,
    },
    /// A routing rule set fields of the new ticket.
    Routed {
        /// The rule.
        rule: String,
    },
    /// An agent marked themself away or back.
    AgentAway {
        /// Who.
        agent: AgentId,
        /// Away (true) or back (false).
        away: bool,
    },
    /// An on-site visit was scheduled.
    VisitScheduled {
        /// Its number on the ticket.
        visit: u32,
        /// The engineer.
        engineer: AgentId,
        /// When it starts.
        start: Timestamp,
        /// When it ends.
        end: Timestamp,
    },
    /// The customer and the engineer were reminded of tomorrow's visit.
    VisitReminded {
        /// Its number.
        visit: u32,
    },
    /// The customer answered a visit invitation.
    VisitAnswered {
        /// Its number.
        visit: u32,
        /// accepted, declined or tentative.
        answer: String,
    },
    /// A mail Loket sent was refused for good by the mail server.
    DeliveryFailed {
        /// The mail that failed.
        message_id: MessageId,
        /// Its recipients.
        recipients: Vec<EmailAddress>,
        /// What the server said.
        error: String,
    },
    /// The customer was told the ticket is resolved and what was done.
    ResolutionReported {
        /// The report's Message-ID.
        message_id: MessageId,
        /// Who was asked for a rating with it (none: the desk does not ask, or the
        /// customer was already asked today).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rating_asked_of: Option<EmailAddress>,
    },
    /// The customer rated how their problem was handled.
    Rated {
        /// What they answered.
        score: super::satisfaction::Score,
        /// What they wrote with it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
        /// The resolution it rates (the ticket's first, second, ...).
        resolution: u32,
        /// Whether it counts: the first rating of the latest resolution. A repeated or
        /// late rating is recorded only.
        counted: bool,
    },
    /// A person's data was erased from the ticket (the right to be forgotten).
    Erased {
        /// What went, without naming them.
        erased: String,
        /// Who had it done (the unix user).
        by: String,
    },
    /// A status change the engine was asked for made no sense and was not made.
    TransitionRefused {
        /// What was asked (`#pending`).
        transition: String,
        /// Why not.
        reason: String,
    },
    /// A timer failed every time it fired and was set aside, so that it no longer holds
    /// up the others; an agent must look at the ticket.
    TimerDropped {
        /// The timer, as the index names it (`breach:first_response`).
        timer: String,
        /// When it was due.
        due: Timestamp,
        /// What went wrong the last time.
        error: String,
    },
}

impl Effect {
    /// The mail to send, if this effect is one.
    pub fn as_mail(&self) -> Option<&OutgoingMail> {
        match self {
            Effect::Send(mail) => Some(mail),
            Effect::Record(_) | Effect::MergeInto(_) | Effect::SetAway { .. } => None,
        }
    }
}

/// A history entry: what happened and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When.
    pub at: Timestamp,
    /// What.
    #[serde(flatten)]
    pub happening: Happening,
}

/// How the mail that caused a step is filed on the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    /// Written by the customer's side.
    Customer,
    /// An agent's public answer.
    Agent,
    /// Internal: an agent's note, an unverified or refused agent mail, a bounce.
    Note,
    /// Written by a machine.
    Auto,
}
