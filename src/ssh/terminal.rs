//! The screen of one SSH session: a ratatui backend that writes the
//! terminal's bytes to the SSH channel and whose size is the client's
//! window (never the server's own terminal, which crossterm would ask).

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use std::io::{self, Write};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// The client's window in columns and rows, set by the SSH connection
/// (pty request, window changes) and read by the session's screen.
#[derive(Debug, Clone, Default)]
pub struct ClientWindow(Arc<AtomicU32>);

impl ClientWindow {
    /// Records the client's window, clamped to what a screen can be.
    pub fn set(&self, columns: u32, rows: u32) {
        let clamp = |n: u32| n.clamp(1, u32::from(u16::MAX));
        self.0
            .store((clamp(columns) << 16) | clamp(rows), Ordering::Relaxed);
    }

    pub fn size(&self) -> Size {
        let packed = self.0.load(Ordering::Relaxed);
        Size::new((packed >> 16) as u16, (packed & 0xffff) as u16)
    }
}

type Send = Box<dyn FnMut(Vec<u8>) -> io::Result<()> + std::marker::Send>;

/// Collects what the screen writes and sends it to the client on flush
/// (once per frame); fails once the client has gone. Its clones write to
/// the same channel (the session's set-up and farewell bytes).
#[derive(Clone)]
pub struct ChannelWriter(Arc<Mutex<(Vec<u8>, Send)>>);

impl ChannelWriter {
    pub fn new(send: impl FnMut(Vec<u8>) -> io::Result<()> + std::marker::Send + 'static) -> Self {
        ChannelWriter(Arc::new(Mutex::new((Vec::new(), Box::new(send)))))
    }

    fn lock(&self) -> io::Result<std::sync::MutexGuard<'_, (Vec<u8>, Send)>> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("the screen's writer was poisoned"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.lock()?.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut guard = self.lock()?;
        let (buffer, send) = &mut *guard;
        if buffer.is_empty() {
            return Ok(());
        }
        send(std::mem::take(buffer))
    }
}

/// crossterm's backend over the channel, sized by the client's window.
pub struct SshBackend {
    inner: CrosstermBackend<ChannelWriter>,
    window: ClientWindow,
}

impl SshBackend {
    pub fn new(writer: ChannelWriter, window: ClientWindow) -> Self {
        SshBackend {
            inner: CrosstermBackend::new(writer),
            window,
        }
    }
}

impl Backend for SshBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    /// Never asks the terminal (that would read the server's own): the
    /// full-screen viewport starts at the top left.
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(Position::ORIGIN)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.window.size())
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.window.size(),
            pixels: Size::default(),
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_is_the_clients_and_frames_reach_the_channel() {
        let window = ClientWindow::default();
        window.set(100, 30);
        let sent = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = Arc::clone(&sent);
        let writer = ChannelWriter::new(move |bytes| {
            sink.lock().unwrap().extend(bytes);
            Ok(())
        });
        let mut terminal = ratatui::Terminal::new(SshBackend::new(writer, window.clone())).unwrap();
        assert_eq!(terminal.size().unwrap(), Size::new(100, 30));
        terminal
            .draw(|f| f.render_widget("ward-seven", f.area()))
            .unwrap();
        // (no blank in the text: a blank cell like the last frame's is skipped)
        assert!(String::from_utf8_lossy(&sent.lock().unwrap()).contains("ward-seven"));
        window.set(120, 40);
        terminal.draw(|f| assert_eq!(f.area().width, 120)).unwrap();
    }
}
