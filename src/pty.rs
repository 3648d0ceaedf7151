//! A program running on a pseudo-terminal, as it runs on a person's
//! terminal: `wardline bench` times the real program on one, and the
//! end-to-end tests type at it through one. One module, so that both open
//! the terminal, start the program and stop it (with anything it started)
//! the same way.
//!
//! The program gets the terminal as its standard input, output and error
//! and as its controlling terminal (`/dev/tty`, where password prompts and
//! the terminal size are read), in a session of its own.

use rustix::fd::{AsRawFd, BorrowedFd};
use rustix::fs::{Mode, OFlags};
use rustix::process::{Pid, Signal, ioctl_tiocsctty, kill_process_group, setsid};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{LocalModes, Winsize, tcgetattr, tcgetpgrp, tcsetwinsize};
use std::ffi::CString;
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};

/// A pseudo-terminal not yet running anything: the master side, which the
/// caller reads and types into, and the slave side the program will get.
pub struct Pty {
    master: File,
    slave: File,
    slave_name: CString,
}

impl Pty {
    /// Opens a terminal of `rows` × `cols` characters.
    pub fn open(rows: u16, cols: u16) -> io::Result<Pty> {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)?;
        grantpt(&master)?;
        unlockpt(&master)?;
        let slave_name = ptsname(&master, Vec::new())?;
        let slave = open_slave(&slave_name)?;
        tcsetwinsize(
            &slave,
            Winsize {
                ws_row: rows,
                ws_col: cols,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )?;
        Ok(Pty {
            master: File::from(master),
            slave,
            slave_name,
        })
    }

    /// Starts `command` on the terminal, in a session of its own whose
    /// controlling terminal it is. Its standard input, output and error are
    /// replaced by the terminal.
    pub fn spawn(self, command: &mut Command) -> io::Result<PtyChild> {
        let Pty {
            master,
            slave,
            slave_name,
        } = self;
        command
            .stdin(Stdio::from(slave.try_clone()?))
            .stdout(Stdio::from(slave.try_clone()?))
            .stderr(Stdio::from(slave.try_clone()?));
        let slave_fd = slave.as_raw_fd();
        // SAFETY: the closure runs in the child between fork and exec, where
        // only async-signal-safe work is allowed: it makes two system calls
        // and allocates nothing. `slave_fd` is open there, since `slave` is
        // alive in the parent until after the spawn (it is closed on exec).
        unsafe {
            command.pre_exec(move || {
                setsid()?;
                ioctl_tiocsctty(BorrowedFd::borrow_raw(slave_fd))?;
                Ok(())
            });
        }
        let spawned = command.spawn();
        // The command keeps its copies of the slave side until told
        // otherwise; holding them would keep the terminal open after the
        // program has exited.
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        drop(slave);
        Ok(PtyChild {
            child: spawned?,
            master,
            slave_name,
        })
    }
}

/// Opens the slave side without making it this process's controlling
/// terminal.
fn open_slave(name: &CString) -> io::Result<File> {
    let fd = rustix::fs::open(
        name.as_c_str(),
        OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(File::from(fd))
}

/// A program running on a pseudo-terminal. Dropping it kills the program
/// and whatever it started on the terminal, and closes the master side.
pub struct PtyChild {
    child: Child,
    master: File,
    slave_name: CString,
}

impl PtyChild {
    /// Another handle on the master side, for a thread that reads what the
    /// program draws. Reading fails (EIO) once every process has closed the
    /// terminal.
    pub fn reader(&self) -> io::Result<File> {
        self.master.try_clone()
    }

    /// Types `bytes` into the terminal.
    pub fn write(&self, bytes: &[u8]) -> io::Result<()> {
        let mut master = &self.master;
        master.write_all(bytes)?;
        master.flush()
    }

    /// Makes the terminal `rows` × `cols`, as a person resizing the window
    /// does: the program in the foreground is told (SIGWINCH).
    pub fn resize(&self, rows: u16, cols: u16) -> io::Result<()> {
        tcsetwinsize(
            &self.master,
            Winsize {
                ws_row: rows,
                ws_col: cols,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )?;
        Ok(())
    }

    /// How many typed bytes wait for the program to read them.
    pub fn unread_input(&self) -> io::Result<u64> {
        let slave = open_slave(&self.slave_name)?;
        Ok(rustix::io::ioctl_fionread(&slave)?)
    }

    /// Whether the terminal echoes what is typed (a password prompt turns
    /// echo off while it reads).
    pub fn echoes(&self) -> io::Result<bool> {
        let slave = open_slave(&self.slave_name)?;
        Ok(tcgetattr(&slave)?.local_modes.contains(LocalModes::ECHO))
    }

    /// Whether the program itself, and not a job it started (as a shell
    /// does), is in the terminal's foreground: for a shell, that the last
    /// command has finished.
    pub fn in_foreground(&self) -> io::Result<bool> {
        let group = tcgetpgrp(&self.master)?;
        Ok(u32::try_from(group.as_raw_nonzero().get()).is_ok_and(|g| g == self.child.id()))
    }

    /// The program's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The program's exit status, if it has exited.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.child.try_wait()
    }

    /// Kills the program, the job in the terminal's foreground (which a
    /// shell puts in a process group of its own) and the rest of the
    /// program's process group, then waits for the program.
    pub fn kill(&mut self) -> io::Result<()> {
        if self.child.try_wait()?.is_some() {
            return Ok(());
        }
        // While the program has not been waited for, its session holds the
        // terminal, so the foreground group is one of its own.
        if let Ok(group) = tcgetpgrp(&self.master) {
            let _ = kill_process_group(group, Signal::KILL);
        }
        if let Some(pid) = i32::try_from(self.child.id()).ok().and_then(Pid::from_raw) {
            // The program leads its session and so its own process group.
            let _ = kill_process_group(pid, Signal::KILL);
        }
        let _ = self.child.kill();
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for PtyChild {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}
