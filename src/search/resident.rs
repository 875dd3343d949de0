//! Which pages of a mapped index file this session keeps resident.
//!
//! A search reads nearly the whole mapped file (the arena), and those pages
//! then count in the session's resident memory (~190 MiB at 1M opinions)
//! for as long as it runs, though nothing reads them while the search is
//! closed. So the service gives them back when the search closes (and
//! right after mapping a file while it is closed): `MADV_DONTNEED` on the
//! read-only mapping drops this process's page-table entries only; the
//! pages stay in the page cache (other sessions map them too), so reading
//! them again is a minor fault, never a disk read, and sees the same bytes
//! (the file is never changed in place: see `persist_map::open`). When the
//! search opens, a thread of its own maps them back
//! (`MADV_POPULATE_READ`) once the opening query (usually blank) is
//! answered, so the first key's scan does not pay the faults. Not before:
//! a blank query's scan holds a list of every entry for a moment (26 MB at
//! 1M), and the two together would make the session's peak.
//!
//! All `unsafe` about page advice and the allocator is in this module.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use memmap2::{Advice, Mmap, UncheckedAdvice};

use super::slab::Slab;
use super::Index;

/// The mapping is populated in steps of this many bytes, so a closing
/// search stops the thread within one step.
const STEP: usize = 4 << 20;

impl Index {
    /// The index file this index reads in place (every mapped array of an
    /// index comes from one file), when any is mapped.
    pub fn mapping(&self) -> Option<Arc<Mmap>> {
        [
            self.arena.map(),
            self.docs.map(),
            self.starts.map(),
            self.ranks.map(),
            self.rows.map(),
        ]
        .into_iter()
        .flatten()
        .next()
        .cloned()
    }

    /// The byte ranges of `map` the scans read (text, offsets, records,
    /// ranks): not the rows' order, which only applying a change reads
    /// (a few pages of it), ~4 bytes an entry.
    pub fn scan_ranges(&self, map: &Mmap) -> Vec<std::ops::Range<usize>> {
        [
            range_in(&self.arena, map),
            range_in(&self.starts, map),
            range_in(&self.docs, map),
            range_in(&self.ranks, map),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Where `slab`'s values lie in `map`, when it reads them from there.
fn range_in<T: Copy>(slab: &Slab<T>, map: &Mmap) -> Option<std::ops::Range<usize>> {
    let mine = slab.map()?;
    if mine.as_ptr() != map.as_ptr() {
        return None;
    }
    let start = (slab.as_ptr() as usize).checked_sub(map.as_ptr() as usize)?;
    let end = start.checked_add(std::mem::size_of_val::<[T]>(slab))?;
    (end <= map.len()).then_some(start..end)
}

/// Drop this process's mapping of every page of `map` (they stay cached).
pub fn release(map: &Mmap) {
    // SAFETY: `map` is a read-only (PROT_READ, MAP_SHARED) mapping of an
    // index file that is never written in place (writers rename a new file
    // over it). MADV_DONTNEED only discards this process's page-table
    // entries: the next read of a page faults it in again from the page
    // cache (or the file) with the same bytes, so every `&[T]` over the
    // mapping (the scan on another thread included) keeps reading the same
    // values. The advice that is unsafe in general (it drops unsaved
    // changes of private writable mappings) has nothing to drop here.
    let r = unsafe { map.unchecked_advise(UncheckedAdvice::DontNeed) };
    if let Err(e) = r {
        tracing::debug!("索引ファイルのページを手放せません: {e}");
    }
}

/// Allocations of at least this many bytes get pages of their own, given
/// back to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 256 << 10;
/// The allocator gives back the free memory at the top of a heap when
/// there is more than this.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: libc::c_int = 1 << 20;

/// Make the allocator give freed memory back: glibc by default raises its
/// mmap threshold to the size of the largest block freed so far (up to
/// 32 MiB), after which blocks that size come from the heaps and stay
/// resident when freed. Building the titles index at launch (vectors
/// growing to several MB) and a search's lists left a session ~20 MiB of
/// freed memory at 1M opinions, which counted in its peak with the mapped
/// index. Setting the thresholds fixes them (no raising).
///
/// Called as the app starts, before its threads.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt takes two integers; called before the app starts
    // any thread (glibc documents mallopt as not for concurrent use).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}

/// Give the allocator's free pages back to the system (glibc keeps freed
/// memory of every thread's arena resident: at 1M opinions ~14 MiB after
/// launch and a search, of a session's ~35 MiB of its own memory).
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; glibc locks each arena while
    // it returns that arena's free pages, so other threads may allocate
    // and free meanwhile.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Map every page of `map` (from the page cache), in steps, until `stop`.
pub fn populate(map: &Mmap, stop: &AtomicBool) {
    populate_range(map, 0..map.len(), stop);
}

/// Map the pages of `range` of `map`, in steps, until `stop`.
pub fn populate_range(map: &Mmap, range: std::ops::Range<usize>, stop: &AtomicBool) {
    let end = range.end.min(map.len());
    let mut at = range.start;
    while at < end && !stop.load(Ordering::Relaxed) {
        let n = STEP.min(end - at);
        if map.advise_range(Advice::PopulateRead, at, n).is_err() {
            // Linux before 5.14: read a byte of each page instead.
            let mut x = 0u8;
            for i in (at..at + n).step_by(4096) {
                x ^= map[i];
            }
            std::hint::black_box(x);
        }
        at += n;
    }
}

/// The search's side: whether a search is open, and the thread mapping the
/// index's pages back for it.
#[derive(Default)]
pub struct Pages {
    open: bool,
    /// The pages were given back while the search stayed open (idle) and
    /// nothing was answered since.
    idle: bool,
    /// The search opened: map the pages back after its first answer.
    fill: bool,
    filler: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

impl Pages {
    /// A query came: the search is open. On opening, the index's pages
    /// are to be mapped back ([`Pages::answered`]).
    pub fn opened(&mut self) {
        self.idle = false;
        self.fill |= !std::mem::replace(&mut self.open, true);
    }

    /// A query was answered from `index` (its scan mapped back what it
    /// read): on the search's first answer, map the rest back on a thread
    /// of their own.
    pub fn answered(&mut self, index: Option<&Index>) {
        self.idle = false;
        if !std::mem::take(&mut self.fill) || !self.open {
            return;
        }
        let Some((map, ranges)) = index.and_then(|ix| {
            let map = ix.mapping()?;
            let ranges = ix.scan_ranges(&map);
            Some((map, ranges))
        }) else {
            return;
        };
        self.stop_filler();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("kusei-pages".into())
            .spawn(move || {
                // What launch and the last search left free goes first, so
                // it does not add to the pages mapped back.
                trim();
                for r in ranges {
                    populate_range(&map, r, &flag);
                }
            });
        if let Ok(handle) = spawned {
            self.filler = Some((stop, handle));
        }
    }

    /// The search closed: give `index`'s pages back.
    pub fn closed(&mut self, index: Option<&Index>) {
        self.open = false;
        self.idle = false;
        self.fill = false;
        self.give_back(index);
    }

    /// The search stayed open without an answer for a while: give the
    /// pages back (the next key's scan maps what it reads); once.
    pub fn idle(&mut self, index: Option<&Index>) {
        if self.open && !std::mem::replace(&mut self.idle, true) {
            self.give_back(index);
        }
    }

    /// `index` replaced the last one (mapped anew, built): while no search
    /// is open, give back what mapping and checking it touched.
    pub fn replaced(&mut self, index: Option<&Index>) {
        if !self.open {
            self.give_back(index);
        }
    }

    fn give_back(&mut self, index: Option<&Index>) {
        self.stop_filler();
        if let Some(map) = index.and_then(Index::mapping) {
            release(&map);
        }
        trim();
    }

    fn stop_filler(&mut self) {
        if let Some((stop, handle)) = self.filler.take() {
            stop.store(true, Ordering::Relaxed);
            let _ = handle.join();
        }
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        self.stop_filler();
    }
}
