//! The safe, idiomatic face: a [`Network`] of [`Socket`]s, with `Result<_, Error>`.
//!
//! Everything here goes through the same model code as [`crate::sys`], so both faces obey
//! the same rules in the same order and give the same errors. Nothing here is `unsafe`.
#![forbid(unsafe_code)]

mod completion;
mod data;
mod flow;
mod network;
mod options;
mod pending;
mod readiness;
mod resolution;
mod security;
mod socket;
mod testing;
mod tokens;
mod types;
mod waits;

pub use completion::{CompletionPacket, CompletionPort};
pub use network::{EnterGuard, Network, Startup};
pub use pending::PendingOperation;
pub use readiness::{Interest, PollEntry, Ready};
pub use security::{impersonated_principal, revert_impersonation};
pub use socket::Socket;
pub use tokens::{token_info, AccessToken, PeerTokens};
pub use types::{Domain, Protocol, Type};
