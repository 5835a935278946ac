//! Checks of the sections that reach mail servers: `[outbox]` and `[mailbox.<id>]`.

use super::*;
use crate::config::policy::{ImapAuth, MailboxPolicy, Security, SmtpPolicy};

pub(super) fn check_retry(outbox: &raw::Outbox, problems: &mut Vec<Problem>) -> Option<Duration> {
    let text = match outbox {
        raw::Outbox::File { retry_after, .. }
        | raw::Outbox::Smtp { retry_after, .. }
        | raw::Outbox::Sendmail { retry_after, .. } => retry_after.as_deref().unwrap_or("30s"),
    };
    keep(duration(text, "outbox.retry_after"), problems)
}

pub(super) fn check_transport(
    outbox: raw::Outbox,
    problems: &mut Vec<Problem>,
) -> Option<TransportPolicy> {
    match outbox {
        raw::Outbox::File { path, .. } => Some(TransportPolicy::File { path }),
        raw::Outbox::Sendmail { command, .. } => Some(TransportPolicy::Sendmail { command }),
        raw::Outbox::Smtp {
            host,
            port,
            security,
            user,
            password,
            password_env,
            password_command,
            timeout,
            ..
        } => {
            let security = security.unwrap_or(Security::Starttls);
            let secret = secret("outbox", password, password_env, password_command, problems)?;
            if user.is_some() != (secret != Secret::None) {
                let message = "set both user and a password (or neither)".to_string();
                problems.push(Problem {
                    key: "outbox.user".into(),
                    message,
                });
                return None;
            }
            let timeout = keep(
                duration(timeout.as_deref().unwrap_or("30s"), "outbox.timeout"),
                problems,
            )?;
            let port = port.unwrap_or(match security {
                Security::Tls => 465,
                Security::Starttls => 587,
                Security::Plain => 25,
            });
            Some(TransportPolicy::Smtp(SmtpPolicy {
                host,
                port,
                security,
                user,
                password: secret,
                timeout,
            }))
        }
    }
}

/// The one password source of a section; more than one is a problem.
pub(super) fn secret(
    section: &str,
    literal: Option<String>,
    env: Option<String>,
    command: Option<String>,
    problems: &mut Vec<Problem>,
) -> Option<Secret> {
    let sources = [
        literal.map(Secret::Literal),
        env.map(Secret::Env),
        command.map(Secret::Command),
    ];
    let mut given: Vec<Secret> = sources.into_iter().flatten().collect();
    if given.len() > 1 {
        let message = "give only one of password, password_env and password_command".to_string();
        problems.push(Problem {
            key: format!("{section}.password"),
            message,
        });
        return None;
    }
    let secret = given.pop().unwrap_or(Secret::None);
    if let Secret::Env(name) = &secret {
        if std::env::var_os(name).is_none() {
            problems.push(Problem {
                key: format!("{section}.password_env"),
                message: format!(
                    "the environment variable {name} is not set; set it where loket starts \
                     (for systemd: Environment= or EnvironmentFile=)"
                ),
            });
            return None;
        }
    }
    Some(secret)
}

pub(super) fn check_mailboxes(
    cfg: &Config,
    desks: &[Desk],
    problems: &mut Vec<Problem>,
) -> Vec<MailboxPolicy> {
    let table = match cfg.get_table("mailbox") {
        Ok(table) => table,
        Err(ConfigError::NotFound(_)) => return Vec::new(),
        Err(e) => {
            problems.push(problem_from("mailbox", e));
            return Vec::new();
        }
    };
    table
        .keys()
        .filter_map(|id| check_mailbox(cfg, id, desks, problems))
        .collect()
}

fn check_mailbox(
    cfg: &Config,
    id: &str,
    desks: &[Desk],
    problems: &mut Vec<Problem>,
) -> Option<MailboxPolicy> {
    let key = format!("mailbox.{id}");
    if !is_plain_name(id) {
        let message = "mailbox names may hold only letters, digits, '-' and '_'".to_string();
        problems.push(Problem { key, message });
        return None;
    }
    let raw: raw::Mailbox = required(cfg, &key, problems)?;
    let before = problems.len();
    let desk_ids: Vec<String> = desks.iter().map(|d| d.id.0.clone()).collect();
    let desk_key = format!("{key}.desk");
    let desk = raw
        .desk
        .and_then(|d| super::sla::known(&d, &desk_ids, "desk", &desk_key, problems))
        .map(DeskId);
    let password = secret(
        &key,
        raw.password,
        raw.password_env,
        raw.password_command,
        problems,
    );
    let poll = raw.poll_interval.as_deref().unwrap_or("60s");
    let poll_interval = keep(duration(poll, &format!("{key}.poll_interval")), problems);
    let security = raw.security.unwrap_or(Security::Tls);
    if problems.len() > before {
        return None;
    }
    Some(MailboxPolicy {
        id: id.to_string(),
        desk,
        port: raw
            .port
            .unwrap_or(if security == Security::Tls { 993 } else { 143 }),
        host: raw.host,
        security,
        user: raw.user,
        auth: raw.auth.unwrap_or(ImapAuth::Login),
        password: password?,
        folder: raw.folder.unwrap_or_else(|| "INBOX".into()),
        move_to: raw.move_to,
        idle: raw.idle.unwrap_or(true),
        poll_interval: poll_interval?,
    })
}
