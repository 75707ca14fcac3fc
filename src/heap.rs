//! The wasm's global allocator: power-of-two size classes, one free list each.
//!
//! Rust's default wasm allocator (dlmalloc) is about 8 KB of code, a fifth of the
//! SDK's size budget. The SDK's heap is small and its shapes repeat (frames, option
//! strings, events), so a much simpler scheme does the job:
//!
//! - every request is served from a block of `2^class` bytes (at least 8), the
//!   smallest power of two that holds both its size and its alignment;
//! - a freed block goes to the front of its class's free list and serves the next
//!   request of that class;
//! - fresh blocks are carved from the end of linear memory, each aligned to its own
//!   size (so any request of its class fits its alignment); the gap that alignment
//!   skips is cut into aligned power-of-two blocks for the free lists, so nothing is
//!   lost; memory grows by whole 64 KiB pages.
//!
//! Blocks are never split or merged: a class's memory is bounded by the peak number
//! of its live blocks, and the waste by rounding up to a power of two. Native unit
//! tests drive the same code over an arena standing in for linear memory.

use core::alloc::Layout;
use core::ptr::null_mut;

/// The size of a wasm memory page.
const PAGE: usize = 65_536;

/// One free list per power of two a `usize` can hold.
const CLASSES: usize = usize::BITS as usize;

/// `memory.grow`: adds `pages` and returns the previous size in pages, or
/// `usize::MAX` when memory cannot grow.
pub type Grow = fn(pages: usize) -> usize;

/// The allocator's state; see the module doc.
pub struct Heap {
    /// The first free block of each class; a free block's first word points to the next.
    free: [usize; CLASSES],
    /// Where the next fresh block may start.
    next: usize,
    /// The end of the memory the heap owns.
    end: usize,
    grow: Grow,
}

impl Heap {
    /// An empty heap that takes its memory from `grow`.
    pub const fn new(grow: Grow) -> Self {
        Heap {
            free: [0; CLASSES],
            next: 0,
            end: 0,
            grow,
        }
    }

    /// A block for `layout`, or null when memory is exhausted.
    ///
    /// # Safety
    /// Memory handed out by `grow` must be owned by this heap alone.
    pub unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let class = class(layout);
        let head = self.free[class];
        if head != 0 {
            // SAFETY: `head` is a free block of this heap; its first word holds the
            // next free block of the class.
            self.free[class] = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        unsafe { self.carve(1 << class) }
    }

    /// Returns the block of `ptr`, allocated with `layout`.
    ///
    /// # Safety
    /// `ptr` must come from [`Heap::alloc`] with the same `layout`, and be unused.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        unsafe { self.push(class(layout), ptr as usize) }
    }

    /// Grows or shrinks a block; the same block when the class does not change.
    ///
    /// # Safety
    /// As [`core::alloc::GlobalAlloc::realloc`].
    pub unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` rounded to `align` fits an isize.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class(new) == class(layout) {
            return ptr;
        }
        let moved = unsafe { self.alloc(new) };
        if !moved.is_null() {
            // SAFETY: both blocks are live and distinct; each holds the smaller size.
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        moved
    }

    unsafe fn push(&mut self, class: usize, block: usize) {
        // SAFETY: `block` is at least 8 bytes, aligned, and owned by the heap.
        unsafe { *(block as *mut usize) = self.free[class] };
        self.free[class] = block;
    }

    /// A fresh block of `size` bytes (a power of two), aligned to `size`.
    unsafe fn carve(&mut self, size: usize) -> *mut u8 {
        loop {
            let Some(aligned) = self.next.checked_next_multiple_of(size) else {
                return null_mut();
            };
            let Some(block_end) = aligned.checked_add(size) else {
                return null_mut();
            };
            if block_end <= self.end {
                unsafe { self.free_gap(aligned) };
                self.next = block_end;
                return aligned as *mut u8;
            }
            let pages = (block_end - self.end).div_ceil(PAGE);
            let previous = (self.grow)(pages);
            if previous == usize::MAX {
                return null_mut();
            }
            let start = previous * PAGE;
            if start != self.end {
                // The first growth (or memory grown by someone else): start there.
                self.next = start;
            }
            self.end = start + pages * PAGE;
        }
    }

    /// Hands the memory between `next` and `to` to the free lists, as the largest
    /// aligned power-of-two blocks that tile it.
    unsafe fn free_gap(&mut self, to: usize) {
        while self.next < to {
            let fits = usize::BITS - 1 - (to - self.next).leading_zeros();
            let class = self.next.trailing_zeros().min(fits) as usize;
            unsafe { self.push(class, self.next) };
            self.next += 1 << class;
        }
    }
}

/// The class of a request: log2 of the smallest power of two >= size, align and 8.
fn class(layout: Layout) -> usize {
    let size = layout.size().max(layout.align()).max(8);
    (usize::BITS - (size - 1).leading_zeros()) as usize
}

/// The global allocator: [`Heap`] over `memory.grow`.
#[cfg(target_arch = "wasm32")]
mod global {
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    use super::Heap;

    /// [`Heap`] as the global allocator of a single-threaded wasm module.
    struct SingleThreaded(UnsafeCell<Heap>);

    // SAFETY: wasm32-unknown-unknown without the `atomics` feature runs one thread,
    // so the heap is never used from two threads.
    unsafe impl Sync for SingleThreaded {}

    // SAFETY: the heap hands out disjoint, aligned blocks (see `Heap`); it is never
    // re-entered, since the heap itself does not allocate.
    unsafe impl GlobalAlloc for SingleThreaded {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            unsafe { (*self.0.get()).alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { (*self.0.get()).dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            unsafe { (*self.0.get()).realloc(ptr, layout, new_size) }
        }
    }

    fn memory_grow(pages: usize) -> usize {
        core::arch::wasm32::memory_grow(0, pages)
    }

    #[global_allocator]
    static ALLOCATOR: SingleThreaded = SingleThreaded(UnsafeCell::new(Heap::new(memory_grow)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    const ARENA_PAGES: usize = 256;

    thread_local! {
        /// The test arena's base (in pages) and how many pages were handed out.
        static ARENA: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    }

    /// Linear memory stand-in: pages of a leaked, page-aligned arena.
    fn arena_grow(pages: usize) -> usize {
        ARENA.with(|arena| {
            let (mut base, used) = arena.get();
            if base == 0 {
                let layout = Layout::from_size_align(ARENA_PAGES * PAGE, PAGE).unwrap();
                // SAFETY: a non-zero size; the arena lives for the whole test.
                base = unsafe { std::alloc::alloc(layout) } as usize / PAGE;
            }
            if used + pages > ARENA_PAGES {
                return usize::MAX;
            }
            arena.set((base, used + pages));
            base + used
        })
    }

    #[test]
    fn classes_hold_size_and_alignment() {
        let class_of = |size, align| class(Layout::from_size_align(size, align).unwrap());
        assert_eq!(class_of(0, 1), 3);
        assert_eq!(class_of(8, 8), 3);
        assert_eq!(class_of(9, 1), 4);
        assert_eq!(class_of(16, 16), 4);
        assert_eq!(class_of(1, 64), 6);
        assert_eq!(class_of(4097, 4), 13);
    }

    #[test]
    fn blocks_are_aligned_disjoint_reused_and_keep_their_bytes() {
        let mut heap = Heap::new(arena_grow);
        let mut live: Vec<(usize, Layout, u8)> = Vec::new();
        let mut seed = 7u32;
        for round in 0..4_000u32 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let size = (seed >> 8) as usize % 3_000;
            let align = 1 << ((seed >> 4) % 7);
            if seed.is_multiple_of(3) && !live.is_empty() {
                let (ptr, layout, fill) = live.swap_remove((seed as usize >> 3) % live.len());
                // SAFETY: reading back the bytes written when the block was handed out.
                let bytes = unsafe { std::slice::from_raw_parts(ptr as *const u8, layout.size()) };
                assert!(bytes.iter().all(|b| *b == fill), "block overwritten");
                unsafe { heap.dealloc(ptr as *mut u8, layout) };
                continue;
            }
            let layout = Layout::from_size_align(size, align).unwrap();
            let ptr = unsafe { heap.alloc(layout) } as usize;
            assert_ne!(ptr, 0);
            assert_eq!(ptr % align, 0, "misaligned");
            let fill = round as u8;
            // SAFETY: the block holds `size` bytes.
            unsafe { std::ptr::write_bytes(ptr as *mut u8, fill, size) };
            live.push((ptr, layout, fill));
        }
        let mut spans: Vec<(usize, usize)> = live
            .iter()
            .map(|(p, l, _)| (*p, *p + (1usize << class(*l))))
            .collect();
        spans.sort();
        assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "blocks overlap");
        let (ptr, layout, _) = live[0];
        unsafe { heap.dealloc(ptr as *mut u8, layout) };
        assert_eq!(
            unsafe { heap.alloc(layout) } as usize,
            ptr,
            "freed block reused"
        );
    }

    #[test]
    fn realloc_keeps_the_bytes_and_the_block_within_a_class() {
        let mut heap = Heap::new(arena_grow);
        let layout = Layout::from_size_align(10, 1).unwrap();
        let ptr = unsafe { heap.alloc(layout) };
        unsafe { std::ptr::copy_nonoverlapping(b"0123456789".as_ptr(), ptr, 10) };
        assert_eq!(unsafe { heap.realloc(ptr, layout, 16) }, ptr);
        let grown = unsafe { heap.realloc(ptr, layout, 100) };
        assert_eq!(
            unsafe { std::slice::from_raw_parts(grown, 10) },
            b"0123456789"
        );
    }

    #[test]
    fn exhausted_memory_gives_null() {
        let mut heap = Heap::new(arena_grow);
        let huge = Layout::from_size_align(ARENA_PAGES * PAGE * 2, 8).unwrap();
        assert!(unsafe { heap.alloc(huge) }.is_null());
    }
}
