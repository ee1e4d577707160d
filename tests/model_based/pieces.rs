//! Pieces of several calls that random calls alone would rarely line up: a stream
//! handshake (with data before and after `accept`), and a datagram exchange (with security,
//! names, replies, port-unreachable peers, and a peer that closes and is replaced). Each
//! call of a piece can still shrink away on its own.

use proptest::prelude::*;
use winsock_emu::sys::{AF_INET, AF_INET6, SD_BOTH, SD_SEND, SOCK_DGRAM, SOCK_STREAM};

use super::data_ops::{payload, recv_flags, recv_from_any, room, DataOp, Payload, To};
use super::ops::{name, AddrSpec, DeclLen, Kind, NameSpec, Op, StrLen, H};
use super::security_ops::{settings, SecurityOp, SettingsSpec, TemplateSpec};

/// `WSASetSocketSecurity` on the latest socket, if `settings` is given.
fn secure(settings: Option<SettingsSpec>) -> Option<Op> {
    settings.map(|settings| Op::Security {
        h: H::Recent(0),
        op: SecurityOp::Set {
            settings,
            ioctl: false,
            overlapped_args: false,
        },
    })
}

fn data(h: H, op: DataOp) -> Op {
    Op::Data { h, op }
}

/// A small stream conversation on the two ends of a connection (`Recent(0)` and
/// `Recent(1)`): sends, receives, now and then a shutdown or a close.
fn talk() -> impl Strategy<Value = Vec<Op>> {
    let end = (0..2usize).prop_map(H::Recent);
    let step = prop_oneof![
        4 => (end.clone(), payload()).prop_map(|(h, payload)| data(h, DataOp::Send { payload, flags: 0 })),
        4 => (end.clone(), room(), recv_flags())
            .prop_map(|(h, room, flags)| data(h, DataOp::Recv { room, flags, from: None })),
        1 => (end.clone(), prop::sample::select(vec![SD_SEND, SD_BOTH]))
            .prop_map(|(h, how)| data(h, DataOp::Shutdown { how })),
        1 => end.prop_map(|h| Op::Close { h }),
    ];
    prop::collection::vec(step, 0..5)
}

/// What a client does between `connect` and `accept`: nothing mostly, or sends, shuts
/// down sending, or closes (its bytes must still reach the accepted socket).
fn before_accept() -> impl Strategy<Value = Vec<Op>> {
    let client = H::Recent(0);
    let step = prop_oneof![
        3 => payload().prop_map(move |payload| data(client, DataOp::Send { payload, flags: 0 })),
        1 => Just(data(client, DataOp::Shutdown { how: SD_SEND })),
        1 => Just(Op::Close { h: client }),
    ];
    prop_oneof![2 => Just(Vec::new()), 1 => prop::collection::vec(step, 1..3)]
}

/// A server and a client, as calls: socket, (security), bind, listen; socket, (security),
/// (name), connect, (data); accept (or close the listener); (a conversation).
pub fn handshake() -> impl Strategy<Value = Vec<Op>> {
    let setup = prop::sample::select(vec![
        (AF_INET, "127.0.0.1:80", "127.0.0.1:80"),
        (AF_INET, "0.0.0.0:80", "127.0.0.1:80"),
        (AF_INET, "0.0.0.0:0", "127.0.0.1:49152"),
        (AF_INET6, "[::1]:80", "[::1]:80"),
        (AF_INET6, "[::]:80", "[2001:db8::1%3]:80"),
    ]);
    (
        setup,
        prop::option::of(name()),
        prop::sample::select(vec![1, 2, 5]),
        any::<bool>(),
        prop::option::weighted(0.4, settings()),
        prop::option::weighted(0.4, settings()),
        prop::bool::weighted(0.1),
        before_accept(),
        talk(),
    )
        .prop_map(
            |(
                (af, at, to),
                name,
                backlog,
                overlapped,
                server,
                client,
                close_listener,
                before,
                talk,
            )| {
                let stream = Kind {
                    af: i32::from(af),
                    ty: SOCK_STREAM,
                    protocol: 0,
                };
                let mut ops = vec![Op::Create {
                    kind: stream,
                    overlapped,
                }];
                ops.extend(secure(server));
                ops.extend([
                    Op::Bind {
                        h: H::Recent(0),
                        addr: AddrSpec::Ip(at.parse().unwrap()),
                    },
                    Op::Listen {
                        h: H::Recent(0),
                        backlog,
                    },
                    Op::Create {
                        kind: stream,
                        overlapped,
                    },
                ]);
                ops.extend(secure(client));
                if let Some(name) = name {
                    ops.push(Op::SetName {
                        h: H::Recent(0),
                        name,
                        ioctl: overlapped,
                        overlapped_args: false,
                    });
                }
                ops.push(Op::Connect {
                    h: H::Recent(0),
                    addr: AddrSpec::Ip(to.parse().unwrap()),
                    wsa: !overlapped,
                });
                ops.extend(before);
                // Now and then the listener closes instead, resetting the waiting connection.
                ops.push(if close_listener {
                    Op::Close { h: H::Recent(1) }
                } else {
                    Op::Accept {
                        h: H::Recent(1),
                        room: Some(128),
                    }
                });
                ops.extend(talk);
                ops
            },
        )
}

/// How the client sends its datagram.
#[derive(Debug, Clone, Copy)]
enum Via {
    SendTo,
    WsaSendTo,
    /// `connect`, then `send`.
    Connect,
}

/// A name for the peer at `to`: the principal of its host (any case), or another one.
fn name_for(to: &'static str) -> impl Strategy<Value = NameSpec> {
    let addr: std::net::SocketAddr = to.parse().unwrap();
    let host = format!("host/{}", addr.ip());
    let principal = prop_oneof![
        3 => Just(host.clone()),
        1 => Just(host.to_uppercase()),
        1 => Just("host/rogue".to_owned()),
    ];
    (principal, 0..3i32).prop_map(move |(principal, protocol)| NameSpec {
        null: false,
        protocol,
        peer: AddrSpec::Ip(addr),
        units: principal.encode_utf16().collect(),
        str_len: StrLen::Exact,
        decl: DeclLen::Struct,
    })
}

/// `WSAQuerySocketSecurity` on `h` for the datagram peer `peer`.
fn query(h: H, peer: &str) -> Op {
    Op::Security {
        h,
        op: SecurityOp::Query {
            template: TemplateSpec {
                null: false,
                protocol: 0,
                peer: AddrSpec::Ip(peer.parse().unwrap()),
                mask: 0,
                declared: 144,
            },
            room: Some(24),
            null_info: false,
            overlapped_args: false,
        },
    }
}

/// The client's datagram to `to`, the way `via` says.
fn client_sends(via: Via, to: &str, payload: Payload) -> Vec<Op> {
    let to = To {
        addr: AddrSpec::Ip(to.parse().unwrap()),
        negative_len: false,
    };
    let client = H::Recent(0);
    match via {
        Via::SendTo => vec![data(
            client,
            DataOp::SendTo {
                payload,
                flags: 0,
                to,
            },
        )],
        Via::WsaSendTo => vec![data(
            client,
            DataOp::WsaSendTo {
                // A WSABUF's length is unsigned: no negative length there.
                bufs: Some(match payload {
                    Payload::Negative => vec![Payload::Null(3)],
                    payload => vec![payload.clone(), payload],
                }),
                sent: true,
                overlapped_args: false,
                flags: 0,
                to,
            },
        )],
        Via::Connect => vec![
            Op::Connect {
                h: client,
                addr: to.addr,
                wsa: false,
            },
            data(client, DataOp::Send { payload, flags: 0 }),
        ],
    }
}

/// A datagram server and a client, as calls: socket, (security), bind; socket,
/// (security), (name), (bind); a datagram to the server (`sendto`, `WSASendTo`, or
/// `connect` and `send`); `recvfrom`; then perhaps a reply, queries, an impersonation, and
/// the server closing and a new one binding its address (`exchanges-end-at-close`). Some
/// setups send to a port nobody bound (`udp-port-unreachable`).
pub fn exchange() -> impl Strategy<Value = Vec<Op>> {
    // (family, server's address, the client's destination, the client's address, where the
    // server replies).
    let setup = prop::sample::select(vec![
        (AF_INET, "127.0.0.1:53", "127.0.0.1:53", None, None),
        (
            AF_INET,
            "0.0.0.0:53",
            "192.0.2.1:53",
            Some("127.0.0.1:80"),
            Some("127.0.0.1:80"),
        ),
        (
            AF_INET,
            "192.0.2.1:53",
            "192.0.2.1:53",
            Some("0.0.0.0:80"),
            Some("127.0.0.1:80"),
        ),
        (AF_INET, "127.0.0.1:80", "127.0.0.1:81", None, None),
        (
            AF_INET6,
            "[::1]:53",
            "[::1]:53",
            Some("[::1]:80"),
            Some("[::1]:80"),
        ),
        (AF_INET6, "[::]:53", "[2001:db8::1%3]:53", None, None),
    ]);
    let via = prop::sample::select(vec![Via::SendTo, Via::WsaSendTo, Via::Connect]);
    (
        setup,
        any::<bool>(),
        prop::option::weighted(0.3, settings()),
        prop::option::weighted(0.3, settings()),
        via,
        payload(),
        prop::bool::weighted(0.5),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.3, prop::option::weighted(0.3, settings())),
    )
        .prop_flat_map(
            |(setup, overlapped, server, client, via, payload, reply, close, rebind)| {
                let to = setup.2;
                (
                    Just((
                        setup, overlapped, server, client, via, payload, reply, close, rebind,
                    )),
                    prop::option::weighted(0.45, name_for(to)),
                )
            },
        )
        .prop_map(
            |(
                (
                    (af, at, to, client_at, reply_to),
                    overlapped,
                    server,
                    client,
                    via,
                    payload,
                    reply,
                    close,
                    rebind,
                ),
                name,
            )| {
                let kind = Kind {
                    af: i32::from(af),
                    ty: SOCK_DGRAM,
                    protocol: 0,
                };
                let create = Op::Create { kind, overlapped };
                let bind = |at: &str| Op::Bind {
                    h: H::Recent(0),
                    addr: AddrSpec::Ip(at.parse().unwrap()),
                };
                let mut ops = vec![create.clone()];
                ops.extend(secure(server));
                ops.extend([bind(at), create.clone()]);
                ops.extend(secure(client));
                ops.extend(name.map(|name| Op::SetName {
                    h: H::Recent(0),
                    name,
                    ioctl: false,
                    overlapped_args: false,
                }));
                ops.extend(client_at.map(bind));
                ops.extend(client_sends(via, to, payload.clone()));
                ops.push(data(H::Recent(1), recv_from_any()));
                ops.push(query(H::Recent(0), to));
                if let (true, Some(back)) = (reply, reply_to) {
                    let to = To {
                        addr: AddrSpec::Ip(back.parse().unwrap()),
                        negative_len: false,
                    };
                    let answer = DataOp::SendTo {
                        payload: payload.clone(),
                        flags: 0,
                        to,
                    };
                    ops.extend([
                        data(H::Recent(1), answer),
                        data(H::Recent(0), recv_from_any()),
                    ]);
                    ops.push(query(H::Recent(1), back));
                }
                ops.push(Op::Security {
                    h: H::Recent(0),
                    op: SecurityOp::Impersonate {
                        addr: AddrSpec::Ip(to.parse().unwrap()),
                        len: None,
                    },
                });
                // Then perhaps the server closes, and perhaps a new socket binds the
                // destination (where nobody was, in the port-unreachable setup): the
                // client's next datagram meets whoever is there now.
                if close {
                    ops.push(Op::Close { h: H::Recent(1) });
                }
                let again = close || rebind.is_some();
                let client = match rebind {
                    Some(settings) => {
                        ops.push(create);
                        ops.extend(secure(settings));
                        ops.push(bind(to));
                        H::Recent(1)
                    }
                    None => H::Recent(0),
                };
                if again {
                    ops.extend(client_sends(Via::SendTo, to, payload).into_iter().map(
                        |op| match op {
                            Op::Data { op, .. } => data(client, op),
                            other => other,
                        },
                    ));
                    ops.push(query(client, to));
                }
                ops
            },
        )
}
