//! The `loket` command line: argument definitions and dispatch to one file per command.
//!
//! Exit codes follow sysexits: 0 ok, 64 bad usage, 65 bad input data, 66 no such ticket,
//! message or file, 70 internal error, 73 an output file that cannot be made, 74 output
//! that cannot be written, 75 temporary failure (an MTA retries the delivery), 78 a bad
//! config.

/// Prints a line to standard output like `println!`, except that a reader who went away
/// (`loket ticket list | head`) ends the command quietly with exit 0, as Unix tools do.
macro_rules! say {
    () => {
        $crate::cli::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::line(format_args!($($arg)*))
    };
}

mod check_config;
mod customer;
mod files;
mod fsck;
mod ingest;
mod output;
mod query;
mod report;
mod run;
mod search;

use crate::config::{self, Policy};
use crate::telemetry::{self, LogFormat};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Loket: an email-native helpdesk daemon.
#[derive(Debug, Parser)]
#[command(name = "loket", version, about)]
pub struct Args {
    /// Config file (default: $LOKET_CONFIG, ./config/loket.toml, /etc/loket/loket.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// How log lines are written to standard error.
    #[arg(long, global = true, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon: watch the spool, keep tickets, send mail.
    Run {
        /// Do all pending work once and exit (for tests and cron).
        #[arg(long)]
        once: bool,
    },
    /// Check the config file and print every problem with its key.
    CheckConfig,
    /// Read one message on standard input and put it safely into the spool (for MTA pipes).
    Ingest,
    /// Look at tickets.
    #[command(subcommand)]
    Ticket(TicketCommand),
    /// Look at messages that could not be processed.
    #[command(subcommand)]
    Quarantine(ListCommand),
    /// Look at outgoing mail and its delivery state.
    #[command(subcommand)]
    Outbox(ListCommand),
    /// Get a stored mail back, byte for byte.
    #[command(subcommand)]
    Message(MessageCommand),
    /// List the files of a ticket's mails, or get one back.
    #[command(subcommand)]
    Attachment(AttachmentCommand),
    /// One customer's tickets and service, or the right to be forgotten.
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// How a desk served its customers in a period: volumes, response and resolution
    /// times, SLA, reopenings, escalations, satisfaction, rising problems.
    Report(ReportArgs),
    /// Find tickets and articles by their words, in Indonesian or English.
    Search(SearchArgs),
    /// Build the search index again from the store.
    Reindex,
    /// Check that the store's records and its mail journal agree (stop the daemon first).
    Fsck {
        /// First take in mail that a crash left in the journal without a commit.
        #[arg(long)]
        repair: bool,
    },
}

/// `loket message ...`
#[derive(Debug, Subcommand)]
pub enum MessageCommand {
    /// Write message N of a ticket (from 1, as `ticket show` lists them) to standard
    /// output, exactly as it arrived.
    Raw {
        /// Ticket number.
        ticket: u64,
        /// Message number.
        number: usize,
    },
}

/// `loket attachment ...`
#[derive(Debug, Subcommand)]
pub enum AttachmentCommand {
    /// Every file of a ticket's mails: message number, index, name, type, size, sha256.
    List {
        /// Ticket number.
        ticket: u64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write one file's bytes to standard output, or to a new file with -o.
    Get {
        /// Ticket number.
        ticket: u64,
        /// Message number (from 1, as `ticket show` lists them).
        number: usize,
        /// The file's index in the message (from 1, as `attachment list` shows it).
        index: usize,
        /// Write to this file instead (never over an existing one).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// `loket ticket ...`
#[derive(Debug, Subcommand)]
pub enum TicketCommand {
    /// List tickets, all or those matching every filter given.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Which tickets.
        #[command(flatten)]
        filter: TicketFilter,
    },
    /// Show one ticket with its messages.
    Show {
        /// Ticket number.
        id: u64,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Filters of `loket ticket list`.
#[derive(Debug, Default, clap::Args)]
pub struct TicketFilter {
    /// Only tickets in this status: new, open, pending, resolved, closed.
    #[arg(long)]
    pub status: Option<String>,
    /// Only tickets at this tier (1, 2 or 3).
    #[arg(long)]
    pub tier: Option<u8>,
    /// Only tickets assigned to this agent (`none` for unassigned).
    #[arg(long)]
    pub assignee: Option<String>,
    /// Only tickets of this desk.
    #[arg(long)]
    pub desk: Option<String>,
    /// Only tickets of this team (`none` for tickets without one).
    #[arg(long)]
    pub team: Option<String>,
    /// Only tickets that missed an SLA target.
    #[arg(long)]
    pub breached: bool,
}

impl TicketFilter {
    /// Whether a ticket (as `ticket list --json` shows it) passes every filter given.
    pub fn admits(&self, ticket: &serde_json::Value) -> bool {
        let text = |key: &str| ticket[key].as_str().unwrap_or("").to_string();
        let assignee = match self.assignee.as_deref() {
            None => true,
            Some("none") => ticket["assignee"].is_null(),
            Some(agent) => text("assignee").eq_ignore_ascii_case(agent),
        };
        let team = match self.team.as_deref() {
            None => true,
            Some("none") => ticket["team"].is_null(),
            Some(team) => text("team") == team,
        };
        self.status
            .as_deref()
            .is_none_or(|s| text("status").eq_ignore_ascii_case(s))
            && self
                .tier
                .is_none_or(|t| ticket["tier"].as_u64() == Some(u64::from(t)))
            && self.desk.as_deref().is_none_or(|d| text("desk") == d)
            && assignee
            && team
            && (!self.breached || ticket["breached"] == serde_json::Value::Bool(true))
    }
}

/// `loket customer ...`
#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// A customer's tickets (by address) or an organisation's (by domain), with the
    /// service they got.
    Show {
        /// An address (budi@example.id) or a domain (example.id).
        who: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Erase a person's mails, addresses and names from every record and from the
    /// store's files, keeping the anonymous measurements (stop the daemon first).
    Forget {
        /// Their address.
        address: String,
    },
}

/// Arguments of `loket report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Only this desk (its calendar cuts the days).
    #[arg(long)]
    pub desk: Option<String>,
    /// First day, YYYY-MM-DD (default: 30 days before the end).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD, included (default: up to now).
    #[arg(long)]
    pub to: Option<String>,
    /// One row per agent, category, tier, priority, day or week.
    #[arg(long)]
    pub by: Option<String>,
    /// text, csv or json.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// The same as `--format json`, as for the other commands.
    #[arg(long)]
    pub json: bool,
    /// Language of the text: en or id (default: the desk's).
    #[arg(long)]
    pub language: Option<String>,
    /// Also draw the chart of each day (opened, resolved, first responses kept) into
    /// this new PNG file.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<std::path::PathBuf>,
}

/// Arguments of `loket search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// What to look for: words (any form: "mencetak" finds "cetak"), "a phrase",
    /// -not-this.
    #[arg(required_unless_present = "cluster")]
    pub words: Vec<String>,
    /// Instead: group the tickets opened lately by what they are about, with counts.
    #[arg(long, conflicts_with = "words")]
    pub cluster: bool,
    /// With --cluster: how far back (default 30d; 7d, 2weeks…).
    #[arg(long, requires = "cluster", value_name = "TIME")]
    pub since: Option<String>,
    /// Only this desk's tickets (and the articles).
    #[arg(long)]
    pub desk: Option<String>,
    /// Only tickets in this status (new, open, pending, resolved, closed), or `article`.
    #[arg(long)]
    pub status: Option<String>,
    /// Only tickets of this category.
    #[arg(long)]
    pub category: Option<String>,
    /// Only tickets opened on or after this day, YYYY-MM-DD.
    #[arg(long)]
    pub from: Option<String>,
    /// Most hits shown (default 10).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `loket quarantine list` and `loket outbox list`.
#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// List every entry.
    List {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// sysexits codes Loket uses.
pub mod exit {
    /// Bad arguments.
    pub const USAGE: u8 = 64;
    /// The input was not usable.
    pub const DATA: u8 = 65;
    /// What was asked for does not exist (no such ticket, message or file).
    pub const NO_INPUT: u8 = 66;
    /// The output file cannot be made (it exists, or the folder is not writable).
    pub const CANT_CREATE: u8 = 73;
    /// Internal error.
    pub const SOFTWARE: u8 = 70;
    /// Standard output cannot be written.
    pub const IO_ERROR: u8 = 74;
    /// The config is missing or invalid.
    pub const CONFIG: u8 = 78;
    /// Try again later.
    pub const TEMPFAIL: u8 = 75;
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => return usage_error(&e),
    };
    telemetry::init(args.log_format);
    private_files();
    telemetry::log_panics();
    let code = match args.command {
        Command::CheckConfig => check_config::run(args.config.as_deref()),
        Command::Ingest => ingest::run(args.config.as_deref()),
        Command::Run { once } => match private_config(args.config.as_deref()) {
            Ok(()) => with_policy(args.config.as_deref(), |p| run::run(p, once)),
            Err(code) => code,
        },
        Command::Ticket(command) => {
            with_policy(args.config.as_deref(), |p| query::ticket(p, command))
        }
        Command::Quarantine(ListCommand::List { json }) => {
            with_policy(args.config.as_deref(), |p| query::quarantine(p, json))
        }
        Command::Outbox(ListCommand::List { json }) => {
            with_policy(args.config.as_deref(), |p| query::outbox(p, json))
        }
        Command::Message(command) => {
            with_policy(args.config.as_deref(), |p| files::message(p, command))
        }
        Command::Attachment(command) => {
            with_policy(args.config.as_deref(), |p| files::attachment(p, command))
        }
        Command::Customer(command) => {
            with_policy(args.config.as_deref(), |p| customer::run(&p, command))
        }
        Command::Report(report) => {
            with_policy(args.config.as_deref(), |p| report::run(&p, &report))
        }
        Command::Search(search) => {
            with_policy(args.config.as_deref(), |p| search::run(&p, &search))
        }
        Command::Reindex => with_policy(args.config.as_deref(), |p| search::reindex(&p)),
        Command::Fsck { repair } => with_policy(args.config.as_deref(), |p| fsck::run(p, repair)),
    };
    ExitCode::from(code)
}

/// Prints clap's word on bad arguments (or the help and version it was asked for) and
/// returns 64, EX_USAGE, for a mistake; 0 for help and version.
fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let _ = error.print();
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => ExitCode::SUCCESS,
        _ => ExitCode::from(exit::USAGE),
    }
}

/// Refuses a config file that every user can read while it holds passwords.
fn private_config(explicit: Option<&std::path::Path>) -> Result<(), u8> {
    let Ok(path) = config::locate(explicit) else {
        return Ok(()); // `load` says what is missing.
    };
    match config::exposed_secrets(&path) {
        Some(why) => {
            eprintln!("loket: {why}");
            Err(exit::CONFIG)
        }
        None => Ok(()),
    }
}

/// Files and folders Loket creates (store, spool, journal, socket, outbox files) are
/// readable by its own user only (umask 077).
fn private_files() {
    // SAFETY: umask only sets the process's file mode mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Loads the config and runs `command` with it; an invalid config exits 78 with every problem.
fn with_policy(explicit: Option<&std::path::Path>, command: impl FnOnce(Policy) -> u8) -> u8 {
    match load(explicit) {
        Ok(policy) => command(policy),
        Err(code) => code,
    }
}

fn load(explicit: Option<&std::path::Path>) -> Result<Policy, u8> {
    let loaded = config::locate(explicit).and_then(|path| config::load(&path));
    loaded.map_err(|e| {
        for line in e.lines() {
            eprintln!("loket: {line}");
        }
        exit::CONFIG
    })
}

/// Prints an error chain on one line, ripgrep style, and returns the code.
fn fail(error: &anyhow::Error, code: u8) -> u8 {
    eprintln!("loket: {error:#}");
    code
}
