//! The emulated IPsec security associations a secured link reports in the IPsec2 form of
//! `WSAQuerySocketSecurity` ([`crate::choices::SA_IDENTIFIERS`]): one main-mode SA per pair
//! of hosts, one quick-mode SA per connection (or datagram exchange), and a lookup GUID per
//! quick-mode SA.
//!
//! The registry's lock is a leaf: it is taken under a shard lock and nothing is locked
//! while it is held.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::net::IpAddr;

use windows_sys::Win32::Foundation::{ERROR_IPSEC_IKE_AUTH_FAIL, ERROR_IPSEC_IKE_TIMED_OUT};

use crate::model::socket::Link;

/// `NegotiationWinerr` of the initiator of a negotiation that fell back to clear text: the
/// responder could not be authenticated under the peer target name given.
pub(crate) const INITIATOR_FALLBACK_WINERR: u32 = ERROR_IPSEC_IKE_AUTH_FAIL;
/// `NegotiationWinerr` of the responder of such a negotiation: the initiator abandoned it,
/// so the responder's half timed out.
pub(crate) const RESPONDER_FALLBACK_WINERR: u32 = ERROR_IPSEC_IKE_TIMED_OUT;

/// The SAs of one network.
#[derive(Debug, Default)]
pub(crate) struct SaRegistry {
    /// The main-mode SA of each pair of hosts, the lower address first.
    main_modes: HashMap<(IpAddr, IpAddr), u64>,
    /// Main-mode SAs handed out.
    main_count: u64,
    /// Quick-mode SAs handed out.
    quick_count: u64,
}

impl SaRegistry {
    /// Gives a secured link pair between hosts `a` and `b` its SAs: the pair's main-mode SA
    /// (made on its first secured link) and a new quick-mode SA, the same on both sides.
    /// Links that are not secured get none.
    pub(crate) fn assign(&mut self, a: IpAddr, b: IpAddr, links: [&mut Link; 2]) {
        if !links.iter().all(|link| link.secured) {
            return;
        }
        let key = if a <= b { (a, b) } else { (b, a) };
        let next_main = self.main_count + 1;
        let main = *self.main_modes.entry(key).or_insert(next_main);
        self.main_count = self.main_count.max(main);
        self.quick_count += 1;
        for link in links {
            let detail = link.negotiated.get_or_insert_with(Default::default);
            detail.mm_sa_id = main;
            detail.qm_sa_id = self.quick_count;
        }
    }
}

/// The `SaLookupContext` of the quick-mode SA `qm_sa_id`: a GUID in the emulator's own
/// namespace (`7773656d-7500-4000-8000-` and the id in its last six bytes), distinct for
/// every quick-mode SA of a network; all zero for none.
pub(crate) fn lookup_context(qm_sa_id: u64) -> [u8; 16] {
    if qm_sa_id == 0 {
        return [0; 16];
    }
    let mut guid = [0u8; 16];
    guid[0..4].copy_from_slice(&0x7773_656d_u32.to_le_bytes());
    guid[4..6].copy_from_slice(&0x7500_u16.to_le_bytes());
    guid[6..8].copy_from_slice(&0x4000_u16.to_le_bytes());
    guid[8] = 0x80;
    guid[10..16].copy_from_slice(&qm_sa_id.to_be_bytes()[2..8]);
    guid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secured() -> Link {
        Link {
            secured: true,
            ..Link::default()
        }
    }

    fn ids(link: &Link) -> (u64, u64) {
        let detail = link.negotiated.as_deref().unwrap();
        (detail.mm_sa_id, detail.qm_sa_id)
    }

    #[test]
    fn main_mode_per_host_pair_quick_mode_per_connection() {
        let mut sas = SaRegistry::default();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let c: IpAddr = "192.0.2.3".parse().unwrap();
        let (mut x1, mut y1) = (secured(), secured());
        sas.assign(a, b, [&mut x1, &mut y1]);
        let (mut x2, mut y2) = (secured(), secured());
        sas.assign(b, a, [&mut x2, &mut y2]);
        let (mut x3, mut y3) = (secured(), secured());
        sas.assign(a, c, [&mut x3, &mut y3]);
        assert_eq!(ids(&x1), ids(&y1));
        assert_eq!(ids(&x1), (1, 1));
        assert_eq!(ids(&x2), (1, 2));
        assert_eq!(ids(&x3), (2, 3));
        let (mut plain, mut other) = (Link::default(), secured());
        sas.assign(a, b, [&mut plain, &mut other]);
        assert_eq!(plain.negotiated, None);
    }

    #[test]
    fn lookup_contexts_are_distinct_guids() {
        assert_eq!(lookup_context(0), [0; 16]);
        assert_ne!(lookup_context(1), lookup_context(2));
        assert_eq!(lookup_context(1)[6..8], [0x00, 0x40]);
        assert_eq!(lookup_context(1)[15], 1);
    }
}
