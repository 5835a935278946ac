//! New-text extraction: what a person actually wrote in a reply, without the quoted
//! history and the signature, for the reply styles of common mail clients in English and
//! Indonesian. The full original is always kept in the store; this only decides what is
//! relayed and shown.
//!
//! Recognised: Gmail and Thunderbird attributions ("On … wrote:", "Pada … menulis:"),
//! Apple Mail ("On … at …, … wrote:"), Outlook's header block ("From: … Sent: …", also
//! after a line of underscores) and "-----Original Message-----", `>` quoting (top- and
//! bottom-posted), the `-- ` signature separator and common mobile signatures.

/// The new text of a reply body: quoted history and signature removed, outer blank lines
/// trimmed. Returns the whole body when nothing is recognised.
pub fn new_text(body: &str) -> String {
    let body = body.replace("\r\n", "\n");
    let lines: Vec<&str> = body.lines().collect();
    let lines = &lines[..history_start(&lines).unwrap_or(lines.len())];
    let kept = drop_quoted(lines);
    let kept = &kept[..signature_start(&kept).unwrap_or(kept.len())];
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

/// Removes `>`-quoted lines and the attribution lines that introduce them, keeping the
/// text around them (so bottom-posted and interleaved replies keep every new line).
fn drop_quoted<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let mut kept = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if let Some(n) = attribution_len(lines, i).filter(|n| quoted_after(lines, i + n)) {
            i += n;
            continue;
        }
        if !is_quoted(lines[i]) {
            kept.push(lines[i]);
        }
        i += 1;
    }
    kept
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
        ]
        .contains(&dashes)
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

/// Where the signature starts: the last `-- ` separator, or a mobile client's line.
fn signature_start(lines: &[&str]) -> Option<usize> {
    let dash = lines.iter().rposition(|l| *l == "-- " || *l == "--");
    let mobile = lines.iter().rposition(|l| is_mobile_signature(l));
    match (dash, mobile) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn is_mobile_signature(line: &str) -> bool {
    let line = line.trim();
    [
        "Sent from my iPhone",
        "Sent from my iPad",
        "Sent from my Android",
        "Sent from my Samsung",
        "Sent from Mail for Windows",
        "Get Outlook for iOS",
        "Get Outlook for Android",
        "Dikirim dari iPhone saya",
        "Dikirim dari ponsel",
        "Dikirim dari perangkat Samsung",
    ]
    .iter()
    .any(|s| line.starts_with(s))
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
