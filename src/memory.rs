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
//! resident set is the graph's own bytes and little more. Pages emptied meanwhile are given
//! back to the system after a second rather than mimalloc's default 10 ms ([`configure`]): an
//! import empties and fills pages all along, and giving each back at once then taking it
//! again put 4.3–5.3 s of its 25 s of CPU in the kernel (10M relations; 2.0–4.4 s with the
//! second, the machine's noise included).

/// The process's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in `mimalloc.h` (the same place in mimalloc 2 and 3; the sys
/// crate does not name it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long an emptied page is kept before it is given back to the system, in ms.
const PURGE_DELAY_MS: std::ffi::c_long = 1000;

/// Sets the allocator's options, once a process: `main` calls it first, and every bulk build
/// (for a program using the library directly).
pub fn configure() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: an option is a word mimalloc reads when it purges; setting one takes no
        // pointer, and a purge racing the first call reads the old delay or the new.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) }
    });
}

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
