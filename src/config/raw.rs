//! The config file exactly as an admin writes it: serde structs, no logic.
//!
//! Every struct denies unknown keys so that a typo is reported instead of ignored.
//! Checking meaning (addresses, templates, paths) is `check.rs`'s job, not this file's.

use serde::Deserialize;
use std::path::PathBuf;

/// `[store]`: where the ticket store lives.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Store {
    /// Folder of the sled database.
    pub path: PathBuf,
}

/// `[spool]`: the Maildir that `loket ingest` writes and the daemon reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spool {
    /// Maildir folder (with `new/`, `cur/`, `tmp/`).
    pub path: PathBuf,
    /// How often the daemon looks for new files, e.g. `"500ms"`.
    #[serde(default)]
    pub poll_interval: Option<String>,
}

/// `[outbox]`: how outgoing mail leaves; the `transport` key picks the variant.
#[derive(Debug, Deserialize)]
#[serde(tag = "transport", rename_all = "lowercase", deny_unknown_fields)]
pub enum Outbox {
    /// Write each mail as an `.eml` file into a folder.
    File {
        /// Folder that receives the files.
        path: PathBuf,
        /// First pause before retrying a failed mail (then doubling, up to an hour).
        retry_after: Option<String>,
    },
    /// Hand each mail to an SMTP server.
    Smtp {
        /// Server host name or address.
        host: String,
        /// Server port (default 465 for tls, 587 for starttls, 25 for plain).
        port: Option<u16>,
        /// Connection security (default starttls).
        security: Option<Security>,
        /// Login name, when the server wants AUTH.
        user: Option<String>,
        /// Password written in the file.
        password: Option<String>,
        /// Environment variable holding the password.
        password_env: Option<String>,
        /// Shell command whose first output line is the password.
        password_command: Option<String>,
        /// Seconds to wait for the server (default "30s").
        timeout: Option<String>,
        /// First pause before retrying a failed mail (then doubling, up to an hour).
        retry_after: Option<String>,
    },
    /// Hand each mail to the local `sendmail` program.
    Sendmail {
        /// Path of the program (default: `sendmail` on the PATH).
        command: Option<PathBuf>,
        /// First pause before retrying a failed mail (then doubling, up to an hour).
        retry_after: Option<String>,
    },
}

/// `[control]`: the local socket through which the CLI talks to a running daemon.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// Path of the Unix socket.
    pub socket: PathBuf,
    /// A group whose members may use the socket too (it is then 0660).
    pub group: Option<String>,
}

/// `[intake]`: how the daemon takes in mail.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// Messages committed together before one flush to disk.
    pub batch_size: Option<u32>,
    /// Attempts at a message that fails before it is quarantined.
    pub max_attempts: Option<u32>,
    /// The largest mail taken in whole, e.g. "25 MiB"; of a larger one the first this many
    /// bytes are kept.
    pub max_message_size: Option<String>,
    /// The largest file taken from a mail, e.g. "10 MiB"; larger ones stay in the raw
    /// mail and are named on the ticket.
    pub max_attachment_size: Option<String>,
    /// The most MIME parts read of one mail.
    pub max_parts: Option<u32>,
    /// The deepest multipart nesting read of one mail.
    pub max_depth: Option<u32>,
}

/// `[notify]`: what notifications to agents carry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    /// The most bytes of a customer's files one notification carries, e.g. "10 MiB"; the
    /// rest are listed with the command that fetches them.
    pub attach_up_to: Option<String>,
}

/// `[retention]`: how long raw mail is kept.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// How long after a ticket is resolved its raw mail and attachments are kept, e.g.
    /// "365d" (default: for ever).
    pub closed_raw_after: Option<String>,
}

/// `[knowledge]`: the search index, canned replies and articles.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Knowledge {
    /// Folder of the search index (default: `index` beside the store's folder).
    pub index: Option<PathBuf>,
    /// Folder of canned replies, relative to the config file's folder (default `replies`).
    pub replies: Option<PathBuf>,
    /// Folder of articles, relative to the config file's folder (default `articles`).
    pub articles: Option<PathBuf>,
    /// Most solved tickets a new ticket's notification lists (default 3; 0: none).
    pub similar: Option<usize>,
    /// How alike (0 to 1) a solved ticket must be to be listed (default 0.3).
    pub similar_min: Option<f32>,
}

/// `[desk.<id>.self_service]`: answers a customer gets in the acknowledgement.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfService {
    /// How alike (0 to 1) an article or `#kb-candidate` ticket must be to be offered.
    pub min_score: f32,
}

/// `[limits]`: the brakes against mail loops and floods.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Automatic replies one address may receive per hour.
    pub auto_replies_per_sender_per_hour: Option<u32>,
    /// Automatic replies the whole daemon may send per minute.
    pub auto_replies_per_minute: Option<u32>,
}

/// `[templates]`: where the mail templates are.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// Folder of the templates, relative to the config file's folder.
    pub path: PathBuf,
}

/// `[desk.<id>]`: one support address and how it presents itself.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Desk {
    /// Name shown to customers, e.g. "Support".
    pub name: String,
    /// The support address customers write to.
    pub address: String,
    /// Subject tag prefix: `HD` gives `[HD #42]`.
    pub tag: String,
    /// Language of the desk's templates: `en` or `id`.
    pub language: String,
    /// Second address of the desk: whatever an agent sends there is an internal note.
    pub comment_address: Option<String>,
    /// How long after resolution a customer's mail reopens the ticket (default "14d").
    pub reopen_within: Option<String>,
    /// The `[calendar.<id>]` its SLA clocks count in (default: always open, UTC).
    pub calendar: Option<String>,
    /// The desk's lead, told of every escalation: `"Name <address>"` or an address.
    pub lead: Option<String>,
    /// `external` (customers of the business, the default) or `internal` (the company's staff).
    pub kind: Option<DeskKind>,
    /// For an internal desk: the domains its staff write from.
    pub domains: Option<Vec<String>>,
    /// The team that takes new tickets when no rule names one.
    pub team: Option<String>,
    /// The most bytes of a customer's files one notification carries, for this desk
    /// (default: `notify.attach_up_to`).
    pub attach_up_to: Option<String>,
    /// Whether a ticket closes only when every step of its procedure is done or skipped
    /// with a reason.
    pub require_steps: Option<bool>,
    /// Whether the resolution report asks the customer for a rating (default: yes).
    pub ask_rating: Option<bool>,
    /// Whether the acknowledgement of a ticket without a category asks the customer to
    /// reply with one (default: no).
    pub ask_category: Option<bool>,
    /// Offer a written answer in the acknowledgement (default: off).
    pub self_service: Option<SelfService>,
}

/// Who writes to a desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeskKind {
    /// The business's customers.
    External,
    /// The company's own staff, recognised by their domain.
    Internal,
}

/// `[calendar.<id>]`: working hours and holidays, for SLA clocks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// IANA time zone, e.g. "Asia/Jakarta".
    pub timezone: String,
    /// Hours of Monday to Friday, e.g. "08:00-12:00, 13:00-17:00" (a day's own key wins).
    pub weekdays: Option<String>,
    /// Hours of one day ("" or "closed" for none).
    pub monday: Option<String>,
    /// See `monday`.
    pub tuesday: Option<String>,
    /// See `monday`.
    pub wednesday: Option<String>,
    /// See `monday`.
    pub thursday: Option<String>,
    /// See `monday`.
    pub friday: Option<String>,
    /// See `monday`.
    pub saturday: Option<String>,
    /// See `monday`.
    pub sunday: Option<String>,
    /// Holidays: "MM-DD" every year, "YYYY-MM-DD" once.
    pub holidays: Option<Vec<String>>,
}

/// `[sla.<id>]`: response and resolution targets, counted in working time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    /// Only tickets of this desk (default: every desk).
    pub desk: Option<String>,
    /// Only tickets of these priorities (default: every priority).
    pub priority: Option<Vec<String>>,
    /// Only tickets of this category (default: every category).
    pub category: Option<String>,
    /// Time to the first agent reply, e.g. "4h".
    pub first_response: Option<String>,
    /// Time from a customer's mail to the agent's answer.
    pub next_response: Option<String>,
    /// Time to resolution.
    pub resolution: Option<String>,
    /// Share of a target, in percent, after which the assignee is warned (default 80).
    pub warn_at: Option<u8>,
    /// At tier 3, how often the lead is reminded of a breached target (default "4h").
    pub remind_every: Option<String>,
}

/// `[rule.<id>]`: a routing rule for new tickets, tried in file order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Only mail to this desk.
    pub desk: Option<String>,
    /// Senders: full addresses, or "*@domain" / "domain" for a whole organisation.
    pub from: Option<Vec<String>>,
    /// Regular expression the subject must match.
    pub subject: Option<String>,
    /// Regular expression the body text must match.
    pub body: Option<String>,
    /// Words of which one must appear in the subject or body (any case).
    pub keywords: Option<Vec<String>>,
    /// Header name → regular expression its value must match.
    pub headers: Option<std::collections::BTreeMap<String, String>>,
    /// Whether the mail must (true) or must not (false) carry attachments.
    pub has_attachment: Option<bool>,
    /// Sets the category.
    pub category: Option<String>,
    /// Sets the priority.
    pub priority: Option<String>,
    /// Sets the tier (1-3).
    pub tier: Option<u8>,
    /// Hands the ticket to a team.
    pub team: Option<String>,
    /// Assigns an agent.
    pub assign: Option<String>,
    /// Adds tags.
    pub tags: Option<Vec<String>>,
    /// Acknowledges with `acknowledgement-<name>.<language>.txt` instead of the usual one.
    pub acknowledgement: Option<String>,
    /// Go on with the next rules after this one matched (default false).
    #[serde(rename = "continue")]
    pub continue_after: Option<bool>,
}

/// `[testing]`: only test builds of loket accept this section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Testing {
    /// A file holding a number of seconds that is added to the system clock.
    pub clock_offset_file: Option<PathBuf>,
    /// A daemon task to start broken, to test that a dead task stops the daemon.
    pub fail_task: Option<String>,
    /// Milliseconds to wait between writing a batch to the journal and submitting it,
    /// so that a test's kill lands between the two.
    pub journal_pause_ms: Option<u64>,
    /// Milliseconds an IMAP mailbox waits between its last search and IDLE, so that a
    /// test's mail arrives in between.
    pub idle_pause_ms: Option<u64>,
}

/// `[team.<id>]`: a group of agents, such as the IT specialists at level 2.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// Name shown in notifications.
    pub name: String,
    /// The support level the team works at (default 1).
    pub tier: Option<u8>,
    /// How tickets are given to its members: "round-robin", "least-open" or "none".
    pub assignment: Option<String>,
}

/// `[agent.<id>]`: a person who answers tickets from their own mail client.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// Name shown to customers on the agent's replies.
    pub name: String,
    /// The addresses the agent writes from.
    pub addresses: Vec<String>,
    /// Support level: 1, 2 or 3 (default 1).
    pub tier: Option<u8>,
    /// Teams the agent belongs to.
    pub teams: Option<Vec<String>>,
    /// Language of the mails Loket sends the agent (default: the desk's).
    pub language: Option<String>,
    /// Whether the agent is told about new tickets at their tier (default true).
    pub notify: Option<bool>,
    /// Whether the agent is away (not notified, not assigned).
    pub away: Option<bool>,
}

/// `[security]`: how agents' mail is trusted.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySection {
    /// Key for the reply tokens in notification Reply-To addresses (at least 16 characters).
    pub secret: Option<String>,
    /// Environment variable holding that key.
    pub secret_env: Option<String>,
    /// `authserv-id`s of mail servers whose Authentication-Results headers are trusted.
    pub trusted_authserv_ids: Option<Vec<String>>,
}

/// How a connection to a mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Tls,
    /// Plain connection upgraded with STARTTLS (IMAP 143, submission 587).
    Starttls,
    /// No encryption: only for servers on the same machine.
    Plain,
}

/// How Loket logs in to an IMAP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImapAuth {
    /// The IMAP LOGIN command (every server has it).
    Login,
    /// SASL PLAIN through AUTHENTICATE (RFC 4616).
    Plain,
}

/// `[mailbox.<id>]`: one IMAP mailbox that Loket reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mailbox {
    /// The desk its mail goes to (default: the desk its mail is addressed to).
    pub desk: Option<String>,
    /// Server host name or address.
    pub host: String,
    /// Server port (default 993 for tls, 143 otherwise).
    pub port: Option<u16>,
    /// Connection security (default tls).
    pub security: Option<Security>,
    /// Login name.
    pub user: String,
    /// How to log in (default login).
    pub auth: Option<ImapAuth>,
    /// Password written in the file (prefer `password_env` or `password_command`).
    pub password: Option<String>,
    /// Environment variable holding the password.
    pub password_env: Option<String>,
    /// Shell command whose first output line is the password, run at each connect.
    pub password_command: Option<String>,
    /// Folder to read (default INBOX).
    pub folder: Option<String>,
    /// Folder to move processed mail into; without it, processed mail is marked \Seen.
    pub move_to: Option<String>,
    /// Use IMAP IDLE when the server has it (default true).
    pub idle: Option<bool>,
    /// Pause between polls when IDLE is off or missing (default "60s").
    pub poll_interval: Option<String>,
}

/// `[category.<name>]`: a kind of problem, with the procedure that handles it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Its name as people read it: `title.id` and `title.en`.
    pub title: Titles,
    /// The desks it belongs to (default: every desk).
    pub desks: Option<Vec<String>>,
    /// The priority a ticket of it starts with.
    pub priority: Option<String>,
    /// The tier a ticket of it starts at.
    pub tier: Option<u8>,
    /// The lowest tier that may close a ticket of it.
    pub close_tier: Option<u8>,
    /// The procedure: `steps.id = [...]` and `steps.en = [...]`, in order.
    pub steps: Option<Steps>,
    /// What the customer is asked for: `[category.<name>.field.<key>]`.
    pub field: Option<std::collections::BTreeMap<String, Field>>,
}

/// A text in Indonesian and English.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Titles {
    /// Indonesian.
    pub id: Option<String>,
    /// English.
    pub en: Option<String>,
}

/// A procedure's steps in Indonesian and English.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Steps {
    /// Indonesian.
    pub id: Option<Vec<String>>,
    /// English.
    pub en: Option<Vec<String>>,
}

/// One intake field a category asks for.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Its name as the customer reads it.
    pub title: Titles,
    /// Whether the ticket needs it.
    pub required: Option<bool>,
}

/// One or several addresses.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Addresses {
    /// `to = "Lead <lead@example.com>"`.
    One(String),
    /// `to = ["a@example.com", "b@example.com"]`.
    Many(Vec<String>),
}

/// `[reports.<name>]`: a report mailed on a schedule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Who gets it.
    pub to: Addresses,
    /// Only this desk (default: every desk).
    pub desk: Option<String>,
    /// `day`, `week` (Monday 08:00) or `month` (the 1st, 08:00).
    pub every: String,
    /// The table's grouping (default: by day).
    pub by: Option<String>,
    /// `en` or `id` (default: the desk's).
    pub language: Option<String>,
}
