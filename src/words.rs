//! Words for people, in their language: the names of statuses, priorities and SLA
//! clocks, dates and durations, and the sentences Loket writes into mails around what
//! people wrote. Templates hold the rest of each mail; nothing a person reads in an
//! Indonesian mail is left in English.

use crate::calendar::Calendar;
use crate::engine::sla::Metric;
use crate::engine::Status;
use crate::types::{Language, Priority, Timestamp};
use std::time::Duration;

/// A sentence in every language Loket writes, chosen per recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    en: String,
    id: String,
}

impl Phrase {
    /// The phrase as `write` words it in each language.
    pub fn new(write: impl Fn(Language) -> String) -> Phrase {
        Phrase {
            en: write(Language::En),
            id: write(Language::Id),
        }
    }

    /// The phrase from its English and Indonesian wording.
    pub fn both(en: impl Into<String>, id: impl Into<String>) -> Phrase {
        Phrase {
            en: en.into(),
            id: id.into(),
        }
    }

    /// Text that reads the same in every language (what a person wrote).
    pub fn same(text: &str) -> Phrase {
        Phrase {
            en: text.to_string(),
            id: text.to_string(),
        }
    }

    /// The phrase in `language`.
    pub fn of(&self, language: Language) -> &str {
        match language {
            Language::En => &self.en,
            Language::Id => &self.id,
        }
    }
}

/// A ticket's status.
pub fn status(status: Status, language: Language) -> &'static str {
    match (language, status) {
        (Language::En, Status::New) => "new",
        (Language::En, Status::Open) => "open",
        (Language::En, Status::Pending) => "waiting for the customer",
        (Language::En, Status::Resolved) => "resolved",
        (Language::En, Status::Closed) => "closed",
        (Language::Id, Status::New) => "baru",
        (Language::Id, Status::Open) => "diproses",
        (Language::Id, Status::Pending) => "menunggu pelanggan",
        (Language::Id, Status::Resolved) => "selesai",
        (Language::Id, Status::Closed) => "ditutup",
    }
}

/// A ticket's priority.
pub fn priority(priority: Priority, language: Language) -> &'static str {
    match (language, priority) {
        (Language::En, Priority::Low) => "low",
        (Language::En, Priority::Normal) => "normal",
        (Language::En, Priority::High) => "high",
        (Language::En, Priority::Urgent) => "urgent",
        (Language::Id, Priority::Low) => "rendah",
        (Language::Id, Priority::Normal) => "normal",
        (Language::Id, Priority::High) => "tinggi",
        (Language::Id, Priority::Urgent) => "mendesak",
    }
}

/// An SLA clock: "first response", "respons pertama".
pub fn metric(metric: Metric, language: Language) -> &'static str {
    match (language, metric) {
        (Language::En, Metric::FirstResponse) => "first response",
        (Language::En, Metric::NextResponse) => "next response",
        (Language::En, Metric::Resolution) => "resolution",
        (Language::Id, Metric::FirstResponse) => "respons pertama",
        (Language::Id, Metric::NextResponse) => "respons berikutnya",
        (Language::Id, Metric::Resolution) => "penyelesaian",
    }
}

const DAYS_ID: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];
const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// An instant as people at the desk read it: "Thu 3 Dec 2026 09:32 WIB", "Kamis,
/// 3 Desember 2026 09.32 WIB".
pub fn date_time(at: Timestamp, calendar: &Calendar, language: Language) -> String {
    let local = calendar.local(at);
    match language {
        Language::En => local.strftime("%a %-d %b %Y %H:%M %Z").to_string(),
        Language::Id => format!(
            "{}, {} {} {} {:02}.{:02} {}",
            DAYS_ID[local.weekday().to_monday_zero_offset() as usize],
            local.day(),
            MONTHS_ID[(local.month() - 1) as usize],
            local.year(),
            local.hour(),
            local.minute(),
            local.strftime("%Z"),
        ),
    }
}

/// A length of time, to the minute: "2 hours 30 minutes", "2 jam 30 menit".
pub fn duration(length: Duration, language: Language) -> String {
    let minutes = length.as_secs().div_ceil(60);
    let (days, hours, minutes) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let mut parts = Vec::new();
    for (count, en_one, en_many, id) in [
        (days, "day", "days", "hari"),
        (hours, "hour", "hours", "jam"),
        (minutes, "minute", "minutes", "menit"),
    ] {
        if count == 0 {
            continue;
        }
        parts.push(match language {
            Language::En if count == 1 => format!("1 {en_one}"),
            Language::En => format!("{count} {en_many}"),
            Language::Id => format!("{count} {id}"),
        });
    }
    if parts.is_empty() {
        return match language {
            Language::En => "0 minutes".to_string(),
            Language::Id => "0 menit".to_string(),
        };
    }
    parts.join(" ")
}

/// How long ago something was, roughly: "today", "3 days ago", "2 weeks ago",
/// "5 months ago" ("hari ini", "3 hari lalu", …).
pub fn age(seconds: i64, language: Language) -> String {
    let days = seconds.max(0) / 86_400;
    let (count, en, id) = match days {
        0 => {
            return match language {
                Language::En => "today".into(),
                Language::Id => "hari ini".into(),
            }
        }
        1..=13 => (days, "day", "hari"),
        14..=59 => (days / 7, "week", "minggu"),
        60..=729 => (days / 30, "month", "bulan"),
        _ => (days / 365, "year", "tahun"),
    };
    match language {
        Language::En if count == 1 => format!("1 {en} ago"),
        Language::En => format!("{count} {en}s ago"),
        Language::Id => format!("{count} {id} lalu"),
    }
}

/// Why a file was not taken in, after its name and size.
pub fn refusal(refusal: crate::mail::parse::Refusal, language: Language) -> String {
    use crate::mail::parse::Refusal;
    match (refusal, language) {
        (Refusal::FileSize(limit), Language::En) => {
            format!("larger than the {} we take per file", size(limit, language))
        }
        (Refusal::FileSize(limit), Language::Id) => {
            format!(
                "lebih besar dari batas {} per berkas",
                size(limit, language)
            )
        }
        (Refusal::Parts(limit), Language::En) => {
            format!("after the first {limit} parts of the mail, more than we read")
        }
        (Refusal::Parts(limit), Language::Id) => {
            format!("sesudah {limit} bagian pertama email, lebih dari yang kami baca")
        }
        (Refusal::Depth(limit), Language::En) => {
            format!("nested more than {limit} levels deep in the mail")
        }
        (Refusal::Depth(limit), Language::Id) => {
            format!("tersarang lebih dari {limit} tingkat di dalam email")
        }
    }
}

/// Why a file of a mail over the size limit was not kept.
pub fn cut_off(limit: usize, language: Language) -> String {
    match language {
        Language::En => format!(
            "past the first {} of the mail, which is what we keep",
            size(limit, language)
        ),
        Language::Id => format!(
            "melewati {} pertama email, yang kami simpan",
            size(limit, language)
        ),
    }
}

/// A file size: "820 bytes", "120 KB", "2.4 MB" ("2,4 MB" in Indonesian).
pub fn size(bytes: usize, language: Language) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    let text = if bytes < 1024 {
        return match language {
            Language::En => format!("{bytes} bytes"),
            Language::Id => format!("{bytes} byte"),
        };
    } else if b < KB * KB {
        format!("{:.0} KB", b / KB)
    } else if b < KB * KB * KB {
        format!("{:.1} MB", b / KB / KB)
    } else {
        format!("{:.1} GB", b / KB / KB / KB)
    };
    match language {
        Language::En => text,
        Language::Id => text.replace('.', ","),
    }
}

/// The line above a quoted message: "On …, Budi wrote:", "Pada …, Budi menulis:".
pub fn attribution(date: &str, author: &str, language: Language) -> String {
    match language {
        Language::En => format!("On {date}, {author} wrote:"),
        Language::Id => format!("Pada {date}, {author} menulis:"),
    }
}

/// The heading of the conversation under a forward or a lead's report.
pub fn conversation_heading(language: Language) -> &'static str {
    match language {
        Language::En => "---------- Conversation ----------",
        Language::Id => "---------- Percakapan ----------",
    }
}

/// Where a file that did not fit a mail is named instead.
pub fn not_attached(name: &str, language: Language) -> String {
    match language {
        Language::En => format!("[not attached, too large: {name}]"),
        Language::Id => format!("[tidak dilampirkan, terlalu besar: {name}]"),
    }
}

/// "Level 2" / "Tier 2": the word for a support level.
pub fn tier(tier: u8, language: Language) -> String {
    match language {
        Language::En => format!("Tier {tier}"),
        Language::Id => format!("Level {tier}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jakarta() -> Calendar {
        let zone = jiff::tz::TimeZone::get("Asia/Jakarta").expect("a zone");
        let day = vec![(0, 24 * 60)];
        Calendar::new(
            zone,
            std::array::from_fn(|_| day.clone()),
            Default::default(),
            Default::default(),
        )
    }

    #[test]
    fn dates_read_as_people_at_the_desk_write_them() {
        // 2026-12-03 02:32 UTC is Thursday 09:32 in Jakarta.
        let at = Timestamp(1_796_265_120);
        assert_eq!(
            date_time(at, &jakarta(), Language::Id),
            "Kamis, 3 Desember 2026 09.32 WIB"
        );
        assert_eq!(
            date_time(at, &jakarta(), Language::En),
            "Thu 3 Dec 2026 09:32 WIB"
        );
    }

    #[test]
    fn durations_in_both_languages() {
        let d = |s| Duration::from_secs(s);
        assert_eq!(duration(d(7200), Language::Id), "2 jam");
        assert_eq!(duration(d(5400), Language::En), "1 hour 30 minutes");
        assert_eq!(duration(d(90_000), Language::Id), "1 hari 1 jam");
        assert_eq!(duration(d(60), Language::En), "1 minute");
        assert_eq!(duration(d(0), Language::Id), "0 menit");
    }

    #[test]
    fn a_phrase_is_chosen_per_reader() {
        let p = Phrase::new(|l| attribution("x", "Budi", l));
        assert_eq!(p.of(Language::Id), "Pada x, Budi menulis:");
        assert_eq!(p.of(Language::En), "On x, Budi wrote:");
        assert_eq!(status(Status::Pending, Language::Id), "menunggu pelanggan");
        assert_eq!(
            metric(Metric::FirstResponse, Language::Id),
            "respons pertama"
        );
    }
}
