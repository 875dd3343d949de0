//! Queries from the screen straight to the search service ([`Direct`]),
//! and what the service does when they overtake queries sent through the
//! database thread.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use crate::search::Cancel;

use super::{Job, Worker};

/// Queries straight from another thread (the screen), without the
/// database thread between: a key's query does not wait behind the
/// database thread's reads (a preview, the calendar). Does not keep the
/// service alive.
#[derive(Clone, Debug)]
pub struct Direct {
    tx: Sender<Job>,
    generation: Weak<AtomicU64>,
    drawn: Arc<AtomicU64>,
}

/// How long the service waits, after a staged first answer, for the screen
/// to draw it before scanning for the full answer.
const FRAME_WAIT: Duration = Duration::from_millis(16);

impl Direct {
    /// [`super::Service::query`]; false when the service has stopped.
    pub fn query(&self, seq: u64, text: &str, limit: usize) -> bool {
        // The handle on the database thread and the service's thread own
        // the counter: one left means the handle was dropped (the service
        // stops at its next look).
        if !self.alive() {
            return false;
        }
        let Some(counter) = self.generation.upgrade() else {
            return false;
        };
        let generation = counter.fetch_add(1, Ordering::SeqCst) + 1;
        self.tx
            .send(Job::Query {
                seq,
                generation,
                text: text.to_string(),
                limit,
            })
            .is_ok()
    }

    /// [`super::Service::forget_query`]; false when the service has stopped.
    pub fn forget_query(&self) -> bool {
        self.alive() && self.tx.send(Job::Forget).is_ok()
    }

    /// The screen has drawn a frame showing the answer to query `seq`.
    pub fn drawn(&self, seq: u64) {
        self.drawn.fetch_max(seq, Ordering::SeqCst);
    }

    /// The [`super::Service`] handle is still there.
    fn alive(&self) -> bool {
        self.generation.strong_count() > 1
    }
}

impl super::Service {
    /// A handle for queries from another thread ([`Direct`]).
    pub fn direct(&self) -> Direct {
        Direct {
            tx: self.tx.clone(),
            generation: Arc::downgrade(&self.generation),
            drawn: self.drawn.clone(),
        }
    }
}

/// After a staged first answer to `seq`: wait (at most [`FRAME_WAIT`]) for
/// the screen to draw it, so the full answer's scan (two threads) does not
/// take the cores the screen needs for that frame; not when no screen
/// holds a [`Direct`] handle, nor once a newer query came.
pub(super) fn wait_drawn(drawn: &Arc<AtomicU64>, seq: u64, cancel: Cancel) {
    if Arc::strong_count(drawn) < 3 {
        return;
    }
    let end = Instant::now() + FRAME_WAIT;
    while drawn.load(Ordering::SeqCst) < seq && !cancel.cancelled() && Instant::now() < end {
        std::thread::sleep(Duration::from_micros(300));
    }
}

impl Worker {
    /// A query older than the newest came late (the other way): it is not
    /// answered, but its generation may have stopped the newest query's
    /// answer, so that is asked again (or sent, if it was answered: the
    /// screen draws no frame for an answer it has).
    pub(super) fn overtaken(&mut self, query: &mut Option<(u64, u64, String, usize)>) {
        let now = self.generation.load(Ordering::SeqCst);
        match query {
            Some(q) => q.1 = now,
            None => {
                *query = self
                    .last_query
                    .clone()
                    .filter(|q| q.0 == self.newest_seq)
                    .map(|(seq, _, text, limit)| (seq, now, text, limit));
            }
        }
    }
}
