//! How a bill's line is split between the patient and their payer scheme.
//!
//! The patient first pays what is left of the bill's co-payment, out of
//! the first lines of the bill; the scheme then covers its percentage of
//! the rest of each line, rounded down to the minor unit, and the patient
//! pays the remainder. So the two shares always sum to the line's amount,
//! and any odd minor unit falls to the patient, never to the insurer.

/// What a scheme covers: basis points of each line (10000 = all) after the
/// patient's co-payment per bill, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cover {
    pub coverage_bp: i64,
    pub co_payment: i64,
}

impl Cover {
    /// A patient paying for themselves.
    pub const SELF_PAY: Cover = Cover {
        coverage_bp: 0,
        co_payment: 0,
    };
}

/// A line's amount split in two; `co_payment` is the part of the patient's
/// share that goes to the bill's co-payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shares {
    pub patient: i64,
    pub scheme: i64,
    pub co_payment: i64,
}

/// Splits a line of `amount` (0 or more) under `cover`, where
/// `co_payment_paid` of the bill's co-payment is already in its lines.
pub fn split(amount: i64, cover: Cover, co_payment_paid: i64) -> Shares {
    let amount = amount.max(0);
    let owed = if cover.coverage_bp > 0 {
        (cover.co_payment - co_payment_paid).clamp(0, amount)
    } else {
        0
    };
    let rest = amount - owed;
    let bp = cover.coverage_bp.clamp(0, 10_000);
    let scheme = (i128::from(rest) * i128::from(bp) / 10_000) as i64;
    Shares {
        patient: amount - scheme,
        scheme,
        co_payment: owed,
    }
}

/// The shares of a reversal: the original's, negated.
pub fn reversed(s: Shares) -> Shares {
    Shares {
        patient: -s.patient,
        scheme: -s.scheme,
        co_payment: -s.co_payment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const INSURED: Cover = Cover {
        coverage_bp: 8_000,
        co_payment: 500,
    };

    #[test]
    fn self_pay_pays_everything() {
        let s = split(1_999, Cover::SELF_PAY, 0);
        assert_eq!((s.patient, s.scheme, s.co_payment), (1_999, 0, 0));
    }

    #[test]
    fn a_waiver_covers_everything() {
        let waiver = Cover {
            coverage_bp: 10_000,
            co_payment: 0,
        };
        let s = split(1_999, waiver, 0);
        assert_eq!((s.patient, s.scheme), (0, 1_999));
    }

    #[test]
    fn the_co_payment_comes_first_then_the_coverage() {
        // 500 co-payment, then 80% of the remaining 1500.
        let s = split(2_000, INSURED, 0);
        assert_eq!((s.patient, s.scheme, s.co_payment), (800, 1_200, 500));
        // The co-payment is taken once per bill, across its lines.
        let first = split(300, INSURED, 0);
        assert_eq!(
            (first.patient, first.scheme, first.co_payment),
            (300, 0, 300)
        );
        let second = split(1_000, INSURED, 300);
        assert_eq!(second.co_payment, 200);
        assert_eq!((second.patient, second.scheme), (200 + 160, 640));
        let third = split(1_000, INSURED, 500);
        assert_eq!(
            (third.patient, third.scheme, third.co_payment),
            (200, 800, 0)
        );
    }

    #[test]
    fn the_odd_minor_unit_falls_to_the_patient() {
        let third = Cover {
            coverage_bp: 3_333,
            co_payment: 0,
        };
        // 3333 bp of 101 is 33.66: the scheme pays 33.
        let s = split(101, third, 0);
        assert_eq!((s.patient, s.scheme), (68, 33));
    }

    #[test]
    fn a_reversal_negates_each_share() {
        let s = split(2_000, INSURED, 0);
        let r = reversed(s);
        assert_eq!((r.patient, r.scheme, r.co_payment), (-800, -1_200, -500));
    }

    proptest! {
        #[test]
        fn shares_always_sum_to_the_amount(
            amount in 0i64..10_000_000_000,
            bp in 0i64..=10_000,
            co in 0i64..1_000_000,
            paid in 0i64..1_000_000,
        ) {
            let s = split(amount, Cover { coverage_bp: bp, co_payment: co }, paid);
            prop_assert_eq!(s.patient + s.scheme, amount);
            prop_assert!(s.scheme >= 0 && s.patient >= 0);
            prop_assert!(s.co_payment >= 0 && s.co_payment <= s.patient);
        }
    }
}

/// What is left to pay on a bill, side by side: the patient's share less
/// what the patient paid (cash, mobile money, card, refunds included), and
/// the scheme's share less the scheme's settlements. The cash desk takes the
/// patient's part from the patient and the scheme's part only as the
/// scheme's settlement, so an insured patient is never asked for what their
/// insurer owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Left {
    pub patient: i64,
    pub scheme: i64,
}

impl Left {
    /// From the bill's two shares and its payments (method, amount).
    pub fn of(
        patient_share: i64,
        scheme_share: i64,
        payments: impl IntoIterator<Item = (super::Method, i64)>,
    ) -> Left {
        let mut left = Left {
            patient: patient_share,
            scheme: scheme_share,
        };
        for (method, amount) in payments {
            if method == super::Method::Scheme {
                left.scheme -= amount;
            } else {
                left.patient -= amount;
            }
        }
        left
    }

    /// What a payment by `method` may take at most.
    pub fn for_method(self, method: super::Method) -> i64 {
        if method == super::Method::Scheme {
            self.scheme
        } else {
            self.patient
        }
    }
}

#[cfg(test)]
mod left_tests {
    use super::super::Method;
    use super::Left;

    #[test]
    fn the_patient_and_the_scheme_each_owe_their_share_less_their_own_payments() {
        let left = Left::of(
            460,
            1_040,
            [
                (Method::Cash, 400),
                (Method::Scheme, 1_000),
                (Method::Cash, -50),
            ],
        );
        assert_eq!(
            left,
            Left {
                patient: 110,
                scheme: 40
            }
        );
        assert_eq!(left.for_method(Method::Card), 110);
        assert_eq!(left.for_method(Method::Scheme), 40);
    }
}
