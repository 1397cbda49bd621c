//! Seeded random numbers for the demo and the live chat: Python's
//! `random.Random` (MT19937 with CPython's seeding and its `randint`,
//! `random` and `choice`), so the demo conversation first written with a
//! Python generator comes out of the Rust one byte for byte, and no
//! dependency's choice of algorithm can shift the demo.

/// MT19937's state size in 32-bit words.
const N: usize = 624;
/// MT19937's middle word offset.
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;
/// The fixed seed CPython's `init_by_array` starts from.
const ARRAY_SEED: u32 = 19_650_218;
/// 2^53, the resolution of `random()`.
const FLOAT_STEPS: f64 = 9_007_199_254_740_992.0;
/// 2^26, the weight of `random()`'s first 27 bits.
const HIGH_WEIGHT: f64 = 67_108_864.0;

/// A Mersenne Twister seeded and drawn from exactly as CPython does.
pub(crate) struct PyRandom {
    state: Box<[u32; N]>,
    index: usize,
}

impl PyRandom {
    /// `random.Random(seed)` for a non-negative integer seed.
    pub(crate) fn new(seed: u64) -> Self {
        // CPython splits the seed's absolute value into 32-bit words, least
        // significant first, dropping leading zero words (keeping at least one).
        let low = u32::try_from(seed & u64::from(u32::MAX)).unwrap_or(0);
        let high = u32::try_from(seed >> 32).unwrap_or(0);
        let key: &[u32] = if high == 0 { &[low] } else { &[low, high] };
        let mut rng = PyRandom {
            state: Box::new([0; N]),
            index: N,
        };
        rng.init_by_array(key);
        rng
    }

    fn init_genrand(&mut self, seed: u32) {
        let mt = &mut self.state;
        mt[0] = seed;
        for i in 1..N {
            let previous = mt[i - 1];
            mt[i] = 1_812_433_253u32
                .wrapping_mul(previous ^ (previous >> 30))
                .wrapping_add(word(i));
        }
        self.index = N;
    }

    fn init_by_array(&mut self, key: &[u32]) {
        self.init_genrand(ARRAY_SEED);
        let mt = &mut self.state;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            let previous = mt[i - 1];
            mt[i] = (mt[i] ^ (previous ^ (previous >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(word(j));
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let previous = mt[i - 1];
            mt[i] = (mt[i] ^ (previous ^ (previous >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(word(i));
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
    }

    fn twist(&mut self) {
        let mt = &mut self.state;
        for k in 0..N {
            let y = (mt[k] & UPPER_MASK) | (mt[(k + 1) % N] & LOWER_MASK);
            let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
            mt[k] = mt[(k + M) % N] ^ (y >> 1) ^ mag;
        }
        self.index = 0;
    }

    /// The next 32 random bits (`genrand_uint32`).
    pub(crate) fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `_randbelow(n)` for 0 < n < 2^32: rejection sampling on `n`'s bit length.
    fn below(&mut self, n: u32) -> u32 {
        let bits = u32::BITS - n.leading_zeros();
        loop {
            let candidate = self.next_u32() >> (u32::BITS - bits);
            if candidate < n {
                return candidate;
            }
        }
    }

    /// `randint(low, high)`: uniform in `low..=high`.
    pub(crate) fn randint(&mut self, low: i64, high: i64) -> i64 {
        let width = u32::try_from(high - low + 1).unwrap_or(1).max(1);
        low + i64::from(self.below(width))
    }

    /// `random()`: uniform in `[0, 1)` with 53 bits.
    pub(crate) fn random(&mut self) -> f64 {
        let high = f64::from(self.next_u32() >> 5);
        let low = f64::from(self.next_u32() >> 6);
        (high * HIGH_WEIGHT + low) / FLOAT_STEPS
    }

    /// `choice(items)`; `items` must not be empty.
    pub(crate) fn choice<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let len = u32::try_from(items.len()).unwrap_or(u32::MAX);
        let index = usize::try_from(self.below(len)).unwrap_or(0);
        &items[index]
    }

    /// `True` with probability `p` (`random() < p`).
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.random() < p
    }
}

/// A state index as the `u32` the recurrences add (always below 625).
fn word(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values printed by CPython 3.11:
    //   r = random.Random(4821)
    //   [r.randint(5, 30) for _ in range(3)], r.random(), r.randint(0, 999),
    //   r.choice("abcde"), r.getrandbits(32)
    #[test]
    fn draws_what_cpython_draws() {
        let mut rng = PyRandom::new(4821);
        let ints: Vec<i64> = (0..3).map(|_| rng.randint(5, 30)).collect();
        assert_eq!(ints, [19, 20, 15]);
        assert!((rng.random() - 0.045_895_723_573_112).abs() < 1e-15);
        assert_eq!(rng.randint(0, 999), 231);
        assert_eq!(*rng.choice(&['a', 'b', 'c', 'd', 'e']), 'e');
        assert_eq!(rng.next_u32(), 495_799_398);
    }

    #[test]
    fn seeds_of_one_and_two_words_match_cpython() {
        // random.Random(0).random() and random.Random(2**40 + 5).randint(1, 40)
        assert!((PyRandom::new(0).random() - 0.844_421_851_525_048_1).abs() < 1e-16);
        assert_eq!(PyRandom::new((1 << 40) + 5).randint(1, 40), 33);
    }
}
