//! SplitMix64, copied from `store::analytics::rng` (which is private to the analytics): the
//! generator must give the same files for the same seed on every build, which the `rand`
//! crate does not promise across versions.

/// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit state advanced by a constant and mixed.
#[derive(Debug, Clone)]
pub(super) struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose output is fixed by `seed`.
    pub(super) fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits. O(1).
    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (multiply-shift; the bias is negligible). `bound` must be
    /// positive. O(1).
    pub(super) fn below(&mut self, bound: usize) -> usize {
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// A float uniform in `[0, 1)`, from the top 53 bits. O(1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The value of a stateless hash of `seed` and `key`: the same entity always gets the same
/// kind and name, without the generator remembering any of them. O(1).
pub(super) fn hash(seed: u64, key: u64) -> u64 {
    SplitMix64::new(seed ^ key.wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64()
}
