//! Checks of the people sections: `[team.<id>]`, `[agent.<id>]` and `[security]`.

use super::*;
use crate::config::policy::{Agent, SecurityPolicy, Team};
use crate::types::{AgentId, TeamId};

/// The ids of every `[<section>.<id>]`, each checked to be a plain name.
pub(super) fn section_ids(cfg: &Config, section: &str, problems: &mut Vec<Problem>) -> Vec<String> {
    let table = match cfg.get_table(section) {
        Ok(table) => table,
        Err(ConfigError::NotFound(_)) => return Vec::new(),
        Err(e) => {
            problems.push(problem_from(section, e));
            return Vec::new();
        }
    };
    let (plain, odd): (Vec<String>, Vec<String>) =
        table.into_keys().partition(|id| is_plain_name(id));
    for id in odd {
        let message = format!("{section} names may hold only letters, digits, '-' and '_'");
        problems.push(Problem {
            key: format!("{section}.{id}"),
            message,
        });
    }
    plain
}

pub(super) fn check_teams(cfg: &Config, problems: &mut Vec<Problem>) -> Vec<Team> {
    let ids = section_ids(cfg, "team", problems);
    let read = |id: String, problems: &mut Vec<Problem>| {
        let key = format!("team.{id}");
        let raw: raw::Team = required(cfg, &key, problems)?;
        let (tier, assignment) = super::sla::check_team_work(&raw, &key, problems)?;
        Some(Team {
            id: TeamId(id),
            name: raw.name,
            tier,
            assignment,
        })
    };
    ids.into_iter()
        .filter_map(|id| read(id, problems))
        .collect()
}

pub(super) fn check_agents(
    cfg: &Config,
    desks: &[Desk],
    teams: &[Team],
    problems: &mut Vec<Problem>,
) -> Vec<Agent> {
    let agents: Vec<Agent> = section_ids(cfg, "agent", problems)
        .into_iter()
        .filter_map(|id| check_agent(cfg, id, teams, problems))
        .collect();
    check_unique_addresses(&agents, desks, problems);
    agents
}

fn check_agent(
    cfg: &Config,
    id: String,
    teams: &[Team],
    problems: &mut Vec<Problem>,
) -> Option<Agent> {
    let key = format!("agent.{id}");
    let raw: raw::Agent = required(cfg, &key, problems)?;
    let before = problems.len();
    let addresses: Vec<EmailAddress> = raw
        .addresses
        .iter()
        .filter_map(|a| check_address(a, &format!("{key}.addresses"), problems))
        .collect();
    if raw.addresses.is_empty() {
        let message = "give at least one address the agent writes from".to_string();
        problems.push(Problem {
            key: format!("{key}.addresses"),
            message,
        });
    }
    let tier = super::sla::check_tier(raw.tier.unwrap_or(1), &format!("{key}.tier"), problems);
    let team_ids = check_agent_teams(raw.teams.unwrap_or_default(), teams, &key, problems);
    let language = raw
        .language
        .and_then(|code| check_language(&code, &format!("{key}.language"), problems));
    check_name(&raw.name, &key, problems);
    (problems.len() == before).then(|| Agent {
        id: AgentId(id),
        name: raw.name,
        addresses,
        tier: tier.expect("checked above"),
        teams: team_ids,
        language,
        notify: raw.notify.unwrap_or(true),
        away: raw.away.unwrap_or(false),
    })
}

fn check_agent_teams(
    names: Vec<String>,
    teams: &[Team],
    key: &str,
    problems: &mut Vec<Problem>,
) -> Vec<TeamId> {
    let known: Vec<String> = teams.iter().map(|t| t.id.0.clone()).collect();
    let key = format!("{key}.teams");
    names
        .iter()
        .filter_map(|name| super::sla::known(name, &known, "team", &key, problems))
        .map(TeamId)
        .collect()
}

/// An address belongs to one agent and is never a desk's own address (mail from a desk
/// address is treated as automatic).
fn check_unique_addresses(agents: &[Agent], desks: &[Desk], problems: &mut Vec<Problem>) {
    for (i, agent) in agents.iter().enumerate() {
        for address in &agent.addresses {
            let key = format!("agent.{}.addresses", agent.id);
            if let Some(twin) = agents[..i].iter().find(|a| a.addresses.contains(address)) {
                problems.push(Problem {
                    key,
                    message: format!("{address} is already agent.{}'s address", twin.id),
                });
            } else if let Some(desk) = desks.iter().find(|d| &d.address == address) {
                problems.push(Problem {
                    key,
                    message: format!("{address} is desk.{}'s own address", desk.id),
                });
            }
        }
    }
}

pub(super) fn check_security(
    cfg: &Config,
    has_agents: bool,
    problems: &mut Vec<Problem>,
) -> Option<SecurityPolicy> {
    let raw: raw::SecuritySection = optional(cfg, "security", problems)?;
    if raw.secret.is_some() && raw.secret_env.is_some() {
        let message = "give either secret or secret_env, not both".to_string();
        problems.push(Problem {
            key: "security.secret".into(),
            message,
        });
        return None;
    }
    let secret = super::servers::secret("security", raw.secret, raw.secret_env, None, problems)?;
    let revealed = match secret.reveal() {
        Ok(key) => key.unwrap_or_default(),
        Err(message) => {
            problems.push(Problem {
                key: "security.secret_env".into(),
                message,
            });
            return None;
        }
    };
    if has_agents && revealed.len() < 16 {
        let message = "agents are configured: set a secret of at least 16 characters (security.secret or security.secret_env) to sign their reply addresses".to_string();
        problems.push(Problem {
            key: "security.secret".into(),
            message,
        });
        return None;
    }
    Some(SecurityPolicy {
        reply_key: revealed.into_bytes(),
        trusted_authserv_ids: raw.trusted_authserv_ids.unwrap_or_default(),
    })
}
