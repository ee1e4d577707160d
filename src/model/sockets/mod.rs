//! Sockets and their table: what a socket is (`socket.rs`), its life from `socket` to
//! `closesocket` (`lifecycle.rs`), which sockets can be made (`catalog.rs`,
//! `protocol_db.rs`), who owns which port (`topology.rs`), what a handle names
//! (`handles.rs`), which handles name one socket (`duplication.rs`, where a caller's
//! handle is read), which table a thread uses (`current.rs`, `stray.rs`), and the table's
//! picture (`snapshot.rs`, `snapshot_table.rs`).
//!
//! The folders of `model/` group its files by concern (sockets, streams, datagrams,
//! overlapped, security, observer, options, readiness, resolution, waits) so a rule is found
//! by its name; every file stays a child of `model` in the paths the code uses (the folder
//! modules are re-exported from `model`), so moving a file between folders changes no
//! caller.
#![forbid(unsafe_code)]

pub(crate) mod catalog;
pub(crate) mod current;
pub(super) mod dual_stack;
pub(super) mod duplication;
pub(crate) mod handles;
pub(super) mod lifecycle;
pub(crate) mod protocol_db;
pub(super) mod small_map;
pub(crate) mod snapshot;
pub(super) mod snapshot_table;
pub(crate) mod socket;
pub(crate) mod stray;
pub(super) mod topology;
