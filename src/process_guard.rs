//! What the process does to itself before anything else: it never leaves a
//! core dump (one would hold the passwords typed and the patient data on
//! screen), and a command whose output goes to a pipe ends quietly when the
//! reader closes it (`wardline audit verify | head -1`) instead of failing
//! on the closed pipe.

/// Turns core dumps off for this process: its dumpable flag cleared (no
/// dump, no ptrace by other processes of the same user) and its core size
/// limit set to nothing.
pub fn no_core_dumps() -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)?;
    #[cfg(unix)]
    rustix::process::setrlimit(
        rustix::process::Resource::Core,
        rustix::process::Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    )?;
    Ok(())
}

/// Lets a closed output pipe end the command as it ends any Unix tool, with
/// nothing said. Only for the one-shot commands: the terminal screen and
/// servers keep Rust's default and handle a closed connection as an error.
pub fn end_quietly_on_closed_output() {
    #[cfg(unix)]
    // SAFETY: setting SIGPIPE's disposition to its default at start-up,
    // before any thread is spawned, is what every Unix command-line tool
    // does; no handler is installed.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn the_process_leaves_no_core_dump() {
        super::no_core_dumps().unwrap();
        assert_eq!(
            rustix::process::dumpable_behavior().unwrap(),
            rustix::process::DumpableBehavior::NotDumpable
        );
        let core = rustix::process::getrlimit(rustix::process::Resource::Core);
        assert_eq!((core.current, core.maximum), (Some(0), Some(0)));
    }
}
