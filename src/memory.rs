//! The allocator every binary built on the library uses, and giving its slack back after a
//! bulk build.
//!
//! Why mimalloc rather than the C library's allocator: an import parses rows on rayon's pool
//! and adds them on another thread, so most of its small blocks are freed by a thread other
//! than the one that made them. glibc takes the owning arena's lock for each such free and
//! consolidates the freed blocks when a large block is asked for; a profile of the 10M
//! import put a seventh of its CPU time in `malloc`, `free` and `malloc_consolidate`.
//! mimalloc frees them to per-page lists without a lock (see BENCHMARKS.md, "mimalloc").
//!
//! A thread's freed pages stay with it until it allocates again or is asked to collect: after
//! a bulk build, [`give_back`] asks every thread of the pool and the calling thread, so the
//! resident set is the graph's own bytes and little more.

/// The process's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Returns the memory freed by a bulk build (an import, a kept start) to the system: every
/// thread of rayon's pool and the calling thread collect their heaps. O(the heaps' pages).
pub fn give_back() {
    fn collect() {
        // SAFETY: `mi_collect` takes no pointer and may be called on any thread at any time;
        // it only frees pages of the calling thread's heap that hold no live block.
        unsafe { libmimalloc_sys::mi_collect(true) }
    }
    rayon::broadcast(|_| collect());
    collect();
}
