//! Whether a mail that claims to come from an agent really does.
//!
//! A From: header is easy to forge. An agent's mail is trusted when it answers a
//! notification that agent received: the notification's Reply-To carries a token
//! (`support+t42.andi.<mac>@example.com`) signed with the config's secret, and the reply
//! comes back to it. A DKIM or DMARC pass for the agent's domain, reported in an
//! `Authentication-Results` header by a server the config trusts, counts too; of the
//! headers that name a trusted server only the topmost is believed (RFC 8601 section 5:
//! the boundary adds its own on top and removes the copies that came from outside, so a
//! lower one with the same name was written by someone else).

use crate::mail::Mail;
use crate::types::{AgentId, EmailAddress, TicketId};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How an agent's mail was verified, or that it was not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verification {
    /// It was sent to the signed reply address of this ticket and agent.
    ReplyToken,
    /// A trusted server reported DKIM or DMARC pass for the agent's domain.
    AuthenticationResults,
    /// Neither: its commands are not executed.
    Unverified,
}

/// The reply address of a ticket for one agent: the desk address with a signed token.
pub fn reply_address(
    desk: &EmailAddress,
    ticket: TicketId,
    agent: &AgentId,
    key: &[u8],
) -> EmailAddress {
    let agent = agent.0.to_lowercase();
    let mac = mac(key, desk, ticket, &agent);
    let text = format!(
        "{}+t{}.{}.{}@{}",
        desk.local_part(),
        ticket,
        agent,
        mac,
        desk.domain()
    );
    EmailAddress::parse(&text).expect("a desk address with a plain suffix is an address")
}

/// The address a ticket's customers send their rating to: the desk address with a token
/// signed for the ticket (`support+r42.<mac>@example.com`), or the desk address itself
/// when the config has no key to sign with.
pub fn rating_address(desk: &EmailAddress, ticket: TicketId, key: &[u8]) -> EmailAddress {
    if key.is_empty() {
        return desk.clone();
    }
    // No agent id starts with `+`, so no agent's token can be a rating token.
    let mac = mac(key, desk, ticket, "+rating");
    let text = format!(
        "{}+r{}.{}@{}",
        desk.local_part(),
        ticket,
        mac,
        desk.domain()
    );
    EmailAddress::parse(&text).expect("a desk address with a plain suffix is an address")
}

/// Whether any recipient of `mail` is the signed reply address of `ticket` for `agent`.
pub fn has_reply_token(
    mail: &Mail,
    desk: &EmailAddress,
    ticket: TicketId,
    agent: &AgentId,
    key: &[u8],
) -> bool {
    if key.is_empty() {
        return false;
    }
    let expected = reply_address(desk, ticket, agent, key);
    mail.to
        .iter()
        .chain(&mail.cc)
        .any(|c| c.address == expected)
}

/// Whether a trusted server vouches for the sender's domain (DMARC pass for the From
/// domain, or DKIM pass with a signing domain equal to it).
pub fn authenticated(mail: &Mail, agent_address: &EmailAddress, trusted: &[String]) -> bool {
    let domain = agent_address.domain();
    believed(mail, trusted).any(|header| {
        passes(header, "dmarc", "header.from", domain) || passes(header, "dkim", "header.d", domain)
    })
}

/// The `Authentication-Results` headers Loket believes: for each trusted server, the
/// topmost one that names it.
fn believed<'a>(mail: &'a Mail, trusted: &'a [String]) -> impl Iterator<Item = &'a str> {
    trusted.iter().filter_map(|id| {
        mail.authentication_results
            .iter()
            .find(|header| authserv_id(header).eq_ignore_ascii_case(id))
            .map(String::as_str)
    })
}

/// How many `Authentication-Results` headers name a trusted server below its topmost
/// one: probable forgeries, never believed.
pub fn forged_results(mail: &Mail, trusted: &[String]) -> usize {
    trusted
        .iter()
        .map(|id| {
            let naming = mail
                .authentication_results
                .iter()
                .filter(|header| authserv_id(header).eq_ignore_ascii_case(id))
                .count();
            naming.saturating_sub(1)
        })
        .sum()
}

/// Decides how a mail from `agent_address` (agent `agent`) on `ticket` is verified.
pub fn verify(
    mail: &Mail,
    desk: &EmailAddress,
    ticket: TicketId,
    agent: &AgentId,
    agent_address: &EmailAddress,
    key: &[u8],
    trusted: &[String],
) -> Verification {
    if has_reply_token(mail, desk, ticket, agent, key) {
        Verification::ReplyToken
    } else if authenticated(mail, agent_address, trusted) {
        Verification::AuthenticationResults
    } else {
        Verification::Unverified
    }
}

fn mac(key: &[u8], desk: &EmailAddress, ticket: TicketId, agent: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(format!("{desk}\0{ticket}\0{agent}").as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..8])
}

/// The `authserv-id`: the first item of the header, before `;` (RFC 8601).
fn authserv_id(header: &str) -> &str {
    header
        .split(';')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .next()
        .unwrap_or("")
}

/// Whether one of the header's results is `method=pass` with `property=domain`.
fn passes(header: &str, method: &str, property: &str, domain: &str) -> bool {
    header.split(';').skip(1).any(|result| {
        let words: Vec<&str> = result.split_whitespace().collect();
        let passed = words
            .first()
            .is_some_and(|w| w.eq_ignore_ascii_case(&format!("{method}=pass")));
        let prefix = format!("{property}=");
        let matches = words.iter().any(|w| {
            w.to_lowercase()
                .strip_prefix(&prefix)
                .is_some_and(|d| d.trim_matches('@') == domain)
        });
        passed && matches
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::parse;

    const KEY: &[u8] = b"a key of sixteen bytes";

    fn desk() -> EmailAddress {
        EmailAddress::parse("support@example.com").expect("valid")
    }

    fn andi() -> AgentId {
        AgentId("andi".into())
    }

    fn andi_address() -> EmailAddress {
        EmailAddress::parse("andi@staff.example").expect("valid")
    }

    #[test]
    fn a_reply_to_the_signed_address_is_verified() {
        let address = reply_address(&desk(), TicketId(42), &andi(), KEY);
        assert!(address.as_str().starts_with("support+t42.andi."));
        let mail = parse(
            format!("From: andi@staff.example\r\nTo: Support <{address}>\r\n\r\nx\r\n").as_bytes(),
        );
        assert_eq!(
            verify(
                &mail,
                &desk(),
                TicketId(42),
                &andi(),
                &andi_address(),
                KEY,
                &[]
            ),
            Verification::ReplyToken
        );
    }

    #[test]
    fn a_token_for_another_ticket_or_agent_or_key_is_not_accepted() {
        let address = reply_address(&desk(), TicketId(41), &andi(), KEY);
        let mail =
            parse(format!("From: andi@staff.example\r\nTo: {address}\r\n\r\nx\r\n").as_bytes());
        assert_eq!(
            verify(
                &mail,
                &desk(),
                TicketId(42),
                &andi(),
                &andi_address(),
                KEY,
                &[]
            ),
            Verification::Unverified
        );
        let rina = AgentId("rina".into());
        assert_eq!(
            verify(
                &mail,
                &desk(),
                TicketId(41),
                &rina,
                &andi_address(),
                KEY,
                &[]
            ),
            Verification::Unverified
        );
        assert_eq!(
            verify(
                &mail,
                &desk(),
                TicketId(41),
                &andi(),
                &andi_address(),
                b"another key here!",
                &[]
            ),
            Verification::Unverified
        );
    }

    #[test]
    fn a_plain_mail_to_the_desk_is_unverified() {
        let mail = parse(b"From: andi@staff.example\r\nTo: support@example.com\r\n\r\n#close\r\n");
        assert_eq!(
            verify(
                &mail,
                &desk(),
                TicketId(42),
                &andi(),
                &andi_address(),
                KEY,
                &[]
            ),
            Verification::Unverified
        );
    }

    #[test]
    fn dmarc_or_dkim_pass_from_a_trusted_server_is_verified() {
        let trusted = vec!["mx.example.com".to_string()];
        let dmarc = parse(b"Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=staff.example; dmarc=pass (p=reject) header.from=staff.example\r\nFrom: andi@staff.example\r\n\r\nx\r\n");
        assert!(authenticated(&dmarc, &andi_address(), &trusted));
        let dkim = parse(b"Authentication-Results: mx.example.com;\r\n dkim=pass header.d=staff.example header.s=s1\r\nFrom: andi@staff.example\r\n\r\nx\r\n");
        assert!(authenticated(&dkim, &andi_address(), &trusted));
    }

    #[test]
    fn results_from_an_untrusted_server_or_another_domain_do_not_count() {
        let trusted = vec!["mx.example.com".to_string()];
        let forged = parse(b"Authentication-Results: evil.example; dmarc=pass header.from=staff.example\r\nFrom: andi@staff.example\r\n\r\nx\r\n");
        assert!(!authenticated(&forged, &andi_address(), &trusted));
        let other = parse(b"Authentication-Results: mx.example.com; dkim=pass header.d=evil.example\r\nFrom: andi@staff.example\r\n\r\nx\r\n");
        assert!(!authenticated(&other, &andi_address(), &trusted));
        let failed = parse(b"Authentication-Results: mx.example.com; dmarc=fail header.from=staff.example\r\nFrom: andi@staff.example\r\n\r\nx\r\n");
        assert!(!authenticated(&failed, &andi_address(), &trusted));
    }

    #[test]
    fn a_pass_below_the_boundarys_own_header_is_a_forgery_and_not_believed() {
        let trusted = vec!["mx.example.com".to_string()];
        // The boundary's own verdict on top says fail; the sender put a "pass" below.
        let forged = parse(
            b"Authentication-Results: mx.example.com; dmarc=fail header.from=staff.example\r\n\
Received: from evil.example by mx.example.com\r\n\
Authentication-Results: mx.example.com; dmarc=pass header.from=staff.example\r\n\
From: andi@staff.example\r\n\r\n#close\r\n",
        );
        assert!(!authenticated(&forged, &andi_address(), &trusted));
        assert_eq!(forged_results(&forged, &trusted), 1);
        // The boundary's pass on top is believed, whatever lies below it.
        let real = parse(
            b"Authentication-Results: mx.example.com; dmarc=pass header.from=staff.example\r\n\
Authentication-Results: mx.example.com; dmarc=fail header.from=staff.example\r\n\
From: andi@staff.example\r\n\r\nx\r\n",
        );
        assert!(authenticated(&real, &andi_address(), &trusted));
        let honest = parse(b"Authentication-Results: mx.example.com; dmarc=pass header.from=staff.example\r\nFrom: andi@staff.example\r\n\r\nx\r\n");
        assert_eq!(forged_results(&honest, &trusted), 0);
    }
}
