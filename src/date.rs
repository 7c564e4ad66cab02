//! Calendar dates from front matter (`YYYY-MM-DD`), checked to be real.

use std::fmt;

/// A real calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// Why a date string was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum DateError {
    Format,
    NoSuchDay,
}

const MONTHS_DA: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// Parse `YYYY-MM-DD`, refusing impossible days such as 2023-02-30.
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::Format);
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, DateError> {
            s[r].parse::<u32>().map_err(|_| DateError::Format)
        };
        if !s.bytes().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit()) {
            return Err(DateError::Format);
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(DateError::NoSuchDay);
        }
        Ok(Date { year: year as u16, month: month as u8, day: day as u8 })
    }

    /// ISO form, `2016-12-01`.
    pub fn iso(&self) -> String {
        self.to_string()
    }

    /// Long human form in the UI language: `1. december 2016` / `1 December 2016`.
    pub fn long(&self, lang: &str) -> String {
        let m = usize::from(self.month - 1);
        match lang {
            "en" => format!("{} {} {}", self.day, MONTHS_EN[m], self.year),
            _ => format!("{}. {} {}", self.day, MONTHS_DA[m], self.year),
        }
    }
}

impl Date {
    /// The UTC calendar day of a Unix time.
    pub fn from_unix(secs: i64) -> Date {
        // Howard Hinnant's days-from-civil, inverted.
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }

    /// Today (UTC), or the day of `SOURCE_DATE_EPOCH` when set, for reproducible builds.
    pub fn today() -> Date {
        let secs =
            std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or_else(|| {
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
            });
        Date::from_unix(secs)
    }

    /// Days since 1970-01-01.
    pub fn days(&self) -> i64 {
        let (y, m, d) = (i64::from(self.year), i64::from(self.month), i64::from(self.day));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_dates_only() {
        assert_eq!(Date::parse("2016-12-01").unwrap().long("da"), "1. december 2016");
        assert_eq!(Date::parse("2024-02-29").unwrap().long("en"), "29 February 2024");
        assert_eq!(Date::parse("2023-02-29"), Err(DateError::NoSuchDay));
        assert_eq!(Date::parse("2023-13-01"), Err(DateError::NoSuchDay));
        assert_eq!(Date::parse("2023-1-01"), Err(DateError::Format));
        assert_eq!(Date::parse("01.12.2016"), Err(DateError::Format));
        assert_eq!(Date::parse("2023-+1-01"), Err(DateError::Format));
    }

    #[test]
    fn converts_unix_times_both_ways() {
        assert_eq!(Date::from_unix(0).iso(), "1970-01-01");
        assert_eq!(Date::from_unix(1_764_028_800).iso(), "2025-11-25");
        assert_eq!(Date::from_unix(951_782_400).iso(), "2000-02-29");
        for s in ["2024-02-29", "1999-12-31", "2026-11-25"] {
            let d = Date::parse(s).unwrap();
            assert_eq!(Date::from_unix(d.days() * 86_400), d);
        }
    }

    #[test]
    fn orders_chronologically() {
        assert!(Date::parse("2019-01-24").unwrap() < Date::parse("2019-02-01").unwrap());
    }
}
