//! The random draws behind every generator, written here so that they never change.
//!
//! A generator's randomness is one ChaCha20 key per generator and seed:
//!
//! ```text
//! key = SHA-256(UTF-8 "driftledger-synth/" ‖ generator ‖ "/v1/" ‖ decimal seed)
//! e.g. SHA-256("driftledger-synth/metric/v1/42")
//! ```
//!
//! and the generator splits it into independent parts with ChaCha20's 64-bit
//! stream number (its nonce), so that, say, the planning of attacks does not
//! shift when the benign traffic draws one more number. Each generator
//! documents which stream feeds what.
//!
//! The distributions are hand-written rather than taken from `rand` or
//! `rand_distr`, whose algorithms may change between releases: committed
//! fixtures must regenerate bit for bit forever. For the same reason
//! [`exp`] and [`ln`] are computed here from IEEE-exact operations (`+ − × ÷`
//! and `sqrt`) instead of calling the platform's libm, whose last bit may
//! differ between systems.
//!
//! Algorithms: uniform doubles from the top 53 bits of a 64-bit draw;
//! integers below `n` by Lemire's multiply-and-reject (unbiased); standard
//! normals by Marsaglia's polar method (one value per call, the second one
//! discarded so that no state hides between calls); log-normals as
//! `exp(μ + σ·z)`; Poisson by Knuth's multiplication for λ < 30 and by
//! Hörmann's PTRS (transformed rejection with squeeze, 1993) from 30 up, which
//! is exact (no normal approximation); Beta(2, 2) as the median of three
//! uniforms; shuffles by Fisher–Yates; distinct samples by Floyd's algorithm.

use chacha20::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// The ChaCha20 key of `generator` for `seed`: SHA-256 of
/// `"driftledger-synth/<generator>/v1/<seed>"`.
pub fn seed_key(generator: &str, seed: u64) -> [u8; 32] {
    Sha256::digest(format!("driftledger-synth/{generator}/v1/{seed}").as_bytes()).into()
}

/// A seeded source of random draws: one ChaCha20 stream of one generator's key.
pub struct SeededRng {
    chacha: ChaCha20Rng,
}

impl std::fmt::Debug for SeededRng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeededRng")
            .field("stream", &self.chacha.get_stream())
            .field("word_pos", &self.chacha.get_word_pos())
            .finish_non_exhaustive()
    }
}

impl SeededRng {
    /// Stream `stream` of the key [`seed_key`]`(generator, seed)`.
    pub fn new(generator: &str, seed: u64, stream: u64) -> Self {
        let mut chacha = ChaCha20Rng::from_seed(seed_key(generator, seed));
        chacha.set_stream(stream);
        SeededRng { chacha }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.chacha.next_u64()
    }

    /// A uniform double in [0, 1): the top 53 bits of a draw, times 2^-53.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform double in [`low`, `high`).
    pub fn uniform_between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.uniform()
    }

    /// A uniform integer in [0, `n`), unbiased (Lemire 2019: multiply, and
    /// reject the few low products that would favour some results). `n` must
    /// not be 0.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0) has no value to return");
        let mut product = u128::from(self.next_u64()) * u128::from(n);
        if (product as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (product as u64) < threshold {
                product = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (product >> 64) as u64
    }

    /// A uniform integer in [`low`, `high`], both included.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        assert!(low <= high, "between({low}, {high}) is empty");
        match (high - low).checked_add(1) {
            Some(n) => low + self.below(n),
            None => self.next_u64(),
        }
    }

    /// `true` with probability `p`.
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// A standard normal (mean 0, variance 1), by Marsaglia's polar method.
    pub fn normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * (-2.0 * ln(s) / s).sqrt();
            }
        }
    }

    /// A log-normal: `exp(mu + sigma · z)` for a standard normal `z`, so its
    /// median is `exp(mu)` and its mean `exp(mu + sigma²/2)`.
    pub fn log_normal(&mut self, mu: f64, sigma: f64) -> f64 {
        exp(mu + sigma * self.normal())
    }

    /// A Poisson count of mean `lambda` (0 for λ ≤ 0 or NaN).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda.is_nan() || lambda <= 0.0 {
            0
        } else if lambda < 30.0 {
            self.poisson_knuth(lambda)
        } else {
            self.poisson_ptrs(lambda)
        }
    }

    /// Knuth: multiply uniforms until the product falls to e^-λ; costs about
    /// λ draws, hence only for small λ.
    fn poisson_knuth(&mut self, lambda: f64) -> u64 {
        let limit = exp(-lambda);
        let mut product = 1.0;
        let mut count = 0;
        loop {
            product *= self.uniform();
            if product <= limit {
                return count;
            }
            count += 1;
        }
    }

    /// Hörmann, "The transformed rejection method for generating Poisson
    /// random variables", Insurance: Mathematics and Economics 12 (1993),
    /// algorithm PTRS; constants as in the paper (valid for λ ≥ 10).
    fn poisson_ptrs(&mut self, lambda: f64) -> u64 {
        let sqrt_lambda = lambda.sqrt();
        let ln_lambda = ln(lambda);
        let b = 0.931 + 2.53 * sqrt_lambda;
        let a = -0.059 + 0.02483 * b;
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let v_r = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.uniform() - 0.5;
            let v = self.uniform();
            let us = 0.5 - u.abs();
            // us = 0 makes k = -∞, refused just below.
            let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
            if us >= 0.07 && v <= v_r {
                return k as u64;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            let accept = ln(v) + ln(inv_alpha) - ln(a / (us * us) + b);
            if accept <= -lambda + k * ln_lambda - ln_factorial(k as u64) {
                return k as u64;
            }
        }
    }

    /// A Beta(2, 2) draw in [0, 1): the median of three uniforms, whose
    /// density is 6x(1 − x), i.e. Beta(2, 2).
    pub fn beta_2_2(&mut self) -> f64 {
        let (a, b, c) = (self.uniform(), self.uniform(), self.uniform());
        a.min(b).max(a.max(b).min(c))
    }

    /// Shuffles `items` uniformly (Fisher–Yates, from the back).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }

    /// One of `items`, uniformly. `items` must not be empty.
    pub fn choose<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A copy of one of `items`, uniformly. `items` must not be empty.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        *self.choose(items)
    }

    /// `k` distinct integers from [0, `n`) (Floyd's algorithm: k draws, no
    /// table of size n), in a uniformly random order. `k` must not exceed `n`.
    pub fn distinct(&mut self, n: u64, k: u64) -> Vec<u64> {
        assert!(k <= n, "cannot draw {k} distinct values below {n}");
        let mut chosen: Vec<u64> = Vec::with_capacity(k as usize);
        for j in n - k..n {
            let t = self.below(j + 1);
            chosen.push(if chosen.contains(&t) { j } else { t });
        }
        self.shuffle(&mut chosen);
        chosen
    }

    /// An index into a table of cumulative weights (each entry the sum of the
    /// weights up to and including it; the last one positive), drawn with
    /// probability proportional to its weight.
    pub fn weighted_index(&mut self, cumulative: &[f64]) -> usize {
        let total = cumulative.last().copied().unwrap_or(0.0);
        let target = self.uniform() * total;
        cumulative
            .partition_point(|&upto| upto <= target)
            .min(cumulative.len().saturating_sub(1))
    }

    /// A version-4-shaped UUID from 128 random bits, lowercase hyphenated.
    pub fn uuid_v4(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_be_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_be_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    /// 128 random bits as 32 lowercase hex digits (the shape of an MD5 device fingerprint).
    pub fn hex_128(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }
}

const LN2_HI: f64 = 6.931_471_803_691_238e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;

/// e^x, within a few units in the last place, from IEEE-exact operations
/// only (so it is the same bits on every machine): x = k·ln 2 + r with
/// |r| ≤ ln 2 / 2, a degree-13 Taylor polynomial for e^r, and a scaling by 2^k.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.782_712_893_384 {
        return f64::INFINITY;
    }
    if x < -745.133_219_101_941_1 {
        return 0.0;
    }
    let k = (x * std::f64::consts::LOG2_E).round();
    // ln 2 in two parts, the first with trailing zero bits, so k·LN2_HI is exact.
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut e_r = 1.0;
    for n in (1..=13).rev() {
        e_r = 1.0 + e_r * r / f64::from(n);
    }
    scale_by_power_of_two(e_r, k as i64)
}

/// `value · 2^k`, in two exact steps where 2^k alone is not a normal double.
fn scale_by_power_of_two(value: f64, k: i64) -> f64 {
    let power = |k: i64| f64::from_bits(((k + 1023) as u64) << 52);
    if k > 1023 {
        value * power(1023) * power(k - 1023)
    } else if k < -1022 {
        value * power(-1022) * power(k + 1022)
    } else {
        value * power(k)
    }
}

/// The natural logarithm, within a few units in the last place, from
/// IEEE-exact operations only: x = m·2^e with m in (√½, √2], then
/// ln m = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …) with s = (m − 1)/(m + 1), |s| < 0.172.
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x == f64::INFINITY {
        return x;
    }
    let (x, mut e) = if x < f64::MIN_POSITIVE {
        (x * (1u64 << 54) as f64, -54)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut series = 0.0;
    for n in (0..=11).rev() {
        series = 1.0 / f64::from(2 * n + 1) + s2 * series;
    }
    let e = e as f64;
    e * LN2_HI + (e * LN2_LO + 2.0 * s * series)
}

/// ln(k!): exact factorials below 10, Stirling's series (to the k⁻⁷ term,
/// error below 1e-13) from 10 up.
fn ln_factorial(k: u64) -> f64 {
    const FACTORIALS: [f64; 10] = [1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362880.0];
    if k < 10 {
        return ln(FACTORIALS[k as usize]);
    }
    const HALF_LN_TWO_PI: f64 = 0.918_938_533_204_672_7;
    let n = k as f64;
    let inv = 1.0 / n;
    let inv2 = inv * inv;
    let correction = inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 / 1680.0)));
    (n + 0.5) * ln(n) - n + HALF_LN_TWO_PI + correction
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: usize = 200_000;

    fn mean_and_variance(samples: impl Iterator<Item = f64>) -> (f64, f64) {
        let values: Vec<f64> = samples.collect();
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
        (mean, variance)
    }

    fn assert_close(what: &str, actual: f64, expect: f64, tolerance: f64) {
        assert!(
            (actual - expect).abs() <= tolerance,
            "{what}: {actual} is not within {tolerance} of {expect}"
        );
    }

    #[test]
    fn chacha20_known_answer() {
        // rand_chacha's test vector for an all-zero key (the ChaCha20 block
        // function of RFC 7539 §2.3 at counter 0, nonce 0): first words
        // 0xade0b876, 0x903df1a0; a u64 is the first word in the low half.
        let mut chacha = ChaCha20Rng::from_seed([0; 32]);
        assert_eq!(chacha.next_u64(), 0x903d_f1a0_ade0_b876);
    }

    #[test]
    fn seed_key_is_sha256_of_the_documented_text() {
        // printf 'driftledger-synth/metric/v1/42' | sha256sum
        let expect = "5b3a7202593e37e2ff97e4e827a983abb83023974b5b9ad05862fe26efa95dc2";
        let key = seed_key("metric", 42);
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expect);
    }

    #[test]
    fn generators_seeds_and_streams_are_independent() {
        let first = |generator: &str, seed: u64, stream: u64| SeededRng::new(generator, seed, stream).next_u64();
        let reference = first("metric", 1, 0);
        assert_eq!(reference, first("metric", 1, 0));
        assert_ne!(reference, first("auth", 1, 0));
        assert_ne!(reference, first("metric", 2, 0));
        assert_ne!(reference, first("metric", 1, 1));
    }

    #[test]
    fn uniform() {
        let mut rng = SeededRng::new("test", 1, 0);
        let samples: Vec<f64> = (0..N).map(|_| rng.uniform()).collect();
        assert!(samples.iter().all(|u| (0.0..1.0).contains(u)));
        let (mean, variance) = mean_and_variance(samples.into_iter());
        assert_close("mean", mean, 0.5, 0.005);
        assert_close("variance", variance, 1.0 / 12.0, 0.002);
        let between: Vec<f64> = (0..1000).map(|_| rng.uniform_between(3.0, 8.0)).collect();
        assert!(between.iter().all(|v| (3.0..8.0).contains(v)));
    }

    #[test]
    fn integers_in_ranges_are_unbiased() {
        let mut rng = SeededRng::new("test", 2, 0);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[rng.below(7) as usize] += 1;
        }
        // Each count is Binomial(70000, 1/7): mean 10000, sd ≈ 93.
        for count in counts {
            assert_close("count", f64::from(count), 10_000.0, 500.0);
        }
        for _ in 0..10_000 {
            assert!((3..=5).contains(&rng.between(3, 5)));
        }
        assert_eq!(rng.below(1), 0);
        assert_eq!(rng.between(9, 9), 9);
        // The full range and a range just above 2^63, where rejection matters most.
        rng.between(0, u64::MAX);
        let big = (1u64 << 63) + 1;
        assert!((0..1000).all(|_| rng.below(big) < big));
    }

    #[test]
    fn normal() {
        let mut rng = SeededRng::new("test", 3, 0);
        let (mean, variance) = mean_and_variance((0..N).map(|_| rng.normal()));
        assert_close("mean", mean, 0.0, 0.01);
        assert_close("variance", variance, 1.0, 0.02);
    }

    #[test]
    fn log_normal() {
        let mut rng = SeededRng::new("test", 4, 0);
        let (mu, sigma) = (6.0, 0.5);
        let samples: Vec<f64> = (0..N).map(|_| rng.log_normal(mu, sigma)).collect();
        assert!(samples.iter().all(|v| *v > 0.0));
        let (mean, _) = mean_and_variance(samples.iter().copied());
        let expect = (mu + sigma * sigma / 2.0).exp();
        assert_close("mean", mean, expect, expect * 0.01);
        let (log_mean, log_variance) = mean_and_variance(samples.iter().map(|v| v.ln()));
        assert_close("mean of ln", log_mean, mu, 0.01);
        assert_close("variance of ln", log_variance, sigma * sigma, 0.01);
    }

    #[test]
    fn poisson() {
        let mut rng = SeededRng::new("test", 5, 0);
        assert!((0..1000).all(|_| rng.poisson(0.0) == 0));
        assert_eq!(rng.poisson(-1.0), 0);
        assert_eq!(rng.poisson(f64::NAN), 0);
        // Knuth below 30, PTRS from 30 on; both sides of the switch.
        for lambda in [0.3, 4.0, 29.9, 30.0, 75.0, 500.0, 20_000.0] {
            let n = 100_000;
            let (mean, variance) = mean_and_variance((0..n).map(|_| rng.poisson(lambda) as f64));
            // Standard error of the mean: sqrt(λ/n); of the variance ≈ λ·sqrt(2/n).
            let mean_tolerance = 5.0 * (lambda / n as f64).sqrt();
            assert_close(&format!("mean at λ={lambda}"), mean, lambda, mean_tolerance);
            let variance_tolerance = 5.0 * lambda * (2.0 / n as f64).sqrt() + 5.0 * (lambda / n as f64).sqrt();
            assert_close(&format!("variance at λ={lambda}"), variance, lambda, variance_tolerance);
        }
        // P(X = 0) = e^-λ, a check of the shape and not only the moments.
        let zeros = (0..N).filter(|_| rng.poisson(2.0) == 0).count() as f64 / N as f64;
        assert_close("P(X=0) at λ=2", zeros, (-2.0f64).exp(), 0.004);
        let at_mode = (0..N).filter(|_| rng.poisson(40.0) == 40).count() as f64 / N as f64;
        // P(X = 40) at λ = 40 = e^-40 · 40^40 / 40! ≈ 0.06295.
        assert_close("P(X=40) at λ=40", at_mode, 0.062_947, 0.003);
    }

    #[test]
    fn bernoulli_and_beta() {
        let mut rng = SeededRng::new("test", 6, 0);
        let hits = (0..N).filter(|_| rng.bernoulli(0.3)).count() as f64 / N as f64;
        assert_close("bernoulli", hits, 0.3, 0.005);
        assert!(!(0..1000).any(|_| rng.bernoulli(0.0)));
        assert!((0..1000).all(|_| rng.bernoulli(1.0)));
        let samples: Vec<f64> = (0..N).map(|_| rng.beta_2_2()).collect();
        assert!(samples.iter().all(|v| (0.0..1.0).contains(v)));
        let (mean, variance) = mean_and_variance(samples.iter().copied());
        assert_close("beta mean", mean, 0.5, 0.005);
        assert_close("beta variance", variance, 0.05, 0.002);
        // CDF 3x² − 2x³ at 0.25 is 0.15625.
        let below_quarter = samples.iter().filter(|v| **v < 0.25).count() as f64 / N as f64;
        assert_close("beta CDF at 0.25", below_quarter, 0.15625, 0.004);
    }

    #[test]
    fn shuffles_choices_and_distinct_samples() {
        let mut rng = SeededRng::new("test", 7, 0);
        let mut items: Vec<u32> = (0..50).collect();
        rng.shuffle(&mut items);
        assert_ne!(items, (0..50).collect::<Vec<_>>());
        items.sort();
        assert_eq!(items, (0..50).collect::<Vec<_>>());
        // Each of 3 items first equally often.
        let mut firsts = [0u32; 3];
        for _ in 0..30_000 {
            let mut three = [0, 1, 2];
            rng.shuffle(&mut three);
            firsts[three[0]] += 1;
        }
        assert!(firsts.iter().all(|c| (9_500..10_500).contains(c)), "{firsts:?}");
        let pool = ["a", "b", "c"];
        assert!((0..100).all(|_| pool.contains(rng.choose(&pool))));
        for (n, k) in [(10, 10), (1000, 30), (5, 0), (762, 762)] {
            let mut drawn = rng.distinct(n, k);
            assert_eq!(drawn.len() as u64, k);
            assert!(drawn.iter().all(|v| *v < n));
            drawn.sort();
            drawn.dedup();
            assert_eq!(drawn.len() as u64, k);
        }
        let cumulative = [1.0, 1.0, 4.0];
        let mut picks = [0u32; 3];
        for _ in 0..40_000 {
            picks[rng.weighted_index(&cumulative)] += 1;
        }
        assert_eq!(picks[1], 0);
        assert_close("weight 1 of 4", f64::from(picks[0]) / 40_000.0, 0.25, 0.01);
    }

    #[test]
    fn ids() {
        let mut rng = SeededRng::new("test", 8, 0);
        let id = rng.uuid_v4();
        let parsed = uuid::Uuid::parse_str(&id).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(id, parsed.hyphenated().to_string());
        let fingerprint = rng.hex_128();
        assert_eq!(fingerprint.len(), 32);
        assert!(fingerprint.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    }

    #[test]
    fn exp_and_ln_match_libm() {
        let relative = |a: f64, b: f64| ((a - b) / b).abs();
        let mut rng = SeededRng::new("test", 9, 0);
        for _ in 0..100_000 {
            let x = rng.uniform_between(-700.0, 700.0);
            assert!(relative(exp(x), x.exp()) < 1e-14, "exp({x})");
            let y = exp(rng.uniform_between(-740.0, 709.0));
            assert!((ln(y) - y.ln()).abs() <= 1e-14 * y.ln().abs().max(1.0), "ln({y})");
        }
        for x in [0.0, 1e-300, 1.0, -1.0, 0.5, 2.0, 30.0, -30.0] {
            assert!(relative(exp(x), x.exp()) < 1e-15, "exp({x})");
        }
        for x in [1.0, 2.0, 0.5, 1e-310, 5e-324, f64::MAX, 1.0 + 1e-12, 1.0 - 1e-12] {
            assert!((ln(x) - x.ln()).abs() <= 1e-15 * x.ln().abs().max(1e-12), "ln({x})");
        }
        assert_eq!(exp(1000.0), f64::INFINITY);
        assert_eq!(exp(-1000.0), 0.0);
        assert!(exp(-740.0) > 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!(ln(-1.0).is_nan());
        assert_eq!(ln(1.0), 0.0);
    }

    #[test]
    fn ln_factorial_matches_exact_sums() {
        let mut exact = 0.0f64;
        for k in 1..200u64 {
            exact += (k as f64).ln();
            assert!((ln_factorial(k) - exact).abs() <= 1e-12 * exact.max(1.0), "ln({k}!)");
        }
        assert_eq!(ln_factorial(0), 0.0);
    }
}
