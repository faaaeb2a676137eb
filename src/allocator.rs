//! The global allocator: jemalloc, with every allocation counted against the memory
//! budget first (`rudder::limits::memory`). An allocation that would pass the budget,
//! or that the system refuses, ends the run with one error naming the templates being
//! rendered, instead of Rust's abort.
//!
//! This is rudder's only `unsafe` code: `GlobalAlloc` is an unsafe trait. Each method
//! forwards its arguments to jemalloc unchanged; the counting is safe code in the library.

use rudder::limits::memory;
use std::alloc::{GlobalAlloc, Layout};
use tikv_jemallocator::Jemalloc;

/// jemalloc (rendering allocates and frees many small strings and maps; measured in
/// docs/performance.md), counted.
pub struct Budgeted;

#[allow(unsafe_code)]
// SAFETY: every method passes its arguments unchanged to jemalloc's implementation of the
// same method, so the caller's guarantees are jemalloc's preconditions; the counting
// around the calls neither reads nor writes the memory.
unsafe impl GlobalAlloc for Budgeted {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        admit(layout.size());
        // SAFETY: as the impl's comment says.
        checked(unsafe { Jemalloc.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        admit(layout.size());
        // SAFETY: as the impl's comment says.
        checked(unsafe { Jemalloc.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as the impl's comment says.
        unsafe { Jemalloc.dealloc(ptr, layout) };
        memory::release(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old {
            admit(new_size - old);
        }
        // SAFETY: as the impl's comment says.
        let moved = checked(unsafe { Jemalloc.realloc(ptr, layout, new_size) }, new_size);
        if new_size < old {
            memory::release(old - new_size);
        }
        moved
    }
}

/// Counts `size` bytes about to be allocated; past the budget, the first thread there
/// reports and ends the run (later ones go on: the run ends in a moment).
#[inline(always)]
fn admit(size: usize) {
    if !memory::charge(size) {
        over_budget(size);
    }
}

#[cold]
#[inline(never)]
fn over_budget(size: usize) {
    if memory::claim_report() {
        let message = format!(
            "the run would pass its memory budget of {} ({} in use, {} more asked)",
            memory::human(memory::budget()),
            memory::human(memory::in_use()),
            memory::human(size),
        );
        end(&message);
    }
}

/// The allocation `ptr` of `size` bytes; a null one (the system refused it) ends the run.
#[inline(always)]
fn checked(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null() {
        refused(size);
    }
    ptr
}

#[cold]
#[inline(never)]
fn refused(size: usize) -> ! {
    if memory::claim_report() {
        let message = format!(
            "the system refused {} of memory ({} in use, within the budget of {})",
            memory::human(size),
            memory::human(memory::in_use()),
            memory::human(memory::budget()),
        );
        end(&message);
    }
    // Another thread is reporting; the process ends in a moment.
    loop {
        std::thread::park();
    }
}

/// Prints the error, with the templates being rendered and where the budget comes
/// from, and ends the process.
fn end(message: &str) -> ! {
    let rendering = rudder::render::try_rendering_now().unwrap_or_default();
    let at = match rendering.is_empty() {
        true => String::new(),
        false => format!(" while rendering {}", rendering.join(", ")),
    };
    let text = format!("error: {message}{at}\nhint: {}", memory::explain());
    eprintln!("{}", rudder::present::terminal_safe(&text));
    std::process::exit(i32::from(rudder::present::EXIT_ERROR));
}
