//! Raw config → checked `Policy`, collecting every problem at once.
//!
//! Each section is read on its own so that a mistake in one does not hide the
//! mistakes in the others; every problem names the key it concerns.

use super::policy::{Agent, Desk, IntakePolicy, Limits, Policy, SpoolPolicy, TransportPolicy};
use super::raw;
use crate::mail::parse::{Limits as FileLimits, DEFAULT_MAX_DEPTH, DEFAULT_MAX_PARTS};
use crate::secret::Secret;
use crate::templates::Templates;
use crate::types::Language;
use crate::types::{DeskId, EmailAddress};
use config::{Config, ConfigError};
use serde::de::DeserializeOwned;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One thing wrong with the config: the key it concerns and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted key path, e.g. `desk.support.address`.
    pub key: String,
    /// What is wrong and, where it helps, what to write instead.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, in_words(&self.message))
    }
}

const SECTIONS: [&str; 21] = [
    "store",
    "spool",
    "outbox",
    "control",
    "intake",
    "limits",
    "notify",
    "templates",
    "desk",
    "mailbox",
    "agent",
    "team",
    "security",
    "calendar",
    "sla",
    "rule",
    "category",
    "reports",
    "retention",
    "knowledge",
    "testing",
];

/// Turns a loaded config into a `Policy`, or returns every problem found.
/// Relative template paths are resolved against `config_dir`.
pub fn compile(cfg: &Config, config_dir: &Path) -> Result<Policy, Vec<Problem>> {
    let mut problems = unknown_sections(cfg);
    let store = required::<raw::Store>(cfg, "store", &mut problems);
    let spool = required::<raw::Spool>(cfg, "spool", &mut problems);
    let outbox = required::<raw::Outbox>(cfg, "outbox", &mut problems);
    let control = required::<raw::Control>(cfg, "control", &mut problems);
    let intake = optional::<raw::Intake>(cfg, "intake", &mut problems);
    let limits = optional::<raw::Limits>(cfg, "limits", &mut problems);
    let templates = required::<raw::Templates>(cfg, "templates", &mut problems);
    let calendars = sla::check_calendars(cfg, &mut problems);
    let teams = agents::check_teams(cfg, &mut problems);
    let notify = optional::<raw::Notify>(cfg, "notify", &mut problems);
    let attach_up_to =
        notify.and_then(|n| check_attach_up_to(n.attach_up_to, "notify", &mut problems));
    let defaults = DeskDefaults {
        attach_up_to: attach_up_to.unwrap_or(DEFAULT_ATTACH_UP_TO),
    };
    let desks = check_desks(cfg, &calendars, &teams, &defaults, &mut problems);
    let agents = agents::check_agents(cfg, &desks, &teams, &mut problems);
    let slas = sla::check_slas(cfg, &desks, &mut problems);
    let known = sla::Known {
        desks: &desks,
        teams: &teams,
        agents: &agents,
    };
    let rules = sla::check_rules(cfg, &known, &mut problems);
    check_priorities_have_slas(&rules, &slas, &mut problems);
    check_tiers_reach_the_last(&desks, &teams, &agents, &mut problems);
    let categories = categories::check_categories(cfg, &desks, &mut problems);
    categories::check_category_names(&categories, &rules, &slas, &mut problems);
    let reports = reports::check_reports(cfg, &desks, &mut problems);
    let retention = optional::<raw::Retention>(cfg, "retention", &mut problems);
    let closed_raw_after = retention
        .and_then(|r| r.closed_raw_after)
        .and_then(|text| keep(duration(&text, "retention.closed_raw_after"), &mut problems));
    let raw_knowledge = optional::<raw::Knowledge>(cfg, "knowledge", &mut problems);
    let replies = raw_knowledge
        .as_ref()
        .map(|k| knowledge::replies_folder(k, config_dir));
    let knowledge = raw_knowledge.and_then(|k| {
        let store = store.as_ref().map(|s| s.path.as_path());
        knowledge::check_knowledge(k, store, config_dir, &mut problems)
    });
    let testing = sla::check_testing(cfg, &mut problems);
    let security = agents::check_security(cfg, !agents.is_empty(), &mut problems);
    let mailboxes = servers::check_mailboxes(cfg, &desks, &mut problems);
    let retry_after = outbox
        .as_ref()
        .and_then(|o| servers::check_retry(o, &mut problems));
    let transport = outbox.and_then(|o| servers::check_transport(o, &mut problems));
    let poll = spool.as_ref().and_then(|s| check_poll(s, &mut problems));
    let intake = intake.and_then(|i| check_intake(i, &mut problems));
    let control_group = control
        .as_ref()
        .map(|c| check_group(c.group.as_deref(), &mut problems));
    let limits = limits.and_then(|l| check_limits(l, &mut problems));
    let variants: Vec<String> = rules
        .iter()
        .filter_map(|r| r.actions.acknowledgement.clone())
        .collect();
    let readers = Readers {
        desks: &desks,
        agents: &agents,
    };
    let templates = templates.and_then(|t| {
        let replies = replies.as_deref();
        load_templates(&t, config_dir, replies, &readers, &variants, &mut problems)
    });
    if !problems.is_empty() {
        return Err(one_word_per_name(cfg, problems));
    }
    let missing = "every section was read when there are no problems";
    Ok(Policy {
        store_path: store.expect(missing).path,
        spool: SpoolPolicy {
            path: spool.expect(missing).path,
            poll_interval: poll.expect(missing),
        },
        transport: transport.expect(missing),
        retry_after: retry_after.expect(missing),
        mailboxes,
        agents,
        teams,
        security: security.expect(missing),
        control_socket: control.as_ref().expect(missing).socket.clone(),
        control_group: control_group.expect(missing),
        intake: intake.expect(missing),
        limits: limits.expect(missing),
        desks,
        templates: templates.expect(missing),
        slas,
        rules,
        categories,
        reports,
        closed_raw_after,
        knowledge: knowledge.expect(missing),
        testing: testing.expect(missing),
    })
}

/// The value, or `None` with its problem recorded.
fn keep<T>(result: Result<T, Problem>, problems: &mut Vec<Problem>) -> Option<T> {
    result.map_err(|p| problems.push(p)).ok()
}

fn unknown_sections(cfg: &Config) -> Vec<Problem> {
    let root: std::collections::BTreeMap<String, config::Value> =
        cfg.clone().try_deserialize().unwrap_or_default();
    root.keys()
        .filter(|key| !SECTIONS.contains(&key.as_str()))
        .map(|key| Problem {
            key: key.clone(),
            message: format!("unknown section; expected one of: {}", SECTIONS.join(", ")),
        })
        .collect()
}

fn required<T: DeserializeOwned>(
    cfg: &Config,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match read(cfg, key, problems) {
        Read::Missing => {
            let message = format!("missing section [{key}]");
            problems.push(Problem {
                key: key.to_string(),
                message,
            });
            None
        }
        Read::Value(value) => Some(value),
        Read::Invalid => None,
    }
}

fn optional<T: DeserializeOwned + Default>(
    cfg: &Config,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match read(cfg, key, problems) {
        Read::Missing => Some(T::default()),
        Read::Value(value) => Some(value),
        Read::Invalid => None,
    }
}

/// What reading a section gave.
enum Read<T> {
    Missing,
    Value(T),
    Invalid,
}

/// Reads a section, reporting every unknown key in it (serde stops at the first, so each
/// one found is reported and removed, and the section is read again) before the first
/// other problem. The section is deserialised here rather than by `Config::get`, which
/// would replace the failing field's key with the section's.
fn read<T: DeserializeOwned>(cfg: &Config, key: &str, problems: &mut Vec<Problem>) -> Read<T> {
    let mut value = match cfg.get::<config::Value>(key) {
        Ok(value) => value,
        Err(ConfigError::NotFound(_)) => return Read::Missing,
        Err(e) => {
            problems.push(problem_from(key, e));
            return Read::Invalid;
        }
    };
    loop {
        let error = match T::deserialize(value.clone()) {
            Ok(parsed) => return Read::Value(parsed),
            Err(error) => problem_from(key, error),
        };
        let unknown = unknown_field(&error.message);
        let removed = unknown
            .as_deref()
            .and_then(|field| remove_key(&mut value, field));
        problems.push(error);
        if removed.is_none() {
            return Read::Invalid;
        }
    }
}

/// The name in serde's "unknown field `x`, expected …".
fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(rest.split('`').next()?.to_string())
}

/// Removes a key from a table value; `None` when there was no such key.
fn remove_key(value: &mut config::Value, field: &str) -> Option<()> {
    let mut table = value.clone().into_table().ok()?;
    table.shift_remove(field)?;
    *value = config::Value::new(None, config::ValueKind::Table(table));
    Some(())
}

/// Rewrites the config crate's error as (full key, message) without repeating the key.
fn problem_from(section: &str, error: ConfigError) -> Problem {
    let full = |inner: Option<String>| match inner {
        Some(inner) if !inner.is_empty() && inner != section => format!("{section}.{inner}"),
        _ => section.to_string(),
    };
    match error {
        ConfigError::Type {
            key,
            unexpected,
            expected,
            ..
        } => Problem {
            key: full(key),
            message: format!("expected {expected}, found {unexpected}"),
        },
        ConfigError::At { error, key, .. } => {
            let inner = problem_from(section, *error);
            let key = if key.is_some() { full(key) } else { inner.key };
            Problem {
                key,
                message: inner.message,
            }
        }
        other => Problem {
            key: section.to_string(),
            message: other.to_string(),
        },
    }
}

/// Once tiers are modelled with teams (a desk's team, and a team above tier 1), the chain
/// must reach the last tier: a ticket escalated to a tier with no team and no agent would
/// reach nobody.
fn check_tiers_reach_the_last(
    desks: &[Desk],
    teams: &[crate::config::policy::Team],
    agents: &[Agent],
    problems: &mut Vec<Problem>,
) {
    if !teams.iter().any(|t| t.tier.0 > 1) {
        return;
    }
    let last = crate::types::Tier::LAST.0;
    let missing: Vec<u8> = (1..=last)
        .filter(|tier| {
            !teams.iter().any(|t| t.tier.0 == *tier) && !agents.iter().any(|a| a.tier.0 == *tier)
        })
        .collect();
    if missing.is_empty() {
        return;
    }
    for desk in desks.iter().filter(|d| d.team.is_some()) {
        let tiers: Vec<String> = missing.iter().map(u8::to_string).collect();
        problems.push(Problem {
            key: format!("desk.{}", desk.id),
            message: format!(
                "no team or agent works at tier {}, so a ticket escalated there would reach \
                 nobody; add a [team.<name>] with tier = {} or give an agent that tier",
                tiers.join(" or "),
                missing[0]
            ),
        });
    }
}

/// A rule that sets a priority no SLA of its desk covers gives tickets without any
/// deadline, which is never what was meant (when there are SLAs at all).
fn check_priorities_have_slas(
    rules: &[crate::config::policy::Rule],
    slas: &[crate::config::policy::SlaPolicy],
    problems: &mut Vec<Problem>,
) {
    if slas.is_empty() {
        return;
    }
    for rule in rules {
        let Some(priority) = rule.actions.priority else {
            continue;
        };
        let covered = slas.iter().any(|sla| {
            let desk = match (&sla.desk, &rule.desk) {
                (None, _) => true,
                (Some(sla_desk), Some(rule_desk)) => sla_desk == rule_desk,
                (Some(_), None) => false,
            };
            desk && (sla.priorities.is_empty() || sla.priorities.contains(&priority))
        });
        if !covered {
            let mut listed: Vec<String> = Vec::new();
            for p in slas.iter().flat_map(|s| &s.priorities) {
                if !listed.contains(&p.to_string()) {
                    listed.push(p.to_string());
                }
            }
            problems.push(Problem {
                key: format!("rule.{}.priority", rule.id),
                message: format!(
                    "no SLA covers priority {priority}, so its tickets would get no deadline; \
                     the SLAs define {}: add {priority} to one, or pick one of those",
                    listed.join(", ")
                ),
            });
        }
    }
}

/// The problems with each unknown name (as `sla::known` says them) said once: a name that
/// several keys use is one problem listing them, and a name whose section exists (it has problems of its own,
/// already said) is no problem of the keys that use it.
fn one_word_per_name(cfg: &Config, problems: Vec<Problem>) -> Vec<Problem> {
    let pattern =
        regex::Regex::new(r#"^unknown \w+ "[^"]+"; add \[(\w+)\.([^\]]+)\] or fix the name$"#)
            .expect("a valid pattern");
    let mut out: Vec<Problem> = Vec::new();
    // Per unknown name: its section, the name, where its problem is, the other keys.
    let mut named: Vec<(String, String, usize, Vec<String>)> = Vec::new();
    for problem in problems {
        let Some(found) = pattern.captures(&problem.message) else {
            out.push(problem);
            continue;
        };
        let (section, name) = (found[1].to_string(), found[2].to_string());
        let defined = cfg
            .get_table(&section)
            .map(|t| t.contains_key(&name))
            .unwrap_or(false);
        if defined {
            continue;
        }
        match named
            .iter_mut()
            .find(|(s, n, _, _)| *s == section && *n == name)
        {
            Some((_, _, _, others)) => others.push(problem.key),
            None => {
                named.push((section, name, out.len(), Vec::new()));
                out.push(problem);
            }
        }
    }
    for (section, name, at, others) in named {
        let defined: Vec<String> = cfg
            .get_table(&section)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        let also = match others.is_empty() {
            true => String::new(),
            false => format!(" (also named by {})", others.join(", ")),
        };
        let known = match defined.is_empty() {
            true => String::new(),
            false => format!("; the {section}s are: {}", defined.join(", ")),
        };
        out[at].message = format!(
            "unknown {section} \"{name}\"{also}; add [{section}.{name}] or fix the name{known}"
        );
    }
    out
}

/// serde's messages said for people: `unknown variant `hgh`, expected one of `low`,
/// `high`` becomes `"hgh" is not one of: low, high`; other messages stay as they are.
fn in_words(message: &str) -> String {
    let ticked = |text: &str| -> Vec<String> {
        text.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    for (start, what) in [
        ("unknown variant `", "one of"),
        ("unknown field `", "a key here; the keys are"),
    ] {
        let Some(rest) = message.strip_prefix(start) else {
            continue;
        };
        let Some((given, expected)) = rest.split_once('`') else {
            continue;
        };
        let choices = ticked(expected);
        if choices.is_empty() {
            return format!("\"{given}\" is not {what} allowed here");
        }
        return format!("\"{given}\" is not {what}: {}", choices.join(", "));
    }
    if let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        let needed = match expected.trim() {
            "a sequence" => "a list, such as [\"a\", \"b\"]",
            "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" | "an integer" => {
                "a whole number, without quotes"
            }
            "a boolean" => "true or false, without quotes",
            "a string" => "text in quotes",
            other => other,
        };
        let found = found.replacen("string ", "the text ", 1);
        return format!("{found} is written here, where {needed} belongs");
    }
    // The config crate's own words for a value no variant has.
    if let Some((kind, given)) = message
        .strip_prefix("enum ")
        .and_then(|rest| rest.split_once(" does not have variant constructor "))
    {
        let choices = ENUM_CHOICES
            .iter()
            .find(|(name, _)| *name == kind)
            .map_or("", |(_, choices)| choices);
        return format!("\"{given}\" is not one of: {choices}");
    }
    message.to_string()
}

/// The values each enum of the config file takes, for `in_words`.
const ENUM_CHOICES: [(&str, &str); 6] = [
    ("DeskKind", "external, internal"),
    ("Security", "tls, starttls, plain"),
    ("ImapAuth", "login, plain"),
    ("Priority", "low, normal, high, urgent"),
    ("Language", "en, id"),
    ("Outbox", "file, smtp, sendmail"),
];

fn check_poll(spool: &raw::Spool, problems: &mut Vec<Problem>) -> Option<Duration> {
    let text = spool.poll_interval.as_deref().unwrap_or("500ms");
    duration(text, "spool.poll_interval")
        .map_err(|p| problems.push(p))
        .ok()
}

/// Reads a human duration such as `"500ms"`, `"30s"` or `"4h"`.
pub fn duration(text: &str, key: &str) -> Result<Duration, Problem> {
    humantime::parse_duration(text).map_err(|e| Problem {
        key: key.to_string(),
        message: format!("{e}: write a duration such as \"500ms\", \"30s\" or \"4h\""),
    })
}

fn check_intake(raw: raw::Intake, problems: &mut Vec<Problem>) -> Option<IntakePolicy> {
    let batch_size = at_least_one(raw.batch_size.unwrap_or(256), "intake.batch_size", problems);
    let attempts = at_least_one(
        raw.max_attempts.unwrap_or(3),
        "intake.max_attempts",
        problems,
    );
    let max_message_size = size_at_least(
        raw.max_message_size.as_deref(),
        DEFAULT_MAX_MESSAGE_SIZE,
        "intake.max_message_size",
        problems,
    );
    let max_attachment_size = size_at_least(
        raw.max_attachment_size.as_deref(),
        max_message_size.unwrap_or(DEFAULT_MAX_MESSAGE_SIZE),
        "intake.max_attachment_size",
        problems,
    );
    let max_parts = at_least_one(
        raw.max_parts.unwrap_or(DEFAULT_MAX_PARTS as u32),
        "intake.max_parts",
        problems,
    );
    let max_depth = at_least_one(
        raw.max_depth.unwrap_or(DEFAULT_MAX_DEPTH as u32),
        "intake.max_depth",
        problems,
    );
    Some(IntakePolicy {
        batch_size: batch_size? as usize,
        max_attempts: attempts?,
        max_message_size: max_message_size?,
        files: FileLimits {
            max_attachment_size: max_attachment_size?,
            max_parts: max_parts? as usize,
            max_depth: max_depth? as usize,
        },
    })
}

/// The id of `control.group`, which must exist on this machine.
fn check_group(name: Option<&str>, problems: &mut Vec<Problem>) -> Option<u32> {
    let name = name?;
    let gid = std::ffi::CString::new(name).ok().and_then(|c| {
        // SAFETY: getgrnam reads the group database; the pointer is read at once, before
        // any other call could reuse its static buffer.
        let group = unsafe { libc::getgrnam(c.as_ptr()) };
        (!group.is_null()).then(|| unsafe { (*group).gr_gid })
    });
    if gid.is_none() {
        problems.push(Problem {
            key: "control.group".into(),
            message: format!("there is no group named {name:?} on this machine"),
        });
    }
    gid
}

/// A size setting of the intake: `default` when absent, and at least 64 KiB.
fn size_at_least(
    text: Option<&str>,
    default: usize,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let message = match text.map(parse_size) {
        None => return Some(default),
        Some(Ok(size)) if size >= MIN_SIZE => return Some(size),
        Some(Ok(_)) => "must be at least 64 KiB; mail is rarely smaller".to_string(),
        Some(Err(message)) => message,
    };
    problems.push(Problem {
        key: key.into(),
        message,
    });
    None
}

/// The smallest size limit the intake accepts.
const MIN_SIZE: usize = 64 * 1024;

/// The largest mail taken in whole unless the config says otherwise: 25 MiB, what the
/// big mail services accept.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 25 * 1024 * 1024;

/// A size as people write it: "25 MiB", "25MB", "512 KiB", "1048576".
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: usize = number.parse().map_err(|_| {
        format!(
            "{text:?} is not a size; write it like \"25 MiB\", \"512 KiB\" or a number of bytes"
        )
    })?;
    let factor: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" | "bytes" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?}; use B, KiB, MiB or GiB"
            ))
        }
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("{text:?} is too large"))
}

fn check_limits(raw: raw::Limits, problems: &mut Vec<Problem>) -> Option<Limits> {
    let per_sender = raw.auto_replies_per_sender_per_hour.unwrap_or(3);
    let per_minute = raw.auto_replies_per_minute.unwrap_or(60);
    let per_minute = at_least_one(per_minute, "limits.auto_replies_per_minute", problems)?;
    Some(Limits {
        auto_replies_per_sender_per_hour: per_sender,
        auto_replies_per_minute: per_minute,
    })
}

fn at_least_one(value: u32, key: &str, problems: &mut Vec<Problem>) -> Option<u32> {
    if value == 0 {
        problems.push(Problem {
            key: key.into(),
            message: "must be at least 1".into(),
        });
        return None;
    }
    Some(value)
}

/// What a desk takes from the config's top level unless it says otherwise.
struct DeskDefaults {
    attach_up_to: usize,
}

/// The most bytes of files a notification carries unless the config says otherwise.
pub const DEFAULT_ATTACH_UP_TO: usize = 10 * 1024 * 1024;

/// `attach_up_to` of `[notify]` or of a desk (`section`): a size, 0 for none.
fn check_attach_up_to(
    text: Option<String>,
    section: &str,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    match parse_size(text.as_deref()?) {
        Ok(size) => Some(size),
        Err(message) => {
            problems.push(Problem {
                key: format!("{section}.attach_up_to"),
                message,
            });
            None
        }
    }
}

fn check_desks(
    cfg: &Config,
    calendars: &[(String, crate::calendar::Calendar)],
    teams: &[crate::config::policy::Team],
    defaults: &DeskDefaults,
    problems: &mut Vec<Problem>,
) -> Vec<Desk> {
    let team_ids: Vec<String> = teams.iter().map(|t| t.id.0.clone()).collect();
    let table = match cfg.get_table("desk") {
        Ok(table) if !table.is_empty() => table,
        Ok(_) | Err(ConfigError::NotFound(_)) => {
            let message = "no desk is configured: add a [desk.support] section".to_string();
            problems.push(Problem {
                key: "desk".into(),
                message,
            });
            return Vec::new();
        }
        Err(e) => {
            problems.push(problem_from("desk", e));
            return Vec::new();
        }
    };
    let desks: Vec<Desk> = table
        .keys()
        .filter_map(|id| check_desk(cfg, id, calendars, &team_ids, defaults, problems))
        .collect();
    check_unique_desks(&desks, problems);
    desks
}

fn check_desk(
    cfg: &Config,
    id: &str,
    calendars: &[(String, crate::calendar::Calendar)],
    team_ids: &[String],
    defaults: &DeskDefaults,
    problems: &mut Vec<Problem>,
) -> Option<Desk> {
    let key = format!("desk.{id}");
    if !is_plain_name(id) {
        let message = "desk names may hold only letters, digits, '-' and '_'".to_string();
        problems.push(Problem { key, message });
        return None;
    }
    let raw: raw::Desk = required(cfg, &key, problems)?;
    let before = problems.len();
    let address = check_address(&raw.address, &format!("{key}.address"), problems);
    let language = check_language(&raw.language, &format!("{key}.language"), problems);
    let comment_key = format!("{key}.comment_address");
    let comment_address = raw
        .comment_address
        .as_deref()
        .and_then(|a| check_address(a, &comment_key, problems));
    let reopen = raw.reopen_within.as_deref().unwrap_or("14d");
    let reopen_within = keep(duration(reopen, &format!("{key}.reopen_within")), problems);
    check_tag(&raw.tag, &key, problems);
    check_name(&raw.name, &key, problems);
    let links = sla::check_desk_links(&raw, &key, calendars, team_ids, problems);
    let attach_up_to = check_attach_up_to(raw.attach_up_to.clone(), &key, problems);
    if let Some(self_service) = raw.self_service {
        let at = format!("{key}.self_service.min_score");
        knowledge::check_likeness(self_service.min_score, &at, problems);
    }
    (problems.len() == before).then(|| {
        let links = links.expect("checked above");
        Desk {
            id: DeskId(id.to_string()),
            name: raw.name,
            address: address.expect("checked above"),
            tag: raw.tag,
            language: language.expect("checked above"),
            comment_address,
            reopen_within: reopen_within.expect("checked above"),
            calendar: links.calendar,
            lead: links.lead,
            staff_domains: links.staff_domains,
            team: links.team,
            attach_up_to: attach_up_to.unwrap_or(defaults.attach_up_to),
            require_steps: raw.require_steps.unwrap_or(false),
            ask_rating: raw.ask_rating.unwrap_or(true),
            ask_category: raw.ask_category.unwrap_or(false),
            self_service: raw.self_service.map(|s| s.min_score),
        }
    })
}

/// A mail address, or a problem naming the key.
fn check_address(text: &str, key: &str, problems: &mut Vec<Problem>) -> Option<EmailAddress> {
    let address = EmailAddress::parse(text);
    if address.is_none() {
        let message = format!("{text:?} is not a mail address such as support@example.com");
        problems.push(Problem {
            key: key.to_string(),
            message,
        });
    }
    address
}

/// A language Loket has templates for, or a problem naming the key.
fn check_language(code: &str, key: &str, problems: &mut Vec<Problem>) -> Option<Language> {
    let language = Language::parse(code);
    if language.is_none() {
        let message = format!("unknown language {code:?}; use \"en\" or \"id\"");
        problems.push(Problem {
            key: key.to_string(),
            message,
        });
    }
    language
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn check_tag(tag: &str, key: &str, problems: &mut Vec<Problem>) {
    let ok = !tag.is_empty() && tag.len() <= 16 && tag.chars().all(|c| c.is_ascii_alphanumeric());
    if !ok {
        let message = format!("tag {tag:?} must be 1 to 16 letters or digits, such as \"HD\"");
        problems.push(Problem {
            key: format!("{key}.tag"),
            message,
        });
    }
}

fn check_name(name: &str, key: &str, problems: &mut Vec<Problem>) {
    if name.trim().is_empty() || name.chars().any(char::is_control) {
        let message = "must be a non-empty name on one line".to_string();
        problems.push(Problem {
            key: format!("{key}.name"),
            message,
        });
    }
}

fn check_unique_desks(desks: &[Desk], problems: &mut Vec<Problem>) {
    for (i, desk) in desks.iter().enumerate() {
        let earlier = &desks[..i];
        if let Some(twin) = earlier.iter().find(|d| d.address == desk.address) {
            let message = format!(
                "address {} is already used by desk.{}",
                desk.address, twin.id
            );
            problems.push(Problem {
                key: format!("desk.{}.address", desk.id),
                message,
            });
        }
        if let Some(twin) = earlier
            .iter()
            .find(|d| d.tag.eq_ignore_ascii_case(&desk.tag))
        {
            let message = format!("tag {} is already used by desk.{}", desk.tag, twin.id);
            problems.push(Problem {
                key: format!("desk.{}.tag", desk.id),
                message,
            });
        }
    }
}

/// Who reads Loket's mails, and so in which languages templates are needed.
struct Readers<'a> {
    desks: &'a [Desk],
    agents: &'a [Agent],
}

impl Readers<'_> {
    /// Every language a desk or an agent reads.
    fn languages(&self) -> Vec<Language> {
        let desks = self.desks.iter().map(|d| d.language);
        let agents = self.agents.iter().filter_map(|a| a.language);
        let mut languages: Vec<Language> = Vec::new();
        for language in desks.chain(agents) {
            if !languages.contains(&language) {
                languages.push(language);
            }
        }
        languages
    }
}

fn load_templates(
    raw: &raw::Templates,
    config_dir: &Path,
    replies: Option<&Path>,
    readers: &Readers<'_>,
    variants: &[String],
    problems: &mut Vec<Problem>,
) -> Option<Templates> {
    let folder: PathBuf = config_dir.join(&raw.path);
    Templates::load(&folder, &readers.languages(), variants)
        .and_then(|t| match replies {
            Some(replies) => t.with_replies(replies),
            None => Ok(t),
        })
        .map_err(|errors| {
            for (file, message) in errors {
                let users = readers_of(readers, &file);
                problems.push(Problem {
                    key: users,
                    message,
                });
            }
        })
        .ok()
}

/// Names the desks and agents whose language needs this template file, for the
/// problem's key.
fn readers_of(readers: &Readers<'_>, file: &str) -> String {
    let needs = |language: Language| file.contains(&format!(".{}.", language.code()));
    let desks = readers
        .desks
        .iter()
        .filter(|d| needs(d.language))
        .map(|d| format!("desk.{}.language", d.id));
    let agents = readers
        .agents
        .iter()
        .filter(|a| a.language.is_some_and(needs))
        .map(|a| format!("agent.{}.language", a.id));
    let keys: Vec<String> = desks.chain(agents).collect();
    if keys.is_empty() {
        "templates.path".into()
    } else {
        keys.join(", ")
    }
}

#[path = "check/agents.rs"]
mod agents;
#[path = "check/categories.rs"]
mod categories;
#[path = "check/knowledge.rs"]
mod knowledge;
#[path = "check/reports.rs"]
mod reports;
#[path = "check/servers.rs"]
mod servers;
#[path = "check/sla.rs"]
mod sla;

#[cfg(test)]
#[path = "check/tests.rs"]
mod tests;
