//! # winsock-emu
//!
//! An in-memory emulation of the Windows *Winsock Secure Socket Extensions*, above all
//! [`WSASetSocketPeerTargetName`](sys::WSASetSocketPeerTargetName), so that Windows network
//! code can be unit-tested on any OS, checked against the documented rules in CI, and
//! taught from.
//!
//! ## Start here
//! [`docs/adopting.md`](https://github.com/winsock-emu/winsock-emu/blob/main/docs/adopting.md):
//! the `Cargo.toml` lines, the one facade module that switches a crate's imports between
//! windows-sys and [`sys`], and how a test gets its network. When a test fails,
//! [`Network::trace_on_failure`] prints every call, why secure connects failed
//! ([`testing::SecurityFailure`]) and the socket table ([`NetworkSnapshot`]'s `Display`).
//!
//! ## Features
//! - `tracing` (off by default): one [`tracing`](https://docs.rs/tracing) event per
//!   emulated call (target `winsock_emu`, level `DEBUG`; fields `call`, `socket`,
//!   `address`, `args`, `code`, `result`), so a subscriber's filters show what the code
//!   under test did.
//!
//! ## Two faces, one model
//! - [`sys`]: the C-style API with windows-sys 0.61's names, types and signatures. Code
//!   written against `windows_sys::Win32::Networking::WinSock` compiles against it by
//!   changing its `use` lines.
//! - The safe API ([`Network`], [`Socket`]): `Result<_, Error>` everywhere, where
//!   [`Error`] names its `WSAE*` code and converts into an [`std::io::Error`] whose
//!   `kind()` is the one std gives that code on Windows, and from which
//!   [`Error::from_io`] gets the code back on every OS.
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
//! [`Socket::impersonate_peer`] (with [`impersonated_principal`]) answer from the outcome;
//! a query with `PeerTokenAccessMask` returns emulated access tokens for the peer
//! ([`token_info`], [`Socket::peer_tokens`]), closed with [`sys::CloseHandle`], and the
//! Windows 7 IPsec2 form reports the connection's SAs and why it is not secured
//! ([`Socket::query_security_ipsec2`]).
//! See [`docs/guide.md`](https://github.com/winsock-emu/winsock-emu/blob/main/docs/guide.md) and the `secure_client_server` and `rogue_server` examples.
//!
//! ## Names
//! Each network has a resolver: hosts a test declares ([`Network::add_host`]), `localhost`
//! and the machine name, behind `getaddrinfo`, `getnameinfo`, `gethostbyname` and
//! `WSAConnectByNameW` (and [`Network::resolve`], [`Socket::connect_to_host`]), with
//! resolution faults ([`testing::Fault::poison_name`]) to teach and test what a spoofed
//! name does. See the `spoofed_name` example and [`testing::Trace::to_mermaid`].
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
//! let io_err = std::io::Error::from(err);
//! assert_eq!(io_err.kind(), std::io::ErrorKind::InvalidInput);
//! assert_eq!(Error::from_io(&io_err).map(Error::code), Some(10022));
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
    impersonated_principal, revert_impersonation, token_info, AccessToken, Domain, EnterGuard,
    Network, PeerTokens, PendingOperation, Protocol, Socket, Startup, Type,
};
pub use api::{CompletionPacket, CompletionPort};
pub use api::{Interest, PollEntry, Ready};
pub use error::{Error, Result};
pub use model::snapshot::{Blocked, LinkInfo, NameInfo, NetworkSnapshot, SocketInfo, SocketState};
pub use model::tokens::{TokenInfo, TokenKind};
pub use wire::{
    Ipsec2Info, Ipsec2Query, IpsecSettings, PeerAddress, PeerTargetName, SecurityProtocol,
    SecurityQueryInfo, SecurityQueryTemplate, SecuritySettings, TargetName,
};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The adoption guide's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/adopting.md")]
struct AdoptingGuideDoctests;

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
