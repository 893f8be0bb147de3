//! Money: exact decimal pounds, parsed only from text or whole numbers.
//!
//! A YAML float such as `1234.5` is refused rather than converted, because a
//! float has already lost the exact figure by the time we see it.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diag::Code;

/// An exact amount of money in pounds sterling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

/// Why a piece of text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("`{0}` is not an amount of money")]
    NotANumber(String),
    #[error("`{0}` has malformed thousands separators (groups after the first must have exactly three digits)")]
    BadGrouping(String),
    #[error("`{0}` has more than two decimal places (pence)")]
    TooPrecise(String),
    #[error("`{0}` is empty")]
    Empty(String),
}

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    pub fn new(d: Decimal) -> Self {
        Money(d)
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Parses "£16,825,074", "16825074.00", "-£1,200.50", "Nil" (zero).
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(MoneyError::Empty(text.to_string()));
        }
        if t.eq_ignore_ascii_case("nil") {
            return Ok(Money::ZERO);
        }
        let (neg, rest) = match t.strip_prefix('-') {
            Some(r) => (true, r.trim_start()),
            None => (false, t),
        };
        let rest = rest.strip_prefix('£').unwrap_or(rest);
        let (int_part, frac_part) = match rest.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (rest, None),
        };
        if int_part.is_empty() || !int_part.chars().all(|c| c.is_ascii_digit() || c == ',') {
            return Err(MoneyError::NotANumber(text.to_string()));
        }
        if int_part.contains(',') {
            let groups: Vec<&str> = int_part.split(',').collect();
            let first_ok = (1..=3).contains(&groups[0].len());
            let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
            if !first_ok || !rest_ok {
                return Err(MoneyError::BadGrouping(text.to_string()));
            }
        }
        let digits: String = int_part.chars().filter(|c| *c != ',').collect();
        let mut s = digits;
        if let Some(f) = frac_part {
            if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
                return Err(MoneyError::NotANumber(text.to_string()));
            }
            if f.len() > 2 {
                return Err(MoneyError::TooPrecise(text.to_string()));
            }
            s.push('.');
            s.push_str(f);
        }
        let d = Decimal::from_str(&s).map_err(|_| MoneyError::NotANumber(text.to_string()))?;
        Ok(Money(if neg { -d } else { d }))
    }

    /// "£60,267,168" or "£1,200.50"; negative as "-£5".
    pub fn display(self) -> String {
        format_pounds(self.0)
    }
}

/// Formats a decimal as pounds with thousands separators. Pence are shown
/// only when the amount has them.
pub fn format_pounds(d: Decimal) -> String {
    let neg = d.is_sign_negative() && !d.is_zero();
    let abs = d.abs().normalize();
    let whole = abs.trunc();
    let frac = abs - whole;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let pence = if frac.is_zero() {
        String::new()
    } else {
        let p = (frac * Decimal::from(100)).round();
        format!(".{:02}", p)
    };
    format!("{}£{}{}", if neg { "-" } else { "" }, grouped, pence)
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl Serialize for Money {
    /// Serialised as an exact decimal string, never a float, so templates
    /// and filters see the exact figure.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount of money written as text, such as \"£16,825,074\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse(v).map_err(|e| {
                    let code = match e {
                        MoneyError::BadGrouping(_) => Code::MoneyGrouping,
                        _ => Code::MoneyInvalid,
                    };
                    E::custom(code.tag(&e.to_string()))
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                Ok(Money(Decimal::from(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                Ok(Money(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
                Err(E::custom(Code::MoneyFloat.tag(&format!(
                    "{v:?} is a YAML float; money must be exact, so it is never converted from a float"
                ))))
            }
        }
        d.deserialize_any(V)
    }
}

/// A percentage written as text or a number, e.g. "6.64%" or "50". Kept
/// exact. Floats are refused for the same reason as money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(pub Decimal);

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Percent;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a percentage written as text, such as \"6.64%\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Percent, E> {
                let t = v.trim().trim_end_matches('%').trim();
                Decimal::from_str(t).map(Percent).map_err(|_| {
                    E::custom(Code::PercentInvalid.tag(&format!("`{v}` is not a percentage")))
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Percent, E> {
                Ok(Percent(Decimal::from(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Percent, E> {
                Ok(Percent(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Percent, E> {
                Err(E::custom(Code::PercentInvalid.tag(&format!(
                    "{v} is a YAML float; write percentages as text such as \"{v}%\" so they stay exact"
                ))))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        assert_eq!(
            Money::parse("£16,825,074").unwrap().amount(),
            Decimal::from(16_825_074)
        );
        assert_eq!(
            Money::parse("16825074.00").unwrap().amount(),
            Decimal::from(16_825_074)
        );
        assert_eq!(Money::parse("Nil").unwrap(), Money::ZERO);
        assert_eq!(
            Money::parse("-£1,200.50").unwrap().amount(),
            Decimal::new(-120050, 2)
        );
    }

    #[test]
    fn refuses_bad_grouping_and_precision() {
        assert!(matches!(
            Money::parse("£4,745,00"),
            Err(MoneyError::BadGrouping(_))
        ));
        assert!(matches!(
            Money::parse("£1,0000"),
            Err(MoneyError::BadGrouping(_))
        ));
        assert!(matches!(
            Money::parse("£12.345"),
            Err(MoneyError::TooPrecise(_))
        ));
        assert!(matches!(
            Money::parse("twelve"),
            Err(MoneyError::NotANumber(_))
        ));
    }

    #[test]
    fn displays_with_separators() {
        assert_eq!(Money::parse("60267168").unwrap().display(), "£60,267,168");
        assert_eq!(Money::parse("1200.5").unwrap().display(), "£1,200.50");
        assert_eq!(Money::parse("-999").unwrap().display(), "-£999");
        assert_eq!(Money::ZERO.display(), "£0");
    }
}
