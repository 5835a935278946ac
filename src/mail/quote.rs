//! New-text extraction: what a person actually wrote in a reply, without the quoted
//! history and the signature, for the reply styles of common mail clients in English and
//! Indonesian. The full original is always kept in the store; this only decides what is
//! relayed and shown.
//!
//! Recognised: Gmail and Thunderbird attributions ("On … wrote:", "Pada … menulis:"),
//! Apple Mail ("On … at …, … wrote:"), mutt ("* Name <addr> [date]:"), Outlook's header
//! block ("From: … Sent: …", "Dari: … Dikirim: …", also after a line of underscores),
//! "-----Original Message-----" and its Samsung, Android and forward variants, `>`
//! quoting (top-, bottom-posted and interleaved). Signatures are `signature`'s job. HTML
//! mail reaches this as text from `html::without_history`.
//!
//! A `>` block is history when it follows an attribution, when the reply starts with it
//! (bottom-posting, interleaving) or when it ends the reply. A `>` block between lines
//! the author wrote, above any attribution, is the author's own: pasted shell output.

use super::signature;

/// The new text of a reply body: quoted history and signature removed, outer blank lines
/// trimmed. Returns the whole body when nothing is recognised.
pub fn new_text(body: &str) -> String {
    new_text_by(body, None)
}

/// `new_text`, also knowing the author's display name: a trailing line that starts with
/// it is their sign-off.
pub fn new_text_by(body: &str, author: Option<&str>) -> String {
    let body = body.replace("\r\n", "\n");
    let lines: Vec<&str> = body.lines().collect();
    let lines = &lines[..history_start(&lines).unwrap_or(lines.len())];
    let kept = drop_quoted(lines);
    let kept = &kept[..signature::start(&kept, author).unwrap_or(kept.len())];
    collapse_blank_runs(trim_blank(kept)).join("\n")
}

/// Where a quote was cut out, the blank lines around it would pile up: keep one.
fn collapse_blank_runs<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for line in lines {
        let blank = line.trim().is_empty();
        if !(blank && out.last().is_some_and(|l| l.trim().is_empty())) {
            out.push(if blank { "" } else { line });
        }
    }
    out
}

/// The first line of a history block that runs to the end of the message: an Outlook
/// header block, an "Original Message" separator, or an attribution line that is not
/// followed by `>`-quoted lines (clients that quote without `>`, or HTML turned to text).
fn history_start(lines: &[&str]) -> Option<usize> {
    (0..lines.len()).find(|&i| {
        is_separator(lines[i])
            || is_outlook_header(lines, i)
            || (attribution_len(lines, i).is_some_and(|n| !quoted_after(lines, i + n)))
    })
}

/// Removes the `>`-quoted blocks that are history (see the module's doc) and the
/// attribution lines that introduce them, keeping the text around them, so bottom-posted
/// and interleaved replies keep every new line.
fn drop_quoted<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let first_attribution = (0..lines.len()).find(|&i| attribution_len(lines, i).is_some());
    let starts_quoted = lines
        .iter()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| is_quoted(l));
    let last_written = last_written_line(lines);
    let mut kept = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if let Some(n) = attribution_len(lines, i).filter(|n| quoted_after(lines, i + n)) {
            i += n;
            continue;
        }
        if !is_quoted(lines[i]) {
            kept.push(lines[i]);
            i += 1;
            continue;
        }
        let end = block_end(lines, i);
        let history = starts_quoted
            || first_attribution.is_some_and(|a| a < i)
            || last_written.is_none_or(|last| last < end);
        if !history {
            kept.extend_from_slice(&lines[i..end]);
        }
        i = end;
    }
    kept
}

/// The end (exclusive) of the `>` block that starts at `from`.
fn block_end(lines: &[&str], from: usize) -> usize {
    (from..lines.len())
        .find(|&i| !is_quoted(lines[i]))
        .unwrap_or(lines.len())
}

/// The last line the author wrote: neither blank, quoted, nor part of their signature.
fn last_written_line(lines: &[&str]) -> Option<usize> {
    let own: Vec<usize> = (0..lines.len()).filter(|&i| !is_quoted(lines[i])).collect();
    let own_lines: Vec<&str> = own.iter().map(|&i| lines[i]).collect();
    let end = signature::start(&own_lines, None).unwrap_or(own_lines.len());
    own[..end]
        .iter()
        .rev()
        .copied()
        .find(|&i| !lines[i].trim().is_empty())
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Whether the next non-blank line from `from` is quoted.
fn quoted_after(lines: &[&str], from: usize) -> bool {
    lines[from.min(lines.len())..]
        .iter()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| is_quoted(l))
}

/// How many lines an attribution at `i` spans (clients wrap long ones over two or three).
fn attribution_len(lines: &[&str], i: usize) -> Option<usize> {
    let first = lines[i].trim();
    // mutt and others: "* Name <addr> [date]:" right above the quote.
    if first.ends_with(':') && first.contains('@') && quoted_after(lines, i + 1) {
        return Some(1);
    }
    let opens = ["On ", "Pada ", "Le ", "Am "]
        .iter()
        .any(|p| first.starts_with(p))
        || first.ends_with("wrote:")
        || first.ends_with("menulis:");
    if !opens {
        return None;
    }
    (1..=3).find(|&n| {
        lines.get(i + n - 1).is_some_and(|l| {
            let l = l.trim();
            l.ends_with("wrote:") || l.ends_with("menulis:") || l.ends_with("a écrit :")
        })
    })
}

fn is_separator(line: &str) -> bool {
    let line = line.trim().to_lowercase();
    let dashes = line.trim_matches('-').trim();
    line.starts_with("-----")
        && [
            "original message",
            "pesan asli",
            "forwarded message",
            "pesan yang diteruskan",
            "pesan terusan",
            "pesan diteruskan",
        ]
        .contains(&dashes)
        || line == "begin forwarded message:"
        || line == "awal pesan yang diteruskan:"
}

/// Outlook's block: "From:" (or "Dari:") followed within four lines by "Sent:"/"Date:"
/// (or "Dikirim:"/"Tanggal:"), possibly after a line of underscores.
fn is_outlook_header(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let start = if line.len() >= 10 && line.chars().all(|c| c == '_') {
        i + 1
    } else {
        i
    };
    let Some(from) = lines.get(start) else {
        return false;
    };
    let from = strip_bold(from.trim());
    if !(from.starts_with("From:") || from.starts_with("Dari:")) {
        return false;
    }
    lines[start + 1..]
        .iter()
        .take(4)
        .map(|l| strip_bold(l.trim()))
        .any(|l| {
            ["Sent:", "Date:", "Dikirim:", "Tanggal:"]
                .iter()
                .any(|p| l.starts_with(p))
        })
}

/// Outlook's HTML turned to text marks header names as `*From:*`.
fn strip_bold(line: &str) -> String {
    line.replacen('*', "", 2)
}

fn trim_blank<'a>(lines: &'a [&'a str]) -> &'a [&'a str] {
    let start = lines
        .iter()
        .position(|l| !l.trim().is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(start, |e| e + 1);
    &lines[start..end]
}
