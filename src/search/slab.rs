//! An index array that is owned, or read in place from the mapped index
//! file (shared between every session on the server). Either way it is a
//! slice to whoever reads it; changing a mapped one first copies it (the
//! file itself is never written through a mapping).

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use memmap2::Mmap;

/// See the module comment. `ptr`/`len` always describe the slice held by
/// `own`, so reading costs no more than a `Vec`'s.
pub struct Slab<T: Copy + 'static> {
    ptr: *const T,
    len: usize,
    own: Own<T>,
}

enum Own<T> {
    Vec(Vec<T>),
    Map(Arc<Mmap>),
}

// SAFETY: a Slab is a read-only view of memory it owns (a Vec or a shared,
// read-only mapping); mutation goes through `&mut self`.
unsafe impl<T: Copy + Send + Sync> Send for Slab<T> {}
unsafe impl<T: Copy + Send + Sync> Sync for Slab<T> {}

impl<T: Copy> From<Vec<T>> for Slab<T> {
    fn from(v: Vec<T>) -> Self {
        Slab {
            ptr: v.as_ptr(),
            len: v.len(),
            own: Own::Vec(v),
        }
    }
}

impl<T: Copy> Default for Slab<T> {
    fn default() -> Self {
        Vec::new().into()
    }
}

impl<T: Copy> Clone for Slab<T> {
    fn clone(&self) -> Self {
        match &self.own {
            Own::Vec(v) => v.clone().into(),
            Own::Map(m) => Slab {
                ptr: self.ptr,
                len: self.len,
                own: Own::Map(m.clone()),
            },
        }
    }
}

impl<T: Copy> Deref for Slab<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        // SAFETY: `ptr`/`len` describe memory `own` keeps alive and
        // unchanged (see `mapped` and `SlabMut`'s drop).
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl<T: Copy> Slab<T> {
    /// `len` values of `T` at `offset` bytes into `map`; None when they do
    /// not fit in it or are not aligned for `T`.
    ///
    /// # Safety
    /// Every bit pattern found there must be a valid `T` (the caller has
    /// checked the bytes, or any bits are a valid `T`).
    pub unsafe fn mapped(map: Arc<Mmap>, offset: usize, len: usize) -> Option<Slab<T>> {
        let bytes = len.checked_mul(std::mem::size_of::<T>())?;
        let region = map.get(offset..offset.checked_add(bytes)?)?;
        let ptr = region.as_ptr().cast::<T>();
        if !(ptr as usize).is_multiple_of(std::mem::align_of::<T>()) {
            return None;
        }
        Some(Slab {
            ptr,
            len,
            own: Own::Map(map),
        })
    }

    pub fn is_mapped(&self) -> bool {
        matches!(self.own, Own::Map(_))
    }

    /// The mapping this slab reads, when it is mapped.
    pub fn map(&self) -> Option<&Arc<Mmap>> {
        match &self.own {
            Own::Map(m) => Some(m),
            Own::Vec(_) => None,
        }
    }

    /// Bytes this slab holds on the heap (0 for a mapped one).
    pub fn owned_bytes(&self) -> usize {
        match &self.own {
            Own::Vec(v) => v.capacity() * std::mem::size_of::<T>(),
            Own::Map(_) => 0,
        }
    }

    /// The values to change, copied out of the mapping first if mapped.
    pub fn to_mut(&mut self) -> SlabMut<'_, T> {
        let vec = match &mut self.own {
            Own::Vec(v) => std::mem::take(v),
            Own::Map(_) => self.deref().to_vec(),
        };
        SlabMut { slab: self, vec }
    }
}

/// A [`Slab`]'s values as a `Vec` to change; they go back into the slab
/// (and its view follows them) when this is dropped.
pub struct SlabMut<'a, T: Copy + 'static> {
    slab: &'a mut Slab<T>,
    vec: Vec<T>,
}

impl<T: Copy> Deref for SlabMut<'_, T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.vec
    }
}

impl<T: Copy> DerefMut for SlabMut<'_, T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.vec
    }
}

impl<T: Copy> Drop for SlabMut<'_, T> {
    fn drop(&mut self) {
        *self.slab = std::mem::take(&mut self.vec).into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_show_through_and_clones_are_deep() {
        let mut s: Slab<u32> = vec![1, 2, 3].into();
        let c = s.clone();
        {
            let mut m = s.to_mut();
            m.push(4);
            m[0] = 9;
        }
        assert_eq!(&*s, &[9, 2, 3, 4]);
        assert_eq!(&*c, &[1, 2, 3]);
    }
}
