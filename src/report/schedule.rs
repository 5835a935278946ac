//! When a scheduled report goes out: the periods that ended and whose sending time
//! (08:00 the morning after, in the desk's calendar) has come since the last one sent.

use crate::calendar::Calendar;
use crate::config::policy::Every;
use crate::types::Timestamp;
use jiff::civil::Date;

/// A report sent more than this after its time says it is late.
const LATE_AFTER: i64 = 3600;
/// The most missed periods sent at once, the latest ones: a long downtime of a daily
/// report should not bury the lead in mail.
pub const MOST_AT_ONCE: usize = 12;

/// One period to report on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// Its first instant.
    pub from: Timestamp,
    /// The instant after it.
    pub to: Timestamp,
    /// When its report was due.
    pub send_at: Timestamp,
    /// Whether it goes out more than an hour after that.
    pub late: bool,
}

/// What to do for one report now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// It was never sent: start counting from the start of the current period (the
    /// first mail reports on it, when it ends), sending nothing now.
    Start(Timestamp),
    /// Send these, oldest first; `skipped` older periods are passed over.
    Send {
        /// The periods.
        due: Vec<Due>,
        /// How many older missed periods were left out.
        skipped: usize,
    },
}

/// The plan of a report sent up to `sent_until` (never, when `None`) at `now`.
pub fn plan(
    every: Every,
    calendar: &Calendar,
    sent_until: Option<Timestamp>,
    now: Timestamp,
) -> Plan {
    let Some(mut from) = sent_until else {
        return Plan::Start(calendar.start_of(period_start(every, calendar.date_of(now))));
    };
    let mut due = Vec::new();
    loop {
        let start = calendar.date_of(from);
        let Some(end) = next(every, period_start(every, start)) else {
            break;
        };
        let to = calendar.start_of(end);
        let send_at = calendar
            .instant_of(end.at(8, 0, 0, 0))
            .unwrap_or(Timestamp(to.0 + 8 * 3600));
        if send_at > now || to <= from {
            break;
        }
        due.push(Due {
            from,
            to,
            send_at,
            late: now.0 - send_at.0 > LATE_AFTER,
        });
        from = to;
    }
    let skipped = due.len().saturating_sub(MOST_AT_ONCE);
    due.drain(..skipped);
    Plan::Send { due, skipped }
}

/// The first day of the period holding `day`.
fn period_start(every: Every, day: Date) -> Date {
    match every {
        Every::Day => day,
        Every::Week => {
            let back = i64::from(day.weekday().to_monday_zero_offset());
            day.checked_sub(jiff::Span::new().days(back)).unwrap_or(day)
        }
        Every::Month => day.first_of_month(),
    }
}

/// The first day of the period after the one starting on `start`.
fn next(every: Every, start: Date) -> Option<Date> {
    let span = match every {
        Every::Day => jiff::Span::new().days(1),
        Every::Week => jiff::Span::new().days(7),
        Every::Month => jiff::Span::new().months(1),
    };
    start.checked_add(span).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn wib() -> Calendar {
        let zone = jiff::tz::TimeZone::get("Asia/Jakarta").expect("the zone");
        Calendar::new(
            zone,
            Default::default(),
            Default::default(),
            Default::default(),
        )
    }

    fn at(month: i8, day: i8, hour: i8) -> Timestamp {
        wib()
            .instant_of(date(2026, month, day).at(hour, 0, 0, 0))
            .expect("a time")
    }

    #[test]
    fn a_new_report_starts_with_the_current_week_and_sends_nothing() {
        // Thursday 26 November: the week began on Monday the 23rd.
        assert_eq!(
            plan(Every::Week, &wib(), None, at(11, 26, 15)),
            Plan::Start(at(11, 23, 0))
        );
    }

    #[test]
    fn the_week_goes_out_on_monday_at_eight_once() {
        let sent = Some(at(11, 23, 0));
        let before_eight = plan(Every::Week, &wib(), sent, at(11, 30, 7));
        assert_eq!(
            before_eight,
            Plan::Send {
                due: vec![],
                skipped: 0
            }
        );
        let Plan::Send { due, .. } = plan(Every::Week, &wib(), sent, at(11, 30, 8)) else {
            panic!("a plan to send");
        };
        assert_eq!(
            due,
            [Due {
                from: at(11, 23, 0),
                to: at(11, 30, 0),
                send_at: at(11, 30, 8),
                late: false
            }]
        );
        // Once sent up to the 30th, nothing more is due that day.
        let after = plan(Every::Week, &wib(), Some(at(11, 30, 0)), at(11, 30, 9));
        assert_eq!(
            after,
            Plan::Send {
                due: vec![],
                skipped: 0
            }
        );
    }

    #[test]
    fn two_weeks_down_send_one_mail_per_missed_week_the_older_late() {
        let Plan::Send { due, skipped } =
            plan(Every::Week, &wib(), Some(at(11, 23, 0)), at(12, 7, 8))
        else {
            panic!("a plan to send");
        };
        assert_eq!(skipped, 0);
        let weeks: Vec<(Timestamp, bool)> = due.iter().map(|d| (d.from, d.late)).collect();
        assert_eq!(weeks, [(at(11, 23, 0), true), (at(11, 30, 0), false)]);
    }

    #[test]
    fn months_and_days_and_a_long_downtime() {
        let Plan::Send { due, .. } = plan(Every::Month, &wib(), Some(at(11, 1, 0)), at(12, 1, 9))
        else {
            panic!("a plan to send");
        };
        assert_eq!(due.len(), 1);
        assert_eq!((due[0].from, due[0].to), (at(11, 1, 0), at(12, 1, 0)));
        let Plan::Send { due, skipped } =
            plan(Every::Day, &wib(), Some(at(10, 1, 0)), at(12, 1, 9))
        else {
            panic!("a plan to send");
        };
        assert_eq!(due.len(), MOST_AT_ONCE);
        assert_eq!(skipped, 61 - MOST_AT_ONCE);
        assert_eq!(due.last().map(|d| d.to), Some(at(12, 1, 0)));
    }
}
