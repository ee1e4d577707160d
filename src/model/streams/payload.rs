//! The bytes of a received datagram, or of a receive's result.
//!
//! Most datagrams a test sends are small (a ping, a request line, a protocol header), and
//! one heap allocation per datagram was a large share of an emulated exchange's cost
//! (`docs/performance.md`, comparison 2). So up to [`INLINE`] bytes are kept in place, in
//! the room a `Vec<u8>` would take anyway (24 bytes on 64-bit targets, 12 on 32-bit ones);
//! longer payloads go to the heap. Nothing
//! observable depends on which: [`Payload::as_slice`] is the only way to the bytes.
#![forbid(unsafe_code)]

use std::fmt;

/// The most bytes kept without a heap allocation: what fits beside a length byte and the
/// variant's tag in a `Vec<u8>`'s room (22 on 64-bit targets; a fixed 22 made a payload
/// twice a `Vec`'s size on 32-bit ones).
pub(crate) const INLINE: usize = std::mem::size_of::<Vec<u8>>() - 2;

/// Bytes, in place when short (see the module documentation).
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Payload {
    /// Up to [`INLINE`] bytes: the first `len` of `bytes`.
    Inline { len: u8, bytes: [u8; INLINE] },
    /// Longer payloads.
    Heap(Box<[u8]>),
}

impl Payload {
    /// A copy of `data`.
    pub(crate) fn new(data: &[u8]) -> Self {
        match u8::try_from(data.len()) {
            Ok(len) if data.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..data.len()].copy_from_slice(data);
                Payload::Inline { len, bytes }
            }
            _ => Payload::Heap(data.into()),
        }
    }

    /// The bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Payload::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Payload::Heap(bytes) => bytes,
        }
    }

    /// How many bytes.
    pub(crate) fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// The first `max` bytes at most (a receive into a shorter buffer).
    pub(crate) fn prefix(self, max: usize) -> Self {
        if self.len() <= max {
            return self;
        }
        Payload::new(&self.as_slice()[..max])
    }
}

impl From<Vec<u8>> for Payload {
    fn from(data: Vec<u8>) -> Self {
        if data.len() <= INLINE {
            return Payload::new(&data);
        }
        Payload::Heap(data.into_boxed_slice())
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_takes_no_more_room_than_a_vec() {
        assert_eq!(size_of::<Payload>(), size_of::<Vec<u8>>());
    }

    #[test]
    fn bytes_come_back_as_given_whatever_their_length() {
        for len in [0, 1, INLINE - 1, INLINE, INLINE + 1, 1000] {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let payload = Payload::new(&data);
            assert_eq!(payload.as_slice(), &data[..], "len {len}");
            assert_eq!(payload.len(), len);
            assert_eq!(Payload::from(data.clone()), payload, "len {len}");
            assert_eq!(format!("{payload:?}"), format!("{data:?}"));
        }
    }

    #[test]
    fn short_payloads_stay_in_place() {
        assert!(matches!(Payload::new(&[7; INLINE]), Payload::Inline { .. }));
        assert!(matches!(Payload::new(&[7; INLINE + 1]), Payload::Heap(_)));
        assert!(matches!(Payload::from(vec![7; 4]), Payload::Inline { .. }));
    }

    #[test]
    fn a_prefix_keeps_the_first_bytes() {
        let long: Vec<u8> = (0..100).collect();
        let payload = Payload::new(&long);
        assert_eq!(payload.clone().prefix(200).as_slice(), &long[..]);
        assert_eq!(payload.clone().prefix(30).as_slice(), &long[..30]);
        assert_eq!(payload.prefix(3).as_slice(), &long[..3]);
        assert_eq!(Payload::new(b"ping").prefix(2).as_slice(), b"pi");
    }
}
