//! Calendar dates and NHS/local-government financial years.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diag::Code;

/// A real calendar date, written in YAML as `2019-04-01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

const MONTHS: [&str; 12] = [
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
    pub fn ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }

    /// "1 April 2019"
    pub fn long(self) -> String {
        format!(
            "{} {} {}",
            self.0.day(),
            MONTHS[self.0.month0() as usize],
            self.0.year()
        )
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// A date written `YYYY-MM-DD` with a four-digit year. Years chrono
    /// could hold but no agreement uses (`+262143-12-31`) are refused, so
    /// the financial year of any date always has a 31 March.
    pub fn parse(s: &str) -> Option<Date> {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .ok()
            .filter(|d| (1000..=9999).contains(&d.year()))
            .map(Date)
    }

    /// The financial year (1 April to 31 March) this date falls in.
    pub fn financial_year(self) -> FinancialYear {
        let y = self.0.year();
        let start = if self.0.month() >= 4 { y } else { y - 1 };
        FinancialYear { start_year: start }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date written as YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).ok_or_else(|| {
                    E::custom(
                        Code::DateInvalid
                            .tag(&format!("`{v}` is not a real date written as YYYY-MM-DD")),
                    )
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Date, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Date, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Date, E> {
                Err(E::custom(Code::DateInvalid.tag(&format!(
                    "{v:?} is a number, not a date written as YYYY-MM-DD"
                ))))
            }
        }
        d.deserialize_any(V)
    }
}

/// A financial year such as 2019/20, running 1 April 2019 to 31 March 2020.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear {
    pub start_year: i32,
}

impl FinancialYear {
    pub fn parse(s: &str) -> Option<FinancialYear> {
        let (a, b) = s.trim().split_once('/')?;
        if a.len() != 4 || !(b.len() == 2 || b.len() == 4) {
            return None;
        }
        let start: i32 = a.parse().ok()?;
        let end: i32 = b.parse().ok()?;
        let expected = if b.len() == 2 {
            (start + 1) % 100
        } else {
            start + 1
        };
        (end == expected).then_some(FinancialYear { start_year: start })
    }

    pub fn start(self) -> Date {
        Date::ymd(self.start_year, 4, 1).expect("1 April always exists")
    }

    pub fn end(self) -> Date {
        Date::ymd(self.start_year + 1, 3, 31).expect("31 March always exists")
    }

    pub fn contains(self, d: Date) -> bool {
        self.start() <= d && d <= self.end()
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.start_year, (self.start_year + 1) % 100)
    }
}

impl Serialize for FinancialYear {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for FinancialYear {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        FinancialYear::parse(&s).ok_or_else(|| {
            de::Error::custom(Code::FinancialYearInvalid.tag(&format!(
                "`{s}` is not a financial year; write it as \"2019/20\""
            )))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_four_digit_years_are_dates() {
        assert!(Date::parse("2019-04-01").is_some());
        for s in [
            "+262143-12-31",
            "262143-12-31",
            "10000-01-01",
            "999-01-01",
            "-2019-04-01",
        ] {
            assert!(Date::parse(s).is_none(), "{s}");
        }
    }

    #[test]
    fn financial_year_bounds() {
        let fy = FinancialYear::parse("2019/20").unwrap();
        assert_eq!(fy.start().long(), "1 April 2019");
        assert_eq!(fy.end().long(), "31 March 2020");
        assert_eq!(fy.to_string(), "2019/20");
        assert_eq!(
            FinancialYear::parse("1999/2000").unwrap().to_string(),
            "1999/00"
        );
        assert!(FinancialYear::parse("2019/21").is_none());
        assert_eq!(Date::parse("2020-03-31").unwrap().financial_year(), fy);
        assert_eq!(
            Date::parse("2020-04-01")
                .unwrap()
                .financial_year()
                .to_string(),
            "2020/21"
        );
    }
}
