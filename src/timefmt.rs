//! Timestamps as the operator reads them, in an injected time zone so that tests and
//! snapshots do not depend on the machine they run on.

use chrono::{
    DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone,
    Utc,
};

/// The time zone timestamps are shown in.
#[derive(Clone, Copy, Debug)]
pub enum LocalZone {
    /// Whatever the machine's local time zone is (the real program).
    System,
    /// A fixed offset from UTC (tests, or a user-chosen zone).
    Fixed(FixedOffset),
}

impl LocalZone {
    /// UTC as a fixed zone.
    #[must_use]
    pub fn utc() -> Self {
        LocalZone::Fixed(Utc.fix())
    }

    /// The wall-clock time `t` shows in this zone.
    #[must_use]
    pub fn to_local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        match self {
            LocalZone::System => t.with_timezone(&Local).naive_local(),
            LocalZone::Fixed(offset) => t.with_timezone(offset).naive_local(),
        }
    }

    /// Hours and minutes, 24-hour clock: "17:18".
    #[must_use]
    pub fn time_of_day(&self, t: DateTime<Utc>) -> String {
        self.to_local(t).format("%H:%M").to_string()
    }

    /// The local day, for day separators: "Fri 9 Feb 2018".
    #[must_use]
    pub fn day_label(&self, t: DateTime<Utc>) -> String {
        self.to_local(t).format("%a %-d %b %Y").to_string()
    }

    /// Date, time and UTC offset, for the status bar: "Tue 24 Nov 2026 11:46 UTC+01:00".
    /// The offset is the one in force at `t`, so summer and winter time tell apart.
    #[must_use]
    pub fn full_timestamp(&self, t: DateTime<Utc>) -> String {
        const FORMAT: &str = "%a %-d %b %Y %H:%M UTC%:z";
        match self {
            LocalZone::System => t.with_timezone(&Local).format(FORMAT).to_string(),
            LocalZone::Fixed(offset) => t.with_timezone(offset).format(FORMAT).to_string(),
        }
    }

    /// The local calendar date, to tell when a new day starts.
    #[must_use]
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        self.to_local(t).date()
    }

    /// `t` in this zone, with the zone's offset from UTC at that moment.
    #[must_use]
    pub fn zoned(&self, t: DateTime<Utc>) -> DateTime<FixedOffset> {
        match self {
            LocalZone::System => t.with_timezone(&Local).fixed_offset(),
            LocalZone::Fixed(offset) => t.with_timezone(offset),
        }
    }

    /// The first moment of local day `date`: midnight, or the first hour that
    /// exists where a clock change skips midnight.
    #[must_use]
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_time(NaiveTime::MIN);
        match self {
            LocalZone::System => first_existing(&Local, midnight),
            LocalZone::Fixed(offset) => first_existing(offset, midnight),
        }
    }
}

/// The first of the hours from `local` on that exists in `zone`, in UTC.
fn first_existing<Z: TimeZone>(zone: &Z, local: NaiveDateTime) -> DateTime<Utc> {
    (0..=24)
        .find_map(|hour| {
            zone.from_local_datetime(&(local + TimeDelta::hours(hour)))
                .earliest()
        })
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeZone};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn formats_in_the_given_zone() {
        let t = at("2018-02-09T17:18:50.000Z");
        let utc = LocalZone::utc();
        assert_eq!(utc.time_of_day(t), "17:18");
        assert_eq!(utc.day_label(t), "Fri 9 Feb 2018");
        assert_eq!(
            utc.local_date(t),
            NaiveDate::from_ymd_opt(2018, 2, 9).unwrap()
        );

        let tokyo = LocalZone::Fixed(FixedOffset::east_opt(9 * 3600).unwrap());
        assert_eq!(utc.full_timestamp(t), "Fri 9 Feb 2018 17:18 UTC+00:00");
        assert_eq!(tokyo.time_of_day(t), "02:18");
        assert_eq!(tokyo.full_timestamp(t), "Sat 10 Feb 2018 02:18 UTC+09:00");
        let west = LocalZone::Fixed(FixedOffset::west_opt(3 * 3600 + 1800).unwrap());
        assert_eq!(west.full_timestamp(t), "Fri 9 Feb 2018 13:48 UTC-03:30");
        assert_eq!(tokyo.day_label(t), "Sat 10 Feb 2018");
        assert_eq!(
            tokyo.local_date(t),
            NaiveDate::from_ymd_opt(2018, 2, 10).unwrap()
        );
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        let date = NaiveDate::from_ymd_opt(2018, 2, 10).unwrap();
        let tokyo = LocalZone::Fixed(FixedOffset::east_opt(9 * 3600).unwrap());
        assert_eq!(tokyo.start_of_day(date), at("2018-02-09T15:00:00Z"));
        assert_eq!(
            LocalZone::utc().start_of_day(date),
            at("2018-02-10T00:00:00Z")
        );
        let t = at("2018-02-09T17:18:50.000Z");
        assert_eq!(tokyo.zoned(t).to_rfc3339(), "2018-02-10T02:18:50+09:00");
    }

    #[test]
    fn system_zone_agrees_with_chrono_local() {
        let t = at("2018-02-09T17:18:50.000Z");
        assert_eq!(
            LocalZone::System.to_local(t),
            Local.from_utc_datetime(&t.naive_utc()).naive_local()
        );
    }
}
