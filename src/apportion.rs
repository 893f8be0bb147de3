//! Rounding that keeps totals honest.
//!
//! Two rules, both the largest-remainder method:
//! - [`round_to_total`]: shows amounts in a coarser unit (e.g. £000) so the
//!   shown parts add up to the shown total;
//! - [`split`]: divides an amount between partners by weights, to the
//!   penny, so the shares add up exactly.

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds each value to a whole number of `unit`s so that the rounded
/// values add up to the rounded total. Ties in remainder go to the earlier
/// value. Returns whole units.
pub fn round_to_total(values: &[Decimal], unit: Decimal) -> (Vec<Decimal>, Decimal) {
    let total: Decimal = values.iter().copied().sum();
    let target = (total / unit).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let scaled: Vec<Decimal> = values.iter().map(|v| *v / unit).collect();
    let mut shown: Vec<Decimal> = scaled.iter().map(|s| s.floor()).collect();
    let mut short = target - shown.iter().copied().sum::<Decimal>();
    let mut order: Vec<usize> = (0..values.len()).collect();
    // Largest remainder first; when units must be taken away, smallest first.
    order.sort_by(|&a, &b| {
        (scaled[b] - shown[b])
            .cmp(&(scaled[a] - shown[a]))
            .then(a.cmp(&b))
    });
    let mut i = 0;
    while short > Decimal::ZERO && !order.is_empty() {
        shown[order[i % order.len()]] += Decimal::ONE;
        short -= Decimal::ONE;
        i += 1;
    }
    let mut j = order.len();
    while short < Decimal::ZERO && !order.is_empty() {
        j = if j == 0 { order.len() - 1 } else { j - 1 };
        shown[order[j]] -= Decimal::ONE;
        short += Decimal::ONE;
    }
    (shown, target)
}

/// Splits `amount` (pounds) between weights, to the penny. The shares add
/// up to `amount` exactly and each is within a penny of its exact value.
/// Returns `None` when the weights add up to zero.
pub fn split(amount: Decimal, weights: &[Decimal]) -> Option<Vec<Decimal>> {
    let total_w: Decimal = weights.iter().copied().sum();
    if total_w.is_zero() {
        return None;
    }
    let pennies = (amount * Decimal::from(100))
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let sign = if pennies.is_sign_negative() {
        -Decimal::ONE
    } else {
        Decimal::ONE
    };
    let abs = pennies.abs();
    let exact: Vec<Decimal> = weights.iter().map(|w| abs * *w / total_w).collect();
    // The same largest-remainder rule, in whole pennies; the exact shares
    // add up to `abs`, a whole number of pennies, so that is the total.
    let (shares, _) = round_to_total(&exact, Decimal::ONE);
    Some(
        shares
            .into_iter()
            .map(|p| sign * p / Decimal::from(100))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn schedule_3_in_thousands_adds_up() {
        let streams = [
            d("39177206"),
            d("3919459"),
            d("11352700"),
            d("3403556"),
            d("2414247"),
        ];
        let (shown, total) = round_to_total(&streams, d("1000"));
        assert_eq!(total, d("60267"));
        assert_eq!(shown.iter().copied().sum::<Decimal>(), total);
        // 39,177.206 / 3,919.459 / 11,352.700 / 3,403.556 / 2,414.247: two
        // units short after flooring, given to .700 and .556.
        assert_eq!(
            shown,
            vec![d("39177"), d("3919"), d("11353"), d("3404"), d("2414")]
        );
    }

    #[test]
    fn split_to_the_penny() {
        let shares = split(d("100.00"), &[d("1"), d("1"), d("1")]).unwrap();
        assert_eq!(shares, vec![d("33.34"), d("33.33"), d("33.33")]);
        let under = split(d("-100.00"), &[d("1"), d("1"), d("1")]).unwrap();
        assert_eq!(under.iter().copied().sum::<Decimal>(), d("-100.00"));
        assert!(split(d("5"), &[Decimal::ZERO]).is_none());
    }
}
