//! Answering a query: afresh ([`Worker::answer`], staged), or again after
//! a colleague's change ([`Worker::answer_changed`], from what the change
//! did to the answer kept when it can say).

use std::time::Instant;

use super::super::live::{Live, Update};
use super::super::{parse, Cancel};
use super::{direct, Event, Results, Worker};

impl Worker {
    /// Answer the last query again after a change: from what the tail did
    /// to the answer kept ([`super::super::live`]) when it could say, else in full
    /// (keeping the state for the next change).
    pub(super) fn answer_changed(&mut self, q: &(u64, u64, String, usize)) {
        let t = Instant::now();
        let (seq, generation, text, limit) = q;
        let (found, reread) = match self.update.take() {
            Some(Update::Same) => return,
            Some(Update::Changed { found, reread }) => (found, reread),
            None => {
                let (Some(index), Ok(query)) = (self.index.clone(), parse(text)) else {
                    return self.answer(q);
                };
                let counter = self.generation.clone();
                let cancel = Cancel {
                    generation: &counter,
                    mine: *generation,
                };
                let Some((live, found)) = Live::full(&index, &query, *limit, cancel) else {
                    // A newer query is on its way.
                    return;
                };
                self.live = Some(live);
                (found, None)
            }
        };
        let Some(index) = self.index.clone() else {
            return;
        };
        let mut results = Results {
            seq: *seq,
            total: found.total,
            ..Default::default()
        };
        let old = std::mem::take(&mut self.rows);
        match self.store() {
            Ok(store) => {
                match super::super::live::rows(store.conn(), &index, &found.hits, &old, reread) {
                    Ok(rows) => results.rows = rows,
                    Err(e) => results.error = Some(super::super::SearchError::from(e).to_string()),
                }
            }
            Err(e) => results.error = Some(e),
        }
        self.rows = results.rows.clone();
        results.micros = t.elapsed().as_micros() as u64;
        (self.sink)(Event::Results(results));
    }

    pub(super) fn answer(&mut self, (seq, generation, text, limit): &(u64, u64, String, usize)) {
        let t = Instant::now();
        crate::keytrace::mark("start", *seq);
        let Some(index) = self.index.clone() else {
            return;
        };
        let mut results = Results {
            seq: *seq,
            ..Default::default()
        };
        let query = match parse(text) {
            Ok(q) => q,
            Err(e) => {
                results.error = Some(e.0);
                (self.sink)(Event::Results(results));
                return;
            }
        };
        let counter = self.generation.clone();
        let cancel = Cancel {
            generation: &counter,
            mine: *generation,
        };
        let limit = *limit;
        if let Err(e) = self.store() {
            results.error = Some(e);
            (self.sink)(Event::Results(results));
            return;
        }
        let Some(store) = &self.store else { return };
        // A large scan first answers from the newest entries (same seq:
        // the full answer replaces it, keeping the selection).
        let (sink, seq, drawn) = (self.sink.clone(), *seq, self.drawn.clone());
        let mut early = |rows, total| {
            crate::keytrace::mark("early", seq);
            sink(Event::Results(Results {
                seq,
                rows,
                total,
                error: None,
                micros: t.elapsed().as_micros() as u64,
            }));
            direct::wait_drawn(&drawn, seq, cancel);
        };
        let outcome =
            self.session
                .search_staged(&index, store.conn(), &query, limit, cancel, &mut early);
        match outcome {
            Ok(Some((rows, total))) => {
                results.rows = rows;
                results.total = total;
            }
            // A newer query is on its way.
            Ok(None) => return,
            Err(e) => results.error = Some(e.to_string()),
        }
        self.rows = results.rows.clone();
        results.micros = t.elapsed().as_micros() as u64;
        crate::keytrace::mark("full", seq);
        (self.sink)(Event::Results(results));
    }
}
