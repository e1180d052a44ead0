//! A tiny seeded random generator, for the analytics' sampling and visiting orders and for the
//! synthetic graph generator.
//!
//! Why not the `rand` crate: analytics must give the same answer, and `dossier generate` the
//! same files, for the same seed on every build, and `rand` does not promise that its
//! generators' output stays the same across versions; SplitMix64 is ten lines, fixed forever,
//! and statistically ample for shuffling and sampling.

/// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit state advanced by a constant and mixed.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose output is fixed by `seed`.
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits. O(1).
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (multiply-shift; the bias, below bound / 2^64, is negligible).
    /// `bound` must be positive. O(1).
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// Puts the first `k` items in a uniformly random order, as a uniform sample of `k` of them
    /// (a partial Fisher–Yates shuffle). O(k).
    pub(crate) fn sample<T>(&mut self, items: &mut [T], k: usize) {
        let n = items.len();
        for i in 0..k.min(n) {
            let j = i + self.below(n - i);
            items.swap(i, j);
        }
    }

    /// A float uniform in `[0, 1)`, from the top 53 bits. O(1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Shuffles `items` uniformly (Fisher–Yates). O(n).
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        self.sample(items, items.len());
    }
}

/// The value of a stateless hash of `seed` and `key`: the same entity always gets the same
/// kind and name, without the generator remembering any of them. O(1).
pub(crate) fn hash(seed: u64, key: u64) -> u64 {
    SplitMix64::new(seed ^ key.wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_order_and_another_seed_another() {
        let order = |seed| {
            let mut items: Vec<u32> = (0..20).collect();
            SplitMix64::new(seed).shuffle(&mut items);
            items
        };
        assert_eq!(order(42), order(42));
        assert_ne!(order(42), order(43));
        let mut sorted = order(42);
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn the_first_output_matches_the_reference_splitmix64() {
        // From the reference implementation (Vigna, splitmix64.c) seeded with 0.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
