// The crossbeam-epoch side of `reclaim peer` (docs/tools.md, "The peer protocol"): the same protocol, the
// same workloads (crossbeam's own Treiber stack shape: `pin` per operation, `defer_destroy`).
// Peer protocol for crossbeam-epoch: `cbpeer pin THREADS [PER_THREAD]` or `cbpeer treiber THREADS [TOTAL_OPS]`.
// Barrier start, one untimed warm-up round, 3 timed rounds, median. Prints RESULT lines like `reclaim peer`.
use crossbeam_epoch::{self as epoch, Atomic, Owned};
use std::hint::black_box;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::{Arc, Barrier};
use std::time::Instant;

struct Node { v: u64, next: Atomic<Node> }
struct Stack { head: Atomic<Node> }
impl Stack {
    fn push(&self, v: u64) {
        let mut n = Owned::new(Node { v, next: Atomic::null() });
        let g = epoch::pin();
        loop {
            let h = self.head.load(Relaxed, &g);
            n.next.store(h, Relaxed);
            match self.head.compare_exchange(h, n, Release, Relaxed, &g) {
                Ok(_) => break,
                Err(e) => n = e.new,
            }
        }
    }
    fn pop(&self) -> Option<u64> {
        let g = epoch::pin();
        loop {
            let h = self.head.load(Acquire, &g);
            match unsafe { h.as_ref() } {
                Some(n) => {
                    let next = n.next.load(Relaxed, &g);
                    if self.head.compare_exchange(h, next, Relaxed, Relaxed, &g).is_ok() {
                        let v = n.v;
                        unsafe { g.defer_destroy(h) };
                        return Some(v);
                    }
                }
                None => return None,
            }
        }
    }
}

fn round(work: &str, threads: usize, n: u64, st: &Arc<Stack>) -> f64 {
    let bar = Arc::new(Barrier::new(threads + 1));
    let mut hs = vec![];
    for t in 0..threads {
        let bar = bar.clone(); let st = st.clone(); let work = work.to_string();
        hs.push(std::thread::spawn(move || {
            bar.wait();
            let mut sum = 0u64;
            if work == "pin" {
                for _ in 0..n { let g = epoch::pin(); black_box(&g); drop(g); }
            } else {
                for i in 0..n { st.push(i + t as u64); sum = sum.wrapping_add(st.pop().unwrap_or(0)); }
            }
            bar.wait();
            sum
        }));
    }
    bar.wait();
    let t0 = Instant::now();
    bar.wait();
    let el = t0.elapsed().as_secs_f64();
    for h in hs { black_box(h.join().unwrap()); }
    el
}

#[repr(C)]
struct Timespec { sec: i64, nsec: i64 }
extern "C" { fn clock_gettime(clk: i32, ts: *mut Timespec) -> i32; }
fn thread_cpu_ns() -> u64 {
    let mut ts = Timespec { sec: 0, nsec: 0 };
    unsafe { clock_gettime(3, &mut ts) }; // CLOCK_THREAD_CPUTIME_ID
    ts.sec as u64 * 1_000_000_000 + ts.nsec as u64
}

// `cbpeer cpupin N REPS`: one thread, thread CPU time per pin, min over REPS after 3 warm-up reps.
fn cpu_pin(n: u64, reps: usize) {
    let mut best = f64::MAX;
    for rep in 0..reps {
        let t0 = thread_cpu_ns();
        for _ in 0..n { let g = epoch::pin(); black_box(&g); drop(g); }
        let ns = (thread_cpu_ns() - t0) as f64 / n as f64;
        if rep >= 3 && ns < best { best = ns; }
    }
    println!("{:.3}", best);
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let work = a[1].as_str();
    if work == "cpupin" {
        cpu_pin(a[2].parse().unwrap(), a[3].parse().unwrap());
        return;
    }
    let threads: usize = a[2].parse().unwrap();
    let st = Arc::new(Stack { head: Atomic::null() });
    let (n, ops_per_round) = if work == "pin" {
        let per: u64 = a.get(3).map(|s| s.parse().unwrap()).unwrap_or(50_000_000);
        (per, per * threads as u64)
    } else {
        let total: u64 = a.get(3).map(|s| s.parse().unwrap()).unwrap_or(20_000_000);
        let pairs = total / threads as u64 / 2;
        (pairs, pairs * 2 * threads as u64)
    };
    round(work, threads, n, &st); // warm-up
    let mut r: Vec<f64> = (0..3).map(|_| round(work, threads, n, &st)).collect();
    r.sort_by(|x, y| x.partial_cmp(y).unwrap());
    let med = r[1];
    if work == "pin" {
        println!("RESULT pin crossbeam {} {:.3} ns/op", threads, med * 1e9 / n as f64);
    } else {
        println!("RESULT treiber crossbeam {} {:.3}", threads, ops_per_round as f64 / med / 1e6);
    }
}
