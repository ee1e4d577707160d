//! Text made at run time that a report keeps as `&'static str`, as it keeps the text the
//! cases are written with: a reason Wine gave, a step named by a case's own process.
#![forbid(unsafe_code)]

use std::collections::BTreeSet;

use parking_lot::Mutex;

/// Every distinct text interned so far, each leaked once.
static TEXTS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// `text` as a `&'static str`: the one copy kept for every equal text, so the memory kept
/// is bounded by the distinct texts a run meets (a few per case), not by how often.
pub(crate) fn intern(text: &str) -> &'static str {
    let mut texts = TEXTS.lock();
    if let Some(&kept) = texts.get(text) {
        return kept;
    }
    let kept: &'static str = Box::leak(text.to_owned().into_boxed_str());
    texts.insert(kept);
    kept
}

#[cfg(test)]
mod tests {
    use super::intern;

    #[test]
    fn equal_texts_share_one_copy() {
        let first = intern("not implemented by Wine 8.0: socket(AF_UNIX)");
        let again = intern(&String::from(
            "not implemented by Wine 8.0: socket(AF_UNIX)",
        ));
        assert_eq!(first, again);
        assert!(std::ptr::eq(first, again));
        assert_ne!(intern("a"), intern("b"));
    }
}
