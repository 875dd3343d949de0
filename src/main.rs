fn main() -> std::process::ExitCode {
    // A command piped into `head` ends quietly when the reader goes away, as
    // other Unix tools do, instead of panicking on "Broken pipe". (The app
    // writes to a terminal: a dropped one gives EIO, handled as a hang-up.)
    // SAFETY: restoring the default disposition of one signal at start,
    // before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    kusei::cli::main()
}
