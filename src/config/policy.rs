//! The checked config that the rest of Loket reads: typed, complete, trusted.

pub use super::raw::{ImapAuth, Security};
use crate::calendar::Calendar;
use crate::secret::Secret;
use crate::templates::Templates;

use crate::types::{AgentId, Contact, DeskId, EmailAddress, TeamId, Tier};
use crate::types::{Language, Priority};
use std::path::PathBuf;
use std::time::Duration;

/// Everything the daemon and the engine need to know from the config file.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Folder of the sled store.
    pub store_path: PathBuf,
    /// The Maildir spool.
    pub spool: SpoolPolicy,
    /// IMAP mailboxes read.
    pub mailboxes: Vec<MailboxPolicy>,
    /// How outgoing mail leaves.
    pub transport: TransportPolicy,
    /// First pause before a failed mail is tried again; it doubles up to an hour.
    pub retry_after: Duration,
    /// Unix socket of a running daemon.
    pub control_socket: PathBuf,
    /// The group id that may use the control socket besides Loket's user.
    pub control_group: Option<u32>,
    /// Batching and retry of intake.
    pub intake: IntakePolicy,
    /// Loop and flood brakes.
    pub limits: Limits,
    /// The desks, in the order of the file; the first is the default.
    pub desks: Vec<Desk>,
    /// The agents, in the order of the file.
    pub agents: Vec<Agent>,
    /// The teams.
    pub teams: Vec<Team>,
    /// Trust in agents' mail.
    pub security: SecurityPolicy,
    /// Compiled mail templates.
    pub templates: Templates,
    /// SLA policies, in file order: the first that fits a ticket applies.
    pub slas: Vec<SlaPolicy>,
    /// Routing rules for new tickets, in file order.
    pub rules: Vec<Rule>,
    /// The kinds of problem and their procedures; none means categories are free words.
    pub categories: Vec<Category>,
    /// Reports mailed on a schedule.
    pub reports: Vec<ScheduledReport>,
    /// How long after resolution a ticket's raw mail is kept (`None`: for ever).
    pub closed_raw_after: Option<Duration>,
    /// The search index and the answers admins wrote.
    pub knowledge: KnowledgePolicy,
    /// Test-build settings (always empty in release builds).
    pub testing: TestingPolicy,
}

/// Where the search index is, what notifications list from it, and the articles.
#[derive(Debug, Clone, Default)]
pub struct KnowledgePolicy {
    /// Folder of the search index.
    pub index: PathBuf,
    /// Most solved tickets a notification lists.
    pub similar: usize,
    /// How alike (0 to 1) they must be.
    pub similar_min: f32,
    /// The articles of `config/articles/`, by slug then language.
    pub articles: Vec<Article>,
}

impl KnowledgePolicy {
    /// The article `slug` in `language`, else in any language it exists in.
    pub fn article(&self, slug: &str, language: Language) -> Option<&Article> {
        let mut found = self.articles.iter().filter(|a| a.slug == slug);
        let first = found.clone().next();
        found.find(|a| a.language == language).or(first)
    }
}

/// An article of the knowledge base: `articles/<slug>.<lang>.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The file name's first part, as `#kb` names it.
    pub slug: String,
    /// Its language.
    pub language: Language,
    /// Its first line (`# Title`).
    pub title: String,
    /// Its `keywords:` line: words it should be found by beyond its text.
    pub keywords: String,
    /// The rest.
    pub body: String,
}

/// Settings that only test builds accept.
#[derive(Debug, Clone, Default)]
pub struct TestingPolicy {
    /// File with seconds to add to the system clock, read at each look at the time.
    pub clock_offset_file: Option<PathBuf>,
    /// The daemon task that starts broken (a test of supervision).
    pub fail_task: Option<String>,
    /// A wait between writing a batch to the journal and submitting it (a crash test).
    pub journal_pause: Option<std::time::Duration>,
    /// A wait between an IMAP mailbox's last search and IDLE (a race test).
    pub idle_pause: Option<std::time::Duration>,
}

/// A kind of problem and the procedure that handles it (`[category.<name>]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// The key in `[category.<name>]`, as `#category` and rules name it.
    pub id: String,
    /// Its name in English and in Indonesian.
    pub title: Bilingual,
    /// The desks it belongs to; empty for every desk.
    pub desks: Vec<DeskId>,
    /// The priority a ticket of it starts with.
    pub priority: Option<Priority>,
    /// The tier a ticket of it starts at.
    pub tier: Option<Tier>,
    /// The lowest tier that may close a ticket of it.
    pub close_tier: Option<Tier>,
    /// The procedure's steps, in order, in both languages (same count).
    pub steps: Vec<Bilingual>,
    /// What the customer is asked for.
    pub fields: Vec<IntakeField>,
}

/// A text in English and in Indonesian; one given alone stands for both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bilingual {
    /// English.
    pub en: String,
    /// Indonesian.
    pub id: String,
}

impl Bilingual {
    /// The text in `language`.
    pub fn of(&self, language: Language) -> &str {
        match language {
            Language::En => &self.en,
            Language::Id => &self.id,
        }
    }
}

/// One intake field of a category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeField {
    /// Its key, as `#field <key> <value>` names it.
    pub key: String,
    /// Its name as the customer reads it.
    pub title: Bilingual,
    /// Whether the ticket needs it.
    pub required: bool,
}

impl Policy {
    /// The categories a desk's tickets may have.
    pub fn categories_of<'p>(
        &'p self,
        desk: &'p DeskId,
    ) -> impl Iterator<Item = &'p Category> + 'p {
        self.categories
            .iter()
            .filter(move |c| c.desks.is_empty() || c.desks.contains(desk))
    }

    /// A category by id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }
}

/// Response and resolution targets for a kind of ticket, in the desk's working time.
#[derive(Debug, Clone)]
pub struct SlaPolicy {
    /// The key in `[sla.<id>]`.
    pub id: String,
    /// Only this desk's tickets, when set.
    pub desk: Option<DeskId>,
    /// Only these priorities, when not empty.
    pub priorities: Vec<Priority>,
    /// Only this category, when set.
    pub category: Option<String>,
    /// Time to the first agent reply.
    pub first_response: Option<Duration>,
    /// Time from a customer's mail to the next agent reply.
    pub next_response: Option<Duration>,
    /// Time to resolution.
    pub resolution: Option<Duration>,
    /// Share of a target (percent) after which the assignee is warned.
    pub warn_percent: u8,
    /// How often the lead is reminded of a breach at the last tier.
    pub remind_every: Duration,
}

impl SlaPolicy {
    /// Whether this policy applies to a ticket of `desk` with this priority and category.
    pub fn fits(&self, desk: &DeskId, priority: Priority, category: Option<&str>) -> bool {
        self.desk.as_ref().is_none_or(|d| d == desk)
            && (self.priorities.is_empty() || self.priorities.contains(&priority))
            && self.category.as_deref().is_none_or(|c| Some(c) == category)
    }
}

/// A routing rule: conditions on a new ticket's first mail, and what to set when they hold.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The key in `[rule.<id>]`.
    pub id: String,
    /// Only mail to this desk.
    pub desk: Option<DeskId>,
    /// Sender patterns: an address, or a domain for a whole organisation.
    pub from: Vec<SenderPattern>,
    /// Pattern the subject must match.
    pub subject: Option<regex::Regex>,
    /// Pattern the body must match.
    pub body: Option<regex::Regex>,
    /// Words of which one must appear in subject or body, lower case.
    pub keywords: Vec<String>,
    /// Header name (lower case) and the pattern its value must match.
    pub headers: Vec<(String, regex::Regex)>,
    /// Whether attachments must be present (or absent).
    pub has_attachment: Option<bool>,
    /// What the rule sets.
    pub actions: RuleActions,
    /// Whether later rules are tried after this one matched.
    pub continue_after: bool,
}

/// Who a rule's sender condition names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SenderPattern {
    /// One address.
    Address(EmailAddress),
    /// Everyone at a domain (an organisation).
    Domain(String),
}

/// What a matching rule sets on the new ticket.
#[derive(Debug, Clone, Default)]
pub struct RuleActions {
    /// Category.
    pub category: Option<String>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Tier.
    pub tier: Option<Tier>,
    /// Team.
    pub team: Option<TeamId>,
    /// Assignee.
    pub assign: Option<AgentId>,
    /// Tags to add.
    pub tags: Vec<String>,
    /// Acknowledgement template variant.
    pub acknowledgement: Option<String>,
}

/// Where the spool is and how often to look at it.
#[derive(Debug, Clone)]
pub struct SpoolPolicy {
    /// Maildir folder.
    pub path: PathBuf,
    /// Pause between two looks when the spool was empty.
    pub poll_interval: Duration,
}

/// The configured way out for mail.
#[derive(Debug, Clone)]
pub enum TransportPolicy {
    /// One `.eml` file per mail in a folder.
    File {
        /// The folder.
        path: PathBuf,
    },
    /// An SMTP server.
    Smtp(SmtpPolicy),
    /// The local sendmail program.
    Sendmail {
        /// Its path, or `None` for `sendmail` on the PATH.
        command: Option<PathBuf>,
    },
}

/// How to reach the SMTP server.
#[derive(Debug, Clone)]
pub struct SmtpPolicy {
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// TLS, STARTTLS or plain.
    pub security: Security,
    /// Login name, when AUTH is used.
    pub user: Option<String>,
    /// Password for AUTH.
    pub password: Secret,
    /// How long to wait for the server.
    pub timeout: Duration,
}

/// One IMAP mailbox to read.
#[derive(Debug, Clone)]
pub struct MailboxPolicy {
    /// The key in `[mailbox.<id>]`, used in logs and the store's sync state.
    pub id: String,
    /// The desk its mail goes to, when set.
    pub desk: Option<DeskId>,
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// TLS, STARTTLS or plain.
    pub security: Security,
    /// Login name.
    pub user: String,
    /// LOGIN or SASL PLAIN.
    pub auth: ImapAuth,
    /// Password.
    pub password: Secret,
    /// Folder read.
    pub folder: String,
    /// Where processed mail is moved; `None` marks it \Seen instead.
    pub move_to: Option<String>,
    /// Whether to use IDLE when the server has it.
    pub idle: bool,
    /// Pause between polls without IDLE.
    pub poll_interval: Duration,
}

/// How intake batches and retries.
#[derive(Debug, Clone, Copy)]
pub struct IntakePolicy {
    /// Messages per group commit.
    pub batch_size: usize,
    /// Failed attempts before a message is quarantined.
    pub max_attempts: u32,
    /// The largest mail taken in whole, in bytes.
    pub max_message_size: usize,
    /// What is taken of a mail's files and structure.
    pub files: crate::mail::parse::Limits,
}

/// Caps on automatic replies (RFC 3834 section 2: avoid loops and floods).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Per recipient address per hour.
    pub auto_replies_per_sender_per_hour: u32,
    /// For the whole daemon per minute.
    pub auto_replies_per_minute: u32,
}

/// One support address.
#[derive(Debug, Clone)]
pub struct Desk {
    /// The key in `[desk.<id>]`.
    pub id: DeskId,
    /// Name shown to customers.
    pub name: String,
    /// The support address.
    pub address: EmailAddress,
    /// Subject tag prefix, e.g. `HD`.
    pub tag: String,
    /// Language of its templates.
    pub language: Language,
    /// Where agents send internal notes, if the desk has such an address.
    pub comment_address: Option<EmailAddress>,
    /// How long after resolution a customer's mail reopens the ticket.
    pub reopen_within: Duration,
    /// Working hours its SLA clocks count in.
    pub calendar: Calendar,
    /// The lead told of escalations, if any.
    pub lead: Option<Contact>,
    /// For an internal desk, the domains of the company's staff; empty for an external desk.
    pub staff_domains: Vec<String>,
    /// The team that takes new tickets when no rule names one.
    pub team: Option<TeamId>,
    /// The most bytes of a customer's files one notification carries.
    pub attach_up_to: usize,
    /// Whether a ticket closes only when every step of its procedure is dealt with.
    pub require_steps: bool,
    /// Whether the resolution report asks the customer for a rating.
    pub ask_rating: bool,
    /// How alike (0 to 1) a written answer must be to be offered in the acknowledgement;
    /// `None`: never.
    pub self_service: Option<f32>,
    /// Whether the acknowledgement of a ticket without a category asks the customer to
    /// choose one.
    pub ask_category: bool,
}

/// A person who answers tickets by mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    /// The key in `[agent.<id>]`.
    pub id: AgentId,
    /// Name shown on their replies.
    pub name: String,
    /// Addresses they write from; the first is where Loket writes to them.
    pub addresses: Vec<EmailAddress>,
    /// Their support level.
    pub tier: Tier,
    /// Their teams.
    pub teams: Vec<TeamId>,
    /// Language of mail to them, when not the desk's.
    pub language: Option<Language>,
    /// Whether they hear of new tickets at their tier.
    pub notify: bool,
    /// Whether they are away.
    pub away: bool,
}

/// A group of agents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// The key in `[team.<id>]`.
    pub id: TeamId,
    /// Its name.
    pub name: String,
    /// The support level it works at.
    pub tier: Tier,
    /// How its tickets are given to members.
    pub assignment: Assignment,
}

/// How a team's new tickets find an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignment {
    /// Nobody is assigned; every present member is told.
    None,
    /// The present member who waited longest since their last ticket.
    RoundRobin,
    /// The present member with the fewest open tickets.
    LeastOpen,
}

/// How agents' mail is trusted.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecurityPolicy {
    /// Key of the reply tokens; empty when no agents are configured.
    pub reply_key: Vec<u8>,
    /// Mail servers whose Authentication-Results are believed.
    pub trusted_authserv_ids: Vec<String>,
}

impl std::fmt::Debug for SecurityPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecurityPolicy")
            .field("reply_key", &"***")
            .field("trusted_authserv_ids", &self.trusted_authserv_ids)
            .finish()
    }
}

impl Policy {
    /// The desk a message goes to when nothing else says: the first in the file.
    pub fn default_desk(&self) -> &Desk {
        self.desks
            .first()
            .expect("check guarantees at least one desk")
    }

    /// The desk with this id, or the default desk when none is named or it is not
    /// configured.
    pub fn desk_or_default(&self, id: Option<&str>) -> &Desk {
        id.and_then(|id| self.desks.iter().find(|d| d.id.0 == id))
            .unwrap_or_else(|| self.default_desk())
    }

    /// The desk with this id, if configured.
    pub fn desk(&self, id: &DeskId) -> Option<&Desk> {
        self.desks.iter().find(|d| &d.id == id)
    }

    /// The desk whose support address this is.
    pub fn desk_by_address(&self, address: &EmailAddress) -> Option<&Desk> {
        self.desks.iter().find(|d| &d.address == address)
    }

    /// Whether an address belongs to Loket itself: a desk's address, its comment address,
    /// or either with a `+` suffix (the signed reply addresses). Mail from it is never
    /// answered, and never a ticket.
    pub fn is_own_address(&self, address: &EmailAddress) -> bool {
        let local = address.local_part();
        let base = local.split_once('+').map_or(local, |(base, _)| base);
        let same = |own: &EmailAddress| {
            own.domain() == address.domain()
                && (own.local_part() == local || own.local_part() == base)
        };
        self.desks
            .iter()
            .any(|d| same(&d.address) || d.comment_address.as_ref().is_some_and(same))
    }

    /// The agent who writes from this address.
    pub fn agent_by_address(&self, address: &EmailAddress) -> Option<&Agent> {
        self.agents.iter().find(|a| a.addresses.contains(address))
    }

    /// The agent with this id.
    pub fn agent(&self, id: &AgentId) -> Option<&Agent> {
        self.agents.iter().find(|a| &a.id == id)
    }

    /// The desk whose comment address this is.
    pub fn desk_by_comment_address(&self, address: &EmailAddress) -> Option<&Desk> {
        self.desks
            .iter()
            .find(|d| d.comment_address.as_ref() == Some(address))
    }

    /// The team with this id.
    pub fn team(&self, id: &TeamId) -> Option<&Team> {
        self.teams.iter().find(|t| &t.id == id)
    }

    /// The SLA policy for a ticket: the first in the file that fits it.
    pub fn sla_for(
        &self,
        desk: &DeskId,
        priority: Priority,
        category: Option<&str>,
    ) -> Option<&SlaPolicy> {
        self.slas.iter().find(|s| s.fits(desk, priority, category))
    }

    /// The SLA policy with this id.
    pub fn sla(&self, id: &str) -> Option<&SlaPolicy> {
        self.slas.iter().find(|s| s.id == id)
    }

    /// All subject tag prefixes, for threading.
    pub fn tag_prefixes(&self) -> Vec<&str> {
        self.desks.iter().map(|d| d.tag.as_str()).collect()
    }
}

/// A complete policy for unit tests: one Indonesian desk, the shipped templates.
#[cfg(test)]
pub(crate) fn test_policy() -> Policy {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/templates");
    let templates = Templates::load(&folder, &Language::ALL, &[])
        .and_then(|t| t.with_replies(&folder.with_file_name("replies")))
        .expect("shipped templates and replies load");
    Policy {
        store_path: PathBuf::new(),
        spool: SpoolPolicy {
            path: PathBuf::new(),
            poll_interval: Duration::from_secs(1),
        },
        mailboxes: Vec::new(),
        transport: TransportPolicy::File {
            path: PathBuf::new(),
        },
        retry_after: Duration::from_secs(30),
        control_socket: PathBuf::new(),
        control_group: None,
        intake: IntakePolicy {
            batch_size: 16,
            max_attempts: 3,
            max_message_size: super::check::DEFAULT_MAX_MESSAGE_SIZE,
            files: crate::mail::parse::Limits::default(),
        },
        limits: Limits {
            auto_replies_per_sender_per_hour: 3,
            auto_replies_per_minute: 60,
        },
        desks: vec![Desk {
            id: DeskId("support".into()),
            name: "Layanan Pelanggan".into(),
            address: EmailAddress::parse("support@example.com").expect("valid"),
            tag: "HD".into(),
            language: Language::Id,
            comment_address: EmailAddress::parse("support-notes@example.com"),
            reopen_within: Duration::from_secs(14 * 86400),
            calendar: Calendar::always_open(),
            lead: Some(Contact {
                name: Some("Budi Lead".into()),
                address: EmailAddress::parse("lead@example.com").expect("valid"),
            }),
            staff_domains: Vec::new(),
            attach_up_to: super::check::DEFAULT_ATTACH_UP_TO,
            require_steps: false,
            ask_rating: true,
            ask_category: false,
            self_service: None,
            team: None,
        }],
        agents: vec![
            test_agent("andi", "Andi", "andi@example.com", 1),
            test_agent("rina", "Rina", "rina@example.com", 2),
        ],
        teams: Vec::new(),
        security: SecurityPolicy {
            reply_key: b"test key of sixteen+".to_vec(),
            trusted_authserv_ids: vec!["mx.example.com".into()],
        },
        templates,
        slas: Vec::new(),
        rules: Vec::new(),
        categories: Vec::new(),
        reports: Vec::new(),
        closed_raw_after: None,
        knowledge: KnowledgePolicy::default(),
        testing: TestingPolicy::default(),
    }
}

#[cfg(test)]
fn test_agent(id: &str, name: &str, address: &str, tier: u8) -> Agent {
    Agent {
        id: AgentId(id.into()),
        name: name.into(),
        addresses: vec![EmailAddress::parse(address).expect("valid")],
        tier: Tier(tier),
        teams: Vec::new(),
        language: None,
        notify: true,
        away: false,
    }
}

/// How often a scheduled report goes out, each at 08:00 in its desk's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// Each morning, for the day before.
    Day,
    /// Each Monday, for the week before (Monday to Sunday).
    Week,
    /// On the 1st, for the month before.
    Month,
}

/// `[reports.<name>]`: a report mailed on a schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledReport {
    /// The key in `[reports.<name>]`.
    pub name: String,
    /// Who gets it.
    pub to: Vec<Contact>,
    /// Only this desk, or every desk.
    pub desk: Option<DeskId>,
    /// How often.
    pub every: Every,
    /// The table's grouping (`agent`, `category`, `tier`, `priority`, `day`, `week`).
    pub by: String,
    /// The language of its text.
    pub language: Language,
}
