//! The terminal input thread. It waits on the terminal itself (poll(2) on
//! standard input) before asking crossterm for events: crossterm's reader
//! loops without end when the terminal is gone (read() returning 0 or EIO
//! is neither "would block" nor an error to it), which burned two cores
//! after a dropped SSH connection. A hung-up, closed or failing terminal
//! ends the thread with a hang-up instead.

use std::time::Duration;

use crossterm::event::{self, Event};

/// How long one wait on the terminal lasts: crossterm notices a window
/// resize (SIGWINCH) only when asked, so it is asked this often.
const WAKE: Duration = Duration::from_millis(250);

/// What the terminal said.
pub enum Input {
    Event(Event),
    /// The terminal is gone (hang-up, end of file, read errors).
    Gone,
}

/// Read terminal events into `out` until the terminal goes away (then
/// [`Input::Gone`]) or `out` answers false (the screen is closing).
pub fn run(mut out: impl FnMut(Input) -> bool) {
    let mut errors = 0;
    loop {
        match wait_readable(WAKE) {
            Readiness::Gone => break,
            Readiness::Idle | Readiness::Readable => {}
        }
        // Everything crossterm has now (it may hold parsed events).
        loop {
            match event::poll(Duration::ZERO) {
                Ok(true) => {}
                Ok(false) => break,
                Err(_) => {
                    errors += 1;
                    break;
                }
            }
            match event::read() {
                Ok(ev) => {
                    errors = 0;
                    if !out(Input::Event(ev)) {
                        return;
                    }
                }
                Err(_) => {
                    errors += 1;
                    break;
                }
            }
        }
        if errors >= 3 {
            break;
        }
    }
    out(Input::Gone);
}

enum Readiness {
    Readable,
    Idle,
    Gone,
}

/// poll(2) on standard input (the terminal crossterm reads when standard
/// input is one, which the app requires).
fn wait_readable(timeout: Duration) -> Readiness {
    let mut fd = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    // SAFETY: one valid pollfd for the duration of the call.
    let rc = unsafe { libc::poll(&mut fd, 1, ms) };
    if rc < 0 {
        let e = std::io::Error::last_os_error();
        return if e.kind() == std::io::ErrorKind::Interrupted {
            Readiness::Idle
        } else {
            Readiness::Gone
        };
    }
    if fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
        return Readiness::Gone;
    }
    if fd.revents & libc::POLLIN != 0 {
        Readiness::Readable
    } else {
        Readiness::Idle
    }
}
