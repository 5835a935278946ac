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

/// A template folder with the shipped templates of `languages` only, and `edit` applied.
fn template_folder(languages: &[&str], edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("a temp folder");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/templates");
    for entry in std::fs::read_dir(&shipped)
        .expect("shipped templates")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if languages
            .iter()
            .any(|l| name.ends_with(&format!(".{l}.txt")))
        {
            let text = std::fs::read_to_string(entry.path()).expect("read a template");
            std::fs::write(folder.path().join(&name), edit(&name, text)).expect("write");
        }
    }
    folder
}

#[test]
fn an_agent_whose_language_has_no_templates_is_named() {
    let folder = template_folder(&["id"], |_, text| text);
    let text = with_desks(
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"id\"\n\
         [agent.andi]\nname = \"Andi\"\naddresses = [\"andi@example.com\"]\nlanguage = \"en\"\n\
         [security]\nsecret = \"a test secret, 16+ characters\"\n",
    )
    .replace("path = \"templates\"", &format!("path = {:?}", folder.path()));
    let problems = compile_toml(&text).expect_err("English templates are missing");
    assert!(
        keys(&problems).iter().all(|k| *k == "agent.andi.language"),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("notification.en.txt")),
        "{problems:#?}"
    );
}

#[test]
fn a_template_with_an_unknown_variable_names_it() {
    let folder = template_folder(&["en"], |name, text| {
        if name == "notification.en.txt" {
            text.replace("{{ customer }}", "{{ custmer }}")
        } else {
            text
        }
    });
    let text = with_desks(
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n",
    )
    .replace("path = \"templates\"", &format!("path = {:?}", folder.path()));
    let problems = compile_toml(&text).expect_err("a misspelt variable");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].message.contains("notification.en.txt")
            && problems[0]
                .message
                .contains("unknown variable {{ custmer }}"),
        "{}",
        problems[0].message
    );
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
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n[mailbox.main]\nhost = \"127.0.0.1\"\nuser = \"s\"\npassword_env = \"HOME\"\n",
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

const ONE_DESK: &str = r#"
[desk.support]
name = "Support"
address = "support@example.com"
tag = "HD"
language = "id"
calendar = "jakarta"
lead = "Budi Santoso <budi@example.com>"
"#;

#[test]
fn calendars_slas_and_rules_are_read() {
    let text = with_desks(&format!(
        r#"{ONE_DESK}
[calendar.jakarta]
timezone = "Asia/Jakarta"
weekdays = "08:00-12:00, 13:00-17:00"
saturday = "08:00-12:00"
holidays = ["08-17", "2027-03-10"]
[team.it]
name = "IT"
tier = 2
assignment = "least-open"
[sla.standard]
priority = ["urgent", "tinggi"]
first_response = "4h"
[rule.network]
subject = "(?i)server down"
from = ["*@bigclient.co.id", "ceo@example.org"]
headers = {{ "X-Priority" = "^1" }}
team = "it"
priority = "urgent"
continue = true
"#
    ));
    let policy = compile_toml(&text).expect("valid");
    let desk = &policy.desks[0];
    assert_eq!(
        desk.lead.as_ref().map(|l| l.address.as_str()),
        Some("budi@example.com")
    );
    assert_eq!(policy.teams[0].tier, crate::types::Tier(2));
    assert_eq!(
        policy.teams[0].assignment,
        crate::config::policy::Assignment::LeastOpen
    );
    let sla = &policy.slas[0];
    assert_eq!(sla.first_response, Some(Duration::from_secs(4 * 3600)));
    assert_eq!(sla.warn_percent, 80);
    assert_eq!(sla.priorities.len(), 2);
    let rule = &policy.rules[0];
    assert!(rule.continue_after);
    assert_eq!(rule.from.len(), 2);
    assert_eq!(rule.headers[0].0, "x-priority");
    // Saturday 08:00 WIB + 1 h = 09:00 WIB (02:00 UTC): the saturday key was read.
    let saturday_8 = crate::types::Timestamp(1_796_432_400); // Sat 2026-12-05 01:00 UTC
    let deadline = desk
        .calendar
        .add(saturday_8, Duration::from_secs(3600))
        .expect("open");
    assert_eq!(deadline.0 - saturday_8.0, 3600);
}

#[test]
fn sla_sections_report_each_mistake_with_its_key() {
    let text = with_desks(
        r#"
[desk.support]
name = "Support"
address = "support@example.com"
tag = "HD"
language = "en"
calendar = "bandung"
lead = "not an address"
team = "nobody"
kind = "internal"
[calendar.jakarta]
timezone = "Asia/Jakart"
weekdays = "08:00-17"
holidays = ["17 Agustus"]
[sla.fast]
first_response = "soon"
warn_at = 120
priority = ["asap"]
[sla.empty]
desk = "sales"
[rule.broken]
subject = "(unclosed"
team = "ghosts"
assign = "nobody"
tier = 4
from = ["localhost"]
"#,
    );
    let problems = compile_toml(&text).expect_err("invalid");
    let keys = keys(&problems);
    for key in [
        "desk.support.calendar",
        "desk.support.lead",
        "desk.support.team",
        "desk.support.domains",
        "calendar.jakarta.timezone",
        "calendar.jakarta.weekdays",
        "calendar.jakarta.holidays",
        "sla.fast.first_response",
        "sla.fast.warn_at",
        "sla.fast.priority",
        "sla.empty.desk",
        "rule.broken.subject",
        "rule.broken.team",
        "rule.broken.assign",
        "rule.broken.tier",
        "rule.broken.from",
    ] {
        assert!(keys.contains(&key), "{key} missing from {problems:#?}");
    }
    let regex = problems
        .iter()
        .find(|p| p.key == "rule.broken.subject")
        .expect("found");
    assert!(
        regex.message.contains("invalid regular expression"),
        "{}",
        regex.message
    );
}

#[test]
fn an_sla_without_targets_and_a_rule_template_that_is_missing_are_reported() {
    let text = with_desks(&format!(
        r#"{ONE_DESK}
[calendar.jakarta]
timezone = "Asia/Jakarta"
weekdays = "08:00-17:00"
[sla.none]
category = "printer"
[rule.vip]
keywords = ["vip"]
acknowledgement = "vip"
"#
    ));
    let problems = compile_toml(&text).expect_err("invalid");
    let keys = keys(&problems);
    assert!(keys.contains(&"sla.none"), "{problems:#?}");
    let template = problems
        .iter()
        .find(|p| p.message.contains("acknowledgement-vip.id.txt"))
        .unwrap_or_else(|| panic!("missing template not reported: {problems:#?}"));
    assert!(!template.key.is_empty());
}

#[test]
fn test_builds_accept_a_clock_offset_file() {
    let text = format!(
        "{}\n[testing]\nclock_offset_file = \"var/clock\"\n",
        with_desks(ONE_DESK.replace("calendar = \"jakarta\"\n", "").as_str())
    );
    let policy = compile_toml(&text).expect("valid in test builds");
    assert_eq!(
        policy.testing.clock_offset_file.as_deref(),
        Some(Path::new("var/clock"))
    );
}

#[test]
fn sizes_read_as_people_write_them_and_a_bad_one_is_named() {
    assert_eq!(parse_size("25 MiB"), Ok(25 * 1024 * 1024));
    assert_eq!(parse_size("512KiB"), Ok(512 * 1024));
    assert_eq!(parse_size("1048576"), Ok(1_048_576));
    assert!(parse_size("25 parsecs")
        .unwrap_err()
        .contains("unknown unit"));
    let text = with_desks(
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n\
         [intake]\nmax_message_size = \"lots\"\n",
    );
    let problems = compile_toml(&text).expect_err("a bad size");
    assert_eq!(
        keys(&problems),
        ["intake.max_message_size"],
        "{problems:#?}"
    );
}

#[test]
fn intake_limits_default_and_each_bad_one_is_named() {
    const DESK: &str = "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n";
    let policy = compile_toml(&with_desks(DESK)).expect("valid");
    let files = policy.intake.files;
    assert_eq!(files.max_attachment_size, DEFAULT_MAX_MESSAGE_SIZE);
    assert_eq!((files.max_parts, files.max_depth), (1000, 50));
    let set = with_desks(&format!(
        "{DESK}[intake]\nmax_message_size = \"10 MiB\"\nmax_parts = 200\nmax_depth = 8\n"
    ));
    let files = compile_toml(&set).expect("valid").intake.files;
    assert_eq!(
        files.max_attachment_size,
        10 * 1024 * 1024,
        "a file is at most as large as its mail unless said otherwise"
    );
    assert_eq!((files.max_parts, files.max_depth), (200, 8));
    let bad = with_desks(&format!(
        "{DESK}[intake]\nmax_attachment_size = \"1 KiB\"\nmax_parts = 0\nmax_depth = 0\n"
    ));
    let problems = compile_toml(&bad).expect_err("three bad limits");
    assert_eq!(
        keys(&problems),
        [
            "intake.max_attachment_size",
            "intake.max_parts",
            "intake.max_depth"
        ],
        "{problems:#?}"
    );
}

#[test]
fn how_much_a_notification_carries_is_set_once_and_per_desk() {
    const DESK: &str = "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n";
    let small = "[desk.small]\nname = \"T\"\naddress = \"t@example.com\"\ntag = \"HT\"\nlanguage = \"id\"\nattach_up_to = \"1 MiB\"\n";
    let policy = compile_toml(&with_desks(DESK)).expect("valid");
    assert_eq!(policy.desks[0].attach_up_to, DEFAULT_ATTACH_UP_TO);
    let text = with_desks(&format!(
        "{DESK}{small}[notify]\nattach_up_to = \"2 MiB\"\n"
    ));
    let policy = compile_toml(&text).expect("valid");
    let by_desk = |id: &str| {
        policy
            .desks
            .iter()
            .find(|d| d.id.0 == id)
            .map(|d| d.attach_up_to)
    };
    assert_eq!(by_desk("support"), Some(2 * 1024 * 1024));
    assert_eq!(by_desk("small"), Some(1024 * 1024));
    let bad = with_desks(&format!(
        "{}[notify]\nattach_up_to = \"big\"\n",
        small.replace("1 MiB", "a lot")
    ));
    let problems = compile_toml(&bad).expect_err("two bad sizes");
    let mut found = keys(&problems);
    found.sort();
    assert_eq!(
        found,
        ["desk.small.attach_up_to", "notify.attach_up_to"],
        "{problems:#?}"
    );
}

#[test]
fn serde_words_are_said_for_people() {
    assert_eq!(
        in_words("unknown variant `hgh`, expected one of `low`, `normal`, `high`, `urgent`"),
        "\"hgh\" is not one of: low, normal, high, urgent"
    );
    assert_eq!(
        in_words("unknown variant `lead`, expected `round-robin` or `least-open`"),
        "\"lead\" is not one of: round-robin, least-open"
    );
    assert_eq!(
        in_words("unknown field `colour`, expected one of `name`, `address`"),
        "\"colour\" is not a key here; the keys are: name, address"
    );
    assert_eq!(in_words("something else"), "something else");
    assert_eq!(
        in_words("invalid type: string \"hgh\", expected a sequence"),
        "the text \"hgh\" is written here, where a list, such as [\"a\", \"b\"] belongs"
    );
    let text = with_desks(
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\nkind = \"extrnal\"\n",
    );
    let problems = compile_toml(&text).expect_err("a bad kind");
    let said = problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        said.contains("\"extrnal\" is not one of: external, internal"),
        "{said}"
    );
    assert!(!said.contains("variant"), "{said}");
}

#[test]
fn a_password_env_that_is_not_set_is_named() {
    let text = with_desks(
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n[mailbox.main]\nhost = \"127.0.0.1\"\nuser = \"s\"\npassword_env = \"LOKET_TEST_NEVER_SET\"\n",
    );
    let problems = compile_toml(&text).expect_err("an unset variable");
    assert_eq!(
        keys(&problems),
        ["mailbox.main.password_env"],
        "{problems:#?}"
    );
    assert!(problems[0]
        .message
        .contains("LOKET_TEST_NEVER_SET is not set"));
}

#[test]
fn an_unknown_name_is_said_once_with_every_key_that_uses_it() {
    let text = with_desks(
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n\
         [sla.std]\ndesk = \"suport\"\nfirst_response = \"1h\"\n\
         [rule.r1]\ndesk = \"suport\"\nsubject = \"x\"\npriority = \"urgent\"\n",
    );
    let problems = compile_toml(&text).expect_err("an unknown desk");
    assert_eq!(keys(&problems), ["sla.std.desk"], "{problems:#?}");
    let said = problems[0].to_string();
    assert!(said.contains("also named by rule.r1.desk"), "{said}");
    assert!(said.contains("the desks are: support"), "{said}");
}

#[test]
fn a_broken_team_is_not_also_an_unknown_one() {
    let text = with_desks(
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\nteam = \"front\"\n\
         [team.front]\nname = \"Front\"\ntier = 4\n",
    );
    let problems = compile_toml(&text).expect_err("a bad tier");
    assert_eq!(keys(&problems), ["team.front.tier"], "{problems:#?}");
}

#[test]
fn a_rule_priority_that_no_sla_covers_is_named() {
    let text = with_desks(
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\n\
         [sla.std]\npriority = [\"low\", \"normal\", \"high\"]\nfirst_response = \"1h\"\n\
         [rule.vip]\nfrom = [\"*@vip.example\"]\npriority = \"urgent\"\n",
    );
    let problems = compile_toml(&text).expect_err("urgent has no SLA");
    assert_eq!(keys(&problems), ["rule.vip.priority"], "{problems:#?}");
    assert!(
        problems[0].message.contains("define low, normal, high"),
        "{problems:#?}"
    );
    let fixed = text.replace("\"high\"]", "\"high\", \"urgent\"]");
    assert!(compile_toml(&fixed).is_ok());
}

#[test]
fn tiers_modelled_with_teams_must_reach_the_last_one() {
    let text = with_desks(
        "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"en\"\nteam = \"front\"\n\
         [team.front]\nname = \"Front\"\ntier = 1\n[team.senior]\nname = \"Senior\"\ntier = 2\n",
    );
    let problems = compile_toml(&text).expect_err("no tier 3");
    assert_eq!(keys(&problems), ["desk.support"], "{problems:#?}");
    assert!(problems[0].message.contains("tier 3"), "{problems:#?}");
    let fixed = format!("{text}[team.engineers]\nname = \"Engineers\"\ntier = 3\n");
    assert!(compile_toml(&fixed).is_ok());
    // One team at tier 1 and nothing else is a small desk, not a broken chain.
    let small = text.replace("[team.senior]\nname = \"Senior\"\ntier = 2\n", "");
    assert!(compile_toml(&small).is_ok());
}

const CATEGORY_DESK: &str =
    "[desk.support]\nname = \"S\"\naddress = \"s@example.com\"\ntag = \"HD\"\nlanguage = \"id\"\n";

#[test]
fn a_category_reads_with_its_procedure_and_fields() {
    let text = with_desks(&format!(
        "{CATEGORY_DESK}[category.printer]\ntitle.id = \"Printer\"\ntitle.en = \"Printer\"\ndesks = [\"support\"]\n\
         priority = \"high\"\nclose_tier = 2\n\
         steps.id = [\"Cek kertas\", \"Ganti toner\"]\nsteps.en = [\"Check the paper\", \"Replace the toner\"]\n\
         [category.printer.field.device]\ntitle.id = \"Tipe printer\"\ntitle.en = \"Printer model\"\nrequired = true\n\
         [category.vpn]\ntitle.en = \"VPN\"\n"
    ));
    let policy = compile_toml(&text).expect("valid");
    let printer = policy.category("printer").expect("printer");
    assert_eq!(printer.steps.len(), 2);
    assert_eq!(printer.steps[1].of(Language::Id), "Ganti toner");
    assert_eq!(printer.close_tier, Some(crate::types::Tier(2)));
    assert_eq!(printer.fields[0].key, "device");
    assert!(printer.fields[0].required);
    assert_eq!(printer.fields[0].title.of(Language::En), "Printer model");
    let vpn = policy.category("vpn").expect("vpn");
    assert_eq!(
        vpn.title.of(Language::Id),
        "VPN",
        "one title stands for both"
    );
}

#[test]
fn category_mistakes_are_named_and_rules_must_name_a_defined_one() {
    let text = with_desks(&format!(
        "{CATEGORY_DESK}[category.printer]\ntitle.en = \"Printer\"\ndesks = [\"suport\"]\n\
         steps.id = [\"Cek kertas\"]\nsteps.en = [\"Check the paper\", \"Replace the toner\"]\n\
         [category.vpn]\ntitle.en = \"VPN\"\n\
         [category.notitle]\ndesks = [\"support\"]\n\
         [rule.r1]\nsubject = \"toner\"\ncategory = \"priner\"\n"
    ));
    let problems = compile_toml(&text).expect_err("mistakes");
    let mut found = keys(&problems);
    found.sort();
    assert_eq!(
        found,
        [
            "category.notitle",
            "category.printer.desks",
            "category.printer.steps",
            "rule.r1.category"
        ],
        "{problems:#?}"
    );
}

#[test]
fn scheduled_reports_are_checked_key_by_key() {
    let desk = "[desk.support]\nname = \"S\"\naddress = \"support@example.com\"\ntag = \"HD\"\nlanguage = \"id\"\n";
    let good = with_desks(&format!(
        "{desk}[reports.weekly]\nto = [\"Lina <lina@example.com>\", \"boss@example.com\"]\ndesk = \"support\"\nevery = \"week\"\n"
    ));
    let policy = compile_toml(&good).expect("valid");
    let weekly = &policy.reports[0];
    assert_eq!(weekly.name, "weekly");
    assert_eq!(weekly.to.len(), 2);
    assert_eq!(weekly.by, "day", "by day unless said");
    assert_eq!(
        weekly.language,
        crate::types::Language::Id,
        "the desk's language"
    );
    let bad = with_desks(&format!(
        "{desk}[reports.weekly]\nto = \"not an address\"\ndesk = \"sales\"\nevery = \"fortnight\"\nby = \"colour\"\nlanguage = \"fr\"\n"
    ));
    let problems = compile_toml(&bad).expect_err("invalid");
    let mut found = keys(&problems);
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "reports.weekly.by",
            "reports.weekly.desk",
            "reports.weekly.every",
            "reports.weekly.language",
            "reports.weekly.to",
        ],
        "{problems:?}"
    );
}
