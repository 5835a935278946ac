//! Where the author's own words end and their sign-off begins: the `-- ` separator, a
//! mobile client's footer, a disclaimer, a closing ("Best regards,", "Salam,", "Hormat
//! saya,", "Terima kasih,") with the name and contact lines under it, or a bare name on
//! the last line.
//!
//! A thanks that is the message ("Thanks!", "Terima kasih banyak atas bantuannya, Pak.")
//! is not a closing: only a line that is nothing but a closing formula is, and only when
//! the author wrote something above it.

/// The index of the first signature line in `lines` (the new text, history already
/// removed), or `None` when the text ends with the author's own words. `author` is the
/// sender's display name, when known: a trailing line that starts with it is a sign-off.
pub fn start(lines: &[&str], author: Option<&str>) -> Option<usize> {
    let mut end = lines.len();
    // Footers and separators first: whatever a closing is looked for in lies above them.
    if let Some(at) = footer_start(lines) {
        end = at;
    }
    let body = &lines[..end];
    let Some(last) = last_content(body) else {
        // Nothing but the footer: all of it goes.
        return (end < lines.len()).then_some(end);
    };
    let signed = closing_start(body, last)
        .or_else(|| author.and_then(|name| name_block_start(body, last, name)))
        .or_else(|| bare_name(body, last));
    match signed {
        Some(at) => Some(at),
        None if end < lines.len() => Some(end),
        None => None,
    }
}

/// The first line of what software or habit appends below every mail: the `-- `
/// separator, a mobile footer, a disclaimer.
fn footer_start(lines: &[&str]) -> Option<usize> {
    let dash = lines
        .iter()
        .rposition(|l| *l == "-- " || l.trim_end() == "--");
    let footer = lines
        .iter()
        .position(|l| is_mobile_footer(l) || is_disclaimer(l));
    match (dash, footer) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// "Sent from my iPhone", "Dikirim dari iPhone saya", "Get Outlook for Android", and the
/// Samsung, Yahoo and Huawei variants: short lines a client writes, not the author.
fn is_mobile_footer(line: &str) -> bool {
    let line = line.trim().trim_end_matches('.').to_lowercase();
    let words = line.split_whitespace().count();
    if words == 0 || words > 9 {
        return false;
    }
    [
        "sent from my ",
        "sent from yahoo mail",
        "sent from outlook",
        "sent from mail for windows",
        "sent from samsung",
        "sent via ",
        "sent with ",
        "get outlook for ",
        "dapatkan outlook untuk ",
        "dikirim dari ",
        "dikirim melalui ",
        "dikirim menggunakan ",
        "kirim dari ",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

/// The first line of a confidentiality notice.
fn is_disclaimer(line: &str) -> bool {
    let line = line.trim().trim_start_matches(['*', '_']).to_lowercase();
    [
        "confidentiality notice",
        "confidential:",
        "disclaimer:",
        "disclaimer :",
        "this email and any attachments",
        "this e-mail and any attachments",
        "this email is confidential",
        "this message is confidential",
        "this message and any attachments",
        "the information contained in this",
        "email ini bersifat rahasia",
        "e-mail ini bersifat rahasia",
        "email ini dan lampirannya",
        "e-mail ini dan lampirannya",
        "pesan ini bersifat rahasia",
        "informasi dalam email ini",
        "informasi yang terkandung dalam",
        "perhatian: email ini",
        "pemberitahuan kerahasiaan",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

/// Closing formulas in English and Indonesian, lowercased, without their trailing comma.
const CLOSINGS: &[&str] = &[
    "best regards",
    "kind regards",
    "warm regards",
    "warmest regards",
    "best wishes",
    "regards",
    "rgds",
    "br",
    "best",
    "all the best",
    "cheers",
    "thanks",
    "thanks again",
    "thanks in advance",
    "thanks a lot",
    "many thanks",
    "thank you",
    "thank you very much",
    "thank you in advance",
    "thx",
    "sincerely",
    "yours sincerely",
    "sincerely yours",
    "yours truly",
    "yours faithfully",
    "respectfully",
    "with thanks",
    "salam",
    "salam hangat",
    "salam sejahtera",
    "salam hormat",
    "hormat saya",
    "hormat kami",
    "terima kasih",
    "terimakasih",
    "terima kasih banyak",
    "terima kasih sebelumnya",
    "terima kasih atas perhatiannya",
    "terima kasih atas bantuannya",
    "terima kasih atas kerjasamanya",
    "terima kasih atas kerja samanya",
    "makasih",
    "trims",
    "tks",
    "wassalam",
    "wassalamualaikum",
    "wassalamu'alaikum",
    "wassalamu'alaikum wr. wb",
    "wassalamualaikum wr. wb",
    "wassalamu'alaikum warahmatullahi wabarakatuh",
    "salam dan terima kasih",
    "sukses selalu",
];

/// The closing line at the end of `body` (at or above its last content line `last`),
/// when only a short sign-off block follows it and the author wrote something above.
fn closing_start(body: &[&str], last: usize) -> Option<usize> {
    // A closing sits among the last lines: a name, a title, a company, phones, an address.
    let earliest = last.saturating_sub(12);
    let at = (earliest..=last).rev().find(|&i| is_closing(body[i]))?;
    let below_ok = body[at + 1..=last]
        .iter()
        .all(|l| l.trim().chars().count() <= 100);
    let wrote_above = body[..at].iter().any(|l| !l.trim().is_empty());
    (below_ok && wrote_above).then_some(at)
}

fn is_closing(line: &str) -> bool {
    let line = line.trim();
    // "Thanks!" ends a sentence the author meant; "Thanks," or "Thanks" opens a sign-off.
    if line.ends_with('!') || line.ends_with('?') {
        return false;
    }
    let formula = line
        .trim_end_matches([',', '.', ';', ' '])
        .trim_start_matches(['-', '–', ' '])
        .to_lowercase();
    let formula = formula.split_whitespace().collect::<Vec<_>>().join(" ");
    CLOSINGS.contains(&formula.as_str())
}

/// A trailing block that starts with the author's name: "Budi" or "Budi Santoso" on a
/// line of its own, with at most a few short lines (title, company, phone) below.
fn name_block_start(body: &[&str], last: usize, author: &str) -> Option<usize> {
    let first_name = author.split_whitespace().next()?.to_lowercase();
    if first_name.chars().count() < 2 {
        return None;
    }
    let earliest = last.saturating_sub(6);
    let at = (earliest..=last).find(|&i| {
        let line = body[i]
            .trim()
            .trim_start_matches(['-', '–', '~', ' '])
            .to_lowercase();
        let words = line.split_whitespace().count();
        (1..=4).contains(&words)
            && line.split_whitespace().next() == Some(first_name.as_str())
            && !line.ends_with(['.', '?', '!', ':'])
    })?;
    let wrote_above = body[..at].iter().any(|l| !l.trim().is_empty());
    let short_below = body[at + 1..=last]
        .iter()
        .all(|l| l.trim().chars().count() <= 80);
    (wrote_above && short_below).then_some(at)
}

/// A last line that is only a name ("Budi", "- Rina", "Andi S."), under the text.
fn bare_name(body: &[&str], last: usize) -> Option<usize> {
    let line = body[last].trim();
    let name = line.trim_start_matches(['-', '–', '~']).trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    let looks_like_name = (1..=3).contains(&words.len())
        && name.chars().count() <= 30
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || c == '.' || c == '\'')
        })
        && !(words.len() == 1 && name.ends_with('.'));
    let wrote_above = body[..last].iter().any(|l| !l.trim().is_empty());
    (looks_like_name && wrote_above && !is_greeting_word(name)).then_some(last)
}

/// Single words that close a message but are the author's words, not a name.
fn is_greeting_word(word: &str) -> bool {
    let word = word.to_lowercase();
    [
        "ok", "oke", "okay", "done", "siap", "baik", "noted", "sip", "mantap", "thanks",
    ]
    .contains(&word.trim_end_matches('.'))
}

/// The last line that is not blank.
fn last_content(lines: &[&str]) -> Option<usize> {
    lines.iter().rposition(|l| !l.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, author: Option<&str>) -> String {
        let lines: Vec<&str> = text.lines().collect();
        let end = start(&lines, author).unwrap_or(lines.len());
        lines[..end].join("\n").trim_end().to_string()
    }

    #[test]
    fn closing_with_contact_block_goes() {
        let text = "Printer sudah normal.\n\nBest regards,\nJohn Smith\nIT Manager | PT Contoh\n+62 21 555 0123";
        assert_eq!(cut(text, None), "Printer sudah normal.");
        let text = "Mohon dicek lagi.\n\nHormat saya,\n\nBudi Santoso\nStaf Keuangan";
        assert_eq!(cut(text, None), "Mohon dicek lagi.");
    }

    #[test]
    fn a_thanks_that_is_the_message_stays() {
        assert_eq!(cut("Thanks!", None), "Thanks!");
        let text = "Terima kasih banyak atas bantuannya, Pak.";
        assert_eq!(cut(text, None), text);
        assert_eq!(cut("Terima kasih,\nBudi", None), "Terima kasih,");
    }

    #[test]
    fn bare_names_and_author_names_go() {
        assert_eq!(cut("Sudah beres.\n\nBudi", None), "Sudah beres.");
        assert_eq!(cut("Works now.\n- Rina", None), "Works now.");
        assert_eq!(
            cut(
                "Sudah saya kirim.\n\nandi\nIT Support\next. 2231",
                Some("Andi Wijaya")
            ),
            "Sudah saya kirim."
        );
        assert_eq!(
            cut("Ok, I'll wait.\n\nDone", None),
            "Ok, I'll wait.\n\nDone"
        );
    }

    #[test]
    fn footers_and_disclaimers_go() {
        assert_eq!(cut("Oke\n\nDikirim dari iPhone saya", None), "Oke");
        assert_eq!(cut("Sip\n\nGet Outlook for Android", None), "Sip");
        let text =
            "Terlampir.\n\nSalam,\nRina\n\nEmail ini bersifat rahasia dan hanya untuk penerima.";
        assert_eq!(cut(text, None), "Terlampir.");
    }
}
