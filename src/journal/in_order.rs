//! Work on the pool, results in order: batches read on this thread are turned into results on
//! rayon's thread pool, and the results are handed over on this thread in the order the
//! batches were read, while the next batches are still being worked on.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;

/// What one batch became on the pool, with its place in the order, or why the work panicked.
type Done<R> = (usize, Result<R, Box<dyn std::any::Any + Send>>);

/// Reads batches with `next` (on this thread) until it gives `None`, turns each into a result
/// with `work` on the pool, and hands the results to `each` on this thread, in the order the
/// batches were read. At most `ahead` batches are read beyond the one being handed over, so
/// memory holds that many whatever the total. The first error of `next` or `each` stops the
/// reading and is returned once the batches in flight are done; nothing after it is handed
/// over. A panic in `work` is resumed on this thread.
pub(super) fn in_order<B: Send, R: Send, E>(
    ahead: usize,
    mut next: impl FnMut() -> Result<Option<B>, E>,
    work: impl Fn(B) -> R + Sync,
    mut each: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let ahead = ahead.max(1);
    let work = &work;
    let (send, done) = mpsc::channel::<Done<R>>();
    rayon::in_place_scope(|scope| {
        // Results made but not handed over yet, by their place in the order.
        let mut ready: BTreeMap<usize, R> = BTreeMap::new();
        let (mut sent, mut handed) = (0, 0);
        let mut end = false;
        loop {
            while !end && sent - handed < ahead {
                match next()? {
                    None => end = true,
                    Some(batch) => {
                        let send = send.clone();
                        let seq = sent;
                        scope.spawn(move |_| {
                            let made = panic::catch_unwind(AssertUnwindSafe(|| work(batch)));
                            // The receiver outlives the scope.
                            let _ = send.send((seq, made));
                        });
                        sent += 1;
                    }
                }
            }
            if handed == sent {
                return Ok(());
            }
            let result = loop {
                if let Some(r) = ready.remove(&handed) {
                    break r;
                }
                let (seq, made) = done.recv().expect("the work sends what it made");
                match made {
                    Ok(r) => ready.insert(seq, r),
                    Err(cause) => panic::resume_unwind(cause),
                };
            };
            handed += 1;
            each(result)?;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_order_the_batches_were_read() {
        let mut batches = (0..200u64).map(|i| (i..i + 50).collect::<Vec<_>>());
        let mut got = Vec::new();
        let result: Result<(), ()> = in_order(
            3,
            || Ok(batches.next()),
            |batch: Vec<u64>| {
                // Later batches finish first now and then.
                if batch[0] % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                batch.iter().sum::<u64>()
            },
            |sum| {
                got.push(sum);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        let expected: Vec<u64> = (0..200u64).map(|i| (i..i + 50).sum()).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn the_first_error_stops_the_reading_and_nothing_after_it_is_handed_over() {
        let mut read = 0;
        let mut got = Vec::new();
        let result = in_order(
            2,
            || {
                read += 1;
                Ok(Some(read))
            },
            |n: i32| n * 10,
            |r| {
                if r == 50 {
                    return Err(format!("at {r}"));
                }
                got.push(r);
                Ok(())
            },
        );
        assert_eq!(result, Err("at 50".to_string()));
        assert_eq!(got, vec![10, 20, 30, 40]);
        assert!(
            read <= 5 + 2,
            "read {read} batches, at most `ahead` past the error"
        );
        let failed: Result<(), &str> = in_order(
            2,
            || Err("cannot read"),
            |n: i32| n,
            |_| panic!("nothing was read"),
        );
        assert_eq!(failed, Err("cannot read"));
    }
}
