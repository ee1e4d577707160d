//! # winsock-emu
//!
//! An in-memory emulation of the Windows *Winsock Secure Socket Extensions*, above all
//! [`WSASetSocketPeerTargetName`](sys::WSASetSocketPeerTargetName), so that Windows network
//! code can be unit-tested on any OS, checked against the documented rules in CI, and
//! taught from.
//!
//! ## Two faces, one model
//! - [`sys`]: the C-style API with windows-sys 0.61's names, types and signatures. Code
//!   written against `windows_sys::Win32::Networking::WinSock` compiles against it by
//!   changing its `use` lines.
//! - The safe API ([`Network`], [`Socket`]): `Result<_, Error>` everywhere, where
//!   [`Error`] names its `WSAE*` code and converts into an [`std::io::Error`] whose
//!   `raw_os_error()` is that code.
//!
//! Both call the same model, so both obey the same rules in the same order.
//!
//! ## Layers
//! | module | what it holds |
//! | --- | --- |
//! | `wire` | the C layouts on bytes: checked decoding of `SOCKADDR`, `SOCKET_PEER_TARGET_NAME` ([`PeerTargetName`]), the security settings ([`SecuritySettings`]) and query structures ([`SecurityQueryTemplate`], [`SecurityQueryInfo`]) |
//! | [`rules`] | each documented rule as one function, quoting its page |
//! | [`choices`] | each case the documents leave open, decided once |
//! | `model` | the socket table: sockets, states, port bindings, names, security settings, principals and negotiated links, data in flight (no `unsafe`) |
//! | [`sys`] | raw pointers in, Winsock conventions out (with `native`, the only `unsafe` code) |
//! | `api` | the safe face |
//! | [`backend`] | one trait over the Winsock surface: the emulator everywhere, real Winsock on Windows |
//! | `native` | the one thin layer that calls either through windows-sys's signatures (`unsafe`, like `sys`) |
//! | [`conformance`] | every documented rule as a scenario run on any backend, with known divergences |
//!
//! ## Secure connections
//! Endpoints have emulated principals ([`Network::set_host_principal`],
//! [`Socket::set_principal`]). When either end applied `WSASetSocketSecurity`, a connect
//! (or a datagram socket's first datagram to a peer) authenticates the peer as IPsec with
//! peer-name verification would: a client whose peer target name does not name the server's
//! principal is refused and nothing is delivered. [`Socket::query_security`] and
//! [`Socket::impersonate_peer`] (with [`impersonated_principal`]) answer from the outcome.
//! See `docs/guide.md` and the `secure_client_server` and `rogue_server` examples.
//!
//! ## Isolation
//! Each [`Network::new`] is a separate Winsock: its own sockets, ports and `WSAStartup`
//! count. The `sys` functions use the process-wide network unless a thread has
//! [entered](Network::enter) another, so parallel tests that each enter their own never
//! see each other.
//!
//! ```
//! use winsock_emu::{Domain, Error, Network, Type};
//!
//! let net = Network::new();
//! let _wsa = net.startup()?;
//! let client = net.socket(Domain::IPV4, Type::STREAM, None)?;
//! client.set_peer_target_name("0.0.0.0:0".parse().unwrap(), "host/server.contoso.com")?;
//!
//! // A datagram socket keys names by peer; the zero address and port is refused.
//! let udp = net.socket(Domain::IPV4, Type::DGRAM, None)?;
//! let err = udp.set_peer_target_name("0.0.0.0:0".parse().unwrap(), "host/x").unwrap_err();
//! assert_eq!(err, Error::Invalid);
//! assert_eq!(std::io::Error::from(err).raw_os_error(), Some(10022));
//! # Ok::<(), Error>(())
//! ```
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![warn(rust_2018_idioms)]

mod api;
pub mod backend;
pub mod choices;
pub mod conformance;
mod error;
mod model;
mod native;
pub mod rules;
pub mod sys;
pub mod testing;
mod wire;

pub use api::{
    impersonated_principal, revert_impersonation, Domain, EnterGuard, Network, PendingOperation,
    Protocol, Socket, Startup, Type,
};
pub use api::{Interest, PollEntry, Ready};
pub use error::{Error, Result};
pub use model::snapshot::{LinkInfo, NameInfo, NetworkSnapshot, SocketInfo, SocketState};
pub use wire::{
    IpsecSettings, PeerAddress, PeerTargetName, SecurityProtocol, SecurityQueryInfo,
    SecurityQueryTemplate, SecuritySettings, TargetName,
};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The testing guide's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/testing.md")]
struct TestingGuideDoctests;

/// The secure-connections guide's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/guide.md")]
struct SecureGuideDoctests;

/// `docs/overlapped.md`'s examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/overlapped.md")]
struct OverlappedDoctests;
