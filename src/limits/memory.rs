//! The memory budget: heap bytes in use, counted by the binary's allocator before each
//! allocation (`charge`) and after each free (`release`), against `memory-bytes`, capped
//! below the process's own limits (its address-space limit, its cgroup's memory limit) so
//! that an input that takes too much memory meets rudder's error, naming the template,
//! before the allocator aborts or the kernel's OOM killer ends the process.
//!
//! Each thread counts small allocations on its own and adds them to the shared count
//! every 256 KiB, so the hot path is a thread-local add; a large allocation is checked
//! at once. The count is exact to 256 KiB a thread (the shared count may even read a
//! little below zero while one thread frees what another allocated).

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering::Relaxed};

/// Heap bytes in use, as added by the threads.
static IN_USE: AtomicIsize = AtomicIsize::new(0);
/// The budget in force, in bytes.
static BUDGET: AtomicUsize = AtomicUsize::new(usize::MAX);
/// Set once an allocation has passed the budget: from then on every allocation is let
/// through, so that the error can be reported.
static OVER: AtomicBool = AtomicBool::new(false);
/// What set the budget in force: 0 `memory-bytes`, 1 the address-space limit, 2 the cgroup.
static CAPPED_BY: AtomicUsize = AtomicUsize::new(0);

/// Bytes a thread counts on its own before it adds them to the shared count.
const SLACK: isize = 256 * 1024;

thread_local! {
    /// Bytes this thread has allocated (less freed) since it last added to [`IN_USE`].
    static PENDING: Cell<isize> = const { Cell::new(0) };
}

/// Counts `size` more bytes before they are allocated. False when they pass the budget
/// (the caller then reports, once: see [`claim_report`]).
#[inline(always)]
pub fn charge(size: usize) -> bool {
    let size = size as isize;
    let pending = PENDING.get().wrapping_add(size);
    if pending < SLACK && size < SLACK {
        PENDING.set(pending);
        return true;
    }
    PENDING.set(0);
    add(pending, size)
}

/// Adds a thread's `pending` bytes (the last `size` of them asked for now) to the shared
/// count: false when that passes the budget.
#[cold]
#[inline(never)]
fn add(pending: isize, size: isize) -> bool {
    let in_use = IN_USE.fetch_add(pending, Relaxed).wrapping_add(pending);
    if in_use > 0 && in_use as usize > BUDGET.load(Relaxed) && !OVER.load(Relaxed) {
        // Not allocated after all.
        IN_USE.fetch_sub(size, Relaxed);
        return false;
    }
    true
}

/// Counts `size` bytes freed.
#[inline(always)]
pub fn release(size: usize) {
    let pending = PENDING.get().wrapping_sub(size as isize);
    if pending > -SLACK && size < SLACK as usize {
        PENDING.set(pending);
        return;
    }
    PENDING.set(0);
    IN_USE.fetch_add(pending, Relaxed);
}

/// True for the first caller after the budget was passed (it reports and ends the
/// run); every allocation is let through from then on.
pub fn claim_report() -> bool {
    !OVER.swap(true, Relaxed)
}

/// Heap bytes in use (to 256 KiB a thread).
pub fn in_use() -> usize {
    usize::try_from(IN_USE.load(Relaxed)).unwrap_or(0)
}

/// The budget in force, in bytes.
pub fn budget() -> usize {
    BUDGET.load(Relaxed)
}

/// Where the budget comes from and how to raise it, for the error.
pub fn explain() -> &'static str {
    match CAPPED_BY.load(Relaxed) {
        1 => {
            "the budget is a quarter of the process's address-space limit (`ulimit -v`), which is below limit memory-bytes; raise that limit to raise it"
        }
        2 => {
            "the budget is three quarters of the memory limit of the process's cgroup (`memory.max`), which is below limit memory-bytes; give the container more memory to raise it"
        }
        _ => {
            "the budget is limit memory-bytes; raise it with --limit memory-bytes=N (or `limits:` in rudder.yaml)"
        }
    }
}

/// Sets the budget: `memory_bytes`, or less when the process's own limits would stop it
/// first: a quarter of `address_space` (which also holds code, stacks, and the addresses
/// of freed memory that jemalloc keeps for reuse: a string doubled up to the budget leaves
/// as much again behind it), three quarters of `cgroup` (which counts resident memory).
pub fn set_budget(memory_bytes: u64, address_space: Option<u64>, cgroup: Option<u64>) {
    let (budget, by) = capped(memory_bytes, address_space, cgroup);
    BUDGET.store(usize::try_from(budget).unwrap_or(usize::MAX), Relaxed);
    CAPPED_BY.store(by, Relaxed);
}

/// The budget [`set_budget`] sets, and what set it (see [`CAPPED_BY`]).
fn capped(memory_bytes: u64, address_space: Option<u64>, cgroup: Option<u64>) -> (u64, usize) {
    let mut capped = (memory_bytes, 0);
    if let Some(quarter) = address_space.map(|bytes| bytes / 4)
        && quarter < capped.0
    {
        capped = (quarter, 1);
    }
    if let Some(three_quarters) = cgroup.map(|bytes| bytes / 4 * 3)
        && three_quarters < capped.0
    {
        capped = (three_quarters, 2);
    }
    capped
}

/// `bytes` for people: `1.5 GiB`, `300 MiB`, `12345 bytes`.
pub fn human(bytes: usize) -> String {
    const UNITS: [(usize, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            let value = bytes as f64 / unit as f64;
            return match value.fract() == 0.0 {
                true => format!("{value} {name}"),
                false => format!("{value:.1} {name}"),
            };
        }
    }
    format!("{bytes} bytes")
}

/// The memory limit of the cgroup that `proc_cgroup` (the text of `/proc/self/cgroup`)
/// names, under the cgroup file system mounted at `root` (`/sys/fs/cgroup`): the least of
/// its own and its ancestors' (cgroup v2 `memory.max`, v1 `memory.limit_in_bytes`).
/// `None` when no limit is set or nothing can be read.
pub fn cgroup_limit(proc_cgroup: &str, root: &std::path::Path) -> Option<u64> {
    let mut least: Option<u64> = None;
    for line in proc_cgroup.lines() {
        let mut fields = line.splitn(3, ':');
        let (_, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
        let (base, file) = match controllers {
            "" => (root.to_path_buf(), "memory.max"),
            list if list.split(',').any(|c| c == "memory") => (root.join("memory"), "memory.limit_in_bytes"),
            _ => continue,
        };
        let mut dir = base.join(path.trim_start_matches('/'));
        loop {
            if let Some(limit) = read_limit(&dir.join(file)) {
                least = Some(least.map_or(limit, |l| l.min(limit)));
            }
            if dir == base || !dir.pop() {
                break;
            }
        }
    }
    least
}

/// A cgroup memory limit file: a number of bytes, or `max` (v2) or a huge number (v1,
/// page-rounded `i64::MAX`) for none.
fn read_limit(path: &std::path::Path) -> Option<u64> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path).ok()?.take(64).read_to_string(&mut text).ok()?;
    let bytes: u64 = text.trim().parse().ok()?;
    (bytes < 1 << 60).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgroup_limits_are_read_from_v1_and_v2_and_their_ancestors() {
        let root = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = root.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("a/b/memory.max", "max\n");
        write("a/memory.max", "2147483648\n");
        write("memory.max", "max\n");
        assert_eq!(cgroup_limit("0::/a/b\n", root.path()), Some(2 << 30));
        write("memory/x/memory.limit_in_bytes", "104857600\n");
        write("memory/memory.limit_in_bytes", "9223372036854771712\n");
        let v1 = "5:devices:/\n4:memory:/x\n0::/\n";
        assert_eq!(cgroup_limit(v1, root.path()), Some(100 << 20));
        assert_eq!(cgroup_limit("0::/nowhere\n", root.path()), None);
        assert_eq!(cgroup_limit("garbage", root.path()), None);
    }

    #[test]
    fn the_budget_sits_below_the_process_limits() {
        let gib = 1u64 << 30;
        assert_eq!(capped(8 * gib, None, None), (8 * gib, 0));
        assert_eq!(capped(8 * gib, Some(2 * gib), None), (gib / 2, 1));
        assert_eq!(capped(8 * gib, Some(4 * gib), Some(gib)), (768 << 20, 2));
        assert_eq!(capped(100 << 20, Some(2 * gib), Some(gib)), (100 << 20, 0));
    }

    #[test]
    fn sizes_read_for_people() {
        assert_eq!(human(3 << 29), "1.5 GiB");
        assert_eq!(human(300 << 20), "300 MiB");
        assert_eq!(human(1000), "1000 bytes");
    }
}
