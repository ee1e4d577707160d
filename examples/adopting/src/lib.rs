//! The example of `docs/adopting.md`: a client that connects to a server it names, written
//! against windows-sys and unit-tested on any OS with winsock-emu.
//!
//! On Windows the socket code is built always; elsewhere only in tests, because winsock-emu
//! is a dev-dependency there (a crate whose non-Windows build needs the code would make it
//! a `[target.'cfg(not(windows))'.dependencies]` entry instead).

#[cfg(any(windows, test))]
mod winsock;

#[cfg(any(windows, test))]
pub mod client;
