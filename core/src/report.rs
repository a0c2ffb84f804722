//! Readable reports of mismatches.
