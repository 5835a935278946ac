//! Business-hours arithmetic: when a deadline of N working hours falls, and how much
//! working time lies between two instants, in a desk's calendar (time zone, weekly opening
//! hours, yearly and one-time holidays). Pure: the time zone rules are loaded with the
//! config; nothing here reads a clock.

use crate::types::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use std::collections::BTreeSet;
use std::time::Duration;

/// How far ahead a deadline is looked for before giving up (a calendar with no opening
/// hours at all would otherwise never end).
const HORIZON_DAYS: i32 = 3 * 366;

/// One opening interval of a day, in minutes after local midnight: `[start, end)`.
pub type Interval = (u16, u16);

/// A desk's working calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    zone: TimeZone,
    /// Opening intervals per weekday, Monday first, sorted and not overlapping.
    week: [Vec<Interval>; 7],
    /// Holidays that fall on the same day every year: (month, day).
    yearly: BTreeSet<(i8, i8)>,
    /// Holidays on one date only (Idul Fitri, cuti bersama, …).
    dates: BTreeSet<Date>,
}

impl Calendar {
    /// A calendar in `zone` with opening intervals per weekday (Monday first).
    pub fn new(
        zone: TimeZone,
        week: [Vec<Interval>; 7],
        yearly: BTreeSet<(i8, i8)>,
        dates: BTreeSet<Date>,
    ) -> Calendar {
        Calendar {
            zone,
            week,
            yearly,
            dates,
        }
    }

    /// A calendar open around the clock, every day, in UTC: SLA targets in plain time.
    pub fn always_open() -> Calendar {
        let day = vec![(0, 24 * 60)];
        Calendar::new(
            TimeZone::UTC,
            std::array::from_fn(|_| day.clone()),
            BTreeSet::new(),
            BTreeSet::new(),
        )
    }

    /// The instant `business` working time after `start`, or `None` if the calendar has
    /// no opening hours within three years.
    pub fn add(&self, start: Timestamp, business: Duration) -> Option<Timestamp> {
        let mut remaining = business.as_secs() as i64;
        let start = start.0;
        for (open, close) in self.open_periods_from(start) {
            let begin = open.max(start);
            let available = close - begin;
            if remaining <= available {
                return Some(Timestamp(begin + remaining));
            }
            remaining -= available;
        }
        None
    }

    /// The working time between two instants (zero when `to` is not after `from`).
    pub fn elapsed(&self, from: Timestamp, to: Timestamp) -> Duration {
        let mut total = 0;
        for (open, close) in self.open_periods_from(from.0) {
            if open >= to.0 {
                break;
            }
            total += close.min(to.0) - open.max(from.0);
        }
        Duration::from_secs(total.max(0) as u64)
    }

    /// A local date and time of the calendar's zone as an instant (`None` when that local
    /// time does not exist there).
    pub fn instant_of(&self, local: jiff::civil::DateTime) -> Option<Timestamp> {
        let zoned = local.to_zoned(self.zone.clone()).ok()?;
        Some(Timestamp(zoned.timestamp().as_second()))
    }

    /// An instant as people at the desk read it: `Wed 25 Nov 2026 09:00 WIB` (in other
    /// languages: `words::date_time`).
    pub fn format(&self, at: Timestamp) -> String {
        self.local(at).strftime("%a %-d %b %Y %H:%M %Z").to_string()
    }

    /// An instant in the calendar's zone.
    pub fn local(&self, at: Timestamp) -> jiff::Zoned {
        let instant = jiff::Timestamp::from_second(at.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        instant.to_zoned(self.zone.clone())
    }

    /// Open periods as (start, end) Unix seconds, from the day of `from` on, skipping
    /// periods that ended before `from`.
    fn open_periods_from(&self, from: i64) -> impl Iterator<Item = (i64, i64)> + '_ {
        let first_day = self.local_date(from);
        (0..HORIZON_DAYS)
            .filter_map(move |n| first_day.checked_add(jiff::Span::new().days(n)).ok())
            .filter(move |day| !self.is_holiday(*day))
            .flat_map(move |day| self.periods_of(day))
            .filter(move |(_, close)| *close > from)
    }

    fn periods_of(&self, day: Date) -> Vec<(i64, i64)> {
        let intervals = &self.week[weekday_index(day.weekday())];
        intervals
            .iter()
            .filter_map(|(start, end)| Some((self.instant(day, *start)?, self.instant(day, *end)?)))
            .collect()
    }

    /// Local `day` at `minutes` after midnight as Unix seconds (24:00 is the next midnight).
    fn instant(&self, day: Date, minutes: u16) -> Option<i64> {
        let (day, minutes) = if minutes >= 24 * 60 {
            (day.tomorrow().ok()?, minutes - 24 * 60)
        } else {
            (day, minutes)
        };
        let time = Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).ok()?;
        let zoned = day.to_datetime(time).to_zoned(self.zone.clone()).ok()?;
        Some(zoned.timestamp().as_second())
    }

    /// The instant local midnight starts `day` (the first instant of it, should midnight
    /// not exist there).
    pub fn start_of(&self, day: Date) -> Timestamp {
        let zoned = self
            .zone
            .to_ambiguous_zoned(day.to_datetime(Time::midnight()))
            .compatible();
        Timestamp(zoned.map_or(0, |z| z.timestamp().as_second()))
    }

    /// The local date of an instant.
    pub fn date_of(&self, at: Timestamp) -> Date {
        self.local_date(at.0)
    }

    fn local_date(&self, at: i64) -> Date {
        let instant = jiff::Timestamp::from_second(at).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        instant.to_zoned(self.zone.clone()).date()
    }

    fn is_holiday(&self, day: Date) -> bool {
        self.dates.contains(&day) || self.yearly.contains(&(day.month(), day.day()))
    }
}

fn weekday_index(day: Weekday) -> usize {
    day.to_monday_zero_offset() as usize
}

/// Jakarta (UTC+7, no DST), Monday to Friday 08:00–12:00 and 13:00–17:00, Christmas
/// every year and Idul Fitri 2027 (one-time, 10 March 2027): the calendar of the tests.
#[cfg(test)]
pub(crate) fn test_jakarta() -> Calendar {
    let day = vec![(8 * 60, 12 * 60), (13 * 60, 17 * 60)];
    let week = [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        Vec::new(),
        Vec::new(),
    ];
    let zone = TimeZone::get("Asia/Jakarta").expect("tzdb has Asia/Jakarta");
    Calendar::new(
        zone,
        week,
        [(12, 25)].into(),
        [jiff::civil::date(2027, 3, 10)].into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn jakarta() -> Calendar {
        test_jakarta()
    }

    /// A local Jakarta time as a Timestamp.
    fn wib(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        let zoned = date(y, m, d)
            .at(h, min, 0, 0)
            .in_tz("Asia/Jakarta")
            .expect("valid");
        Timestamp(zoned.timestamp().as_second())
    }

    const HOUR: u64 = 3600;

    #[test]
    fn within_one_morning() {
        // Mon 23 Nov 2026 09:00 + 2 h = 11:00.
        assert_eq!(
            jakarta().add(wib(2026, 11, 23, 9, 0), Duration::from_secs(2 * HOUR)),
            Some(wib(2026, 11, 23, 11, 0))
        );
    }

    #[test]
    fn across_the_lunch_break() {
        // 11:00 + 2 h: 1 h until 12:00, lunch, 1 h from 13:00 = 14:00.
        assert_eq!(
            jakarta().add(wib(2026, 11, 23, 11, 0), Duration::from_secs(2 * HOUR)),
            Some(wib(2026, 11, 23, 14, 0))
        );
    }

    #[test]
    fn across_a_weekend() {
        // Fri 27 Nov 15:00 + 4 h: 2 h Friday, Monday 30 Nov 08:00 + 2 h = 10:00.
        assert_eq!(
            jakarta().add(wib(2026, 11, 27, 15, 0), Duration::from_secs(4 * HOUR)),
            Some(wib(2026, 11, 30, 10, 0))
        );
    }

    #[test]
    fn a_mail_on_saturday_starts_counting_on_monday_morning() {
        assert_eq!(
            jakarta().add(wib(2026, 11, 28, 10, 0), Duration::from_secs(HOUR)),
            Some(wib(2026, 11, 30, 9, 0))
        );
    }

    #[test]
    fn across_a_yearly_holiday_and_a_weekend() {
        // Thu 24 Dec 16:00 + 3 h: 1 h Thursday; Fri 25 Dec (Christmas), Sat, Sun closed;
        // Mon 28 Dec 08:00 + 2 h = 10:00.
        assert_eq!(
            jakarta().add(wib(2026, 12, 24, 16, 0), Duration::from_secs(3 * HOUR)),
            Some(wib(2026, 12, 28, 10, 0))
        );
    }

    #[test]
    fn across_a_one_time_holiday() {
        // Tue 9 Mar 2027 16:30 + 1 h: 30 min Tuesday, Wed 10 Mar (Idul Fitri) closed,
        // Thu 11 Mar 08:00 + 30 min = 08:30.
        assert_eq!(
            jakarta().add(wib(2027, 3, 9, 16, 30), Duration::from_secs(HOUR)),
            Some(wib(2027, 3, 11, 8, 30))
        );
    }

    #[test]
    fn an_instant_given_in_utc_is_read_in_the_desks_zone() {
        // 00:30 UTC is 07:30 in Jakarta, before opening: + 1 h = 09:00 WIB = 02:00 UTC.
        let start = Timestamp(
            date(2026, 11, 23)
                .at(0, 30, 0, 0)
                .in_tz("UTC")
                .expect("utc")
                .timestamp()
                .as_second(),
        );
        let deadline = jakarta()
            .add(start, Duration::from_secs(HOUR))
            .expect("deadline");
        let utc = jiff::Timestamp::from_second(deadline.0)
            .expect("valid")
            .to_zoned(TimeZone::UTC);
        assert_eq!((utc.hour(), utc.minute()), (2, 0));
    }

    #[test]
    fn working_time_between_two_instants() {
        let calendar = jakarta();
        // Fri 16:00 → Mon 09:00: 1 h Friday + 1 h Monday.
        assert_eq!(
            calendar.elapsed(wib(2026, 11, 27, 16, 0), wib(2026, 11, 30, 9, 0)),
            Duration::from_secs(2 * HOUR)
        );
        // Within the lunch break nothing passes.
        assert_eq!(
            calendar.elapsed(wib(2026, 11, 23, 12, 5), wib(2026, 11, 23, 12, 55)),
            Duration::ZERO
        );
        assert_eq!(
            calendar.elapsed(wib(2026, 11, 23, 10, 0), wib(2026, 11, 23, 9, 0)),
            Duration::ZERO
        );
    }

    #[test]
    fn a_calendar_without_opening_hours_has_no_deadline() {
        let closed = Calendar::new(
            TimeZone::UTC,
            Default::default(),
            BTreeSet::new(),
            BTreeSet::new(),
        );
        assert_eq!(closed.add(Timestamp(0), Duration::from_secs(60)), None);
    }
}
