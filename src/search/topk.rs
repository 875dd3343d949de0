//! A bounded "best k" collector for the scan.

/// A bounded "best k" collector: buffer, and when the buffer is full keep
/// only the best k (select_nth_unstable) and raise the entry bar.
pub(super) struct TopK {
    k: usize,
    pub(super) buf: Vec<u64>,
    bar: u64,
}

impl TopK {
    pub(super) fn new(k: usize) -> Self {
        TopK {
            k,
            buf: Vec::with_capacity(k * 4),
            bar: 0,
        }
    }

    #[inline]
    pub(super) fn push(&mut self, key: u64) {
        if key < self.bar {
            return;
        }
        self.buf.push(key);
        if self.buf.len() >= self.k * 4 {
            self.shrink(self.k);
            if let Some(&last) = self.buf.last() {
                self.bar = last;
            }
        }
    }

    pub(super) fn shrink(&mut self, k: usize) {
        if self.buf.len() > k {
            // The k best first, the k-th best exactly at k - 1.
            self.buf.select_nth_unstable_by(k - 1, |a, b| b.cmp(a));
            self.buf.truncate(k);
        }
    }
}
