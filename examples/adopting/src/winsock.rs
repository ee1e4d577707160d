//! The one place the imports switch: windows-sys on Windows, winsock-emu's `sys` (the same
//! names, types and signatures) in tests elsewhere. The rest of the crate writes
//! `use crate::winsock::*;` and never names either crate.
//!
//! The compile of this crate for `x86_64-pc-windows-gnu` (against windows-sys) and its
//! `cargo test` on Linux (against the emulator) together check that every name the code
//! uses exists, with the same type, on both sides.

#[cfg(windows)]
pub use windows_sys::Win32::Networking::WinSock::*;

#[cfg(not(windows))]
pub use winsock_emu::sys::*;
