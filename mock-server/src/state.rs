//! What the server records while running: per-interaction counts and a bounded window of
//! recent problems, so memory stays flat however many requests arrive.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::report::{MockReport, Problem};

#[derive(Debug, Default)]
struct ProblemLog {
    recent: VecDeque<Problem>,
    mismatched: u64,
    unexpected: u64,
}

/// Counters and problem log of one mock server.
#[derive(Debug)]
pub(crate) struct Recorder {
    matched: Vec<AtomicU64>,
    total: AtomicU64,
    problems: Mutex<ProblemLog>,
    limit: usize,
}

impl Recorder {
    pub(crate) fn new(interactions: usize, limit: usize) -> Recorder {
        Recorder {
            matched: (0..interactions).map(|_| AtomicU64::new(0)).collect(),
            total: AtomicU64::new(0),
            problems: Mutex::new(ProblemLog::default()),
            limit: limit.max(1),
        }
    }

    pub(crate) fn request_received(&self) {
        self.total.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn matched(&self, index: usize) {
        if let Some(counter) = self.matched.get(index) {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    }

    pub(crate) fn problem(&self, problem: Problem) {
        let mut log = self
            .problems
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match problem {
            Problem::Mismatched { .. } => log.mismatched += 1,
            Problem::Unexpected { .. } => log.unexpected += 1,
        }
        if log.recent.len() >= self.limit {
            log.recent.pop_front();
        }
        log.recent.push_back(problem);
    }

    pub(crate) fn report(&self, descriptions: &[String]) -> MockReport {
        let log = self
            .problems
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let counts: Vec<u64> = self.matched.iter().map(|c| c.load(Ordering::SeqCst)).collect();
        MockReport {
            matched: descriptions.iter().cloned().zip(counts.iter().copied()).collect(),
            missing: descriptions
                .iter()
                .zip(&counts)
                .filter(|(_, n)| **n == 0)
                .map(|(d, _)| d.clone())
                .collect(),
            problems: log.recent.iter().cloned().collect(),
            mismatched_total: log.mismatched,
            unexpected_total: log.unexpected,
            total_requests: self.total.load(Ordering::SeqCst),
        }
    }
}
