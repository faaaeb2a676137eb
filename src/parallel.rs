//! Data parallelism where it pays: a map runs on rayon's threads only when it has at
//! least [`MIN_ITEMS`] items. A small chart's render then starts no threads at all (thread
//! start-up and hand-offs cost more than its whole render), while a big one uses every
//! core. Results keep the items' order.

use rayon::prelude::*;

/// The fewest items a map spreads over threads.
pub const MIN_ITEMS: usize = 32;

/// Stack of each of rayon's threads: as the main thread's (8 MiB) and more, since a render
/// at the include-depth limit recurses through Tera once per include (rayon's default
/// stack is 2 MiB).
const STACK_BYTES: usize = 16 << 20;

/// How many threads the pool runs (building it if need be).
pub fn threads() -> usize {
    pool();
    rayon::current_num_threads()
}

/// Builds rayon's pool, with such stacks, before its first use: the first parallel map,
/// or a caller's own use of rayon. A small render, which maps nothing in parallel, starts
/// no thread.
pub fn pool() {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let _ = rayon::ThreadPoolBuilder::new().stack_size(STACK_BYTES).build_global();
    });
}

/// `f` of each item, in order: in parallel for [`MIN_ITEMS`] items or more.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    if items.len() < MIN_ITEMS {
        return items.iter().map(f).collect();
    }
    pool();
    items.par_iter().map(f).collect()
}

/// As [`map`], for items of uneven work: in parallel when their `weight`s add up to
/// [`MIN_ITEMS`] or more (two shares of 2,500 templates each are worth two threads).
pub fn map_weighted<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    if items.len() < 2 || items.iter().map(weight).sum::<usize>() < MIN_ITEMS {
        return items.iter().map(f).collect();
    }
    pool();
    items.par_iter().map(f).collect()
}

/// Drops `value` on a thread of its own when it holds at least [`MIN_ITEMS`] `items`
/// (the compiled templates of a big chart take tens of milliseconds to free), else here.
pub fn drop_aside<T: Send + 'static>(value: T, items: usize) {
    if items >= MIN_ITEMS {
        // A thread that cannot start drops the value with its closure, here.
        let _ = std::thread::Builder::new().spawn(move || drop(value));
    }
}

/// As [`map`], taking the items.
pub fn map_owned<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Vec<R> {
    if items.len() < MIN_ITEMS {
        return items.into_iter().map(f).collect();
    }
    pool();
    items.into_par_iter().map(f).collect()
}

/// As [`map_weighted`], taking the items.
pub fn map_owned_weighted<T: Send, R: Send>(
    items: Vec<T>,
    weight: impl Fn(&T) -> usize,
    f: impl Fn(T) -> R + Sync + Send,
) -> Vec<R> {
    if items.len() < 2 || items.iter().map(weight).fold(0, usize::saturating_add) < MIN_ITEMS {
        return items.into_iter().map(f).collect();
    }
    pool();
    items.into_par_iter().map(f).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn small_and_big_maps_keep_the_order() {
        for n in [0, 3, super::MIN_ITEMS, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let doubled: Vec<usize> = items.iter().map(|i| i * 2).collect();
            assert_eq!(super::map(&items, |i| i * 2), doubled);
            assert_eq!(super::map_weighted(&items, |_| 100, |i| i * 2), doubled);
            assert_eq!(super::map_owned(items.clone(), |i| i * 2), doubled);
            assert_eq!(super::map_owned_weighted(items, |_| 100, |i| i * 2), doubled);
        }
    }
}
