//! iCalendar text for on-site visits arranged by mail (iMIP, RFC 6047; iCalendar, RFC 5545):
//! writing the REQUEST and CANCEL objects Loket sends, reading the REPLY an attendee's
//! calendar sends back.
//!
//! Pure text in, text out: no I/O and no clock (the caller passes `DTSTAMP`). Only the
//! little of iCalendar that a visit needs is written; the reader takes what Thunderbird,
//! Outlook, Gmail and Apple Calendar send and ignores everything else.

use crate::types::{Contact, EmailAddress, Timestamp};

/// Longest content line, in octets, before it is folded (RFC 5545 §3.1).
const FOLD_OCTETS: usize = 75;

/// One on-site visit, as sent to its attendees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Globally unique id; every update and the cancellation of one visit reuse it.
    pub uid: String,
    /// Revision number: 0 first, raised by each update that attendees must see.
    pub sequence: u32,
    /// When this revision was written (`DTSTAMP`).
    pub stamp: Timestamp,
    /// When the visit starts.
    pub start: Timestamp,
    /// When the visit ends.
    pub end: Timestamp,
    /// One-line title shown in calendars.
    pub summary: String,
    /// Longer text: what will be done, what to prepare.
    pub description: String,
    /// Where the visit takes place; left out of the object when empty.
    pub location: String,
    /// Who invites: the desk, whose address receives the replies.
    pub organizer: Contact,
    /// Who is invited: the customer, the technician.
    pub attendees: Vec<Contact>,
}

/// The iCalendar object that invites the attendees (`METHOD:REQUEST`); also used for an
/// update, with a higher `sequence`.
pub fn request(inv: &Invitation) -> String {
    calendar(inv, Method::Request)
}

/// The iCalendar object that calls the visit off (`METHOD:CANCEL`, `STATUS:CANCELLED`);
/// `inv.sequence` should be higher than that of the last request sent.
pub fn cancel(inv: &Invitation) -> String {
    calendar(inv, Method::Cancel)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Request,
    Cancel,
}

fn calendar(inv: &Invitation, method: Method) -> String {
    let method_name = match method {
        Method::Request => "REQUEST",
        Method::Cancel => "CANCEL",
    };
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "PRODID:-//Loket//Loket helpdesk//EN".to_string(),
        "VERSION:2.0".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        format!("METHOD:{method_name}"),
    ];
    lines.extend(event(inv, method));
    lines.push("END:VCALENDAR".to_string());
    lines.iter().map(|line| fold(line)).collect()
}

/// The VEVENT's content lines, unfolded.
fn event(inv: &Invitation, method: Method) -> Vec<String> {
    let status = match method {
        Method::Request => "CONFIRMED",
        Method::Cancel => "CANCELLED",
    };
    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", text(&inv.uid)),
        format!("SEQUENCE:{}", inv.sequence),
        format!("DTSTAMP:{}", utc(inv.stamp)),
        format!("DTSTART:{}", utc(inv.start)),
        format!("DTEND:{}", utc(inv.end)),
        format!("SUMMARY:{}", text(&inv.summary)),
        format!("DESCRIPTION:{}", text(&inv.description)),
    ];
    if !inv.location.is_empty() {
        lines.push(format!("LOCATION:{}", text(&inv.location)));
    }
    lines.push(format!("STATUS:{status}"));
    lines.extend(people(inv, method));
    lines.push("END:VEVENT".to_string());
    lines
}

/// ORGANIZER and ATTENDEE lines; a request asks each attendee to answer.
fn people(inv: &Invitation, method: Method) -> Vec<String> {
    let params = match method {
        Method::Request => ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE",
        Method::Cancel => ";ROLE=REQ-PARTICIPANT",
    };
    let organizer = &inv.organizer;
    let organizer = format!("ORGANIZER{}:mailto:{}", cn(organizer), organizer.address);
    let attendees = inv
        .attendees
        .iter()
        .map(|a| format!("ATTENDEE{}{params}:mailto:{}", cn(a), a.address));
    std::iter::once(organizer).chain(attendees).collect()
}

/// `;CN=…`, the display name parameter, or nothing when the contact has no name.
fn cn(contact: &Contact) -> String {
    contact
        .name
        .as_deref()
        .map(param_value)
        .filter(|v| !v.is_empty())
        .map_or(String::new(), |v| format!(";CN={v}"))
}

/// A parameter value: DQUOTE and control characters dropped (they cannot be written in
/// one), quoted when it holds `;`, `:` or `,` (RFC 5545 §3.1, `param-value`).
fn param_value(raw: &str) -> String {
    let clean: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| *c != '"')
        .collect();
    let clean = clean.trim();
    if clean.contains([';', ':', ',']) {
        format!("\"{clean}\"")
    } else {
        clean.to_string()
    }
}

/// A TEXT value (RFC 5545 §3.3.11): `\`, `;`, `,` escaped, any line break written `\n`,
/// other control characters except tab dropped.
fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A UTC DATE-TIME: `YYYYMMDDTHHMMSSZ`.
fn utc(at: Timestamp) -> String {
    let min = jiff::Timestamp::MIN.as_second();
    let max = jiff::Timestamp::MAX.as_second();
    jiff::Timestamp::from_second(at.0.clamp(min, max))
        .expect("clamped into jiff's range")
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// One content line, folded at 75 octets without splitting a character, ending in CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 37 + 2);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > FOLD_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// An attendee's answer, as read from a `METHOD:REPLY` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartStat {
    /// Will come.
    Accepted,
    /// Will not come.
    Declined,
    /// Might come.
    Tentative,
    /// Any other participation status (`DELEGATED`, `NEEDS-ACTION`, an `X-` value), uppercased.
    Other(String),
}

/// An attendee's answer to an invitation, for the ticket to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The `UID` of the visit answered.
    pub uid: String,
    /// Who answered.
    pub attendee: EmailAddress,
    /// The answer.
    pub partstat: PartStat,
    /// A note written with the answer (`COMMENT`, or Apple's and Google's
    /// `X-RESPONSE-COMMENT` parameter), when there is one.
    pub comment: Option<String>,
}

/// Reads an attendee's answer from an iCalendar `METHOD:REPLY` object, as calendar programs
/// send it: folded with CRLF or LF, names and parameters in any case, quoted parameters.
///
/// `None` when the object is not a REPLY, or its first VEVENT has no UID or no ATTENDEE
/// with a PARTSTAT and a readable address. When the VEVENT names several attendees, the
/// first with a PARTSTAT is the one who answered.
pub fn read_reply(text: &str) -> Option<Reply> {
    if method(text)? != "REPLY" {
        return None;
    }
    let lines = unfold(text);
    let lines: Vec<ContentLine<'_>> = lines.iter().filter_map(|l| content_line(l)).collect();
    let event: Vec<&ContentLine<'_>> = in_component(&lines, &["VCALENDAR", "VEVENT"]).collect();
    let uid = unescape(event.iter().find(|l| l.is("UID"))?.value.trim());
    let attendee = event
        .iter()
        .filter(|l| l.is("ATTENDEE"))
        .find(|l| l.param("PARTSTAT").is_some())?;
    let comment = event
        .iter()
        .find(|l| l.is("COMMENT"))
        .map(|l| unescape(l.value))
        .or_else(|| attendee.param("X-RESPONSE-COMMENT").map(unescape))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    Some(Reply {
        uid: (!uid.is_empty()).then_some(uid)?,
        attendee: attendee_address(attendee)?,
        partstat: partstat(attendee.param("PARTSTAT")?),
        comment,
    })
}

/// The `METHOD` of an iCalendar object (`REQUEST`, `CANCEL`, `REPLY`…), uppercased, for
/// the `method` parameter of its `text/calendar` MIME type (RFC 6047 §2.4); `None` when
/// missing or not a plain token.
pub fn method(text: &str) -> Option<String> {
    let lines = unfold(text);
    let lines: Vec<ContentLine<'_>> = lines.iter().filter_map(|l| content_line(l)).collect();
    let method = in_component(&lines, &["VCALENDAR"]).find(|l| l.is("METHOD"))?;
    let method = method.value.trim().to_ascii_uppercase();
    let token = !method.is_empty()
        && method
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    token.then_some(method)
}

/// Content lines with folding undone: a line that starts with a space or tab continues the
/// one before it. Line ends may be CRLF or LF.
fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some(last)) => last.push_str(rest),
            _ => lines.push(raw.to_string()),
        }
    }
    lines
}

/// One unfolded line: `NAME;PARAM=VALUE;…:VALUE`.
struct ContentLine<'a> {
    name: &'a str,
    params: Vec<(&'a str, &'a str)>,
    value: &'a str,
}

impl ContentLine<'_> {
    fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The first value of a parameter, without its quotes.
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// Splits a content line; `None` when it has no `:`. Quoted parameter values may hold
/// `;`, `:` and `,`; of a list of values only the first is kept.
fn content_line(line: &str) -> Option<ContentLine<'_>> {
    let name_end = line.find([';', ':'])?;
    let name = line[..name_end].trim();
    let mut rest = &line[name_end..];
    let mut params = Vec::new();
    while let Some(after) = rest.strip_prefix(';') {
        let (param, remaining) = parameter(after)?;
        params.extend(param);
        rest = remaining;
    }
    let value = rest.strip_prefix(':')?;
    Some(ContentLine {
        name,
        params,
        value,
    })
}

/// One `NAME=VALUE[,VALUE…]` parameter and what follows it; a parameter without `=` is
/// skipped.
fn parameter(text: &str) -> Option<(Option<(&str, &str)>, &str)> {
    let name_end = text.find(['=', ';', ':'])?;
    let name = text[..name_end].trim();
    let Some(mut rest) = text[name_end..].strip_prefix('=') else {
        return Some((None, &text[name_end..]));
    };
    let mut first = None;
    loop {
        let (value, remaining) = match rest.strip_prefix('"') {
            Some(quoted) => {
                let end = quoted.find('"')?;
                (&quoted[..end], &quoted[end + 1..])
            }
            None => {
                let end = rest.find([',', ';', ':']).unwrap_or(rest.len());
                (rest[..end].trim(), &rest[end..])
            }
        };
        first = first.or(Some(value));
        match remaining.strip_prefix(',') {
            Some(next) => rest = next,
            None => return Some((first.map(|v| (name, v)), remaining)),
        }
    }
}

/// The lines directly inside the first component at `path` (e.g. the first VEVENT in the
/// VCALENDAR), not those of components nested in it (VALARM) nor of later siblings.
fn in_component<'l, 'a>(
    lines: &'l [ContentLine<'a>],
    path: &'l [&'l str],
) -> impl Iterator<Item = &'l ContentLine<'a>> + 'l {
    let mut stack: Vec<&str> = Vec::new();
    let mut done = false;
    lines.iter().filter(move |line| {
        if done {
            return false;
        }
        if line.is("BEGIN") {
            stack.push(line.value.trim());
            return false;
        }
        if line.is("END") {
            done = same_path(&stack, path);
            stack.pop();
            return false;
        }
        same_path(&stack, path)
    })
}

fn same_path(stack: &[&str], path: &[&str]) -> bool {
    stack.len() == path.len()
        && stack
            .iter()
            .zip(path)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
}

fn attendee_address(line: &ContentLine<'_>) -> Option<EmailAddress> {
    let from_value = strip_mailto(line.value.trim()).and_then(EmailAddress::parse);
    from_value.or_else(|| {
        let email = line.param("EMAIL")?;
        EmailAddress::parse(strip_mailto(email).unwrap_or(email))
    })
}

/// The address of a `mailto:` URI, the scheme in any case.
fn strip_mailto(uri: &str) -> Option<&str> {
    let scheme = uri.get(..7)?;
    scheme
        .eq_ignore_ascii_case("mailto:")
        .then(|| uri[7..].trim())
}

fn partstat(value: &str) -> PartStat {
    let value = value.trim().to_ascii_uppercase();
    match value.as_str() {
        "ACCEPTED" => PartStat::Accepted,
        "DECLINED" => PartStat::Declined,
        "TENTATIVE" => PartStat::Tentative,
        _ => PartStat::Other(value),
    }
}

/// A TEXT value as written: `\n` or `\N` a line break, `\\`, `\;`, `\,` the character.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(name: Option<&str>, address: &str) -> Contact {
        Contact {
            name: name.map(str::to_string),
            address: EmailAddress::parse(address).expect("valid address"),
        }
    }

    const DESCRIPTION: &str = "Teknisi kami, Andi, akan datang untuk memeriksa printer; mohon siapkan \
akses ke ruang server.\nCatatan: bawa kartu identitas (e-KTP) — satpam gedung mewajibkannya. Berkas log ada \
di C:\\Printer\\log.txt, kopi tersedia di kafe lantai dasar (café «Kopi Kenangan»).";

    fn visit() -> Invitation {
        Invitation {
            uid: "visit-42-1@loket.example.com".into(),
            sequence: 0,
            stamp: Timestamp(1_789_005_600),
            start: Timestamp(1_789_437_600),
            end: Timestamp(1_789_444_800),
            summary: "Kunjungan teknisi: printer lantai 3, ruang 301".into(),
            description: DESCRIPTION.into(),
            location: "PT Maju Jaya, Gedung A lt. 3, Jl. Jend. Sudirman No. 1, Jakarta".into(),
            organizer: contact(Some("Helpdesk Loket"), "support@example.com"),
            attendees: vec![
                contact(Some("Budi Santoso"), "budi@example.id"),
                contact(Some("Santoso, Siti \"IT\""), "siti@example.id"),
                contact(None, "andi@example.com"),
            ],
        }
    }

    const GOLDEN_REQUEST: &str = "\
BEGIN:VCALENDAR\r\n\
PRODID:-//Loket//Loket helpdesk//EN\r\n\
VERSION:2.0\r\n\
CALSCALE:GREGORIAN\r\n\
METHOD:REQUEST\r\n\
BEGIN:VEVENT\r\n\
UID:visit-42-1@loket.example.com\r\n\
SEQUENCE:0\r\n\
DTSTAMP:20260910T020000Z\r\n\
DTSTART:20260915T020000Z\r\n\
DTEND:20260915T040000Z\r\n\
SUMMARY:Kunjungan teknisi: printer lantai 3\\, ruang 301\r\n\
DESCRIPTION:Teknisi kami\\, Andi\\, akan datang untuk memeriksa printer\\; moh\r\n \
on siapkan akses ke ruang server.\\nCatatan: bawa kartu identitas (e-KTP) \r\n \
— satpam gedung mewajibkannya. Berkas log ada di C:\\\\Printer\\\\log.txt\\, \r\n \
kopi tersedia di kafe lantai dasar (café «Kopi Kenangan»).\r\n\
LOCATION:PT Maju Jaya\\, Gedung A lt. 3\\, Jl. Jend. Sudirman No. 1\\, Jakarta\r\n\
STATUS:CONFIRMED\r\n\
ORGANIZER;CN=Helpdesk Loket:mailto:support@example.com\r\n\
ATTENDEE;CN=Budi Santoso;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TR\r\n \
UE:mailto:budi@example.id\r\n\
ATTENDEE;CN=\"Santoso, Siti IT\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;R\r\n \
SVP=TRUE:mailto:siti@example.id\r\n\
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:andi@e\r\n \
xample.com\r\n\
END:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn request_matches_golden_text() {
        assert_eq!(request(&visit()), GOLDEN_REQUEST);
    }

    #[test]
    fn request_lines_fit_75_octets_and_unfold_to_the_escaped_values() {
        let text = request(&visit());
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        let lines: Vec<&str> = text
            .strip_suffix("\r\n")
            .expect("CRLF")
            .split("\r\n")
            .collect();
        assert!(lines
            .iter()
            .all(|l| l.len() <= FOLD_OCTETS && !l.contains('\n')));
        assert!(
            lines.iter().any(|l| l.starts_with(' ')),
            "nothing was folded"
        );
        let unfolded = unfold(&text);
        let description = unfolded
            .iter()
            .find_map(|l| l.strip_prefix("DESCRIPTION:"))
            .expect("has DESCRIPTION");
        assert_eq!(unescape(description), DESCRIPTION);
        assert!(description.contains("Teknisi kami\\, Andi\\, akan"));
        assert!(description.contains("printer\\; mohon"));
        assert!(description.contains("server.\\nCatatan"));
        assert!(description.contains("C:\\\\Printer\\\\log.txt"));
    }

    #[test]
    fn folding_never_splits_a_character() {
        let out = fold(&format!("X:{}", "é".repeat(80)));
        let lines: Vec<&str> = out.trim_end().split("\r\n").collect();
        assert_eq!(
            lines[0].len(),
            2 + 36 * 2,
            "74 octets: one more é would make 76"
        );
        assert!(lines.iter().all(|l| l.len() <= FOLD_OCTETS));
        assert_eq!(unfold(&out)[0], format!("X:{}", "é".repeat(80)));
    }

    #[test]
    fn display_name_parameter_is_quoted_only_when_needed() {
        assert_eq!(param_value("Budi Santoso"), "Budi Santoso");
        assert_eq!(param_value("Santoso, Budi"), "\"Santoso, Budi\"");
        assert_eq!(param_value("a;b:c"), "\"a;b:c\"");
        assert_eq!(param_value("Evil\"\r\nX:y"), "\"Evil  X:y\"");
        assert_eq!(cn(&contact(Some("\"\""), "a@b.c")), "");
    }

    #[test]
    fn request_parses_with_an_independent_parser() {
        use icalendar::parser::{read_calendar, unfold};
        let text = request(&visit());
        let unfolded = unfold(&text);
        let calendar = read_calendar(&unfolded).expect("icalendar reads our request");
        let method = calendar.properties.iter().find(|p| p.name == "METHOD");
        assert_eq!(method.map(|p| p.val.as_str()), Some("REQUEST"));
        assert_eq!(calendar.components.len(), 1);
        let event = &calendar.components[0];
        assert_eq!(event.name, "VEVENT");
        let value = |name: &str| event.find_prop(name).map(|p| p.val.as_str().to_string());
        assert_eq!(
            value("UID").as_deref(),
            Some("visit-42-1@loket.example.com")
        );
        assert_eq!(value("DTSTART").as_deref(), Some("20260915T020000Z"));
        assert_eq!(value("DTEND").as_deref(), Some("20260915T040000Z"));
        let description = event.find_prop("DESCRIPTION").expect("has DESCRIPTION");
        assert_eq!(
            description.val.clone().unescape_text().as_str(),
            DESCRIPTION
        );
        let organizer = event.find_prop("ORGANIZER").expect("has ORGANIZER");
        assert_eq!(organizer.val.as_str(), "mailto:support@example.com");
        let cn = organizer.params.iter().find(|p| p.key == "CN");
        assert_eq!(
            cn.and_then(|p| p.val.as_ref()).map(|v| v.as_str()),
            Some("Helpdesk Loket")
        );
        let attendees: Vec<_> = event
            .properties
            .iter()
            .filter(|p| p.name == "ATTENDEE")
            .collect();
        assert_eq!(attendees.len(), 3);
        assert_eq!(attendees[1].val.as_str(), "mailto:siti@example.id");
        let siti_cn = attendees[1].params.iter().find(|p| p.key == "CN");
        assert_eq!(
            siti_cn.and_then(|p| p.val.as_ref()).map(|v| v.as_str()),
            Some("Santoso, Siti IT")
        );
    }

    #[test]
    fn cancel_says_cancelled_with_the_given_sequence() {
        let mut inv = visit();
        inv.sequence = 2;
        inv.location.clear();
        let text = cancel(&inv);
        for line in [
            "METHOD:CANCEL\r\n",
            "SEQUENCE:2\r\n",
            "STATUS:CANCELLED\r\n",
            "ATTENDEE;CN=Budi Santoso;ROLE=REQ-PARTICIPANT:mailto:budi@example.id\r\n",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
        assert!(!text.contains("LOCATION"));
        assert!(!text.contains("RSVP"));
    }

    /// Thunderbird (Lightning) accepting, with a note; LF line ends, folded inside the address.
    const THUNDERBIRD_ACCEPTED: &str = "BEGIN:VCALENDAR\n\
PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\n\
VERSION:2.0\n\
METHOD:REPLY\n\
BEGIN:VTIMEZONE\n\
TZID:Asia/Jakarta\n\
BEGIN:STANDARD\n\
TZOFFSETFROM:+0700\n\
TZOFFSETTO:+0700\n\
TZNAME:WIB\n\
DTSTART:19700101T000000\n\
END:STANDARD\n\
END:VTIMEZONE\n\
BEGIN:VEVENT\n\
CREATED:20260910T020512Z\n\
LAST-MODIFIED:20260910T031544Z\n\
DTSTAMP:20260910T031544Z\n\
UID:visit-42-1@loket.example.com\n\
SUMMARY:Kunjungan teknisi: printer lantai 3\\, ruang 301\n\
ORGANIZER;CN=Helpdesk Loket:mailto:support@example.com\n\
ATTENDEE;RSVP=TRUE;CN=Budi Santoso;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:m\n \
ailto:budi@example.id\n\
DTSTART;TZID=Asia/Jakarta:20260915T090000\n\
DTEND;TZID=Asia/Jakarta:20260915T110000\n\
SEQUENCE:0\n\
COMMENT:Saya tunggu di lobi\\, lantai 1.\\nTerima kasih!\n\
X-MOZ-RECEIVED-SEQUENCE:0\n\
X-MOZ-RECEIVED-DTSTAMP:20260910T020000Z\n\
END:VEVENT\n\
END:VCALENDAR\n";

    #[test]
    fn thunderbird_reply_accepted_with_comment() {
        let reply = read_reply(THUNDERBIRD_ACCEPTED).expect("a reply");
        assert_eq!(reply.uid, "visit-42-1@loket.example.com");
        assert_eq!(reply.attendee.as_str(), "budi@example.id");
        assert_eq!(reply.partstat, PartStat::Accepted);
        assert_eq!(
            reply.comment.as_deref(),
            Some("Saya tunggu di lobi, lantai 1.\nTerima kasih!")
        );
        let crlf = THUNDERBIRD_ACCEPTED.replace('\n', "\r\n");
        assert_eq!(read_reply(&crlf), Some(reply));
    }

    /// Outlook (Exchange) answering "Tentative": CRLF, Windows time zone, uppercase MAILTO,
    /// quoted CN with a comma, COMMENT with a LANGUAGE parameter.
    const OUTLOOK_TENTATIVE: &str = "BEGIN:VCALENDAR\r\n\
METHOD:REPLY\r\n\
PRODID:Microsoft Exchange Server 2010\r\n\
VERSION:2.0\r\n\
BEGIN:VTIMEZONE\r\n\
TZID:SE Asia Standard Time\r\n\
BEGIN:STANDARD\r\n\
DTSTART:16010101T000000\r\n\
TZOFFSETFROM:+0700\r\n\
TZOFFSETTO:+0700\r\n\
END:STANDARD\r\n\
BEGIN:DAYLIGHT\r\n\
DTSTART:16010101T000000\r\n\
TZOFFSETFROM:+0700\r\n\
TZOFFSETTO:+0700\r\n\
END:DAYLIGHT\r\n\
END:VTIMEZONE\r\n\
BEGIN:VEVENT\r\n\
ATTENDEE;PARTSTAT=TENTATIVE;CN=\"Santoso, Siti\":MAILTO:Siti.Santoso@Example.CO\r\n \
.ID\r\n\
COMMENT;LANGUAGE=id-ID:Mungkin terlambat 15 menit.\\n\r\n\
SUMMARY;LANGUAGE=id-ID:Tentatif: Kunjungan teknisi: printer lantai 3\\, ruang\r\n  \
301\r\n\
DTSTART;TZID=SE Asia Standard Time:20260915T090000\r\n\
DTEND;TZID=SE Asia Standard Time:20260915T110000\r\n\
UID:visit-42-1@loket.example.com\r\n\
CLASS:PUBLIC\r\n\
PRIORITY:5\r\n\
DTSTAMP:20260910T040233Z\r\n\
TRANSP:OPAQUE\r\n\
STATUS:CONFIRMED\r\n\
SEQUENCE:0\r\n\
LOCATION;LANGUAGE=id-ID:PT Maju Jaya\\, Gedung A lt. 3\r\n\
X-MICROSOFT-CDO-APPT-SEQUENCE:0\r\n\
X-MICROSOFT-CDO-OWNERAPPTID:-1\r\n\
X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE\r\n\
X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY\r\n\
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE\r\n\
X-MICROSOFT-CDO-IMPORTANCE:1\r\n\
X-MICROSOFT-CDO-INSTTYPE:0\r\n\
X-MICROSOFT-DONOTFORWARDMEETING:FALSE\r\n\
X-MICROSOFT-DISALLOW-COUNTER:FALSE\r\n\
END:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn outlook_reply_tentative_with_uppercase_mailto() {
        let reply = read_reply(OUTLOOK_TENTATIVE).expect("a reply");
        assert_eq!(reply.uid, "visit-42-1@loket.example.com");
        assert_eq!(reply.attendee.as_str(), "siti.santoso@example.co.id");
        assert_eq!(reply.partstat, PartStat::Tentative);
        assert_eq!(
            reply.comment.as_deref(),
            Some("Mungkin terlambat 15 menit.")
        );
    }

    /// Google Calendar declining, with its note in the `X-RESPONSE-COMMENT` parameter
    /// (quoted, holding a comma), the ATTENDEE line folded inside a parameter.
    const GMAIL_DECLINED: &str = "BEGIN:VCALENDAR\r\n\
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n\
VERSION:2.0\r\n\
CALSCALE:GREGORIAN\r\n\
METHOD:REPLY\r\n\
BEGIN:VEVENT\r\n\
DTSTART:20260915T020000Z\r\n\
DTEND:20260915T040000Z\r\n\
DTSTAMP:20260910T050112Z\r\n\
ORGANIZER;CN=Helpdesk Loket:mailto:support@example.com\r\n\
UID:visit-42-1@loket.example.com\r\n\
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED;CN=Dewi L\r\n \
estari;X-NUM-GUESTS=0;X-RESPONSE-COMMENT=\"Maaf, saya cuti minggu itu\":mailt\r\n \
o:dewi.lestari@gmail.com\r\n\
CREATED:20260910T020512Z\r\n\
DESCRIPTION:Teknisi kami\\, Andi\\, akan datang.\r\n\
LAST-MODIFIED:20260910T050112Z\r\n\
LOCATION:PT Maju Jaya\\, Gedung A lt. 3\r\n\
SEQUENCE:0\r\n\
STATUS:CONFIRMED\r\n\
SUMMARY:Kunjungan teknisi: printer lantai 3\\, ruang 301\r\n\
TRANSP:OPAQUE\r\n\
END:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn gmail_reply_declined_with_response_comment() {
        let reply = read_reply(GMAIL_DECLINED).expect("a reply");
        assert_eq!(reply.attendee.as_str(), "dewi.lestari@gmail.com");
        assert_eq!(reply.partstat, PartStat::Declined);
        assert_eq!(reply.comment.as_deref(), Some("Maaf, saya cuti minggu itu"));
    }

    /// Apple Calendar style: lowercase parameter values, an `EMAIL` parameter, a VALARM
    /// inside the VEVENT whose lines must not be taken for the event's.
    const APPLE_ACCEPTED: &str = "BEGIN:VCALENDAR\r\n\
VERSION:2.0\r\n\
PRODID:-//Apple Inc.//macOS 15.5//EN\r\n\
METHOD:reply\r\n\
CALSCALE:GREGORIAN\r\n\
BEGIN:VEVENT\r\n\
BEGIN:VALARM\r\n\
UID:1C6E7A0E-0B7D-4F55-9E0A-alarm\r\n\
ACTION:DISPLAY\r\n\
TRIGGER:-PT15M\r\n\
END:VALARM\r\n\
attendee;cn=\"Rina\";cutype=individual;email=\"rina@example.id\";partstat=accepted:\r\n \
urn:uuid:5f1f8a2c-3c1d-4b8e-9a9e-2d0c6b7f1a10\r\n\
DTEND:20260915T040000Z\r\n\
DTSTAMP:20260910T060000Z\r\n\
DTSTART:20260915T020000Z\r\n\
SEQUENCE:0\r\n\
SUMMARY:Kunjungan teknisi\r\n\
uid:visit-42-1@loket.example.com\r\n\
END:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn apple_reply_with_lowercase_names_and_email_parameter() {
        let reply = read_reply(APPLE_ACCEPTED).expect("a reply");
        assert_eq!(reply.uid, "visit-42-1@loket.example.com");
        assert_eq!(reply.attendee.as_str(), "rina@example.id");
        assert_eq!(reply.partstat, PartStat::Accepted);
        assert_eq!(reply.comment, None);
    }

    #[test]
    fn method_is_read_uppercased_and_must_be_a_token() {
        assert_eq!(method(&request(&visit())).as_deref(), Some("REQUEST"));
        assert_eq!(method(&cancel(&visit())).as_deref(), Some("CANCEL"));
        assert_eq!(method(APPLE_ACCEPTED).as_deref(), Some("REPLY"));
        assert_eq!(
            method("BEGIN:VCALENDAR\r\nMETHOD:REQUEST; x=y\r\nEND:VCALENDAR\r\n"),
            None
        );
        assert_eq!(
            method("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"),
            None
        );
    }

    #[test]
    fn a_request_is_not_a_reply() {
        assert_eq!(read_reply(&request(&visit())), None);
        assert_eq!(read_reply(&cancel(&visit())), None);
    }

    #[test]
    fn reply_without_partstat_uid_or_attendee_is_none() {
        let no_partstat = GMAIL_DECLINED.replace("PARTSTAT=DECLINED;", "");
        assert_eq!(read_reply(&no_partstat), None);
        let no_uid = GMAIL_DECLINED.replace("UID:visit-42-1@loket.example.com\r\n", "");
        assert_eq!(read_reply(&no_uid), None);
        let no_attendee: String = GMAIL_DECLINED
            .split_inclusive("\r\n")
            .filter(|l| !l.starts_with("ATTENDEE") && !l.starts_with(' '))
            .collect();
        assert_eq!(read_reply(&no_attendee), None);
        assert_eq!(read_reply(""), None);
        assert_eq!(read_reply("not a calendar at all"), None);
    }

    #[test]
    fn other_participation_status_is_kept_uppercased() {
        let delegated = GMAIL_DECLINED.replace("PARTSTAT=DECLINED", "PARTSTAT=delegated");
        let reply = read_reply(&delegated).expect("a reply");
        assert_eq!(reply.partstat, PartStat::Other("DELEGATED".into()));
    }
}
