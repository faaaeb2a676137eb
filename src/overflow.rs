//! A thread whose stack overflows ends the run with exit code 1 and one error, not Rust's
//! abort: a value nested in itself in a template's loop (`{% set_global d = {"a": d} %}`)
//! can be deeper than any stack when Tera prints or drops it, and Tera bounds no such
//! depth. The handler replaces Rust's own for SIGSEGV and SIGBUS and runs on the signal
//! stack Rust gives every thread; it only writes a fixed message and exits, as a signal
//! handler must.

/// Installs the handler (Linux); elsewhere Rust's own stays.
pub fn install() {
    #[cfg(target_os = "linux")]
    linux::install();
}

#[cfg(target_os = "linux")]
mod linux {
    const MESSAGE: &[u8] = b"error: the render nests too deep: a thread's stack overflowed (a value built inside itself in a loop, or templates nested past what a stack holds)\n";

    extern "C" fn on_fault(_: libc::c_int) {
        #[allow(unsafe_code)]
        // SAFETY: write(2) and _exit(2) are async-signal-safe; the message is static.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::_exit(1);
        }
    }

    pub fn install() {
        #[allow(unsafe_code)]
        // SAFETY: a zeroed sigaction is a valid value of the C struct; the handler is an
        // `extern "C" fn(c_int)`, as `sa_sigaction` takes it without SA_SIGINFO; SA_ONSTACK
        // runs it on the alternate stack Rust installs for each thread (an overflowed stack
        // has no room left). A failure leaves Rust's handler in place.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_fault as *const () as usize;
            action.sa_flags = libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGSEGV, &action, std::ptr::null_mut());
            libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
        }
    }
}
