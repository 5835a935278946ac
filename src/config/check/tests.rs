//! The config checker on literal TOML: every problem, each with its key.

use super::*;
use crate::config::policy::Security;
use config::{File, FileFormat};

fn compile_toml(text: &str) -> Result<Policy, Vec<Problem>> {
    let cfg = Config::builder()
        .add_source(File::from_str(text, FileFormat::Toml))
        .build()
        .expect("valid TOML");
    let config_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    compile(&cfg, &config_dir)
}

const BASE: &str = r#"
[store]
path = "var/store"
[spool]
path = "var/spool"
[outbox]
transport = "file"
path = "var/outbox"
[control]
socket = "var/loket.sock"
[templates]
path = "templates"
"#;

fn with_desks(desks: &str) -> String {
    format!("{BASE}\n{desks}")
}

fn keys(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.key.as_str()).collect()
}

#[test]
fn the_shipped_file_is_valid() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/loket.toml"))
        .expect("shipped config");
    let policy = compile_toml(&text).expect("valid");
    assert_eq!(policy.desks.len(), 1);
    assert_eq!(policy.limits.auto_replies_per_sender_per_hour, 3);
}

#[test]
fn every_problem_is_reported_at_once_with_its_key() {
    let text = with_desks(
        r#"
[limits]
auto_replies_per_minute = "lots"
[desk.support]
name = "Support"
address = "not an address"
tag = "HD"
language = "fr"
[desk.sales]
name = "Sales"
addres = "sales@example.com"
tag = "SL"
language = "en"
[colour]
x = 1
"#,
    );
    let problems = compile_toml(&text).expect_err("invalid");
    let keys = keys(&problems);
    for expected in [
        "colour",
        "limits.auto_replies_per_minute",
        "desk.support.address",
        "desk.support.language",
        "desk.sales",
    ] {
        assert!(
            keys.iter().any(|k| k.starts_with(expected)),
            "{expected} missing from {problems:#?}"
        );
    }
    let unknown = problems
        .iter()
        .find(|p| p.key.starts_with("desk.sales"))
        .expect("reported");
    assert!(unknown.message.contains("addres"), "{unknown}");
}

#[test]
fn desk_names_keep_their_case() {
    let text = with_desks(
        "[desk.Support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"id\"\n",
    );
    let policy = compile_toml(&text).expect("valid");
    assert_eq!(policy.desks[0].id.0, "Support");
}

#[test]
fn a_missing_template_names_the_desk_language() {
    let text = with_desks(
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n",
    )
    .replace("path = \"templates\"", "path = \"no-such-folder\"");
    let problems = compile_toml(&text).expect_err("invalid");
    assert!(
        keys(&problems)
            .iter()
            .all(|k| *k == "desk.support.language"),
        "{problems:#?}"
    );
    assert!(problems
        .iter()
        .any(|p| p.message.contains("acknowledgement.en.txt")));
    assert!(problems
        .iter()
        .any(|p| p.message.contains("notification.en.txt")));
}

#[test]
fn two_desks_cannot_share_an_address_or_a_tag() {
    let desk = |id: &str| {
        format!("[desk.{id}]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n")
    };
    let problems = compile_toml(&with_desks(&(desk("one") + &desk("two")))).expect_err("invalid");
    assert_eq!(keys(&problems), ["desk.two.address", "desk.two.tag"]);
}

#[test]
fn mailboxes_and_smtp_are_checked() {
    let text = with_desks(
        r#"
[desk.support]
name = "S"
address = "s@example.com"
tag = "HD"
language = "en"
[mailbox.main]
desk = "sales"
host = "127.0.0.1"
user = "s"
password = "x"
password_env = "Y"
poll_interval = "soon"
"#,
    )
    .replace(
        "transport = \"file\"\npath = \"var/outbox\"",
        "transport = \"smtp\"\nhost = \"127.0.0.1\"\nsecurity = \"plain\"\nuser = \"u\"",
    );
    let problems = compile_toml(&text).expect_err("invalid");
    assert_eq!(
        keys(&problems),
        [
            "mailbox.main.desk",
            "mailbox.main.password",
            "mailbox.main.poll_interval",
            "outbox.user"
        ],
        "{problems:#?}"
    );
}

#[test]
fn a_good_mailbox_gets_its_defaults() {
    let text = with_desks(
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n[mailbox.main]\nhost = \"127.0.0.1\"\nuser = \"s\"\npassword_env = \"P\"\n",
    );
    let policy = compile_toml(&text).expect("valid");
    let mailbox = &policy.mailboxes[0];
    assert_eq!(
        (
            mailbox.port,
            mailbox.security,
            mailbox.folder.as_str(),
            mailbox.idle
        ),
        (993, Security::Tls, "INBOX", true)
    );
}

const DESK: &str = "[desk.support]\nname = \"S\"\naddress = \"support@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n";

#[test]
fn agents_teams_and_the_secret_are_checked() {
    let text = with_desks(&format!(
        "{DESK}[team.it]\nname = \"IT\"\n\
         [agent.andi]\nname = \"Andi\"\naddresses = [\"andi@example.com\"]\ntier = 4\nteams = [\"sales\"]\n\
         [agent.budi]\nname = \"Budi\"\naddresses = [\"support@example.com\"]\n\
         [agent.cici]\nname = \"Cici\"\naddresses = [\"cici@example.com\"]\n\
         [agent.dedi]\nname = \"Dedi\"\naddresses = [\"Cici@example.com\"]\n"
    ));
    let problems = compile_toml(&text).expect_err("invalid");
    assert_eq!(
        keys(&problems),
        [
            "agent.andi.tier",
            "agent.andi.teams",
            "agent.budi.addresses",
            "agent.dedi.addresses",
            "security.secret"
        ],
        "{problems:#?}"
    );
}

#[test]
fn a_valid_agent_gets_defaults() {
    let text = with_desks(&format!(
        "{DESK}[team.it]\nname = \"IT\"\n[agent.rina]\nname = \"Rina\"\naddresses = [\"Rina@Example.com\"]\ntier = 2\nteams = [\"it\"]\n[security]\nsecret = \"0123456789abcdef\"\n"
    ));
    let policy = compile_toml(&text).expect("valid");
    let rina = &policy.agents[0];
    assert_eq!(rina.addresses[0].as_str(), "rina@example.com");
    assert_eq!((rina.tier.0, rina.notify, rina.away), (2, true, false));
    assert_eq!(rina.teams[0].0, "it");
    assert_eq!(policy.security.reply_key, b"0123456789abcdef");
    assert!(
        !format!("{:?}", policy.security).contains("0123456789abcdef"),
        "the key is never printed"
    );
}
